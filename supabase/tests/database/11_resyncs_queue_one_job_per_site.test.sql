-- A resync or backfill of one site: its own job, served before the hourly work; the site leaves a
-- waiting scheduled job; asking again widens the same job; a running sync is not doubled.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(11);

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
  select private.enqueue_site_window('a3000000-0000-4000-8000-000000000001', 'resync',
    '2026-11-01T00:00Z', '2026-11-02T00:00Z') as id;
select results_eq(
  $$select kind, priority, window_from, window_to from public.sync_jobs where id = (select id from resync)$$,
  $$values ('resync', 100, '2026-11-01T00:00Z'::timestamptz, '2026-11-02T00:00Z'::timestamptz)$$,
  'A resync is a job of its own with its window and a priority above the hourly work'
);
select results_eq(
  $$select j.kind, count(*)::int from public.sync_job_sites s join public.sync_jobs j on j.id = s.job_id
    where s.open and j.organization_id = 'a1000000-0000-4000-8000-000000000001'
    group by j.kind order by j.kind$$,
  $$values ('resync', 1), ('scheduled', 2)$$,
  'The site left the scheduled job, which keeps the other two'
);
select is(
  private.enqueue_site_window('a3000000-0000-4000-8000-000000000001', 'backfill',
    '2026-10-31T00:00Z', '2026-11-01T12:00Z', 10),
  (select id from resync),
  'Asking again while it waits returns the same job'
);
select results_eq(
  $$select kind, priority, window_from, window_to from public.sync_jobs where id = (select id from resync)$$,
  $$values ('resync', 100, '2026-10-31T00:00Z'::timestamptz, '2026-11-02T00:00Z'::timestamptz)$$,
  'which now covers both windows'
);
select is((select count(*)::int from public.sync_jobs where organization_id = 'a1000000-0000-4000-8000-000000000001'), 2,
  'No job was added for the second request');
select results_eq(
  $$select kind from private.claim_jobs('enphase', 'w', 1, 60)$$,
  array['resync'],
  'The resync is claimed before the hourly work'
);
select throws_like(
  $$select private.enqueue_site_window('a3000000-0000-4000-8000-000000000001', 'resync',
    '2026-11-01T00:00Z', '2026-11-02T00:00Z')$$,
  '%a sync of it is running; try again when it ends%',
  'A site whose sync is running is not queued twice'
);
select throws_like(
  $$select private.enqueue_site_window(gen_random_uuid(), 'resync', '2026-11-01T00:00Z', '2026-11-02T00:00Z')$$,
  '%there is no such site%',
  'An unknown site is refused'
);
select throws_like(
  $$select private.enqueue_site_window('a3000000-0000-4000-8000-000000000002', 'resync',
    '2026-11-02T00:00Z', '2026-11-01T00:00Z')$$,
  '%the window must start before it ends%',
  'A window that ends before it starts is refused'
);
select throws_like(
  $$select private.enqueue_site_window('a3000000-0000-4000-8000-000000000002', 'scheduled',
    '2026-11-01T00:00Z', '2026-11-02T00:00Z')$$,
  '%kind must be backfill or resync%',
  'Scheduled work is the hourly enqueue''s, not a request''s'
);

select * from finish();
rollback;
