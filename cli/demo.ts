/**
 * `deno task demo`: one hourly cycle end to end on the local stack, for all four manufacturers.
 * Starts the stack if it is down (and stops it again at the end), seeds a demo fleet (SolarEdge
 * keys, a SolarEdge Site Access homeowner, Enphase and SMA owners connected through the OAuth
 * flow, a GoodWe login), fires each vendor's pg_cron jobs by running their own SQL (the hourly
 * enqueue, then the per-minute dispatch until the demo's jobs are done), and prints what happened.
 * Exits 0 only if every demo site synced and its object is in S3.
 */
import postgres from "postgres";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { stackS3Client } from "../local/stack_s3.ts";
import { isStackUp, stackDown, stackUp } from "../local/stack.ts";
import { stackEnv } from "../local/stack_env.ts";
import { DEMO_ORG } from "./demo_fleet.ts";
import { demoReport } from "./demo_report.ts";
import { seedDemo } from "./demo_seed.ts";
import { SOURCES } from "../shared/vendors.ts";

const VENDORS = SOURCES;

async function main(): Promise<number> {
  const started = performance.now();
  const wasUp = await isStackUp();
  if (!wasUp) {
    console.log("Starting the local stack (it will be stopped again at the end)");
    // A stack that came up halfway is stopped again: the machine is left as it was found.
    await stackUp().catch(async (error) => {
      await stackDown().catch(() => {});
      throw error;
    });
  } else console.log("Using the local stack that is already running");
  const sql = postgres(stackEnv.SUPABASE_DB_URL, { max: 4, onnotice: () => {} });
  try {
    const orgId = await seedDemo(sql);
    console.log(
      `Seeded "${DEMO_ORG}" (${orgId}): SolarEdge keys, a SolarEdge Site Access homeowner, ` +
        "Enphase and SMA owners connected through OAuth, a GoodWe login",
    );

    // Run again within the hour, the demo's sites would have nothing due: their watermarks go
    // back to the start of the previous hour, as if the next hour had come.
    const rewound = await sql`
      update public.inverter_sites set synced_through = date_trunc('hour', now()) - interval '1 hour'
      where organization_id = ${orgId} and synced_through >= date_trunc('hour', now())`;
    if (rewound.count > 0) {
      console.log(`Set ${rewound.count} demo site watermarks back an hour, so this hour is due`);
    }

    const firedAt = new Date();
    for (const vendor of VENDORS) {
      const [jobs] = await sql.unsafe(await cronCommand(sql, `${vendor}-enqueue`));
      console.log(`Fired pg_cron job ${vendor}-enqueue: ${Object.values(jobs)[0]} jobs queued`);
    }
    const runIds = await dispatchUntilDone(sql, orgId, firedAt);
    // A cron run spans every organisation; the report is the demo organisation's part of it.
    const report = await demoReport(sql, orgId, runIds);
    const status = report.sites;
    const s3 = stackS3Client();
    let stored = 0;
    for (const row of status) {
      if (row.status !== "succeeded" || !row.last_object_key) continue;
      await s3.send(
        new HeadObjectCommand({ Bucket: stackEnv.METER_DATA_BUCKET, Key: row.last_object_key }),
      );
      stored++;
    }
    console.log(`\nRuns (the sites of "${DEMO_ORG}" in this cycle's runs):`);
    for (const run of report.runs) {
      console.log(
        `  ${run.source.padEnd(9)} ${run.status.padEnd(9)} ` +
          `${run.sitesSucceeded}/${run.sitesTotal} sites, ` +
          `${run.apiCalls} API calls for them, ${run.objectsWritten} objects`,
      );
    }
    const synced = status.filter((r) => r.status === "succeeded").length;
    console.log(`\nDemo sites synced: ${synced}/${status.length}`);
    console.log("\nS3 objects written:");
    for (const r of status) {
      console.log(`  s3://${stackEnv.METER_DATA_BUCKET}/${r.last_object_key}`);
    }
    console.log("\nSync status (inverter_sites):");
    console.table(status.map((r) => ({
      vendor: r.source,
      site: r.vendor_site_id,
      name: r.name,
      timezone: r.timezone ?? "",
      synced_through: r.synced_through?.toISOString(),
      readings: r.readings,
      complete: `${r.intervals_received}/${r.intervals_expected}`,
      error: r.last_error ?? "",
    })));
    const vendorsSeen = new Set(status.map((r) => r.source)).size;
    const ok = status.length > 0 && synced === status.length && stored === status.length &&
      vendorsSeen === VENDORS.length;
    if (!ok) {
      // What the queue holds for the demo says why a site is missing or unsynced.
      const jobs = await sql`
        select j.source, j.status, count(*)::int as jobs, max(j.last_error) as last_error
        from public.sync_jobs j where j.organization_id = ${orgId}
        group by 1, 2 order by 1, 2`;
      console.log("\nThe demo's jobs:");
      console.table(jobs.map((j) => ({ ...j, last_error: j.last_error ?? "" })));
    }
    console.log(
      `\nDemo ${ok ? "succeeded" : "FAILED"} in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s`,
    );
    return ok ? 0 : 1;
  } finally {
    await sql.end({ timeout: 5 });
    if (!wasUp) {
      console.log("Stopping the local stack again");
      await stackDown();
    }
  }
}

async function cronCommand(sql: postgres.Sql, jobname: string): Promise<string> {
  const [job] = await sql`select command from cron.job where jobname = ${jobname}`;
  if (!job) throw new Error(`Cannot find the pg_cron job ${jobname}: were the migrations applied?`);
  return job.command;
}

/**
 * Fires each vendor's `<vendor>-dispatch` job as pg_cron does every minute (every few seconds
 * here) until none of the demo organisation's jobs is open and no run of the cycle is running:
 * dispatch posts {"queue": true} through pg_net only while a vendor has due jobs. Returns the
 * cycle's runs that touched the demo's sites.
 */
async function dispatchUntilDone(
  sql: postgres.Sql,
  orgId: string,
  since: Date,
): Promise<string[]> {
  const commands = await Promise.all(VENDORS.map((v) => cronCommand(sql, `${v}-dispatch`)));
  let posted = 0;
  let requeued = 0;
  await poll("the demo's queued jobs", async () => {
    const [open] = await sql`
      select count(*)::int as jobs,
             count(*) filter (where status = 'running' or run_after <= now())::int as due
      from public.sync_jobs
      where organization_id = ${orgId} and status in ('pending', 'running', 'failed')`;
    const [running] = await sql`
      select count(*)::int as n from public.sync_runs
      where source = any(${VENDORS}::text[]) and started_at >= ${since} and status = 'running'`;
    if (open.jobs === 0 && running.n === 0) {
      // A credential still without sites had its discovery cut short (a cold stack's first
      // calls): queued again, a few times, before the demo reports what it has.
      const [bare] = await sql`
        select count(*)::int as n from public.inverter_credentials c
        where c.organization_id = ${orgId} and c.status = 'active'
          and not exists (select 1 from public.inverter_sites s
                          where s.credential_id = c.id and s.active)`;
      if (bare.n === 0 || requeued >= 3) return true;
      requeued++;
      console.log(`${bare.n} demo credentials have no sites yet: firing the enqueue again`);
      for (const vendor of VENDORS) await sql.unsafe(await cronCommand(sql, `${vendor}-enqueue`));
      return false;
    }
    if (open.due > 0 && running.n === 0) {
      for (const command of commands) {
        const [fired] = await sql.unsafe(command);
        posted += Object.values(fired)[0] as number;
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
    return false;
  }, 300_000);
  console.log(`Dispatch posted ${posted} queue invocations through pg_net`);
  const answers = await sql`
    select status_code, count(*)::int as n from net._http_response
    where created >= ${since} group by status_code`;
  for (const a of answers) {
    if (a.status_code !== 202) {
      throw new Error(`A function answered ${a.status_code} to ${a.n} dispatch calls`);
    }
  }
  const runs = await sql<{ id: string }[]>`
    select distinct run.id from public.sync_runs run
    join public.sync_run_sites r on r.run_id = run.id and r.organization_id = ${orgId}
    where run.source = any(${VENDORS}::text[]) and run.started_at >= ${since}`;
  return runs.map((r) => r.id);
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Cannot finish the demo: timed out waiting for ${what}`);
}

try {
  Deno.exit(await main());
} catch (error) {
  console.error(`Demo failed: ${(error as Error).message}`);
  Deno.exit(1);
}
