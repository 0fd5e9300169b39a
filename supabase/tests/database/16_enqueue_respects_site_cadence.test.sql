-- The hourly enqueue under a planned cadence (shared/cadence_plan.ts): a site on a 6-hour cadence
-- is queued once its watermark is 6 hours behind the current hour, not before, while hourly sites
-- of the same credential are queued every hour; a cadence outside the planner's set is refused.
begin;
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(7);

-- Work already due on this database is enqueued first, so the counts below are this test's own.
select private.enqueue_due_jobs('enphase', 50);

insert into public.organizations (id, name) values ('c1000000-0000-4000-8000-000000000001', 'Cadence Solar');
insert into public.inverter_credentials (id, organization_id, source, label, secret, status) values
  ('c2000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000001', 'enphase', 'watt', 'gAAAAAa', 'active'),
  ('c2000000-0000-4000-8000-000000000002', 'c1000000-0000-4000-8000-000000000001', 'enphase', 'other', 'gAAAAAb', 'active');
insert into public.inverter_sites (organization_id, credential_id, source, vendor_site_id)
values ('c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000002', 'enphase', 'other-new');
insert into public.inverter_sites
  (organization_id, credential_id, source, vendor_site_id, synced_through, cadence_hours, cadence_note)
values
  -- Fetched up to the end of the last hour: due again at the earliest five hours later.
  ('c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'enphase', 'six-fresh',
    date_trunc('hour', now()) - interval '1 hour', 6, 'quota'),
  ('c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'enphase', 'six-3h',
    date_trunc('hour', now()) - interval '3 hours', 6, 'quota'),
  ('c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'enphase', 'six-6h',
    date_trunc('hour', now()) - interval '6 hours', 6, 'quota'),
  ('c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'enphase', 'hourly-1h',
    date_trunc('hour', now()) - interval '1 hour', 1, null),
  ('c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'enphase', 'six-new',
    null, 6, 'quota');

select is(
  (select cadence_hours from public.inverter_sites where vendor_site_id = 'hourly-1h'),
  1,
  'A site is hourly unless the planner says otherwise'
);
select is(
  private.enqueue_due_jobs('enphase', 50, 'c2000000-0000-4000-8000-000000000001'),
  1,
  'The due sites of the credential asked for fill one job'
);
select is_empty(
  $$select 1 from public.sync_job_sites js join public.inverter_sites s on s.id = js.site_id
    where s.vendor_site_id = 'other-new'$$,
  'Another credential''s due site is left to the hourly enqueue'
);
select results_eq(
  $$select s.vendor_site_id from public.sync_job_sites js
    join public.inverter_sites s on s.id = js.site_id
    where s.credential_id = 'c2000000-0000-4000-8000-000000000001'
    order by s.vendor_site_id$$,
  $$values ('hourly-1h'), ('six-6h'), ('six-new')$$,
  'Hourly sites, a 6-hour site 6 hours behind and a never-synced one are queued; fresher 6-hour sites wait'
);
select is(private.enqueue_due_jobs('enphase', 50), 1, 'The vendor-wide enqueue queues the other');
select is(private.enqueue_due_jobs('enphase', 50), 0, 'Nothing more is due this hour');
select throws_ok(
  $$update public.inverter_sites set cadence_hours = 5 where vendor_site_id = 'six-3h'$$,
  '23514', null, 'A cadence outside the planner''s set is refused'
);

select * from finish();
rollback;
