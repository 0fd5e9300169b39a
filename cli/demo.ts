/**
 * `deno task demo`: one hourly cycle end to end on the local stack, for all four manufacturers.
 * Starts the stack if it is down (and stops it again at the end), seeds a demo fleet (SolarEdge
 * keys, a SolarEdge Site Access homeowner, Enphase and SMA owners connected through the OAuth
 * flow, a GoodWe login), fires each
 * vendor's pg_cron job by running its own SQL, waits for the functions, and prints what happened.
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

const VENDORS = ["solaredge", "enphase", "sma", "goodwe"] as const;

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

    const firedAt = new Date();
    const requests = await Promise.all(VENDORS.map(async (vendor) => {
      const [job] = await sql`select command from cron.job where jobname = ${`${vendor}-hourly`}`;
      if (!job) {
        throw new Error(
          `Cannot find the pg_cron job ${vendor}-hourly: were the migrations applied?`,
        );
      }
      const [fired] = await sql.unsafe(job.command);
      console.log(`Fired pg_cron job ${vendor}-hourly: ${job.command}`);
      return Object.values(fired)[0] as number;
    }));
    for (const [i, id] of requests.entries()) {
      const response = await poll(
        `pg_net's response for ${VENDORS[i]}`,
        async () => (await sql`select status_code from net._http_response where id = ${id}`)[0],
      );
      if (response.status_code !== 202) {
        throw new Error(`The ${VENDORS[i]} function answered ${response.status_code}`);
      }
    }
    console.log("pg_net delivered all four requests: HTTP 202");

    const runs = await Promise.all(
      VENDORS.map((vendor) =>
        poll(`the ${vendor} run`, async () =>
          (await sql`
          select * from public.sync_runs
          where source = ${vendor} and trigger = 'cron' and started_at >= ${firedAt}
            and status <> 'running'
          order by started_at desc limit 1`)[0])
      ),
    );
    // A cron run spans every organisation; the report is the demo organisation's part of it.
    const report = await demoReport(sql, orgId, runs.map((r) => r.id));
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
