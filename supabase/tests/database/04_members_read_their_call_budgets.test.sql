-- Monthly call budgets: members see their own organisation's usage, never another's; anon sees
-- nothing; a spend stops at the limit.
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
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'enphase', 'a', 'gAAAAAa'),
  ('b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'enphase', 'b', 'gAAAAAb');
insert into public.rate_limit_budgets (credential_id, period_start, calls, call_limit) values
  ('a2000000-0000-4000-8000-000000000001', '2026-11-01', 998, 1000),
  ('b2000000-0000-4000-8000-000000000002', '2026-11-01', 10, 1000);

-- The spend the fetcher makes: it succeeds below the limit and returns nothing at it.
prepare spend as
  insert into public.rate_limit_budgets (credential_id, period_start, calls, call_limit)
  values ('a2000000-0000-4000-8000-000000000001', '2026-11-01', 1, 1000)
  on conflict (credential_id, period_start) do update
  set calls = rate_limit_budgets.calls + 1, call_limit = excluded.call_limit
  where rate_limit_budgets.calls < excluded.call_limit
  returning calls;
select results_eq('execute spend', array[999], 'A spend below the limit counts the call');
execute spend;
select is_empty('execute spend', 'A spend at the limit is refused');

set local role authenticated;
set local request.jwt.claims = '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  'select calls from public.rate_limit_budgets',
  array[1000],
  'A member reads only their organisation''s budgets'
);
select throws_ok(
  $$update public.rate_limit_budgets set calls = 0$$,
  '42501',
  null,
  'A member cannot reset a budget'
);

reset role;
set local role anon;
select throws_ok('select calls from public.rate_limit_budgets', '42501', null, 'Anon cannot read budgets');

select * from finish();
rollback;
