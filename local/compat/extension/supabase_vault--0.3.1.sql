-- Local-stack compat of Supabase Vault 0.3.1 (supabase/vault sql/supabase_vault--0.3.0.sql): the
-- same table, view, functions and privileges, but `secret` holds the PLAIN TEXT and
-- `decrypted_secret` simply returns it. Real Vault encrypts with a key SQL cannot read; this copy
-- exists only so that `supabase db push` ([db.vault] in config.toml) and the migrations that read
-- vault.decrypted_secrets run unchanged on a developer machine.
\echo Use "create extension supabase_vault" to load this file. \quit

create table vault.secrets (
  id uuid     primary key default gen_random_uuid(),
  name        text,
  description text not null default '',
  secret      text not null,
  key_id      uuid,
  nonce       bytea,
  created_at  timestamptz not null default current_timestamp,
  updated_at  timestamptz not null default current_timestamp
);

comment on table vault.secrets is
  'Local compat of Vault: `secret` is stored in plain text here, encrypted on Supabase.';

-- A name is unique, so a second create_secret(..., 'project_url') fails as on Supabase.
create unique index on vault.secrets using btree (name) where name is not null;

create view vault.decrypted_secrets as
select s.id,
  s.name,
  s.description,
  s.secret,
  s.secret as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets s;

create or replace function vault.create_secret(
  new_secret text,
  new_name text = null,
  new_description text = '',
  -- unused, as in Vault 0.3
  new_key_id uuid = null
)
returns uuid
security definer
language plpgsql
set search_path = ''
as $$
declare
  rec record;
begin
  insert into vault.secrets (secret, name, description)
  values (new_secret, new_name, new_description)
  returning * into rec;
  return rec.id;
end
$$;

create or replace function vault.update_secret(
  secret_id uuid,
  new_secret text = null,
  new_name text = null,
  new_description text = null,
  -- unused, as in Vault 0.3
  new_key_id uuid = null
)
returns void
security definer
language plpgsql
set search_path = ''
as $$
begin
  update vault.secrets s
  set
    secret = coalesce(new_secret, s.secret),
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    updated_at = now()
  where s.id = secret_id;
end
$$;

-- As in Vault 0.3: nobody but the owner (and superusers) reads or writes secrets.
revoke all on vault.secrets, vault.decrypted_secrets from public;
revoke all on function vault.create_secret, vault.update_secret from public;

select pg_catalog.pg_extension_config_dump('vault.secrets', '');
