-- One row per fetcher invocation (cron, manual call or CLI) and one per site it worked on, so an
-- operator can see what each hour did even after pg_net's response log has expired.
create table public.sync_runs (
  id uuid primary key default gen_random_uuid(),
  source text not null,
  trigger text not null check (trigger in ('cron', 'manual', 'cli')),
  dry_run boolean not null default false,
  options jsonb not null default '{}'::jsonb,
  status text not null default 'running'
    check (status in ('running', 'succeeded', 'partial', 'failed')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  sites_total integer not null default 0,
  sites_succeeded integer not null default 0,
  sites_failed integer not null default 0,
  api_calls integer not null default 0,
  objects_written integer not null default 0,
  error text
);
comment on table public.sync_runs is
  'Fetcher invocations with their counts and outcome; spans organisations.';
create index sync_runs_source_started_at_idx on public.sync_runs (source, started_at desc);

create table public.sync_run_sites (
  id bigint generated always as identity primary key,
  run_id uuid not null references public.sync_runs (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  credential_id uuid references public.inverter_credentials (id) on delete set null,
  site_id uuid references public.inverter_sites (id) on delete cascade,
  status text not null check (status in ('succeeded', 'failed', 'skipped')),
  window_from timestamptz,
  window_to timestamptz,
  readings integer not null default 0,
  dropped integer not null default 0,
  intervals_expected integer not null default 0,
  intervals_received integer not null default 0,
  api_calls integer not null default 0,
  object_keys text[] not null default '{}',
  error text,
  finished_at timestamptz not null default now()
);
comment on table public.sync_run_sites is
  'Per-site result of a sync run: windows, completeness, objects written or the error.';
create index sync_run_sites_run_id_idx on public.sync_run_sites (run_id);
create index sync_run_sites_organization_id_idx on public.sync_run_sites (organization_id);

alter table public.sync_runs enable row level security;
alter table public.sync_run_sites enable row level security;
revoke all on public.sync_runs, public.sync_run_sites from anon, authenticated;
grant select on public.sync_runs, public.sync_run_sites to authenticated;
grant all on public.sync_runs, public.sync_run_sites to service_role;

create policy "Members can read their organisation's site results" on public.sync_run_sites
  for select to authenticated using (private.is_member_of(organization_id));
create policy "Members can read runs that touched their organisation" on public.sync_runs
  for select to authenticated using (
    exists (
      select 1 from public.sync_run_sites r
      where r.run_id = sync_runs.id and private.is_member_of(r.organization_id)
    )
  );
