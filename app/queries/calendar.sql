-- app/queries/calendar.sql — connected calendars: OAuth connect/disconnect, and the calendar jobs' steps (jobs/calendar.py).

-- name: calendar_connections()$
-- The caller's connected calendars: provider, state, account, last sync. Whose: the policy's answer (the
-- caller's own); the column grants leave the tokens out of reach.
with me as materialized (select api.caller_consultant_id() as id)  -- 401 unless a consultant calls
select coalesce(jsonb_agg(jsonb_build_object(
  'provider', c.provider, 'status', c.status, 'account_email', c.account_email, 'connected_at', c.connected_at,
  'busy_synced_at', c.busy_synced_at, 'last_error', c.last_error) order by c.provider) filter (where c.id is not null),
  '[]')
from me left join app.calendar_connections c on true;

-- name: begin_calendar_connection(provider, state_hash, code_verifier, browser_hash)!
-- Remember an OAuth attempt's hashed state, PKCE verifier and browser cookie hash.
select api.begin_calendar_connection(:provider, :state_hash, :code_verifier, :browser_hash);

-- name: take_oauth_state(state_hash, browser_hash)$
-- The provider and verifier of a state, once, in the browser that started it (NULL otherwise).
select api.take_oauth_state(:state_hash, :browser_hash);

-- name: store_calendar_connection(state_hash, account_email, scopes, access_encrypted, refresh_encrypted, expires_at)$
-- Store the encrypted grant for the consultant who started this state.
select api.store_calendar_connection(:state_hash, :account_email, :scopes, :access_encrypted, :refresh_encrypted, :expires_at);

-- name: disconnect_calendar(provider)$
-- Disconnect a calendar: forgets the tokens, busy times and event records, and revokes the grant.
select api.disconnect_calendar(:provider);

-- name: worker_lock_calendar_connection(connection_id)$
-- A connection with its encrypted tokens, locked until the transaction ends.
select api.worker_lock_calendar_connection(:connection_id);

-- name: worker_store_calendar_tokens(connection_id, access_encrypted, refresh_encrypted, expires_at)!
-- A refreshed access token (and a rotated refresh token).
select api.worker_store_calendar_tokens(:connection_id, :access_encrypted, :refresh_encrypted, :expires_at);

-- name: worker_mark_calendar_connection(connection_id, status, error)!
-- A grant revoked or failing.
select api.worker_mark_calendar_connection(:connection_id, :status, :error);

-- name: worker_calendar_plan(event_key)$
-- What one calendar event should be, and what exists of it.
select api.worker_calendar_plan(:event_key);

-- name: worker_calendar_event_synced(event_key, provider, event_id, starts_at, ends_at, meeting_link, meeting_id, meeting_password)$
-- Record an event created or moved (and its meeting, releasing the mails waiting for it).
select api.worker_calendar_event_synced(:event_key, :provider, :event_id, :starts_at, :ends_at, :meeting_link, :meeting_id, :meeting_password);

-- name: worker_calendar_event_deleted(event_key, provider)!
-- Forget an event removed from the calendar.
select api.worker_calendar_event_deleted(:event_key, :provider);

-- name: worker_busy_window(connection_id)$
-- The connection and the window of busy times to fetch: from now to the furthest a client could book (the
-- consultant's own horizon). The worker role reads every tenant's connections (its policy), never their tokens here.
select jsonb_build_object('connection_id', c.id, 'provider', c.provider, 'status', c.status,
  'account_email', c.account_email, 'from', now(), 'to', now() + make_interval(days => k.max_days_ahead + 1))
from app.calendar_connections c join app.consultants k on k.id = c.consultant_id
where c.id = :connection_id;

-- name: worker_store_calendar_busy(connection_id, busy)$
-- Replace a connection's cached busy times.
select api.worker_store_calendar_busy(:connection_id, :busy);

-- name: worker_connected_since(consultant_id, provider)$
-- When the consultant (re)connected this provider, if they have (a revocation queued earlier must not undo it).
select c.connected_at from app.calendar_connections c where c.consultant_id = :consultant_id and c.provider = :provider;

-- name: worker_stale_calendar_connections()
-- Connected calendars whose busy times are older than the refresh interval (a platform setting), stalest first.
select c.id from app.calendar_connections c
where c.status = 'connected'
  and (c.busy_synced_at is null or c.busy_synced_at < now() - make_interval(mins => coalesce(
    (select (s.value #>> '{}')::integer from app.platform_settings s where s.key = 'calendar_busy_refresh_minutes'), 5)))
order by c.busy_synced_at nulls first
limit 500;
