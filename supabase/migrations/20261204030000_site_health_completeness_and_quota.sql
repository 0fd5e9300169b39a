-- site_health gains what a dashboard asked for and the first version lacked:
-- - completeness of the last 24 hours: core-daylight intervals expected and received over the
--   windows that touch them (site_window_coverage), so night is not counted as missing; a fresh
--   site with holes says to resync it;
-- - this month's calls spent against the tightest monthly budget of the site's calls;
-- - the site's time zone, which a resync needs to cut the site's local days.
-- The columns are added at the end, as create or replace view requires; the rest is unchanged.

create or replace view public.site_health with (security_invoker = true) as
with site as (
  select s.*, c.label as credential_label, c.status as credential_status,
    c.status_reason as credential_reason, v.name as vendor_name,
    jobs.open_jobs, jobs.dead_jobs, jobs.waits_until, jobs.wait_reason,
    quota.used as month_calls_used, quota.call_limit as month_call_limit,
    coverage.expected as daylight_expected_24h, coverage.received as daylight_received_24h,
    -- A site is late once its watermark is more than its cadence (and an hour's grace) behind.
    (s.synced_through is null
      or s.synced_through < date_trunc('hour', now()) - make_interval(hours => s.cadence_hours))
      as behind
  from public.inverter_sites s
  join public.inverter_credentials c on c.id = s.credential_id
  join public.vendors v on v.source = s.source
  left join lateral (
    select
      count(*) filter (where j.status in ('pending', 'running', 'failed'))::int as open_jobs,
      count(*) filter (where j.status = 'dead')::int as dead_jobs,
      max(j.run_after) filter (where j.status in ('pending', 'failed') and j.run_after > now())
        as waits_until,
      (array_agg(j.last_error order by j.run_after desc)
        filter (where j.status in ('pending', 'failed') and j.run_after > now()))[1] as wait_reason
    from public.sync_job_sites js
    join public.sync_jobs j on j.id = js.job_id
    where js.site_id = s.id
  ) jobs on true
  -- This month's calls of the tightest monthly budget the site's calls spend: its credential's
  -- own, or its vendor's application's (which RLS shows to the service role only, as it spans
  -- organisations).
  left join lateral (
    select q.used, q.call_limit
    from public.quota_budgets q
    where q.period = 'month' and q.period_start = date_trunc('month', now(), 'UTC')
      and (q.credential_id = s.credential_id or q.scope like s.source || ':app:%')
    order by q.used::float8 / greatest(q.call_limit, 1) desc
    limit 1
  ) quota on true
  -- The windows that touch the last 24 hours.
  left join lateral (
    select sum(w.daylight_expected)::int as expected, sum(w.daylight_received)::int as received
    from public.site_window_coverage w
    where w.site_id = s.id and w.window_end > now() - interval '24 hours'
      and w.window_from < now()
  ) coverage on true
  where s.active
),
judged as (
  select site.*,
    case
      when credential_status <> 'active' then 'needs_reauth'
      when consecutive_failures > 0 or dead_jobs > 0 then 'failing'
      when behind then 'late'
      else 'fresh'
    end as state
  from site
)
select
  id as site_id, organization_id, source, vendor_site_id, name, credential_id, credential_label,
  credential_status, credential_reason, last_success_at, synced_through,
  now() - synced_through as lag, last_error, consecutive_failures, cadence_hours, cadence_note,
  coalesce(open_jobs, 0) as open_jobs, coalesce(dead_jobs, 0) as dead_jobs, waits_until,
  wait_reason, state,
  case state when 'needs_reauth' then 0 when 'failing' then 1 when 'late' then 2 else 3 end
    as rank,
  case
    when state = 'needs_reauth' and credential_status = 'pending' then
      format('Wait for the owner of %s credential ''%s'' to accept: %s', vendor_name,
        credential_label, coalesce(credential_reason, 'consent requested'))
    when state = 'needs_reauth' and credential_status = 'disabled' then
      format('Enable or replace %s credential ''%s'': it is disabled', vendor_name,
        credential_label)
    when state = 'needs_reauth' then
      format('Re-authorise %s credential ''%s'': %s', vendor_name, credential_label,
        coalesce(credential_reason, 'the vendor refused it'))
    when state = 'failing' and consecutive_failures > 0 then
      format('Fix site %s (%s failures in a row): %s', vendor_site_id, consecutive_failures,
        coalesce(last_error, 'no error recorded'))
    when state = 'failing' then
      format('Resync site %s: %s of its jobs gave up (sync_jobs_dead says why)', vendor_site_id,
        dead_jobs)
    when state = 'late' and waits_until is not null then
      format('Nothing to do: site %s waits for %s until %s (%s)', vendor_site_id, vendor_name,
        to_char(waits_until at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
        coalesce(wait_reason, 'a quota'))
    when state = 'late' and synced_through is null then
      format('Site %s has never synced: check its credential and the %s queue', vendor_site_id,
        vendor_name)
    when state = 'late' then
      format('Site %s is %s behind: check the %s queue (sync_queue_summary)', vendor_site_id,
        date_trunc('minute', now() - synced_through), vendor_name)
    when daylight_received_24h < daylight_expected_24h then
      format('Resync site %s if the vendor has the data: %s of %s daylight intervals of the last 24 hours hold no reading',
        vendor_site_id, daylight_expected_24h - daylight_received_24h, daylight_expected_24h)
  end as next_action,
  timezone, month_calls_used, month_call_limit, daylight_expected_24h, daylight_received_24h,
  round(daylight_received_24h::numeric / nullif(daylight_expected_24h, 0), 3)
    as daylight_completeness_24h
from judged;

comment on view public.site_health is
  'One row per active site: freshness, errors, credential state, cadence, jobs, monthly quota spent, daylight completeness of the last 24 hours, a state ranked worst first and the next action; members see their organisations'' sites.';
