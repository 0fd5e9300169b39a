-- The cadence planner's output (shared/cadence_plan.ts). Where a monthly quota cannot pay for
-- hourly fetches of every site (Enphase Watt: 1,000 calls a month for the whole app), the
-- functions plan a wider cadence for the sites of that quota, and the hourly enqueue queues a site
-- only once its watermark is that many hours old (…_enqueue_by_cadence_and_credential.sql). Each
-- fetch still starts at the watermark, so every interval is still fetched; only the fetches are
-- spaced. The note says why, for the site's status.

alter table public.inverter_sites
  add column cadence_hours integer not null default 1
    check (cadence_hours in (1, 2, 3, 4, 6, 8, 12, 24)),
  add column cadence_note text;

comment on column public.inverter_sites.cadence_hours is
  'Planned hours between fetches (1 unless a monthly quota cannot pay for hourly fetches); written by the functions'' cadence planner.';
comment on column public.inverter_sites.cadence_note is
  'Why the cadence is not hourly (the quota and the sites that share it), or null.';
