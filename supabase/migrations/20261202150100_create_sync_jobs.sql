-- The work queue (ARCHITECTURE §1 and §5). Plain tables rather than pgmq, because the queue needs
-- what opaque messages do not give: one open job per site, priorities, foreign keys and RLS.
-- A job is one credential's batch of sites with a kind, a priority and a window; invocations
-- claim it under a lease (private.claim_jobs), and a job that keeps failing ends `dead` with its
-- last error, which members see on their organisation's jobs and in public.sync_jobs_dead.
-- Members read; only the service role (the functions) and the private functions write.
create table public.sync_jobs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  credential_id uuid not null references public.inverter_credentials (id) on delete cascade,
  source text not null,
  kind text not null default 'scheduled' check (kind in ('scheduled', 'backfill', 'resync')),
  -- Higher runs first; within a priority the job holding the oldest watermark runs first.
  priority integer not null default 0,
  -- failed: an attempt failed and the job waits for its retry at run_after; dead: it failed
  -- max_attempts times and is not retried.
  status text not null default 'pending'
    check (status in ('pending', 'running', 'succeeded', 'failed', 'dead')),
  -- A scheduled job has no window_from: each site starts from its own watermark (less the
  -- lookback); window_to is the aligned hour the work was due for. Backfills and resyncs carry
  -- the range they were asked for.
  window_from timestamptz,
  window_to timestamptz,
  oldest_synced_through timestamptz,
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts > 0),
  run_after timestamptz not null default now(),
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  check (window_from is null or window_to is null or window_from < window_to),
  check (kind = 'scheduled' or (window_from is not null and window_to is not null)),
  check (status <> 'running' or (lease_owner is not null and lease_expires_at is not null))
);
comment on table public.sync_jobs is
  'Queue of due work: one credential''s batch of sites per job, claimed under a lease; dead jobs keep their last error.';
-- What claim_jobs and dispatch scan: the open jobs of one vendor in serving order.
create index sync_jobs_open_idx on public.sync_jobs (source, priority desc, oldest_synced_through)
  where status in ('pending', 'running', 'failed');
create index sync_jobs_credential_id_idx on public.sync_jobs (credential_id) where status = 'running';
create index sync_jobs_organization_id_idx on public.sync_jobs (organization_id);

create table public.sync_job_sites (
  job_id uuid not null references public.sync_jobs (id) on delete cascade,
  site_id uuid not null references public.inverter_sites (id) on delete cascade,
  -- True while the site's work in this job is still to do: the job is open (pending, running or
  -- failed awaiting its retry) and the site has not been finished on its own
  -- (private.finish_job_sites).
  open boolean not null default true,
  done_at timestamptz,
  primary key (job_id, site_id)
);
comment on table public.sync_job_sites is
  'Sites of each job; a site is in at most one open job, so overlapping runs never repeat its work.';
-- One open job per site: the rule that makes the enqueue idempotent.
create unique index sync_job_sites_one_open_job_per_site on public.sync_job_sites (site_id)
  where open;

-- A job that ends (succeeded or dead) closes its sites, whoever ends it, so the index above
-- always matches the jobs' statuses.
create function private.close_finished_job_sites() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.sync_job_sites set open = false where job_id = new.id and open;
  return null;
end;
$$;
revoke all on function private.close_finished_job_sites() from public, anon, authenticated;
create trigger sync_jobs_close_sites after update of status on public.sync_jobs
  for each row when (new.status in ('succeeded', 'dead'))
  execute function private.close_finished_job_sites();

alter table public.sync_jobs enable row level security;
alter table public.sync_job_sites enable row level security;
revoke all on public.sync_jobs, public.sync_job_sites from anon, authenticated;
grant select on public.sync_jobs, public.sync_job_sites to authenticated;
grant all on public.sync_jobs, public.sync_job_sites to service_role;

create policy "Members can read their organisation's jobs" on public.sync_jobs
  for select to authenticated using (private.is_member_of(organization_id));
create policy "Members can read the sites of their organisation's jobs" on public.sync_job_sites
  for select to authenticated using (
    exists (
      select 1 from public.sync_jobs j
      where j.id = sync_job_sites.job_id and private.is_member_of(j.organization_id)
    )
  );

-- What an operator looks at first: jobs that gave up, with their error. security_invoker keeps
-- the jobs' RLS, so members see only their own organisation's.
create view public.sync_jobs_dead with (security_invoker = true) as
  select j.id, j.organization_id, j.credential_id, j.source, j.kind, j.window_from, j.window_to,
    j.attempts, j.last_error, j.finished_at,
    (select count(*)::int from public.sync_job_sites s where s.job_id = j.id) as sites
  from public.sync_jobs j
  where j.status = 'dead';
comment on view public.sync_jobs_dead is
  'Jobs that failed max_attempts times, with their last error, for operators and dashboards.';
revoke all on public.sync_jobs_dead from anon, authenticated;
grant select on public.sync_jobs_dead to authenticated, service_role;
