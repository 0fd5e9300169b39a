/**
 * The site list of a Site Access credential: the one site the homeowner granted. `GET /sites`
 * accepts only an API key, so the site comes from the grant (the callback's `site_id`), and
 * `GET /sites/{id}` — which checks the grant — adds its name and time zone, the place V2 is
 * expected to show one (vendors.md, Corrections Dec 2026). That call costs a credit, so it is
 * made only while no time zone is stored for the site.
 */
import type { KnownSites, VendorSite } from "../../../shared/types.ts";

export interface SiteDetails {
  name?: string;
  timezone?: string;
}

export async function grantedSite(
  siteId: string,
  known: KnownSites | undefined,
  lookUp: (siteId: string) => Promise<SiteDetails | undefined>,
): Promise<VendorSite[]> {
  // The stored name and zone stay (the store keeps them when a listing leaves them out).
  if (known?.get(siteId)) return [{ vendorSiteId: siteId }];
  const details = await lookUp(siteId);
  return [{ vendorSiteId: siteId, name: details?.name, timezone: details?.timezone }];
}
