/** sync_runs and sync_run_sites: one row per run and one per site it worked on. */
import type { Sql } from "../db.ts";
import type { Source } from "../types.ts";
import type { WindowCoverage } from "../run_types.ts";

export interface RunCounts {
  sitesTotal: number;
  sitesSucceeded: number;
  sitesFailed: number;
  apiCalls: number;
  objectsWritten: number;
}

export interface SiteResult {
  runId: string;
  organizationId: string;
  credentialId: string | null;
  siteId: string | null;
  /** Only `failed` counts toward the site's consecutive failures (run_types.ts SiteStatus). */
  status: "succeeded" | "failed" | "skipped" | "deferred";
  windowFrom?: Date;
  windowTo?: Date;
  readings?: number;
  dropped?: number;
  intervalsExpected?: number;
  intervalsReceived?: number;
  apiCalls?: number;
  objectKeys?: string[];
  error?: string;
  /** Where the site's watermark moves (never back): the end of its last landed window. */
  syncedThrough?: Date;
  /** The daylight completeness of each window that landed (site_window_coverage). */
  coverage?: WindowCoverage[];
}

/**
 * A run failed when it stopped or no site of it succeeded while some failed; it is partial when
 * any site did not succeed (failed, skipped at the time limit, deferred by the vendor).
 */
export function runStatus(c: RunCounts, error?: string): "succeeded" | "partial" | "failed" {
  if (error || (c.sitesFailed > 0 && c.sitesSucceeded === 0)) return "failed";
  return c.sitesSucceeded < c.sitesTotal ? "partial" : "succeeded";
}

export interface RunStore {
  startRun(source: Source, trigger: string, options: unknown, dryRun: boolean): Promise<string>;
  finishRun(runId: string, counts: RunCounts, error?: string): Promise<void>;
  /**
   * Records sites a run worked on, in one statement: each site's result row, and on the site its
   * watermark, last success, last error and consecutive failures (only `failed` adds one; a
   * landed window resets them; `deferred` says why it waits; `skipped` changes only what landed),
   * and the daylight completeness of each window that landed.
   */
  recordSites(results: SiteResult[]): Promise<void>;
}

export function createRunStore(sql: Sql): RunStore {
  return {
    async startRun(source, trigger, options, dryRun) {
      const [row] = await sql<{ id: string }[]>`
        insert into public.sync_runs (source, trigger, options, dry_run)
        values (${source}, ${trigger}, ${sql.json(options as never)}, ${dryRun})
        returning id`;
      return row.id;
    },

    async finishRun(runId, c, error) {
      const status = runStatus(c, error);
      await sql`
        update public.sync_runs
        set status = ${status}, finished_at = now(), sites_total = ${c.sitesTotal},
            sites_succeeded = ${c.sitesSucceeded}, sites_failed = ${c.sitesFailed},
            api_calls = ${c.apiCalls}, objects_written = ${c.objectsWritten},
            error = ${error ?? null}
        where id = ${runId}`;
    },

    async recordSites(results) {
      if (results.length === 0) return;
      const rows = results.map((r) => ({
        run_id: r.runId,
        organization_id: r.organizationId,
        credential_id: r.credentialId,
        site_id: r.siteId,
        status: r.status,
        window_from: r.windowFrom ?? null,
        window_to: r.windowTo ?? null,
        readings: r.readings ?? 0,
        dropped: r.dropped ?? 0,
        intervals_expected: r.intervalsExpected ?? 0,
        intervals_received: r.intervalsReceived ?? 0,
        api_calls: r.apiCalls ?? 0,
        object_keys: r.objectKeys ?? [],
        error: r.error ?? null,
        synced_through: r.syncedThrough ?? null,
      }));
      const coverage = results.flatMap((r) =>
        (r.coverage ?? []).map((w) => ({
          site_id: r.siteId,
          organization_id: r.organizationId,
          window_end: w.end,
          window_from: w.from,
          covered_to: w.to,
          expected: w.daylightExpected,
          received: w.daylightReceived,
        }))
      ).filter((w) => w.site_id !== null);
      // One round trip per credential instead of two or three per site: at fleet scale the
      // per-statement cost of the driver was a tenth of a worker's CPU.
      await sql`
        with r as (
          select * from jsonb_to_recordset(${sql.json(rows as never)}) as x(
            run_id uuid, organization_id uuid, credential_id uuid, site_id uuid, status text,
            window_from timestamptz, window_to timestamptz, readings integer, dropped integer,
            intervals_expected integer, intervals_received integer, api_calls integer,
            object_keys text[], error text, synced_through timestamptz)
        ), sites as (
          update public.inverter_sites s
          set synced_through = case when r.synced_through is null then s.synced_through
                else greatest(s.synced_through, r.synced_through) end,
              last_attempt_at = case when r.status = 'skipped' and r.synced_through is null
                then s.last_attempt_at else now() end,
              last_success_at = case when r.synced_through is null and r.status <> 'succeeded'
                then s.last_success_at else now() end,
              last_error = case
                when r.status in ('failed', 'deferred') then coalesce(r.error, initcap(r.status))
                when r.status = 'succeeded' or r.synced_through is not null then null
                else s.last_error end,
              consecutive_failures = case
                when r.status = 'succeeded' or r.synced_through is not null then 0
                else s.consecutive_failures end + (r.status = 'failed')::int,
              last_object_key = coalesce(r.object_keys[cardinality(r.object_keys)],
                s.last_object_key),
              updated_at = now()
          from r
          where s.id = r.site_id
          returning s.id
        ), coverage as (
          -- A window's counts are replaced only by a fetch that covers at least as much of it,
          -- as its object is (windows.ts).
          insert into public.site_window_coverage as w
            (site_id, organization_id, window_end, window_from, covered_to, daylight_expected,
             daylight_received)
          select site_id, organization_id, window_end, window_from, covered_to, expected, received
          from jsonb_to_recordset(${sql.json(coverage as never)}) as c(
            site_id uuid, organization_id uuid, window_end timestamptz, window_from timestamptz,
            covered_to timestamptz, expected integer, received integer)
          on conflict (site_id, window_end) do update
          set window_from = excluded.window_from, covered_to = excluded.covered_to,
            daylight_expected = excluded.daylight_expected,
            daylight_received = excluded.daylight_received, updated_at = now()
          where excluded.covered_to >= w.covered_to
          returning 1
        )
        insert into public.sync_run_sites
          (run_id, organization_id, credential_id, site_id, status, window_from, window_to,
           readings, dropped, intervals_expected, intervals_received, api_calls, object_keys, error)
        select run_id, organization_id, credential_id, site_id, status, window_from, window_to,
               readings, dropped, intervals_expected, intervals_received, api_calls,
               object_keys, error
        from r`;
    },
  };
}
