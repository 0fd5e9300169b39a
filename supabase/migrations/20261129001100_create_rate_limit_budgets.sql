-- Monthly call budgets per credential. Enphase counts calls per calendar month by plan (Watt:
-- 1,000); the fetcher spends from this row before each vendor call, so a credential stops at its
-- quota instead of running into 429s for the rest of the month. Members may read their
-- organisation's usage; only the functions write it.
create table public.rate_limit_budgets (
  credential_id uuid not null references public.inverter_credentials (id) on delete cascade,
  period_start date not null,
  calls integer not null default 0 check (calls >= 0),
  call_limit integer not null check (call_limit > 0),
  updated_at timestamptz not null default now(),
  primary key (credential_id, period_start)
);
comment on table public.rate_limit_budgets is
  'Vendor calls spent per credential and calendar month (UTC), against the plan''s monthly limit.';

alter table public.rate_limit_budgets enable row level security;
revoke all on public.rate_limit_budgets from anon, authenticated;
grant select on public.rate_limit_budgets to authenticated;
grant all on public.rate_limit_budgets to service_role;

create policy "Members can read their organisation's call budgets" on public.rate_limit_budgets
  for select to authenticated using (
    exists (
      select 1 from public.inverter_credentials c
      where c.id = rate_limit_budgets.credential_id and private.is_member_of(c.organization_id)
    )
  );
