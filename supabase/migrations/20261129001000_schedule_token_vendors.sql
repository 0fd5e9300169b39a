-- Hourly jobs for the token vendors, spread over the hour so the invocations do not start
-- together. Enphase's Watt plan allows 1,000 calls a month, so its operators may lower this
-- cadence with cron.alter_job; see the README.
select cron.schedule('enphase-hourly', '12 * * * *', $$select private.invoke_fetcher('enphase')$$);
select cron.schedule('sma-hourly', '17 * * * *', $$select private.invoke_fetcher('sma')$$);
select cron.schedule('goodwe-hourly', '22 * * * *', $$select private.invoke_fetcher('goodwe')$$);
