-- The hourly enqueue: each vendor's due work becomes jobs, one per credential and batch of sites.
-- A site is due when its watermark (synced_through) is older than the current hour, and it gets
-- no new job while it is in an open one, so re-running the enqueue adds nothing. Within a
-- credential the sites are batched oldest watermark first (never-synced sites before all), and
-- each job records its oldest watermark so claim_jobs serves the most starved work first.
--
-- Plan while the functions do not read the queue yet: the `<vendor>-hourly` jobs (which post to
-- /run and walk every site) stay as they are, so today's sync keeps working. The
-- `<vendor>-enqueue` jobs added here already fill the queue, at most one open job per site, so
-- nothing grows while nobody claims. The wiring step switches dispatch on
-- (public.sync_dispatch_settings) and unschedules the `<vendor>-hourly` jobs in one migration.
create function private.enqueue_due_jobs(vendor text, batch_size integer default 50)
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
      and (s.synced_through is null or s.synced_through < due_hour)
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
revoke all on function private.enqueue_due_jobs(text, integer) from public, anon, authenticated;
grant execute on function private.enqueue_due_jobs(text, integer) to service_role;

comment on function private.enqueue_due_jobs(text, integer) is
  'Adds one scheduled job per credential and batch of due sites of a vendor; returns the jobs added.';

-- Minute 5, before the `<vendor>-hourly` jobs (7, 12, 17, 22): the queue is filled first.
select cron.schedule('solaredge-enqueue', '5 * * * *', $$select private.enqueue_due_jobs('solaredge')$$);
select cron.schedule('enphase-enqueue', '5 * * * *', $$select private.enqueue_due_jobs('enphase')$$);
select cron.schedule('sma-enqueue', '5 * * * *', $$select private.enqueue_due_jobs('sma')$$);
select cron.schedule('goodwe-enqueue', '5 * * * *', $$select private.enqueue_due_jobs('goodwe')$$);
