-- Vendor quotas as rows shared by every concurrent invocation. A budget is a scope (the unit the
-- vendor counts: an application for Enphase and SMA, a key or credential for SolarEdge, an
-- account for GoodWe; the caller builds the key, e.g. 'enphase:app:<client id>') and a period
-- (minute, 5 minutes, hour, day or month, UTC-aligned). private.reserve_quota spends before each
-- call in one atomic insert ... on conflict ... do update ... where, so concurrent invocations
-- can never oversubscribe; when the spend would overspend it returns the time the window reopens
-- and the caller defers its job to then (finish_job 'deferred'), it does not fail it.
-- private.observe_quota feeds what a vendor reports in its rate-limit headers: the lower of our
-- limit and the vendor's applies, and usage only ever grows to what the vendor says is spent.
--
-- public.rate_limit_budgets (monthly calls per credential) stays, with its users in the run core,
-- until the budget resolver spends from here; its rows map to scope 'enphase:credential:<id>',
-- period 'month'. A later migration drops it once nothing reads it.
create table public.quota_budgets (
  scope text not null check (length(scope) > 0),
  period text not null check (period in ('minute', '5 minutes', 'hour', 'day', 'month')),
  period_start timestamptz not null,
  call_limit integer not null check (call_limit >= 0),
  used integer not null default 0 check (used >= 0),
  reported_limit integer check (reported_limit >= 0),
  reported_remaining integer check (reported_remaining >= 0),
  reported_at timestamptz,
  -- Set when the scope is one credential's, so its organisation's members may read the row;
  -- application-wide budgets span organisations and stay with the service role.
  credential_id uuid references public.inverter_credentials (id) on delete cascade,
  updated_at timestamptz not null default now(),
  primary key (scope, period, period_start)
);
comment on table public.quota_budgets is
  'Vendor calls spent per scope and period window, reserved atomically before each call and shared by all invocations.';
create index quota_budgets_credential_id_idx on public.quota_budgets (credential_id)
  where credential_id is not null;
create index quota_budgets_period_start_idx on public.quota_budgets (period_start);

alter table public.quota_budgets enable row level security;
revoke all on public.quota_budgets from anon, authenticated;
grant select on public.quota_budgets to authenticated;
grant all on public.quota_budgets to service_role;
create policy "Members can read their organisation's credential quotas" on public.quota_budgets
  for select to authenticated using (
    exists (
      select 1 from public.inverter_credentials c
      where c.id = quota_budgets.credential_id and private.is_member_of(c.organization_id)
    )
  );

-- The window [start, end) of a period that holds a moment, in UTC.
create function private.quota_window(period text, at timestamptz default now(),
  out window_start timestamptz, out window_end timestamptz)
language plpgsql stable set search_path = '' as $$
begin
  case period
    when 'minute' then window_start := date_trunc('minute', at, 'UTC');
      window_end := window_start + interval '1 minute';
    when '5 minutes' then
      window_start := date_bin(interval '5 minutes', at, timestamptz '2000-01-01 00:00:00+00');
      window_end := window_start + interval '5 minutes';
    when 'hour' then window_start := date_trunc('hour', at, 'UTC');
      window_end := window_start + interval '1 hour';
    when 'day' then window_start := date_trunc('day', at, 'UTC');
      window_end := (window_start at time zone 'UTC' + interval '1 day') at time zone 'UTC';
    when 'month' then window_start := date_trunc('month', at, 'UTC');
      window_end := (window_start at time zone 'UTC' + interval '1 month') at time zone 'UTC';
    else
      raise exception 'Cannot use quota period %: expected minute, 5 minutes, hour, day or month',
        coalesce(period, 'null');
  end case;
end;
$$;
revoke all on function private.quota_window(text, timestamptz) from public, anon, authenticated;

-- Spends n calls from a budget. Returns null when they are reserved, else the time the window
-- reopens (nothing is spent then).
create function private.reserve_quota(
  scope text,
  period text,
  call_limit integer,
  n integer default 1,
  credential_id uuid default null
)
returns timestamptz
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_variable
declare
  w record;
  reserved boolean;
begin
  if n is null or n < 1 then
    raise exception 'Cannot reserve % calls of %: n must be at least 1', coalesce(n::text, 'null'), scope;
  end if;
  if call_limit is null or call_limit < 0 then
    raise exception 'Cannot reserve calls of %: the limit must be zero or more', scope;
  end if;
  -- Such a spend could never be granted; deferring it would retry it forever.
  if call_limit > 0 and n > call_limit then
    raise exception 'Cannot reserve % calls of %: more than its limit of % per %', n, scope,
      call_limit, period;
  end if;
  select * into w from private.quota_window(period, now());
  -- One statement: the row lock taken by on conflict serialises concurrent reservations, and the
  -- where clause sees the latest committed usage, so the limit holds under any concurrency.
  insert into public.quota_budgets as b (scope, period, period_start, call_limit, used,
    credential_id)
  select scope, period, w.window_start, call_limit, n, credential_id
  where n <= call_limit
  on conflict on constraint quota_budgets_pkey do update
    set used = b.used + excluded.used, call_limit = excluded.call_limit, updated_at = now(),
      credential_id = coalesce(b.credential_id, excluded.credential_id)
    where b.used + excluded.used <= least(excluded.call_limit, coalesce(b.reported_limit, excluded.call_limit))
  returning true into reserved;
  if reserved then
    return null;
  end if;
  return w.window_end;
end;
$$;
comment on function private.reserve_quota(text, text, integer, integer, uuid) is
  'Atomically spends n calls of a scope''s period budget; null when reserved, else when the window reopens.';

-- Records a vendor's rate-limit headers (its limit and what remains in the current window).
create function private.observe_quota(
  scope text,
  period text,
  call_limit integer,
  remaining integer,
  credential_id uuid default null
)
returns void
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_variable
declare
  w record;
begin
  if call_limit is null or call_limit < 0 or remaining is null or remaining < 0 then
    raise exception 'Cannot record the quota of %: limit and remaining must be zero or more', scope;
  end if;
  select * into w from private.quota_window(period, now());
  insert into public.quota_budgets as b (scope, period, period_start, call_limit, used,
    reported_limit, reported_remaining, reported_at, credential_id)
  values (scope, period, w.window_start, call_limit, greatest(call_limit - remaining, 0),
    call_limit, remaining, now(), credential_id)
  on conflict on constraint quota_budgets_pkey do update
    set used = greatest(b.used, excluded.used), reported_limit = excluded.reported_limit,
      reported_remaining = excluded.reported_remaining, reported_at = now(), updated_at = now(),
      credential_id = coalesce(b.credential_id, excluded.credential_id);
end;
$$;

revoke all on function private.reserve_quota(text, text, integer, integer, uuid),
  private.observe_quota(text, text, integer, integer, uuid)
  from public, anon, authenticated;
grant execute on function private.reserve_quota(text, text, integer, integer, uuid),
  private.observe_quota(text, text, integer, integer, uuid)
  to service_role;

-- Finished windows are worth nothing after a while; months are kept a little over a year.
select cron.schedule(
  'quota-budgets-cleanup',
  '27 3 * * *',
  $$delete from public.quota_budgets
    where (period = 'month' and period_start < now() - interval '13 months')
       or (period <> 'month' and period_start < now() - interval '2 days')$$
);
