/**
 * What the benchmark and the tests read from the gateway's invocation records: the figures of a
 * set of invocations, and a client of `GET /functions/v1/_invocations` on a running stack.
 */
import type { InvocationEnd, InvocationFilter, InvocationRecord } from "./invocation_log.ts";
import { stackEnv } from "./stack_env.ts";

export interface InvocationSummary {
  invocations: number;
  ended: Record<InvocationEnd, number>;
  max_invocation_cpu_ms: number;
  total_cpu_ms: number;
  max_invocation_process_cpu_ms: number;
  max_invocation_wall_ms: number;
  max_invocation_rss_mb: number;
}

export function summarizeInvocations(records: readonly InvocationRecord[]): InvocationSummary {
  const ended: Record<InvocationEnd, number> = {
    ok: 0,
    killed_cpu: 0,
    killed_wall: 0,
    killed_memory: 0,
    crashed: 0,
  };
  for (const r of records) ended[r.ended]++;
  const max = (pick: (r: InvocationRecord) => number) =>
    records.reduce((m, r) => Math.max(m, pick(r)), 0);
  return {
    invocations: records.length,
    ended,
    max_invocation_cpu_ms: max((r) => r.cpu_ms),
    total_cpu_ms: Math.round(records.reduce((n, r) => n + r.cpu_ms, 0) * 10) / 10,
    max_invocation_process_cpu_ms: max((r) => r.process_cpu_ms),
    max_invocation_wall_ms: max((r) => r.wall_ms),
    max_invocation_rss_mb: max((r) => r.peak_rss_mb),
  };
}

export interface GatewayInvocations {
  /** Finished invocations (an invocation is recorded when it ends). */
  invocations: InvocationRecord[];
  /** Invocations still running, per function. */
  active: Record<string, number>;
}

/** Reads the running stack's gateway; `apiUrl` defaults to the local stack's. */
export async function gatewayInvocations(
  filter: InvocationFilter = {},
  apiUrl = stackEnv.SUPABASE_URL,
): Promise<GatewayInvocations> {
  const query = new URLSearchParams(
    Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const res = await fetch(`${apiUrl}/functions/v1/_invocations?${query}`);
  if (!res.ok) {
    throw new Error(
      `Cannot read the gateway's invocations: HTTP ${res.status} ${await res.text()}`,
    );
  }
  const body = await res.json();
  return { invocations: body.invocations, active: body.active };
}

/** Waits until no invocation (of `filter.function`, or of any function) is running. */
export async function waitForIdleGateway(
  filter: InvocationFilter = {},
  timeoutMs = 120_000,
  apiUrl = stackEnv.SUPABASE_URL,
): Promise<GatewayInvocations> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await gatewayInvocations(filter, apiUrl);
    const running = Object.entries(seen.active)
      .filter(([name]) => filter.function === undefined || name === filter.function)
      .reduce((n, [, count]) => n + count, 0);
    if (running === 0) return seen;
    if (Date.now() > deadline) {
      throw new Error(`Cannot wait for the gateway: ${running} invocation(s) still running`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
