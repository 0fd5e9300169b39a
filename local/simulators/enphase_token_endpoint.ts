/**
 * `POST /oauth/token`: parameters in the query string, the app's client id and secret in an HTTP
 * Basic header, empty body (vendors.md §2.2). Grants: `authorization_code`, rotating
 * `refresh_token`, and `password` for partner apps only. Error bodies are Spring Security OAuth's,
 * the server the `jti` and `scope` fields point to; the refresh error quotes only the first four
 * characters of the token, the form this project assumes (the exact wording is UNCERTAIN).
 */
import { oauthError } from "./enphase_errors.ts";
import type { RegisteredApp, Registry } from "./enphase_registry.ts";
import type { Grant, TokenStore } from "./enphase_tokens.ts";

export interface TokenSettings {
  accessTokenLifetimeSeconds: number;
  strictRotation: boolean;
}

interface Deps {
  registry: Registry;
  tokens: TokenStore;
  nowMs: number;
  settings: TokenSettings;
}

// The value in Enphase's published token response; the simulator has no password changes.
const PASSWORD_LAST_CHANGED = "1638870641";

export function tokenResponse(req: Request, url: URL, deps: Deps): Response {
  if (req.method !== "POST") {
    const res = oauthError(
      405,
      "method_not_allowed",
      `Request method '${req.method}' not supported`,
    );
    res.headers.set("allow", "POST");
    return res;
  }
  const auth = clientOf(req.headers.get("authorization"), deps.registry);
  if (auth === "missing") {
    return oauthError(
      401,
      "unauthorized",
      "Full authentication is required to access this resource",
    );
  }
  if (auth === "bad") return oauthError(401, "unauthorized", "Bad credentials");
  const p = url.searchParams;
  const grant = p.get("grant_type");
  let granted: Grant | Response;
  if (grant === "authorization_code") granted = codeGrant(auth, p, deps);
  else if (grant === "refresh_token") granted = refreshGrant(auth, p, deps);
  else if (grant === "password") granted = passwordGrant(auth, p, deps);
  else if (grant === null) granted = oauthError(400, "invalid_request", "Missing grant type");
  else granted = oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${grant}`);
  if (granted instanceof Response) return granted;

  const lifetime = deps.settings.accessTokenLifetimeSeconds;
  const issued = deps.tokens.issue(granted, deps.nowMs, lifetime);
  const body = {
    access_token: issued.accessToken,
    token_type: "bearer",
    refresh_token: issued.refreshToken,
    expires_in: lifetime,
    scope: "read write",
    enl_uid: deps.registry.user(granted.email)?.uid ?? "",
    enl_cid: auth.cid,
    enl_password_last_changed: PASSWORD_LAST_CHANGED,
    is_internal_app: false,
    app_type: auth.appType,
    jti: issued.jti,
  };
  return Response.json(body, { headers: { "cache-control": "no-store", pragma: "no-cache" } });
}

function codeGrant(app: RegisteredApp, p: URLSearchParams, deps: Deps): Grant | Response {
  const code = p.get("code");
  if (!code) return oauthError(400, "invalid_request", "An authorization code must be supplied.");
  const held = deps.tokens.redeemCode(code, deps.nowMs);
  if (!held || held.clientId !== app.clientId) {
    return oauthError(400, "invalid_grant", `Invalid authorization code: ${code}`);
  }
  if (held.redirectUri !== "" && held.redirectUri !== p.get("redirect_uri")) {
    return oauthError(400, "invalid_grant", "Redirect URI mismatch.");
  }
  return held;
}

function refreshGrant(app: RegisteredApp, p: URLSearchParams, deps: Deps): Grant | Response {
  const token = p.get("refresh_token");
  if (!token) return oauthError(400, "invalid_request", "Missing refresh token");
  const strict = deps.settings.strictRotation;
  const held = deps.tokens.useRefreshToken(token, app.clientId, deps.nowMs, strict);
  const shown = `${token.slice(0, 4)}…`;
  if (held === "unknown") {
    return oauthError(400, "invalid_grant", `Invalid refresh token: ${shown}`);
  }
  if (held === "expired") {
    return oauthError(400, "invalid_grant", `Invalid refresh token (expired): ${shown}`);
  }
  if (held === "wrong_client") {
    return oauthError(400, "invalid_grant", `Wrong client for this refresh token: ${shown}`);
  }
  return held;
}

function passwordGrant(app: RegisteredApp, p: URLSearchParams, deps: Deps): Grant | Response {
  // The quickstart offers the password grant to partner apps only.
  if (app.appType !== "partner") {
    return oauthError(400, "unauthorized_client", "Unauthorized grant type: password");
  }
  const user = deps.registry.user(p.get("username") ?? "");
  if (!user || user.password !== p.get("password")) {
    return oauthError(400, "invalid_grant", "Bad credentials");
  }
  return { clientId: app.clientId, email: user.email };
}

/** The app named by an HTTP Basic header with the right secret. */
export function clientOf(
  header: string | null,
  registry: Registry,
): RegisteredApp | "missing" | "bad" {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return "missing";
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)));
  } catch {
    return "bad";
  }
  const colon = decoded.indexOf(":");
  const app = registry.appByClient(decoded.slice(0, colon));
  return colon > 0 && app?.clientSecret === decoded.slice(colon + 1) ? app : "bad";
}
