-- Sites discovered from each credential, with the sync status operators and dashboards read.
-- Sites that vanish from the vendor are marked inactive, never deleted, so their history stays.
create table public.inverter_sites (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  credential_id uuid not null references public.inverter_credentials (id) on delete cascade,
  source text not null,
  vendor_site_id text not null check (length(vendor_site_id) > 0),
  name text,
  timezone text,
  active boolean not null default true,
  last_attempt_at timestamptz,
  last_success_at timestamptz,
  synced_through timestamptz,
  last_error text,
  consecutive_failures integer not null default 0,
  last_object_key text,
  discovered_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (credential_id, vendor_site_id)
);
comment on table public.inverter_sites is
  'Vendor sites per credential with sync status: watermark (synced_through), last success and error.';
create index inverter_sites_organization_id_idx on public.inverter_sites (organization_id);

alter table public.inverter_sites enable row level security;
revoke all on public.inverter_sites from anon, authenticated;
grant select on public.inverter_sites to authenticated;
grant all on public.inverter_sites to service_role;

create policy "Members can read their organisation's sites" on public.inverter_sites
  for select to authenticated using (private.is_member_of(organization_id));
