-- site_health's completeness of the last 24 hours (core-daylight intervals over the windows that
-- touch them) and this month's calls spent; members read their organisations' coverage only.
begin;
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(7);

insert into auth.users (id, email) values ('e0000000-0000-4000-8000-000000000001', 'ivo@example.test');
insert into public.organizations (id, name) values
  ('e1000000-0000-4000-8000-000000000001', 'Coverage Solar'),
  ('e1000000-0000-4000-8000-000000000002', 'Other Energy');
insert into public.organization_members (organization_id, user_id)
  values ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001');
insert into public.inverter_credentials (id, organization_id, source, label, secret) values
  ('e2000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 'enphase', 'Acme', 'gAAAAAa'),
  ('e2000000-0000-4000-8000-000000000002', 'e1000000-0000-4000-8000-000000000002', 'enphase', 'Theirs', 'gAAAAAb');
insert into public.inverter_sites (id, organization_id, credential_id, source, vendor_site_id, synced_through, timezone)
values
  ('e3000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001',
    'e2000000-0000-4000-8000-000000000001', 'enphase', 'c-holes', date_trunc('hour', now()), 'Europe/Berlin'),
  ('e3000000-0000-4000-8000-000000000002', 'e1000000-0000-4000-8000-000000000001',
    'e2000000-0000-4000-8000-000000000001', 'enphase', 'c-whole', date_trunc('hour', now()), null),
  ('e3000000-0000-4000-8000-000000000003', 'e1000000-0000-4000-8000-000000000002',
    'e2000000-0000-4000-8000-000000000002', 'enphase', 'c-theirs', date_trunc('hour', now()), null);
insert into public.site_window_coverage
  (site_id, organization_id, window_end, window_from, covered_to, daylight_expected, daylight_received)
values
  -- Two windows within the last day: 32 expected, 28 received; one two days old, not counted.
  ('e3000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001',
    date_trunc('hour', now()), date_trunc('hour', now()) - interval '24 hours', date_trunc('hour', now()), 16, 12),
  ('e3000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001',
    date_trunc('hour', now()) + interval '24 hours', date_trunc('hour', now()), date_trunc('hour', now()), 16, 16),
  ('e3000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001',
    now() - interval '48 hours', now() - interval '72 hours', now() - interval '48 hours', 16, 0),
  ('e3000000-0000-4000-8000-000000000002', 'e1000000-0000-4000-8000-000000000001',
    date_trunc('hour', now()), date_trunc('hour', now()) - interval '24 hours', date_trunc('hour', now()), 16, 16),
  ('e3000000-0000-4000-8000-000000000003', 'e1000000-0000-4000-8000-000000000002',
    date_trunc('hour', now()), date_trunc('hour', now()) - interval '24 hours', date_trunc('hour', now()), 16, 0);
-- Other tests' application budgets of this month (rolled back) would be tighter or looser.
delete from public.quota_budgets where scope like 'enphase:app:%';
insert into public.quota_budgets (scope, period, period_start, call_limit, used, credential_id) values
  ('enphase:credential:e2000000-0000-4000-8000-000000000001', 'month', date_trunc('month', now(), 'UTC'), 400, 100,
    'e2000000-0000-4000-8000-000000000001'),
  ('enphase:app:cov-test', 'month', date_trunc('month', now(), 'UTC'), 1000, 900, null);

set local role authenticated;
set local request.jwt.claims = '{"sub": "e0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  $$select daylight_expected_24h, daylight_received_24h, daylight_completeness_24h, state
    from public.site_health where vendor_site_id = 'c-holes'$$,
  $$values (32, 28, 0.875, 'fresh')$$,
  'Completeness sums the core-daylight intervals of the windows of the last 24 hours'
);
select is(
  (select next_action from public.site_health where vendor_site_id = 'c-holes'),
  'Resync site c-holes if the vendor has the data: 4 of 32 daylight intervals of the last 24 hours hold no reading',
  'A fresh site with holes says to resync it'
);
select ok(
  (select next_action is null and daylight_completeness_24h = 1 from public.site_health where vendor_site_id = 'c-whole'),
  'A complete fresh site has nothing to do'
);
select results_eq(
  $$select month_calls_used, month_call_limit, timezone from public.site_health where vendor_site_id = 'c-holes'$$,
  $$values (100, 400, 'Europe/Berlin')$$,
  'A member sees their credential''s month spent (the application''s spans organisations) and the site''s zone'
);
select is_empty(
  $$select 1 from public.site_window_coverage where organization_id = 'e1000000-0000-4000-8000-000000000002'$$,
  'Another organisation''s coverage is not shown'
);
reset role;
select results_eq(
  $$select month_calls_used, month_call_limit from public.site_health where vendor_site_id = 'c-holes'$$,
  $$values (900, 1000)$$,
  'The service role sees the tightest budget: the application''s'
);
set local role anon;
select throws_ok('select * from public.site_window_coverage', '42501', null, 'Anon cannot read coverage');

select * from finish();
rollback;
