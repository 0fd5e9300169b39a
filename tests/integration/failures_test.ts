/**
 * Failure handling end to end: a bad key disables only its own credential, 429 and 5xx are
 * retried, and a gap after missed runs is backfilled.
 */
import assert from "node:assert/strict";
import {
  listKeys,
  seedCredential,
  simAccount,
  simFault,
  simRequests,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
  windowsOfRun,
} from "./helpers.ts";

stackTest("a bad key marks only its credential needs_reauth and the others sync", async (sql) => {
  const goodKey = `good-${crypto.randomUUID()}`;
  await simAccount({
    apiKey: goodKey,
    sites: [{ siteId: uniqueId(), name: "Good", timeZone: "Europe/Madrid", peakPowerKw: 4 }],
  });
  const good = await seedCredential(sql, `good ${goodKey}`, { apiKey: goodKey });
  const bad = await seedCredential(sql, `bad ${goodKey}`, {
    apiKey: `v1-key-${crypto.randomUUID()}`,
  });
  const res = await startRun({});
  assert.equal(res.status, 202);
  const runId = (await res.json()).runId;
  await waitForRun(sql, runId);
  const [badRow] =
    await sql`select status, status_reason from public.inverter_credentials where id = ${bad.credentialId}`;
  assert.equal(badRow.status, "needs_reauth");
  assert.equal(badRow.status_reason, "SolarEdge rejected the API key (HTTP 401): Invalid API key");
  const [goodRow] =
    await sql`select status from public.inverter_credentials where id = ${good.credentialId}`;
  assert.equal(goodRow.status, "active");
  // The first day of history in whole aligned 12-hour windows, one object each.
  const [windows] = await windowsOfRun(sql, runId, good.orgId);
  assert.ok(windows === 2 || windows === 3, `${windows} windows`);
  assert.equal((await listKeys(`raw/solaredge/${good.orgId}/`)).length, windows);
});

stackTest("429 with Retry-After and 5xx answers are retried until the site syncs", async (sql) => {
  const apiKey = `flaky-${crypto.randomUUID()}`;
  const siteId = uniqueId();
  await simAccount({
    apiKey,
    sites: [{ siteId, name: "Flaky", timeZone: "America/Chicago", peakPowerKw: 5 }],
  });
  const { orgId, credentialId } = await seedCredential(sql, `flaky ${apiKey}`, { apiKey });
  await simFault({ apiKey, kind: "429", count: 1, retryAfter: 1, path: "/power" });
  await simFault({ apiKey, kind: "5xx", count: 2, path: "/energy" });
  const res = await startRun({ credentialId });
  const run = await waitForRun(sql, (await res.json()).runId);
  assert.equal(run.status, "succeeded");
  const log = await simRequests(apiKey);
  // One call per 12-hour window each, plus one retry of /power and two of /energy.
  const [windows] = await windowsOfRun(sql, run.id, orgId);
  assert.equal(log.paths.filter((p) => p.endsWith("/power")).length, windows + 1);
  assert.equal(log.paths.filter((p) => p.endsWith("/energy")).length, windows + 2);
  const [site] =
    await sql`select last_error, synced_through from public.inverter_sites where organization_id = ${orgId}`;
  assert.equal(site.last_error, null);
  assert.ok(site.synced_through);
});

stackTest("after missed runs the next run backfills the gap from the watermark", async (sql) => {
  const apiKey = `gap-${crypto.randomUUID()}`;
  await simAccount({
    apiKey,
    sites: [{ siteId: uniqueId(), name: "Gap", timeZone: "Asia/Kolkata", peakPowerKw: 8 }],
  });
  const { orgId, credentialId } = await seedCredential(sql, `gap ${apiKey}`, { apiKey });
  await waitForRun(sql, (await (await startRun({ credentialId })).json()).runId);
  // Pretend the last 30 hours of runs never happened.
  const [before] = await sql`
    update public.inverter_sites set synced_through = synced_through - interval '30 hours'
    where organization_id = ${orgId} returning synced_through`;
  const runId = (await (await startRun({ credentialId })).json()).runId;
  await waitForRun(sql, runId);
  const [result] =
    await sql`select window_from, window_to, status, intervals_expected from public.sync_run_sites where run_id = ${runId}`;
  assert.equal(result.status, "succeeded");
  // The windows start with the aligned 12-hour window that holds the 2 h lookback before the old
  // watermark, and end at the last quarter.
  const twelve = 12 * 3_600_000;
  const lookback = before.synced_through.getTime() - 2 * 3_600_000;
  assert.equal(result.window_from.getTime(), Math.floor(lookback / twelve) * twelve);
  assert.ok(result.intervals_expected >= 2 * 4 * 32);
  const [after] =
    await sql`select synced_through from public.inverter_sites where organization_id = ${orgId}`;
  assert.ok(
    after.synced_through.getTime() >=
      before.synced_through.getTime() + 30 * 3_600_000 - 15 * 60_000,
  );
  assert.equal((await listKeys(`raw/solaredge/${orgId}/`)).length >= 1, true);
});

stackTest("a site that vanishes from the vendor is marked inactive, never deleted", async (sql) => {
  const apiKey = `vanish-${crypto.randomUUID()}`;
  const [kept, gone] = [uniqueId(), uniqueId()];
  const sites = [
    { siteId: kept, name: "Kept", timeZone: "Europe/Dublin", peakPowerKw: 4 },
    { siteId: gone, name: "Gone", timeZone: "Europe/Dublin", peakPowerKw: 4 },
  ];
  await simAccount({ apiKey, sites });
  const { orgId, credentialId } = await seedCredential(sql, `vanish ${apiKey}`, { apiKey });
  await waitForRun(sql, (await (await startRun({ credentialId })).json()).runId);
  await simAccount({ apiKey, sites: [sites[0]] });
  const runId = (await (await startRun({ credentialId })).json()).runId;
  await waitForRun(sql, runId);
  const rows = await sql`
    select vendor_site_id, active, synced_through from public.inverter_sites
    where organization_id = ${orgId} order by vendor_site_id`;
  const byId = Object.fromEntries(rows.map((r) => [r.vendor_site_id, r]));
  assert.equal(byId[String(kept)].active, true);
  assert.equal(byId[String(gone)].active, false);
  assert.ok(byId[String(gone)].synced_through, "the vanished site keeps its history");
  const results = await sql`select site_id from public.sync_run_sites where run_id = ${runId}`;
  assert.equal(results.length, 1);
});
