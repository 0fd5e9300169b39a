-- The queue summary: per vendor, jobs by state, invocations at work and the oldest due work; a
-- member sees only their organisation's share, anon nothing.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(3);

delete from public.sync_jobs;
insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000001', 'ana@example.test');
insert into public.organizations (id, name) values
  ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar'),
  ('b1000000-0000-4000-8000-000000000002', 'Beta Energy');
insert into public.organization_members (organization_id, user_id)
  values ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'goodwe', 'a', 'gAAAAAa'),
  ('b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'goodwe', 'b', 'gAAAAAb');
insert into public.sync_jobs (organization_id, credential_id, source, status, run_after, lease_owner,
  lease_expires_at, oldest_synced_through)
values
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'goodwe', 'pending', now() - interval '10 minutes', null, null, now() - interval '5 hours'),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'goodwe', 'running', now(), 'inv-1', now() + interval '1 minute', now() - interval '2 hours'),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'goodwe', 'running', now(), 'inv-2', now() - interval '1 minute', now() - interval '2 hours'),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'goodwe', 'failed', now() + interval '1 minute', null, null, null),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'goodwe', 'dead', now(), null, null, null),
  ('b1000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000002', 'goodwe', 'pending', now() - interval '1 hour', null, null, now() - interval '9 hours');

set local role service_role;
select results_eq(
  $$select source, pending, running, lease_expired, retrying, dead, invocations, oldest_due_since,
      oldest_watermark from public.sync_queue_summary$$,
  $$values ('goodwe', 2, 1, 1, 1, 1, 1, now() - interval '1 hour', now() - interval '9 hours')$$,
  'The service role sees the whole vendor queue at a glance'
);
reset role;
set local role authenticated;
set local request.jwt.claims = '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  $$select pending, oldest_due_since, oldest_watermark from public.sync_queue_summary$$,
  $$values (1, now() - interval '10 minutes', now() - interval '5 hours')$$,
  'A member sees only their organisation''s share'
);
reset role;
set local role anon;
select throws_ok('select * from public.sync_queue_summary', '42501', null, 'Anon cannot read the summary');

select * from finish();
rollback;
