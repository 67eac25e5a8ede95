-- db/functions/sessions.sql — the consultant's sessions: their JSON, offline bookings, status actions, reschedule, calendar (the lists and detail: app/queries/sessions.sql; the mails they send: session_mails.sql).
-- Reads are security invoker: row-level security (approved consultants, their own rows) does the filtering.

create or replace function api.like_pattern(p_q text)
returns text
language sql immutable parallel safe
set search_path = ''
as $$
  -- A search term matched literally inside text: LIKE's own wildcards (and the escape) are escaped.
  select '%' || replace(replace(replace(p_q, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;
comment on function api.like_pattern is 'A substring pattern for ILIKE that matches the term literally.';

create or replace function api.money(p_amount numeric)
returns text
language sql immutable parallel safe
-- No `set search_path`: a function with one is never inlined, and this runs once per amount in every answer.
-- Everything it names is pg_catalog's, which is searched first whatever the path.
as $$
  -- Money in every JSON answer: rupees as text with exactly two places ("1499.50"), never a JSON number a
  -- client could read as a float (docs/api.md, Money). Null stays null.
  select pg_catalog.round(p_amount, 2)::pg_catalog.text
$$;
comment on function api.money is 'An amount as the API answers it: a decimal string with two places.';

create or replace function api.not_found(p_detail text)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
begin
  -- Volatile, so a named read's `coalesce((select …), api.not_found('…'))` calls it only when nothing was found
  -- (a stable or immutable call with constant arguments could be folded while planning).
  raise exception using errcode = 'NK404', message = 'not_found', detail = p_detail;
end;
$$;
comment on function api.not_found is 'Raise NK404 not_found with the detail given: a named read''s answer when the policies show it no row.';

create or replace function api.require_approved()
returns uuid
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_id uuid := app.current_approved_consultant_id();
begin
  -- RLS would show an unapproved caller nothing; say why instead (used by invoker and definer functions). A
  -- suspended consultant still reads their records (app.current_reading_consultant_id) but changes none of them.
  if v_id is null then
    if app.current_reading_consultant_id() is not null then
      raise exception using errcode = 'NK403', message = 'consultant_suspended',
        detail = 'Your account is suspended: you can read your sessions and clients, but not change them.';
    end if;
    raise exception using errcode = 'NK403', message = 'consultant_not_approved', detail = 'Your account is not approved.';
  end if;
  return v_id;
end;
$$;
comment on function api.require_approved is 'The calling consultant if approved, else NK403 consultant_suspended (a suspended one: read-only) or consultant_not_approved: every consultant write starts here.';

create or replace function api.require_reader()
returns uuid
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_id uuid := app.current_reading_consultant_id();
begin
  -- The reads' counterpart of require_approved: a suspended consultant still reads their own records.
  if v_id is null then
    raise exception using errcode = 'NK403', message = 'consultant_not_approved', detail = 'Your account is not approved.';
  end if;
  return v_id;
end;
$$;
comment on function api.require_reader is 'The calling consultant if approved or suspended (reads only), else NK403 consultant_not_approved.';

create or replace function api.session_json(p_s app.sessions)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('id', p_s.id, 'client_id', p_s.client_id, 'slot_id', p_s.slot_id,
    'session_type', p_s.session_type, 'title', p_s.title, 'starts_at', p_s.starts_at, 'ends_at', p_s.ends_at,
    'scheduled_date', p_s.scheduled_date, 'scheduled_time', to_char(p_s.scheduled_time, 'HH24:MI'),
    'duration_minutes', p_s.duration_minutes, 'amount', api.money(p_s.amount), 'currency', p_s.currency, 'status', p_s.status,
    'payment_status', p_s.payment_status, 'payment_method', p_s.payment_method,
    'hold_expires_at', case when p_s.status = 'pending' then p_s.hold_expires_at end,
    'meeting_platform', p_s.meeting_platform, 'meeting_link', p_s.meeting_link, 'meeting_id', p_s.meeting_id,
    'meeting_password', p_s.meeting_password, 'notes', p_s.notes, 'consultant_notes', p_s.consultant_notes,
    'booked_via', p_s.booked_via, 'is_repeat_client', p_s.is_repeat_client, 'reschedule_count', p_s.reschedule_count,
    'confirmed_at', p_s.confirmed_at, 'completed_at', p_s.completed_at, 'cancelled_at', p_s.cancelled_at,
    'cancelled_by', p_s.cancelled_by, 'cancellation_reason', p_s.cancellation_reason,
    'created_at', p_s.created_at, 'updated_at', p_s.updated_at,
    'client', (select jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email::text, 'is_active', c.is_active)
               from app.clients c where c.id = p_s.client_id),
    -- What the client typed when booking on the public page (their record is never rewritten by a booking).
    'booked_as', case when p_s.client_name is not null
                      then jsonb_build_object('name', p_s.client_name, 'email', p_s.client_email::text) end)
$$;
comment on function api.session_json is 'A session as its consultant sees it (runs with the caller''s rights: the client comes through RLS).';

create or replace function api.update_session(p_session_id uuid, p_patch jsonb)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_s app.sessions;
begin
  perform api.require_approved();
  update app.sessions s set
    notes = case when p_patch ? 'notes' then p_patch->>'notes' else s.notes end,
    consultant_notes = case when p_patch ? 'consultant_notes' then p_patch->>'consultant_notes' else s.consultant_notes end,
    meeting_platform = case when p_patch ? 'meeting_platform' then p_patch->>'meeting_platform' else s.meeting_platform end,
    meeting_link = case when p_patch ? 'meeting_link' then p_patch->>'meeting_link' else s.meeting_link end,
    meeting_id = case when p_patch ? 'meeting_id' then p_patch->>'meeting_id' else s.meeting_id end,
    meeting_password = case when p_patch ? 'meeting_password' then p_patch->>'meeting_password' else s.meeting_password end
  where s.id = p_session_id
  returning * into v_s;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such session.';
  end if;
  return api.session_json(v_s);
end;
$$;
comment on function api.update_session is 'Change a session''s notes and meeting details (the keys present in the patch).';

create or replace function app_private.caller_session(p_session_id uuid)
returns app.sessions
language plpgsql volatile
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_approved();
  v_s app.sessions;
begin
  select * into v_s from app.sessions where id = p_session_id and consultant_id = v_consultant for update;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such session.';
  end if;
  return v_s;
end;
$$;
comment on function app_private.caller_session is 'One of the approved caller''s sessions, locked, or NK404.';

create or replace function app_private.check_session_start(p_starts_at timestamptz)
returns void
language plpgsql stable
set search_path = ''
as $$
begin
  -- A consultant books or moves a session into the future (10 minutes' grace, for one entered as it starts)
  -- and at most 2 years ahead: a date in 2020 or 2200 is a typing slip, and the client would be mailed about it.
  if p_starts_at < now() - interval '10 minutes' then
    raise exception using errcode = 'NK422', message = 'session_in_past', hint = 'field:starts_at',
      detail = 'Choose a time from now on: a session cannot start in the past.';
  end if;
  if p_starts_at > now() + interval '2 years' then
    raise exception using errcode = 'NK422', message = 'session_too_far_ahead', hint = 'field:starts_at',
      detail = 'Choose a time within the next 2 years.';
  end if;
end;
$$;
comment on function app_private.check_session_start is 'A consultant''s session (booked or moved) starts from 10 minutes ago up to 2 years ahead: NK422 session_in_past / session_too_far_ahead, field starts_at.';

create or replace function api.create_session(
  p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea,
  p_slot_id uuid, p_session_type text, p_starts_at timestamptz, p_ends_at timestamptz, p_amount numeric,
  p_payment_status text, p_payment_method text, p_notes text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_approved();
  v_c app.consultants;
  v_client uuid := p_client_id;
  v_slot app.availability_slots;
  v_type text := p_session_type;
  v_start timestamptz := p_starts_at;
  v_end timestamptz := p_ends_at;
  v_amount numeric(10, 2);
  v_s app.sessions;
begin
  -- The consultant books an offline client: confirmed at once (no hold), into a free slot or an ad-hoc
  -- time, owed or already paid in cash or by transfer. The same exclusion constraint guards it.
  select * into v_c from app.consultants where id = v_consultant;
  if p_payment_status not in ('pending', 'paid') then
    raise exception using errcode = 'NK422', message = 'invalid_payment_status', hint = 'field:payment_status',
      detail = 'An offline booking is either owed (pending) or paid.';
  end if;
  if p_payment_status = 'paid' and p_payment_method not in ('cash', 'bank_transfer', 'upi_direct') then
    raise exception using errcode = 'NK422', message = 'payment_method_required', hint = 'field:payment_method',
      detail = 'Say how it was paid: cash, bank_transfer or upi_direct.';
  end if;
  if v_client is null then
    insert into app.clients (consultant_id, name, email, phone_encrypted, phone_hash)
    values (v_consultant, btrim(p_client_name), lower(btrim(p_client_email)), p_client_phone_encrypted, p_client_phone_hash)
    on conflict (consultant_id, email) do update set name = excluded.name, is_active = true
    returning id into v_client;
  elsif not exists (select 1 from app.clients where id = v_client and consultant_id = v_consultant) then
    raise exception using errcode = 'NK404', message = 'client_not_found', detail = 'No such client.', hint = 'field:client_id';
  end if;
  if p_slot_id is not null then
    perform app_private.abandon_expired_holds(v_consultant);
    select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = v_consultant for update;
    if v_slot.id is null then
      raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot.', hint = 'field:slot_id';
    end if;
    if v_slot.booked_count >= v_slot.capacity then
      raise exception using errcode = 'NK409', message = 'slot_full', detail = 'That slot is full.', hint = 'field:slot_id';
    end if;
    v_type := v_slot.session_type;
    v_start := v_slot.starts_at;
    v_end := v_slot.ends_at;
  elsif v_type is null or v_start is null or v_end is null then
    raise exception using errcode = 'NK422', message = 'time_required', hint = 'field:starts_at',
      detail = 'Give a slot_id, or a session_type with starts_at and ends_at.';
  end if;
  perform app_private.check_session_start(v_start);
  v_amount := coalesce(p_amount, case v_type when 'personal' then v_c.personal_session_price else v_c.webinar_session_price end);
  insert into app.sessions (consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, buffer_minutes,
                            amount, currency, status, payment_status, payment_method, confirmed_at, meeting_platform,
                            meeting_link, notes, booked_via, is_repeat_client)
  values (v_consultant, v_client, v_slot.id, v_type,
          case v_type when 'personal' then coalesce(v_c.personal_session_title, 'One-to-one session') else coalesce(v_c.webinar_session_title, 'Webinar') end,
          v_start, v_end, v_c.buffer_minutes, v_amount, v_c.currency, 'confirmed',
          case when v_amount = 0 then 'not_required' else p_payment_status end,
          case when p_payment_status = 'paid' then p_payment_method end, now(), v_c.default_meeting_platform,
          case v_c.default_meeting_platform when 'zoom' then v_c.zoom_link when 'meet' then v_c.meet_link else v_c.teams_link end,
          nullif(btrim(p_notes), ''), 'consultant',
          exists (select 1 from app.sessions s where s.consultant_id = v_consultant and s.client_id = v_client
                    and s.status in ('confirmed', 'completed', 'no_show')))
  returning * into v_s;
  if p_payment_status = 'paid' and v_amount > 0 then
    -- Money received offline is revenue like any other: one completed payment row.
    insert into app.payment_transactions (consultant_id, purpose, session_id, client_id, amount, currency, gateway,
                                          payment_method, status, paid_at)
    values (v_consultant, 'session', v_s.id, v_client, v_amount, v_c.currency, p_payment_method, p_payment_method,
            'completed', now());
  end if;
  -- The client gets the confirmation with its calendar invitation, as for a booking they made themselves
  -- (one entered just after it started, within the grace, is only a record: nobody is mailed about it).
  if v_s.starts_at > now() then
    perform app_private.queue_session_emails(v_s, 'confirmed');
  end if;
  return api.session_json(v_s);
end;
$$;
comment on function api.create_session is 'The consultant books an offline client (confirmed at once; owed or paid offline), starting from 10 minutes ago up to 2 years ahead (app_private.check_session_start). Definer: writes a session''s times, status and payment, which no web role may write directly (the overlap and seat rules hold only through it).';

create or replace function app_private.cancel_for_client(p_s app.sessions, p_by text, p_reason text,
                                                         p_default_reason text, p_refund_initiated_by text)
returns app.sessions
language plpgsql volatile
set search_path = ''
as $$
declare
  v_s app.sessions;
  v_refund numeric(10, 2);
begin
  -- The one way a session is called off on the client's behalf (by the consultant, or by an admin suspending
  -- them): cancelled, everything the client paid refunded (the refund job sends it back), the client told.
  update app.sessions set status = 'cancelled', cancelled_by = p_by, cancellation_reason = nullif(btrim(p_reason), '')
  where id = p_s.id returning * into v_s;
  v_refund := app_private.refund_for_cancellation(v_s, 100, coalesce(nullif(btrim(p_reason), ''), p_default_reason),
                                                  p_refund_initiated_by);
  perform app_private.queue_session_emails(v_s, 'cancelled_for_client', jsonb_build_object('refund_amount', v_refund::text));
  select * into v_s from app.sessions where id = v_s.id;
  return v_s;
end;
$$;
comment on function app_private.cancel_for_client is 'Cancel a session the client did not call off: full refund through the refund job, the client emailed.';

create or replace function api.set_session_status(p_session_id uuid, p_to text, p_reason text default null)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_s app.sessions := app_private.caller_session(p_session_id);
begin
  -- The consultant's status actions; the trigger holds the lifecycle, this adds the conditions of each
  -- (and refuses a no-op: cancelling a cancelled session is not a success).
  if v_s.status = p_to then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('The session is already %s.', p_to);
  end if;
  if p_to in ('completed', 'no_show') and v_s.starts_at > now() then
    raise exception using errcode = 'NK409', message = 'session_not_started',
      detail = 'A session can be marked completed or no-show only after it starts.';
  end if;
  if p_to = 'confirmed' and v_s.status = 'pending' and v_s.payment_status not in ('paid', 'not_required') then
    raise exception using errcode = 'NK409', message = 'payment_required',
      detail = 'This booking is not paid yet; it confirms when the payment arrives.';
  end if;
  if p_to = 'cancelled' then
    v_s := app_private.cancel_for_client(v_s, 'consultant', p_reason, 'Cancelled by the consultant', 'consultant');
  else
    update app.sessions set status = p_to where id = v_s.id returning * into v_s;
  end if;
  return api.session_json(v_s);
end;
$$;
comment on function api.set_session_status is 'Confirm, complete, mark no-show or cancel one of the caller''s sessions (the lifecycle trigger decides what is allowed). Definer: changes a session''s status and refunds it, which no web role may write directly.';

create or replace function api.reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamptz,
                                                  p_ends_at timestamptz)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_s app.sessions := app_private.caller_session(p_session_id);
  v_slot app.availability_slots;
  v_old_start timestamptz;
begin
  v_old_start := v_s.starts_at;
  if v_s.status not in ('pending', 'confirmed') then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s session cannot be moved.', v_s.status);
  end if;
  if p_slot_id is not null then
    select * into v_slot from app.availability_slots
    where id = p_slot_id and consultant_id = v_s.consultant_id for update;
    if v_slot.id is null or v_slot.session_type <> v_s.session_type then
      raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot for this session.',
        hint = 'field:slot_id';
    end if;
    if v_slot.booked_count >= v_slot.capacity then
      raise exception using errcode = 'NK409', message = 'slot_full', detail = 'That slot is full.', hint = 'field:slot_id';
    end if;
    perform app_private.check_session_start(v_slot.starts_at);
    update app.sessions set slot_id = v_slot.id, starts_at = v_slot.starts_at, ends_at = v_slot.ends_at,
      reschedule_count = reschedule_count + 1
    where id = v_s.id returning * into v_s;
  elsif p_starts_at is not null and p_ends_at is not null then
    perform app_private.check_session_start(p_starts_at);
    update app.sessions set slot_id = null, starts_at = p_starts_at, ends_at = p_ends_at,
      reschedule_count = reschedule_count + 1
    where id = v_s.id returning * into v_s;
  else
    raise exception using errcode = 'NK422', message = 'time_required', hint = 'field:slot_id',
      detail = 'Give a slot_id, or starts_at and ends_at.';
  end if;
  -- The client hears of the new time (its reminder moves with it: see app.schedule_session_reminder).
  if v_s.status = 'confirmed' then
    perform app_private.queue_session_emails(v_s, 'rescheduled', jsonb_build_object('previous_starts_at', v_old_start));
  end if;
  return api.session_json(v_s);
end;
$$;
comment on function api.reschedule_session is 'The consultant moves a session to a slot or an ad-hoc time from 10 minutes ago up to 2 years ahead, atomically (the exclusion constraint checks it). Definer: moves a session''s times, which no web role may write directly (seats, overlap, reminders follow).';

create or replace function api.session_calendar(p_from timestamptz, p_to timestamptz, p_month text default null)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_reader();
  v_tz text;
begin
  select timezone into v_tz from app.consultants where id = v_consultant;
  if p_month is not null then
    -- A month is the consultant's local month.
    p_from := (to_date(p_month, 'YYYY-MM')::timestamp at time zone v_tz);
    p_to := ((to_date(p_month, 'YYYY-MM') + interval '1 month')::timestamp at time zone v_tz);
  end if;
  -- Per local day: the sessions and the slots still free, for a month view.
  return jsonb_build_object('timezone', v_tz, 'days', coalesce((
    select jsonb_agg(jsonb_build_object('date', d.day, 'sessions', d.sessions, 'free_slots', d.free_slots) order by d.day)
    from (
      select day,
             coalesce((select jsonb_agg(api.session_json(s) order by s.starts_at) from app.sessions s
                       where s.consultant_id = v_consultant and (s.starts_at at time zone v_tz)::date = day
                         and s.status in ('pending', 'confirmed', 'completed', 'no_show')), '[]') as sessions,
             coalesce((select jsonb_agg(jsonb_build_object('id', sl.id, 'session_type', sl.session_type,
                         'starts_at', sl.starts_at, 'ends_at', sl.ends_at, 'remaining', sl.capacity - sl.booked_count)
                         order by sl.starts_at) from app.availability_slots sl
                       where sl.consultant_id = v_consultant and sl.date = day and sl.booked_count < sl.capacity
                         and sl.is_available and sl.starts_at > now()), '[]') as free_slots
      from generate_series((p_from at time zone v_tz)::date, ((p_to at time zone v_tz) - interval '1 microsecond')::date,
                           interval '1 day') as g(day_ts)
      cross join lateral (select g.day_ts::date as day) dd
    ) d), '[]'));
end;
$$;
comment on function api.session_calendar is 'The caller''s sessions and free slots per local day between two instants.';

grant execute on function api.money(numeric) to nakksha_app, nakksha_admin, nakksha_worker;
grant execute on function api.like_pattern(text), api.not_found(text), api.require_approved(), api.require_reader(),
  api.session_json(app.sessions), api.update_session(uuid, jsonb),
  api.create_session(uuid, text, text, bytea, bytea, uuid, text, timestamptz, timestamptz, numeric, text, text, text),
  api.set_session_status(uuid, text, text), api.reschedule_session(uuid, uuid, timestamptz, timestamptz),
  api.session_calendar(timestamptz, timestamptz, text) to nakksha_app;
grant execute on function api.like_pattern(text) to nakksha_admin;  -- the admins' consultant search, from psql too

-- Test: pytest tests/http/test_sessions.py
