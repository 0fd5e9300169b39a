-- Customer organisations and their members. Every credential, site and sync result belongs to one
-- organisation, and membership is what row-level security checks.
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) > 0),
  created_at timestamptz not null default now()
);
comment on table public.organizations is
  'Customer organisations (energy-asset teams); the unit of access control.';

create table public.organization_members (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  primary key (organization_id, user_id)
);
comment on table public.organization_members is
  'Dashboard users of an organisation; membership grants read access to its sites and runs.';
create index organization_members_user_id_idx on public.organization_members (user_id);

-- security definer: the check must read organization_members even though members may only see
-- their own organisations' rows, and it must not recurse through that table's own policy.
create function private.is_member_of(org uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.organization_members m
    where m.organization_id = org and m.user_id = auth.uid()
  );
$$;
revoke all on function private.is_member_of(uuid) from public;
grant execute on function private.is_member_of(uuid) to authenticated, service_role;

alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;
revoke all on public.organizations, public.organization_members from anon, authenticated;
grant select on public.organizations, public.organization_members to authenticated;
grant all on public.organizations, public.organization_members to service_role;

create policy "Members can read their organisations" on public.organizations
  for select to authenticated using (private.is_member_of(id));
create policy "Members can read their organisation's members" on public.organization_members
  for select to authenticated using (private.is_member_of(organization_id));
