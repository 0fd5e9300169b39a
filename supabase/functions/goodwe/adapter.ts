/**
 * GoodWe SEMS, the unofficial API of GoodWe's mobile app: no public documentation, no API keys and
 * no promise that it keeps working ("This could break at any time", yaleman/pygoodwe). In 2026
 * GoodWe moved accounts from the SEMS portal (www.semsportal.com) to SEMS+ (semsplus.goodwe.com)
 * and told users that earlier access "is no longer supported"; logins on both therefore stay
 * configurable (GOODWE_LOGIN), SEMS+ on its global, EU or CN host (login.ts). Auth is a login
 * with the account's e-mail and password that answers a session (sent back as the JSON `token`
 * header) and the regional API host every other call must use; expired sessions show as codes
 * 100001/100002 in HTTP 200 bodies, which the core learns from `tokens.isExpired` and answers by
 * logging in again, at most once per run (the same codes right after a fresh login mean the
 * account is refused: vendors.md "Corrections, December 2026"). Limits are undocumented: the
 * only known one is code GY0429 "Too many requests", after which clients wait 300 s; calls are
 * made one at a time. Endpoints: the plant list, the per-day pac curve (~5 min, W) and the
 * monitor detail snapshot. Facts and sources: vendors.md §4 and its December 2026 corrections
 * (TimSoethout/goodwe-sems-home-assistant
 * sems_api.py and const.py, markruys/gw2pvo gw_api.py, yaleman/pygoodwe).
 */
import type { HttpResult } from "../../../shared/http.ts";
import type { Adapter } from "../../../shared/types.ts";
import { codeKind } from "./errors.ts";
import { LEGACY_LOGIN_PATH, logIn, SEMS_PLUS_LOGIN_PATH } from "./login.ts";
import { fetchPlants, LIST_PATH, OWNER_PATH } from "./plants.ts";
import { type GoodWeSecret, parseGoodWeSecret } from "./secret.ts";
import { DETAIL_PATH, fetchPlantData, PAC_PATH } from "./site_data.ts";

export type { GoodWeSecret, GoodWeSession } from "./secret.ts";

const spec = {
  source: "goodwe",
  apiVersion: "sems-v2",
  // The login host only: resource calls go to the regional `api` the login answers.
  baseUrl: "https://semsplus.goodwe.com",
  auth: "session",
  // What the SEMS app asks for; a larger page is unproven against an undocumented API.
  pageSize: 14,
  maxRangeHours: 24,
  resolutionMinutes: 5,
  // One window per plant-local day: the day sets are asked for by local date, one call each.
  windowAlignment: { localDay: true },
  // GoodWe publishes no limit; 100 calls in any 60 s per account is a cautious pace of our own
  // (the README's table of assumptions), which GOODWE_PER_MINUTE or a credential's plan
  // overrides. The pacer counts any 60 s, across invocations too (credential_context.ts).
  rateLimits: { concurrency: 1, perMinute: 100 },
  callsPerWindow: 2,
  endpoints: [
    SEMS_PLUS_LOGIN_PATH,
    LEGACY_LOGIN_PATH,
    LIST_PATH,
    OWNER_PATH,
    DETAIL_PATH,
    PAC_PATH,
  ],
} as const;

export const goodwe: Adapter<GoodWeSecret> = {
  spec,
  parseSecret: parseGoodWeSecret,

  // GoodWe's header is literally named `token`; before the first login there is nothing to send.
  authHeaders(secret): Record<string, string> {
    return secret.session ? { token: secret.session.token } : {};
  },

  tokens: {
    // Sessions have no published lifetime: no expiresAt, so the core renews only when there is
    // no session or when `isExpired` recognises GoodWe's answer.
    current: (secret) => ({ accessToken: secret.session?.token }),
    renew: logIn,
    isExpired,
  },

  fetchSitesList: (ctx) => fetchPlants(ctx, spec.pageSize),
  fetchSiteData: (ctx, site, window) => fetchPlantData(ctx, site, window, spec.resolutionMinutes),
};

/** 100001 "No access, please log in." and 100002 "The authorization has expired ...". */
function isExpired(result: HttpResult): boolean {
  if (result.status !== 200) return false;
  try {
    const kind = codeKind((JSON.parse(result.text) as { code?: unknown } | null)?.code);
    return kind === "not_logged_in" || kind === "expired";
  } catch {
    return false;
  }
}
