-- Vendor credentials per organisation. The secret is a Fernet token (ENCRYPTION_KEY) of a JSON
-- document (API keys, OAuth tokens, logins): the plaintext never reaches the database, and only
-- the service role may read even the token.
create table public.inverter_credentials (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  source text not null check (source in ('solaredge', 'enphase', 'sma', 'goodwe')),
  label text not null check (length(trim(label)) > 0),
  secret text not null check (secret like 'gAAAAA%'),
  token_expires_at timestamptz,
  status text not null default 'active' check (status in ('active', 'needs_reauth', 'disabled')),
  status_reason text,
  plan jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, source, label)
);
comment on table public.inverter_credentials is
  'Vendor credentials; secret is a Fernet token readable by the service role only.';
create index inverter_credentials_source_status_idx on public.inverter_credentials (source, status);

alter table public.inverter_credentials enable row level security;
revoke all on public.inverter_credentials from anon, authenticated;
-- Column privileges keep the secret out of reach even where a policy lets a member see the row.
grant select (
  id, organization_id, source, label, token_expires_at, status, status_reason, plan, created_at,
  updated_at
) on public.inverter_credentials to authenticated;
grant all on public.inverter_credentials to service_role;

create policy "Members can read their organisation's credentials" on public.inverter_credentials
  for select to authenticated using (private.is_member_of(organization_id));
