-- A job that no retry can help (its credential is no longer active: it needs re-authorisation or
-- was disabled) used to fail and retry with backoff until its last attempt, hours later. The
-- outcome 'dead' ends it at once with its error, so operators see it among the dead jobs, and
-- its sites leave it (the trigger on sync_jobs), to be queued again once the credential is.

create or replace function private.finish_job(
  job_id uuid,
  owner text,
  outcome text,
  error text default null,
  retry_after timestamptz default null,
  backoff_base_seconds double precision default 30,
  backoff_cap_seconds double precision default 3600
)
returns text
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_variable
declare
  job public.sync_jobs;
  next_status text;
begin
  if outcome is null or outcome not in ('succeeded', 'failed', 'deferred', 'dead') then
    raise exception
      'Cannot finish job %: outcome must be succeeded, failed, deferred or dead, got %',
      job_id, coalesce(outcome, 'null');
  end if;
  if outcome in ('failed', 'dead') and (error is null or length(trim(error)) = 0) then
    raise exception 'Cannot fail job %: the error is empty', job_id;
  end if;
  select * into job from public.sync_jobs j
  where j.id = finish_job.job_id and j.status = 'running' and j.lease_owner = finish_job.owner
  for update;
  if not found then
    return null;
  end if;

  if outcome = 'succeeded' then
    update public.sync_jobs j
    set status = 'succeeded', lease_owner = null, lease_expires_at = null, finished_at = now(),
      updated_at = now()
    where j.id = job.id;
    next_status := 'succeeded';
  elsif outcome = 'deferred' then
    update public.sync_jobs j
    set status = 'pending', lease_owner = null, lease_expires_at = null,
      attempts = greatest(j.attempts - 1, 0), run_after = coalesce(retry_after, now()),
      updated_at = now()
    where j.id = job.id;
    next_status := 'pending';
  elsif outcome = 'dead' or job.attempts >= job.max_attempts then
    update public.sync_jobs j
    set status = 'dead', lease_owner = null, lease_expires_at = null, last_error = error,
      finished_at = now(), updated_at = now()
    where j.id = job.id;
    next_status := 'dead';
  else
    update public.sync_jobs j
    set status = 'failed', lease_owner = null, lease_expires_at = null, last_error = error,
      run_after = greatest(
        coalesce(retry_after, now()),
        now() + make_interval(
          secs => least(backoff_cap_seconds, backoff_base_seconds * 2 ^ job.attempts) * random()
        )
      ),
      updated_at = now()
    where j.id = job.id;
    next_status := 'failed';
  end if;
  return next_status;
end;
$$;

comment on function private.finish_job(uuid, text, text, text, timestamptz, double precision, double precision) is
  'Ends a job its owner holds: succeeded; failed (retried with backoff and jitter, dead at its last attempt); deferred (no attempt counted); dead (no retry can help).';
