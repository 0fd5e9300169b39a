-- The schedule: an hourly pg_cron job per vendor that posts to the function through pg_net with
-- the URL and key from Vault, and never carries a literal URL or key itself.
begin;
set local search_path = public, extensions;
select plan(8);

select is(
  (select schedule from cron.job where jobname = 'solaredge-hourly'),
  '7 * * * *',
  'The SolarEdge job runs every hour at minute 7'
);
select is(
  (select database from cron.job where jobname = 'solaredge-hourly'),
  current_setting('cron.database_name'),
  'The job runs in the database pg_cron lives in'
);
select unalike(
  (select command from cron.job where jobname = 'solaredge-hourly'),
  '%http%',
  'The job command holds no URL literal'
);
-- cron.job's columns carry their own collation, so the comparison names one.
select is(
  (select count(*)::int from cron.job
    where jobname in ('enphase-hourly', 'sma-hourly', 'goodwe-hourly')
      and command collate "C" =
        format('select private.invoke_fetcher(%L)', split_part(jobname, '-', 1)) collate "C"),
  3,
  'Every vendor has its own hourly job calling its function'
);
select ok(
  exists (select 1 from cron.job where jobname = 'cron-history-cleanup'),
  'Old cron history is cleaned up daily'
);

-- Run the job's own command with known Vault values and inspect the queued request.
select vault.update_secret(
  (select id from vault.secrets where name = 'project_url'), 'https://proj.example.test/'
);
select vault.update_secret(
  (select id from vault.secrets where name = 'service_role_key'), 'key-from-vault'
);
delete from net.http_request_queue;
select lives_ok(
  (select command from cron.job where jobname = 'solaredge-hourly'),
  'The job command runs'
);
select results_eq(
  $$select url, headers ->> 'apikey', timeout_milliseconds from net.http_request_queue$$,
  $$values ('https://proj.example.test/functions/v1/solaredge/run', 'key-from-vault', 10000)$$,
  'It posts to the function URL from Vault with the Vault key and an explicit timeout'
);

delete from vault.secrets where name = 'service_role_key';
select throws_like(
  $$select private.invoke_fetcher('solaredge')$$,
  '%Vault secrets project_url and service_role_key must be set%',
  'Without the Vault secrets the job fails loudly instead of calling nowhere'
);

select * from finish();
rollback;
