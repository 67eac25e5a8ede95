-- db/functions/app/sessions.sql — the sessions table's triggers: local times, the status machine, the reminder job and the calendar sync kept in step.

create or replace function app.derive_session_times() returns trigger
language plpgsql
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
comment on function app.derive_session_times() is 'Trigger: sessions local date/time, duration and occupied range (buffer applied) from the instants.';

create or replace function app.enforce_session_transition() returns trigger
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

-- A confirmed session's client reminders (one job at a time, Procrastinate queueing lock `reminder:<id>`), queued
-- when each falls due: every path that confirms, moves or cancels a session (booking, payment, consultant, client,
-- psql) cancels its queued job, queues at once the reminder due within the minute (of several, the one nearest the
-- start: the earlier ones' time has passed), and sets reminder_next_at, when the every-minute sweep
-- (api.worker_queue_due_reminders) looks at it next. Queued a year ahead, they made each fetch of every worker walk
-- them all (issue 20). Which reminders: app.reminder_schedule (the consultant's own while the plan includes it, else
-- the platform's). (A confirmation or a notice of the new time sent when the reminder is already due stands in for
-- it: app_private.queue_session_emails marks it sent and cancels the job.)
create or replace function app.queue_session_reminder() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_soon constant timestamptz := now() + interval '1 minute';
  v_minutes integer;
begin
  if tg_op = 'UPDATE' then
    if new.status is not distinct from old.status and new.starts_at is not distinct from old.starts_at then
      return new;
    end if;
    perform app_private.cancel_queued_jobs('reminder:' || new.id);
  end if;
  new.reminder_next_at := null;
  if new.status = 'confirmed' and new.starts_at > now() then
    select min(m) into v_minutes from unnest(app.reminder_schedule(new.consultant_id)) m
    where new.starts_at - make_interval(mins => m) <= v_soon;
    if v_minutes is not null then
      perform app_private.queue_reminder(new.id, new.starts_at, v_minutes);
    end if;
    new.reminder_next_at := app.reminder_wake_at(
      (select c.reminder_minutes_before from app.consultants c where c.id = new.consultant_id), new.starts_at, v_soon);
  end if;
  return new;
end;
$$;
comment on function app.queue_session_reminder() is 'Trigger (before): a confirmed session''s reminder job is cancelled with any change of status or time, the reminder due within the minute is queued at once, and reminder_next_at says when the sweep queues the next.';
create or replace function app.sync_session_calendar() returns trigger
language plpgsql
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

-- Test: pytest tests/db/test_lifecycle.py tests/db/test_local_times.py tests/jobs/test_reminders.py
