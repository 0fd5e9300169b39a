-- Quota budgets: members see the budgets of their own organisation's credentials, never another
-- organisation's and never an application's (shared across organisations); they change nothing;
-- anon sees nothing. The seed's rate_limit_budgets table is gone.
begin;
set local search_path = public, extensions;
select plan(5);

insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000001', 'ana@example.test');
insert into public.organizations (id, name) values
  ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar'),
  ('b1000000-0000-4000-8000-000000000002', 'Beta Energy');
insert into public.organization_members (organization_id, user_id)
  values ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'a', 'gAAAAAa'),
  ('b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'solaredge', 'b', 'gAAAAAb');
insert into public.quota_budgets (scope, period, period_start, call_limit, used, credential_id) values
  ('test:key:a', 'day', date_trunc('day', now()), 300, 298, 'a2000000-0000-4000-8000-000000000001'),
  ('test:key:b', 'day', date_trunc('day', now()), 300, 10, 'b2000000-0000-4000-8000-000000000002'),
  ('test:app:x', 'month', date_trunc('month', now()), 1000, 500, null);

select hasnt_table('public', 'rate_limit_budgets', 'The unused per-credential budget table is gone');

set local role authenticated;
set local request.jwt.claims = '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  $$select scope, used from public.quota_budgets where scope like 'test:%'$$,
  $$values ('test:key:a', 298)$$,
  'A member reads only their organisation''s credential budgets'
);
select throws_ok(
  $$update public.quota_budgets set used = 0$$,
  '42501',
  null,
  'A member cannot reset a budget'
);
select throws_ok(
  $$select private.reserve_quota('test:key:a', 'day', 300)$$,
  '42501',
  null,
  'A member cannot spend from a budget'
);

reset role;
set local role anon;
select throws_ok('select used from public.quota_budgets', '42501', null, 'Anon cannot read budgets');

select * from finish();
rollback;
