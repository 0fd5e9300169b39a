-- The per-minute dispatcher. `<vendor>-dispatch` calls the vendor's function only when that
-- vendor has jobs an invocation could claim now, so an idle minute makes no HTTP call at all; it
-- asks for as many invocations in parallel as the due work needs (one per jobs_per_invocation
-- jobs, and no more than the credentials that can be worked, since one credential runs in one
-- invocation at a time), less those already holding leases, capped by max_invocations. Vendor
-- quotas act through the jobs: a reservation that would overspend defers its job (run_after), so
-- it is not due and asks for no invocation until its window reopens.
--
-- The posting of private.invoke_fetcher moves to private.post_to_function so the hourly and the
-- queue calls read the Vault URL and key in one place; invoke_fetcher keeps its behaviour.
--
-- Not switched on yet: the functions do not understand {"queue": true} until the wiring step.
-- The cron jobs run every minute but dispatch() returns at once while dispatch_enabled is false
-- (the default here); the wiring step sets it for each vendor and unschedules `<vendor>-hourly`.
create function private.post_to_function(vendor text, body jsonb) returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  base_url text := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url');
  service_key text := (
    select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key'
  );
begin
  if base_url is null or service_key is null then
    raise exception 'Cannot invoke the % fetcher: Vault secrets project_url and service_role_key must be set', vendor;
  end if;
  -- The function answers 202 at once and works in the background, so 10 s is generous.
  return net.http_post(
    url := rtrim(base_url, '/') || '/functions/v1/' || vendor || '/run',
    body := body,
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'apikey', service_key,
      'Authorization', 'Bearer ' || service_key
    ),
    timeout_milliseconds := 10000
  );
end;
$$;
revoke all on function private.post_to_function(text, jsonb) from public, anon, authenticated;

create or replace function private.invoke_fetcher(vendor text) returns bigint
language sql security definer set search_path = '' as $$
  select private.post_to_function(vendor, jsonb_build_object('trigger', 'cron'));
$$;
revoke all on function private.invoke_fetcher(text) from public, anon, authenticated;

create table public.sync_dispatch_settings (
  source text primary key,
  dispatch_enabled boolean not null default false,
  max_invocations integer not null default 4 check (max_invocations >= 0),
  jobs_per_invocation integer not null default 10 check (jobs_per_invocation >= 1),
  updated_at timestamptz not null default now()
);
comment on table public.sync_dispatch_settings is
  'Per vendor: whether the per-minute dispatcher calls its function, how many invocations at most, and how many jobs each claims.';
insert into public.sync_dispatch_settings (source) values
  ('solaredge'), ('enphase'), ('sma'), ('goodwe');

alter table public.sync_dispatch_settings enable row level security;
revoke all on public.sync_dispatch_settings from anon, authenticated;
grant select on public.sync_dispatch_settings to authenticated;
grant all on public.sync_dispatch_settings to service_role;
-- Vendor-wide settings hold nothing of any organisation, so every signed-in user may read them.
create policy "Signed-in users can read the dispatch settings" on public.sync_dispatch_settings
  for select to authenticated using (true);

-- Returns the number of invocations it asked for.
create function private.dispatch(vendor text) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  settings public.sync_dispatch_settings;
  due_jobs integer;
  due_credentials integer;
  working integer;
  wanted integer;
begin
  select * into settings from public.sync_dispatch_settings s where s.source = vendor;
  if not found then
    raise exception 'Cannot dispatch %: the vendor has no row in public.sync_dispatch_settings', vendor;
  end if;
  if not settings.dispatch_enabled then
    return 0;
  end if;

  -- Due work an invocation could claim now: not held by a live lease, and on a credential no
  -- invocation is working (those wait for their invocation, which claims them itself).
  select count(*)::int, count(distinct j.credential_id)::int into due_jobs, due_credentials
  from public.sync_jobs j
  where j.source = vendor and private.job_is_claimable(j)
    and not exists (
      select 1 from public.sync_jobs r
      where r.credential_id = j.credential_id and r.status = 'running'
        and r.lease_expires_at > now()
    );
  if due_jobs = 0 then
    return 0;
  end if;
  select count(distinct j.lease_owner)::int into working
  from public.sync_jobs j
  where j.source = vendor and j.status = 'running' and j.lease_expires_at > now();

  wanted := least(
    ceil(due_jobs::numeric / settings.jobs_per_invocation)::int,
    due_credentials,
    settings.max_invocations - working
  );
  for i in 1..greatest(wanted, 0) loop
    perform private.post_to_function(vendor, jsonb_build_object('trigger', 'cron', 'queue', true));
  end loop;
  return greatest(wanted, 0);
end;
$$;
revoke all on function private.dispatch(text) from public, anon, authenticated;
grant execute on function private.dispatch(text) to service_role;
comment on function private.dispatch(text) is
  'Posts {"queue": true} to the vendor''s function once per invocation the due jobs need; nothing when idle or disabled.';

select cron.schedule('solaredge-dispatch', '* * * * *', $$select private.dispatch('solaredge')$$);
select cron.schedule('enphase-dispatch', '* * * * *', $$select private.dispatch('enphase')$$);
select cron.schedule('sma-dispatch', '* * * * *', $$select private.dispatch('sma')$$);
select cron.schedule('goodwe-dispatch', '* * * * *', $$select private.dispatch('goodwe')$$);
