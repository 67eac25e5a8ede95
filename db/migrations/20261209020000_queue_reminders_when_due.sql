-- db/migrations/20261209020000_queue_reminders_when_due.sql — a session's reminder job is queued when it falls due, not when the session is booked.
-- Issue 20 (bench/load.py --pg-profile): Procrastinate's fetch walks the queued jobs in priority and id order and
-- skips those scheduled later, so every fetch of every worker read every reminder queued ahead: 7 ms a fetch at
-- 20,000 (linear), 38% of the database's time in the mix at 20 connections. Reminders now wait in the sessions
-- table: the trigger app.queue_session_reminder queues one at once only when it is due within the minute, and the
-- every-minute job api.worker_queue_due_reminders queues the others as they fall due. reminder_queued_for says
-- for which start time a job was queued (a moved session differs from it again).

-- migrate:up
alter table app.sessions add column reminder_queued_for timestamptz;
comment on column app.sessions.reminder_queued_for is 'The start time a reminder job was queued for; while it differs from starts_at, a confirmed session''s reminder waits for the every-minute sweep (api.worker_queue_due_reminders).';
grant update (reminder_queued_for) on app.sessions to nakksha_worker;
-- The sweep's range: only confirmed sessions whose reminder is not queued yet (a small index).
create index sessions_reminder_waiting_idx on app.sessions (starts_at)
  where status = 'confirmed' and reminder_queued_for is distinct from starts_at;
drop trigger sessions_schedule_reminder on app.sessions;
create trigger sessions_queue_reminder before insert or update of status, starts_at on app.sessions
  for each row execute function app.queue_session_reminder();
-- The reminders already queued: those due within the minute stay queued (and are marked so); the rest leave the
-- queue and wait for the sweep.
update app.sessions s set reminder_queued_for = s.starts_at
where s.status = 'confirmed' and exists (
  select 1 from public.procrastinate_jobs j
  where j.queueing_lock = 'reminder:' || s.id and j.status = 'todo'
    and (j.scheduled_at is null or j.scheduled_at <= now() + interval '1 minute'));
select count(public.procrastinate_cancel_job_v1(j.id, false, false))
from public.procrastinate_jobs j
where j.task_name = 'send_session_reminder' and j.status = 'todo' and j.scheduled_at > now() + interval '1 minute';

-- migrate:down
drop trigger sessions_queue_reminder on app.sessions;
create trigger sessions_schedule_reminder after insert or update of status, starts_at on app.sessions
  for each row execute function app.schedule_session_reminder();
-- Reminders waiting for the sweep are queued ahead again, as before (the code schemas are gone by now: the due
-- time is written out, as app_private.reminder_due_at computes it).
select count(public.procrastinate_defer_jobs_v1(array[row('emails', 'send_session_reminder', 0, null,
         'reminder:' || s.id, jsonb_build_object('session_id', s.id, 'starts_at', s.starts_at),
         greatest(now(), s.starts_at - make_interval(hours => coalesce(
           (select (p.value #>> '{}')::integer from app.platform_settings p where p.key = 'reminder_hours_before'),
           24))))::public.procrastinate_job_to_defer_v1]))
from app.sessions s
where s.status = 'confirmed' and s.starts_at > now() and s.reminder_queued_for is distinct from s.starts_at;
drop index app.sessions_reminder_waiting_idx;
revoke update (reminder_queued_for) on app.sessions from nakksha_worker;
alter table app.sessions drop column reminder_queued_for;

-- Test: pytest tests/jobs/test_reminders.py tests/meta/test_migrations.py
