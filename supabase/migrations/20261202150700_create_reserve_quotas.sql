-- One vendor call often spends from several budgets at once (SolarEdge: a key's 3 concurrent and
-- 300 a day; Enphase: an app's per-minute rate and its month). Spending them one by one would
-- keep the first spends when a later budget refuses, so reserve_quotas takes all or none: the
-- spends run in a subtransaction that is rolled back when any budget refuses. It returns null
-- when every budget granted the calls, else the latest reopening among the budgets that refused.
create function private.reserve_quotas(budgets jsonb, n integer default 1)
returns timestamptz
language plpgsql security definer set search_path = '' as $$
declare
  budget jsonb;
  reopens timestamptz;
  latest timestamptz;
begin
  if budgets is null or jsonb_typeof(budgets) <> 'array' then
    raise exception 'Cannot reserve calls: budgets must be a JSON array of {scope, period, limit}';
  end if;
  begin
    for budget in select value from jsonb_array_elements(budgets) loop
      if budget ->> 'scope' is null or budget ->> 'period' is null or budget ->> 'limit' is null then
        raise exception 'Cannot reserve calls: budget % lacks scope, period or limit', budget;
      end if;
      reopens := private.reserve_quota(
        budget ->> 'scope', budget ->> 'period', (budget ->> 'limit')::integer, n,
        (budget ->> 'credential_id')::uuid
      );
      latest := greatest(latest, reopens);
    end loop;
    if latest is not null then
      -- Undoes the spends of this block; caught just below.
      raise exception using errcode = 'QB001', message = 'A budget refused';
    end if;
  exception when sqlstate 'QB001' then
    null;
  end;
  return latest;
end;
$$;
revoke all on function private.reserve_quotas(jsonb, integer) from public, anon, authenticated;
grant execute on function private.reserve_quotas(jsonb, integer) to service_role;
comment on function private.reserve_quotas(jsonb, integer) is
  'Spends n calls from every budget of a JSON array of {scope, period, limit[, credential_id]} or from none; null when granted, else the latest reopening.';
