/**
 * The site list of a Site Access credential: the one site the homeowner granted. `GET /sites`
 * accepts only an API key, so the site comes from the grant (the callback's `site_id`), and
 * `GET /sites/{id}` — which checks the grant — adds its name and time zone, the place V2 is
 * expected to show one (vendors.md, Corrections Dec 2026). That call costs one credit per run.
 */
import { FatalCredentialError, VendorConfigError } from "../../../shared/errors.ts";
import { parseJson } from "../../../shared/json.ts";
import type { AdapterContext, VendorSite } from "../../../shared/types.ts";
import type { SolarEdgeOAuthSecret, SolarEdgeSecret } from "./secret.ts";

interface SiteBody {
  siteId?: unknown;
  name?: unknown;
  location?: { timeZone?: unknown };
  timeZone?: unknown;
}

export async function grantedSite(
  ctx: AdapterContext<SolarEdgeSecret>,
  secret: SolarEdgeOAuthSecret,
): Promise<VendorSite[]> {
  const id = secret.siteId;
  const label = `SolarEdge /sites/${id}`;
  try {
    const result = await ctx.http({
      url: `${ctx.baseUrl}/sites/${encodeURIComponent(id)}`,
      label,
      // 401 and 403 here mean the grant itself is gone or no longer covers its site.
      fatalStatuses: [401, 403, 410],
    });
    const raw = parseJson(result, label) as { site?: SiteBody } & SiteBody;
    // The V2 response shape of this call is unpublished: a bare site or one wrapped in `site`.
    const site = raw?.site ?? raw;
    const zone = site?.location?.timeZone ?? site?.timeZone;
    return [{
      vendorSiteId: id,
      name: typeof site?.name === "string" ? site.name : undefined,
      timezone: typeof zone === "string" && zone !== "" ? zone : undefined,
    }];
  } catch (error) {
    if (error instanceof FatalCredentialError || error instanceof VendorConfigError) throw error;
    // The grant names its site for certain; only the details are missing this time.
    ctx.logger.warn("SolarEdge site details unavailable; listing the granted site alone", {
      site: id,
      error: (error as Error).message,
    });
    return [{ vendorSiteId: id }];
  }
}
