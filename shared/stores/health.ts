/**
 * What a site's status route reads: its row of the `site_health` view, and whether a user is a
 * member of its organisation. The functions connect with the service role, which RLS does not
 * restrict, so membership is checked here, in code, before a row is shown.
 */
import type { Sql } from "../db.ts";
import type { Source } from "../vendors.ts";

export type SiteHealthRow = Record<string, unknown> & {
  site_id: string;
  organization_id: string;
  vendor_site_id: string;
  state: string;
};

export interface HealthStore {
  /** The site's health by our uuid or the vendor's id; a vendor id may name several sites. */
  siteHealth(source: Source, site: string): Promise<SiteHealthRow[]>;
  /** The user's role in the organisation, or undefined when they are not a member. */
  memberRole(userId: string, organizationId: string): Promise<string | undefined>;
}

export function createHealthStore(sql: Sql): HealthStore {
  return {
    async siteHealth(source, site) {
      return await sql<SiteHealthRow[]>`
        select * from public.site_health
        where source = ${source}
          and (vendor_site_id = ${site} or site_id::text = ${site})
        order by organization_id, site_id`;
    },
    async memberRole(userId, organizationId) {
      const [row] = await sql<{ role: string }[]>`
        select role from public.organization_members
        where user_id = ${userId}::uuid and organization_id = ${organizationId}::uuid`;
      return row?.role;
    },
  };
}
