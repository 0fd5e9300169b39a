/**
 * SolarEdge Site Access connect flow: the homeowner approves the app for one of their sites at
 * `https://connect.solaredge.com/authorize` (scope `SITE_DATA`, `access_duration` in months, at
 * most 24), and SolarEdge sends the browser back with `code`, `site_id` and optionally
 * `external_id`. The callback's `site_id` is kept in the credential, because `GET /sites` refuses
 * OAuth tokens and so cannot say which site the grant covers. Facts: vendors.md, Corrections Dec
 * 2026, "Site Access OAuth". UNVERIFIED: that SolarEdge echoes `state` (the core refuses a callback
 * without it, naming why) and the names `response_type`, `client_id`, `redirect_uri`, `scope`,
 * which follow RFC 6749 §4.1.1.
 */
import { RequestError } from "../../../shared/errors.ts";
import type { ConnectSpec } from "../../../shared/types.ts";
import { accessDuration, authorizeUrl, required, SITE_ACCESS_CONFIG } from "./oauth_config.ts";
import type { SolarEdgeSecret } from "./secret.ts";
import { tokenRequest } from "./tokens.ts";

// Power and energy are site data; DEVICE_DATA (inverters, meters) is not read, so not asked for.
const SCOPE = "SITE_DATA";
const SITE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const solaredgeConnect: ConnectSpec<SolarEdgeSecret> = {
  requiredConfig: SITE_ACCESS_CONFIG,
  authorizeUrl(vendor, redirectUri, state) {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: required(vendor, "SOLAREDGE_CLIENT_ID"),
      redirect_uri: redirectUri,
      scope: SCOPE,
      access_duration: accessDuration(vendor),
      state,
    });
    return `${authorizeUrl(vendor)}?${q}`;
  },
  async exchangeCode(call, vendor, code, _redirectUri, callback) {
    const siteId = callback?.site_id;
    // Checked before the code is spent: without the site the grant would be unusable.
    if (siteId === undefined || siteId === "") {
      throw new RequestError(
        400,
        "Cannot complete the SolarEdge authorisation: the callback has no site_id",
      );
    }
    if (!SITE_ID.test(siteId)) {
      throw new RequestError(
        400,
        "Cannot complete the SolarEdge authorisation: site_id is not a SolarEdge site id",
      );
    }
    // The documented body has no redirect_uri (vendors.md), so none is sent.
    return await tokenRequest(call, vendor, { grant_type: "authorization_code", code }, {
      verb: "exchange the SolarEdge authorization code",
      siteId,
    });
  },
};
