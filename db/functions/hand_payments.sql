-- db/functions/hand_payments.sql — an admin records that the platform paid a consultant by hand (a bank transfer outside Razorpay) for a transfer Route could not make: the rules, the ledger move and the audit row.
-- A flagged (failed) transfer's payment still owes the consultant what its ledger holds in `due`. The admin pays it
-- from the platform's bank account and records the amount (at most what is due; by default all of it), the bank's
-- reference (UTR) and the day paid. Security invoker: it runs as nakksha_app_admin under that role's insert
-- policies on app.hand_payments, app.ledger_entries and app.admin_audit_log (migration 20261212020000), which let
-- in only what one recorded hand payment calls for.

create or replace function api.admin_record_hand_payment(p_transfer_id uuid, p_amount numeric, p_reference text,
                                                         p_paid_on date, p_note text default null)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_admin uuid := app.current_admin_id();
  v_ref text := upper(regexp_replace(coalesce(p_reference, ''), '\s', '', 'g'));
  v_note text := nullif(btrim(coalesce(p_note, '')), '');
  v_today date := (now() at time zone 'Asia/Kolkata')::date;
  v_t app.route_transfers;
  v_h app.hand_payments;
  v_due numeric;
  v_amount numeric;
begin
  perform api.require_admin();
  -- The policies name the acting admin: a database login acting as nobody records no hand payment.
  if v_admin is null then
    raise exception using errcode = 'NK403', message = 'forbidden', detail = 'Only a signed-in admin may do this.';
  end if;
  if v_ref !~ '^[A-Z0-9][A-Z0-9/-]{3,39}$' then
    raise exception using errcode = 'NK422', message = 'invalid_reference', hint = 'field:reference',
      detail = 'Give the bank''s reference (UTR): 4 to 40 letters, digits, - or /.';
  end if;
  if p_paid_on is null or p_paid_on > v_today then
    raise exception using errcode = 'NK422', message = 'paid_on_in_future', hint = 'field:paid_on',
      detail = 'The day it was paid cannot be after today (India).';
  end if;
  if p_paid_on < date '2024-01-01' then
    raise exception using errcode = 'NK422', message = 'invalid_paid_on', hint = 'field:paid_on',
      detail = 'The day it was paid is implausibly early.';
  end if;
  if p_amount is not null and (p_amount <= 0 or p_amount <> round(p_amount, 2)) then
    raise exception using errcode = 'NK422', message = 'invalid_amount', hint = 'field:amount',
      detail = 'The amount is positive, in rupees and paise.';
  end if;
  if char_length(v_note) > 500 then
    raise exception using errcode = 'NK422', message = 'note_too_long', hint = 'field:note',
      detail = 'The note is at most 500 characters.';
  end if;
  select * into v_t from app.route_transfers where id = p_transfer_id;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such transfer.';
  end if;
  if v_t.status <> 'failed' then
    raise exception using errcode = 'NK409', message = 'not_flagged',
      detail = 'Only a transfer that could not be made is paid by hand; this one went through Razorpay.';
  end if;
  -- One consultant's hand payments one at a time (a double submit, two admins at once): the second sees the first.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('hand_payment:' || v_t.consultant_id::text, 0));
  select * into v_h from app.hand_payments h where h.consultant_id = v_t.consultant_id and h.reference = v_ref;
  if v_h.id is not null then
    -- The same payment submitted again is the one recorded; the reference on anything else is a mistake.
    if v_h.transfer_id = v_t.id and v_h.paid_on = p_paid_on and (p_amount is null or p_amount = v_h.amount) then
      return api.hand_payment_json(v_h, true);
    end if;
    raise exception using errcode = 'NK409', message = 'duplicate_reference', hint = 'field:reference',
      detail = format('The reference %s is already recorded for this consultant (%s on %s).', v_ref,
                      v_h.amount, to_char(v_h.paid_on, 'DD Mon YYYY'));
  end if;
  select coalesce(sum(e.amount), 0) into v_due from app.ledger_entries e
  where e.payment_id = v_t.payment_id and e.bucket = 'due';
  if v_due <= 0 then
    raise exception using errcode = 'NK409', message = 'nothing_due',
      detail = 'Nothing of this payment is due to the consultant any more.';
  end if;
  v_amount := coalesce(p_amount, v_due);
  if v_amount > v_due then
    raise exception using errcode = 'NK422', message = 'amount_exceeds_due', hint = 'field:amount',
      detail = format('At most %s of this payment is due to the consultant.', to_char(v_due, 'FM999999990.00'));
  end if;
  insert into app.hand_payments (consultant_id, transfer_id, payment_id, amount, reference, paid_on, note, recorded_by)
  values (v_t.consultant_id, v_t.id, v_t.payment_id, v_amount, v_ref, p_paid_on, v_note, v_admin)
  returning * into v_h;
  -- Recorded now (a month's statement never changes once over); the day paid is the hand payment's own.
  insert into app.ledger_entries (consultant_id, kind, bucket, amount, payment_id, transfer_id, hand_payment_id,
                                  occurred_at)
  values (v_h.consultant_id, 'hand_payment', 'due', -v_h.amount, v_h.payment_id, v_h.transfer_id, v_h.id, v_h.created_at),
         (v_h.consultant_id, 'hand_payment', 'settled', v_h.amount, v_h.payment_id, v_h.transfer_id, v_h.id,
          v_h.created_at);
  insert into app.admin_audit_log (admin_id, action, target_type, target_id, details)
  values (v_admin, 'payout.hand_payment', 'hand_payment', v_h.id,
          jsonb_build_object('consultant_id', v_h.consultant_id, 'transfer_id', v_h.transfer_id,
                             'payment_id', v_h.payment_id, 'amount', api.money(v_h.amount), 'reference', v_h.reference,
                             'paid_on', v_h.paid_on, 'due_before', api.money(v_due)));
  return api.hand_payment_json(v_h, false);
end;
$$;
comment on function api.admin_record_hand_payment(uuid, numeric, text, date, text) is 'Admins: record that the platform paid a consultant by hand (bank transfer, reference, day) for a transfer that could not be made; at most what the payment still owes them (all of it by default); moves it from due to settled in the ledger and audits it. The same submission again answers the one recorded (replayed).';

create or replace function api.hand_payment_json(p_h app.hand_payments, p_replayed boolean)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('id', p_h.id, 'transfer_id', p_h.transfer_id, 'consultant_id', p_h.consultant_id,
    'payment_id', p_h.payment_id, 'amount', api.money(p_h.amount), 'reference', p_h.reference,
    'paid_on', p_h.paid_on, 'note', p_h.note, 'recorded_by', p_h.recorded_by, 'created_at', p_h.created_at,
    'still_due', api.money(coalesce((select sum(e.amount) from app.ledger_entries e
                                     where e.payment_id = p_h.payment_id and e.bucket = 'due'), 0)),
    'replayed', p_replayed)
$$;
comment on function api.hand_payment_json(app.hand_payments, boolean) is 'A recorded hand payment as the admin API answers it, with what its payment still owes.';

grant execute on function api.admin_record_hand_payment(uuid, numeric, text, date, text),
  api.hand_payment_json(app.hand_payments, boolean) to nakksha_app;

-- Test: pytest tests/db/test_hand_payments.py tests/http/test_hand_payments.py
