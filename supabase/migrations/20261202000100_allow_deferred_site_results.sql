-- A site the vendor asked to leave alone for now (a spent quota, a pause) is `deferred`: it did
-- not fail, and only `failed` counts toward the site's consecutive failures.
alter table public.sync_run_sites drop constraint sync_run_sites_status_check;
alter table public.sync_run_sites add constraint sync_run_sites_status_check
  check (status in ('succeeded', 'failed', 'skipped', 'deferred'));
comment on column public.sync_run_sites.status is
  'succeeded, failed, skipped (the run did not get to the site) or deferred (the vendor asked for a pause); only failed counts toward consecutive failures.';
