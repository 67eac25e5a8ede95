-- db/functions/reminders.sql — the reminders a confirmed session's client gets before it starts (queued when each falls due: app.queue_session_reminder and the every-minute sweep; one per offset of the schedule in force), and the mails to a client that anonymous actions may cause.

create or replace function app_private.reminder_due_at(p_starts_at timestamptz)
returns timestamptz
language sql stable
set search_path = ''
as $$
  select p_starts_at - make_interval(hours => app_private.setting_integer('reminder_hours_before'))
$$;
comment on function app_private.reminder_due_at is 'When the platform''s reminder of a session starting then is due (reminder_hours_before earlier); the retired trigger app.schedule_session_reminder reads it.';

-- The reminder jobs: queued at once by the trigger app.queue_session_reminder (db/functions/app/sessions.sql) when
-- one is due within the minute, else by api.worker_queue_due_reminders below when it falls due. Which reminders a
-- session gets is app.reminder_schedule (db/functions/app/reminders.sql): the consultant's own while their plan
-- includes custom_reminders, else the platform's. A job carries its offset; the plan is judged when it is queued
-- (at most a minute before it is due, later only if the worker lags), not again when it runs: a reminder queued
-- under the plan in force then still goes if the plan lapses in that minute, and the run-time check is about the
-- session (still confirmed, at that time, not reminded yet) and the recipient's mails of the day.

create or replace function app_private.queue_reminder(p_session_id uuid, p_starts_at timestamptz, p_minutes integer)
returns boolean
language plpgsql volatile
set search_path = ''
as $$
begin
  -- Once per session, start time and offset (app.session_reminders' key): a reminder already sent for this start
  -- time is not queued again (a session moved away and back); one queued and cancelled with a move is.
  insert into app.session_reminders as r (session_id, starts_at, minutes_before)
  values (p_session_id, p_starts_at, p_minutes)
  on conflict (session_id, starts_at, minutes_before) do update set queued_at = now() where r.sent_at is null;
  if not found then
    return false;
  end if;
  -- One job at a time under the session's lock: an earlier offset's job still waiting (a lagging worker) gives way.
  perform app_private.cancel_queued_jobs('reminder:' || p_session_id);
  perform app_private.defer_job('send_session_reminder',
    jsonb_build_object('session_id', p_session_id, 'starts_at', p_starts_at, 'minutes_before', p_minutes), 'emails',
    greatest(now(), p_starts_at - make_interval(mins => p_minutes)), 'reminder:' || p_session_id);
  return true;
end;
$$;
comment on function app_private.queue_reminder is 'Queue the reminder job of a session for one start time and offset, once (app.session_reminders), at its due time; false when it was sent already.';

create or replace function app_private.recipient_mail_bucket(p_email text)
returns text
language sql immutable
set search_path = ''
as $$ select 'booking_mail:' || app.mailbox_key(p_email) $$;
comment on function app_private.recipient_mail_bucket is 'The rate-limit bucket counting the mails anonymous actions send to one mailbox (booking_emails_per_recipient_per_day).';

create or replace function app_private.count_recipient_mail(p_email text)
returns integer
language sql volatile
set search_path = ''
as $$
  -- One mail an anonymous visitor causes to this mailbox without paying (a verification mail at signup or on
  -- resend, a password reset, a free booking's confirmation or reminder, a move through the manage link): 0 when
  -- within the day's limit, else the seconds to wait.
  select api.hit_rate_limit(app_private.recipient_mail_bucket(p_email), 10, 86400, 'booking_emails_per_recipient_per_day')
$$;
comment on function app_private.count_recipient_mail is 'Count one anonymous-caused mail to a mailbox in its UTC day; 0 if within booking_emails_per_recipient_per_day, else seconds to wait.';

create or replace function app_private.take_recipient_mail(p_email text)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_wait integer := app_private.count_recipient_mail(p_email);
begin
  -- For the account mails anyone can ask for with an address they typed (signup, resend, password reset): past
  -- the mailbox's day, NK429 with Retry-After, and the caller's transaction rolls back with the count, so a
  -- refused request creates nothing and counts nothing.
  if v_wait > 0 then
    perform app_private.too_many('rate_limited',
      'This email address has received the most emails we may send it today; try again tomorrow.', v_wait);
  end if;
end;
$$;
comment on function app_private.take_recipient_mail is 'Count one anonymous-caused mail to a mailbox, or NK429 rate_limited (Retry-After until the UTC day ends) when its day is full.';

create or replace function app_private.rewake_reminders(p_consultant_id uuid default null)
returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  v_count integer;
  v_s record;
begin
  -- A schedule changed (a consultant's own, p_consultant_id; the platform's reminder_hours_before, NULL: everyone's):
  -- each confirmed session ahead wakes the sweep for the first reminder of the new schedules still to come. It
  -- applies to reminders not yet due: one whose time has already passed when the schedule changes is not sent late
  -- (a consultant adding "a week before" must not mail every client of this week at once)...
  update app.sessions s set reminder_next_at = app.reminder_wake_at(c.reminder_minutes_before, s.starts_at, now())
  from app.consultants c
  where c.id = s.consultant_id and s.status = 'confirmed' and s.starts_at > now()
    and (p_consultant_id is null or s.consultant_id = p_consultant_id);
  get diagnostics v_count = row_count;
  -- ...unless the session would then get no reminder at all for its start time: none queued or sent, none to come
  -- (the platform's reminder moved from 24 to 48 hours: a session 30 hours ahead). It gets the schedule's nearest
  -- reminder now, as a reminder overdue after an outage does.
  for v_s in
    select s.id, s.starts_at, s.consultant_id from app.sessions s
    where s.status = 'confirmed' and s.starts_at > now()
      and (p_consultant_id is null or s.consultant_id = p_consultant_id)
      and not exists (select from app.session_reminders r where r.session_id = s.id and r.starts_at = s.starts_at)
      and not exists (select from unnest(app.reminder_schedule(s.consultant_id)) m
                      where s.starts_at - make_interval(mins => m) > now())
    for update of s skip locked
  loop
    perform app_private.queue_reminder(v_s.id, v_s.starts_at,
                                       (select min(m) from unnest(app.reminder_schedule(v_s.consultant_id)) m));
  end loop;
  return v_count;
end;
$$;
comment on function app_private.rewake_reminders is 'After a reminder schedule changes (one consultant''s, or the platform''s for NULL): when the sweep next looks at each confirmed session ahead; reminders already due are not sent late, unless a session would otherwise get none for its start time (it gets the nearest now).';

create or replace function api.worker_session_reminder(p_session_id uuid, p_starts_at timestamptz,
                                                       p_minutes_before integer default null)
returns text
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_s app.sessions;
  -- A job queued before reminders carried their offset was for the platform's one reminder.
  v_minutes constant integer := coalesce(p_minutes_before, (app.platform_reminder_schedule())[1]);
  v_sent timestamptz;
begin
  -- Checked again at send time: the job was scheduled for one start time of a confirmed session, and
  -- anything that changed since (cancelled, moved, this reminder already sent, started) means no mail.
  select * into v_s from app.sessions where id = p_session_id for update;
  if v_s.id is null then
    return 'gone';
  elsif v_s.status <> 'confirmed' then
    return 'not_confirmed';
  elsif v_s.starts_at is distinct from p_starts_at then
    return 'moved';
  elsif v_s.starts_at <= now() then
    return 'started';
  end if;
  select r.sent_at into v_sent from app.session_reminders r
  where r.session_id = v_s.id and r.starts_at = v_s.starts_at and r.minutes_before = v_minutes;
  if v_sent is not null then
    return 'already_sent';
  end if;
  -- A free public booking's reminder is mail an anonymous visitor caused: it counts against the mailbox's day
  -- like the confirmation did, in the day it goes (bookings made on several days for one date would otherwise
  -- fill it past the limit). Over the limit it is not sent; the client has the confirmation.
  if v_s.booked_via = 'public' and v_s.payment_status = 'not_required'
     and app_private.count_recipient_mail((select c.email::text from app.clients c where c.id = v_s.client_id)) > 0 then
    return 'recipient_limit';
  end if;
  -- Marked sent under the session's row lock: a second delivery of this job (at least once) finds it so.
  insert into app.session_reminders as r (session_id, starts_at, minutes_before, sent_at)
  values (v_s.id, v_s.starts_at, v_minutes, now())
  on conflict (session_id, starts_at, minutes_before) do update set sent_at = now();
  perform app_private.queue_session_emails(v_s, 'reminder');
  return 'queued';
end;
$$;
comment on function api.worker_session_reminder is 'Worker: queue one reminder mail of a session (p_minutes_before: its offset; NULL: the platform''s) if the session is still confirmed, at that time, that reminder not sent yet, and (a free public booking) within its recipient''s mails of the day.';

create or replace function api.worker_queue_due_reminders(p_limit integer default 1000, p_at timestamptz default null)
returns integer
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_at constant timestamptz := coalesce(p_at, now());
  v_soon constant timestamptz := v_at + interval '1 minute';
  v_s record;
  v_minutes integer;
  v_count integer := 0;
begin
  -- Every minute: look at each confirmed session whose reminder_next_at falls by the next run (or is overdue: a
  -- worker that was down) and queue the reminder due by then under the schedule in force at p_at — of several, the
  -- one nearest the start (the earlier ones' time has passed) —, then move reminder_next_at to the next one it may
  -- get. Each reminder once per start time and offset (app_private.queue_reminder). They wait here rather than in
  -- the job queue, whose fetch walks every job queued ahead (issue 20). Rows a booking, a move or another sweep
  -- holds are left for the next run; a row another sweep has just moved on no longer matches once locked.
  -- p_at: the instant to sweep for (now; a test moves it ahead).
  for v_s in
    select s.id, s.consultant_id, s.starts_at, s.reminder_next_at,
           (select c.reminder_minutes_before from app.consultants c where c.id = s.consultant_id) as saved
    from app.sessions s
    where s.status = 'confirmed' and s.reminder_next_at is not null and s.reminder_next_at <= v_soon
      and s.starts_at > v_at
    order by s.reminder_next_at
    limit p_limit
    for update skip locked
  loop
    -- Also one whose time passed before this wake when the session has had no reminder for this start time: the
    -- plan in force changed between two reminders (the consultant's own schedule skipped the platform's day-before
    -- one, then the plan lapsed before their hour-before one), and the client would get none (the outside review).
    -- (Only when none of the schedule in force is still to come: then that one goes, and nothing goes late.)
    select min(m) into v_minutes from unnest(app.reminder_schedule(v_s.consultant_id, v_at)) m(m)
    where v_s.starts_at - make_interval(mins => m) <= v_soon
      and (v_s.starts_at - make_interval(mins => m) >= v_s.reminder_next_at
           or (not exists (select from app.session_reminders r
                           where r.session_id = v_s.id and r.starts_at = v_s.starts_at)
               and not exists (select from unnest(app.reminder_schedule(v_s.consultant_id, v_at)) later(m)
                               where v_s.starts_at - make_interval(mins => later.m) > v_soon)));
    if v_minutes is not null and app_private.queue_reminder(v_s.id, v_s.starts_at, v_minutes) then
      v_count := v_count + 1;
    end if;
    update app.sessions set reminder_next_at = app.reminder_wake_at(v_s.saved, v_s.starts_at, v_soon)
    where id = v_s.id;
  end loop;
  return v_count;
end;
$$;
comment on function api.worker_queue_due_reminders is 'Worker, every minute: queue the reminder jobs falling due by the next run, one per session, start time and offset of the schedule in force (at most p_limit sessions; p_at: the instant to sweep for, now by default).';

-- The consultant's own schedule, as the API and the settings page show and change it (GET/PUT
-- /api/v1/consultants/me/reminders). Saving goes through api.update_my_profile, which writes the row, checks the
-- plan and re-times the sessions ahead.
create or replace function api.my_reminder_schedule()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'minutes_before', to_jsonb(c.reminder_minutes_before),
    'in_force', to_jsonb(app.reminder_schedule(c.id)),
    'platform_minutes_before', to_jsonb(app.platform_reminder_schedule()),
    'custom_reminders', coalesce(p.custom_reminders, false),
    'plan', p.name,
    'upgrade_plan', case when not coalesce(p.custom_reminders, false) then
      (select u.name from app.plans u where u.custom_reminders order by u.price_monthly, u.position, u.code limit 1) end)
  from app.consultants c
  left join app.plans p on p.code = app.effective_plan_code(c.id)
  where c.id = api.caller_consultant_id()
$$;
comment on function api.my_reminder_schedule() is 'The calling consultant''s client reminder schedule: the one saved (NULL: none), the one in force, the platform''s, and whether the plan includes custom_reminders (else the cheapest plan that does).';

create or replace function api.set_my_reminder_schedule(p_minutes_before jsonb)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
begin
  -- An array of offsets (minutes before the start) or JSON null for the platform's; the request schema checked
  -- the shape, the table's check has the last word, the plan is checked in api.update_my_profile (NK403 plan_limit).
  perform api.update_my_profile(jsonb_build_object('reminder_minutes_before', p_minutes_before));
  return api.my_reminder_schedule();
end;
$$;
comment on function api.set_my_reminder_schedule(jsonb) is 'Save the calling consultant''s client reminder schedule (an array of minutes before the start; NULL: back to the platform''s); NK403 plan_limit without custom_reminders.';

grant execute on function api.my_reminder_schedule(), api.set_my_reminder_schedule(jsonb) to nakksha_app;

grant execute on function api.worker_session_reminder(uuid, timestamptz, integer),
  api.worker_queue_due_reminders(integer, timestamptz) to nakksha_worker;

-- Test: pytest tests/jobs/test_reminders.py tests/jobs/test_reminder_schedules.py tests/jobs/test_anonymous_mail.py
