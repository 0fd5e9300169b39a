/**
 * One call to SMA's token endpoint (Keycloak at auth.smaapis.de). The grant goes as a form body
 * with the client id and secret in it, as SMA's own JavaScript example does (vendors.md §3.2), and
 * Keycloak's error body `{"error","error_description"}` becomes the fetcher's error kinds.
 */
import { FatalCredentialError, RetriableError, VendorConfigError } from "../../../shared/errors.ts";
import type { TokenCall, VendorConfig } from "../../../shared/types.ts";

export const DEFAULT_AUTH_URL = "https://auth.smaapis.de";
export const DEFAULT_BC_URL = "https://async-auth.smaapis.de";

export interface SmaToken {
  accessToken: string;
  /** Absent for `client_credentials`; may be absent on a refresh that does not rotate. */
  refreshToken?: string;
  /** ISO-8601, from `expires_in` on this machine's clock. */
  expiresAt: string;
}

interface TokenBody {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
}

// SMA documents 300 s access tokens (vendors.md §3.2); used when an answer omits expires_in.
const DEFAULT_LIFETIME_SECONDS = 300;

/** The auth host from `SMA_AUTH_URL`, serving `/oauth2/auth` and `/oauth2/token`. */
export function authUrl(vendor: VendorConfig): string {
  return (vendor.SMA_AUTH_URL || DEFAULT_AUTH_URL).replace(/\/+$/, "");
}

/** The backchannel-consent host from `SMA_BC_URL`, serving `/oauth2/v2/bc-authorize`. */
export function bcUrl(vendor: VendorConfig): string {
  return (vendor.SMA_BC_URL || DEFAULT_BC_URL).replace(/\/+$/, "");
}

/**
 * Posts `grant` with the app's client credentials. `action` completes "Cannot ..." in errors.
 * A 400 or 401 (`invalid_grant`, a revoked session, a bad client) is fatal and quotes SMA's
 * description; any other failure is retriable. Neither tokens nor the client secret reach a message.
 */
export async function requestToken(
  call: TokenCall,
  vendor: VendorConfig,
  grant: Record<string, string>,
  action: string,
): Promise<SmaToken> {
  const clientId = vendor.SMA_CLIENT_ID;
  const clientSecret = vendor.SMA_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new VendorConfigError(
      `Cannot ${action}: SMA_CLIENT_ID and SMA_CLIENT_SECRET must be set`,
    );
  }
  const body = new URLSearchParams({
    ...grant,
    client_id: clientId,
    client_secret: clientSecret,
  });
  const result = await call({
    url: `${authUrl(vendor)}/oauth2/token`,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: body.toString(),
    label: "SMA /oauth2/token",
    acceptStatuses: [400, 401],
  });
  const answer = parse(result.text);
  if (result.status === 400 || result.status === 401) {
    const error = typeof answer?.error === "string" ? answer.error : `HTTP ${result.status}`;
    const detail = typeof answer?.error_description === "string"
      ? ` (${answer.error_description.slice(0, 200)})`
      : "";
    throw new FatalCredentialError(`Cannot ${action}: SMA answered ${error}${detail}`, {
      status: result.status,
    });
  }
  if (result.status !== 200) {
    throw new RetriableError(`Cannot ${action}: received HTTP ${result.status}`, {
      status: result.status,
    });
  }
  if (typeof answer?.access_token !== "string" || answer.access_token === "") {
    throw new RetriableError(`Cannot ${action}: the token answer has no access_token`);
  }
  const lifetime = typeof answer.expires_in === "number" && answer.expires_in > 0
    ? answer.expires_in
    : DEFAULT_LIFETIME_SECONDS;
  return {
    accessToken: answer.access_token,
    refreshToken: typeof answer.refresh_token === "string" && answer.refresh_token !== ""
      ? answer.refresh_token
      : undefined,
    expiresAt: new Date(Date.now() + lifetime * 1000).toISOString(),
  };
}

function parse(text: string): TokenBody | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
