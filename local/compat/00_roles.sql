-- Local stack only, loaded before the migrations: the roles and grants a Supabase database has
-- out of the box, so migrations, RLS policies and pgTAP tests behave as on Supabase.
-- Difference to know: here `postgres` is a superuser; on Supabase it is not.

do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  -- PostgREST logs in as authenticator and switches to the role named in the JWT.
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;

-- Supabase's defaults: objects that postgres creates in public are granted to the API roles, and
-- RLS is what protects rows. Without these, a pgTAP test acting as `authenticated` would fail
-- with "permission denied" locally where Supabase would apply the policies.
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to postgres, anon, authenticated, service_role;

-- As on Supabase, extension objects resolve without a schema prefix.
alter database postgres set search_path to "$user", public, extensions;
