import assert from "node:assert/strict";
import type { InvocationRecord } from "./invocation_log.ts";
import { summarizeInvocations } from "./invocation_stats.ts";

function record(over: Partial<InvocationRecord>): InvocationRecord {
  return {
    function: "solaredge",
    method: "POST",
    path: "/solaredge/run",
    start: "2026-12-02T10:00:00.000Z",
    cpu_ms: 10,
    process_cpu_ms: 20,
    wall_ms: 100,
    peak_rss_mb: 80,
    ended: "ok",
    status: 202,
    worker_pid: 1,
    ...over,
  };
}

Deno.test("a summary counts how invocations ended and keeps the largest CPU, wall and memory", () => {
  const summary = summarizeInvocations([
    record({ cpu_ms: 12.5, peak_rss_mb: 90 }),
    record({ cpu_ms: 2003.1, process_cpu_ms: 2100, ended: "killed_cpu", status: 546 }),
    record({ wall_ms: 150_000, ended: "killed_wall" }),
  ]);
  assert.deepEqual(summary, {
    invocations: 3,
    ended: { ok: 1, killed_cpu: 1, killed_wall: 1, killed_memory: 0, crashed: 0 },
    max_invocation_cpu_ms: 2003.1,
    total_cpu_ms: 2025.6,
    max_invocation_process_cpu_ms: 2100,
    max_invocation_wall_ms: 150_000,
    max_invocation_rss_mb: 90,
  });
  assert.equal(summarizeInvocations([]).max_invocation_cpu_ms, 0);
});
