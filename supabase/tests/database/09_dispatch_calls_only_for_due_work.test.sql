-- The per-minute dispatcher: an idle minute makes no HTTP call; due work asks for one invocation
-- per jobs_per_invocation jobs, no more than the credentials that can be worked, minus the
-- invocations already holding leases, capped by max_invocations; each call posts {"queue": true}
-- to the function with the Vault URL and key. Switched off, it calls nothing.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(12);

delete from public.sync_jobs;
delete from net.http_request_queue;
select vault.update_secret((select id from vault.secrets where name = 'project_url'), 'https://proj.example.test/');
select vault.update_secret((select id from vault.secrets where name = 'service_role_key'), 'key-from-vault');
update public.sync_dispatch_settings set dispatch_enabled = true, max_invocations = 4, jobs_per_invocation = 10
where source = 'sma';

select is(private.dispatch('sma'), 0, 'An idle minute asks for no invocation');
select is_empty('select 1 from net.http_request_queue', 'An idle minute queues no HTTP request');

-- 25 credentials with one due job each, and one job not due yet.
insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.inverter_credentials (organization_id, source, label, secret)
select 'a1000000-0000-4000-8000-000000000001', 'sma', 'owner-' || n, 'gAAAAA' || n from generate_series(1, 26) n;
insert into public.sync_jobs (organization_id, credential_id, source, run_after)
select organization_id, id, 'sma', case when label = 'owner-26' then now() + interval '5 minutes' else now() end
from public.inverter_credentials where organization_id = 'a1000000-0000-4000-8000-000000000001';

select is(private.dispatch('sma'), 3, '25 due jobs at 10 per invocation ask for three invocations');
select results_eq(
  $$select count(*)::int, min(url), min(headers ->> 'apikey'), min(convert_from(body, 'utf8')::jsonb ->> 'queue')
    from net.http_request_queue$$,
  $$values (3, 'https://proj.example.test/functions/v1/sma/run', 'key-from-vault', 'true')$$,
  'Each asks the vendor''s function, with the Vault URL and key, to work the queue'
);

delete from net.http_request_queue;
update public.sync_dispatch_settings set max_invocations = 2 where source = 'sma';
select is(private.dispatch('sma'), 2, 'The vendor''s max_invocations caps the parallel calls');

-- Two invocations already hold leases on two credentials: they count against the cap, and the
-- jobs they hold are not due work.
delete from net.http_request_queue;
update public.sync_dispatch_settings set max_invocations = 4 where source = 'sma';
update public.sync_jobs set status = 'running', lease_owner = 'inv-' || right(label, 1), lease_expires_at = now() + interval '1 minute'
from public.inverter_credentials c
where c.id = sync_jobs.credential_id and c.label in ('owner-1', 'owner-2');
select is(private.dispatch('sma'), 2, 'Invocations holding leases count against the cap');
select is((select count(*)::int from net.http_request_queue), 2, 'It queued that many requests');

-- A credential's further jobs wait for the invocation that holds it, so they ask for nothing.
delete from net.http_request_queue;
delete from public.sync_jobs where status = 'pending';
insert into public.sync_jobs (organization_id, credential_id, source)
select organization_id, credential_id, 'sma' from public.sync_jobs where status = 'running';
select is(private.dispatch('sma'), 0, 'Jobs of credentials already being worked ask for no new invocation');

-- Only one credential has work: one invocation, however many jobs it has.
update public.sync_jobs set status = 'pending', lease_owner = null, lease_expires_at = null;
delete from public.sync_jobs where credential_id = (select id from public.inverter_credentials where label = 'owner-2');
insert into public.sync_jobs (organization_id, credential_id, source)
select organization_id, credential_id, 'sma' from public.sync_jobs, generate_series(1, 30);
select is(private.dispatch('sma'), 1, 'One credential''s work asks for one invocation');

delete from net.http_request_queue;
update public.sync_dispatch_settings set dispatch_enabled = false where source = 'sma';
select is(private.dispatch('sma'), 0, 'Switched off, the dispatcher asks for nothing');
select is_empty('select 1 from net.http_request_queue', 'and queues no request');

select is(
  (select count(*)::int from cron.job
    where jobname in ('solaredge-dispatch', 'enphase-dispatch', 'sma-dispatch', 'goodwe-dispatch')
      -- Not `active`: `deno task test` pauses the queue's cron jobs while the tests run.
      and schedule = '* * * * *'
      and command collate "C" = format('select private.dispatch(%L)', split_part(jobname, '-', 1)) collate "C"),
  4,
  'Every vendor has a per-minute dispatch job'
);

select * from finish();
rollback;
