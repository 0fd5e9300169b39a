-- What an operator asks of the queue first: per vendor, how much work waits, runs, retries or
-- died, and how late the oldest due job is. security_invoker keeps the jobs' RLS, so a member
-- sees the figures of their own organisations only, and the service role the whole fleet.
create view public.sync_queue_summary with (security_invoker = true) as
  select j.source,
    count(*) filter (where j.status = 'pending')::int as pending,
    count(*) filter (where j.status = 'running' and j.lease_expires_at > now())::int as running,
    count(*) filter (where j.status = 'running' and j.lease_expires_at <= now())::int as lease_expired,
    count(*) filter (where j.status = 'failed')::int as retrying,
    count(*) filter (where j.status = 'dead')::int as dead,
    count(distinct j.lease_owner) filter (
      where j.status = 'running' and j.lease_expires_at > now()
    )::int as invocations,
    min(j.run_after) filter (where j.status in ('pending', 'failed') and j.run_after <= now())
      as oldest_due_since,
    min(j.oldest_synced_through) filter (where j.status in ('pending', 'running', 'failed'))
      as oldest_watermark
  from public.sync_jobs j
  group by j.source;
comment on view public.sync_queue_summary is
  'Per vendor: jobs pending, running, with an expired lease, retrying and dead; invocations at work; the oldest due job and watermark.';
revoke all on public.sync_queue_summary from anon, authenticated;
grant select on public.sync_queue_summary to authenticated, service_role;
