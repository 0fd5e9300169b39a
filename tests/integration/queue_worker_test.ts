/**
 * The queue end to end on real parts: jobs in Postgres, `POST /solaredge/run {"queue":true}`
 * through the gateway, the SolarEdge simulator over HTTP, S3 and the run rows. Each test's jobs
 * carry a priority above the scheduled jobs' 0, so an invocation serves them first; it may also
 * work other due jobs left by earlier tests, which the assertions leave out.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import {
  listKeys,
  seedCredential,
  simAccount,
  simFault,
  simRequests,
  stackTest,
  startRun,
  uniqueId,
  waitFor,
  waitForRun,
} from "./helpers.ts";

interface Queued {
  apiKey: string;
  orgId: string;
  credentialId: string;
  jobId: string;
  siteIds: string[];
}

/** A SolarEdge credential with its sites stored and one job holding them, as an enqueue leaves. */
async function queued(
  sql: postgres.Sql,
  sites: number,
  job: { maxAttempts?: number; enqueue?: boolean } = {},
): Promise<Queued> {
  const apiKey = `queue-${crypto.randomUUID()}`;
  const vendorIds = Array.from({ length: sites }, () => uniqueId());
  await simAccount({
    apiKey,
    sites: vendorIds.map((siteId, i) => ({
      siteId,
      name: `Queue ${i}`,
      timeZone: "Europe/Berlin",
      peakPowerKw: 5,
    })),
  });
  const { orgId, credentialId } = await seedCredential(sql, `queue ${apiKey}`, { apiKey });
  const rows = await sql<{ id: string }[]>`
    insert into public.inverter_sites
      (organization_id, credential_id, source, vendor_site_id, name, timezone)
    select ${orgId}, ${credentialId}, 'solaredge', v, 'Queue ' || v, 'Europe/Berlin'
    from unnest(${vendorIds.map(String)}::text[]) v
    returning id`;
  const siteIds = rows.map((r) => r.id);
  if (job.enqueue) return { apiKey, orgId, credentialId, jobId: "", siteIds };
  const [j] = await sql<{ id: string }[]>`
    insert into public.sync_jobs
      (organization_id, credential_id, source, priority, window_to, max_attempts)
    values (${orgId}, ${credentialId}, 'solaredge', 1000, date_trunc('hour', now()),
            ${job.maxAttempts ?? 5})
    returning id`;
  await sql`
    insert into public.sync_job_sites (job_id, site_id)
    select ${j.id}, s from unnest(${siteIds}::uuid[]) s`;
  return { apiKey, orgId, credentialId, jobId: j.id, siteIds };
}

async function queueRun(): Promise<string> {
  const res = await startRun({ trigger: "cron", queue: true });
  assert.equal(res.status, 202);
  const body = await res.json();
  assert.equal(body.queue, true);
  return body.runId;
}

async function jobRow(sql: postgres.Sql, jobId: string) {
  const [row] = await sql`select * from public.sync_jobs where id = ${jobId}`;
  return row;
}

stackTest("an expired lease passes the work to another invocation", async (sql) => {
  const q = await queued(sql, 2);
  // A worker claims the job and dies: nothing renews its one-second lease.
  const dead = `dead-worker-${crypto.randomUUID()}`;
  const claimed = await sql`select job_id from private.claim_jobs('solaredge', ${dead}, 1, 1)`;
  assert.deepEqual(claimed.map((c) => c.job_id), [q.jobId]);
  await new Promise((r) => setTimeout(r, 1_500));

  const runId = await queueRun();
  const run = await waitForRun(sql, runId);
  assert.notEqual(run.status, "running");
  const job = await jobRow(sql, q.jobId);
  assert.equal(job.status, "succeeded");
  assert.equal(job.attempts, 2);
  // The dead worker's late word counts for nothing: it no longer holds the job.
  const [late] = await sql`select private.finish_job(${q.jobId}::uuid, ${dead}, 'failed', 'late')
    as status`;
  assert.equal(late.status, null);
  const results = await sql`
    select site_id, status from public.sync_run_sites
    where run_id = ${runId} and site_id = any(${q.siteIds}::uuid[])`;
  assert.equal(results.length, 2);
  assert.ok(results.every((r) => r.status === "succeeded"));
  const sites = await sql`
    select synced_through from public.inverter_sites where id = any(${q.siteIds}::uuid[])`;
  assert.ok(sites.every((s) => s.synced_through !== null));
  assert.ok((await listKeys(`raw/solaredge/${q.orgId}/`)).length >= 2);
});

stackTest("two dispatchers never process one job twice", async (sql) => {
  const fleet = [await queued(sql, 2), await queued(sql, 2), await queued(sql, 2)];
  const runIds = await Promise.all([queueRun(), queueRun()]);
  for (const runId of runIds) await waitForRun(sql, runId);
  for (const q of fleet) {
    assert.equal((await jobRow(sql, q.jobId)).status, "succeeded");
    // A job worked twice would list the sites and fetch the same windows twice.
    const { urls } = await simRequests(q.apiKey);
    assert.ok(urls.length > 0);
    assert.equal(new Set(urls).size, urls.length, `a call repeated for ${q.apiKey}`);
  }
  const allSites = fleet.flatMap((q) => q.siteIds);
  const results = await sql`
    select site_id, count(*)::int as n from public.sync_run_sites
    where site_id = any(${allSites}::uuid[]) group by site_id`;
  assert.equal(results.length, allSites.length);
  assert.ok(results.every((r) => r.n === 1), "a site was synced twice");
});

stackTest(
  "a queue run plans a wider cadence for sites whose monthly budget cannot pay hourly",
  async (sql) => {
    const q = await queued(sql, 2);
    // 1,000 calls a month for two sites: hourly fetches (two calls each) would need thousands.
    await sql`update public.inverter_credentials set plan = '{"perMonth": 1000}'::jsonb
    where id = ${q.credentialId}`;
    await waitForRun(sql, await queueRun());
    const sites = await sql<{ cadence_hours: number; cadence_note: string | null }[]>`
    select cadence_hours, cadence_note from public.inverter_sites
    where id = any(${q.siteIds}::uuid[])`;
    assert.equal(sites.length, 2);
    for (const s of sites) {
      assert.ok(s.cadence_hours > 1, `cadence ${s.cadence_hours}`);
      assert.match(s.cadence_note ?? "", /^Fetched every \d+ h: 2 sites share 1000 calls a month/);
    }
    // Two hours behind, an hourly site would be due; these wait for their cadence.
    await sql`update public.inverter_sites
    set synced_through = date_trunc('hour', now()) - interval '2 hours'
    where id = any(${q.siteIds}::uuid[])`;
    await sql`select private.enqueue_due_jobs('solaredge')`;
    const [open] = await sql`
    select count(*)::int as n from public.sync_job_sites where site_id = any(${q.siteIds}::uuid[])
      and open`;
    assert.equal(open.n, 0);
  },
);

stackTest(
  "a job of a credential that needs re-authorisation ends dead at once, its sites free",
  async (sql) => {
    const q = await queued(sql, 2);
    await sql`update public.inverter_credentials set status = 'needs_reauth'
    where id = ${q.credentialId}`;
    await waitForRun(sql, await queueRun());
    const job = await jobRow(sql, q.jobId);
    assert.equal(job.status, "dead");
    assert.equal(job.attempts, 1, "no retries that cannot help");
    assert.equal(
      job.last_error,
      `Cannot run the job: credential ${q.credentialId} is needs_reauth`,
    );
    const open = await sql`select 1 from public.sync_job_sites where job_id = ${q.jobId} and open`;
    assert.equal(open.length, 0, "its sites can be queued again once the credential is active");
    assert.equal((await simRequests(q.apiKey)).urls.length, 0);
  },
);

stackTest("a job whose vendor keeps failing ends dead with its error", async (sql) => {
  const q = await queued(sql, 1, { maxAttempts: 2 });
  // Every data answer is malformed: the site fails at once, without retries.
  await simFault({ apiKey: q.apiKey, kind: "malformed", count: 1_000, path: "/power" });
  await waitForRun(sql, await queueRun());
  const first = await jobRow(sql, q.jobId);
  assert.equal(first.status, "failed");
  assert.equal(first.attempts, 1);
  assert.ok(first.run_after > new Date(Date.now() - 1_000), "the retry waits for its backoff");
  assert.match(first.last_error, /^Site \d+: /);
  // The backoff is over.
  await sql`update public.sync_jobs set run_after = now() where id = ${q.jobId}`;
  await waitForRun(sql, await queueRun());
  const [dead] = await sql`
    select attempts, last_error, sites from public.sync_jobs_dead where id = ${q.jobId}`;
  assert.ok(dead, "the job is not dead");
  assert.equal(dead.attempts, 2);
  assert.equal(dead.sites, 1);
  assert.match(dead.last_error, /^Site \d+: /);
  const [site] = await sql`
    select consecutive_failures, last_error from public.inverter_sites where id = ${q.siteIds[0]}`;
  assert.equal(site.consecutive_failures, 2);
  assert.ok(site.last_error);
});

stackTest(
  "the scheduled cycle runs enqueue, dispatch, the function and S3 end to end",
  async (sql) => {
    const q = await queued(sql, 2, { enqueue: true });
    const [enqueue] = await sql`select command from cron.job where jobname = 'solaredge-enqueue'`;
    const [dispatch] = await sql`select command from cron.job where jobname = 'solaredge-dispatch'`;
    assert.ok(enqueue && dispatch, "the queue's pg_cron jobs are missing");
    const [setting] = await sql`
      select dispatch_enabled from public.sync_dispatch_settings where source = 'solaredge'`;
    await sql`
      update public.sync_dispatch_settings set dispatch_enabled = true where source = 'solaredge'`;
    try {
      await sql.unsafe(enqueue.command);
      // The hourly job, not the discovery job the new credential queued by itself: that one may
      // succeed first, before the sites are synced.
      const [job] = await sql`
        select j.id from public.sync_jobs j
        where j.credential_id = ${q.credentialId} and j.kind = 'scheduled'`;
      assert.ok(job, "the enqueue made no job for the credential");
      const [fired] = await sql.unsafe(dispatch.command);
      assert.ok(Number(Object.values(fired)[0]) >= 1, "the dispatcher asked for no invocation");
      await waitFor("the job to succeed", async () => {
        const row = await jobRow(sql, job.id);
        return row.status === "succeeded" && row;
      }, 120_000);
      const sites = await sql`
        select synced_through, last_object_key from public.inverter_sites
        where id = any(${q.siteIds}::uuid[])`;
      assert.ok(sites.every((s) => s.synced_through && s.last_object_key));
      const keys = await listKeys(`raw/solaredge/${q.orgId}/`);
      assert.ok(keys.length >= 2);
      const [run] = await sql`
        select r.trigger, r.options from public.sync_runs r
        join public.sync_run_sites s on s.run_id = r.id
        where s.site_id = ${q.siteIds[0]}`;
      assert.equal(run.trigger, "cron");
    } finally {
      await sql`
        update public.sync_dispatch_settings set dispatch_enabled = ${setting.dispatch_enabled}
        where source = 'solaredge'`;
    }
  },
);
