/**
 * Shared set-up for the integration tests, which run against the real local stack (Postgres with
 * pg_cron, the pg_net worker, the gateway serving the real function, moto S3 and the SolarEdge
 * simulator over HTTP). Each test seeds its own organisation and simulator account, so tests never
 * see each other's sites.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { stackS3Client } from "../../local/stack_s3.ts";
import postgres from "postgres";
import { Keyring } from "../../shared/keyring.ts";
import { isStackUp } from "../../local/stack.ts";
import { stackEnv, stackPorts } from "../../local/stack_env.ts";
import type { SimAccount, SimFault } from "../../local/simulators/solaredge.ts";

export const env = stackEnv;
export const SIM = `http://127.0.0.1:${stackPorts.solaredge}`;

export async function requireStack(): Promise<void> {
  if (!(await isStackUp())) {
    throw new Error(
      "Cannot run integration tests: the local stack is down (run `deno task stack up`)",
    );
  }
}

export function db() {
  return postgres(env.SUPABASE_DB_URL, { max: 2, prepare: false, onnotice: () => {} });
}

export async function listKeys(prefix: string): Promise<string[]> {
  const out = await stackS3Client().send(
    new ListObjectsV2Command({ Bucket: env.METER_DATA_BUCKET, Prefix: prefix }),
  );
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

export async function getObject(key: string): Promise<string> {
  const out = await stackS3Client().send(
    new GetObjectCommand({ Bucket: env.METER_DATA_BUCKET, Key: key }),
  );
  return await out.Body!.transformToString();
}

/**
 * How many aligned windows (shared/windows.ts) a site's run wrote, from the first window's start
 * to how far the last one is covered: SolarEdge's windows are 12 UTC hours.
 */
export async function windowsOfRun(
  sql: postgres.Sql,
  runId: string,
  organizationId: string,
  hours = 12,
): Promise<number[]> {
  const rows = await sql`
    select window_from, window_to from public.sync_run_sites
    where run_id = ${runId} and organization_id = ${organizationId} order by site_id`;
  const length = hours * 3_600_000;
  return rows.map((r) =>
    Math.ceil(r.window_to.getTime() / length) - Math.floor(r.window_from.getTime() / length)
  );
}

export function uniqueId(): number {
  return 100_000 + Math.floor(Math.random() * 800_000_000);
}

export async function simAccount(account: SimAccount): Promise<void> {
  const res = await fetch(`${SIM}/_sim/accounts`, {
    method: "POST",
    body: JSON.stringify(account),
  });
  if (!res.ok) throw new Error(`Cannot add simulator account: ${res.status} ${await res.text()}`);
}

export async function simFault(fault: SimFault): Promise<void> {
  const res = await fetch(`${SIM}/_sim/faults`, { method: "POST", body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`Cannot add simulator fault: ${res.status} ${await res.text()}`);
}

export async function simRequests(
  apiKey: string,
): Promise<{ count: number; paths: string[]; urls: string[] }> {
  const res = await fetch(`${SIM}/_sim/requests?apiKey=${encodeURIComponent(apiKey)}`);
  return await res.json();
}

/** An organisation with one SolarEdge credential whose secret is the given document. */
export async function seedCredential(
  sql: postgres.Sql,
  name: string,
  document: Record<string, unknown>,
): Promise<{ orgId: string; credentialId: string }> {
  const [org] = await sql`insert into public.organizations (name) values (${name}) returning id`;
  const token = await Keyring.parse(env.ENCRYPTION_KEY).encrypt(JSON.stringify(document));
  const [cred] = await sql`
    insert into public.inverter_credentials (organization_id, source, label, secret)
    values (${org.id}, 'solaredge', ${name}, ${token}) returning id`;
  return { orgId: org.id, credentialId: cred.id };
}

/** Starts a run through the gateway, as a dashboard or operator would. */
export async function startRun(body: Record<string, unknown>): Promise<Response> {
  return await fetch(`${env.SUPABASE_URL}/functions/v1/solaredge/run`, {
    method: "POST",
    headers: { "content-type": "application/json", apikey: env.SUPABASE_SERVICE_KEY },
    body: JSON.stringify(body),
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function waitForRun(sql: postgres.Sql, runId: string, timeoutMs = 90_000) {
  return await waitFor(`run ${runId} to finish`, async () => {
    const [run] =
      await sql`select * from public.sync_runs where id = ${runId} and status <> 'running'`;
    return run;
  }, timeoutMs);
}

/**
 * An integration test: it fails at once with a clear message when the stack is down, and gets a
 * database connection that is closed afterwards whatever happens.
 */
export function stackTest(name: string, fn: (sql: postgres.Sql) => Promise<void>): void {
  Deno.test(name, async () => {
    await requireStack();
    const sql = db();
    try {
      await fn(sql);
    } finally {
      await sql.end();
    }
  });
}
