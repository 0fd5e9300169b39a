/** inverter_sites: which sites a credential has, and each site's sync status and watermark. */
import type { Sql } from "../db.ts";
import type { KnownSites, Source, VendorSite } from "../types.ts";
import type { CredentialRow } from "./credentials.ts";

export interface SiteRow {
  id: string;
  organization_id: string;
  credential_id: string;
  vendor_site_id: string;
  name: string | null;
  timezone: string | null;
  synced_through: Date | null;
  consecutive_failures: number;
}

/** What an adapter's site list is told about the sites already stored (`Adapter.fetchSitesList`). */
export function knownSites(sites: SiteRow[]): KnownSites {
  return new Map(sites.map((s) => [s.vendor_site_id, s.timezone]));
}

export interface SiteStore {
  /** Ids of the credentials that list this site (a vendor site id or the site's uuid). */
  siteCredentials(source: Source, siteId: string): Promise<string[]>;
  /** Upserts what the vendor listed and marks the credential's other sites inactive. */
  reconcileSites(credential: CredentialRow, sites: VendorSite[]): Promise<SiteRow[]>;
  activeSites(credentialId: string): Promise<SiteRow[]>;
  /** Each active credential of a vendor with its plan and its number of active sites. */
  cadenceScopes(source: Source): Promise<CadenceScopeRow[]>;
  /** Sets the planned cadence of the credentials' active sites, writing only what changes. */
  setCadence(credentialIds: string[], hours: number, note: string | null): Promise<void>;
}

export interface CadenceScopeRow {
  id: string;
  label: string;
  plan?: Record<string, unknown>;
  sites: number;
}

export function createSiteStore(sql: Sql): SiteStore {
  const store: SiteStore = {
    async siteCredentials(source, siteId) {
      const rows = await sql<{ credential_id: string }[]>`
        select distinct credential_id from public.inverter_sites
        where source = ${source}
          and (vendor_site_id = ${siteId} or id::text = ${siteId})`;
      return rows.map((r) => r.credential_id);
    },

    async reconcileSites(credential, sites) {
      const listed = distinctSites(sites);
      const ids = listed.map((s) => s.vendorSiteId);
      // One statement for the whole list: a round trip per site was most of a listing's CPU. The
      // upsert and the deactivation touch disjoint rows, so one snapshot serves both.
      await sql`
        with listed as (
          select * from unnest(${ids}::text[], ${listed.map((s) => s.name ?? null)}::text[],
                               ${listed.map((s) => s.timezone ?? null)}::text[])
            as l(vendor_site_id, name, timezone)
        ), upserted as (
          insert into public.inverter_sites
            (organization_id, credential_id, source, vendor_site_id, name, timezone)
          select ${credential.organization_id}, ${credential.id}, ${credential.source},
                 l.vendor_site_id, l.name, l.timezone
          from listed l
          on conflict (credential_id, vendor_site_id) do update
          set name = coalesce(excluded.name, inverter_sites.name),
              timezone = coalesce(excluded.timezone, inverter_sites.timezone),
              active = true,
              updated_at = now()
          returning 1
        )
        update public.inverter_sites set active = false, updated_at = now()
        where credential_id = ${credential.id} and active
          and not (vendor_site_id = any(${ids}::text[]))`;
      return await store.activeSites(credential.id);
    },

    async activeSites(credentialId) {
      return await sql<SiteRow[]>`
        select id, organization_id, credential_id, vendor_site_id, name, timezone,
               synced_through, consecutive_failures
        from public.inverter_sites
        where credential_id = ${credentialId} and active
        order by vendor_site_id`;
    },

    async cadenceScopes(source) {
      return await sql<CadenceScopeRow[]>`
        select c.id, c.label, c.plan, count(s.id)::int as sites
        from public.inverter_credentials c
        left join public.inverter_sites s on s.credential_id = c.id and s.active
        where c.source = ${source} and c.status = 'active'
        group by c.id`;
    },

    async setCadence(credentialIds, hours, note) {
      if (credentialIds.length === 0) return;
      await sql`
        update public.inverter_sites
        set cadence_hours = ${hours}, cadence_note = ${note}, updated_at = now()
        where credential_id = any(${credentialIds}::uuid[]) and active
          and (cadence_hours, cadence_note) is distinct from (${hours}::int, ${note}::text)`;
    },
  };
  return store;
}

/**
 * One entry per vendor site id, as upserting the list one by one left it: a later listing's name
 * or zone wins, a missing one keeps the earlier. One statement cannot upsert a row twice.
 */
function distinctSites(sites: VendorSite[]): VendorSite[] {
  const byId = new Map<string, VendorSite>();
  for (const s of sites) {
    const seen = byId.get(s.vendorSiteId);
    byId.set(s.vendorSiteId, {
      vendorSiteId: s.vendorSiteId,
      name: s.name ?? seen?.name,
      timezone: s.timezone ?? seen?.timezone,
    });
  }
  return [...byId.values()];
}
