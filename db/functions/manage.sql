-- db/functions/manage.sql — the client's manage link: their booking, cancelling within the consultant's refund ladder, moving it to another free slot.

-- The client's manage link -------------------------------------------------------------------------------

create or replace function app_private.refund_percent(p_c app.consultants, p_starts_at timestamptz)
returns integer
language sql stable
set search_path = ''
as $$
  -- The first step of the ladder whose notice the cancellation still gives (steps go from most hours to fewest).
  select coalesce((select (step->>'percent')::integer
                   from jsonb_array_elements(coalesce(p_c.cancellation_policy->'refund_ladder', '[]')) as step
                   where p_starts_at - now() >= make_interval(hours => (step->>'min_hours_before')::integer)
                   order by (step->>'min_hours_before')::integer desc limit 1), 0)
$$;
comment on function app_private.refund_percent is 'The refund percentage the consultant''s ladder gives for cancelling now.';

create or replace function app_private.managed_session(p_token_hash bytea)
returns app.sessions
language plpgsql volatile
set search_path = ''
as $$
declare
  v_s app.sessions;
begin
  select * into v_s from app.sessions where manage_token_hash = p_token_hash for update;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'This booking link is not valid.';
  end if;
  return v_s;
end;
$$;
comment on function app_private.managed_session is 'The session behind a manage link (locked), or NK404.';

create or replace function app_private.manage_view(p_s app.sessions)
returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_c app.consultants;
  v_cutoff integer;
  v_paid numeric(10, 2);
  v_due numeric(10, 2);
  v_percent integer;
begin
  select * into v_c from app.consultants where id = p_s.consultant_id;
  v_cutoff := coalesce((v_c.cancellation_policy->>'client_cutoff_hours')::integer, 0);
  v_percent := app_private.refund_percent(v_c, p_s.starts_at);
  v_paid := case when p_s.payment_status in ('paid', 'partially_refunded') then p_s.amount else 0 end;
  v_due := app_private.cancellation_refund_due(p_s, v_percent);  -- an earlier partial refund counts
  return app_private.booking_json(p_s) || jsonb_build_object(
    'can_cancel', p_s.status in ('pending', 'confirmed') and p_s.starts_at - now() >= make_interval(hours => v_cutoff),
    'can_reschedule', p_s.status = 'confirmed' and p_s.starts_at - now() >= make_interval(hours => v_cutoff)
                      and p_s.reschedule_count < coalesce((v_c.cancellation_policy->>'max_reschedules')::integer, 0),
    'cancellation_cutoff_hours', v_cutoff,
    'refund_if_cancelled_now', jsonb_build_object('percent', case when v_paid > 0 then v_percent else 0 end,
      'amount', api.money(v_due)),
    -- The zone the client booked in (their times come first on the page), and every refund of the booking's
    -- payment with its state: a cancelled page shows "being refunded" at once, before the gateway answers.
    'client_timezone', p_s.client_timezone,
    'refunds', coalesce((select jsonb_agg(jsonb_build_object('amount', api.money(r.amount), 'status', r.status,
                                                             'created_at', r.created_at) order by r.created_at)
                         from app.payment_refunds r join app.payment_transactions t on t.id = r.transaction_id
                         where t.session_id = p_s.id), '[]'::jsonb),
    -- The GST documents issued to the client for it (invoice or receipt, credit notes), as issued.
    'documents', app_private.client_documents(p_s.id, null));
end;
$$;
comment on function app_private.manage_view is 'What the client''s manage page shows: the booking, what they may do, the refund due now.';

create or replace function api.public_booking(p_token_hash bytea)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  return app_private.manage_view(app_private.managed_session(p_token_hash));
end;
$$;
comment on function api.public_booking is 'The client''s view of their booking through the manage link. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.public_cancel_booking(p_token_hash bytea, p_reason text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_s app.sessions := app_private.managed_session(p_token_hash);
  v_view jsonb := app_private.manage_view(v_s);
  v_refund numeric(10, 2);
begin
  -- Within the consultant's cut-off only; the refund is the ladder's, stated in the answer.
  if not (v_view->>'can_cancel')::boolean then
    raise exception using errcode = 'NK409', message = case when v_s.status in ('pending', 'confirmed')
      then 'cancellation_window_closed' else 'invalid_transition' end,
      detail = case when v_s.status in ('pending', 'confirmed')
        then format('Bookings can be cancelled up to %s hours before they start.', v_view->>'cancellation_cutoff_hours')
        else format('A %s booking cannot be cancelled.', v_s.status) end;
  end if;
  update app.sessions set status = 'cancelled', cancelled_by = 'client', cancellation_reason = nullif(btrim(p_reason), '')
  where id = v_s.id returning * into v_s;
  -- The ladder's share of what was paid goes back (a job through the gateway); the consultant is told.
  v_refund := app_private.refund_for_cancellation(v_s, (v_view->'refund_if_cancelled_now'->>'percent')::integer,
                'Cancelled by the client', 'client_policy');
  perform app_private.queue_session_emails(v_s, 'cancelled_by_client', jsonb_build_object('refund_amount', v_refund::text));
  select * into v_s from app.sessions where id = v_s.id;
  -- What was refunded, not what the page said a moment before (a refund may have been made in between).
  return app_private.booking_json(v_s) || jsonb_build_object('refund_due', jsonb_build_object(
    'percent', v_view->'refund_if_cancelled_now'->'percent', 'amount', api.money(v_refund)));
end;
$$;
comment on function api.public_cancel_booking is 'The client cancels through the manage link, within policy; answers the refund due. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_s app.sessions := app_private.managed_session(p_token_hash);
  v_view jsonb := app_private.manage_view(v_s);
  v_c app.consultants;
  v_slot app.availability_slots;
  v_wait integer;
begin
  if not (v_view->>'can_reschedule')::boolean then
    raise exception using errcode = 'NK409', message = 'reschedule_not_allowed',
      detail = 'This booking cannot be moved any more (too close to its start, not confirmed, or moved too often).';
  end if;
  select * into v_c from app.consultants where id = v_s.consultant_id;
  perform app_private.abandon_expired_holds(v_c.id);
  select * into v_slot from app.availability_slots
  where id = p_slot_id and consultant_id = v_s.consultant_id for update;
  if v_slot.id is null or v_slot.session_type <> v_s.session_type then
    raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot for this booking.',
      hint = 'field:slot_id';
  end if;
  if v_slot.id = v_s.slot_id or not app_private.slot_is_free(v_c, v_slot, v_s.id) then
    raise exception using errcode = 'NK409', message = 'slot_taken', detail = 'That time is not available.',
      hint = 'field:slot_id';
  end if;
  -- Whoever holds the link (the 201 answer carried it) mails the client's address with each move: a move counts
  -- against that mailbox's mails of the day like a free booking's confirmation, and is refused past it.
  v_wait := app_private.count_recipient_mail((select cl.email::text from app.clients cl where cl.id = v_s.client_id));
  if v_wait > 0 then
    perform app_private.too_many('rate_limited',
      'This booking''s email address has received the most booking emails allowed today; try again tomorrow.', v_wait);
  end if;
  -- One statement moves the booking: the old seat is released and the new one taken together, so it is
  -- never in two slots and never in none (the exclusion constraint checks the new time).
  update app.sessions set slot_id = v_slot.id, starts_at = v_slot.starts_at, ends_at = v_slot.ends_at,
    reschedule_count = reschedule_count + 1
  where id = v_s.id returning * into v_s;
  perform app_private.queue_session_emails(v_s, 'rescheduled_by_client',
    jsonb_build_object('previous_starts_at', (v_view->>'starts_at')::timestamptz));
  return app_private.manage_view(v_s);
end;
$$;
comment on function api.public_reschedule_booking is 'The client moves a confirmed booking to another free slot, atomically, within policy and the address''s mails of the day (NK429). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

grant execute on function api.public_booking(bytea), api.public_cancel_booking(bytea, text),
  api.public_reschedule_booking(bytea, uuid) to nakksha_app;

-- Test: pytest tests/http/test_booking.py tests/http/test_public_answers.py
