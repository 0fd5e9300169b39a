/**
 * SolarEdge Monitoring API V2 ("SolarEdge ONE"), https://monitoringapi.solaredge.com/v2.
 * Auth: Fleet Access, `X-API-Key` (installer or fleet owner) plus `X-Account-Key` for fleet
 * accounts, or Site Access, a homeowner's OAuth 2.0 grant for one site (`Authorization: Bearer`;
 * secret.ts, tokens.ts, connect.ts, granted_site.ts). Facts, from vendors.md "Corrections,
 * December 2026" (the official api-docs.solaredge.com pages as transcribed on 2026-09-29):
 *
 * - Sites: `GET /sites?page=N&sites-in-page=1000` (at most 1,000; a short page ends the list).
 *   Ids are de-duplicated, and a page with nothing new ends the list too, in case a server ignores
 *   paging. `/sites` shows no `location.timeZone`: a new site without one is looked up once with
 *   `GET /sites/{id}` (one credit); where that has none either, the operator sets it
 *   (`deno task credentials timezone`) and until then the site's calls fall back to UTC.
 * - Data: `/sites/{id}/power` and `/energy` at QUARTER_HOUR, at most 12 hours per call (longer is
 *   400), `from`/`to` as site-local wall times WITHOUT an offset; DST handling in local_range.ts.
 *   Responses stamp each bucket's start with an offset (map.ts). `unit=W` / `unit=WH` is sent, and
 *   any unit answered (W/KW/MW, WH/KWH/MWH/GWH) is still read.
 * - Errors are RFC 7807 problem+json; 401/410/403 and both kinds of 429 in errors.ts. Every call
 *   costs one credit (free tier 2,000 a month, 10 a minute); the per-minute limit is published in
 *   `x-ratelimit-*-minute` headers, which the core paces by; the monthly one is not published.
 * Docs: https://developers.solaredge.com/docs/monitoring
 */
import { BadRecordError, FatalCredentialError, RetriableError } from "../../../shared/errors.ts";
import type { HttpResult } from "../../../shared/http.ts";
import { parseJson } from "../../../shared/json.ts";
import { isTimeZone } from "../../../shared/time.ts";
import type { Adapter, AdapterContext, Reading, VendorSite } from "../../../shared/types.ts";
import { UnreadableValues } from "../../../shared/unreadable.ts";
import { emptySiteData, inWindow } from "../../../shared/site_data.ts";
import { solaredgeConnect } from "./connect.ts";
import { classifyAnswer, isMonthSpent } from "./errors.ts";
import { grantedSite, type SiteDetails } from "./granted_site.ts";
import { localCalls } from "./local_range.ts";
import { type SolarEdgeSeries, toReadings } from "./map.ts";
import { isOAuth, parseSolarEdgeSecret, type SolarEdgeSecret } from "./secret.ts";
import { solaredgeTokens } from "./tokens.ts";
import { compareText } from "../../../shared/reading_order.ts";

export type { SolarEdgeSecret } from "./secret.ts";

const spec = {
  source: "solaredge",
  apiVersion: "v2",
  baseUrl: "https://monitoringapi.solaredge.com/v2",
  auth: "apiKey",
  // `sites-in-page` allows at most 1,000.
  pageSize: 1000,
  // The documented span per call at QUARTER_HOUR (24 h at HOUR, a month at DAY): the core cuts
  // its windows to this, local_range.ts splits one further where DST makes it longer.
  maxRangeHours: 12,
  resolutionMinutes: 15,
  // The free tier's 2,000 credits a month are no default: fleet plans get more. Set
  // `plan.perMonth` per credential (or SOLAREDGE_PER_MONTH) to spend from its `quota_budgets` row.
  rateLimits: { concurrency: 3 },
  callsPerWindow: 2,
  endpoints: ["/sites", "/sites/{siteId}", "/sites/{siteId}/power", "/sites/{siteId}/energy"],
} as const;

const UNIT: Record<SolarEdgeSeries, string> = { power: "W", energy: "WH" };

interface ListedSite {
  siteId?: unknown;
  name?: unknown;
  location?: unknown;
  timeZone?: unknown;
}

type Ctx = AdapterContext<SolarEdgeSecret>;

export const solaredge: Adapter<SolarEdgeSecret> = {
  spec,

  parseSecret: parseSolarEdgeSecret,

  authHeaders(secret) {
    if (isOAuth(secret)) return { Authorization: `Bearer ${secret.accessToken}` };
    const headers: Record<string, string> = { "X-API-Key": secret.apiKey };
    if (secret.accountKey) headers["X-Account-Key"] = secret.accountKey;
    return headers;
  },

  // Site Access only; API-key credentials never reach them (`tokens.applies`).
  tokens: solaredgeTokens,
  connect: solaredgeConnect,

  // Where the core words a status itself (a Site Access token refused after renewal); the
  // adapter's own API-key calls carry SolarEdge's detail instead (errors.ts).
  describeFatal(status) {
    if (status === 401) {
      return "SolarEdge rejected the credential (HTTP 401): keys of the retired Monitoring API V1 " +
        "stopped working on 3 Nov 2026, so create a Monitoring API V2 key and update the " +
        "credential; a Site Access homeowner whose grant was revoked must connect the site again";
    }
    if (status === 410) {
      return "SolarEdge answered HTTP 410 Gone: the Monitoring API V1 was retired on 3 Nov 2026; " +
        "a Monitoring API V2 key is needed";
    }
    if (status === 403) return "SolarEdge refused the account (HTTP 403): check the key's access";
    return undefined;
  },

  async fetchSitesList(ctx, known) {
    // `/sites` accepts only an API key: a Site Access grant names its one site instead.
    if (isOAuth(ctx.secret)) {
      return await grantedSite(ctx.secret.siteId, known, (id) => lookUpSite(ctx, id));
    }
    const sites = new Map<string, VendorSite>();
    for (let page = 1;; page++) {
      const q = new URLSearchParams({ page: String(page), "sites-in-page": String(spec.pageSize) });
      const body = await getJson(ctx, `${ctx.baseUrl}/sites?${q}`, "SolarEdge /sites", [
        401,
        403,
        410,
      ]) as { sites?: { count?: unknown; site?: unknown } };
      const list = body?.sites?.site;
      if (!Array.isArray(list)) {
        throw new BadRecordError("Cannot read SolarEdge /sites response: sites.site is missing");
      }
      let fresh = 0;
      for (const s of list as ListedSite[]) {
        const id = s?.siteId;
        if (typeof id !== "number" && typeof id !== "string") continue;
        if (sites.has(String(id))) continue;
        fresh++;
        sites.set(String(id), {
          vendorSiteId: String(id),
          name: typeof s.name === "string" ? s.name : undefined,
          timezone: timeZoneOf(s),
        });
      }
      const count = typeof body.sites?.count === "number" ? body.sites.count : Infinity;
      // A page that brings nothing new means the server ignored `page`: stop, or loop forever.
      if (fresh === 0 && list.length > 0) {
        ctx.logger.warn("SolarEdge repeated a page of /sites; the list ends there", { page });
      }
      if (list.length < spec.pageSize || fresh === 0 || sites.size >= count) break;
    }
    for (const site of sites.values()) {
      if (site.timezone || known?.has(site.vendorSiteId)) continue;
      site.timezone = (await lookUpSite(ctx, site.vendorSiteId))?.timezone;
    }
    return [...sites.values()];
  },

  async fetchSiteData(ctx, site, window) {
    const data = emptySiteData();
    const unreadable = new UnreadableValues();
    const step = spec.resolutionMinutes * 60_000;
    const zone = site.timezone || "UTC";
    const calls = localCalls(window, zone, spec.maxRangeHours * 3_600_000, step);
    const slots = (window.to.getTime() - window.from.getTime()) / step;
    const id = encodeURIComponent(site.vendorSiteId);
    for (const series of ["power", "energy"] as SolarEdgeSeries[]) {
      const kept = new Map<string, Reading>();
      for (const call of calls) {
        const q = new URLSearchParams({
          from: call.from,
          to: call.to,
          resolution: "QUARTER_HOUR",
          unit: UNIT[series],
        });
        const url = `${ctx.baseUrl}/sites/${id}/${series}?${q}`;
        const label = `SolarEdge /sites/${site.vendorSiteId}/${series}`;
        // A 403 here concerns this site or range only; the key itself still works.
        const result = await send(ctx, url, label, [401, 410]);
        const body = parseJson(result, label);
        data.responses.push({
          endpoint: `/sites/{siteId}/${series}`,
          request: { method: "GET", url },
          status: result.status,
          body,
        });
        const mapped = toReadings(body, series, { timeZone: site.timezone ?? undefined });
        // Calls of one window may overlap around DST: one reading per interval end.
        for (const r of mapped.readings) if (inWindow(r.ts, window)) kept.set(r.ts, r);
        data.dropped += mapped.dropped;
        unreadable.merge(mapped.unreadable);
      }
      data.readings.push(...[...kept.values()].sort((a, b) => compareText(a.ts, b.ts)));
      data.intervalsExpected += slots;
      data.intervalsReceived += kept.size;
    }
    data.unreadable = unreadable.list();
    return data;
  },
};

/** A zone the site object names (`location.timeZone`, or `timeZone`), when it is a real one. */
function timeZoneOf(site: ListedSite | undefined): string | undefined {
  const location = site?.location as { timeZone?: unknown } | undefined;
  const zone = typeof location === "object" && location !== null
    ? location.timeZone
    : site?.timeZone;
  return typeof zone === "string" && isTimeZone(zone) ? zone : undefined;
}

/**
 * `GET /sites/{id}` for a site the list shows without a time zone, and for the site of a Site
 * Access grant. Its shape is not published: the site object, bare or under `site`, is read. Only
 * a failure of the whole credential stops discovery; anything else leaves the site without a zone
 * for the operator to set.
 */
async function lookUpSite(ctx: Ctx, vendorSiteId: string): Promise<SiteDetails | undefined> {
  const label = `SolarEdge /sites/${vendorSiteId}`;
  try {
    const body = await getJson(
      ctx,
      `${ctx.baseUrl}/sites/${encodeURIComponent(vendorSiteId)}`,
      label,
      [401, 410],
    ) as { site?: ListedSite } & ListedSite;
    const site = body?.site ?? body;
    return {
      name: typeof site?.name === "string" ? site.name : undefined,
      timezone: timeZoneOf(site),
    };
  } catch (error) {
    const pause = error instanceof RetriableError && (error.retryAfterMs ?? 0) >= 60_000;
    if (error instanceof FatalCredentialError || pause) throw error;
    ctx.logger.warn("Cannot read the site's time zone", {
      site: vendorSiteId,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

// A spent month is answered the same for every call of the credential: once one call has seen
// it, the others in flight fail at once instead of waiting behind the core's pacer.
const monthSpent = new WeakMap<Ctx, Error>();

async function send(ctx: Ctx, url: string, label: string, fatal: number[]): Promise<HttpResult> {
  const spent = monthSpent.get(ctx);
  if (spent) throw spent;
  try {
    return await ctx.http({
      url,
      label,
      fatalStatuses: fatal,
      readRefusal: (result) =>
        classifyAnswer(result, {
          label,
          apiKey: isOAuth(ctx.secret) ? undefined : ctx.secret.apiKey,
          fatal,
        }),
    });
  } catch (error) {
    if (isMonthSpent(error)) monthSpent.set(ctx, error as Error);
    throw error;
  }
}

async function getJson(ctx: Ctx, url: string, label: string, fatal: number[]) {
  return parseJson(await send(ctx, url, label, fatal), label);
}
