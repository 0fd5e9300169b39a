/**
 * What the demo prints about its cycle, read from the database. A cron run covers every active
 * credential of every organisation, so on a database the tests have used a run also holds other
 * organisations' sites (often failing on purpose). The demo reports its own organisation only:
 * run rows are rebuilt from that organisation's site results in the cycle's runs.
 */
import type postgres from "postgres";

export interface DemoRun {
  source: string;
  /** succeeded (all of the organisation's sites), failed (none) or partial. */
  status: "succeeded" | "partial" | "failed";
  sitesTotal: number;
  sitesSucceeded: number;
  /** Calls made for the organisation's sites (site discovery is counted per run, not per site). */
  apiCalls: number;
  objectsWritten: number;
}

export interface DemoSite {
  source: string;
  vendor_site_id: string;
  name: string | null;
  timezone: string | null;
  synced_through: Date | null;
  last_error: string | null;
  last_object_key: string | null;
  status: string;
  readings: number;
  intervals_expected: number;
  intervals_received: number;
}

export interface DemoReport {
  runs: DemoRun[];
  sites: DemoSite[];
}

/** The organisation's part of the given runs: one row per run, one per active site. */
export async function demoReport(
  sql: postgres.Sql,
  orgId: string,
  runIds: string[],
): Promise<DemoReport> {
  const runs = await sql<
    {
      source: string;
      sites_total: number;
      sites_succeeded: number;
      api_calls: number;
      objects_written: number;
    }[]
  >`
    select run.source,
           count(r.id)::int as sites_total,
           (count(r.id) filter (where r.status = 'succeeded'))::int as sites_succeeded,
           coalesce(sum(r.api_calls), 0)::int as api_calls,
           coalesce(sum(cardinality(r.object_keys)), 0)::int as objects_written
    from public.sync_runs run
    left join public.sync_run_sites r on r.run_id = run.id and r.organization_id = ${orgId}
    where run.id = any(${runIds}::uuid[])
    group by run.id, run.source
    order by run.source`;
  const sites = await sql<DemoSite[]>`
    select s.source, s.vendor_site_id, s.name, s.timezone, s.synced_through, s.last_error,
           s.last_object_key, r.status, r.readings, r.intervals_expected, r.intervals_received
    from public.inverter_sites s
    join public.sync_run_sites r on r.site_id = s.id and r.run_id = any(${runIds}::uuid[])
    where s.organization_id = ${orgId} and r.organization_id = ${orgId} and s.active
    order by s.source, s.vendor_site_id`;
  return {
    runs: runs.map((r) => ({
      source: r.source,
      status: r.sites_total > 0 && r.sites_succeeded === r.sites_total
        ? "succeeded"
        : r.sites_succeeded === 0
        ? "failed"
        : "partial",
      sitesTotal: r.sites_total,
      sitesSucceeded: r.sites_succeeded,
      apiCalls: r.api_calls,
      objectsWritten: r.objects_written,
    })),
    sites,
  };
}
