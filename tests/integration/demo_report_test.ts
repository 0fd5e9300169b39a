/**
 * The demo reports its own organisation only. A cron run spans every organisation, so a database
 * the tests have used holds runs whose other sites failed: the demo's run rows and site table must
 * count the demo organisation's sites in this cycle's runs and nothing else.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { demoReport } from "../../cli/demo_report.ts";
import { stackTest } from "./helpers.ts";

async function orgWithSites(sql: postgres.Sql, name: string, siteIds: string[]) {
  const [org] = await sql`insert into public.organizations (name) values (${name}) returning id`;
  // Disabled, so no cron run of another test ever picks these sites up.
  const [cred] = await sql`
    insert into public.inverter_credentials (organization_id, source, label, secret, status)
    values (${org.id}, 'enphase', ${name}, 'gAAAAA-never-decrypted', 'disabled') returning id`;
  const sites = await sql<{ id: string }[]>`
    insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id)
    select ${org.id}, ${cred.id}, 'enphase', v from unnest(${siteIds}::text[]) v
    returning id`;
  return {
    orgId: org.id as string,
    credentialId: cred.id as string,
    siteIds: sites.map((s) => s.id),
  };
}

stackTest("the demo report leaves out other organisations' sites in the same run", async (sql) => {
  const tag = crypto.randomUUID().slice(0, 8);
  const own = await orgWithSites(sql, `Demo report ${tag}`, [`d-${tag}-1`, `d-${tag}-2`]);
  const foreign = await orgWithSites(sql, `Foreign ${tag}`, [`f-${tag}-1`, `f-${tag}-2`]);
  try {
    // One cron run that, like the real ones, worked on both organisations; the foreign sites
    // failed, which made the whole run partial.
    const [run] = await sql`
      insert into public.sync_runs (source, trigger, status, sites_total, sites_succeeded,
                                    sites_failed, api_calls, objects_written)
      values ('enphase', 'cron', 'partial', 4, 2, 2, 9, 2) returning id`;
    const result = (org: typeof own, i: number, status: string, calls: number, keys: string[]) =>
      sql`
        insert into public.sync_run_sites (run_id, organization_id, credential_id, site_id, status,
                                           api_calls, object_keys, readings)
        values (${run.id}, ${org.orgId}, ${org.credentialId}, ${org.siteIds[i]}, ${status},
                ${calls}, ${keys}, ${keys.length * 10})`;
    await result(own, 0, "succeeded", 2, [`enphase/${tag}/a.json`]);
    await result(own, 1, "succeeded", 2, [`enphase/${tag}/b.json`]);
    await result(foreign, 0, "failed", 4, []);
    await result(foreign, 1, "failed", 1, []);

    const report = await demoReport(sql, own.orgId, [run.id]);
    assert.deepEqual(report.runs, [{
      source: "enphase",
      status: "succeeded",
      sitesTotal: 2,
      sitesSucceeded: 2,
      apiCalls: 4,
      objectsWritten: 2,
    }]);
    assert.deepEqual(report.sites.map((s) => [s.vendor_site_id, s.status]), [
      [`d-${tag}-1`, "succeeded"],
      [`d-${tag}-2`, "succeeded"],
    ]);
    // The foreign organisation sees only its own part of the same run.
    const theirs = await demoReport(sql, foreign.orgId, [run.id]);
    assert.deepEqual(theirs.runs.map((r) => [r.status, r.sitesSucceeded, r.sitesTotal]), [
      ["failed", 0, 2],
    ]);
    // A run of this cycle without any of the organisation's sites shows as 0/0, failed.
    const [empty] = await sql`
      insert into public.sync_runs (source, trigger, status) values ('sma', 'cron', 'succeeded')
      returning id`;
    const both = await demoReport(sql, own.orgId, [run.id, empty.id]);
    assert.deepEqual(both.runs.map((r) => [r.source, r.status, r.sitesTotal]), [
      ["enphase", "succeeded", 2],
      ["sma", "failed", 0],
    ]);
    await sql`delete from public.sync_runs where id in (${run.id}, ${empty.id})`;
  } finally {
    await sql`delete from public.organizations where id in (${own.orgId}, ${foreign.orgId})`;
  }
});
