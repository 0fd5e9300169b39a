-- The daily queue cleanup: old succeeded jobs go after two days, dead ones after 30 days, and
-- open jobs stay however old they are.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(3);

delete from public.sync_jobs;
insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'sma', 'a', 'gAAAAAa');
insert into public.sync_jobs (organization_id, credential_id, source, status, finished_at, created_at, last_error)
select 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'sma', status,
  case when status in ('succeeded', 'dead') then now() - age end, now() - age, label
from (values
  ('succeeded', interval '3 days', 'old success'),
  ('succeeded', interval '1 day', 'recent success'),
  ('dead', interval '31 days', 'old dead'),
  ('dead', interval '3 days', 'recent dead'),
  ('pending', interval '40 days', 'old pending'),
  ('failed', interval '40 days', 'old failed')
) v (status, age, label);

select ok(
  exists (select 1 from cron.job where jobname = 'queue-history-cleanup' and schedule = '37 3 * * *'),
  'The queue is cleaned up daily'
);
select lives_ok((select command from cron.job where jobname = 'queue-history-cleanup'), 'The job command runs');
select results_eq(
  'select last_error from public.sync_jobs order by last_error',
  $$values ('old failed'), ('old pending'), ('recent dead'), ('recent success')$$,
  'Old succeeded and dead jobs are gone; recent and open ones stay'
);

select * from finish();
rollback;
