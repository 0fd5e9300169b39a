/**
 * `deno task demo`: one hourly cycle end to end on the local stack. Starts the stack if it is down
 * (and stops it again at the end), seeds a demo fleet with encrypted SolarEdge credentials, fires
 * the pg_cron job by running its own SQL, waits for the function to finish, and prints what
 * happened. Exits 0 only if every demo site synced and its object is in S3.
 */
import postgres from "postgres";
import { isStackUp, stackDown, stackUp } from "../local/stack.ts";
import { stackEnv, stackPorts } from "../local/stack_env.ts";
import { DEMO_ORG, demoAccounts, seedDemo } from "./demo_seed.ts";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";

const JOB = "solaredge-hourly";

async function main(): Promise<number> {
  const started = performance.now();
  const wasUp = await isStackUp();
  if (!wasUp) {
    console.log("Starting the local stack (it will be stopped again at the end)");
    await stackUp();
  } else console.log("Using the local stack that is already running");
  const sql = postgres(stackEnv.SUPABASE_DB_URL, { max: 2, onnotice: () => {} });
  try {
    const orgId = await seedDemo(
      sql,
      `http://127.0.0.1:${stackPorts.solaredge}`,
      stackEnv.ENCRYPTION_KEY,
    );
    const sites = demoAccounts.flatMap((a) => a.sites);
    console.log(
      `Seeded "${DEMO_ORG}" (${orgId}): 2 credentials, ${sites.length} sites in ` +
        `${new Set(sites.map((s) => s.timeZone)).size} time zones`,
    );

    const [job] = await sql`select command from cron.job where jobname = ${JOB}`;
    if (!job) throw new Error(`Cannot find the pg_cron job ${JOB}: were the migrations applied?`);
    console.log(`Firing pg_cron job ${JOB} with its own SQL: ${job.command}`);
    const firedAt = new Date();
    const [fired] = await sql.unsafe(job.command);
    const requestId = Object.values(fired)[0];
    const response = await poll(
      "pg_net's response",
      async () =>
        (await sql`select status_code, error_msg from net._http_response where id = ${requestId as number}`)[
          0
        ],
    );
    console.log(`pg_net delivered request ${requestId}: HTTP ${response.status_code}`);
    if (response.status_code !== 202) {
      throw new Error(`The function answered ${response.status_code}`);
    }

    const run = await poll("the sync run", async () =>
      (await sql`
        select * from public.sync_runs
        where source = 'solaredge' and trigger = 'cron' and started_at >= ${firedAt}
          and status <> 'running'
        order by started_at desc limit 1`)[0]);
    const status = await sql`
      select s.vendor_site_id, s.name, s.timezone, s.synced_through, s.last_success_at, s.last_error,
             s.last_object_key, r.status, r.readings, r.intervals_expected, r.intervals_received
      from public.inverter_sites s
      join public.sync_run_sites r on r.site_id = s.id and r.run_id = ${run.id}
      where s.organization_id = ${orgId}
      order by s.vendor_site_id`;
    const s3 = new S3Client({
      region: stackEnv.AWS_REGION,
      endpoint: stackEnv.S3_ENDPOINT,
      forcePathStyle: true,
      credentials: {
        accessKeyId: stackEnv.AWS_ACCESS_KEY_ID,
        secretAccessKey: stackEnv.AWS_SECRET_ACCESS_KEY,
      },
    });
    let stored = 0;
    for (const row of status) {
      if (!row.last_object_key) continue;
      await s3.send(
        new HeadObjectCommand({ Bucket: stackEnv.METER_DATA_BUCKET, Key: row.last_object_key }),
      );
      stored++;
    }
    const synced = status.filter((r) => r.status === "succeeded").length;
    console.log(
      `\nRun ${run.id}: ${run.status}, ${run.sites_succeeded}/${run.sites_total} sites ` +
        `(all organisations), ${run.api_calls} API calls, ${run.objects_written} objects`,
    );
    console.log(`\nDemo sites synced: ${synced}/${sites.length}`);
    console.log("\nS3 objects written:");
    for (const r of status) {
      console.log(`  s3://${stackEnv.METER_DATA_BUCKET}/${r.last_object_key}`);
    }
    console.log("\nSync status (inverter_sites):");
    console.table(status.map((r) => ({
      site: r.vendor_site_id,
      name: r.name,
      timezone: r.timezone,
      synced_through: r.synced_through?.toISOString(),
      readings: r.readings,
      complete: `${r.intervals_received}/${r.intervals_expected}`,
      error: r.last_error ?? "",
    })));
    const ok = synced === sites.length && stored === sites.length;
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
