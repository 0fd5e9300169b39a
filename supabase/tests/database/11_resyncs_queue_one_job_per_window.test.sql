-- A resync or backfill of one site: one job per window, served before the hourly work; the site
-- keeps its waiting scheduled job; asking again returns the same jobs (widened where need be);
-- the hourly enqueue still queues the site while its resyncs wait.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(13);

-- Only this test's work is due: what other tests' credentials have due is enqueued and parked
-- (all rolled back with the rest).
delete from public.sync_jobs;
select private.enqueue_due_jobs('enphase');
update public.sync_jobs set run_after = now() + interval '1 day';
insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'enphase', 'a', 'gAAAAAa');
insert into public.inverter_sites (id, organization_id, credential_id, source, vendor_site_id, synced_through)
select ('a3000000-0000-4000-8000-00000000000' || n)::uuid, 'a1000000-0000-4000-8000-000000000001',
  'a2000000-0000-4000-8000-000000000001', 'enphase', 'site-' || n, now() - interval '3 hours'
from generate_series(1, 3) n;

set local role service_role;
select is(private.enqueue_due_jobs('enphase'), 1, 'The three sites wait in one scheduled job');
create temporary table resync on commit drop as
  select unnest(private.enqueue_site_windows('a3000000-0000-4000-8000-000000000001', 'resync',
    array['2026-11-01T00:00Z', '2026-11-02T00:00Z', '2026-11-03T00:00Z']::timestamptz[],
    array['2026-11-02T00:00Z', '2026-11-03T00:00Z', '2026-11-04T00:00Z']::timestamptz[])) as id;
select results_eq(
  $$select kind, priority, window_from, window_to from public.sync_jobs
    where id in (select id from resync) order by window_from$$,
  $$values ('resync', 100, '2026-11-01T00:00Z'::timestamptz, '2026-11-02T00:00Z'::timestamptz),
    ('resync', 100, '2026-11-02T00:00Z'::timestamptz, '2026-11-03T00:00Z'::timestamptz),
    ('resync', 100, '2026-11-03T00:00Z'::timestamptz, '2026-11-04T00:00Z'::timestamptz)$$,
  'A 3-day resync of a one-day vendor is three jobs, each with its window, above the hourly work'
);
select results_eq(
  $$select j.kind, count(*)::int from public.sync_job_sites s join public.sync_jobs j on j.id = s.job_id
    where s.open and j.organization_id = 'a1000000-0000-4000-8000-000000000001'
    group by j.kind order by j.kind$$,
  $$values ('resync', 3), ('scheduled', 3)$$,
  'The site keeps its place in the scheduled job'
);
select results_eq(
  $$select unnest(private.enqueue_site_windows('a3000000-0000-4000-8000-000000000001', 'backfill',
    array['2026-11-02T00:00Z', '2026-11-03T00:00Z']::timestamptz[],
    array['2026-11-03T00:00Z', '2026-11-04T00:00Z']::timestamptz[], 10))$$,
  $$select id from public.sync_jobs where id in (select id from resync) and window_from >= '2026-11-02T00:00Z'
    order by window_from$$,
  'Asking again for windows that wait returns their jobs'
);
select is((select count(*)::int from public.sync_jobs where organization_id = 'a1000000-0000-4000-8000-000000000001'), 4,
  'No job was added for the second request');
select results_eq(
  $$select kind, priority from public.sync_jobs where id in (select id from resync) order by window_from$$,
  $$values ('resync', 100), ('resync', 100), ('resync', 100)$$,
  'A backfill asked over a resync leaves it a resync at its priority'
);
select is(
  (select count(*)::int from unnest(private.enqueue_site_windows('a3000000-0000-4000-8000-000000000001',
    'resync', array['2026-10-31T00:00Z']::timestamptz[], array['2026-11-01T00:00Z']::timestamptz[]))),
  1, 'A new window is a new job');
select results_eq(
  $$select kind from private.claim_jobs('enphase', 'w', 1, 60)$$,
  array['resync'],
  'A resync is claimed before the hourly work'
);
create temporary table running on commit drop as
  select id, window_from, window_to from public.sync_jobs where status = 'running';
select results_eq(
  $$select unnest(private.enqueue_site_windows('a3000000-0000-4000-8000-000000000001', 'resync',
    array[(select window_from from running)], array[(select window_to from running)]))$$,
  $$select id from running$$,
  'A window whose job is running returns that job: its sync is not doubled');
-- The hourly lane: the scheduled job ended, the sites are due again, resyncs still wait.
update public.sync_jobs set status = 'succeeded' where kind = 'scheduled'
  and organization_id = 'a1000000-0000-4000-8000-000000000001';
select is(private.enqueue_due_jobs('enphase'), 1, 'Sites with resyncs waiting are queued for the hour too');
select throws_like(
  $$select private.enqueue_site_windows(gen_random_uuid(), 'resync', array['2026-11-01T00:00Z']::timestamptz[],
    array['2026-11-02T00:00Z']::timestamptz[])$$,
  '%there is no such site%',
  'An unknown site is refused'
);
select throws_like(
  $$select private.enqueue_site_windows('a3000000-0000-4000-8000-000000000002', 'resync',
    array['2026-11-02T00:00Z']::timestamptz[], array['2026-11-01T00:00Z']::timestamptz[])$$,
  '%window 1 must start before it ends%',
  'A window that ends before it starts is refused'
);
select throws_like(
  $$select private.enqueue_site_windows('a3000000-0000-4000-8000-000000000002', 'scheduled',
    array['2026-11-01T00:00Z']::timestamptz[], array['2026-11-02T00:00Z']::timestamptz[])$$,
  '%kind must be backfill or resync%',
  'Scheduled work is the hourly enqueue''s, not a request''s'
);

select * from finish();
rollback;
