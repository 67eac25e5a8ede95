-- db/migrations/20261213030000_let_consultants_set_their_reminder_schedule.sql — a consultant's own client reminder schedule (plans with custom_reminders), and reminders tracked one per session, start time and offset.
-- Issue 22 advertised custom_reminders ("your own reminder schedule") with nothing behind it: every reminder went
-- reminder_hours_before ahead. A consultant whose plan includes it now saves up to three offsets (15 minutes to 7
-- days before the start); a downgrade keeps them, unused while the plan lacks the feature. A session can then owe
-- several reminders for one start time, so the two columns that said "queued / sent for this start time" become:
--   * app.sessions.reminder_next_at: when the every-minute sweep must next look at the session (the first due
--     time of any reminder it may get: app.reminder_wake_at); NULL once none is left. Its small partial index is
--     the sweep's range, as the waiting index was (issue 20: reminders are not queued ahead);
--   * app.session_reminders: one row per (session, start time, offset) queued, with when it was sent (or stood in
--     for by a confirmation or a notice of the new time): queued once, mailed once.

-- migrate:up
alter table app.consultants add column reminder_minutes_before integer[]
  constraint consultants_reminder_minutes_before_check
  check (reminder_minutes_before is null or app.reminder_schedule_is_valid(reminder_minutes_before));
comment on column app.consultants.reminder_minutes_before is 'The consultant''s own client reminder schedule, minutes before the start, largest first (1 to 3, 15 to 10,080, distinct); NULL: the platform''s. Applies only while the plan in force includes custom_reminders (app.reminder_schedule); kept through a downgrade.';
grant select (reminder_minutes_before) on app.consultants to nakksha_app, nakksha_admin, nakksha_worker, nakksha_app_admin;

alter table app.sessions add column reminder_next_at timestamptz;
comment on column app.sessions.reminder_next_at is 'When the every-minute sweep (api.worker_queue_due_reminders) next looks at this confirmed session: the first due time of a reminder it may still get (app.reminder_wake_at); NULL when none is left.';
grant update (reminder_next_at) on app.sessions to nakksha_worker;

create table app.session_reminders (
  session_id uuid not null references app.sessions (id) on delete cascade
    -- The sessions trigger queues one before the row is inserted (a booking inside the reminder window).
    deferrable initially deferred,
  starts_at timestamptz not null,
  minutes_before integer not null check (minutes_before between 15 and 10080),
  queued_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (session_id, starts_at, minutes_before)
);
comment on table app.session_reminders is 'Each client reminder queued for a session: for which start time, how many minutes before it, when queued and when sent (or stood in for by the confirmation or the notice of a new time). The key makes each one queued and mailed once.';
alter table app.session_reminders enable row level security;
create policy worker_steps on app.session_reminders to nakksha_worker using (true) with check (true);
grant select, insert, update on app.session_reminders to nakksha_worker;

-- What the two columns said, as rows (the platform's one reminder was the only one), and when the rest wake.
insert into app.session_reminders (session_id, starts_at, minutes_before, queued_at, sent_at)
select s.id, s.starts_at, (app.platform_reminder_schedule())[1], now(),
       case when s.reminder_sent_for = s.starts_at then now() end
from app.sessions s
where s.reminder_queued_for = s.starts_at or s.reminder_sent_for = s.starts_at;
update app.sessions s set reminder_next_at = s.starts_at - make_interval(mins => (app.platform_reminder_schedule())[1])
where s.status = 'confirmed' and s.starts_at > now()
  and s.reminder_queued_for is distinct from s.starts_at and s.reminder_sent_for is distinct from s.starts_at;

create index sessions_reminder_wake_idx on app.sessions (reminder_next_at)
  where status = 'confirmed' and reminder_next_at is not null;
drop index app.sessions_reminder_waiting_idx;
revoke update (reminder_queued_for, reminder_sent_for) on app.sessions from nakksha_worker;
alter table app.sessions drop column reminder_queued_for, drop column reminder_sent_for;

-- migrate:down
alter table app.sessions add column reminder_sent_for timestamptz, add column reminder_queued_for timestamptz;
comment on column app.sessions.reminder_queued_for is 'The start time a reminder job was queued for; while it differs from starts_at, a confirmed session''s reminder waits for the every-minute sweep (api.worker_queue_due_reminders).';
grant update (reminder_sent_for, reminder_queued_for) on app.sessions to nakksha_worker;
update app.sessions s set
  reminder_queued_for = case when exists (select 1 from app.session_reminders r
                                          where r.session_id = s.id and r.starts_at = s.starts_at) then s.starts_at end,
  reminder_sent_for = case when exists (select 1 from app.session_reminders r where r.session_id = s.id
                                          and r.starts_at = s.starts_at and r.sent_at is not null) then s.starts_at end;
create index sessions_reminder_waiting_idx on app.sessions (starts_at)
  where status = 'confirmed' and reminder_queued_for is distinct from starts_at;
drop index app.sessions_reminder_wake_idx;
drop table app.session_reminders;
revoke update (reminder_next_at) on app.sessions from nakksha_worker;
alter table app.sessions drop column reminder_next_at;
revoke select (reminder_minutes_before) on app.consultants from nakksha_app, nakksha_admin, nakksha_worker, nakksha_app_admin;
alter table app.consultants drop column reminder_minutes_before;

-- Test: pytest tests/jobs/test_reminders.py tests/jobs/test_reminder_schedules.py tests/meta/test_migrations.py
