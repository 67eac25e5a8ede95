-- db/migrations/20261124101500_schedule_session_reminders.sql — reminder jobs follow a session's confirmation, time and cancellation.

-- migrate:up
alter table app.sessions add column reminder_sent_for timestamptz;
comment on column app.sessions.reminder_sent_for is 'The start time the reminder went out for (a moved session gets a new one).';

insert into app.platform_settings (key, value, description) values
  ('reminder_hours_before', '24', 'Hours before a confirmed session that its reminder goes out (at once if it is sooner).')
on conflict (key) do nothing;

-- One reminder job per confirmed session (Procrastinate queueing lock `reminder:<id>`), kept in step by
-- the table itself, so every path that confirms, moves or cancels a session (booking, payment,
-- consultant, client, psql) moves its reminder too. The old job is cancelled before the new one is
-- deferred: a queueing lock that is taken raises a unique violation, which would abort the reschedule.
create function app.schedule_session_reminder() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_hours integer;
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
     and new.starts_at is not distinct from old.starts_at then
    return null;
  end if;
  perform app_private.cancel_queued_jobs('reminder:' || new.id);
  if new.status = 'confirmed' and new.starts_at > now() then
    v_hours := coalesce((select (s.value #>> '{}')::integer from app.platform_settings s
                         where s.key = 'reminder_hours_before'), 24);
    perform app_private.defer_job('send_session_reminder',
      jsonb_build_object('session_id', new.id, 'starts_at', new.starts_at), 'emails',
      greatest(now(), new.starts_at - make_interval(hours => v_hours)), 'reminder:' || new.id);
  end if;
  return null;
end;
$$;
comment on function app.schedule_session_reminder() is 'Trigger: a confirmed session has one reminder job, moved with its time and cancelled with it.';
revoke execute on function app.schedule_session_reminder() from public;

create trigger sessions_schedule_reminder after insert or update of status, starts_at on app.sessions
  for each row execute function app.schedule_session_reminder();

-- migrate:down
drop trigger sessions_schedule_reminder on app.sessions;
drop function app.schedule_session_reminder();
delete from app.platform_settings where key = 'reminder_hours_before';
alter table app.sessions drop column reminder_sent_for;
