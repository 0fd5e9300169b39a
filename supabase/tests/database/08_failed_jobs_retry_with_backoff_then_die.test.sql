-- Finishing: a success closes the job's sites so the next enqueue can add them; a failure retries
-- after a jittered exponential backoff (or the vendor's Retry-After when later) and ends dead
-- with its error after max_attempts; a deferral (a quota that would overspend) waits for the
-- window to reopen without counting an attempt.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(15);

-- Only this test's work is due: what other tests' credentials have due is enqueued and parked
-- (all rolled back with the rest).
delete from public.sync_jobs;
select private.enqueue_due_jobs('goodwe');
update public.sync_jobs set run_after = now() + interval '1 day';
insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'goodwe', 'a', 'gAAAAAa');
insert into public.inverter_sites (id, organization_id, credential_id, source, vendor_site_id, synced_through)
select ('a3000000-0000-4000-8000-00000000000' || n)::uuid, 'a1000000-0000-4000-8000-000000000001',
  'a2000000-0000-4000-8000-000000000001', 'goodwe', 'site-' || n, now() - interval '3 hours'
from generate_series(1, 3) n;

set local role service_role;
select is(private.enqueue_due_jobs('goodwe', 1), 3, 'Three due sites make three one-site jobs');
select is((select count(*)::int from private.claim_jobs('goodwe', 'w', 10, 60)), 3,
  'One invocation claims all three');
create temporary table claimed on commit drop as
  select j.id, s.site_id from public.sync_jobs j join public.sync_job_sites s on s.job_id = j.id;
grant select on claimed to service_role;

select is(private.finish_job((select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000001'),
  'w', 'succeeded'), 'succeeded', 'A job finishes as succeeded');
select is(private.enqueue_due_jobs('goodwe', 1), 1,
  'Its site, still behind, can be enqueued again while the two others are still in their jobs');

select is(private.finish_job((select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002'),
  'w', 'failed', 'Cannot reach GoodWe: 503'), 'failed', 'A failed attempt waits for its retry');
select results_eq(
  $$select run_after > now() - interval '1 second', run_after <= now() + interval '60 seconds',
      last_error, lease_owner
    from public.sync_jobs where id = (select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002')$$,
  $$values (true, true, 'Cannot reach GoodWe: 503', null::text)$$,
  'After attempt 1 the retry comes within 30 s * 2^1 and keeps the error'
);
select is(private.enqueue_due_jobs('goodwe', 1), 0, 'A job waiting for its retry keeps its site');

-- The vendor's Retry-After wins when it is later than the backoff.
reset role;
update public.sync_jobs set run_after = now() where id = (select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002');
set local role service_role;
select is((select count(*)::int from private.claim_jobs('goodwe', 'w', 10, 60)), 2,
  'The failed job is claimed again when due, with the new job');
select private.finish_job((select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002'),
  'w', 'failed', 'Cannot reach GoodWe: 429', now() + interval '2 hours');
select is(
  (select run_after from public.sync_jobs where id = (select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002')),
  now() + interval '2 hours',
  'A Retry-After later than the backoff sets the retry'
);

-- The last attempt fails: the job is dead, and operators see it with its error.
reset role;
update public.sync_jobs set status = 'running', lease_owner = 'w', lease_expires_at = now() + interval '1 minute',
  attempts = max_attempts
where id = (select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002');
set local role service_role;
select is(private.finish_job((select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002'),
  'w', 'failed', 'Cannot read GoodWe: malformed JSON'), 'dead', 'The last failed attempt ends the job dead');
select results_eq(
  $$select last_error, attempts from public.sync_jobs_dead
    where id = (select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000002')$$,
  $$values ('Cannot read GoodWe: malformed JSON', 5)$$,
  'The dead job shows its last error'
);

-- A quota that would overspend defers the job to when its window reopens.
select is(private.finish_job((select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000003'),
  'w', 'deferred', null, date_trunc('day', now()) + interval '1 day'), 'pending', 'A deferred job is pending again');
select results_eq(
  $$select attempts, run_after, last_error from public.sync_jobs
    where id = (select id from claimed where site_id = 'a3000000-0000-4000-8000-000000000003')$$,
  $$values (0, date_trunc('day', now()) + interval '1 day', null::text)$$,
  'It waits for the window, and the deferral neither counts an attempt nor records an error'
);
select throws_like(
  $$select private.finish_job(gen_random_uuid(), 'w', 'crashed')$$,
  '%outcome must be succeeded, failed, deferred or dead%',
  'An unknown outcome is refused'
);
select throws_like(
  $$select private.finish_job(gen_random_uuid(), 'w', 'dead')$$,
  '%the error is empty%',
  'A job given up on says why'
);

select * from finish();
rollback;
