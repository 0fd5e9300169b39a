-- The cadence planner's output (shared/cadence_plan.ts). Where a monthly quota cannot pay for
-- hourly fetches of every site (Enphase Watt: 1,000 calls a month for the whole app), the
-- functions plan a wider cadence for the sites of that quota, and the hourly enqueue queues a site
-- only once its watermark is that many hours old. Each fetch still starts at the watermark, so
-- every interval is still fetched; only the fetches are spaced. The note says why, for the site's
-- status.

alter table public.inverter_sites
  add column cadence_hours integer not null default 1
    check (cadence_hours in (1, 2, 3, 4, 6, 8, 12, 24)),
  add column cadence_note text;

comment on column public.inverter_sites.cadence_hours is
  'Planned hours between fetches (1 unless a monthly quota cannot pay for hourly fetches); written by the functions'' cadence planner.';
comment on column public.inverter_sites.cadence_note is
  'Why the cadence is not hourly (the quota and the sites that share it), or null.';

create or replace function private.enqueue_due_jobs(vendor text, batch_size integer default 50)
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

comment on function private.enqueue_due_jobs(text, integer) is
  'Adds one scheduled job per credential and batch of due sites of a vendor (due: the watermark is older than the site''s cadence); returns the jobs added.';
