/**
 * The wall clock on the real stack: with the gateway's wall clock lowered through `_limits` and
 * the simulator hanging, a SolarEdge run outlives its worker. The worker gets
 * `beforeunload(WallClockTime)`, which closes the run as failed, and is then killed, as Supabase
 * stops a worker at its wall clock; the invocation is recorded as killed_wall.
 */
import assert from "node:assert/strict";
import { gatewayInvocations, waitForIdleGateway } from "../../local/invocation_stats.ts";
import {
  env,
  seedCredential,
  simAccount,
  simFault,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
} from "./helpers.ts";

const limitsUrl = `${env.SUPABASE_URL}/functions/v1/_limits`;

stackTest(
  "a run past the wall clock is closed on beforeunload and its worker killed",
  async (sql) => {
    const apiKey = `wall-clock-${crypto.randomUUID()}`;
    await simAccount({
      apiKey,
      sites: [{ siteId: uniqueId(), name: "Hanging", timeZone: "Europe/Rome", peakPowerKw: 3 }],
    });
    // One hanging call is enough: the run waits on it (up to the client's timeout) past the wall
    // clock, and no later run of another test meets a hang.
    await simFault({ apiKey, kind: "hang", count: 1 });
    const { orgId, credentialId } = await seedCredential(sql, `wall clock ${apiKey}`, { apiKey });
    const lowered = await fetch(limitsUrl, {
      method: "PUT",
      body: JSON.stringify({ wallClockMs: 4000 }),
    });
    assert.equal((await lowered.json()).wallClockMs, 4000);
    try {
      const since = new Date().toISOString();
      const res = await startRun({ credentialId });
      assert.equal(res.status, 202);
      const { runId } = await res.json();
      const run = await waitForRun(sql, runId, 30_000);
      assert.equal(run.status, "failed");
      assert.match(run.error, /stopped \(WallClockTime\)/);
      await waitForIdleGateway({ function: "solaredge" });
      const { invocations } = await gatewayInvocations({ function: "solaredge", since });
      const record = invocations.find((r) => r.method === "POST" && r.path === "/solaredge/run");
      assert.ok(record, JSON.stringify(invocations));
      assert.equal(record.ended, "killed_wall");
      assert.equal(record.status, 202, "the caller had its 202 before the worker was killed");
    } finally {
      await (await fetch(limitsUrl, { method: "DELETE" })).body?.cancel();
      // Its site never synced: left behind, it would be due work for every later cycle and queue.
      await sql`delete from public.organizations where id = ${orgId}`;
    }
  },
);
