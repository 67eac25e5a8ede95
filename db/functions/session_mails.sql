-- db/functions/session_mails.sql — the mails a session event sends (confirmation, cancellation, move, refund, reminder), decided in one table and queued through the outbox.

-- The mails a session event sends --------------------------------------------------------------------

create or replace function app_private.session_mail_data(p_s app.sessions)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('session_id', p_s.id, 'reschedule_count', p_s.reschedule_count,
    'consultant_name', c.first_name || ' ' || c.last_name, 'consultant_slug', c.slug,
    -- The name and email typed at a public booking (the client record is not rewritten by one), else the record's.
    'client_name', coalesce(p_s.client_name, cl.name), 'client_email', coalesce(p_s.client_email, cl.email)::text,
    'title', p_s.title, 'session_type', p_s.session_type,
    'starts_at', p_s.starts_at, 'ends_at', p_s.ends_at, 'timezone', c.timezone,
    'duration_minutes', p_s.duration_minutes, 'amount', p_s.amount::text, 'currency', p_s.currency,
    'meeting_link', p_s.meeting_link, 'meeting_id', p_s.meeting_id, 'meeting_password', p_s.meeting_password,
    'cancellation_reason', p_s.cancellation_reason, 'cancelled_by', p_s.cancelled_by,
    'payment_status', p_s.payment_status, 'booked_via', p_s.booked_via,
    -- Whether an invitation was ever queued for this session (a booking confirmed once): only then does a
    -- cancellation carry the calendar's CANCEL for it (a booking cancelled before it was confirmed sent none).
    'invited', exists (select 1 from app.email_logs l where l.session_id = p_s.id
                       and l.email_type in ('session_confirmation', 'session_booked')),
    -- The other party's zone, for the second time line ("… for Asha"): the consultant's mails show the
    -- client's zone (when the booking recorded it), the client's show the consultant's (set below).
    'other_timezone', p_s.client_timezone, 'other_name', coalesce(p_s.client_name, cl.name))
    || case when p_s.manage_link_encrypted is not null
            then jsonb_build_object('manage_url_encrypted', p_s.manage_link_encrypted) else '{}' end
  from app.consultants c, app.clients cl
  where c.id = p_s.consultant_id and cl.id = p_s.client_id
$$;
comment on function app_private.session_mail_data is 'What every session mail needs to say (names, time with its zone, amount, links).';

create or replace function app_private.queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb default '{}')
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_data jsonb;
  v_wait interval;
  v_for_client jsonb;
  v_client_name text;
  v_c record;
  v_client app.clients;
  v_mail record;
  v_found boolean := false;
begin
  -- The columns the mails use, by name: the worker (a reminder, a settled refund) may not read the credentials.
  select c.id, c.email, c.first_name, c.last_name, c.timezone, c.notification_preferences into v_c
  from app.consultants c where c.id = p_s.consultant_id;
  select * into v_client from app.clients where id = p_s.client_id;
  if p_event in ('confirmed', 'reminder') then
    -- A generated Meet/Teams link on its way: the confirmation mails (and the reminder of a session booked
    -- at short notice) wait for it, bounded; the calendar job releases them as soon as the link lands, else
    -- they go with the personal link at the deadline.
    p_s := app_private.prepare_meeting(p_s);
    v_wait := app_private.meeting_wait(p_s);
  end if;
  v_data := app_private.session_mail_data(p_s) || coalesce(p_extra, '{}');
  -- Each reader sees times in their own zone: the client in the one they booked from (when known).
  v_for_client := v_data || jsonb_build_object('timezone', coalesce(p_s.client_timezone, v_c.timezone),
    'other_timezone', v_c.timezone, 'other_name', v_data->>'consultant_name');
  -- A public booking's name was typed by whoever booked, for an address nobody has shown is theirs: the client's
  -- own mails greet nobody by it and put no name in the To header (a stranger must not read a sentence the
  -- booker wrote as the platform's). The consultant's mails show it, as what the booking form said.
  if p_s.booked_via = 'public' then
    v_for_client := v_for_client || jsonb_build_object('client_name', '');
  else
    v_client_name := coalesce(p_s.client_name, v_client.name);
  end if;
  -- Through the outbox, in this transaction: a confirmation that rolls back mails nobody. Which mails an
  -- event sends, to whom, and which consultant preference can turn one off, is this one table.
  for v_mail in
    select m.email_type, m.to_consultant, m.preference from (values
      ('confirmed', 'session_confirmation', false, null), ('confirmed', 'session_booked', true, 'session_booked'),
      ('cancelled_for_client', 'session_cancelled_client', false, null),
      -- The client who cancelled gets the notice too: it carries the calendar's cancellation of the invitation.
      ('cancelled_by_client', 'session_cancelled_client', false, null),
      ('cancelled_by_client', 'session_cancelled_consultant', true, 'session_cancelled'),
      ('reminder', 'session_reminder', false, null), ('rescheduled', 'session_rescheduled', false, null),
      -- A move by the client: the client's notice (the invitation's new time) and the consultant's.
      ('rescheduled_by_client', 'session_rescheduled', false, null),
      ('rescheduled_by_client', 'session_rescheduled_consultant', true, 'session_rescheduled'),
      ('refund_processed', 'refund_processed', false, null)) as m(event, email_type, to_consultant, preference)
    where m.event = p_event
  loop
    v_found := true;
    -- A session the consultant booked themselves (offline, from the dashboard) needs no notice to them.
    continue when v_mail.email_type = 'session_booked' and p_s.booked_via = 'consultant';
    -- A cancellation through the manage link mails the client's address like a move does: whoever holds the link
    -- (a stranger who typed someone else's address) may cause it, so it counts against that mailbox's mails of
    -- the day. Past that cap the booking is still cancelled (a cancellation is never refused) but not mailed.
    continue when p_event = 'cancelled_by_client' and not v_mail.to_consultant
      and app_private.count_recipient_mail(v_client.email::text) > 0;
    if v_mail.to_consultant then
      -- Consultant-bound mail follows their notification preferences (a missing key means on).
      continue when not coalesce((v_c.notification_preferences->>v_mail.preference)::boolean, true);
      perform app_private.queue_email(v_mail.email_type, v_c.email::text, v_c.first_name || ' ' || v_c.last_name,
        v_data, p_consultant_id => v_c.id, p_client_id => v_client.id, p_session_id => p_s.id,
        p_scheduled_at => now() + v_wait);
    else
      perform app_private.queue_email(v_mail.email_type, v_client.email::text, v_client_name, v_for_client,
        p_consultant_id => v_c.id, p_client_id => v_client.id, p_session_id => p_s.id,
        p_scheduled_at => now() + v_wait);
    end if;
  end loop;
  if not v_found then
    raise exception 'unknown session mail event %', p_event;
  end if;
  -- A confirmation or a notice of the new time, sent when the session's reminder is already due, says all a
  -- reminder would: no second mail follows it seconds later (it would also double what a stranger's inbox gets
  -- from each free booking). The reminder the sessions trigger queued for this start time, when already due,
  -- counts as sent and its job is cancelled; the schedule's later reminders still go.
  if p_event in ('confirmed', 'rescheduled', 'rescheduled_by_client') and p_s.starts_at > now() then
    update app.session_reminders r set sent_at = now()
    where r.session_id = p_s.id and r.starts_at = p_s.starts_at and r.sent_at is null
      and r.starts_at - make_interval(mins => r.minutes_before) <= now();
    if found then
      perform app_private.cancel_queued_jobs('reminder:' || p_s.id);
    end if;
  end if;
end;
$$;
comment on function app_private.queue_session_emails is 'Queue the mails a session event sends (confirmation, cancellation, move, refund) through the outbox; a confirmation or move inside the reminder window stands in for the reminder.';

-- Test: pytest tests/jobs/test_emails.py tests/jobs/test_reminders.py
