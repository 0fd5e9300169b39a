/**
 * A secret planted in a credential must never appear in logs, S3 objects, HTTP responses or the
 * status tables, even when the vendor rejects it and when the simulator echoes errors.
 */
import assert from "node:assert/strict";
import { stackPaths } from "../../local/stack_paths.ts";
import {
  env,
  getObject,
  listKeys,
  seedCredential,
  simAccount,
  simFault,
  stackTest,
  startRun,
  uniqueId,
  waitForRun,
} from "./helpers.ts";

stackTest("planted secrets never reach logs, S3, responses or status rows", async (sql) => {
  const planted = `PLANTED-SECRET-${crypto.randomUUID()}`;
  const accountKey = `PLANTED-ACCOUNT-${crypto.randomUUID()}`;
  const rejected = `PLANTED-REJECTED-${crypto.randomUUID()}`;
  await simAccount({
    apiKey: planted,
    accountKey,
    sites: [{
      siteId: uniqueId(),
      name: "Secret site",
      timeZone: "Europe/Paris",
      peakPowerKw: 3,
    }],
  });
  const ok = await seedCredential(sql, `secret ${planted}`, { apiKey: planted, accountKey });
  const bad = await seedCredential(sql, `secret bad ${planted}`, { apiKey: rejected });
  await simFault({ apiKey: planted, kind: "html", count: 1 });
  const responses: string[] = [];
  for (const credentialId of [ok.credentialId, bad.credentialId]) {
    const res = await startRun({ credentialId });
    const text = await res.text();
    responses.push(text);
    await waitForRun(sql, JSON.parse(text).runId);
  }
  responses.push(await (await fetch(`${env.SUPABASE_URL}/functions/v1/solaredge/health`)).text());
  const objects = await Promise.all(
    (await listKeys(`raw/solaredge/${ok.orgId}/`)).map((k) => getObject(k)),
  );
  // A first day of history: two or three aligned 12-hour windows, depending on the hour.
  assert.ok(objects.length === 2 || objects.length === 3, `${objects.length} objects`);
  const rows = await sql`
    select row_to_json(x)::text as t from (
      select status_reason::text as a from public.inverter_credentials where id in (${ok.credentialId}, ${bad.credentialId})
      union all select last_error from public.inverter_sites where organization_id in (${ok.orgId}, ${bad.orgId})
      union all select error from public.sync_run_sites where organization_id in (${ok.orgId}, ${bad.orgId})
      union all select options::text from public.sync_runs
    ) x`;
  const logs = await Deno.readTextFile(`${stackPaths.logs}/services.log`);
  const haystack = [...responses, ...objects, ...rows.map((r) => r.t), logs].join("\n");
  for (const secret of [planted, accountKey, rejected]) {
    assert.ok(!haystack.includes(secret), "a planted secret leaked");
  }
  // The check is meaningful: the failing credential did leave a trace in the rows.
  assert.ok(rows.some((r) => r.t.includes("SolarEdge rejected the API key")));
});
