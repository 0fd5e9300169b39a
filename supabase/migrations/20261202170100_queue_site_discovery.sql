-- Discovery in the queue. The hourly enqueue only queued the sites already stored, so a
-- credential added without listing its sites (`credentials add` without --discover) never synced,
-- and new sites of a known credential appeared only through the old hourly walk. A `discover` job
-- is a credential's site list as work of its own: one is queued when a credential becomes active
-- (a trigger, so the next dispatch minute lists it), and once a day per active credential by the
-- hourly `<vendor>-discover` job. Site jobs then work from the stored sites and no longer list the sites on every
-- job, which for Enphase spends one of an app's 1,000 monthly calls each time.
--
-- A discovery job has no sites: claim_jobs must not take it for a job with nothing left to do, so
-- it is replaced here with that one difference. When a discovery succeeds, the function calls
-- private.enqueue_due_jobs, so the sites it found are queued at once.

do $$
declare
  name text;
begin
  for name in
    select c.conname from pg_constraint c
    where c.conrelid = 'public.sync_jobs'::regclass and c.contype = 'c'
      and pg_get_constraintdef(c.oid) like '%kind%'
  loop
    execute format('alter table public.sync_jobs drop constraint %I', name);
  end loop;
end;
$$;
alter table public.sync_jobs add constraint sync_jobs_kind_check
  check (kind in ('scheduled', 'backfill', 'resync', 'discover'));
-- Scheduled and discovery jobs have no range of their own; backfills and resyncs carry theirs.
alter table public.sync_jobs add constraint sync_jobs_window_check
  check (kind in ('scheduled', 'discover') or (window_from is not null and window_to is not null));

-- One open discovery per credential: the rule that makes queuing one idempotent.
create unique index sync_jobs_one_open_discovery_per_credential on public.sync_jobs (credential_id)
  where kind = 'discover' and status in ('pending', 'running', 'failed');

-- Queues a discovery job for an active credential unless one is open, or (with `unless_within`)
-- one ended within that time, succeeded or dead: a credential whose list keeps failing is tried
-- again the next day, not every hour. Above the hourly work (priority 50) and below a resync
-- (100): new sites are listed before the hour's sites are fetched. Returns the job, or null.
create function private.enqueue_discovery(credential uuid, unless_within interval default null)
returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  added uuid;
begin
  insert into public.sync_jobs (organization_id, credential_id, source, kind, priority)
  select c.organization_id, c.id, c.source, 'discover', 50
  from public.inverter_credentials c
  where c.id = credential and c.status = 'active'
    and not exists (
      select 1 from public.sync_jobs d
      where d.credential_id = c.id and d.kind = 'discover'
        and (d.status in ('pending', 'running', 'failed')
          or (unless_within is not null and d.status in ('succeeded', 'dead')
            and d.finished_at > now() - unless_within))
    )
  on conflict do nothing
  returning id into added;
  return added;
end;
$$;
revoke all on function private.enqueue_discovery(uuid, interval) from public, anon, authenticated;
grant execute on function private.enqueue_discovery(uuid, interval) to service_role;
comment on function private.enqueue_discovery(uuid, interval) is
  'Queues a discovery job (the credential''s site list) unless one is open or ended within unless_within.';

create function private.enqueue_discovery_on_activation() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.enqueue_discovery(new.id);
  return null;
end;
$$;
revoke all on function private.enqueue_discovery_on_activation() from public, anon, authenticated;
-- A new credential, or one re-authorised after needs_reauth, is listed within the minute.
create trigger inverter_credentials_discover_new after insert on public.inverter_credentials
  for each row when (new.status = 'active')
  execute function private.enqueue_discovery_on_activation();
create trigger inverter_credentials_discover_reactivated after update of status
  on public.inverter_credentials
  for each row when (old.status <> 'active' and new.status = 'active')
  execute function private.enqueue_discovery_on_activation();

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

-- Each active credential's site list once a day: the hourly `<vendor>-discover` job, a minute
-- before the enqueue. Returns the discovery jobs added.
create function private.enqueue_discoveries(vendor text) returns integer
language sql security definer set search_path = '' as $$
  select count(private.enqueue_discovery(c.id, interval '24 hours'))::int
  from public.inverter_credentials c
  where c.source = vendor and c.status = 'active';
$$;
revoke all on function private.enqueue_discoveries(text) from public, anon, authenticated;
grant execute on function private.enqueue_discoveries(text) to service_role;
comment on function private.enqueue_discoveries(text) is
  'Queues a discovery job for each active credential of a vendor not listed within 24 hours.';

select cron.schedule('solaredge-discover', '4 * * * *', $$select private.enqueue_discoveries('solaredge')$$);
select cron.schedule('enphase-discover', '4 * * * *', $$select private.enqueue_discoveries('enphase')$$);
select cron.schedule('sma-discover', '4 * * * *', $$select private.enqueue_discoveries('sma')$$);
select cron.schedule('goodwe-discover', '4 * * * *', $$select private.enqueue_discoveries('goodwe')$$);
