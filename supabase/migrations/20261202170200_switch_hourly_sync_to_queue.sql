-- The hourly sync moves to the queue. Until now each vendor's `<vendor>-hourly` job posted one
-- run that walked every credential and site in one invocation, which cannot serve thousands of
-- sites inside the Edge limits. From here the hourly cycle is: `<vendor>-enqueue` (minute 5)
-- queues each due site once and each credential's daily site list, and `<vendor>-dispatch`
-- (every minute) calls the vendor's function with {"queue": true} as often as the due work and
-- the settings allow. private.invoke_fetcher stays for a run by hand.
update public.sync_dispatch_settings set dispatch_enabled = true, updated_at = now();

select cron.unschedule(jobname) from cron.job
where jobname in ('solaredge-hourly', 'enphase-hourly', 'sma-hourly', 'goodwe-hourly');
