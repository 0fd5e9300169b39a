/**
 * Orphaned runs on the real database: a run whose function was stopped is closed, either by the
 * function itself on `beforeunload` or by the pg_cron sweep once it is older than any function
 * can live.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../shared/config.ts";
import { createRuntime } from "../../shared/runtime.ts";
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

const STOPPED = "Run did not finish: the function was stopped before it could record its outcome";

stackTest("the pg_cron sweep closes a run left running past the wall clock", async (sql) => {
  const [org] = await sql<{ id: string }[]>`
    insert into public.organizations (name) values ('Orphaned runs') returning id`;
  const [stale] = await sql<{ id: string }[]>`
    insert into public.sync_runs (source, trigger, started_at)
    values ('solaredge', 'cron', now() - interval '15 minutes') returning id`;
  const [fresh] = await sql<{ id: string }[]>`
    insert into public.sync_runs (source, trigger) values ('solaredge', 'cron') returning id`;
  await sql`
    insert into public.sync_run_sites (run_id, organization_id, status, api_calls, object_keys)
    values (${stale.id}, ${org.id}, 'succeeded', 2, '{k1}')`;
  try {
    const [job] = await sql<{ command: string }[]>`
      select command from cron.job where jobname = 'close-orphaned-runs'`;
    assert.ok(job, "the sweep is scheduled");
    await sql.unsafe(job.command);
    const [closed] = await sql`
      select status, error, finished_at, sites_total, sites_succeeded, api_calls, objects_written
      from public.sync_runs where id = ${stale.id}`;
    assert.equal(closed.status, "failed");
    assert.equal(closed.error, STOPPED);
    assert.ok(closed.finished_at instanceof Date);
    assert.deepEqual(
      [closed.sites_total, closed.sites_succeeded, closed.api_calls, closed.objects_written],
      [1, 1, 2, 1],
    );
    const [still] = await sql`select status from public.sync_runs where id = ${fresh.id}`;
    assert.equal(still.status, "running");
  } finally {
    await sql`delete from public.sync_runs where id in (${stale.id}, ${fresh.id})`;
    await sql`delete from public.organizations where id = ${org.id}`;
  }
});

stackTest("the fetcher runtime closes its open run in Postgres on beforeunload", async (sql) => {
  const events = new EventTarget();
  const rt = createRuntime(loadConfig(env), { logLevel: "error", events });
  const [run] = await sql<{ id: string }[]>`
    insert into public.sync_runs (source, trigger) values ('solaredge', 'cron') returning id`;
  try {
    rt.invocation!.openRun(run.id);
    events.dispatchEvent(new CustomEvent("beforeunload", { detail: { reason: "WallClockTime" } }));
    await rt.invocation!.settled;
    const [row] = await sql`select status, error from public.sync_runs where id = ${run.id}`;
    assert.equal(row.status, "failed");
    assert.equal(
      row.error,
      "Run did not finish: the function was stopped (WallClockTime) before it could record its outcome",
    );
  } finally {
    await rt.close();
    await sql`delete from public.sync_runs where id = ${run.id}`;
  }
});

stackTest("a function stopped at the wall clock closes its run on beforeunload", async (sql) => {
  // The gateway gives the worker `beforeunload` at 90 % of its wall clock and kills it at the
  // limit, as Supabase does; a vendor call that hangs keeps the run working until then.
  const apiKey = `wall-${crypto.randomUUID()}`;
  await simAccount({
    apiKey,
    sites: [{ siteId: uniqueId(), name: "Wall", timeZone: "Europe/Madrid", peakPowerKw: 4 }],
  });
  await simFault({ apiKey, kind: "hang", count: 20 });
  const { orgId, credentialId } = await seedCredential(sql, `wall clock ${apiKey}`, { apiKey });
  const limits = `${env.SUPABASE_URL}/functions/v1/_limits`;
  const put = await fetch(limits, { method: "PUT", body: JSON.stringify({ wallClockMs: 8000 }) });
  assert.equal(put.status, 200);
  await put.body?.cancel();
  try {
    const res = await startRun({ credentialId });
    assert.equal(res.status, 202);
    const { runId } = await res.json();
    const run = await waitForRun(sql, runId, 30_000);
    assert.equal(run.status, "failed");
    assert.equal(
      run.error,
      "Run did not finish: the function was stopped (WallClockTime) before it could record its outcome",
    );
  } finally {
    await (await fetch(limits, { method: "DELETE" })).body?.cancel();
    // Its calls would hang every later run of the vendor, so the credential leaves with the test.
    await sql`delete from public.organizations where id = ${orgId}`;
  }
});
