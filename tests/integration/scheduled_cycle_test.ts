/**
 * The whole hourly cycle on real parts: the pg_cron job's own SQL -> pg_net -> gateway -> the
 * SolarEdge function -> simulator -> S3 -> status rows.
 */
import assert from "node:assert/strict";
import {
  getObject,
  listKeys,
  seedCredential,
  simAccount,
  stackTest,
  uniqueId,
  waitFor,
  windowsOfRun,
} from "./helpers.ts";

stackTest(
  "the scheduled job syncs every site of a new credential into S3 and records status",
  async (sql) => {
    const apiKey = `cycle-${crypto.randomUUID()}`;
    const ids = [uniqueId(), uniqueId()];
    await simAccount({
      apiKey,
      sites: [
        { siteId: ids[0], name: "Cycle Berlin", timeZone: "Europe/Berlin", peakPowerKw: 6 },
        { siteId: ids[1], name: "Cycle Sydney", timeZone: "Australia/Sydney", peakPowerKw: 9 },
      ],
    });
    const { orgId } = await seedCredential(sql, `cycle ${apiKey}`, { apiKey });
    const [job] =
      await sql`select command, schedule from cron.job where jobname = 'solaredge-hourly'`;
    assert.equal(job.schedule, "7 * * * *");
    const started = new Date();
    const [fired] = await sql.unsafe(job.command);
    const requestId = Object.values(fired)[0];
    const response = await waitFor("the pg_net response", async () => {
      const [r] =
        await sql`select status_code, timed_out, error_msg from net._http_response where id = ${requestId}`;
      return r;
    });
    assert.equal(response.status_code, 202);
    const run = await waitFor("the cron run of this credential's sites", async () => {
      const [r] = await sql`
      select r.* from public.sync_runs r
      where r.trigger = 'cron' and r.started_at >= ${started} and r.status <> 'running'
        and exists (select 1 from public.sync_run_sites s where s.run_id = r.id and s.organization_id = ${orgId})`;
      return r;
    }, 90_000);
    assert.ok(run.api_calls >= 5);
    const sites = await sql`
    select vendor_site_id, timezone, synced_through, last_success_at, last_error, last_object_key
    from public.inverter_sites where organization_id = ${orgId} order by vendor_site_id`;
    assert.equal(sites.length, 2);
    for (const s of sites) {
      assert.equal(s.last_error, null);
      assert.ok(s.synced_through && s.last_success_at);
      assert.match(
        s.last_object_key,
        new RegExp(`^raw/solaredge/${orgId}/\\d{4}-\\d{2}-\\d{2}/site_\\d+_\\d{6}\\.json$`),
      );
    }
    assert.deepEqual(sites.map((s) => s.timezone).sort(), ["Australia/Sydney", "Europe/Berlin"]);
    // A day of first history in aligned 12-hour windows, one object each, for both sites.
    const keys = await listKeys(`raw/solaredge/${orgId}/`);
    const windows = await windowsOfRun(sql, run.id, orgId);
    assert.equal(windows.length, 2);
    assert.ok(windows.every((n) => n === 2 || n === 3), `${windows}`);
    assert.equal(keys.length, windows[0] + windows[1]);
    const envelope = JSON.parse(await getObject(keys[0]));
    assert.equal(envelope.schema, "inverter-ingest.raw/v1");
    assert.equal(envelope.organization_id, orgId);
    assert.equal(envelope.run_id, run.id);
    assert.equal(envelope.responses.length, 2);
    assert.ok(envelope.completeness.intervals_expected > 0);
    const results =
      await sql`select status, object_keys from public.sync_run_sites where run_id = ${run.id} and organization_id = ${orgId}`;
    assert.deepEqual(results.map((r) => r.status), ["succeeded", "succeeded"]);
  },
);
