-- How complete each landed window of each site is where it matters: of its intervals in the
-- site's core daylight hours (daylight.ts), how many hold a reading. One row per site and
-- aligned window (the window's one S3 object), written by the run's writer with the site's
-- result and replaced only by a fetch that covers at least as much of the window, as the object
-- is. site_health sums the windows of the last 24 hours. Members read their organisations' rows;
-- the service role writes. Rows older than two weeks are trimmed daily: dashboards look at days.
create table public.site_window_coverage (
  site_id uuid not null references public.inverter_sites (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  window_end timestamptz not null,
  window_from timestamptz not null,
  covered_to timestamptz not null,
  daylight_expected integer not null check (daylight_expected >= 0),
  daylight_received integer not null
    check (daylight_received >= 0 and daylight_received <= daylight_expected),
  updated_at timestamptz not null default now(),
  primary key (site_id, window_end),
  check (window_from < window_end and covered_to <= window_end)
);
comment on table public.site_window_coverage is
  'Per site and aligned window: core-daylight intervals expected and received, for the completeness of the last 24 hours.';
create index site_window_coverage_organization_id_idx on public.site_window_coverage (organization_id);
create index site_window_coverage_window_end_idx on public.site_window_coverage (window_end);

alter table public.site_window_coverage enable row level security;
revoke all on public.site_window_coverage from anon, authenticated;
grant select on public.site_window_coverage to authenticated;
grant all on public.site_window_coverage to service_role;
create policy "Members can read their organisation's window coverage"
  on public.site_window_coverage
  for select to authenticated using (private.is_member_of(organization_id));

select cron.schedule(
  'site-window-coverage-cleanup',
  '27 3 * * *',
  $$delete from public.site_window_coverage where window_end < now() - interval '14 days'$$
);
