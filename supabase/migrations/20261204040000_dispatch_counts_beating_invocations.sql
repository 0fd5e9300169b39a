-- A worker killed without notice (SIGKILL, a host gone) leaves its run `running`; the dispatcher
-- counted such a run as an invocation at work for 15 minutes, so after a few kills every slot of
-- max_invocations was held by the dead, and the vendor's queue stood still until the orphan sweep
-- (found by `deno task chaos`, scenario worker-killed then key-rotation). A queue invocation now
-- beats: it sets its run's alive_at when it renews its leases (at most every 30 s,
-- private.touch_run), and the dispatcher counts a run only while it started or beat within the
-- last two minutes. The orphan sweep still closes the dead run later.

alter table public.sync_runs add column alive_at timestamptz;
comment on column public.sync_runs.alive_at is
  'A queue invocation''s last heartbeat; the dispatcher counts the run as at work only while it beats.';

create function private.touch_run(run_id uuid) returns boolean
language sql security definer set search_path = '' as $$
  with touched as (
    update public.sync_runs set alive_at = now()
    where id = touch_run.run_id and status = 'running'
    returning 1
  )
  select exists (select 1 from touched);
$$;
revoke all on function private.touch_run(uuid) from public, anon, authenticated;
grant execute on function private.touch_run(uuid) to service_role;
comment on function private.touch_run(uuid) is
  'The heartbeat of a running queue invocation; false once its run has ended.';

create or replace function private.dispatch(vendor text) returns integer
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
  -- Invocations at work: those holding a live lease, and queue runs that started and have not
  -- ended, whether or not they hold a lease yet (the lease owner is '<vendor>:<run id>'), while
  -- their worker still beats.
  select count(*)::int into working
  from (
    select j.lease_owner as owner
    from public.sync_jobs j
    where j.source = vendor and j.status = 'running' and j.lease_expires_at > now()
    union
    select vendor || ':' || r.id::text
    from public.sync_runs r
    where r.source = vendor and r.status = 'running' and r.trigger = 'cron'
      and (r.options ->> 'queue')::boolean is true
      -- Alive: started or beating within two minutes (a worker beats every 30 s at most).
      and greatest(r.started_at, r.alive_at) > now() - interval '2 minutes'
  ) at_work;

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
comment on function private.dispatch(text) is
  'Posts {"queue": true} to the vendor''s function once per invocation the due jobs need, counting the invocations at work (leases held, queue runs whose worker beats); nothing when idle or disabled.';
