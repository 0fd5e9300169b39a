/**
 * The OAuth server's memory: single-use authorization codes, access tokens and rotating refresh
 * tokens. Enphase documents rotation ("Along with the new access token, a new refresh token is also
 * generated") but not whether the old refresh token dies at once (vendors.md §2.2, UNCERTAIN):
 * with `strict` rotation it dies at once, the stricter case fetchers must survive; without, it
 * keeps working until its own month is up. Access tokens live until they expire either way.
 */
export interface Grant {
  clientId: string;
  email: string;
}

export type RefreshFailure = "unknown" | "expired" | "wrong_client";

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  jti: string;
}

export interface TokenStore {
  issueCode(grant: Grant & { redirectUri: string }, nowMs: number): string;
  /** Consumes the code whatever the outcome, so a code never works twice. */
  redeemCode(code: string, nowMs: number): (Grant & { redirectUri: string }) | undefined;
  issue(grant: Grant, nowMs: number, accessLifetimeSeconds: number): IssuedTokens;
  /** The grant behind a usable refresh token, which is then rotated out; or why it is unusable. */
  useRefreshToken(
    token: string,
    clientId: string,
    nowMs: number,
    strict: boolean,
  ): Grant | RefreshFailure;
  /** The grant behind an unexpired, unrevoked access token. */
  access(token: string, nowMs: number): Grant | undefined;
  /** Revokes the user's refresh tokens (and access tokens when asked); returns how many. */
  revoke(email: string, options?: { accessTokens?: boolean }): number;
}

// Spring Authorization Server's default; Enphase does not publish its own.
const CODE_LIFETIME_MS = 5 * 60_000;

interface Held extends Grant {
  expiresAt: number;
}

export function createTokenStore(): TokenStore {
  const codes = new Map<string, Held & { redirectUri: string }>();
  const access = new Map<string, Held>();
  const refresh = new Map<string, Held>();
  return {
    issueCode(grant, nowMs) {
      const code = randomToken(6);
      codes.set(code, { ...grant, expiresAt: nowMs + CODE_LIFETIME_MS });
      return code;
    },
    redeemCode(code, nowMs) {
      const held = codes.get(code);
      codes.delete(code);
      if (!held || nowMs >= held.expiresAt) return undefined;
      return { clientId: held.clientId, email: held.email, redirectUri: held.redirectUri };
    },
    issue(grant, nowMs, accessLifetimeSeconds) {
      const accessToken = randomToken(32);
      const refreshToken = randomToken(32);
      const { clientId, email } = grant;
      access.set(accessToken, { clientId, email, expiresAt: nowMs + accessLifetimeSeconds * 1000 });
      refresh.set(refreshToken, { clientId, email, expiresAt: oneMonthAfter(nowMs) });
      return { accessToken, refreshToken, jti: crypto.randomUUID() };
    },
    useRefreshToken(token, clientId, nowMs, strict) {
      const held = refresh.get(token);
      if (!held) return "unknown";
      if (nowMs >= held.expiresAt) return "expired";
      if (held.clientId !== clientId) return "wrong_client";
      if (strict) refresh.delete(token);
      return { clientId: held.clientId, email: held.email };
    },
    access(token, nowMs) {
      const held = access.get(token);
      if (!held || nowMs >= held.expiresAt) return undefined;
      return { clientId: held.clientId, email: held.email };
    },
    revoke(email, options = {}) {
      let count = 0;
      const maps = options.accessTokens ? [refresh, access] : [refresh];
      for (const map of maps) {
        for (const [token, held] of map) {
          if (held.email === email) count += Number(map.delete(token));
        }
      }
      return count;
    },
  };
}

/** Refresh tokens last one month on every plan (vendors.md §2.2, Enphase quickstart). */
function oneMonthAfter(nowMs: number): number {
  const d = new Date(nowMs);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.getTime();
}

function randomToken(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}
