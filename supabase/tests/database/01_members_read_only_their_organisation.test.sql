-- Row-level security: a member reads only their own organisation's sites, runs and results.
begin;
set local search_path = public, extensions;
select plan(7);

insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'ana@example.test'),
  ('b0000000-0000-4000-8000-000000000002', 'ben@example.test');
insert into public.organizations (id, name) values
  ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar'),
  ('b1000000-0000-4000-8000-000000000002', 'Beta Energy');
insert into public.organization_members (organization_id, user_id) values
  ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001'),
  ('b1000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000002');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'a', 'gAAAAAalpha'),
  ('b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'solaredge', 'b', 'gAAAAAbeta');
insert into public.inverter_sites (id, organization_id, credential_id, source, vendor_site_id) values
  ('a3000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'solaredge', 'alpha-1'),
  ('b3000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'b2000000-0000-4000-8000-000000000002', 'solaredge', 'beta-1');
insert into public.sync_runs (id, source, trigger) values
  ('a4000000-0000-4000-8000-000000000001', 'solaredge', 'cron'),
  ('b4000000-0000-4000-8000-000000000002', 'solaredge', 'cron');
insert into public.sync_run_sites (run_id, organization_id, site_id, status) values
  ('a4000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'succeeded'),
  ('b4000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'b3000000-0000-4000-8000-000000000002', 'failed');

set local role authenticated;
set local request.jwt.claims = '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}';

select results_eq(
  'select vendor_site_id from public.inverter_sites',
  array['alpha-1'],
  'A member sees only their organisation''s sites'
);
select results_eq(
  'select id from public.sync_runs',
  array['a4000000-0000-4000-8000-000000000001'::uuid],
  'A member sees only runs that touched their organisation'
);
select results_eq(
  'select status from public.sync_run_sites',
  array['succeeded'],
  'A member sees only their organisation''s site results'
);
select results_eq(
  'select name from public.organizations',
  array['Alpha Solar'],
  'A member sees only their own organisation'
);
select is_empty(
  $$select 1 from public.inverter_sites where organization_id = 'b1000000-0000-4000-8000-000000000002'$$,
  'Asking for another organisation''s sites by id returns nothing'
);
select throws_ok(
  $$update public.inverter_sites set name = 'x'$$,
  '42501',
  null,
  'A member cannot change sync status'
);

set local request.jwt.claims = '{"sub": "c0000000-0000-4000-8000-000000000003", "role": "authenticated"}';
select is_empty('select 1 from public.inverter_sites', 'A signed-in user of no organisation sees no sites');

select * from finish();
rollback;
