-- claim_jobs took a credential's advisory lock and checked for another owner's live lease in one
-- statement. A statement's snapshot is taken before it runs, so a claim that committed (and let
-- go of the lock) between that snapshot and the lock was not seen: two invocations could hold
-- jobs of one credential at once, and both fetch its sites. The lock is now its own statement,
-- and the check that follows it sees every claim committed before the lock was taken.

create or replace function private.claim_jobs(
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
  -- to do. A discovery job has no sites: its work is the credential's site list.
  update public.sync_jobs j
  set status = 'succeeded', lease_owner = null, lease_expires_at = null, finished_at = now(),
    updated_at = now()
  where j.id in (
    select x.id from public.sync_jobs x
    where x.source = vendor and private.job_is_claimable(x) and x.kind <> 'discover'
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
      -- The lock makes the check and the claims below one step for this credential.
      if not pg_try_advisory_xact_lock(
        hashtextextended('private.claim_jobs:' || candidate.credential_id::text, 0)
      ) then
        refused := refused || candidate.credential_id;
        continue;
      end if;
      -- A statement after the lock's, so its snapshot holds every claim committed before it.
      if exists (
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
