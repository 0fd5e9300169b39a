-- Local stack only: the extensions a Supabase database has before any migration runs. Vault and
-- pg_net are the SQL-only compat extensions from local/compat/extension (installed into
-- PostgreSQL's extension directory by local/stack.ts), so a migration's
-- `create extension if not exists pg_net with schema extensions` is a no-op here as there.
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists supabase_vault;
create extension if not exists pg_net with schema extensions;
-- For the pgTAP tests (`supabase test db` creates it in the same schema).
create extension if not exists pgtap with schema extensions;
