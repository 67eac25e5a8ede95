-- db/functions/reminders.sql — the reminder a confirmed session gets before it starts (queued when due: app.queue_session_reminder and the every-minute sweep), and the mails to a client that anonymous actions may cause.

create or replace function app_private.reminder_due_at(p_starts_at timestamptz)
returns timestamptz
language sql stable
set search_path = ''
as $$
  select p_starts_at - make_interval(hours => app_private.setting_integer('reminder_hours_before'))
$$;
comment on function app_private.reminder_due_at is 'When the reminder of a session starting then is due (the platform''s reminder_hours_before earlier).';

-- The reminder job itself: queued at once by the trigger app.queue_session_reminder (db/functions/app/sessions.sql)
-- when due within the minute, else by api.worker_queue_due_reminders below when it falls due.

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

create or replace function api.worker_session_reminder(p_session_id uuid, p_starts_at timestamptz)
returns text
language plpgsql volatile security invoker
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
  -- A free public booking's reminder is mail an anonymous visitor caused: it counts against the mailbox's day
  -- like the confirmation did, in the day it goes (bookings made on several days for one date would otherwise
  -- fill it past the limit). Over the limit it is not sent; the client has the confirmation.
  if v_s.booked_via = 'public' and v_s.payment_status = 'not_required'
     and app_private.count_recipient_mail((select c.email::text from app.clients c where c.id = v_s.client_id)) > 0 then
    return 'recipient_limit';
  end if;
  update app.sessions set reminder_sent_for = v_s.starts_at where id = v_s.id returning * into v_s;
  perform app_private.queue_session_emails(v_s, 'reminder');
  return 'queued';
end;
$$;
comment on function api.worker_session_reminder is 'Worker: queue the reminder mail of a session if it is still confirmed, at that time, not reminded yet, and (a free public booking) within its recipient''s mails of the day.';

create or replace function api.worker_queue_due_reminders(p_limit integer default 1000, p_at timestamptz default null)
returns integer
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_at timestamptz := coalesce(p_at, now());
  v_s record;
  v_count integer := 0;
begin
  -- Every minute: queue the reminder of each confirmed session whose reminder falls due by the next run (or is
  -- overdue: a worker that was down), once per start time. They wait here rather than in the job queue, whose
  -- fetch walks every job queued ahead (issue 20). Rows a booking or a move holds are left for the next run.
  -- p_at: the instant to sweep for (now; a test moves it ahead).
  for v_s in
    select s.id, s.starts_at from app.sessions s
    where s.status = 'confirmed' and s.reminder_queued_for is distinct from s.starts_at
      and s.starts_at > v_at
      and s.starts_at <= v_at + make_interval(hours => app_private.setting_integer('reminder_hours_before'))
                         + interval '1 minute'
    order by s.starts_at
    limit p_limit
    for update skip locked
  loop
    perform app_private.cancel_queued_jobs('reminder:' || v_s.id);
    perform app_private.defer_job('send_session_reminder',
      jsonb_build_object('session_id', v_s.id, 'starts_at', v_s.starts_at), 'emails',
      greatest(now(), app_private.reminder_due_at(v_s.starts_at)), 'reminder:' || v_s.id);
    update app.sessions set reminder_queued_for = v_s.starts_at where id = v_s.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function api.worker_queue_due_reminders is 'Worker, every minute: queue the reminder jobs falling due by the next run (at most p_limit; p_at: the instant to sweep for, now by default).';

grant execute on function api.worker_session_reminder(uuid, timestamptz), api.worker_queue_due_reminders(integer, timestamptz)
  to nakksha_worker;

-- Test: pytest tests/jobs/test_reminders.py tests/jobs/test_anonymous_mail.py
