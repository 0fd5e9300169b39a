/**
 * Issue 8, "a later, shorter window overwrites a longer one": a 6 h catch-up, then a manual
 * `lookbackHours: 1` run for the same site. Each S3 object is one aligned window, so the manual
 * run rewrites the objects it touches whole: none covers less of its window afterwards.
 */
import assert from "node:assert/strict";
import {
  getObject,
  seedCredential,
  simAccount,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
} from "./helpers.ts";
import type postgres from "postgres";

interface Envelope {
  window: { from: string; to: string };
  readings: unknown[];
}

async function run(sql: postgres.Sql, body: Record<string, unknown>) {
  const res = await startRun(body);
  assert.equal(res.status, 202);
  const runId = (await res.json()).runId;
  const finished = await waitForRun(sql, runId);
  assert.equal(finished.status, "succeeded", finished.error);
  const [site] = await sql`select object_keys from public.sync_run_sites where run_id = ${runId}`;
  return site.object_keys as string[];
}

const read = async (key: string) => JSON.parse(await getObject(key)) as Envelope;

stackTest("a manual 1 h lookback after a 6 h catch-up leaves every object whole", async (sql) => {
  const apiKey = `aligned-${crypto.randomUUID()}`;
  const siteId = uniqueId();
  await simAccount({
    apiKey,
    sites: [{ siteId, name: "Aligned", timeZone: "Europe/Berlin", peakPowerKw: 6 }],
  });
  const { orgId, credentialId } = await seedCredential(sql, `aligned ${apiKey}`, { apiKey });
  await run(sql, { credentialId });
  await sql`
    update public.inverter_sites set synced_through = synced_through - interval '6 hours'
    where organization_id = ${orgId}`;
  const catchUp = await run(sql, { credentialId });
  const before = new Map<string, Envelope>();
  for (const key of catchUp) before.set(key, await read(key));

  const manual = await run(sql, { siteId: String(siteId), lookbackHours: 1 });
  assert.ok(manual.length >= 1);
  const current = catchUp.at(-1)!;
  // The window that holds now: the catch-up wrote it, and the lookback wrote it again.
  assert.ok(manual.includes(current), `${manual} misses ${current}`);
  for (const key of manual) {
    const was = before.get(key);
    assert.ok(was, `the lookback wrote ${key}, which the catch-up did not`);
    const now = await read(key);
    assert.equal(now.window.from, was.window.from, key);
    assert.ok(Date.parse(now.window.to) >= Date.parse(was.window.to), key);
    assert.ok(now.readings.length >= was.readings.length, key);
  }
  // Each object starts at its aligned 12-hour boundary, whatever range asked for it.
  for (const [key, envelope] of before) {
    assert.equal(Date.parse(envelope.window.from) % (12 * 3_600_000), 0, key);
  }
  const [site] = await sql`
    select synced_through from public.inverter_sites where organization_id = ${orgId}`;
  assert.equal(site.synced_through.toISOString(), (await read(current)).window.to);
});
