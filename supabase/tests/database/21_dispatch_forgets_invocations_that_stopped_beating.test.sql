-- A queue run whose worker was killed stays `running` until the orphan sweep; the dispatcher
-- counts it only while it started or beat within two minutes, so dead workers cannot hold every
-- slot. private.touch_run is the heartbeat.
begin;
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(5);

delete from public.sync_jobs;
delete from net.http_request_queue;
update public.sync_runs set status = 'failed', finished_at = now() where status = 'running';
update public.sync_dispatch_settings set dispatch_enabled = true, max_invocations = 3, jobs_per_invocation = 1
where source = 'sma';

insert into public.organizations (id, name) values ('e1000000-0000-4000-8000-000000000002', 'Heartbeat Solar');
insert into public.inverter_credentials (organization_id, source, label, secret)
select 'e1000000-0000-4000-8000-000000000002', 'sma', 'owner-' || n, 'gAAAAA' || n from generate_series(1, 5) n;
insert into public.sync_jobs (organization_id, credential_id, source)
select organization_id, id, 'sma' from public.inverter_credentials
where organization_id = 'e1000000-0000-4000-8000-000000000002';

-- Three queue runs started five minutes ago: one beat 20 s ago, two were killed and never beat.
insert into public.sync_runs (id, source, trigger, options, started_at, alive_at) values
  ('e5000000-0000-4000-8000-000000000001', 'sma', 'cron', '{"queue": true}', now() - interval '5 minutes',
    now() - interval '20 seconds'),
  ('e5000000-0000-4000-8000-000000000002', 'sma', 'cron', '{"queue": true}', now() - interval '5 minutes', null),
  ('e5000000-0000-4000-8000-000000000003', 'sma', 'cron', '{"queue": true}', now() - interval '5 minutes',
    now() - interval '3 minutes');

select is(private.dispatch('sma'), 2, 'Only the beating run holds a slot: two of three are free');

delete from net.http_request_queue;
select ok(private.touch_run('e5000000-0000-4000-8000-000000000002'), 'A running run beats');
select is(private.dispatch('sma'), 1, 'and holds its slot again');

update public.sync_runs set status = 'failed', finished_at = now()
where id = 'e5000000-0000-4000-8000-000000000003';
select ok(not private.touch_run('e5000000-0000-4000-8000-000000000003'), 'An ended run does not beat');
select is((select alive_at < now() - interval '2 minutes' from public.sync_runs
  where id = 'e5000000-0000-4000-8000-000000000003'), true, 'and keeps its last beat');

select * from finish();
rollback;
