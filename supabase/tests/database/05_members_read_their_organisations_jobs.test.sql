-- The queue's access rules: members read their own organisation's jobs, job sites and dead jobs,
-- never another's, and change nothing; anon reads nothing; members cannot call the queue's
-- functions; the service role reads everything.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(12);

insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000001', 'ana@example.test');
insert into public.organizations (id, name) values
  ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar'),
  ('b1000000-0000-4000-8000-000000000002', 'Beta Energy');
insert into public.organization_members (organization_id, user_id)
  values ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'a', 'gAAAAAa'),
  ('b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'solaredge', 'b', 'gAAAAAb');
insert into public.inverter_sites (id, organization_id, credential_id, source, vendor_site_id) values
  ('a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'solaredge', 'alpha-1'),
  ('b3000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000002', 'solaredge', 'beta-1');
insert into public.sync_jobs (id, organization_id, credential_id, source, status, attempts, last_error, finished_at) values
  ('a5000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'solaredge', 'dead', 5, 'Cannot reach SolarEdge: 503', now()),
  ('b5000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000002', 'solaredge', 'dead', 5, 'Cannot reach SolarEdge: 503', now());
insert into public.sync_job_sites (job_id, site_id, open) values
  ('a5000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', false),
  ('b5000000-0000-4000-8000-000000000002', 'b3000000-0000-4000-8000-000000000002', false);

set local role authenticated;
set local request.jwt.claims = '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  'select id from public.sync_jobs',
  array['a5000000-0000-4000-8000-000000000001'::uuid],
  'A member sees only their organisation''s jobs'
);
select results_eq(
  'select site_id from public.sync_job_sites',
  array['a3000000-0000-4000-8000-000000000001'::uuid],
  'A member sees only the sites of their organisation''s jobs'
);
select results_eq(
  'select id, last_error, sites from public.sync_jobs_dead',
  $$values ('a5000000-0000-4000-8000-000000000001'::uuid, 'Cannot reach SolarEdge: 503', 1)$$,
  'A member sees their organisation''s dead jobs with the last error'
);
select throws_ok(
  $$update public.sync_jobs set status = 'pending'$$,
  '42501', null, 'A member cannot revive or change a job'
);
select throws_ok(
  $$insert into public.sync_jobs (organization_id, credential_id, source)
    values ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'solaredge')$$,
  '42501', null, 'A member cannot add a job'
);
select throws_ok(
  $$select * from private.claim_jobs('solaredge', 'member', 1, 60)$$,
  '42501', null, 'A member cannot claim jobs'
);
select throws_ok(
  $$select private.enqueue_due_jobs('solaredge')$$,
  '42501', null, 'A member cannot enqueue work'
);
select throws_ok(
  $$select private.dispatch('solaredge')$$,
  '42501', null, 'A member cannot make the dispatcher call a function'
);
select throws_ok(
  $$select private.reserve_quota('solaredge:key:x', 'day', 300)$$,
  '42501', null, 'A member cannot spend a quota'
);

reset role;
set local role anon;
select throws_ok('select id from public.sync_jobs', '42501', null, 'Anon cannot read jobs');
select throws_ok('select id from public.sync_jobs_dead', '42501', null, 'Anon cannot read dead jobs');

reset role;
set local role service_role;
select is(
  (select count(*)::int from public.sync_jobs where id in (
    'a5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002')),
  2,
  'The service role reads every organisation''s jobs'
);

select * from finish();
rollback;
