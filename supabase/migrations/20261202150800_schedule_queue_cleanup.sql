-- A fleet of 10,000 sites leaves about 200 finished jobs and 10,000 job-site rows per vendor and
-- hour. Succeeded jobs are trimmed after two days (sync_runs keeps the history of what each hour
-- did); dead jobs stay 30 days so operators can read their errors. Open jobs are never touched.
create function private.trim_finished_jobs() returns integer
language sql security definer set search_path = '' as $$
  with trimmed as (
    delete from public.sync_jobs
    where (status = 'succeeded' and finished_at < now() - interval '2 days')
       or (status = 'dead' and finished_at < now() - interval '30 days')
    returning 1
  )
  select count(*)::int from trimmed;
$$;
revoke all on function private.trim_finished_jobs() from public, anon, authenticated;
comment on function private.trim_finished_jobs() is
  'Deletes succeeded jobs after 2 days and dead jobs after 30; returns how many.';

select cron.schedule('queue-history-cleanup', '37 3 * * *', $$select private.trim_finished_jobs()$$);
