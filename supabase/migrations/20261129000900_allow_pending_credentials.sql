-- A credential can wait for its owner's consent (SMA's backchannel flow e-mails the owner, who
-- accepts later). Pending credentials are never synced; the connect flow activates them.
alter table public.inverter_credentials drop constraint inverter_credentials_status_check;
alter table public.inverter_credentials add constraint inverter_credentials_status_check
  check (status in ('active', 'pending', 'needs_reauth', 'disabled'));
