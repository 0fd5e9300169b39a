-- pg_cron fires the hourly sync and pg_net lets that job call the Edge Functions over HTTP from
-- inside Postgres. Both ship with Supabase; the local stack provides compatible ones.
create schema if not exists extensions;
create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;
grant all privileges on all tables in schema cron to postgres;
create extension if not exists pg_net with schema extensions;
