/**
 * What the bench reads back after a phase: the simulators' counts of answers (sim_controls.ts),
 * the local functions runtime's invocation records when it keeps them, and the S3 objects of an
 * organisation.
 */
import { DeleteObjectsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { stackEnv, stackPorts } from "../local/stack_env.ts";
import { gatewayInvocations, waitForIdleGateway } from "../local/invocation_stats.ts";
import { stackS3Client } from "../local/stack_s3.ts";
import { BENCH_VENDORS } from "./fleet.ts";
import { simUrl } from "./seed.ts";

export interface SimTotals {
  requests: number;
  rateLimited: number;
  byVendor: Record<string, { requests: number; rateLimited: number; byStatus: unknown }>;
}

export async function setLatency(ms: number): Promise<void> {
  for (const vendor of BENCH_VENDORS) {
    const res = await fetch(`${simUrl(vendor)}/latency`, {
      method: "PUT",
      body: JSON.stringify({ ms }),
    });
    await res.body?.cancel();
    if (!res.ok) {
      throw new Error(
        `Cannot set the ${vendor} simulator's latency: HTTP ${res.status} (is the stack current?)`,
      );
    }
  }
}

/**
 * The S3 latency of the functions' path: the stack's S3 proxy (local/s3_fault_proxy.ts) delays
 * every put by `ms`; the baseline writes through the same proxy.
 */
export async function setS3Latency(ms: number): Promise<void> {
  const res = await fetch(`${S3_PROXY}/_faults/latency`, {
    method: "PUT",
    body: JSON.stringify({ ms }),
  });
  await res.body?.cancel();
  if (!res.ok) {
    throw new Error(
      `Cannot set the S3 proxy's latency: HTTP ${res.status} (is the stack current?)`,
    );
  }
}

/** The stack's S3 fault proxy, the functions' way to moto. */
export const S3_PROXY = `http://127.0.0.1:${stackPorts.s3Faults}`;

export async function resetSimStats(): Promise<void> {
  for (const vendor of BENCH_VENDORS) {
    const res = await fetch(`${simUrl(vendor)}/stats`, { method: "DELETE" });
    await res.body?.cancel();
  }
}

export async function simTotals(): Promise<SimTotals> {
  const totals: SimTotals = { requests: 0, rateLimited: 0, byVendor: {} };
  for (const vendor of BENCH_VENDORS) {
    const stats = await (await fetch(`${simUrl(vendor)}/stats`)).json();
    totals.requests += stats.requests;
    totals.rateLimited += stats.rateLimited;
    totals.byVendor[vendor] = stats;
  }
  return totals;
}

export interface InvocationCost {
  cpuMs: number;
  rssMb: number;
  wallMs: number;
  function: string;
  /** Method and path without the query, e.g. `POST /solaredge/run`. */
  route: string;
  ended: string;
}

/**
 * The vendor functions' invocations since `since`, from the local gateway's records
 * (`GET /functions/v1/_invocations`), once none of them is still running (bounded); null when the
 * gateway keeps no records (a stack without per-invocation accounting).
 */
export async function invocationsSince(since: Date): Promise<InvocationCost[] | null> {
  const probe = await fetch(
    `${stackEnv.SUPABASE_URL}/functions/v1/_invocations?since=${new Date().toISOString()}`,
  );
  await probe.body?.cancel();
  if (probe.status === 404) return null;
  const vendors = new Set<string>(BENCH_VENDORS);
  const filter = { since: since.toISOString() };
  const seen = await waitForIdleGateway(filter, 30_000).catch(() => gatewayInvocations(filter));
  // The sync work only: a customer's OAuth connect is not part of the cycle.
  const cycle = seen.invocations.filter((r) =>
    vendors.has(r.function) && !r.path.includes("/oauth/")
  );
  return cycle.map((r) => ({
    cpuMs: r.cpu_ms,
    rssMb: r.peak_rss_mb,
    wallMs: r.wall_ms,
    function: r.function,
    route: `${r.method} ${r.path.split("?")[0]}`,
    ended: r.ended,
  }));
}

/** Invocations of the vendor functions running now, for the progress line. */
export async function activeInvocations(): Promise<number | undefined> {
  try {
    const { active } = await gatewayInvocations({ since: new Date().toISOString() });
    return BENCH_VENDORS.reduce((n, v) => n + (active[v] ?? 0), 0);
  } catch {
    return undefined;
  }
}

/** Keys under `raw/{vendor}/{orgId}/` for the four vendors. */
export async function orgObjectKeys(orgId: string): Promise<string[]> {
  const s3 = stackS3Client();
  const keys: string[] = [];
  for (const vendor of BENCH_VENDORS) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: stackEnv.METER_DATA_BUCKET,
          Prefix: `raw/${vendor}/${orgId}/`,
          ContinuationToken: token,
        }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return keys;
}

export async function deleteObjects(keys: string[]): Promise<void> {
  const s3 = stackS3Client();
  for (let i = 0; i < keys.length; i += 1000) {
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: stackEnv.METER_DATA_BUCKET,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) },
      }),
    );
  }
}
