-- Quota budgets: a reservation spends only while the window has room and otherwise says when the
-- window reopens; periods are UTC windows; a vendor's rate-limit headers lower what is left;
-- members read their own credentials' budgets only.
begin;
set local search_path = public, extensions;
select plan(13);

set local role service_role;
create temporary table outcomes (n int, reopens timestamptz) on commit drop;
insert into outcomes
select n, private.reserve_quota('test:app:seven', 'minute', 7) from generate_series(1, 10) n;
select is((select count(*)::int from outcomes where reopens is null), 7,
  'Of 10 reservations against a limit of 7, exactly 7 are granted');
select results_eq(
  'select distinct reopens from outcomes where reopens is not null',
  $$values (date_trunc('minute', now()) + interval '1 minute')$$,
  'The others return when the minute reopens'
);
select results_eq(
  $$select used, call_limit from public.quota_budgets where scope = 'test:app:seven'$$,
  $$values (7, 7)$$,
  'The budget shows 7 used and never more'
);
select is(private.reserve_quota('test:app:seven', 'day', 7, 3), null,
  'Each period has its own budget');
select is(private.reserve_quota('test:app:seven', 'day', 7, 5), date_trunc('day', now()) + interval '1 day',
  'A spend of several calls is refused whole when it would overspend, until the next UTC day');
select is(private.reserve_quota('test:app:seven', 'day', 8, 5), null,
  'A raised limit (a plan upgrade) applies at once');
select is(
  private.reserve_quota('test:app:seven', 'month', 0),
  date_trunc('month', now()) + interval '1 month',
  'A budget of zero grants nothing until next month'
);
select throws_like(
  $$select private.reserve_quota('test:app:seven', 'fortnight', 7)$$,
  '%Cannot use quota period fortnight%',
  'An unknown period is refused'
);
select throws_like(
  $$select private.reserve_quota('test:app:seven', 'minute', 7, 8)$$,
  '%Cannot reserve 8 calls of test:app:seven: more than its limit of 7 per minute%',
  'A spend larger than the whole budget is refused instead of waiting forever'
);

-- The vendor says 2 of its 10 remain although only 1 was spent from here (another client, a
-- restart): from now on only 2 more are granted, and the vendor's lower limit holds too.
select private.reserve_quota('test:key:headers', '5 minutes', 100);
select private.observe_quota('test:key:headers', '5 minutes', 10, 2);
select results_eq(
  $$select count(*) filter (where r is null)::int
    from (select private.reserve_quota('test:key:headers', '5 minutes', 100) r from generate_series(1, 5)) x$$,
  array[2],
  'Rate-limit headers lower what is left, and the vendor''s limit caps ours'
);

reset role;
insert into auth.users (id, email) values ('a0000000-0000-4000-8000-000000000001', 'ana@example.test');
insert into public.organizations (id, name) values
  ('a1000000-0000-4000-8000-000000000001', 'Alpha Solar'),
  ('b1000000-0000-4000-8000-000000000002', 'Beta Energy');
insert into public.organization_members (organization_id, user_id)
  values ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('a2000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'solaredge', 'a', 'gAAAAAa'),
  ('b2000000-0000-4000-8000-000000000002', 'b1000000-0000-4000-8000-000000000002', 'solaredge', 'b', 'gAAAAAb');
set local role service_role;
select private.reserve_quota('solaredge:key:a', 'day', 300, 1, 'a2000000-0000-4000-8000-000000000001');
select private.reserve_quota('solaredge:key:b', 'day', 300, 1, 'b2000000-0000-4000-8000-000000000002');

reset role;
set local role authenticated;
set local request.jwt.claims = '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  'select scope, used from public.quota_budgets',
  $$values ('solaredge:key:a', 1)$$,
  'A member reads their own credential''s budget, not another''s nor an application''s'
);
select throws_ok(
  $$update public.quota_budgets set used = 0$$,
  '42501', null, 'A member cannot reset a budget'
);
reset role;
set local role anon;
select throws_ok('select used from public.quota_budgets', '42501', null, 'Anon cannot read budgets');

select * from finish();
rollback;
