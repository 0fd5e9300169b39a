/**
 * SolarEdge Site Access tokens: `POST /v2/oauth2/token` with a JSON body (`grant_type`, `code` or
 * `refresh_token`, `client_id`, `client_secret`), for the renewal the core runs and the code
 * exchange of the connect flow (connect.ts). Access tokens live 7,200 s; every refresh returns a
 * new refresh token and invalidates the old one, so only the newest stored document works (the
 * core commits it before use). Errors are RFC 6749 `error`/`error_description` with HTTP 400;
 * `invalid_grant` means the homeowner must connect again. API-key credentials have no tokens.
 * Facts and sources: vendors.md, Corrections Dec 2026, "Site Access OAuth".
 */
import { FatalCredentialError, RetriableError, VendorConfigError } from "../../../shared/errors.ts";
import type { TokenCall, TokenSpec, VendorConfig } from "../../../shared/types.ts";
import { required, tokenUrl } from "./oauth_config.ts";
import { isOAuth, type SolarEdgeOAuthSecret, type SolarEdgeSecret } from "./secret.ts";

/** The documented lifetime, used only when an answer leaves `expires_in` out. */
const ACCESS_SECONDS = 7_200;

interface TokenBody {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
  detail?: unknown;
}

export const solaredgeTokens: TokenSpec<SolarEdgeSecret> = {
  applies: isOAuth,
  current: (secret) =>
    isOAuth(secret)
      ? { accessToken: secret.accessToken, expiresAt: new Date(secret.expiresAt) }
      : { accessToken: secret.apiKey },
  renew(call, secret, vendor) {
    if (!isOAuth(secret)) {
      // The core never renews an API key (`applies`); reaching here is a wiring fault.
      return Promise.reject(new Error("Cannot renew a SolarEdge API key"));
    }
    return tokenRequest(call, vendor, {
      grant_type: "refresh_token",
      refresh_token: secret.refreshToken,
    }, { verb: "renew the SolarEdge Site Access token", siteId: secret.siteId, previous: secret });
  },
  // Two-hour tokens: renew five minutes ahead, the core's default.
  marginSeconds: 300,
};

export async function tokenRequest(
  call: TokenCall,
  vendor: VendorConfig,
  grant: { grant_type: string; code?: string; refresh_token?: string },
  o: { verb: string; siteId: string; previous?: SolarEdgeOAuthSecret },
): Promise<SolarEdgeOAuthSecret> {
  const clientId = required(vendor, "SOLAREDGE_CLIENT_ID");
  const clientSecret = required(vendor, "SOLAREDGE_CLIENT_SECRET");
  const label = "SolarEdge /v2/oauth2/token";
  const result = await call({
    url: tokenUrl(vendor),
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ ...grant, client_id: clientId, client_secret: clientSecret }),
    label,
    acceptStatuses: [400, 401, 403],
  });
  const secrets = [clientSecret, grant.code, grant.refresh_token, o.previous?.accessToken];
  const body = jsonOrUndefined(result.text) as TokenBody | undefined;
  if (result.status >= 200 && result.status < 300) return newSecret(body, o, label);
  const said = scrub(vendorText(body, result.text), secrets);
  const error = typeof body?.error === "string" ? body.error : undefined;
  // The app's client id or secret, not the homeowner's grant: no credential is to blame.
  if (error === "invalid_client" || error === "unauthorized_client") {
    throw new VendorConfigError(
      `Cannot ${o.verb}: SolarEdge rejected the app's client credentials (${error}: ${said}): ` +
        "check SOLAREDGE_CLIENT_ID and SOLAREDGE_CLIENT_SECRET",
    );
  }
  const what = error ? ` ${error}` : "";
  const hint = error === "invalid_grant"
    ? "; the homeowner must connect the site again (Site Access)"
    : "";
  throw new FatalCredentialError(
    `Cannot ${o.verb}: SolarEdge answered HTTP ${result.status}${what}: ${said}${hint}`,
    { status: result.status },
  );
}

function newSecret(
  body: TokenBody | undefined,
  o: { verb: string; siteId: string },
  label: string,
): SolarEdgeOAuthSecret {
  const expiresIn = body?.expires_in ?? ACCESS_SECONDS;
  // Every answer carries a new refresh token, and the one just sent is dead: an answer without
  // one is cut off, as a network failure would leave it.
  if (
    typeof body?.access_token !== "string" || body.access_token === "" ||
    typeof body.refresh_token !== "string" || body.refresh_token === "" ||
    typeof expiresIn !== "number" || !(expiresIn > 0)
  ) {
    throw new RetriableError(`Cannot ${o.verb}: ${label} answered without a usable token`);
  }
  return {
    kind: "oauth",
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
    siteId: o.siteId,
  };
}

/** RFC 6749's `error_description`, else the RFC 7807 `detail`, else the start of the text. */
function vendorText(body: TokenBody | undefined, text: string): string {
  const said = [body?.error_description, body?.detail].find((v) => typeof v === "string" && v);
  return (said as string | undefined) ?? (text.trim().slice(0, 200) || "no details");
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Vendors echo what they were sent; no secret, token or code may reach a message. */
function scrub(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.replaceAll(s, "[redacted]");
  return out;
}
