/**
 * SolarEdge Monitoring API V2 ("SolarEdge ONE"), https://monitoringapi.solaredge.com/v2.
 * Auth: Fleet Access, `X-API-Key` (installer or fleet owner) plus `X-Account-Key` for fleet
 * accounts, or Site Access, a homeowner's OAuth 2.0 grant for one site (`Authorization: Bearer`;
 * secret.ts, tokens.ts, connect.ts); V1 keys and paths stopped working on 3 Nov 2026 (HTTP 410).
 * Limits: a per-minute limit published in `x-ratelimit-*-minute` headers, which the core paces
 * by, and a monthly credit quota (~2000 seen for a site owner) that is not. Sites come from
 * `/sites` in pages of at most 100; production from `/sites/{id}/power` and `/energy` at
 * QUARTER_HOUR. Facts and sources: vendors.md §1.8.
 * Docs: https://developers.solaredge.com/docs/monitoring
 */
import { BadRecordError } from "../../../shared/errors.ts";
import { parseJson } from "../../../shared/json.ts";
import { formatInZone } from "../../../shared/time.ts";
import type { Adapter, AdapterContext, VendorSite, Window } from "../../../shared/types.ts";
import { type SolarEdgeSeries, toReadings } from "./map.ts";
import { emptySiteData, inWindow } from "../../../shared/site_data.ts";
import { solaredgeConnect } from "./connect.ts";
import { grantedSite } from "./granted_site.ts";
import { isOAuth, parseSolarEdgeSecret, type SolarEdgeSecret } from "./secret.ts";
import { solaredgeTokens } from "./tokens.ts";

export type { SolarEdgeSecret } from "./secret.ts";

const spec = {
  source: "solaredge",
  apiVersion: "v2",
  baseUrl: "https://monitoringapi.solaredge.com/v2",
  auth: "apiKey",
  pageSize: 100,
  // V1 allowed a month of quarter hours per call; V2 does not publish one, so stay at a week.
  maxRangeHours: 24 * 7,
  resolutionMinutes: 15,
  // ~2000 credits a month were observed for one site owner, but fleet keys get more and the
  // figure is unpublished, so no monthly budget is imposed; set `plan.perMonth` per credential.
  rateLimits: { concurrency: 3 },
  endpoints: ["/sites", "/sites/{siteId}/power", "/sites/{siteId}/energy"],
} as const;

interface SitesPage {
  sites?: {
    count?: number;
    site?: Array<{ siteId?: unknown; name?: unknown; location?: { timeZone?: unknown } }>;
  };
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

  async fetchSitesList(ctx) {
    // `/sites` accepts only an API key: a Site Access grant names its one site instead.
    if (isOAuth(ctx.secret)) return await grantedSite(ctx, ctx.secret);
    const sites: VendorSite[] = [];
    for (let page = 1;; page++) {
      const url = `${ctx.baseUrl}/sites?page=${page}&size=${spec.pageSize}`;
      const body = await getJson(ctx, url, "SolarEdge /sites", [401, 403, 410]) as SitesPage;
      const list = body.sites?.site;
      if (!Array.isArray(list)) {
        throw new BadRecordError("Cannot read SolarEdge /sites response: sites.site is missing");
      }
      for (const s of list) {
        if (typeof s.siteId !== "number" && typeof s.siteId !== "string") continue;
        sites.push({
          vendorSiteId: String(s.siteId),
          name: typeof s.name === "string" ? s.name : undefined,
          timezone: typeof s.location?.timeZone === "string" ? s.location.timeZone : undefined,
        });
      }
      const total = body.sites?.count ?? 0;
      if (list.length < spec.pageSize || sites.length >= total) return sites;
    }
  },

  async fetchSiteData(ctx, site, window) {
    const data = emptySiteData();
    const slots = (window.to.getTime() - window.from.getTime()) / (spec.resolutionMinutes * 60000);
    for (const series of ["power", "energy"] as SolarEdgeSeries[]) {
      const url = seriesUrl(ctx.baseUrl, site, window, series);
      const label = `SolarEdge /sites/${site.vendorSiteId}/${series}`;
      // A 403 here concerns this site or range only; the key itself still works.
      const result = await ctx.http({ url, label, fatalStatuses: [401, 410] });
      const body = parseJson(result, label);
      data.responses.push({
        endpoint: `/sites/{siteId}/${series}`,
        request: { method: "GET", url },
        status: result.status,
        body,
      });
      const mapped = toReadings(body, series, { timeZone: site.timezone ?? undefined });
      const kept = mapped.readings.filter((r) => inWindow(r.ts, window));
      data.readings.push(...kept);
      data.dropped += mapped.dropped;
      data.intervalsExpected += slots;
      data.intervalsReceived += kept.length;
    }
    return data;
  },
};

function seriesUrl(
  base: string,
  site: { vendorSiteId: string; timezone?: string | null },
  window: Window,
  series: SolarEdgeSeries,
): string {
  // The API wants ISO-8601 with an offset; the site's own offset keeps its local day intact.
  const zone = site.timezone || "UTC";
  const q = new URLSearchParams({
    from: formatInZone(window.from, zone),
    to: formatInZone(window.to, zone),
    resolution: "QUARTER_HOUR",
  });
  return `${base}/sites/${encodeURIComponent(site.vendorSiteId)}/${series}?${q}`;
}

async function getJson(ctx: Ctx, url: string, label: string, fatalStatuses: number[]) {
  const result = await ctx.http({ url, label, fatalStatuses });
  return parseJson(result, label);
}
