-- The hourly enqueue, with two changes:
-- - a site is due once its watermark is its planned cadence behind (…_plan_site_cadence.sql),
--   not one hour;
-- - an optional credential: a discovery job queues its vendor's due sites when it ends, so that
--   the sites it found are synced by the same invocation, but it queued every credential's, an
--   hour's enqueue of the whole vendor for each credential listed (thousands a day). Given a
--   credential, only that credential's due sites are queued; the hourly jobs pass none.

drop function private.enqueue_due_jobs(text, integer);

create function private.enqueue_due_jobs(
  vendor text,
  batch_size integer default 50,
  credential uuid default null
)
returns integer
language plpgsql security definer set search_path = '' as $$
declare
  due_hour timestamptz := date_trunc('hour', now());
  added integer;
begin
  if batch_size is null or batch_size < 1 then
    raise exception 'Cannot enqueue % jobs: batch size must be at least 1, got %', vendor, batch_size;
  end if;
  -- Two enqueues of one vendor at once would both see the same due sites; the second waits here
  -- and then sees the first one's jobs. A transaction lock, so it is safe behind a pooler.
  perform pg_advisory_xact_lock(hashtextextended('private.enqueue_due_jobs:' || vendor, 0));

  with due as (
    select s.id as site_id, s.credential_id, s.organization_id, s.synced_through,
      (row_number() over (
        partition by s.credential_id
        order by s.synced_through asc nulls first, s.vendor_site_id
      ) - 1) / batch_size as batch
    from public.inverter_sites s
    join public.inverter_credentials c on c.id = s.credential_id
    where c.source = vendor and c.status = 'active' and s.active
      and (credential is null or c.id = credential)
      -- Due once the watermark is `cadence_hours - 1` hours behind the current hour: hourly sites
      -- every hour, a 6-hour site when its watermark is 6 hours old.
      and (s.synced_through is null
        or s.synced_through < due_hour - make_interval(hours => s.cadence_hours - 1))
      and not exists (
        select 1 from public.sync_job_sites o where o.site_id = s.id and o.open
      )
  ),
  batches as materialized (
    select gen_random_uuid() as job_id, credential_id, organization_id, batch,
      min(synced_through) as oldest,
      bool_or(synced_through is null) as has_never_synced
    from due
    group by credential_id, organization_id, batch
  ),
  jobs as (
    insert into public.sync_jobs (
      id, organization_id, credential_id, source, kind, window_to, oldest_synced_through
    )
    select job_id, organization_id, credential_id, vendor, 'scheduled', due_hour,
      -- A batch holding a never-synced site sorts before every synced one.
      case when has_never_synced then null else oldest end
    from batches
    returning id
  ),
  -- The foreign key is checked at the end of the statement, when the jobs above exist.
  job_sites as (
    insert into public.sync_job_sites (job_id, site_id)
    select b.job_id, d.site_id
    from due d
    join batches b on b.credential_id = d.credential_id and b.batch = d.batch
    returning job_id
  )
  select count(*) into added from jobs;
  return added;
end;
$$;
revoke all on function private.enqueue_due_jobs(text, integer, uuid) from public, anon, authenticated;
grant execute on function private.enqueue_due_jobs(text, integer, uuid) to service_role;
comment on function private.enqueue_due_jobs(text, integer, uuid) is
  'Adds one scheduled job per credential and batch of due sites of a vendor, or of one credential of it (due: the watermark is older than the site''s cadence); returns the jobs added.';
