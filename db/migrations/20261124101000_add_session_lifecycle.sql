-- db/migrations/20261124101000_add_session_lifecycle.sql — the session state machine, client totals, a trailing buffer, and idempotency keys.

-- migrate:up
-- The buffer is the consultant's rest after a session: a session occupies [start, end + buffer). With a
-- buffer on both sides two neighbours would need twice the buffer between them.
create or replace function app.derive_session_times() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_tz text;
begin
  if new.ends_at <= new.starts_at then
    raise exception using errcode = 'check_violation', schema = 'app', table = 'sessions',
      constraint = 'sessions_end_after_start',
      message = 'new row for relation "sessions" violates check constraint "sessions_end_after_start"',
      hint = 'field:ends_at';
  end if;
  select c.timezone into strict v_tz from app.consultants c where c.id = new.consultant_id;
  new.scheduled_date := (new.starts_at at time zone v_tz)::date;
  new.scheduled_time := (new.starts_at at time zone v_tz)::time;
  new.duration_minutes := (extract(epoch from new.ends_at - new.starts_at) / 60)::integer;
  new.occupied_during := tstzrange(new.starts_at, new.ends_at + make_interval(mins => new.buffer_minutes), '[)');
  return new;
end;
$$;
update app.sessions set buffer_minutes = buffer_minutes;

-- The lifecycle, this table and nothing else. Every writer (public booking, the consultant, payments,
-- sweepers, psql) goes through it.
create function app.enforce_session_transition() returns trigger
language plpgsql
as $$
begin
  if new.status = old.status then
    return new;
  end if;
  if (old.status, new.status) not in (
      ('pending', 'confirmed'), ('pending', 'abandoned'), ('pending', 'cancelled'),
      ('abandoned', 'confirmed'), ('abandoned', 'cancelled'),
      ('confirmed', 'completed'), ('confirmed', 'no_show'), ('confirmed', 'cancelled'),
      ('cancelled', 'returned')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s session cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if new.status = 'confirmed' then
    new.confirmed_at := coalesce(new.confirmed_at, now());
  elsif new.status in ('completed', 'no_show') then
    new.completed_at := coalesce(new.completed_at, now());
  elsif new.status = 'cancelled' then
    new.cancelled_at := coalesce(new.cancelled_at, now());
  end if;
  return new;
end;
$$;
comment on function app.enforce_session_transition() is 'Trigger: the session lifecycle (issue table); any other status change is 409 invalid_transition.';

create trigger sessions_enforce_transition before update of status on app.sessions
  for each row execute function app.enforce_session_transition();

-- Client totals are kept by the database: recomputed for the one client a change touches (its row lock
-- only, so racing bookings of different clients never wait on each other).
create function app.refresh_client_session_totals() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- Lock the client rows first (no key update: it does not conflict with the key-share locks the
  -- sessions foreign key takes, which would deadlock), in one statement; the recount is a new statement with a new
  -- snapshot (read committed), so it sees every booking that committed while we waited. Counting in
  -- the same statement as the lock would write a stale count (a lost update).
  perform 1 from app.clients c
  where c.id in (select new.client_id where tg_op <> 'DELETE' union select old.client_id where tg_op <> 'INSERT')
  order by c.id for no key update;
  update app.clients c set (total_sessions, first_session_at, last_session_at) = (
    select count(*)::integer, min(s.starts_at), max(s.starts_at) from app.sessions s
    where s.consultant_id = c.consultant_id and s.client_id = c.id and s.status in ('confirmed', 'completed', 'no_show'))
  where c.id in (select new.client_id where tg_op <> 'DELETE' union select old.client_id where tg_op <> 'INSERT');
  return null;
end;
$$;
comment on function app.refresh_client_session_totals() is 'Trigger: clients.total_sessions and first/last session follow their confirmed, completed and no-show sessions.';
revoke execute on function app.refresh_client_session_totals() from public;

create trigger sessions_refresh_client_totals after insert or delete or update of status, starts_at, client_id
  on app.sessions for each row execute function app.refresh_client_session_totals();

-- A client's retried request (Idempotency-Key header) gets the first answer, for 24 hours.
create table app.idempotency_keys (
  scope text not null,
  key text not null,
  request_sha256 bytea not null,
  response jsonb,
  created_at timestamptz not null default now(),
  constraint idempotency_keys_pkey primary key (scope, key),
  constraint idempotency_keys_key_length check (length(key) between 1 and 200),
  constraint idempotency_keys_request_sha256_length check (length(request_sha256) = 32)
);
comment on table app.idempotency_keys is 'Answers to requests sent with an Idempotency-Key, per endpoint scope, kept 24 hours.';
create index idempotency_keys_created_idx on app.idempotency_keys (created_at);
alter table app.idempotency_keys enable row level security;

-- migrate:down
drop table app.idempotency_keys;
drop trigger sessions_refresh_client_totals on app.sessions;
drop function app.refresh_client_session_totals();
drop trigger sessions_enforce_transition on app.sessions;
drop function app.enforce_session_transition();
create or replace function app.derive_session_times() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_tz text;
begin
  if new.ends_at <= new.starts_at then
    raise exception using errcode = 'check_violation', schema = 'app', table = 'sessions',
      constraint = 'sessions_end_after_start',
      message = 'new row for relation "sessions" violates check constraint "sessions_end_after_start"',
      hint = 'field:ends_at';
  end if;
  select c.timezone into strict v_tz from app.consultants c where c.id = new.consultant_id;
  new.scheduled_date := (new.starts_at at time zone v_tz)::date;
  new.scheduled_time := (new.starts_at at time zone v_tz)::time;
  new.duration_minutes := (extract(epoch from new.ends_at - new.starts_at) / 60)::integer;
  new.occupied_during := tstzrange(
    new.starts_at - make_interval(mins => new.buffer_minutes),
    new.ends_at + make_interval(mins => new.buffer_minutes), '[)');
  return new;
end;
$$;
update app.sessions set buffer_minutes = buffer_minutes;
