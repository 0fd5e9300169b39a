/**
 * Enphase's token endpoint, `POST /oauth/token`, for the renewal the core runs and for the code
 * exchange of the connect flow (connect.ts). Refresh tokens rotate on every refresh, so only the
 * newest document works; a 401 is the app's client credentials, not the homeowner's grant.
 * Facts and sources: vendors.md §2.2.
 */
import { FatalCredentialError, RetriableError, VendorConfigError } from "../../../shared/errors.ts";
import type { TokenCall, TokenSpec, VendorConfig } from "../../../shared/types.ts";
import type { EnphaseSecret } from "./adapter.ts";
import { authUrl, required } from "./config.ts";
import { jsonOrUndefined, scrub, vendorText } from "./vendor_text.ts";

interface TokenBody {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
  message?: unknown;
}

export const enphaseTokens: TokenSpec<EnphaseSecret> = {
  current: (secret) => ({
    accessToken: secret.accessToken,
    expiresAt: new Date(secret.expiresAt),
  }),
  renew: (call, secret, vendor) =>
    tokenRequest(call, vendor, {
      grant_type: "refresh_token",
      refresh_token: secret.refreshToken,
    }, { verb: "renew the Enphase access token", previous: secret }),
  // Renew well ahead: a day-long token, and a renewal that waits on the Watt plan's pacing.
  marginSeconds: 600,
};

export async function tokenRequest(
  call: TokenCall,
  vendor: VendorConfig,
  params: Record<string, string>,
  o: { verb: string; previous?: EnphaseSecret },
): Promise<EnphaseSecret> {
  const clientId = required(vendor, "ENPHASE_CLIENT_ID");
  const clientSecret = required(vendor, "ENPHASE_CLIENT_SECRET");
  const label = "Enphase /oauth/token";
  // Enphase wants the grant in the query string and the client in a Basic header (§2.2).
  const result = await call({
    url: `${authUrl(vendor)}/oauth/token?${new URLSearchParams(params)}`,
    method: "POST",
    headers: {
      authorization: `Basic ${base64(`${clientId}:${clientSecret}`)}`,
      accept: "application/json",
    },
    label,
    acceptStatuses: [400, 401],
  });
  const secrets = [clientSecret, params.code, params.refresh_token, o.previous?.accessToken];
  const body = jsonOrUndefined(result.text) as TokenBody | undefined;
  if (result.status >= 200 && result.status < 300) return newSecret(body, o, label);
  const description = scrub(vendorText(result.text, ["error_description", "message"]), secrets);
  // A 401 here is the app's client id or secret, not the homeowner's grant.
  if (
    result.status === 401 && (body?.error === "unauthorized" || body?.error === "invalid_client")
  ) {
    throw new VendorConfigError(
      `Cannot ${o.verb}: Enphase rejected the app's client credentials (${description}): ` +
        "check ENPHASE_CLIENT_ID and ENPHASE_CLIENT_SECRET",
    );
  }
  const error = typeof body?.error === "string" ? ` ${body.error}` : "";
  throw new FatalCredentialError(
    `Cannot ${o.verb}: Enphase answered HTTP ${result.status}${error}: ${description}`,
    { status: result.status },
  );
}

function newSecret(
  body: TokenBody | undefined,
  o: { verb: string; previous?: EnphaseSecret },
  label: string,
): EnphaseSecret {
  // Without a refresh token in the answer the old one stays valid (RFC 6749 §6).
  const refresh = body?.refresh_token ?? o.previous?.refreshToken;
  const expiresIn = body?.expires_in;
  if (
    typeof body?.access_token !== "string" || typeof refresh !== "string" ||
    typeof expiresIn !== "number" || !(expiresIn > 0)
  ) {
    // A cut-off answer is a network failure; the next attempt may get a whole one.
    throw new RetriableError(`Cannot ${o.verb}: ${label} answered without a usable token`);
  }
  return {
    accessToken: body.access_token,
    refreshToken: refresh,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  };
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
