/**
 * `deno task credentials sites|timezone`: which sites have a time zone, and setting one by hand.
 * A site's zone drives the local times sent to vendors that want them (SolarEdge V2's naive
 * `from`/`to`); SolarEdge's `/sites` shows none and `GET /sites/{id}` may not either
 * (vendors.md, Corrections December 2026), so a site without one falls back to UTC until an
 * operator sets it here (or with SQL on `inverter_sites.timezone`).
 */
import type { Sql } from "../shared/db.ts";
import { isUuid } from "../shared/uuid.ts";
import type { CliIo } from "./io.ts";

export const FALLBACK_NOTE = "none: falls back to UTC";

export async function listSites(sql: Sql, io: CliIo, source?: string): Promise<number> {
  const rows = await sql<
    {
      id: string;
      source: string;
      vendor_site_id: string;
      name: string | null;
      org: string;
      timezone: string | null;
    }[]
  >`
    select s.id, s.source, s.vendor_site_id, s.name, o.name as org, s.timezone
    from public.inverter_sites s join public.organizations o on o.id = s.organization_id
    where s.active and ${source ? sql`s.source = ${source}` : sql`true`}
    order by o.name, s.source, s.vendor_site_id`;
  io.stdout("id\torganisation\tsource\tsite\tname\ttime zone\n");
  for (const r of rows) {
    io.stdout(
      `${r.id}\t${r.org}\t${r.source}\t${r.vendor_site_id}\t${r.name ?? ""}\t${
        r.timezone ?? FALLBACK_NOTE
      }\n`,
    );
  }
  const missing = rows.filter((r) => !r.timezone).length;
  io.stdout(
    `${rows.length} sites, ${missing} without a time zone` +
      (missing > 0 ? " (set one with: deno task credentials timezone SITE ZONE)\n" : "\n"),
  );
  return 0;
}

/** Sets the zone of the active sites a uuid or vendor site id names (within `source`, if given). */
export async function setTimeZone(
  sql: Sql,
  io: CliIo,
  site: string | undefined,
  zone: string | undefined,
  source?: string,
): Promise<number> {
  if (!site || !zone) {
    io.stderr("Cannot set the time zone: give the site (id or vendor site id) and an IANA zone\n");
    return 2;
  }
  const canonical = canonicalZone(zone);
  if (!canonical) {
    io.stderr(
      `Cannot set the time zone: ${JSON.stringify(zone)} is not an IANA time zone ` +
        "(e.g. Europe/Berlin)\n",
    );
    return 2;
  }
  const rows = await sql<{ id: string; source: string; vendor_site_id: string }[]>`
    update public.inverter_sites set timezone = ${canonical}, updated_at = now()
    where active
      and ${isUuid(site) ? sql`id = ${site}` : sql`vendor_site_id = ${site}`}
      and ${source ? sql`source = ${source}` : sql`true`}
    returning id, source, vendor_site_id`;
  if (rows.length === 0) {
    io.stderr(`Cannot set the time zone: no active site ${site}${source ? ` of ${source}` : ""}\n`);
    return 1;
  }
  for (const r of rows) {
    io.stdout(
      `Set the time zone of ${r.source} site ${r.vendor_site_id} (${r.id}) to ${canonical}\n`,
    );
  }
  return 0;
}

/** The zone's canonical IANA name (Intl accepts `europe/berlin` too), or undefined. */
function canonicalZone(zone: string): string | undefined {
  // Offsets such as "+01:00" are accepted by Intl but are no zone: DST would be lost.
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(zone)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
