-- db/migrations/20261124101700_add_session_client_timezone.sql — the zone the client booked from, so their mail shows times in it.

-- migrate:up
alter table app.sessions add column client_timezone text;
alter table app.sessions add constraint sessions_client_timezone_valid
  check (client_timezone is null or app.is_valid_timezone(client_timezone));
comment on column app.sessions.client_timezone is 'The IANA zone the client''s browser was in when booking; their mail shows times in it (else the consultant''s).';

-- migrate:down
alter table app.sessions drop column client_timezone;
