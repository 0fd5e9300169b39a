/**
 * `deno task bench`: one hourly cycle of a synthetic fleet through the real path (pg_cron's job
 * SQL, pg_net, the functions, the simulators, S3, Postgres), the sequential baseline on a twin
 * fleet, and the bound any client could reach; one JSON line on stdout (README.md), progress on
 * stderr. `--micro` prints the two older ratio measurements instead. Starts the stack when it is
 * down and stops it again; the bench's organisations, objects and simulator accounts are removed
 * afterwards.
 */
import postgres from "postgres";
import { type Env, loadConfig } from "../shared/config.ts";
import { isStackUp, stackDown, stackUp } from "../local/stack.ts";
import { stackEnv } from "../local/stack_env.ts";
import { type BenchOptions, parseBenchArgs } from "./args.ts";
import { runBaseline } from "./baseline.ts";
import { computeBound } from "./bound.ts";
import { pauseHourlyJobs, resumeJobs, runCycle } from "./cycle.ts";
import { type FleetPlan, fleetSites, planFleet } from "./fleet.ts";
import {
  activeInvocations,
  deleteObjects,
  invocationsSince,
  orgObjectKeys,
  resetSimStats,
  setLatency,
  setS3Latency,
  simTotals,
} from "./measure.ts";
import { runMicro } from "./micro.ts";
import { checkProblems, reportLine } from "./report.ts";
import { BENCH_ORG_PREFIX, createBenchOrg, seedFleet, unseedSimulators } from "./seed.ts";
import { stackModels } from "./models.ts";

const say = (line: string) => console.error(line);

// Ctrl-C or SIGTERM stops the waiting, not the clean-up: the fleet is removed and a stack the
// bench started is stopped, so the machine is left as it was found.
const interrupted = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    say(`bench: ${signal}: stopping, cleaning up`);
    interrupted.abort(new Error(`Interrupted by ${signal}`));
  });
}

async function bench(o: BenchOptions): Promise<number> {
  const sql = postgres(stackEnv.SUPABASE_DB_URL, { max: 4, prepare: false, onnotice: () => {} });
  const tag = String(1000 + Math.floor(Math.random() * 8000));
  const plan = planFleet({ sites: o.sites, credentials: o.credentials, tag });
  const baselinePlan = planFleet({
    sites: o.baselineSites,
    credentials: Math.max(4, Math.round(o.credentials * o.baselineSites / o.sites)),
    tag: String(Number(tag) + 1),
  });
  const orgs: string[] = [];
  const plans: FleetPlan[] = [];
  const runIds: string[] = [];
  let paused: number[] = [];
  try {
    paused = await pauseHourlyJobs(sql);
    const stale = await sql<{ id: string }[]>`
      select id from public.organizations where name like ${BENCH_ORG_PREFIX + "%"}`;
    if (stale.length > 0) {
      say(`bench: removing ${stale.length} bench organisations an interrupted bench left`);
      await cleanUp(sql, stale.map((s) => s.id), [], []);
    }
    const config = loadConfig(stackEnv as Env);
    const step = 15 * 60_000;
    const syncedThrough = new Date(Math.floor(Date.now() / step) * step - 3_600_000);
    say(`bench: seeding ${o.sites} sites over ${plan.credentials.length} credentials (tag ${tag})`);
    plans.push(plan);
    orgs.push(await createBenchOrg(sql, tag));
    await seedFleet(sql, plan, orgs[0], syncedThrough);
    const [{ others }] = await sql<{ others: number }[]>`
      select count(*)::int as others from public.inverter_credentials
      where status = 'active' and not (organization_id = any(${orgs}::uuid[]))`;
    if (others > 0) {
      say(`bench: note: ${others} active credentials of other organisations join the cron runs`);
    }
    await setLatency(o.latencyMs);
    await setS3Latency(o.s3LatencyMs);
    await resetSimStats();

    const start = new Date();
    const bound = computeBound({
      plan,
      models: stackModels,
      start,
      syncedThrough,
      lookbackHours: config.lookbackHours,
      latencyMs: o.latencyMs,
      s3LatencyMs: o.s3LatencyMs,
    });
    // The service fetches whole aligned windows (12 h for SolarEdge, UTC days for Enphase); the
    // bound counts the calls of the range alone, so near a window's start the figures part.
    const from = syncedThrough.getTime() - config.lookbackHours * 3_600_000;
    const half = 12 * 3_600_000;
    if (Math.floor(from / half) !== Math.floor(start.getTime() / half)) {
      say(
        `bench: note: the lookback from ${new Date(from).toISOString().slice(11, 16)} UTC ` +
          "reaches into the previous 12-hour window: whole-window fetches add calls the bound " +
          "does not count (run 3 or more hours after 00:00 or 12:00 UTC to compare figures)",
      );
    }
    say(
      `bench: bound ${bound.boundS.toFixed(1)} s for ${bound.calls} vendor calls, set by ` +
        `${bound.limiting.scope} (${bound.limiting.calls} calls, ${bound.limiting.why})`,
    );
    const cycle = await runCycle(sql, {
      orgId: orgs[0],
      sites: o.sites,
      timeoutS: o.timeoutS,
      progress: say,
      vendorCalls: async () => (await simTotals()).requests,
      activeInvocations,
      signal: interrupted.signal,
    });
    runIds.push(...cycle.runs.map((r) => r.id));
    const sim = await simTotals();
    for (const r of cycle.runs) {
      say(
        `bench: ${r.source} run ${r.status}: ${r.sites_succeeded}/${r.sites_total} sites, ` +
          `${r.api_calls} calls${r.error ? `, ${r.error}` : ""}` +
          (r.status === "running" ? " (its invocation ended: the run is left open)" : ""),
      );
    }
    for (const [vendor, s] of Object.entries(sim.byVendor)) {
      say(`bench: ${vendor} simulator: ${s.requests} calls, ${s.rateLimited} refused for rate`);
    }
    if (cycle.timedOut) say(`bench: stopped waiting after ${o.timeoutS} s (--timeout-s)`);
    const invocations = await invocationsSince(cycle.firedAt);
    if (invocations === null) {
      say(
        "bench: the gateway records no invocations: invocations counts runs, and the CPU and " +
          "memory fields are null",
      );
    } else {
      const ends = Object.entries(Object.groupBy(invocations, (i) => `${i.route} ${i.ended}`))
        .map(([what, list]) => `${list!.length} × ${what}`).join(", ");
      say(`bench: ${invocations.length} function invocations: ${ends}`);
    }
    const objects = (await orgObjectKeys(orgs[0])).length;

    let baselineWallS: number | null = null;
    if (o.baseline) {
      // Seeded only now, so the cycle's cron runs never see the twin fleet.
      say(`bench: seeding the baseline's twin fleet of ${o.baselineSites} sites`);
      plans.push(baselinePlan);
      orgs.push(await createBenchOrg(sql, `${tag} baseline`));
      await seedFleet(sql, baselinePlan, orgs[1], syncedThrough);
      await resetSimStats();
      say("bench: baseline: one process, credentials and sites one after another");
      const b = await runBaseline(sql, orgs[1], say, interrupted.signal);
      runIds.push(...b.runIds);
      const bsim = await simTotals();
      baselineWallS = b.wallS * o.sites / o.baselineSites;
      say(
        `bench: baseline ${b.wallS.toFixed(1)} s for ${b.synced}/${o.baselineSites} sites, ` +
          `${bsim.requests} calls, ${bsim.rateLimited} refused for rate` +
          (o.baselineSites < o.sites
            ? `; scaled to ${o.sites} sites: ${baselineWallS.toFixed(1)} s`
            : ""),
      );
    }
    const line = reportLine({
      sites: o.sites,
      sitesSynced: cycle.synced,
      wallS: cycle.wallS,
      baselineWallS,
      boundS: bound.boundS,
      vendorCalls: sim.requests,
      rateLimited: sim.rateLimited,
      invocations: invocations?.map((i) => ({ cpuMs: i.cpuMs, rssMb: i.rssMb })) ?? null,
      runs: cycle.runs.length,
      objectsWritten: objects,
    });
    console.log(JSON.stringify(line));
    const problems = checkProblems(line);
    if (o.check && problems.length > 0) {
      say(`bench: --check failed: ${problems.join("; ")}`);
      return 1;
    }
    return 0;
  } finally {
    await cleanUp(sql, orgs, plans, runIds).catch((e) =>
      say(`bench: cannot clean up: ${e.message}`)
    );
    await setLatency(0).catch(() => {});
    await setS3Latency(0).catch(() => {});
    await resumeJobs(sql, paused).catch((e) =>
      say(`bench: cannot resume pg_cron jobs: ${e.message}`)
    );
    await sql.end({ timeout: 5 });
  }
}

async function cleanUp(sql: postgres.Sql, orgs: string[], plans: FleetPlan[], runIds: string[]) {
  for (const org of orgs) await deleteObjects(await orgObjectKeys(org));
  if (runIds.length > 0) await sql`delete from public.sync_runs where id = any(${runIds}::uuid[])`;
  if (orgs.length > 0) await sql`delete from public.organizations where id = any(${orgs}::uuid[])`;
  for (const plan of plans) await unseedSimulators(plan);
  const sites = plans.reduce((n, p) => n + fleetSites(p), 0);
  say(
    `bench: removed ${orgs.length} bench organisations, their objects and ${sites} simulator sites`,
  );
}

async function main(args: string[]): Promise<number> {
  const o = parseBenchArgs(args);
  if (o.micro) {
    await runMicro();
    return 0;
  }
  const wasUp = await isStackUp();
  if (!wasUp) {
    say("bench: starting the local stack (it will be stopped again at the end)");
    await stackUp({ log: say }).catch(async (error) => {
      await stackDown().catch(() => {});
      throw error;
    });
  }
  try {
    return await bench(o);
  } finally {
    if (!wasUp) {
      say("bench: stopping the local stack again");
      await stackDown();
    }
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    say(`Bench failed: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
