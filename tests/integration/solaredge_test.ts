/**
 * SolarEdge V2 on the real stack, as the December 2026 corrections describe it: a backfill made of
 * calls of at most 12 hours in naive site-local time, the time zone read once from
 * `GET /sites/{id}`, and spent monthly credits pausing the credential without a single retry.
 * The simulator's request log (`/_sim/requests`) is the witness.
 */
import assert from "node:assert/strict";
import {
  seedCredential,
  simAccount,
  simRequests,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
  windowsOfRun,
} from "./helpers.ts";
import type postgres from "postgres";

const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const MONTHLY = "SolarEdge monthly API credits are spent; paused until the billing cycle resets";

async function run(sql: postgres.Sql, credentialId: string) {
  const res = await startRun({ credentialId });
  assert.equal(res.status, 202);
  const runId = (await res.json()).runId;
  return { runId, run: await waitForRun(sql, runId) };
}

stackTest("a 30 h SolarEdge backfill is made of calls no longer than 12 h each", async (sql) => {
  const apiKey = `backfill-${crypto.randomUUID()}`;
  const siteId = uniqueId();
  await simAccount({
    apiKey,
    sites: [{ siteId, name: "Backfill", timeZone: "Europe/Berlin", peakPowerKw: 6 }],
  });
  const { orgId, credentialId } = await seedCredential(sql, `backfill ${apiKey}`, { apiKey });
  await run(sql, credentialId);
  const first = await simRequests(apiKey);
  // /sites shows no time zone: the first discovery asked GET /sites/{id} once, and stored it.
  assert.equal(first.paths.filter((p) => p === `/v2/sites/${siteId}`).length, 1);
  const [site] =
    await sql`select timezone from public.inverter_sites where organization_id = ${orgId}`;
  assert.equal(site.timezone, "Europe/Berlin");

  const [before] = await sql`
    update public.inverter_sites set synced_through = synced_through - interval '30 hours'
    where organization_id = ${orgId} returning synced_through`;
  const { runId } = await run(sql, credentialId);
  const [result] =
    await sql`select status, window_from, window_to from public.sync_run_sites where run_id = ${runId}`;
  assert.equal(result.status, "succeeded");
  const log = await simRequests(apiKey);
  const calls = log.urls.slice(first.count).filter((u) => /\/(power|energy)\?/.test(u));
  // 30 h plus the 2 h lookback in aligned 12-hour windows, each one call per series.
  const [windows] = await windowsOfRun(sql, runId, orgId);
  assert.ok(windows === 3 || windows === 4, `${windows} windows`);
  assert.equal(calls.length, 2 * windows, calls.join("\n"));
  for (const u of calls) {
    const q = new URL(u, "http://sim").searchParams;
    const [from, to] = [q.get("from")!, q.get("to")!];
    assert.match(from, NAIVE, u);
    assert.match(to, NAIVE, u);
    const span = Date.parse(`${to}Z`) - Date.parse(`${from}Z`);
    assert.ok(span > 0 && span <= 12 * 3_600_000, `${u} spans ${span / 3_600_000} h`);
  }
  assert.equal(log.paths.slice(first.count).filter((p) => p === `/v2/sites/${siteId}`).length, 0);
  const [after] =
    await sql`select synced_through from public.inverter_sites where organization_id = ${orgId}`;
  assert.equal(after.synced_through.getTime(), result.window_to.getTime());
  assert.ok(
    after.synced_through.getTime() >=
      before.synced_through.getTime() + 30 * 3_600_000 - 15 * 60_000,
  );
});

stackTest("spent monthly credits pause the credential without retries", async (sql) => {
  const apiKey = `credits-${crypto.randomUUID()}`;
  const sites = [uniqueId(), uniqueId()].map((siteId, i) => ({
    siteId,
    name: `Credits ${i}`,
    timeZone: "Europe/Madrid",
    peakPowerKw: 4,
  }));
  await simAccount({ apiKey, sites });
  const { orgId, credentialId } = await seedCredential(sql, `credits ${apiKey}`, { apiKey });
  await run(sql, credentialId);

  // Every answered call cost one credit: leave exactly one for this month, the /sites call.
  const used = (await simRequests(apiKey)).count;
  await simAccount({ apiKey, sites, monthlyCredits: used + 1 });
  const { runId } = await run(sql, credentialId);
  const log = (await simRequests(apiKey)).paths.slice(used);
  const results = await sql`
    select status, error from public.sync_run_sites where run_id = ${runId} order by status`;
  assert.equal(results.length, 2);
  // A pause is no failure: the sites are deferred, and their status says why.
  for (const r of results) {
    assert.ok(r.error.startsWith(MONTHLY), r.error);
    assert.equal(r.status, "deferred");
  }
  const paused = await sql`
    select last_error, consecutive_failures from public.inverter_sites
    where organization_id = ${orgId}`;
  assert.ok(paused.every((s) => s.last_error.startsWith(MONTHLY) && s.consecutive_failures === 0));
  // /sites, then at most one call per site that was already started: none was repeated.
  assert.equal(log[0], "/v2/sites");
  const data = log.slice(1);
  assert.ok(data.length >= 1 && data.length <= sites.length, log.join("\n"));
  assert.equal(new Set(data).size, data.length);

  // Next run: the month is still spent; its first call says so and nothing else is called.
  const { runId: nextId } = await run(sql, credentialId);
  const next = (await simRequests(apiKey)).paths.slice(used + log.length);
  assert.deepEqual(next, ["/v2/sites"]);
  const deferred = await sql`
    select status, error from public.sync_run_sites where run_id = ${nextId}`;
  assert.deepEqual(deferred.map((r) => r.status), ["deferred", "deferred"]);
  assert.ok(deferred.every((r) => r.error.startsWith(MONTHLY)));
  const [credential] =
    await sql`select status from public.inverter_credentials where id = ${credentialId}`;
  assert.equal(credential.status, "active");
  const stored = await sql`
    select synced_through from public.inverter_sites where organization_id = ${orgId}`;
  assert.ok(stored.every((s) => s.synced_through !== null), "the watermarks stay");
});
