/**
 * The simulated Keycloak's memory: authorization codes, access tokens and refresh tokens, with
 * the rules the fetcher must survive (vendors.md §3.2): 300-second access tokens, codes that work
 * once, refresh tokens without expiry under `offline_access` (about two days without it), and
 * rotation — each refresh hands out a new refresh token and the old one answers
 * `invalid_grant` "Token is not active". `allowRefreshReuse` softens rotation the way a lenient
 * server does: an old refresh token keeps working until its successor has been used once, which
 * is what a fetcher that crashed before storing the new token needs.
 */
export interface AccessGrant {
  clientId: string;
  /** The owner's e-mail for code-flow tokens; absent for `client_credentials` tokens. */
  owner?: string;
  expiresAt: number;
}

export type Issued =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; description: string };

interface Session {
  clientId: string;
  owner: string;
  offline: boolean;
  sessionState: string;
}

interface Code extends Session {
  redirectUri: string;
  expiresAt: number;
}

interface Refresh extends Session {
  expiresAt?: number;
  inactive?: string;
  parent?: string;
}

// Keycloak's default lifespan of an authorization code.
const CODE_MS = 60_000;
const ONLINE_REFRESH_SECONDS = 2 * 86_400;
const SCOPE = "profile monitoringApi:read email";

export function createTokenStore(o: { now: () => number; allowRefreshReuse?: boolean }) {
  let lifetimeSeconds = 300;
  const codes = new Map<string, Code>();
  const access = new Map<string, AccessGrant>();
  const refresh = new Map<string, Refresh>();

  function grant(clientId: string, session?: Session): Record<string, unknown> {
    if (access.size > 10_000) {
      for (const [t, g] of access) if (g.expiresAt <= o.now()) access.delete(t);
    }
    const accessToken = token("at");
    access.set(accessToken, {
      clientId,
      owner: session?.owner,
      expiresAt: o.now() + lifetimeSeconds * 1000,
    });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: lifetimeSeconds,
      refresh_expires_in: 0,
      token_type: "Bearer",
      "not-before-policy": 0,
      scope: SCOPE,
    };
    if (session) {
      const refreshToken = token("rt");
      const seconds = session.offline ? 0 : ONLINE_REFRESH_SECONDS;
      // Picked field by field: the caller's record may carry a code's or a used token's state.
      refresh.set(refreshToken, {
        clientId: session.clientId,
        owner: session.owner,
        offline: session.offline,
        sessionState: session.sessionState,
        expiresAt: seconds ? o.now() + seconds * 1000 : undefined,
      });
      Object.assign(body, {
        refresh_expires_in: seconds,
        refresh_token: refreshToken,
        session_state: session.sessionState,
        scope: session.offline ? `${SCOPE} offline_access` : SCOPE,
      });
    }
    return body;
  }

  return {
    setAccessTokenLifetime(seconds: number) {
      if (!Number.isInteger(seconds) || seconds < 1) {
        throw new TypeError("Cannot set the token lifetime: seconds must be a positive integer");
      }
      lifetimeSeconds = seconds;
    },
    issueCode(s: { clientId: string; owner: string; redirectUri: string; scope: string }) {
      const code = `${crypto.randomUUID()}.${crypto.randomUUID()}.${crypto.randomUUID()}`;
      const sessionState = crypto.randomUUID();
      const offline = s.scope.split(/\s+/).includes("offline_access");
      codes.set(code, { ...s, offline, sessionState, expiresAt: o.now() + CODE_MS });
      return { code, sessionState };
    },
    redeemCode(code: string, clientId: string, redirectUri: string): Issued {
      const found = codes.get(code);
      codes.delete(code);
      if (!found || found.expiresAt <= o.now() || found.clientId !== clientId) {
        return { ok: false, description: "Code not valid" };
      }
      if (found.redirectUri !== redirectUri) {
        return { ok: false, description: "Incorrect redirect_uri" };
      }
      return { ok: true, body: grant(clientId, found) };
    },
    refresh(refreshToken: string, clientId: string): Issued {
      const found = refresh.get(refreshToken);
      if (!found) return { ok: false, description: "Invalid refresh token" };
      if (found.clientId !== clientId) {
        return {
          ok: false,
          description: "Invalid refresh token. Token client and authorized client don't match",
        };
      }
      if (found.inactive) return { ok: false, description: found.inactive };
      if (found.expiresAt !== undefined && found.expiresAt <= o.now()) {
        return { ok: false, description: "Token is not active" };
      }
      // Using a token retires its predecessor; strict rotation also retires the token itself.
      const parent = found.parent ? refresh.get(found.parent) : undefined;
      if (parent && !parent.inactive) parent.inactive = "Token is not active";
      if (!o.allowRefreshReuse) found.inactive = "Token is not active";
      const body = grant(clientId, found);
      refresh.get(body.refresh_token as string)!.parent = refreshToken;
      return { ok: true, body };
    },
    clientCredentials: (clientId: string) => grant(clientId),
    /** The grant behind a bearer token, expired ones included (for the request log). */
    peek: (accessToken: string) => access.get(accessToken),
    /** The grant behind a bearer token that is still valid. */
    lookup(accessToken: string): AccessGrant | undefined {
      const found = access.get(accessToken);
      return found && found.expiresAt > o.now() ? found : undefined;
    },
    /** The owner withdrew the app's access: every session and token of theirs stops working. */
    revokeOwner(email: string) {
      for (const r of refresh.values()) if (r.owner === email) r.inactive = "Session not active";
      for (const [t, g] of access) if (g.owner === email) access.delete(t);
      for (const [c, code] of codes) if (code.owner === email) codes.delete(c);
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;

function token(kind: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `${kind}.${btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, "")}`;
}
