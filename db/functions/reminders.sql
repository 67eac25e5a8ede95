-- db/functions/reminders.sql — the reminder a confirmed session gets before it starts (scheduled by app.schedule_session_reminder).

create or replace function api.worker_session_reminder(p_session_id uuid, p_starts_at timestamptz)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_s app.sessions;
begin
  -- Checked again at send time: the job was scheduled for one start time of a confirmed session, and
  -- anything that changed since (cancelled, moved, already reminded, started) means no mail.
  select * into v_s from app.sessions where id = p_session_id for update;
  if v_s.id is null then
    return 'gone';
  elsif v_s.status <> 'confirmed' then
    return 'not_confirmed';
  elsif v_s.starts_at is distinct from p_starts_at then
    return 'moved';
  elsif v_s.starts_at <= now() then
    return 'started';
  elsif v_s.reminder_sent_for is not distinct from v_s.starts_at then
    return 'already_sent';
  end if;
  update app.sessions set reminder_sent_for = v_s.starts_at where id = v_s.id returning * into v_s;
  perform app_private.queue_session_emails(v_s, 'reminder');
  return 'queued';
end;
$$;
comment on function api.worker_session_reminder is 'Worker: queue the reminder mail of a session if it is still confirmed, at that time, and not reminded yet.';

grant execute on function api.worker_session_reminder(uuid, timestamptz) to nakksha_app;

-- Test: pytest tests/jobs/test_reminders.py
