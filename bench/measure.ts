/**
 * What the bench reads back after a phase: the simulators' counts of answers (sim_controls.ts),
 * the local functions runtime's invocation records when it keeps them, and the S3 objects of an
 * organisation.
 */
import { DeleteObjectsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { stackEnv } from "../local/stack_env.ts";
import { stackPaths } from "../local/stack_paths.ts";
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
  ended: string;
}

/** Where the local gateway appends one JSON line per function invocation, when it does. */
export const invocationsFile = `${stackPaths.logs}/invocations.jsonl`;

/**
 * The vendor functions' invocations that started at or after `since`; null when the runtime
 * records none (a stack without per-invocation accounting).
 */
export async function invocationsSince(since: Date): Promise<InvocationCost[] | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(invocationsFile);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const vendors = new Set<string>(BENCH_VENDORS);
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l))
    .filter((r) => vendors.has(r.function) && Date.parse(r.start) >= since.getTime() - 1000)
    .map((r) => ({
      cpuMs: Number(r.cpu_ms),
      rssMb: Number(r.peak_rss_mb),
      wallMs: Number(r.wall_ms),
      function: String(r.function),
      ended: String(r.ended),
    }));
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
