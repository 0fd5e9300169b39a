-- The dispatcher asked for one invocation per ten due jobs, so a vendor with five credentials'
-- worth of jobs got a single invocation, which ran out of its CPU budget partway and handed the
-- rest to the next one, one after another. Two jobs per invocation start up to three at once
-- for the same work (still capped by max_invocations): `deno task bench` at 03:00 UTC on the
-- same machine went from 100.6 s to 82.8 s for 1,000 sites (efficiency 0.45 to 0.71), at more
-- invocations (11 to 24). Rows an operator changed from the old default are left as they are.
alter table public.sync_dispatch_settings alter column jobs_per_invocation set default 2;
update public.sync_dispatch_settings set jobs_per_invocation = 2 where jobs_per_invocation = 10;
