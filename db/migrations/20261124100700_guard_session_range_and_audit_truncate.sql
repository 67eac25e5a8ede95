-- db/migrations/20261124100700_guard_session_range_and_audit_truncate.sql — a reversed session range fails as its named check; the audit log refuses TRUNCATE.

-- migrate:up
-- The derive trigger runs before the checks; building occupied_during from a reversed range raised a bare
-- data exception (22000 "range lower bound must be less than or equal to range upper bound"), so the
-- caller never saw sessions_end_after_start. Refuse it here with that constraint's own SQLSTATE and name.
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

-- Row triggers do not see TRUNCATE (nor `truncate app.admins cascade`, which reaches the log through its
-- foreign key): append-only needs a statement trigger too.
create trigger admin_audit_log_no_truncate before truncate on app.admin_audit_log
  for each statement execute function app.forbid_audit_change();

-- migrate:down
drop trigger admin_audit_log_no_truncate on app.admin_audit_log;
create or replace function app.derive_session_times() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_tz text;
begin
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
