-- The dispatcher counted an invocation as working only once it held a lease, so one that was
-- posted but had not claimed yet (booting, planning cadences, between two claims) left a free
-- slot, and the next minute posted another: more invocations than max_invocations. A queue
-- invocation records its run (options.queue) before it claims anything, so the running queue runs
-- count too. A run is counted for 15 minutes at most, longer than any plan's wall clock (400 s):
-- an older one is an orphan, which private.close_orphaned_runs closes.

create index sync_runs_running_idx on public.sync_runs (source, started_at)
  where status = 'running';

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
  -- ended, whether or not they hold a lease yet (the lease owner is '<vendor>:<run id>').
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
      and r.started_at > now() - interval '15 minutes'
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
  'Posts {"queue": true} to the vendor''s function once per invocation the due jobs need, counting the invocations at work (leases held, queue runs started); nothing when idle or disabled.';
