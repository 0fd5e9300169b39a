-- site_health: one row per active site, ranked needs_reauth, failing, late, fresh, each problem with
-- its next action; a member sees their organisation's sites only, anon nothing.
begin;
alter table public.inverter_credentials disable trigger inverter_credentials_discover_new;
set local search_path = public, extensions;
select plan(8);

insert into auth.users (id, email) values ('f0000000-0000-4000-8000-000000000001', 'hana@example.test');
insert into public.organizations (id, name) values
  ('f1000000-0000-4000-8000-000000000001', 'Health Solar'),
  ('f1000000-0000-4000-8000-000000000002', 'Other Energy');
insert into public.organization_members (organization_id, user_id)
  values ('f1000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001');
insert into public.inverter_credentials (id, organization_id, source, label, secret, status, status_reason) values
  ('f2000000-0000-4000-8000-000000000001', 'f1000000-0000-4000-8000-000000000001', 'enphase', 'Acme', 'gAAAAAa', 'needs_reauth', 'refresh token revoked'),
  ('f2000000-0000-4000-8000-000000000002', 'f1000000-0000-4000-8000-000000000001', 'solaredge', 'Roofs', 'gAAAAAb', 'active', null),
  ('f2000000-0000-4000-8000-000000000003', 'f1000000-0000-4000-8000-000000000002', 'solaredge', 'Theirs', 'gAAAAAc', 'active', null);
insert into public.inverter_sites
  (organization_id, credential_id, source, vendor_site_id, synced_through, last_success_at, consecutive_failures, last_error, active)
values
  ('f1000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000001', 'enphase', 'h-reauth',
    date_trunc('hour', now()), now(), 0, null, true),
  ('f1000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000002', 'solaredge', 'h-failing',
    date_trunc('hour', now()) - interval '5 hours', now() - interval '5 hours', 3, 'SolarEdge answered HTTP 500', true),
  ('f1000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000002', 'solaredge', 'h-late',
    date_trunc('hour', now()) - interval '4 hours', now() - interval '4 hours', 0, null, true),
  ('f1000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000002', 'solaredge', 'h-fresh',
    date_trunc('hour', now()), now(), 0, null, true),
  ('f1000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000002', 'solaredge', 'h-gone',
    null, null, 0, null, false),
  ('f1000000-0000-4000-8000-000000000002', 'f2000000-0000-4000-8000-000000000003', 'solaredge', 'h-theirs',
    null, null, 0, null, true);
-- A 6-hourly site 4 hours behind is not late.
insert into public.inverter_sites
  (organization_id, credential_id, source, vendor_site_id, synced_through, cadence_hours, cadence_note)
values ('f1000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000002', 'solaredge', 'h-six',
  date_trunc('hour', now()) - interval '4 hours', 6, 'quota');

set local role authenticated;
set local request.jwt.claims = '{"sub": "f0000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  $$select vendor_site_id, state from public.site_health order by rank, lag desc nulls first, vendor_site_id$$,
  $$values ('h-reauth', 'needs_reauth'), ('h-failing', 'failing'), ('h-late', 'late'),
    ('h-six', 'fresh'), ('h-fresh', 'fresh')$$,
  'A member sees their active sites, needs_reauth above failing above late above fresh'
);
select is(
  (select next_action from public.site_health where vendor_site_id = 'h-reauth'),
  'Re-authorise Enphase credential ''Acme'': refresh token revoked',
  'A credential to re-authorise says which and why'
);
select is(
  (select next_action from public.site_health where vendor_site_id = 'h-failing'),
  'Fix site h-failing (3 failures in a row): SolarEdge answered HTTP 500',
  'A failing site says its error'
);
select matches(
  (select next_action from public.site_health where vendor_site_id = 'h-late'),
  '^Site h-late is 0?4:[0-9]{2}:00 behind: check the SolarEdge queue',
  'A late site says how late'
);
select ok(
  (select next_action is null and cadence_hours = 6 from public.site_health where vendor_site_id = 'h-six'),
  'A site on a wider cadence is fresh within it, and shows its cadence'
);
select is_empty(
  $$select 1 from public.site_health where vendor_site_id in ('h-theirs', 'h-gone')$$,
  'Another organisation''s sites and inactive sites are not shown'
);

reset role;
select is(
  (select count(*)::int from public.site_health where vendor_site_id like 'h-%'),
  6,
  'The service role sees every organisation''s active sites'
);
set local role anon;
select throws_ok('select * from public.site_health', '42501', null, 'Anon cannot read site health');

select * from finish();
rollback;
