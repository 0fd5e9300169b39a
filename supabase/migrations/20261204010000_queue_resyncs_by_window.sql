-- A resync of a range becomes one job per aligned window of the vendor (its maximum span: 12 h
-- for SolarEdge, a day for the others), as the dashboard asks: a 3-day resync of a one-day vendor
-- is three jobs, each retried, deferred or given up on its own, so one window the vendor refuses
-- does not hold the other two.
--
-- The rule "one open job per site" becomes one open job per site and lane: the hourly lane
-- (range_from is null: scheduled work, which starts from the watermark) and one lane per window
-- start for resyncs and backfills. So
-- - asking for the same window again while it waits returns its job (widened to the later end if
--   need be) instead of adding one; the hourly enqueue stays idempotent as before;
-- - a resync no longer takes a site out of its waiting scheduled job, and the hourly work of a
--   site with resyncs queued goes on: a month's resync of a quota-starved vendor cannot starve
--   the current hour.
-- Two jobs of one site never run at once: a credential's jobs are held by one invocation at a
-- time (claim_jobs), which runs them one after another (queue_worker.ts).

alter table public.sync_job_sites add column range_from timestamptz;
comment on column public.sync_job_sites.range_from is
  'The window start of a resync or backfill lane; null for the hourly lane (scheduled work).';

drop index public.sync_job_sites_one_open_job_per_site;
create unique index sync_job_sites_one_open_hourly_job_per_site on public.sync_job_sites (site_id)
  where open and range_from is null;
create unique index sync_job_sites_one_open_job_per_site_window
  on public.sync_job_sites (site_id, range_from) where open and range_from is not null;

drop function private.enqueue_site_window(uuid, text, timestamptz, timestamptz, integer);

create function private.enqueue_site_windows(
  site_id uuid,
  kind text,
  window_froms timestamptz[],
  window_tos timestamptz[],
  priority integer default 100
)
returns uuid[]
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_variable
declare
  site record;
  open_job record;
  job_id uuid;
  ids uuid[] := '{}';
  i integer;
begin
  if kind is null or kind not in ('backfill', 'resync') then
    raise exception 'Cannot queue site %: kind must be backfill or resync, got %', site_id,
      coalesce(kind, 'null');
  end if;
  if coalesce(cardinality(window_froms), 0) = 0
    or cardinality(window_froms) <> coalesce(cardinality(window_tos), 0) then
    raise exception 'Cannot queue a % of site %: give as many window ends as starts, at least one',
      kind, site_id;
  end if;
  for i in 1 .. cardinality(window_froms) loop
    if window_froms[i] is null or window_tos[i] is null or window_froms[i] >= window_tos[i] then
      raise exception 'Cannot queue a % of site %: window % must start before it ends', kind,
        site_id, i;
    end if;
  end loop;
  select s.id, s.organization_id, s.credential_id, c.source, s.synced_through into site
  from public.inverter_sites s join public.inverter_credentials c on c.id = s.credential_id
  where s.id = site_id;
  if not found then
    raise exception 'Cannot queue a % of site %: there is no such site', kind, site_id;
  end if;
  -- The same lock as the hourly enqueue of this vendor: both decide which job holds a lane.
  perform pg_advisory_xact_lock(hashtextextended('private.enqueue_due_jobs:' || site.source, 0));

  for i in 1 .. cardinality(window_froms) loop
    select j.id, j.status into open_job
    from public.sync_job_sites js join public.sync_jobs j on j.id = js.job_id
    where js.site_id = site.id and js.open and js.range_from = window_froms[i]
    for update of j;
    if found then
      -- Waiting: widened and brought forward. Running: it is fetching that window now.
      if open_job.status <> 'running' then
        update public.sync_jobs j
        set window_to = greatest(j.window_to, window_tos[i]),
          kind = case when j.kind = 'resync' or kind = 'resync' then 'resync' else 'backfill' end,
          priority = greatest(j.priority, priority), run_after = least(j.run_after, now()),
          updated_at = now()
        where j.id = open_job.id;
      end if;
      ids := ids || open_job.id;
      continue;
    end if;
    insert into public.sync_jobs (organization_id, credential_id, source, kind, priority,
      window_from, window_to, oldest_synced_through)
    values (site.organization_id, site.credential_id, site.source, kind, priority,
      window_froms[i], window_tos[i], site.synced_through)
    returning id into job_id;
    insert into public.sync_job_sites (job_id, site_id, range_from)
    values (job_id, site.id, window_froms[i]);
    ids := ids || job_id;
  end loop;
  return ids;
end;
$$;
revoke all on function private.enqueue_site_windows(uuid, text, timestamptz[], timestamptz[], integer)
  from public, anon, authenticated;
grant execute on function private.enqueue_site_windows(uuid, text, timestamptz[], timestamptz[], integer)
  to service_role;
comment on function private.enqueue_site_windows(uuid, text, timestamptz[], timestamptz[], integer) is
  'Queues a backfill or resync of one site as one job per window, keeping one open job per site and window; returns the jobs, in the windows'' order.';

-- The hourly enqueue, unchanged but for its lane: a site is due unless its hourly lane holds an
-- open job; resyncs queued for it do not hold the current hour back.
create or replace function private.enqueue_due_jobs(
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
        select 1 from public.sync_job_sites o
        where o.site_id = s.id and o.open and o.range_from is null
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
