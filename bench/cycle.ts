/**
 * One hourly cycle through the real path: each vendor's pg_cron job is fired by running its own
 * SQL (as `deno task demo` does), pg_net posts to the functions, the functions call the
 * simulators and write to S3 and Postgres. Waits, bounded, until every site of the organisation
 * synced, or every run of the cycle ended, or no function invocation runs any more (a worker
 * stopped at an Edge limit leaves its run `running`), with a progress line on stderr.
 */
import type postgres from "postgres";
import { BENCH_VENDORS } from "./fleet.ts";

export interface CycleRun {
  id: string;
  source: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  sites_total: number;
  sites_succeeded: number;
  api_calls: number;
  error: string | null;
}

export interface CycleResult {
  firedAt: Date;
  /** From firing to the last run's end or the last site's sync, whichever is later. */
  wallS: number;
  timedOut: boolean;
  synced: number;
  runs: CycleRun[];
}

export interface CycleOptions {
  orgId: string;
  sites: number;
  timeoutS: number;
  progress: (line: string) => void;
  /** Calls the simulators answered so far, for the progress line. */
  vendorCalls?: () => Promise<number>;
  /**
   * Vendor function invocations running now (undefined: unknown). None running while a run still
   * says `running` means its worker was stopped (a limit) and nothing will finish that run.
   */
  activeInvocations?: () => Promise<number | undefined>;
  /** Aborted (Ctrl-C, SIGTERM): stop waiting, so the bench still cleans up. */
  signal?: AbortSignal;
}

/**
 * The hourly jobs (`<vendor>-hourly`, and a queue's `<vendor>-enqueue`) pg_cron itself would
 * fire during the bench; paused while it runs. A per-minute dispatcher keeps running.
 */
export async function pauseHourlyJobs(sql: postgres.Sql): Promise<number[]> {
  const jobs = await sql<{ jobid: number }[]>`
    select jobid from cron.job
    where active and (jobname like '%-hourly' or jobname like '%-enqueue')`;
  for (const { jobid } of jobs) await sql`select cron.alter_job(${jobid}::bigint, active := false)`;
  return jobs.map((j) => j.jobid);
}

export async function resumeJobs(sql: postgres.Sql, jobIds: number[]): Promise<void> {
  for (const id of jobIds) await sql`select cron.alter_job(${id}::bigint, active := true)`;
}

export async function runCycle(sql: postgres.Sql, o: CycleOptions): Promise<CycleResult> {
  const [{ now: firedAt }] = await sql<{ now: Date }[]>`select now()`;
  for (const vendor of BENCH_VENDORS) {
    // In the order pg_cron runs them within the hour: fill the queue, dispatch it at once (as
    // the next minute would), then the hourly invocation, for as long as it is scheduled.
    const jobs = await sql<{ jobname: string; command: string }[]>`
      select jobname, command from cron.job
      where jobname = any(${[`${vendor}-enqueue`, `${vendor}-dispatch`, `${vendor}-hourly`]})
      order by case when jobname like '%-enqueue' then 0 when jobname like '%-dispatch' then 1
               else 2 end`;
    if (!jobs.some((j) => !j.jobname.endsWith("-dispatch"))) {
      throw new Error(
        `Cannot run the cycle: no pg_cron job ${vendor}-hourly or ${vendor}-enqueue ` +
          "(migrations applied?)",
      );
    }
    for (const job of jobs) await sql.unsafe(job.command);
  }
  // A dispatcher that pg_cron runs every minute (the queue) may start runs after a quiet spell;
  // it counts only once a vendor has it switched on (public.sync_dispatch_settings).
  const [{ settings }] = await sql<{ settings: string | null }[]>`
    select to_regclass('public.sync_dispatch_settings')::text as settings`;
  const dispatcher = settings !== null &&
    (await sql`select 1 from public.sync_dispatch_settings where dispatch_enabled limit 1`)
        .length > 0;
  const settleMs = dispatcher ? 65_000 : 5_000;
  const deadline = Date.now() + o.timeoutS * 1000;
  let quietSince: number | undefined;
  for (;;) {
    o.signal?.throwIfAborted();
    const runs = await sql<CycleRun[]>`
      select id, source, status, started_at, finished_at, sites_total, sites_succeeded, api_calls,
             error
      from public.sync_runs
      where started_at >= ${firedAt} and trigger = 'cron' and source = any(${[...BENCH_VENDORS]})
      order by started_at`;
    const [{ synced, last }] = await sql<{ synced: number; last: Date | null }[]>`
      select count(*)::int as synced, max(last_success_at) as last from public.inverter_sites
      where organization_id = ${o.orgId} and last_success_at >= ${firedAt}`;
    const running = runs.filter((r) => r.status === "running").length;
    const elapsed = (Date.now() - firedAt.getTime()) / 1000;
    const calls = o.vendorCalls ? ` ${await o.vendorCalls()} vendor calls,` : "";
    const active = await o.activeInvocations?.();
    o.progress(
      `bench: ${elapsed.toFixed(0)} s, ${synced}/${o.sites} sites synced,${calls} ` +
        `${running} of ${runs.length} runs running` +
        (active === undefined ? "" : `, ${active} invocations active`),
    );
    const ended = new Set(runs.filter((r) => r.status !== "running").map((r) => r.source));
    const allEnded = running === 0 && BENCH_VENDORS.every((v) => ended.has(v));
    const orphaned = active === 0 && runs.length > 0 && elapsed > 5;
    quietSince = allEnded || orphaned ? quietSince ?? Date.now() : undefined;
    const settled = quietSince !== undefined && Date.now() - quietSince >= settleMs;
    const timedOut = Date.now() >= deadline;
    if (synced >= o.sites || settled || timedOut) {
      const ends = [
        ...runs.map((r) => r.finished_at?.getTime() ?? 0),
        last?.getTime() ?? 0,
      ];
      const endMs = timedOut && !settled && synced < o.sites ? Date.now() : Math.max(...ends);
      return {
        firedAt,
        wallS: (endMs - firedAt.getTime()) / 1000,
        timedOut: timedOut && !settled && synced < o.sites,
        synced,
        runs,
      };
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
