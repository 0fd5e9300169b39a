import assert from "node:assert/strict";
import { checkProblems, type Measured, reportLine } from "./report.ts";

const measured: Measured = {
  sites: 1000,
  sitesSynced: 1000,
  wallS: 120.04,
  baselineWallS: 720,
  boundS: 60.3,
  vendorCalls: 2550,
  rateLimited: 0,
  invocations: [{ cpuMs: 900, rssMb: 120.25 }, { cpuMs: 1100, rssMb: 140 }, {
    cpuMs: 476,
    rssMb: 90,
  }],
  runs: 4,
  objectsWritten: 990,
};

Deno.test("reportLine has exactly the fields of the issue, in order, with derived ratios", () => {
  const line = reportLine(measured);
  assert.deepEqual(Object.keys(line), [
    "sites",
    "wall_s",
    "baseline_wall_s",
    "speedup",
    "bound_s",
    "efficiency",
    "vendor_calls_per_site",
    "self_caused_429",
    "invocations",
    "max_invocation_cpu_ms",
    "cpu_ms_per_site",
    "max_invocation_rss_mb",
    "objects_written",
    "sites_unsynced",
  ]);
  assert.deepEqual(line, {
    sites: 1000,
    wall_s: 120,
    baseline_wall_s: 720,
    speedup: 6,
    bound_s: 60.3,
    efficiency: 0.502,
    vendor_calls_per_site: 2.55,
    self_caused_429: 0,
    invocations: 3,
    max_invocation_cpu_ms: 1100,
    cpu_ms_per_site: 2.476,
    max_invocation_rss_mb: 140,
    objects_written: 990,
    sites_unsynced: 0,
  });
});

Deno.test("reportLine: a cycle that left sites unsynced claims no speed-up or efficiency", () => {
  const line = reportLine({ ...measured, sitesSynced: 528, wallS: 26.9 });
  assert.equal(line.sites_unsynced, 472);
  assert.equal(line.speedup, null);
  assert.equal(line.efficiency, null);
  assert.equal(line.wall_s, 26.9);
  assert.equal(line.baseline_wall_s, 720);
});

Deno.test("reportLine: no baseline and no invocation records give nulls, runs count instead", () => {
  const line = reportLine({ ...measured, baselineWallS: null, invocations: null });
  assert.equal(line.baseline_wall_s, null);
  assert.equal(line.speedup, null);
  assert.equal(line.invocations, 4);
  assert.equal(line.max_invocation_cpu_ms, null);
  assert.equal(line.cpu_ms_per_site, null);
  assert.equal(line.max_invocation_rss_mb, null);
});

Deno.test("checkProblems fails on an unsynced site or a 429 of ours, and passes otherwise", () => {
  assert.deepEqual(checkProblems(reportLine({ ...measured, sitesSynced: 990 })), [
    "10 sites did not sync",
  ]);
  assert.deepEqual(
    checkProblems(reportLine({ ...measured, rateLimited: 3 })),
    ["the simulators answered 3 rate-limit refusals to us"],
  );
  assert.deepEqual(checkProblems(reportLine(measured)), []);
});
