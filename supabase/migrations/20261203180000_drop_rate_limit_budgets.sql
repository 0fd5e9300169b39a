-- public.rate_limit_budgets (monthly calls per credential, the seed's budget) has had no writer
-- since every vendor call spends from public.quota_budgets (…_create_quota_budgets.sql), whose
-- month rows hold the same count per credential or application. An empty table that looks like
-- a live budget misleads whoever reads it, so it goes.

drop table public.rate_limit_budgets;
