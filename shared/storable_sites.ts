/**
 * A vendor's site list as the database can hold it. Postgres text cannot hold a NUL character,
 * and one such name used to fail the whole list, hiding every site of the credential. Control
 * characters are removed from names and zones (they are for people to read); a site whose id
 * holds one is refused on its own, with the reason, and the rest are kept.
 */
import type { VendorSite } from "./types.ts";

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
/** The longest name kept; a longer one is cut (it is a label, not a key). */
const MAX_NAME = 500;

export function storableSites(
  sites: VendorSite[],
): {
  sites: VendorSite[];
  refused: Array<{ vendorSiteId: string; reason: string }>;
  /** What to record of the refused sites, for the listing and the log; undefined when none. */
  problem?: string;
} {
  const kept: VendorSite[] = [];
  const refused: Array<{ vendorSiteId: string; reason: string }> = [];
  for (const s of sites) {
    if (s.vendorSiteId.includes("\u0000")) {
      refused.push({
        vendorSiteId: JSON.stringify(s.vendorSiteId).slice(1, -1).slice(0, 80),
        reason: "its id contains a NUL character, which the database cannot store",
      });
      continue;
    }
    const clean = (v?: string) => {
      const t = v?.replace(CONTROL, "").trim().slice(0, MAX_NAME);
      return t ? t : undefined;
    };
    kept.push({ vendorSiteId: s.vendorSiteId, name: clean(s.name), timezone: clean(s.timezone) });
  }
  const problem = refused.length === 0
    ? undefined
    : `Site list: refused ${
      refused.map((r) => `site "${r.vendorSiteId}" (${r.reason})`).join(", ")
    }`;
  return { sites: kept, refused, problem };
}
