-- The schedule: per vendor, an hourly enqueue of the due work and a per-minute dispatch that posts
-- to the function through pg_net with the URL and key from Vault; no job walks the fleet in one
-- call any more, and no job carries a literal URL or key itself.
begin;
set local search_path = public, extensions;
select plan(10);

-- cron.job's columns carry their own collation, so the comparisons name one.
select is(
  (select count(*)::int from cron.job
    where jobname like '%-enqueue' and schedule = '5 * * * *'
      and command collate "C" =
        format('select private.enqueue_due_jobs(%L)', split_part(jobname, '-', 1)) collate "C"),
  4,
  'Every vendor has an hourly enqueue at minute 5'
);
select is(
  (select count(*)::int from cron.job
    where jobname like '%-dispatch' and schedule = '* * * * *'
      and command collate "C" =
        format('select private.dispatch(%L)', split_part(jobname, '-', 1)) collate "C"),
  4,
  'Every vendor has a dispatch every minute'
);
select is(
  (select count(*)::int from cron.job where jobname like '%-hourly'),
  0,
  'No job posts one run for a whole vendor any more'
);
select is(
  (select count(*)::int from public.sync_dispatch_settings where dispatch_enabled),
  4,
  'Dispatch is switched on for the four vendors'
);
select is(
  (select database from cron.job where jobname = 'solaredge-dispatch'),
  current_setting('cron.database_name'),
  'The jobs run in the database pg_cron lives in'
);
select ok(
  not exists (select 1 from cron.job where command ilike '%http%' or command ilike '%service_role%' or command ilike '%bearer%'),
  'No job command holds a URL or a key'
);
select ok(
  exists (select 1 from cron.job where jobname = 'cron-history-cleanup'),
  'Old cron history is cleaned up daily'
);

-- Dispatch with due work and known Vault values, and inspect the queued request.
select vault.update_secret(
  (select id from vault.secrets where name = 'project_url'), 'https://proj.example.test/'
);
select vault.update_secret(
  (select id from vault.secrets where name = 'service_role_key'), 'key-from-vault'
);
-- Only this test's work is due: the other vendors' and earlier tests' jobs wait.
update public.sync_jobs set run_after = now() + interval '1 day'
where status in ('pending', 'failed');
insert into public.organizations (id, name) values ('00000000-0000-0000-0000-00000000c303', 'Schedule');
insert into public.inverter_credentials (organization_id, source, label, secret)
values ('00000000-0000-0000-0000-00000000c303', 'solaredge', 'schedule', 'gAAAAA-test');
delete from net.http_request_queue;
select is(
  private.dispatch('solaredge'),
  1,
  'A new credential''s discovery is due work: one call'
);
select results_eq(
  $$select url, headers ->> 'apikey', convert_from(body, 'utf8')::jsonb, timeout_milliseconds
    from net.http_request_queue$$,
  $$values ('https://proj.example.test/functions/v1/solaredge/run', 'key-from-vault',
            '{"trigger": "cron", "queue": true}'::jsonb, 10000)$$,
  'It posts a queue call to the function URL from Vault with the Vault key and a timeout'
);

delete from vault.secrets where name = 'service_role_key';
select throws_like(
  $$select private.dispatch('solaredge')$$,
  '%Vault secrets project_url and service_role_key must be set%',
  'Without the Vault secrets dispatch fails loudly instead of calling nowhere'
);

select * from finish();
rollback;
