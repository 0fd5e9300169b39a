-- Discovery in the queue: a credential that becomes active gets a discovery job at once, one open
-- job at most; the hourly discover job lists each active credential once a day; and a claimed
-- discovery job is worked, not taken for a job with nothing left to do.
begin;
set local search_path = public, extensions;
select plan(9);

-- Only this file's work is due.
update public.sync_jobs set run_after = now() + interval '1 day'
where status in ('pending', 'failed');
insert into public.organizations (id, name)
values ('00000000-0000-0000-0000-00000000d150', 'Discovery');
insert into public.inverter_credentials (id, organization_id, source, label, secret)
values ('00000000-0000-0000-0000-00000000d151', '00000000-0000-0000-0000-00000000d150',
        'goodwe', 'new', 'gAAAAA-test');

select results_eq(
  $$select kind, status, priority from public.sync_jobs
    where credential_id = '00000000-0000-0000-0000-00000000d151'$$,
  $$values ('discover'::text, 'pending'::text, 50)$$,
  'A new active credential waits in one discovery job, above the hourly work'
);
select is(
  private.enqueue_discoveries('goodwe'),
  0,
  'The hourly discover job adds none while one is open'
);
select is(
  (select count(*)::int from public.sync_jobs
    where credential_id = '00000000-0000-0000-0000-00000000d151'),
  1,
  'Still one job'
);

select results_eq(
  $$select kind, cardinality(site_ids) from private.claim_jobs('goodwe', 'worker-d', 5, 60)$$,
  $$values ('discover'::text, 0)$$,
  'The discovery job is claimed with no sites, not closed as empty'
);
select is(
  private.finish_job(
    (select id from public.sync_jobs where credential_id = '00000000-0000-0000-0000-00000000d151'),
    'worker-d', 'succeeded'
  ),
  'succeeded',
  'Its worker ends it'
);
select is(
  private.enqueue_discoveries('goodwe'),
  0,
  'Listed within the day: no new discovery'
);
update public.sync_jobs set finished_at = now() - interval '25 hours'
where credential_id = '00000000-0000-0000-0000-00000000d151';
select is(
  private.enqueue_discoveries('goodwe'),
  1,
  'A day later the credential is listed again'
);

update public.inverter_credentials set status = 'needs_reauth'
where id = '00000000-0000-0000-0000-00000000d151';
delete from public.sync_jobs where credential_id = '00000000-0000-0000-0000-00000000d151';
select is(
  private.enqueue_discoveries('goodwe'),
  0,
  'A credential that needs re-authorisation is not listed'
);
update public.inverter_credentials set status = 'active'
where id = '00000000-0000-0000-0000-00000000d151';
select is(
  (select count(*)::int from public.sync_jobs
    where credential_id = '00000000-0000-0000-0000-00000000d151' and kind = 'discover'),
  1,
  'Re-authorised, it is listed at once'
);

select * from finish();
rollback;
