import assert from "node:assert/strict";
import { cpuMs, mainThreadCpuMs, peakRssMb, resetPeakRss, rssMb } from "./proc_stats.ts";

Deno.test("proc stats read this process's CPU time and memory, and nothing of a missing one", () => {
  const until = performance.now() + 30;
  while (performance.now() < until) Math.sqrt(Math.random());
  assert.ok(mainThreadCpuMs(Deno.pid)! > 0);
  assert.ok(cpuMs(Deno.pid)! >= 10);
  assert.ok(rssMb(Deno.pid)! > 0);
  assert.ok(resetPeakRss(Deno.pid));
  assert.ok(peakRssMb(Deno.pid)! > 0);
  const gone = 2 ** 22 + 1; // above the default pid_max: never a live process
  assert.equal(mainThreadCpuMs(gone), undefined);
  assert.equal(cpuMs(gone), undefined);
  assert.equal(rssMb(gone), undefined);
});
