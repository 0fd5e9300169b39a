/**
 * The baseline this project replaces: one process that walks the credentials one after another
 * and, within each, the sites one after another, with the same adapters, against the same
 * simulators over HTTP, writing to the same S3 bucket and Postgres (its own organisation). It runs
 * in the bench's process, after the cycle, so the two never share a vendor's rate window.
 */
import type postgres from "postgres";
import { type Env, loadConfig } from "../shared/config.ts";
import { connect } from "../shared/db.ts";
import { Keyring } from "../shared/keyring.ts";
import { createLogger } from "../shared/logger.ts";
import { runSync } from "../shared/runner.ts";
import { createS3Store } from "../shared/s3.ts";
import { S3_PROXY } from "./measure.ts";
import { createStore } from "../shared/store.ts";
import { stackEnv } from "../local/stack_env.ts";
import { adapterFor } from "../cli/adapters.ts";
import { BENCH_VENDORS } from "./fleet.ts";

export interface BaselineResult {
  wallS: number;
  synced: number;
  runIds: string[];
}

export async function runBaseline(
  sql: postgres.Sql,
  orgId: string,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<BaselineResult> {
  const config = loadConfig(stackEnv as Env);
  const db = connect(config.dbUrl);
  const store = createStore(db);
  // Through the stack's S3 proxy, as the functions write: the same S3 latency for both.
  const objects = createS3Store({ ...config, s3Endpoint: S3_PROXY });
  const keyring = Keyring.parse(config.encryptionKeys);
  // Errors only, and to stderr: stdout carries the bench's one JSON line.
  const logger = createLogger({ level: "error", write: (line) => console.error(line) });
  const runIds: string[] = [];
  const [{ now: started }] = await sql<{ now: Date }[]>`select now()`;
  try {
    for (const vendor of BENCH_VENDORS) {
      const adapter = adapterFor(vendor);
      const creds = await sql<{ id: string }[]>`
        select id from public.inverter_credentials
        where organization_id = ${orgId} and source = ${vendor} order by created_at, id`;
      for (const c of creds) {
        signal?.throwIfAborted();
        const summary = await runSync({
          adapter,
          config: { ...config, siteConcurrency: 1 },
          baseUrl: config.baseUrls[vendor] ?? adapter.spec.baseUrl,
          store,
          objects,
          keyring,
          vendorConfig: config.vendors[vendor],
          logger,
        }, { trigger: "cli", credentialId: c.id });
        runIds.push(summary.runId);
        const elapsed = (Date.now() - started.getTime()) / 1000;
        progress(`bench: baseline ${elapsed.toFixed(0)} s, ${vendor} credential done`);
      }
    }
    const wallS = (Date.now() - started.getTime()) / 1000;
    const [{ synced }] = await sql<{ synced: number }[]>`
      select count(*)::int as synced from public.inverter_sites
      where organization_id = ${orgId} and last_success_at >= ${started}`;
    return { wallS, synced, runIds };
  } finally {
    await db.end({ timeout: 5 });
  }
}
