/**
 * The queue under real concurrency: four invocations racing `private.claim_jobs` on their own
 * connections never claim one job twice, and never hold jobs of one credential at the same time.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { env, stackTest } from "./helpers.ts";

const CREDENTIALS = 12;
const JOBS_PER_CREDENTIAL = 4;

type Claim = { owner: string; job_id: string; credential_id: string };

stackTest(
  "invocations racing claim_jobs never claim one job or one credential twice",
  async (sql) => {
    const [org] =
      await sql`insert into public.organizations (name) values ('Queue race') returning id`;
    const credentials = await sql<{ id: string }[]>`
    insert into public.inverter_credentials (organization_id, source, label, secret)
    select ${org.id}, 'sma', 'race-' || n, 'gAAAAArace' || n from generate_series(1, ${CREDENTIALS}) n
    returning id`;
    // A priority above the scheduled jobs' 0, so these are served before any other due work.
    const jobs = await sql<{ id: string }[]>`
    insert into public.sync_jobs (organization_id, credential_id, source, priority)
    select ${org.id}, c.id, 'sma', 1000
    from public.inverter_credentials c, generate_series(1, ${JOBS_PER_CREDENTIAL})
    where c.organization_id = ${org.id}
    returning id`;
    // One site per job: a job with no open site has nothing to do and is closed, not claimed.
    await sql`
    with sites as (
      insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id)
      select j.organization_id, j.credential_id, 'sma', j.id::text
      from public.sync_jobs j where j.organization_id = ${org.id}
      returning id, vendor_site_id
    )
    insert into public.sync_job_sites (job_id, site_id) select vendor_site_id::uuid, id from sites`;
    const mine = new Set(jobs.map((j) => j.id));
    const owners = ["race-a", "race-b", "race-c", "race-d"].map((o) =>
      `${o}-${crypto.randomUUID()}`
    );
    const clients = owners.map(() =>
      postgres(env.SUPABASE_DB_URL, { max: 1, prepare: false, onnotice: () => {} })
    );
    try {
      // Each invocation claims a few jobs at a time, as a worker does, on its own connection, all
      // at once. A credential whose claim the other is making at that instant is skipped for that
      // call only, so a claimer stops after a few empty calls in a row.
      const claims = (await Promise.all(owners.map(async (owner, i) => {
        const got: Claim[] = [];
        for (let empty = 0; empty < 5;) {
          const rows = await clients[i]<Claim[]>`
          select ${owner} as owner, job_id, credential_id
          from private.claim_jobs('sma', ${owner}, 3, 60)`;
          const ours = rows.filter((r) => mine.has(r.job_id));
          got.push(...ours);
          empty = ours.length === 0 ? empty + 1 : 0;
          if (ours.length === 0) await new Promise((r) => setTimeout(r, 20));
        }
        return got;
      }))).flat();

      const claimedIds = claims.map((c) => c.job_id);
      assert.equal(new Set(claimedIds).size, claimedIds.length, "a job was claimed twice");
      assert.equal(claimedIds.length, mine.size, "every job was claimed once");
      const ownersByCredential = new Map<string, Set<string>>();
      for (const c of claims) {
        const set = ownersByCredential.get(c.credential_id) ?? new Set();
        set.add(c.owner);
        ownersByCredential.set(c.credential_id, set);
      }
      assert.equal(ownersByCredential.size, credentials.length);
      for (const [credential, set] of ownersByCredential) {
        assert.equal(set.size, 1, `credential ${credential} ran in two invocations at once`);
      }
      // Several invocations got work: the race was real, not one claimer taking everything first.
      assert.ok(new Set(claims.map((c) => c.owner)).size >= 2);
    } finally {
      // Any other due work the claimers took goes back to the queue untouched.
      for (const owner of owners) await sql`select private.release_jobs(${owner})`;
      await Promise.all(clients.map((c) => c.end()));
      await sql`delete from public.organizations where id = ${org.id}`;
    }
  },
);
