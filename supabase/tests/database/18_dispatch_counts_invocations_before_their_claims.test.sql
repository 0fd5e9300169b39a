-- The dispatcher counts a queue invocation as at work from its run's start, before it holds any
-- lease, so a slow start is not answered with more invocations than max_invocations; a run of
-- another kind, or one too old to be alive, does not count.
begin;
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(4);

delete from public.sync_jobs;
delete from net.http_request_queue;
update public.sync_runs set status = 'failed', finished_at = now() where status = 'running';
update public.sync_dispatch_settings set dispatch_enabled = true, max_invocations = 3, jobs_per_invocation = 1
where source = 'sma';

insert into public.organizations (id, name) values ('e1000000-0000-4000-8000-000000000001', 'Dispatch Solar');
insert into public.inverter_credentials (organization_id, source, label, secret)
select 'e1000000-0000-4000-8000-000000000001', 'sma', 'owner-' || n, 'gAAAAA' || n from generate_series(1, 5) n;
insert into public.sync_jobs (organization_id, credential_id, source)
select organization_id, id, 'sma' from public.inverter_credentials
where organization_id = 'e1000000-0000-4000-8000-000000000001';

-- Two queue invocations have started and claimed nothing yet; a manual run and an orphan from an
-- hour ago are running too.
insert into public.sync_runs (source, trigger, options, started_at) values
  ('sma', 'cron', '{"queue": true}', now()),
  ('sma', 'cron', '{"queue": true}', now() - interval '1 minute'),
  ('sma', 'manual', '{"queue": false}', now()),
  ('sma', 'cron', '{"queue": true}', now() - interval '1 hour');

select is(private.dispatch('sma'), 1, 'Two starting queue invocations leave one of three slots');
select is((select count(*)::int from net.http_request_queue), 1, 'One request is queued');

-- One of them claims a job: it is still one invocation, not two.
delete from net.http_request_queue;
update public.sync_jobs set status = 'running', attempts = 1,
  lease_owner = 'sma:' || (select id from public.sync_runs where source = 'sma' and status = 'running'
    and started_at > now() - interval '30 seconds' and trigger = 'cron'),
  lease_expires_at = now() + interval '1 minute'
where id = (select id from public.sync_jobs where organization_id = 'e1000000-0000-4000-8000-000000000001' limit 1);
select is(private.dispatch('sma'), 1, 'An invocation holding a lease and its run counts once');

update public.sync_runs set status = 'succeeded', finished_at = now() where source = 'sma' and status = 'running';
update public.sync_jobs set status = 'pending', lease_owner = null, lease_expires_at = null;
delete from net.http_request_queue;
select is(private.dispatch('sma'), 3, 'Ended runs free their slots');

select * from finish();
rollback;
