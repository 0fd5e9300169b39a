-- Credential secrets: members see a credential's status but never its secret; anon sees nothing;
-- the service role (the functions' role) reads the secret.
begin;
set local search_path = public, extensions;
select plan(7);

insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000001', 'ana@example.test');
insert into public.organizations (id, name) values ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar');
insert into public.organization_members (organization_id, user_id)
  values ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001');
insert into public.inverter_credentials (organization_id, source, label, secret, status)
  values ('a1000000-0000-4000-8000-000000000001', 'solaredge', 'main', 'gAAAAAsecret-token', 'needs_reauth');

set local role authenticated;
set local request.jwt.claims = '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  'select status from public.inverter_credentials',
  array['needs_reauth'],
  'A member reads the status of their organisation''s credentials'
);
select throws_ok(
  'select secret from public.inverter_credentials',
  '42501',
  null,
  'A member cannot read the secret column'
);
select throws_ok(
  $$insert into public.inverter_credentials (organization_id, source, label, secret)
    values ('a1000000-0000-4000-8000-000000000001', 'solaredge', 'x', 'gAAAAAx')$$,
  '42501',
  null,
  'A member cannot add credentials directly'
);

reset role;
set local role anon;
select throws_ok('select id from public.inverter_credentials', '42501', null, 'Anon cannot read credentials');
select throws_ok('select id from public.inverter_sites', '42501', null, 'Anon cannot read sites');
select throws_ok('select id from public.sync_runs', '42501', null, 'Anon cannot read runs');

reset role;
set local role service_role;
select results_eq(
  $$select secret from public.inverter_credentials
    where organization_id = 'a1000000-0000-4000-8000-000000000001'$$,
  array['gAAAAAsecret-token'],
  'The service role reads the secret'
);

select * from finish();
rollback;
