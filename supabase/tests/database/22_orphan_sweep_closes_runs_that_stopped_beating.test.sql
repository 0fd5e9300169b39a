-- The orphan sweep closes a queue run three minutes after its last beat (or its start), any
-- function run ten minutes after its start, and leaves a beating run and a CLI run alone.
begin;
set local search_path = public, extensions;
select plan(4);

update public.sync_runs set status = 'failed', finished_at = now() where status = 'running';
insert into public.sync_runs (id, source, trigger, options, started_at, alive_at) values
  ('e6000000-0000-4000-8000-000000000001', 'sma', 'cron', '{"queue": true}', now() - interval '5 minutes', null),
  ('e6000000-0000-4000-8000-000000000002', 'sma', 'cron', '{"queue": true}', now() - interval '5 minutes',
    now() - interval '20 seconds'),
  ('e6000000-0000-4000-8000-000000000003', 'sma', 'manual', '{"queue": false}', now() - interval '11 minutes', null),
  ('e6000000-0000-4000-8000-000000000004', 'sma', 'cli', '{}', now() - interval '1 hour', null);

select is(private.close_stale_runs(interval '10 minutes'), 2, 'Two runs are closed');
select results_eq(
  $$select id::text, status from public.sync_runs where id::text like 'e6000000%' order by id$$,
  $$values ('e6000000-0000-4000-8000-000000000001', 'failed'),
    ('e6000000-0000-4000-8000-000000000002', 'running'),
    ('e6000000-0000-4000-8000-000000000003', 'failed'),
    ('e6000000-0000-4000-8000-000000000004', 'running')$$,
  'The silent queue run and the old function run are closed; the beating one and the CLI run stay'
);
select is(
  (select error from public.sync_runs where id = 'e6000000-0000-4000-8000-000000000001'),
  'Run did not finish: the function was stopped before it could record its outcome',
  'with the reason'
);
select is(private.close_stale_runs(interval '10 minutes'), 0, 'A second sweep finds nothing');

select * from finish();
rollback;
