-- Claiming: due jobs go out under a lease in serving order (priority, then oldest watermark), a
-- credential's jobs go to one invocation at a time, an expired lease passes the work to another
-- invocation, a job whose worker died on its last attempt ends dead, and released jobs are due
-- again without a counted attempt.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(17);

-- Only this test's jobs are in the queue (the deletion is rolled back with the rest).
delete from public.sync_jobs;

insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'a', 'gAAAAAa'),
  ('a2000000-0000-4000-8000-00000000000b', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'b', 'gAAAAAb'),
  ('a2000000-0000-4000-8000-00000000000c', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'c', 'gAAAAAc');
insert into public.inverter_sites (id, organization_id, credential_id, source, vendor_site_id, synced_through)
select ('a3000000-0000-4000-8000-0000000000' || c || n)::uuid, 'a1000000-0000-4000-8000-000000000001',
  ('a2000000-0000-4000-8000-00000000000' || c)::uuid, 'solaredge', c || n,
  now() - make_interval(hours => n)
from unnest(array['a', 'b', 'c']) c, generate_series(1, 4) n;
-- Credential a: two jobs (the second with the older watermark); b: one job; c: one job not due
-- yet. Jobs a1 holds sites a1, a2; a2 holds a3, a4; b1 holds b1; c1 holds c1.
insert into public.sync_jobs (id, organization_id, credential_id, source, oldest_synced_through, run_after) values
  ('a5000000-0000-4000-8000-0000000000a1', 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-00000000000a', 'solaredge', now() - interval '2 hours', now()),
  ('a5000000-0000-4000-8000-0000000000a2', 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-00000000000a', 'solaredge', now() - interval '4 hours', now()),
  ('a5000000-0000-4000-8000-0000000000b1', 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-00000000000b', 'solaredge', now() - interval '1 hours', now()),
  ('a5000000-0000-4000-8000-0000000000c1', 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-00000000000c', 'solaredge', now() - interval '9 hours', now() + interval '10 minutes');
insert into public.sync_job_sites (job_id, site_id) values
  ('a5000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-0000000000a1'),
  ('a5000000-0000-4000-8000-0000000000a1', 'a3000000-0000-4000-8000-0000000000a2'),
  ('a5000000-0000-4000-8000-0000000000a2', 'a3000000-0000-4000-8000-0000000000a3'),
  ('a5000000-0000-4000-8000-0000000000a2', 'a3000000-0000-4000-8000-0000000000a4'),
  ('a5000000-0000-4000-8000-0000000000b1', 'a3000000-0000-4000-8000-0000000000b1'),
  ('a5000000-0000-4000-8000-0000000000c1', 'a3000000-0000-4000-8000-0000000000c1');

set local role service_role;
select results_eq(
  $$select job_id, site_ids, attempts from private.claim_jobs('solaredge', 'worker-1', 1, 60)$$,
  $$values ('a5000000-0000-4000-8000-0000000000a2'::uuid,
    array['a3000000-0000-4000-8000-0000000000a4', 'a3000000-0000-4000-8000-0000000000a3']::uuid[], 1)$$,
  'The job with the oldest watermark is claimed first, its sites oldest first, as attempt 1'
);
select results_eq(
  $$select status, lease_owner, lease_expires_at = now() + interval '60 seconds'
    from public.sync_jobs where id = 'a5000000-0000-4000-8000-0000000000a2'$$,
  $$values ('running', 'worker-1', true)$$,
  'The claimed job runs under the owner''s lease'
);
select results_eq(
  $$select job_id from private.claim_jobs('solaredge', 'worker-2', 10, 60)$$,
  array['a5000000-0000-4000-8000-0000000000b1'::uuid],
  'Another invocation gets no job of a credential that worker-1 holds, and none not yet due'
);
select results_eq(
  $$select job_id from private.claim_jobs('solaredge', 'worker-1', 10, 60)$$,
  array['a5000000-0000-4000-8000-0000000000a1'::uuid],
  'The invocation holding a credential may claim more of its jobs'
);
select is_empty(
  $$select 1 from private.claim_jobs('solaredge', 'worker-3', 10, 60)$$,
  'Nothing is left for a third invocation'
);
select is(
  (select count(distinct lease_owner)::int from public.sync_jobs
    where credential_id = 'a2000000-0000-4000-8000-00000000000a' and status = 'running'),
  1,
  'All of a credential''s running jobs have one owner'
);

-- worker-1 reports progress, then dies: its leases expire.
select ok(private.renew_lease('a5000000-0000-4000-8000-0000000000a2', 'worker-1', 90),
  'The owner renews its lease');
select ok(not private.renew_lease('a5000000-0000-4000-8000-0000000000a2', 'worker-2', 90),
  'Another invocation cannot renew a lease it does not hold');
select is(private.finish_job_sites('a5000000-0000-4000-8000-0000000000a2', 'worker-1',
  array['a3000000-0000-4000-8000-0000000000a4']::uuid[]), 1, 'The owner marks a finished site done');
reset role;
update public.sync_jobs set lease_expires_at = now() - interval '1 second'
where lease_owner = 'worker-1';
set local role service_role;

select results_eq(
  $$select job_id, site_ids, attempts from private.claim_jobs('solaredge', 'worker-2', 10, 60)$$,
  $$values
    ('a5000000-0000-4000-8000-0000000000a2'::uuid, array['a3000000-0000-4000-8000-0000000000a3']::uuid[], 2),
    ('a5000000-0000-4000-8000-0000000000a1'::uuid,
      array['a3000000-0000-4000-8000-0000000000a2', 'a3000000-0000-4000-8000-0000000000a1']::uuid[], 2)$$,
  'An expired lease passes the work to another invocation, without the sites already done'
);
select is(private.finish_job('a5000000-0000-4000-8000-0000000000a2', 'worker-1', 'succeeded'), null,
  'The invocation that lost its lease cannot finish the job');
select is(private.renew_leases('worker-2', 120), 3, 'An invocation renews all its leases at once');

-- worker-2 dies on the job's last attempt.
reset role;
update public.sync_jobs set lease_expires_at = now() - interval '1 second', attempts = max_attempts,
  last_error = 'Cannot reach SolarEdge: 503'
where id = 'a5000000-0000-4000-8000-0000000000a1';
set local role service_role;
select results_eq(
  $$select job_id from private.claim_jobs('solaredge', 'worker-3', 10, 60)$$,
  array[]::uuid[],
  'A job whose worker died on its last attempt is not handed out again'
);
select results_eq(
  $$select status, last_error, lease_owner from public.sync_jobs where id = 'a5000000-0000-4000-8000-0000000000a1'$$,
  $$values ('dead', 'Cannot finish the job: its worker stopped without a result on attempt 5 of 5 (last error: Cannot reach SolarEdge: 503)', null::text)$$,
  'It is dead with an error saying why'
);

select is(private.release_jobs('worker-2'), 2, 'Releasing gives back every job the invocation holds');
select results_eq(
  $$select id, status, attempts, lease_owner, run_after <= now() from public.sync_jobs
    where id in ('a5000000-0000-4000-8000-0000000000a2', 'a5000000-0000-4000-8000-0000000000b1')
    order by id$$,
  $$values
    ('a5000000-0000-4000-8000-0000000000a2'::uuid, 'pending', 1, null::text, true),
    ('a5000000-0000-4000-8000-0000000000b1'::uuid, 'pending', 0, null::text, true)$$,
  'Released jobs are due at once and the release does not count as an attempt'
);
select throws_like(
  $$select * from private.claim_jobs('solaredge', '  ', 1, 60)$$,
  '%lease owner is empty%',
  'A claim without an owner is refused'
);

select * from finish();
rollback;
