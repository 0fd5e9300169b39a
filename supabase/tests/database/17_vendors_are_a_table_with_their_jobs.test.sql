-- The vendor table: every registered vendor has its dispatch settings and its three cron jobs, a
-- credential names a registered vendor, and registering a new vendor adds all of it once.
begin;
set local search_path = public, extensions;
select plan(10);

select results_eq(
  $$select source from public.vendors order by source$$,
  $$values ('enphase'), ('goodwe'), ('sma'), ('solaredge')$$,
  'The four vendors are registered'
);
select is(
  (select count(*)::int from public.vendors v
    where exists (select 1 from public.sync_dispatch_settings d where d.source = v.source)
      and (select count(*) from cron.job j where j.jobname in
        (v.source || '-enqueue', v.source || '-dispatch', v.source || '-discover')) = 3),
  4,
  'Each has its dispatch settings and its enqueue, dispatch and discovery jobs'
);

insert into public.organizations (id, name) values ('d1000000-0000-4000-8000-000000000001', 'Vendor Solar');
select throws_ok(
  $$insert into public.inverter_credentials (organization_id, source, label, secret)
    values ('d1000000-0000-4000-8000-000000000001', 'fronius', 'x', 'gAAAAAx')$$,
  '23503', null, 'A credential of a vendor that is not registered is refused'
);

select lives_ok($$select private.register_vendor('fronius', 'Fronius')$$, 'A vendor registers');
select lives_ok($$select private.register_vendor('fronius', 'Fronius')$$, 'And registers again');
select is(
  (select count(*)::int from cron.job
    where jobname collate "C" like 'fronius-%'
      and (jobname collate "C", schedule collate "C", command collate "C") in (
        ('fronius-discover', '4 * * * *', 'select private.enqueue_discoveries(''fronius'')'),
        ('fronius-dispatch', '* * * * *', 'select private.dispatch(''fronius'')'),
        ('fronius-enqueue', '5 * * * *', 'select private.enqueue_due_jobs(''fronius'')'))),
  3,
  'Its three jobs exist'
);
select is(
  (select count(*)::int from cron.job where jobname collate "C" like 'fronius-%'),
  3,
  'Once each'
);
select ok(
  (select dispatch_enabled from public.sync_dispatch_settings where source = 'fronius'),
  'Its dispatch is on'
);
select lives_ok(
  $$insert into public.inverter_credentials (organization_id, source, label, secret)
    values ('d1000000-0000-4000-8000-000000000001', 'fronius', 'x', 'gAAAAAx')$$,
  'Its credentials are accepted'
);

set local role anon;
select throws_ok($$select * from public.vendors$$, '42501', null, 'Anon cannot read the vendors');

select * from finish();
rollback;
