-- A run whose function was stopped (the wall clock, CPU or memory limit, a killed process) never
-- records its outcome and would stay `running` forever. Two things close it: the function itself
-- on `beforeunload` (shared/invocation.ts calls private.close_runs with its own runs), and, for a
-- worker killed without that chance, a sweep every five minutes over runs older than any function
-- can live (400 s on paid plans, supabase.md §4), so no run is left `running`.

-- Closes the given runs that are still running as failed with `reason`, counting what their
-- sites recorded before the stop; returns how many it closed. A finished run is left as it is.
create function private.close_runs(run_ids uuid[], reason text) returns integer
language sql security definer set search_path = '' as $$
  with closed as (
    update public.sync_runs r
    set status = 'failed', finished_at = now(), error = reason,
        (sites_total, sites_succeeded, sites_failed, api_calls, objects_written) = (
          select count(*)::int,
                 (count(*) filter (where s.status = 'succeeded'))::int,
                 (count(*) filter (where s.status = 'failed'))::int,
                 coalesce(sum(s.api_calls), 0)::int,
                 coalesce(sum(cardinality(s.object_keys)), 0)::int
          from public.sync_run_sites s where s.run_id = r.id
        )
    where r.id = any(run_ids) and r.status = 'running'
    returning 1
  )
  select count(*)::int from closed;
$$;
revoke all on function private.close_runs(uuid[], text) from public, anon, authenticated;

-- Only runs of the functions (cron or manual triggers): an operator's CLI run is not bound by the
-- Edge wall clock and may rightly take longer.
create function private.close_stale_runs(older_than interval default interval '10 minutes')
returns integer
language sql security definer set search_path = '' as $$
  select private.close_runs(
    array(
      select id from public.sync_runs
      where status = 'running' and trigger in ('cron', 'manual')
        and started_at < now() - older_than
    ),
    'Run did not finish: the function was stopped before it could record its outcome'
  );
$$;
revoke all on function private.close_stale_runs(interval) from public, anon, authenticated;

select cron.schedule(
  'close-orphaned-runs',
  '*/5 * * * *',
  $$select private.close_stale_runs(interval '10 minutes')$$
);
