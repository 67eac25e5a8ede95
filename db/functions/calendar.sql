-- db/functions/calendar.sql — connected Google/Microsoft calendars: connecting (OAuth grants), the worker's token steps, busy times (events and meetings: calendar_events.sql).
-- Tokens arrive here already encrypted (app/crypto.py); no function a request runs ever returns one.

-- Connecting ---------------------------------------------------------------------------------------------

create or replace function api.begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text,
                                                         p_browser_hash bytea)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_consultant uuid := app.current_consultant_id();
begin
  if v_consultant is null then
    raise exception using errcode = 'NK401', message = 'unauthenticated', detail = 'Sign in first.';
  end if;
  delete from app.oauth_states where consultant_id = v_consultant and expires_at <= now();
  -- A few attempts in flight at most: each one is a row until it is used or expires.
  if (select count(*) from app.oauth_states where consultant_id = v_consultant) >= 10 then
    raise exception using errcode = 'NK429', message = 'rate_limited',
      detail = 'Too many connection attempts; finish or wait ten minutes.';
  end if;
  insert into app.oauth_states (state_hash, consultant_id, provider, code_verifier, browser_hash)
  values (p_state_hash, v_consultant, p_provider, p_code_verifier, p_browser_hash);
end;
$$;
comment on function api.begin_calendar_connection is 'Start connecting a calendar: remember the hashed OAuth state and PKCE verifier for ten minutes. Definer: stores the OAuth state and PKCE verifier, which no web role reads.';

create or replace function api.take_oauth_state(p_state_hash bytea, p_browser_hash bytea)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_state app.oauth_states;
begin
  -- Used once: the first callback with this state takes its verifier (within its ten minutes), a replay
  -- gets NULL. The row stays, emptied, until the connection is stored, which must follow within minutes.
  -- Only in the browser that started it (its cookie's hash): a consent link sent to someone else cannot
  -- attach their calendar to the sender's account.
  select * into v_state from app.oauth_states
  where state_hash = p_state_hash and expires_at > now() and code_verifier <> '' and browser_hash = p_browser_hash
  for update;
  if v_state.state_hash is null then
    return null;
  end if;
  update app.oauth_states set code_verifier = '', expires_at = least(expires_at, now() + interval '5 minutes')
  where state_hash = p_state_hash;
  return jsonb_build_object('provider', v_state.provider, 'code_verifier', v_state.code_verifier);
end;
$$;
comment on function api.take_oauth_state is 'OAuth callback: the provider and PKCE verifier of a state, once; NULL for an unknown, expired or used state. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text,
                                                         p_access_encrypted text, p_refresh_encrypted text,
                                                         p_expires_at timestamptz)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_state app.oauth_states;
  v_c app.calendar_connections;
  v_key text;
begin
  -- Bound to a state taken by this callback moments ago: the consultant is the one who started it.
  delete from app.oauth_states where state_hash = p_state_hash and code_verifier = '' and expires_at > now()
  returning * into v_state;
  if v_state.state_hash is null then
    raise exception using errcode = 'NK400', message = 'invalid_state',
      detail = 'This connection attempt has expired; start again from your settings.';
  end if;
  insert into app.calendar_connections as c (consultant_id, provider, status, account_email, scopes,
                                             access_token_encrypted, refresh_token_encrypted, access_expires_at,
                                             token_refreshed_at, last_error, busy_synced_at, connected_at)
  values (v_state.consultant_id, v_state.provider, 'connected', p_account_email, p_scopes, p_access_encrypted,
          p_refresh_encrypted, p_expires_at, now(), null, null, now())
  on conflict (consultant_id, provider) do update set
    status = 'connected', account_email = excluded.account_email, scopes = excluded.scopes,
    access_token_encrypted = excluded.access_token_encrypted,
    -- A provider may leave the refresh token out on a repeated consent: the one we hold still works.
    refresh_token_encrypted = coalesce(excluded.refresh_token_encrypted, c.refresh_token_encrypted),
    access_expires_at = excluded.access_expires_at, token_refreshed_at = now(), last_error = null,
    busy_synced_at = null, connected_at = now()
  returning * into v_c;
  -- Fill the cache of busy times now, and put the upcoming confirmed sessions on the new calendar.
  -- Under the lock `busy:<id>` only (no queueing lock): the periodic job may queue one at the same moment,
  -- and two fetches one after the other are harmless where a unique violation here would lose the grant.
  perform app_private.defer_job('refresh_calendar_busy', jsonb_build_object('connection_id', v_c.id), 'calendar',
                                null, null, 'busy:' || v_c.id);
  for v_key in
    select distinct app_private.calendar_event_key(s) from app.sessions s
    where s.consultant_id = v_c.consultant_id and s.status = 'confirmed' and s.ends_at > now()
  loop
    perform app_private.queue_calendar_sync_key(v_key);
  end loop;
  return jsonb_build_object('provider', v_c.provider, 'status', v_c.status, 'account_email', v_c.account_email);
end;
$$;
comment on function api.store_calendar_connection is 'OAuth callback: store the encrypted grant for the consultant whose state it is; schedules a busy-time fetch and event sync. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.disconnect_calendar(p_provider text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.calendar_connections;
begin
  delete from app.calendar_connections
  where consultant_id = app.current_consultant_id() and provider = p_provider
  returning * into v_c;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'That calendar is not connected.';
  end if;
  -- Busy times go with the connection (cascade). The events already on that calendar stay there (we can
  -- no longer reach it); their rows go, so a reconnect puts them back rather than missing them.
  delete from app.calendar_events where consultant_id = v_c.consultant_id and provider = v_c.provider;
  -- The grant is revoked at the provider by a job: the ciphertext travels in its arguments, never plain.
  perform app_private.defer_job('revoke_calendar_grant', jsonb_build_object('provider', v_c.provider,
    'token_encrypted', coalesce(v_c.refresh_token_encrypted, v_c.access_token_encrypted),
    'consultant_id', v_c.consultant_id, 'disconnected_at', now()), 'calendar');
  return jsonb_build_object('provider', v_c.provider, 'status', 'not_connected');
end;
$$;
comment on function api.disconnect_calendar is 'Forget the caller''s grant for a provider (busy times and event records with it) and queue its revocation. Definer: forgets the encrypted calendar grant, which no web role reads or writes.';

-- Tokens (the worker's) ----------------------------------------------------------------------------------

create or replace function api.worker_lock_calendar_connection(p_connection_id uuid)
returns jsonb
language sql volatile security invoker
set search_path = ''
as $$
  -- Locked until the caller's transaction ends: two jobs needing a fresh token refresh it once, the second
  -- reads what the first stored (a provider that rotates refresh tokens would refuse the older one).
  select jsonb_build_object('id', c.id, 'consultant_id', c.consultant_id, 'provider', c.provider, 'status', c.status,
    'account_email', c.account_email, 'access_token_encrypted', c.access_token_encrypted,
    'refresh_token_encrypted', c.refresh_token_encrypted, 'access_expires_at', c.access_expires_at)
  from app.calendar_connections c where c.id = p_connection_id
  for update
$$;
comment on function api.worker_lock_calendar_connection is 'Worker: a connection with its encrypted tokens, row-locked for a refresh.';

create or replace function api.worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text,
                                                            p_refresh_encrypted text, p_expires_at timestamptz)
returns void
language sql volatile security invoker
set search_path = ''
as $$
  update app.calendar_connections set access_token_encrypted = p_access_encrypted,
    refresh_token_encrypted = coalesce(p_refresh_encrypted, refresh_token_encrypted),
    access_expires_at = p_expires_at, token_refreshed_at = now(), last_error = null
  where id = p_connection_id and status = 'connected'
$$;
comment on function api.worker_store_calendar_tokens is 'Worker: a refreshed access token (and the rotated refresh token, if the provider sent one).';

create or replace function api.worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text)
returns void
language plpgsql volatile security invoker
set search_path = ''
as $$
begin
  update app.calendar_connections set status = p_status, last_error = left(p_error, 500)
  where id = p_connection_id;
  if p_status <> 'connected' then
    -- Busy times we can no longer refresh would block slots forever: a broken grant blocks nothing.
    delete from app.calendar_busy where connection_id = p_connection_id;
  end if;
end;
$$;
comment on function api.worker_mark_calendar_connection is 'Worker: a grant the provider revoked or that keeps failing (busy times dropped until reconnected).';

-- Busy times ---------------------------------------------------------------------------------------------

create or replace function api.worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb)
returns integer
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_c app.calendar_connections;
  v_count integer;
begin
  select * into v_c from app.calendar_connections where id = p_connection_id and status = 'connected' for update;
  if v_c.id is null then
    return 0;  -- disconnected or revoked meanwhile: nothing to cache
  end if;
  delete from app.calendar_busy where connection_id = v_c.id;
  -- Our own sessions are on that calendar as events we made: they would block their own webinar's other
  -- seats. Their times are taken out of the busy times (range arithmetic keeps what lies around them).
  with busy as (
    select range_agg(tstzrange((b->>'start')::timestamptz, (b->>'end')::timestamptz, '[)')) as m
    from jsonb_array_elements(p_busy) b
    where (b->>'start')::timestamptz < (b->>'end')::timestamptz),
  own as (
    select coalesce(range_agg(tstzrange(s.starts_at, s.ends_at, '[)')), '{}'::tstzmultirange) as m
    from app.sessions s
    where s.consultant_id = v_c.consultant_id and s.status in ('pending', 'confirmed')
      and not (s.status = 'pending' and s.hold_expires_at <= now())),
  ins as (
    insert into app.calendar_busy (consultant_id, connection_id, during)
    select v_c.consultant_id, v_c.id, r from busy, own, unnest(busy.m - own.m) r
    returning 1)
  select count(*) into v_count from ins;
  update app.calendar_connections set busy_synced_at = now(), last_error = null where id = v_c.id;
  return v_count;
end;
$$;
comment on function api.worker_store_calendar_busy is 'Worker: replace a connection''s cached busy times (minus the consultant''s own sessions).';

grant execute on function api.begin_calendar_connection(text, bytea, text, bytea),
  api.take_oauth_state(bytea, bytea), api.store_calendar_connection(bytea, text, text, text, text, timestamptz),
  api.disconnect_calendar(text) to nakksha_app;
grant execute on function api.worker_lock_calendar_connection(uuid),
  api.worker_store_calendar_tokens(uuid, text, text, timestamptz),
  api.worker_mark_calendar_connection(uuid, text, text), api.worker_store_calendar_busy(uuid, jsonb)
  to nakksha_worker;

-- Test: pytest tests/jobs/test_calendar.py tests/http/test_calendar_connect.py
