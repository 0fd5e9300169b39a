-- pg_cron never trims its run history, and an hourly job per vendor adds up; keep two weeks.
select cron.schedule(
  'cron-history-cleanup',
  '17 3 * * *',
  $$delete from cron.job_run_details where end_time < now() - interval '14 days'$$
);
