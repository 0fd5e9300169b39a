-- How invocations take work from the queue. claim_jobs hands out due jobs under a lease with
-- FOR UPDATE SKIP LOCKED, so two invocations never claim one job, and it hands a credential's
-- jobs to one invocation at a time: a credential whose jobs another owner holds under a live
-- lease is skipped, and a transaction-level advisory lock per credential closes the gap between
-- that check and the claim (transaction-level, so it is safe behind the transaction pooler).
-- A lease that expires (a killed worker) makes the job claimable again; a job whose lease expired
-- on its last attempt is dead. finish_job ends a job, retries a failure with backoff and full
-- jitter, or defers it (a quota that would overspend) without counting an attempt.
-- release_jobs gives an invocation's unfinished jobs back, for beforeunload.
-- Callers: the functions' database role; none of this is reachable by members.

-- A job is claimable when it is waiting and due, or running under a lease that has expired.
create function private.job_is_claimable(job public.sync_jobs) returns boolean
language sql stable set search_path = '' as $$
  select (job.status in ('pending', 'failed') and job.run_after <= now())
    or (job.status = 'running' and job.lease_expires_at <= now());
$$;
revoke all on function private.job_is_claimable(public.sync_jobs) from public, anon, authenticated;

create function private.claim_jobs(
  vendor text,
  owner text,
  max_jobs integer default 10,
  lease_seconds integer default 120
)
returns table (
  job_id uuid,
  credential_id uuid,
  organization_id uuid,
  kind text,
  priority integer,
  window_from timestamptz,
  window_to timestamptz,
  attempts integer,
  lease_expires_at timestamptz,
  site_ids uuid[]
)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  candidate record;
  accepted uuid[] := '{}';
  refused uuid[] := '{}';
  claimed uuid[] := '{}';
  got uuid;
begin
  if owner is null or length(trim(owner)) = 0 then
    raise exception 'Cannot claim % jobs: the lease owner is empty', vendor;
  end if;
  if max_jobs is null or max_jobs < 1 or lease_seconds is null or lease_seconds < 1 then
    raise exception 'Cannot claim % jobs: max_jobs and lease_seconds must be at least 1', vendor;
  end if;

  -- A job whose worker died on its last attempt is not handed out again: it ends dead, so a site
  -- that kills every worker cannot hold the queue.
  update public.sync_jobs j
  set status = 'dead', lease_owner = null, lease_expires_at = null, finished_at = now(),
    updated_at = now(),
    last_error = format(
      'Cannot finish the job: its worker stopped without a result on attempt %s of %s',
      j.attempts, j.max_attempts
    ) || coalesce(' (last error: ' || j.last_error || ')', '')
  where j.id in (
    select x.id from public.sync_jobs x
    where x.source = vendor and x.status = 'running' and x.lease_expires_at <= now()
      and x.attempts >= x.max_attempts
    for update skip locked
  );
  -- A job left with no open site (its sites were finished one by one, or deleted) has nothing
  -- to do.
  update public.sync_jobs j
  set status = 'succeeded', lease_owner = null, lease_expires_at = null, finished_at = now(),
    updated_at = now()
  where j.id in (
    select x.id from public.sync_jobs x
    where x.source = vendor and private.job_is_claimable(x)
      and not exists (select 1 from public.sync_job_sites s where s.job_id = x.id and s.open)
    for update skip locked
  );

  -- Serving order: work a dead worker left first, then priority, then the oldest watermark.
  for candidate in
    select x.id, x.credential_id from public.sync_jobs x
    where x.source = vendor and private.job_is_claimable(x)
    order by (x.status = 'running') desc, x.priority desc, x.oldest_synced_through asc nulls first,
      x.created_at, x.id
  loop
    exit when cardinality(claimed) >= max_jobs;
    continue when candidate.credential_id = any(refused);
    if not candidate.credential_id = any(accepted) then
      -- The lock makes this check and the claims below one step for this credential; the
      -- check is a new statement, so it sees every claim committed before the lock was taken.
      if not pg_try_advisory_xact_lock(
        hashtextextended('private.claim_jobs:' || candidate.credential_id::text, 0)
      ) or exists (
        select 1 from public.sync_jobs r
        where r.credential_id = candidate.credential_id and r.status = 'running'
          and r.lease_owner <> owner and r.lease_expires_at > now()
      ) then
        refused := refused || candidate.credential_id;
        continue;
      end if;
      accepted := accepted || candidate.credential_id;
    end if;
    got := null;
    update public.sync_jobs j
    set status = 'running', lease_owner = owner,
      lease_expires_at = now() + make_interval(secs => lease_seconds),
      attempts = j.attempts + 1, updated_at = now()
    where j.id = (
      select x.id from public.sync_jobs x
      where x.id = candidate.id and private.job_is_claimable(x)
      for update skip locked
    )
    returning j.id into got;
    if got is not null then
      claimed := claimed || got;
    end if;
  end loop;

  return query
    select j.id, j.credential_id, j.organization_id, j.kind, j.priority, j.window_from,
      j.window_to, j.attempts, j.lease_expires_at,
      array(
        select s.site_id from public.sync_job_sites s
        join public.inverter_sites i on i.id = s.site_id
        where s.job_id = j.id and s.open
        order by i.synced_through asc nulls first, i.vendor_site_id
      )
    from public.sync_jobs j
    where j.id = any(claimed)
    order by j.priority desc, j.oldest_synced_through asc nulls first, j.created_at, j.id;
end;
$$;
comment on function private.claim_jobs(text, text, integer, integer) is
  'Claims up to max_jobs due jobs of a vendor under a lease, one invocation per credential; returns them with their open sites.';

-- Extends the lease of one job the owner still holds; false when the lease was lost.
create function private.renew_lease(job_id uuid, owner text, lease_seconds integer default 120)
returns boolean
language sql security definer set search_path = '' as $$
  with renewed as (
    update public.sync_jobs j
    set lease_expires_at = now() + make_interval(secs => lease_seconds), updated_at = now()
    where j.id = renew_lease.job_id and j.status = 'running' and j.lease_owner = renew_lease.owner
    returning 1
  )
  select exists (select 1 from renewed);
$$;

-- One round trip for an invocation holding several jobs: renews all of the owner's leases.
create function private.renew_leases(owner text, lease_seconds integer default 120)
returns integer
language sql security definer set search_path = '' as $$
  with renewed as (
    update public.sync_jobs j
    set lease_expires_at = now() + make_interval(secs => lease_seconds), updated_at = now()
    where j.status = 'running' and j.lease_owner = renew_leases.owner
    returning 1
  )
  select count(*)::int from renewed;
$$;

-- Marks sites of a held job as done, so a retry, a release or another invocation taking over
-- after the lease expired repeats only the sites still open. Returns the sites closed.
create function private.finish_job_sites(job_id uuid, owner text, site_ids uuid[])
returns integer
language sql security definer set search_path = '' as $$
  with closed as (
    update public.sync_job_sites s
    set open = false, done_at = now()
    from public.sync_jobs j
    where j.id = finish_job_sites.job_id and j.status = 'running'
      and j.lease_owner = finish_job_sites.owner
      and s.job_id = j.id and s.site_id = any(finish_job_sites.site_ids) and s.open
    returning 1
  )
  select count(*)::int from closed;
$$;

-- Ends a held job. outcome: succeeded; failed (retried at run_after = now() + least(cap,
-- base * 2^attempts) * random(), or at retry_after if later, and dead after max_attempts); or
-- deferred (back to pending at retry_after, the attempt not counted: a quota reservation that
-- would overspend delays the job, it does not fail it). Returns the job's new status, or null
-- when the owner no longer holds the job (its lease expired and another invocation took it).
create function private.finish_job(
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
  if outcome is null or outcome not in ('succeeded', 'failed', 'deferred') then
    raise exception 'Cannot finish job %: outcome must be succeeded, failed or deferred, got %',
      job_id, coalesce(outcome, 'null');
  end if;
  if outcome = 'failed' and (error is null or length(trim(error)) = 0) then
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
  elsif job.attempts >= job.max_attempts then
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

-- Gives back every job the owner holds, due at once and without counting the attempt; their
-- finished sites stay closed. For an invocation that stops early (beforeunload, its budgets).
create function private.release_jobs(owner text)
returns integer
language sql security definer set search_path = '' as $$
  with released as (
    update public.sync_jobs j
    set status = 'pending', lease_owner = null, lease_expires_at = null,
      attempts = greatest(j.attempts - 1, 0), run_after = now(), updated_at = now()
    where j.status = 'running' and j.lease_owner = release_jobs.owner
    returning 1
  )
  select count(*)::int from released;
$$;

revoke all on function private.claim_jobs(text, text, integer, integer),
  private.renew_lease(uuid, text, integer),
  private.renew_leases(text, integer),
  private.finish_job_sites(uuid, text, uuid[]),
  private.finish_job(uuid, text, text, text, timestamptz, double precision, double precision),
  private.release_jobs(text)
  from public, anon, authenticated;
grant execute on function private.claim_jobs(text, text, integer, integer),
  private.renew_lease(uuid, text, integer),
  private.renew_leases(text, integer),
  private.finish_job_sites(uuid, text, uuid[]),
  private.finish_job(uuid, text, text, text, timestamptz, double precision, double precision),
  private.release_jobs(text)
  to service_role;
