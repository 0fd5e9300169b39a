/**
 * Enphase's authorization-code connect flow: the homeowner approves at `/oauth/authorize` on the
 * auth host and the callback exchanges the code at the token endpoint (tokens.ts).
 */
import type { ConnectSpec } from "../../../shared/types.ts";
import type { EnphaseSecret } from "./adapter.ts";
import { authUrl, required } from "./config.ts";
import { tokenRequest } from "./tokens.ts";

export const enphaseConnect: ConnectSpec<EnphaseSecret> = {
  authorizeUrl(vendor, redirectUri, state) {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: required(vendor, "ENPHASE_CLIENT_ID"),
      redirect_uri: redirectUri,
      state,
    });
    return `${authUrl(vendor)}/oauth/authorize?${q}`;
  },
  exchangeCode: (call, vendor, code, redirectUri) =>
    tokenRequest(call, vendor, {
      grant_type: "authorization_code",
      redirect_uri: redirectUri,
      code,
    }, { verb: "exchange the Enphase authorization code" }),
};
