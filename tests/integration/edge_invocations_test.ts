/**
 * The gateway of the running stack records each invocation of a real vendor function (its CPU
 * time, wall time and peak memory, and how it ended) where the benchmark reads them.
 */
import assert from "node:assert/strict";
import { gatewayInvocations, waitForIdleGateway } from "../../local/invocation_stats.ts";
import {
  seedCredential,
  simAccount,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
} from "./helpers.ts";

stackTest("a SolarEdge run is recorded with its CPU time and peak memory", async (sql) => {
  const since = new Date().toISOString();
  const apiKey = `invocations-${crypto.randomUUID()}`;
  await simAccount({
    apiKey,
    sites: [{ siteId: uniqueId(), name: "Recorded", timeZone: "Europe/Paris", peakPowerKw: 5 }],
  });
  const { credentialId } = await seedCredential(sql, `invocations ${apiKey}`, { apiKey });
  const res = await startRun({ credentialId });
  assert.equal(res.status, 202);
  const { runId } = await res.json();
  const run = await waitForRun(sql, runId);
  assert.equal(run.status, "succeeded");
  // The record appears once the run's waitUntil work has ended.
  await waitForIdleGateway({ function: "solaredge" });
  const { invocations } = await gatewayInvocations({ function: "solaredge", since });
  const mine = invocations.filter((r) => r.method === "POST" && r.path === "/solaredge/run");
  assert.ok(mine.length >= 1, JSON.stringify(invocations));
  const record = mine[mine.length - 1];
  assert.equal(record.ended, "ok");
  assert.equal(record.status, 202);
  assert.ok(record.cpu_ms > 0, `cpu_ms ${record.cpu_ms}`);
  assert.ok(record.peak_rss_mb > 0, `peak_rss_mb ${record.peak_rss_mb}`);
  assert.ok(record.wall_ms > 0, `wall_ms ${record.wall_ms}`);
});
