-- A call that spends from several budgets (a minute rate and a day quota) takes all of them or
-- none: a refusal by one leaves the others untouched and says when the last of them reopens.
begin;
set local search_path = public, extensions;
select plan(6);

set local role service_role;
select is(
  private.reserve_quotas('[{"scope": "test:multi", "period": "minute", "limit": 5},
                           {"scope": "test:multi", "period": "day", "limit": 2}]'::jsonb),
  null,
  'A call within every budget is granted'
);
select private.reserve_quotas('[{"scope": "test:multi", "period": "minute", "limit": 5},
                                {"scope": "test:multi", "period": "day", "limit": 2}]'::jsonb);
select is(
  private.reserve_quotas('[{"scope": "test:multi", "period": "minute", "limit": 5},
                           {"scope": "test:multi", "period": "day", "limit": 2}]'::jsonb),
  date_trunc('day', now()) + interval '1 day',
  'When the day is spent the call is refused until the day reopens'
);
select results_eq(
  $$select period, used from public.quota_budgets where scope = 'test:multi' order by period$$,
  $$values ('day', 2), ('minute', 2)$$,
  'The refused call spent nothing from the minute that had room'
);
select is(
  private.reserve_quotas('[{"scope": "test:multi", "period": "minute", "limit": 2},
                           {"scope": "test:multi", "period": "day", "limit": 2}]'::jsonb),
  date_trunc('day', now()) + interval '1 day',
  'With several budgets refusing, the latest reopening is returned'
);
select throws_like(
  $$select private.reserve_quotas('[{"scope": "test:multi", "period": "minute"}]'::jsonb)$$,
  '%lacks scope, period or limit%',
  'A budget without its limit is refused'
);
select throws_like(
  $$select private.reserve_quotas('{"scope": "test:multi"}'::jsonb)$$,
  '%budgets must be a JSON array%',
  'Budgets that are not an array are refused'
);

select * from finish();
rollback;
