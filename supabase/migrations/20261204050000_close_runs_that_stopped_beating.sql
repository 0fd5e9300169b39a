-- The orphan sweep closed a function's run only ten minutes after its start, longer than any
-- plan's wall clock. A queue invocation now beats (sync_runs.alive_at, at most every 30 s), so
-- one whose worker was killed is known dead once it has neither started nor beaten for three
-- minutes: the sweep closes it then, and a dashboard no longer shows it `running` for ten.
create or replace function private.close_stale_runs(older_than interval default interval '10 minutes')
returns integer
language sql security definer set search_path = '' as $$
  select private.close_runs(
    array(
      select id from public.sync_runs
      where status = 'running' and trigger in ('cron', 'manual')
        and (started_at < now() - older_than
          or ((options ->> 'queue')::boolean is true
            and greatest(started_at, alive_at) < now() - interval '3 minutes'))
    ),
    'Run did not finish: the function was stopped before it could record its outcome'
  );
$$;
