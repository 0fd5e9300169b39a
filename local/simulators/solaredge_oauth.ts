/**
 * SolarEdge Site Access, the homeowner's OAuth 2.0 grant for one site, as the simulator plays it
 * (vendors.md, Corrections Dec 2026, "Site Access OAuth" and "GET /sites and GET /alerts accept
 * only an API key"):
 * - `POST /v2/oauth2/token` takes a JSON body (`grant_type`, `code` or `refresh_token`,
 *   `client_id`, `client_secret`); access tokens live 7,200 s on the simulator's clock; every
 *   refresh returns a new refresh token and the old one stops working at once; a refresh token
 *   unused for 30 days expires; the grant itself ends after `access_duration` months.
 * - Errors are RFC 6749 `{"error","error_description"}` with HTTP 400.
 * - `POST /v2/oauth2/revoke-token {"token"}` revokes; a revoked refresh token ends the grant.
 * - A bearer token reads `/v2/sites/{id}/…` of its granted site only (403 for any other), and
 *   `/v2/sites` and `/v2/alerts`, which accept only an API key, answer 401.
 * UNVERIFIED, chosen here: the token response's field names (RFC 6749 §5.1), a code lifetime of
 * five minutes, 400 (not 401) for `invalid_client`, and 401 for a bearer on `/sites`.
 */
import { problem } from "./solaredge_problem.ts";
import type { SimAccount, SimSite } from "./solaredge.ts";
import { validAccount } from "./solaredge_accounts.ts";

export const ACCESS_TOKEN_SECONDS = 7_200;
const REFRESH_UNUSED_MS = 30 * 86_400_000;
const CODE_MS = 5 * 60_000;

/** A developer app registered for Site Access. */
export interface SimOAuthClient {
  clientId: string;
  clientSecret: string;
}

/** A homeowner: a SolarEdge login with sites and no API key (V2 has no site key). */
export interface SimHomeowner {
  email: string;
  sites: SimSite[];
}

interface Grant {
  id: string;
  clientId: string;
  email: string;
  site: SimSite;
  /** When `access_duration` runs out, epoch ms. */
  endsAt: number;
  revoked: boolean;
}

interface Held {
  grant: Grant;
  expiresAt: number;
}

export interface TokenRequestLog {
  count: number;
  /** The `grant_type` of every token request, oldest first ("" when absent). */
  grants: string[];
}

export interface SolarEdgeOAuth {
  addClient(client: SimOAuthClient): void;
  addOwner(owner: SimHomeowner): void;
  client(clientId: string): SimOAuthClient | undefined;
  owner(email: string): SimHomeowner | undefined;
  /** A single-use code for the owner's approval of `site` for `months`. */
  issueCode(clientId: string, email: string, site: SimSite, months: number): string;
  tokenResponse(req: Request): Promise<Response>;
  revokeResponse(req: Request): Promise<Response>;
  /**
   * The caller behind a bearer token as an account holding only the granted site, or the
   * problem+json answer that refuses it.
   */
  bearerAccount(token: string, path: string): SimAccount | Response;
  /** The homeowner withdraws the app's access to a site: every token of its grants dies. */
  revokeSite(siteId: number): number;
  /** Every access token (of one site, or all) expires now, as if 7,200 s had passed. */
  expireAccessTokens(siteId?: number): number;
  /** Moves the OAuth server's clock on, e.g. past the 7,200 s of an access token. */
  advanceClock(seconds: number): void;
  tokenRequests(): TokenRequestLog;
  /** Paths read with a bearer token of the site's grants, oldest first. */
  bearerRequests(siteId: number): string[];
  resetRequests(): void;
}

export function createSolarEdgeOAuth(base: () => Date): SolarEdgeOAuth {
  let offsetMs = 0;
  const nowMs = () => base().getTime() + offsetMs;
  const clients = new Map<string, SimOAuthClient>();
  const owners = new Map<string, SimHomeowner>();
  const codes = new Map<string, { grant: Grant; expiresAt: number }>();
  const access = new Map<string, Held>();
  const refresh = new Map<string, Held>();
  let grants: string[] = [];
  let bearerLog = new Map<number, string[]>();

  function issue(grant: Grant) {
    const accessToken = randomToken(32);
    const refreshToken = randomToken(32);
    const now = nowMs();
    access.set(accessToken, { grant, expiresAt: now + ACCESS_TOKEN_SECONDS * 1000 });
    refresh.set(refreshToken, { grant, expiresAt: now + REFRESH_UNUSED_MS });
    return Response.json({
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: refreshToken,
      scope: "SITE_DATA",
    }, { headers: { "cache-control": "no-store" } });
  }

  function killGrant(grant: Grant): number {
    grant.revoked = true;
    let count = 0;
    for (const map of [access, refresh]) {
      for (const [token, held] of map) {
        if (held.grant === grant) count += Number(map.delete(token));
      }
    }
    return count;
  }

  const oauth: SolarEdgeOAuth = {
    addClient(client) {
      if (typeof client?.clientId !== "string" || client.clientId === "") {
        throw new TypeError("Cannot add OAuth client: clientId must be a non-empty string");
      }
      if (typeof client.clientSecret !== "string" || client.clientSecret === "") {
        throw new TypeError("Cannot add OAuth client: clientSecret must be a non-empty string");
      }
      clients.set(client.clientId, {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
      });
    },
    addOwner(owner) {
      if (typeof owner?.email !== "string" || owner.email === "") {
        throw new TypeError("Cannot add homeowner: email must be a non-empty string");
      }
      // The account checks cover the sites; a homeowner has no API key of their own.
      const { sites } = validAccount({ apiKey: owner.email, sites: owner.sites });
      owners.set(owner.email, { email: owner.email, sites });
    },
    client: (clientId) => clients.get(clientId),
    owner: (email) => owners.get(email),
    issueCode(clientId, email, site, months) {
      const code = randomToken(12);
      const now = nowMs();
      const ends = new Date(now);
      ends.setUTCMonth(ends.getUTCMonth() + months);
      const grant: Grant = {
        id: crypto.randomUUID(),
        clientId,
        email,
        site,
        endsAt: ends.getTime(),
        revoked: false,
      };
      codes.set(code, { grant, expiresAt: now + CODE_MS });
      return code;
    },
    async tokenResponse(req) {
      if (req.method !== "POST") {
        const res = oauthError(405, "invalid_request", `Request method ${req.method} not allowed`);
        res.headers.set("allow", "POST");
        return res;
      }
      let body: Record<string, unknown>;
      try {
        body = await req.json();
        if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error();
      } catch {
        grants.push("");
        // The body is JSON, not a form (vendors.md); a form-encoded request is refused.
        return oauthError(400, "invalid_request", "The request body must be a JSON object");
      }
      grants.push(typeof body.grant_type === "string" ? body.grant_type : "");
      const client = clients.get(String(body.client_id ?? ""));
      if (!client || client.clientSecret !== body.client_secret) {
        return oauthError(400, "invalid_client", "Client authentication failed");
      }
      const now = nowMs();
      if (body.grant_type === "authorization_code") {
        const code = typeof body.code === "string" ? body.code : "";
        if (!code) return oauthError(400, "invalid_request", "code is required");
        const held = codes.get(code);
        codes.delete(code);
        if (!held || now >= held.expiresAt || held.grant.clientId !== client.clientId) {
          return oauthError(400, "invalid_grant", "The authorization code is invalid or expired");
        }
        return issue(held.grant);
      }
      if (body.grant_type === "refresh_token") {
        const token = typeof body.refresh_token === "string" ? body.refresh_token : "";
        if (!token) return oauthError(400, "invalid_request", "refresh_token is required");
        const held = refresh.get(token);
        if (!held || held.grant.clientId !== client.clientId || held.grant.revoked) {
          return oauthError(400, "invalid_grant", "The refresh token is invalid or was revoked");
        }
        // Rotation: the token just presented dies whatever happens next.
        refresh.delete(token);
        if (now >= held.expiresAt) {
          return oauthError(400, "invalid_grant", "The refresh token has expired");
        }
        if (now >= held.grant.endsAt) {
          return oauthError(400, "invalid_grant", "The site owner's access duration has ended");
        }
        return issue(held.grant);
      }
      return oauthError(
        400,
        "unsupported_grant_type",
        `Unsupported grant_type: ${String(body.grant_type ?? "")}`,
      );
    },
    async revokeResponse(req) {
      if (req.method !== "POST") {
        return oauthError(405, "invalid_request", `Request method ${req.method} not allowed`);
      }
      let token: unknown;
      try {
        token = (await req.json())?.token;
      } catch {
        token = undefined;
      }
      if (typeof token !== "string" || token === "") {
        return oauthError(400, "invalid_request", "token is required");
      }
      const held = refresh.get(token) ?? access.get(token);
      if (held && refresh.has(token)) killGrant(held.grant);
      else if (held) access.delete(token);
      // RFC 7009 §2.2: an unknown token is not an error.
      return new Response(null, { status: 200 });
    },
    bearerAccount(token, path) {
      const held = access.get(token);
      if (held) {
        const seen = bearerLog.get(held.grant.site.siteId) ?? [];
        seen.push(path);
        bearerLog.set(held.grant.site.siteId, seen);
      }
      if (!held || nowMs() >= held.expiresAt || held.grant.revoked) {
        return problem(
          401,
          "Unauthorized - Authentication Failed",
          "Invalid, expired or revoked access token",
        );
      }
      if (path === "/v2/sites" || path === "/v2/alerts" || path.startsWith("/v2/alerts/")) {
        return problem(
          401,
          "Unauthorized - Authentication Failed",
          "This operation accepts only an API key (X-API-Key)",
        );
      }
      const site = held.grant.site;
      const m = /^\/v2\/sites\/([^/]+)/.exec(path);
      if (m && m[1] !== String(site.siteId)) {
        return problem(403, "Forbidden", `The access token does not grant site ${m[1]}`);
      }
      return { apiKey: `oauth:${held.grant.id}`, sites: [site] };
    },
    revokeSite(siteId) {
      let count = 0;
      const seen = new Set<Grant>();
      for (const map of [access, refresh]) {
        for (const held of map.values()) {
          if (held.grant.site.siteId === siteId) seen.add(held.grant);
        }
      }
      for (const grant of seen) count += killGrant(grant);
      return count;
    },
    expireAccessTokens(siteId) {
      let count = 0;
      const now = nowMs();
      for (const held of access.values()) {
        if (siteId !== undefined && held.grant.site.siteId !== siteId) continue;
        if (held.expiresAt > now) {
          held.expiresAt = now;
          count++;
        }
      }
      return count;
    },
    advanceClock(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) {
        throw new TypeError("Cannot advance the clock: seconds must be a non-negative number");
      }
      offsetMs += seconds * 1000;
    },
    tokenRequests: () => ({ count: grants.length, grants: [...grants] }),
    bearerRequests: (siteId) => [...(bearerLog.get(siteId) ?? [])],
    resetRequests() {
      grants = [];
      bearerLog = new Map();
    },
  };
  return oauth;
}

/** RFC 6749 §5.2 error body. */
export function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, {
    status,
    headers: { "cache-control": "no-store" },
  });
}

function randomToken(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}
