-- Backfills and resyncs go through the queue too: a dashboard's resync of one site over a range
-- becomes a job of its own with a higher priority than the hourly work, still under the rule of
-- one open job per site. A site waiting in a scheduled job leaves it for the new job (the next
-- hourly enqueue adds it back once its watermark is behind); a site waiting in a backfill or
-- resync has that job widened to cover both ranges, so asking twice adds nothing; a site whose
-- sync is running cannot be queued until it ends, and the caller is told so.
create function private.enqueue_site_window(
  site_id uuid,
  kind text,
  window_from timestamptz,
  window_to timestamptz,
  priority integer default 100
)
returns uuid
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_variable
declare
  site record;
  open_job record;
  job_id uuid;
begin
  if kind is null or kind not in ('backfill', 'resync') then
    raise exception 'Cannot queue site %: kind must be backfill or resync, got %', site_id,
      coalesce(kind, 'null');
  end if;
  if window_from is null or window_to is null or window_from >= window_to then
    raise exception 'Cannot queue a % of site %: the window must start before it ends', kind, site_id;
  end if;
  select s.id, s.organization_id, s.credential_id, c.source, s.synced_through into site
  from public.inverter_sites s join public.inverter_credentials c on c.id = s.credential_id
  where s.id = site_id;
  if not found then
    raise exception 'Cannot queue a % of site %: there is no such site', kind, site_id;
  end if;
  -- The same lock as the hourly enqueue of this vendor: both decide which job holds a site.
  perform pg_advisory_xact_lock(hashtextextended('private.enqueue_due_jobs:' || site.source, 0));

  select j.id, j.status, j.kind, (select count(*) from public.sync_job_sites a where a.job_id = j.id) as sites
  into open_job
  from public.sync_job_sites js join public.sync_jobs j on j.id = js.job_id
  where js.site_id = site.id and js.open
  for update of j;
  if found and open_job.status = 'running' then
    raise exception 'Cannot queue a % of site %: a sync of it is running; try again when it ends',
      kind, site_id;
  end if;
  if found and open_job.kind <> 'scheduled' and open_job.sites = 1 then
    update public.sync_jobs j
    set window_from = least(j.window_from, window_from),
      window_to = greatest(j.window_to, window_to),
      kind = case when j.kind = 'resync' or kind = 'resync' then 'resync' else 'backfill' end,
      priority = greatest(j.priority, priority), run_after = least(j.run_after, now()),
      updated_at = now()
    where j.id = open_job.id;
    return open_job.id;
  end if;
  if found then
    delete from public.sync_job_sites js where js.job_id = open_job.id and js.site_id = site.id;
  end if;

  insert into public.sync_jobs (organization_id, credential_id, source, kind, priority,
    window_from, window_to, oldest_synced_through)
  values (site.organization_id, site.credential_id, site.source, kind, priority, window_from,
    window_to, site.synced_through)
  returning id into job_id;
  insert into public.sync_job_sites (job_id, site_id) values (job_id, site.id);
  return job_id;
end;
$$;
revoke all on function private.enqueue_site_window(uuid, text, timestamptz, timestamptz, integer)
  from public, anon, authenticated;
grant execute on function private.enqueue_site_window(uuid, text, timestamptz, timestamptz, integer)
  to service_role;
comment on function private.enqueue_site_window(uuid, text, timestamptz, timestamptz, integer) is
  'Queues a backfill or resync of one site over a window, keeping one open job per site; returns the job.';
