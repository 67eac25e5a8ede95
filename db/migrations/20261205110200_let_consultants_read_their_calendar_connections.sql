-- db/migrations/20261205110200_let_consultants_read_their_calendar_connections.sql — a consultant reads their calendar connections (never a token) under the policies, so api.calendar_connections runs as security invoker.
-- The tokens stay out of reach: the grant lists the columns the settings page shows, not the encrypted tokens.
-- Readable while pending, like availability (a consultant connects a calendar before approval).

-- migrate:up
grant select (id, consultant_id, provider, status, account_email, scopes, connected_at, busy_synced_at, last_error,
              updated_at) on app.calendar_connections to nakksha_app;
create policy tenant_reads_calendar_connections on app.calendar_connections for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));

-- migrate:down
drop policy tenant_reads_calendar_connections on app.calendar_connections;
revoke select (id, consultant_id, provider, status, account_email, scopes, connected_at, busy_synced_at, last_error,
               updated_at) on app.calendar_connections from nakksha_app;
