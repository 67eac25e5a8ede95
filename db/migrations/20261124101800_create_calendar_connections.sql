-- db/migrations/20261124101800_create_calendar_connections.sql — Google and Microsoft calendars: OAuth grants, busy times, synced events, meeting-link wait.

-- migrate:up
-- /integrations/<provider>/callback is routed by the app: no consultant page may take that first segment.
alter table app.consultants drop constraint consultants_slug_not_reserved;
alter table app.consultants add constraint consultants_slug_not_reserved check (slug not in (
    'admin', 'api', 'auth', 'dashboard', 'pricing', 'healthz', 'readyz', 'dev', 'static', 'media', 'booking',
    'q', 'docs', 'login', 'logout', 'signup', 'register', 'settings', 'help', 'support', 'about', 'terms',
    'privacy', 'contact', 'blog', 'favicon.ico', 'robots.txt', 'sitemap.xml', 'www', 'nakksha', 'integrations'));

-- One grant per consultant and provider. Tokens are encrypted in Python (app/crypto.py, purpose
-- calendar_token) before they get here; the app role cannot read this table at all, only the definer
-- functions in db/functions/calendar.sql, which never hand a token to a request.
create table app.calendar_connections (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  provider text not null,
  status text not null default 'connected',
  account_email text,
  scopes text,
  access_token_encrypted text not null,
  refresh_token_encrypted text,
  access_expires_at timestamptz not null,
  token_refreshed_at timestamptz,
  last_error text,
  busy_synced_at timestamptz,
  connected_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint calendar_connections_provider_valid check (provider in ('google', 'microsoft')),
  constraint calendar_connections_status_valid check (status in ('connected', 'revoked', 'error')),
  constraint calendar_connections_one_per_provider unique (consultant_id, provider),
  constraint calendar_connections_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.calendar_connections is 'A consultant''s connected Google or Microsoft account: encrypted OAuth tokens, state, last busy-time sync.';
alter table app.calendar_connections enable row level security;
create trigger calendar_connections_touch_updated_at before update on app.calendar_connections
  for each row execute function app.touch_updated_at();

-- An authorisation in flight: the state parameter (stored hashed) is single-use and short-lived, and
-- carries the PKCE verifier the token exchange must present.
create table app.oauth_states (
  state_hash bytea primary key,
  consultant_id uuid not null,
  provider text not null,
  code_verifier text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '10 minutes',
  constraint oauth_states_provider_valid check (provider in ('google', 'microsoft')),
  constraint oauth_states_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.oauth_states is 'OAuth authorisations in flight (hashed state, PKCE verifier), used once within ten minutes.';
alter table app.oauth_states enable row level security;

-- Busy times from the connected calendars, minus the consultant's own sessions (which show there as
-- events we created). Replaced wholesale by each free/busy refresh.
create table app.calendar_busy (
  consultant_id uuid not null,
  connection_id uuid not null,
  during tstzrange not null,
  constraint calendar_busy_not_empty check (not isempty(during)),
  constraint calendar_busy_connection_id_fkey foreign key (connection_id)
    references app.calendar_connections (id) on delete cascade,
  constraint calendar_busy_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.calendar_busy is 'Cached busy intervals from connected calendars; public slots and bookings overlapping them are refused.';
create index calendar_busy_consultant_during on app.calendar_busy using gist (consultant_id, during);
create index calendar_busy_connection on app.calendar_busy (connection_id);
alter table app.calendar_busy enable row level security;

-- The events we put on connected calendars: one per personal session, one per webinar slot (its seats
-- share the event and its meeting), keyed `s:<session id>` or `w:<slot id>`.
create table app.calendar_events (
  consultant_id uuid not null,
  event_key text not null,
  provider text not null,
  external_event_id text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  meeting_link text,
  meeting_id text,
  meeting_password text,
  synced_at timestamptz not null default now(),
  primary key (event_key, provider),
  constraint calendar_events_provider_valid check (provider in ('google', 'microsoft')),
  constraint calendar_events_key_format check (event_key ~ '^[sw]:[0-9a-f-]{36}$'),
  constraint calendar_events_meeting_link_format check (meeting_link ~ '^https://'),
  constraint calendar_events_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.calendar_events is 'Events (and their online meetings) created on consultants'' connected calendars for confirmed sessions.';
create index calendar_events_consultant on app.calendar_events (consultant_id);
alter table app.calendar_events enable row level security;
create policy consultant_reads_own_calendar_events on app.calendar_events for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_calendar_events on app.calendar_events for select to nakksha_app
  using ((select app.current_admin_is_active()));
grant select on app.calendar_events to nakksha_app;

alter table app.sessions add column meeting_source text;
alter table app.sessions add constraint sessions_meeting_source_valid
  check (meeting_source in ('personal', 'google', 'microsoft'));
comment on column app.sessions.meeting_source is 'Where the meeting link came from: the consultant''s saved link, or a meeting created on their Google or Microsoft account.';

insert into app.platform_settings (key, value, description) values
  ('meeting_link_wait_seconds', '120', 'How long a confirmation email waits for a generated Meet or Teams link before it goes with the personal link.'),
  ('calendar_busy_refresh_minutes', '5', 'How old cached calendar busy times may get before the periodic job fetches them again.')
on conflict (key) do nothing;

-- Every path that confirms, moves or cancels a session (booking, payment, consultant, client, psql)
-- brings its calendar event along: the job is queued from the table itself.
create function app.sync_session_calendar() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
     and new.starts_at is not distinct from old.starts_at and new.ends_at is not distinct from old.ends_at then
    return null;
  end if;
  perform app_private.queue_calendar_sync(new);
  return null;
end;
$$;
comment on function app.sync_session_calendar() is 'Trigger: a session confirmed, moved or cancelled queues the sync of its event on connected calendars.';
revoke execute on function app.sync_session_calendar() from public;
create trigger sessions_sync_calendar after insert or update of status, starts_at, ends_at on app.sessions
  for each row execute function app.sync_session_calendar();

-- migrate:down
drop trigger sessions_sync_calendar on app.sessions;
drop function app.sync_session_calendar();
delete from app.platform_settings where key in ('meeting_link_wait_seconds', 'calendar_busy_refresh_minutes');
alter table app.sessions drop constraint sessions_meeting_source_valid;
alter table app.sessions drop column meeting_source;
drop table app.calendar_events;
drop table app.calendar_busy;
drop table app.oauth_states;
drop table app.calendar_connections;
alter table app.consultants drop constraint consultants_slug_not_reserved;
alter table app.consultants add constraint consultants_slug_not_reserved check (slug not in (
    'admin', 'api', 'auth', 'dashboard', 'pricing', 'healthz', 'readyz', 'dev', 'static', 'media', 'booking',
    'q', 'docs', 'login', 'logout', 'signup', 'register', 'settings', 'help', 'support', 'about', 'terms',
    'privacy', 'contact', 'blog', 'favicon.ico', 'robots.txt', 'sitemap.xml', 'www', 'nakksha'));
