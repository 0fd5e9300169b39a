-- The vendors, as a table instead of a list in a check constraint: a credential, a site, a job,
-- a run and a vendor's dispatch settings name a registered vendor (foreign keys), and
-- private.register_vendor adds one with everything the queue needs (its dispatch settings and its
-- enqueue, dispatch and discovery jobs). A new vendor's migration is then one call to it; the
-- functions' side is shared/vendors.ts.

create table public.vendors (
  source text primary key check (source ~ '^[a-z][a-z0-9_]{0,31}$'),
  name text not null check (length(trim(name)) > 0),
  created_at timestamptz not null default now()
);
comment on table public.vendors is
  'The inverter vendors this deployment syncs (source, as the functions and the S3 keys name it, and the name people read); rows are added by private.register_vendor.';

alter table public.vendors enable row level security;
revoke all on public.vendors from anon, authenticated;
grant select on public.vendors to authenticated;
create policy "Signed-in users can read the vendors" on public.vendors
  for select to authenticated using (true);

insert into public.vendors (source, name) values
  ('solaredge', 'SolarEdge'), ('enphase', 'Enphase'), ('sma', 'SMA'), ('goodwe', 'GoodWe');

alter table public.inverter_credentials drop constraint inverter_credentials_source_check;
alter table public.inverter_credentials
  add constraint inverter_credentials_source_fkey
  foreign key (source) references public.vendors (source);
alter table public.inverter_sites
  add constraint inverter_sites_source_fkey foreign key (source) references public.vendors (source);
alter table public.sync_jobs
  add constraint sync_jobs_source_fkey foreign key (source) references public.vendors (source);
alter table public.sync_runs
  add constraint sync_runs_source_fkey foreign key (source) references public.vendors (source);
alter table public.sync_dispatch_settings
  add constraint sync_dispatch_settings_source_fkey
  foreign key (source) references public.vendors (source);

-- Idempotent, so a migration that re-registers a vendor (a new name) changes only the name.
create function private.register_vendor(vendor text, display_name text)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.vendors (source, name) values (vendor, display_name)
  on conflict (source) do update set name = excluded.name;
  insert into public.sync_dispatch_settings (source, dispatch_enabled) values (vendor, true)
  on conflict (source) do nothing;
  -- cron.schedule with a job name replaces a job of that name, so running this again is safe.
  perform cron.schedule(vendor || '-enqueue', '5 * * * *',
    format('select private.enqueue_due_jobs(%L)', vendor));
  perform cron.schedule(vendor || '-dispatch', '* * * * *',
    format('select private.dispatch(%L)', vendor));
  perform cron.schedule(vendor || '-discover', '4 * * * *',
    format('select private.enqueue_discoveries(%L)', vendor));
end;
$$;
revoke all on function private.register_vendor(text, text) from public, anon, authenticated;
comment on function private.register_vendor(text, text) is
  'Registers a vendor: its row in public.vendors, its dispatch settings (on) and its hourly enqueue, per-minute dispatch and hourly discovery jobs.';
