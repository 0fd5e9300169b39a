-- Helpers that policies and jobs call live in a schema the Data API does not expose, so clients
-- cannot call them directly; policies still need usage to evaluate them.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;
