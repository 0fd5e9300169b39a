-- Orphaned runs: a run left `running` by a stopped function is closed as failed with a reason and
-- the counts its sites recorded; fresh runs, CLI runs and finished runs are left alone.
begin;
set local search_path = public, extensions;
select plan(8);

insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.sync_runs (id, source, trigger, status, started_at) values
  ('c0000000-0000-4000-8000-000000000001', 'solaredge', 'cron', 'running', now() - interval '20 minutes'),
  ('c0000000-0000-4000-8000-000000000002', 'solaredge', 'cron', 'running', now() - interval '2 minutes'),
  ('c0000000-0000-4000-8000-000000000003', 'solaredge', 'cli', 'running', now() - interval '20 minutes'),
  ('c0000000-0000-4000-8000-000000000004', 'enphase', 'manual', 'succeeded', now() - interval '20 minutes');
insert into public.sync_run_sites (run_id, organization_id, status, api_calls, object_keys) values
  ('c0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'succeeded', 3, '{a,b}'),
  ('c0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'failed', 1, '{}');

select is(
  (select schedule from cron.job where jobname = 'close-orphaned-runs'),
  '*/5 * * * *',
  'A sweep for orphaned runs runs every five minutes'
);
select lives_ok(
  (select command from cron.job where jobname = 'close-orphaned-runs'),
  'The sweep command runs'
);
select results_eq(
  $$select status, error, sites_total, sites_succeeded, sites_failed, api_calls, objects_written,
           finished_at is not null
    from public.sync_runs where id = 'c0000000-0000-4000-8000-000000000001'$$,
  $$values ('failed'::text,
            'Run did not finish: the function was stopped before it could record its outcome'::text,
            2, 1, 1, 4, 2, true)$$,
  'A run older than any function can live is closed as failed, with what its sites recorded'
);
select is(
  (select status from public.sync_runs where id = 'c0000000-0000-4000-8000-000000000002'),
  'running',
  'A run that may still be working is left running'
);
select is(
  (select status from public.sync_runs where id = 'c0000000-0000-4000-8000-000000000003'),
  'running',
  'A CLI run, not bound by the Edge wall clock, is left running'
);
select is(
  (select private.close_runs(
    array['c0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000004']::uuid[],
    'Run did not finish: the function was stopped (WallClockTime) before it could record its outcome')),
  1,
  'close_runs closes only the listed runs that are still running'
);
select results_eq(
  $$select status, error from public.sync_runs where id = 'c0000000-0000-4000-8000-000000000002'$$,
  $$values ('failed'::text,
    'Run did not finish: the function was stopped (WallClockTime) before it could record its outcome'::text)$$,
  'A run closed by its own function says why'
);
select is(
  (select status from public.sync_runs where id = 'c0000000-0000-4000-8000-000000000004'),
  'succeeded',
  'A finished run keeps its outcome'
);

select * from finish();
rollback;
