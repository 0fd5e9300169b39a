/**
 * The store of a dry run: the same reads, and each write described through `report` instead of
 * made. Token renewals and budget spends still go through: the vendor call they follow is real.
 */
import type { CredentialRow, SiteRow, Store } from "./store.ts";
import type { VendorSite } from "./types.ts";

export function readOnlyStore(store: Store, report: (what: string) => void): Store {
  return {
    credentials: (source, id) => store.credentials(source, id),
    credentialInfo: (id) => store.credentialInfo(id),
    // A dry run still calls the vendor, so it spends the budget for real.
    spendBudget: (id, period, limit) => store.spendBudget(id, period, limit),
    saveConnected: (c) => store.saveConnected(c),
    // A renewed token must be kept even in a dry run: the vendor has already rotated it.
    withCredentialLock: (id, decide) => store.withCredentialLock(id, decide),
    siteCredentials: (source, siteId) => store.siteCredentials(source, siteId),
    activeSites: (id) => store.activeSites(id),
    markCredential: (id, status, reason) =>
      Promise.resolve(report(`mark credential ${id} ${status}: ${reason ?? ""}`)),
    async reconcileSites(credential, sites) {
      const known = await store.activeSites(credential.id);
      const byId = new Map(known.map((s) => [s.vendor_site_id, s]));
      const added = sites.filter((s) => !byId.has(s.vendorSiteId));
      if (added.length > 0) report(`add sites ${added.map((s) => s.vendorSiteId).join(", ")}`);
      return sites.map((s) => byId.get(s.vendorSiteId) ?? newSite(credential, s));
    },
    startRun: () => Promise.resolve("dry-run"),
    finishRun: () => Promise.resolve(),
    siteSynced: (id, through, key) =>
      Promise.resolve(report(`set site ${id} synced through ${through.toISOString()} (${key})`)),
    siteFailed: (id, error) => Promise.resolve(report(`record failure on site ${id}: ${error}`)),
    sitePaused: (id, reason) => Promise.resolve(report(`record pause on site ${id}: ${reason}`)),
    siteResult: () => Promise.resolve(),
  };
}

function newSite(credential: CredentialRow, s: VendorSite): SiteRow {
  return {
    id: `new:${s.vendorSiteId}`,
    organization_id: credential.organization_id,
    credential_id: credential.id,
    vendor_site_id: s.vendorSiteId,
    name: s.name ?? null,
    timezone: s.timezone ?? null,
    synced_through: null,
    consecutive_failures: 0,
  };
}
