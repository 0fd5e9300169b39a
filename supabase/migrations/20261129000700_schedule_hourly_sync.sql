-- The hourly trigger: pg_cron runs private.invoke_fetcher, which posts to the vendor's Edge
-- Function through pg_net. The project URL and the service key come from Vault (set by
-- `supabase db push` from [db.vault] in config.toml), never from a literal in a migration.
-- Minute 7: vendors publish a quarter hour a few minutes after it ends.
create function private.invoke_fetcher(vendor text) returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  base_url text := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url');
  service_key text := (
    select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key'
  );
begin
  if base_url is null or service_key is null then
    raise exception 'Cannot invoke the % fetcher: Vault secrets project_url and service_role_key must be set', vendor;
  end if;
  -- The function answers 202 at once and works in the background, so 10 s is generous.
  return net.http_post(
    url := rtrim(base_url, '/') || '/functions/v1/' || vendor || '/run',
    body := jsonb_build_object('trigger', 'cron'),
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'apikey', service_key,
      'Authorization', 'Bearer ' || service_key
    ),
    timeout_milliseconds := 10000
  );
end;
$$;
revoke all on function private.invoke_fetcher(text) from public, anon, authenticated;

select cron.schedule('solaredge-hourly', '7 * * * *', $$select private.invoke_fetcher('solaredge')$$);
