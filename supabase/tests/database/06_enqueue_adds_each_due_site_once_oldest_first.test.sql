-- The hourly enqueue: one job per credential and batch of due sites, batches filled oldest
-- watermark first, sites that are current, inactive, or of a credential that cannot sync left
-- out, and a second enqueue adding nothing.
begin;
-- Credentials inserted here would each queue a discovery job (the trigger of
-- *_queue_site_discovery.sql), which is not what this file counts.
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(13);

-- Work already due on this database (other tests' credentials) is enqueued first, so the counts
-- below are this test's own.
select private.enqueue_due_jobs('solaredge', 50);

insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.inverter_credentials (id, organization_id, source, label, secret, status) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'big', 'gAAAAAa', 'active'),
  ('a2000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'small', 'gAAAAAb', 'active'),
  ('a2000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'reauth', 'gAAAAAc', 'needs_reauth'),
  ('a2000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000001', 'enphase', 'other', 'gAAAAAd', 'active');
-- "big": 120 sites, site n synced n hours ago (site 0 this hour, so not due), and two never synced.
insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id, synced_through)
select 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'solaredge',
  'big-' || lpad(n::text, 3, '0'), date_trunc('hour', now()) - make_interval(hours => n)
from generate_series(0, 117) n;
insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id) values
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'solaredge', 'big-new-1'),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'solaredge', 'big-new-2');
insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id, synced_through, active) values
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', 'solaredge', 'small-1', now() - interval '3 hours', true),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', 'solaredge', 'small-gone', now() - interval '3 hours', false),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000003', 'solaredge', 'reauth-1', null, true),
  ('a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000004', 'enphase', 'enphase-1', null, true);

select is(private.enqueue_due_jobs('solaredge', 50), 4,
  'The enqueue adds three batches for 119 due sites of one credential and one for the other');
select results_eq(
  $$select c.label, count(*)::int from public.sync_jobs j
    join public.inverter_credentials c on c.id = j.credential_id
    where j.organization_id = 'a1000000-0000-4000-8000-000000000001'
    group by c.label order by c.label$$,
  $$values ('big', 3), ('small', 1)$$,
  'Jobs are per credential; a credential that needs re-authorisation and another vendor get none'
);
select results_eq(
  $$select count(*)::int from public.sync_job_sites js join public.inverter_sites s on s.id = js.site_id
    where s.organization_id = 'a1000000-0000-4000-8000-000000000001'$$,
  array[120],
  'Every due site is in a job: 119 of the large credential and one of the small'
);
select is_empty(
  $$select 1 from public.sync_job_sites js join public.inverter_sites s on s.id = js.site_id
    where s.vendor_site_id in ('big-000', 'small-gone', 'reauth-1', 'enphase-1')$$,
  'A site synced this hour, an inactive site and sites that cannot sync are left out'
);
select results_eq(
  $$select count(*)::int from public.sync_job_sites js
    join public.sync_jobs j on j.id = js.job_id
    where j.credential_id = 'a2000000-0000-4000-8000-000000000001'
    group by j.id order by count(*) desc$$,
  array[50, 50, 19],
  'Sites are batched 50 to a job'
);
select ok(
  (select bool_and(kind = 'scheduled' and status = 'pending' and window_from is null
      and window_to = date_trunc('hour', now()) and attempts = 0 and run_after <= now())
    from public.sync_jobs where organization_id = 'a1000000-0000-4000-8000-000000000001'),
  'Scheduled jobs start pending and due, each site from its own watermark to the current hour'
);
-- Oldest first: the first batch holds the never-synced sites and the 48 oldest watermarks.
select results_eq(
  $$select s.vendor_site_id from public.sync_job_sites js
    join public.inverter_sites s on s.id = js.site_id
    where js.job_id = (
      select id from public.sync_jobs where credential_id = 'a2000000-0000-4000-8000-000000000001'
      and oldest_synced_through is null)
    order by s.vendor_site_id$$,
  $$select 'big-' || lpad(n::text, 3, '0') from generate_series(70, 117) n
    union all values ('big-new-1'), ('big-new-2')$$,
  'The first batch holds the never-synced sites and then the oldest watermarks'
);
select results_eq(
  $$select oldest_synced_through from public.sync_jobs
    where credential_id = 'a2000000-0000-4000-8000-000000000001'
    order by oldest_synced_through asc nulls first$$,
  $$values (null::timestamptz), (date_trunc('hour', now()) - interval '69 hours'),
    (date_trunc('hour', now()) - interval '19 hours')$$,
  'Each job records its oldest watermark, the order claims serve them in'
);

select is(private.enqueue_due_jobs('solaredge', 50), 0, 'Running the enqueue again adds nothing');
select is(
  (select count(*)::int from public.sync_jobs where organization_id = 'a1000000-0000-4000-8000-000000000001'),
  4,
  'The second enqueue left the jobs as they were'
);
select throws_ok(
  $$insert into public.sync_job_sites (job_id, site_id)
    select (select id from public.sync_jobs where credential_id = 'a2000000-0000-4000-8000-000000000002'),
      (select id from public.inverter_sites where vendor_site_id = 'big-001')$$,
  '23505', null, 'A site cannot be in two open jobs'
);
select throws_like(
  $$select private.enqueue_due_jobs('solaredge', 0)$$,
  '%batch size must be at least 1%',
  'A batch size below one is refused'
);
select is(
  (select count(*)::int from cron.job
    where jobname in ('solaredge-enqueue', 'enphase-enqueue', 'sma-enqueue', 'goodwe-enqueue')
      and schedule = '5 * * * *'
      and command collate "C" =
        format('select private.enqueue_due_jobs(%L)', split_part(jobname, '-', 1)) collate "C"),
  4,
  'Every vendor has an hourly enqueue job'
);

select * from finish();
rollback;
