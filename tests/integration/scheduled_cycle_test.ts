/**
 * The whole hourly cycle on real parts: the pg_cron jobs' own SQL (the hourly enqueue, the
 * per-minute dispatch) -> pg_net -> gateway -> the SolarEdge function working the queue ->
 * simulator -> S3 -> status rows.
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
  "the hourly enqueue and the dispatch list a new credential's sites and sync them into S3",
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
    // Stored without its sites, as `credentials add` without --discover leaves it: the queue
    // must list them itself.
    const { orgId, credentialId } = await seedCredential(sql, `cycle ${apiKey}`, { apiKey });
    const [discovery] = await sql`
      select kind, status, priority from public.sync_jobs where credential_id = ${credentialId}`;
    assert.deepEqual({ ...discovery }, { kind: "discover", status: "pending", priority: 50 });

    const jobs = await sql`
      select jobname, command, schedule from cron.job
      where jobname in ('solaredge-enqueue', 'solaredge-dispatch', 'solaredge-hourly')
      order by jobname`;
    assert.deepEqual(jobs.map((j) => [j.jobname, j.schedule]), [
      ["solaredge-dispatch", "* * * * *"],
      ["solaredge-enqueue", "5 * * * *"],
    ]);
    const started = new Date();
    await sql.unsafe(jobs[1].command);
    const [dispatched] = await sql.unsafe(jobs[0].command);
    assert.ok(Number(Object.values(dispatched)[0]) >= 1, "the due discovery asks for a call");
    const response = await waitFor("a pg_net response to the dispatch", async () => {
      const [r] = await sql`
        select status_code from net._http_response where created >= ${started} limit 1`;
      return r;
    });
    assert.equal(response.status_code, 202);

    const done = await waitFor("both sites synced", async () => {
      const rows = await sql`
        select vendor_site_id, timezone, synced_through, last_success_at, last_error,
               last_object_key
        from public.inverter_sites where organization_id = ${orgId} order by vendor_site_id`;
      return rows.length === 2 && rows.every((r) => r.synced_through) && rows;
    }, 90_000);
    for (const s of done) {
      assert.equal(s.last_error, null);
      assert.ok(s.last_success_at);
      assert.match(
        s.last_object_key,
        new RegExp(`^raw/solaredge/${orgId}/\\d{4}-\\d{2}-\\d{2}/site_\\d+_\\d{6}\\.json$`),
      );
    }
    assert.deepEqual(done.map((s) => s.timezone).sort(), ["Australia/Sydney", "Europe/Berlin"]);
    const ended = await sql`
      select kind, status from public.sync_jobs where credential_id = ${credentialId}
      order by kind`;
    assert.deepEqual(ended.map((j) => [j.kind, j.status]), [
      ["discover", "succeeded"],
      ["scheduled", "succeeded"],
    ]);

    // A day of first history in aligned 12-hour windows, one object each, for both sites.
    const results = await sql`
      select run_id, status from public.sync_run_sites where organization_id = ${orgId}`;
    assert.deepEqual(results.map((r) => r.status), ["succeeded", "succeeded"]);
    const [run] = await sql`select * from public.sync_runs where id = ${results[0].run_id}`;
    assert.equal(run.trigger, "cron");
    const windows = (await Promise.all(
      [...new Set(results.map((r) => r.run_id))].map((id) => windowsOfRun(sql, id, orgId)),
    )).flat();
    assert.equal(windows.length, 2);
    assert.ok(windows.every((n) => n === 2 || n === 3), `${windows}`);
    const keys = await listKeys(`raw/solaredge/${orgId}/`);
    assert.equal(keys.length, windows[0] + windows[1]);
    const envelope = JSON.parse(await getObject(keys[0]));
    assert.equal(envelope.schema, "inverter-ingest.raw/v1");
    assert.equal(envelope.organization_id, orgId);
    assert.ok(results.some((r) => r.run_id === envelope.run_id));
    assert.equal(envelope.responses.length, 2);
    assert.ok(envelope.completeness.intervals_expected > 0);
  },
);
