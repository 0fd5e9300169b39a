/** sync_runs and sync_run_sites: one row per run and one per site it worked on. */
import type { Sql } from "../db.ts";
import type { Source } from "../types.ts";

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
  siteResult(result: SiteResult): Promise<void>;
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

    async siteResult(r) {
      await sql`
        insert into public.sync_run_sites
          (run_id, organization_id, credential_id, site_id, status, window_from, window_to,
           readings, dropped, intervals_expected, intervals_received, api_calls, object_keys, error)
        values (${r.runId}, ${r.organizationId}, ${r.credentialId}, ${r.siteId}, ${r.status},
                ${r.windowFrom ?? null}, ${r.windowTo ?? null}, ${r.readings ?? 0},
                ${r.dropped ?? 0}, ${r.intervalsExpected ?? 0}, ${r.intervalsReceived ?? 0},
                ${r.apiCalls ?? 0}, ${r.objectKeys ?? []}, ${r.error ?? null})`;
    },
  };
}
