-- db/functions/payments.sql — money in: orders for bookings, confirming a captured payment (or recording its failure), the gateway's webhooks, the consultant's payments (refunds: refunds.sql; the worker's steps and reconciliation: reconciliation.sql).
-- Lock order everywhere: session, then payment, then refund (the refund triggers take the payment's lock
-- and update the session), so racing verify / webhook / cancel / refund paths wait instead of deadlocking.

create or replace function app_private.refundable(p_transaction_id uuid)
returns numeric
language sql stable
set search_path = ''
as $$
  select t.amount - coalesce((select sum(r.amount) from app.payment_refunds r
                              where r.transaction_id = t.id and r.status <> 'failed'), 0)
  from app.payment_transactions t where t.id = p_transaction_id
$$;
comment on function app_private.refundable is 'What can still be refunded of a payment: its amount less every refund not failed.';

create or replace function api.payment_json(p_t app.payment_transactions)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- Runs with the caller's rights (like api.session_json): the session, client and refunds come through RLS.
  select jsonb_build_object('id', p_t.id, 'purpose', p_t.purpose, 'status', p_t.status,
    'amount', api.money(p_t.amount), 'amount_paise', (p_t.amount * 100)::bigint, 'currency', p_t.currency,
    'amount_refunded', api.money(p_t.amount_refunded),
    'refundable', api.money(case when p_t.status in ('completed', 'partially_refunded')
                       then p_t.amount - coalesce((select sum(r.amount) from app.payment_refunds r
                                                   where r.transaction_id = p_t.id and r.status <> 'failed'), 0)
                       else 0 end),
    'gateway', p_t.gateway, 'gateway_order_id', p_t.gateway_order_id, 'gateway_payment_id', p_t.gateway_payment_id,
    'payment_method', p_t.payment_method, 'failure_reason', p_t.failure_reason, 'paid_at', p_t.paid_at,
    'duplicate', coalesce((p_t.metadata->>'duplicate')::boolean, false),
    'created_at', p_t.created_at, 'updated_at', p_t.updated_at,
    'session', (select jsonb_build_object('id', s.id, 'title', s.title, 'session_type', s.session_type,
                  'starts_at', s.starts_at, 'status', s.status, 'payment_status', s.payment_status)
                from app.sessions s where s.id = p_t.session_id),
    'client', (select jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email::text)
               from app.clients c where c.id = p_t.client_id),
    'refunds', coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'amount', api.money(r.amount), 'reason', r.reason,
                           'initiated_by', r.initiated_by, 'status', r.status, 'gateway_refund_id', r.gateway_refund_id,
                           'failure_reason', r.failure_reason, 'processed_at', r.processed_at, 'created_at', r.created_at)
                           order by r.created_at, r.id)
                         from app.payment_refunds r where r.transaction_id = p_t.id), '[]'))
$$;
comment on function api.payment_json is 'A payment as its consultant sees it: amounts, gateway ids, session, client and refunds.';

-- Orders and confirmation ------------------------------------------------------------------------------

create or replace function api.payment_order(p_gateway text, p_order_id text)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object('transaction_id', t.id, 'order_id', t.gateway_order_id, 'status', t.status,
                            'payment_id', t.gateway_payment_id, 'amount_paise', (t.amount * 100)::bigint)
  from app.payment_transactions t
  where t.gateway = p_gateway and t.gateway_order_id = p_order_id
$$;
comment on function api.payment_order is 'The order we stored (for checking a checkout signature against our own order id), or NULL. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

create or replace function app_private.confirm_payment(p_gateway text, p_order_id text, p_payment_id text,
                                                       p_amount_paise bigint, p_method text, p_source text)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_s app.sessions;
  v_dup app.payment_transactions;
  v_outcome text;
  v_free boolean;
  v_quotation_paid timestamptz;
begin
  select * into v_t from app.payment_transactions where gateway = p_gateway and gateway_order_id = p_order_id;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'order_not_found', detail = 'No such order.';
  end if;
  -- Session first, then the payment (see the top of this file). Verify, webhook and reconciliation all
  -- come through here; the second to arrive waits on these locks and then finds the work done.
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = v_t.id for update;

  if p_payment_id is null or p_amount_paise is null then
    raise exception using errcode = 'NK422', message = 'amount_mismatch',
      detail = 'A captured payment needs its id and amount.';
  end if;
  if v_t.gateway_payment_id = p_payment_id then
    return jsonb_build_object('outcome', 'already_confirmed', 'transaction_id', v_t.id, 'session_id', v_s.id,
                              'quotation_id', v_t.quotation_id);
  end if;
  if (v_t.amount * 100)::bigint is distinct from p_amount_paise then
    raise exception using errcode = 'NK422', message = 'amount_mismatch',
      detail = format('Payment of %s paise for an order of %s paise.', p_amount_paise, (v_t.amount * 100)::bigint);
  end if;

  if v_t.status in ('completed', 'partially_refunded', 'refunded') then
    -- A second captured payment on one order: keep it as its own record, and give it back in full.
    insert into app.payment_transactions (consultant_id, purpose, session_id, quotation_id, client_id, amount, currency,
      gateway, gateway_payment_id, payment_method, status, paid_at, metadata)
    values (v_t.consultant_id, v_t.purpose, v_t.session_id, v_t.quotation_id, v_t.client_id, v_t.amount, v_t.currency,
      v_t.gateway, p_payment_id, p_method, 'completed', now(),
      jsonb_build_object('duplicate', true, 'duplicate_of', v_t.id, 'order_id', p_order_id, 'source', p_source))
    on conflict (gateway, gateway_payment_id) do nothing
    returning * into v_dup;
    if v_dup.id is null then
      return jsonb_build_object('outcome', 'already_refunding', 'transaction_id', v_t.id, 'session_id', v_s.id);
    end if;
    perform app_private.create_refund(v_dup.id, v_dup.amount, 'Duplicate payment for one order', 'system');
    return jsonb_build_object('outcome', 'duplicate_refunded', 'transaction_id', v_dup.id, 'session_id', v_s.id);
  end if;

  if v_t.quotation_id is not null then
    -- Locked after the payment (accept only ever inserts payments, so no cycle): two orders of one accepted
    -- quotation (an order given up, then a fresh one) both paid must not both count.
    select paid_at into v_quotation_paid from app.quotations where id = v_t.quotation_id for update;
  end if;

  -- The money is ours now, whatever happens to the session.
  update app.payment_transactions set status = 'completed', gateway_payment_id = p_payment_id,
    payment_method = p_method, failure_reason = null,
    metadata = metadata || jsonb_build_object('confirmed_by', p_source)
  where id = v_t.id returning * into v_t;

  if v_t.session_id is null then
    if v_quotation_paid is not null then
      -- Paid already through another order: this one is a duplicate, given back in full.
      update app.payment_transactions set metadata = metadata || '{"duplicate": true}' where id = v_t.id
      returning * into v_t;
      perform app_private.create_refund(v_t.id, v_t.amount, 'Quotation already paid', 'system');
      return jsonb_build_object('outcome', 'duplicate_refunded', 'transaction_id', v_t.id,
                                'quotation_id', v_t.quotation_id);
    end if;
    -- An accepted quotation's payment: it is paid (the acceptance already holds; nothing to give back).
    update app.quotations set paid_at = coalesce(paid_at, now()) where id = v_t.quotation_id;
    -- The client's "quotation paid" mail with its GST document, as a booking's confirmation goes on capture.
    perform app_private.mail_quotation_paid(v_t.quotation_id, v_t.id);
    return jsonb_build_object('outcome', 'confirmed', 'transaction_id', v_t.id, 'quotation_id', v_t.quotation_id);
  end if;

  if v_s.status = 'pending' then
    -- Still held (even past its hold: nobody has taken the time, or the hold would have been abandoned).
    v_free := true;
  elsif v_s.status = 'abandoned' then
    -- Paid after the hold lapsed: honoured if its slot is still free, by the one definition the slot list and
    -- booking use (app_private.slot_is_free: notice, horizon, blocks, calendars, seats, occupancy). The exclusion
    -- constraint and the seat trigger still judge the update below; a refusal rolls back only this attempt.
    -- (A public booking always has its slot; none left means the consultant deleted it: not offered any more.)
    -- The slot must still be at the session's time (an abandoned booking holds no seat, so its slot may have
    -- been moved meanwhile), and other lapsed holds give their time back first, as at booking.
    perform app_private.abandon_expired_holds(v_s.consultant_id);
    v_free := exists (select 1 from app.availability_slots a
                      where a.id = v_s.slot_id and a.starts_at = v_s.starts_at and a.ends_at = v_s.ends_at)
      and app_private.slot_is_free((select c from app.consultants c where c.id = v_s.consultant_id),
                                   (select a from app.availability_slots a where a.id = v_s.slot_id), v_s.id);
  else
    v_free := false;  -- cancelled (by the client or the consultant) while the payment was in flight
  end if;

  if v_free then
    begin
      update app.sessions set status = 'confirmed', payment_status = 'paid', payment_method = p_method
      where id = v_s.id returning * into v_s;
    exception when exclusion_violation or check_violation then
      v_free := false;
    end;
  end if;

  if v_free then
    perform app_private.queue_session_emails(v_s, 'confirmed');
    v_outcome := 'confirmed';
  else
    -- Nothing to give for the money: cancel (if it is not already) and send all of it back. A session that
    -- is live on another payment keeps its status, and this payment counts as a duplicate for it.
    if v_s.status not in ('pending', 'abandoned', 'cancelled') then
      update app.payment_transactions set metadata = metadata || '{"duplicate": true}' where id = v_t.id
      returning * into v_t;
    end if;
    update app.sessions set payment_status = 'paid', payment_method = p_method,
      status = case when status in ('pending', 'abandoned') then 'cancelled' else status end,
      cancelled_by = case when status in ('pending', 'abandoned') then 'system' else cancelled_by end,
      cancellation_reason = case when status in ('pending', 'abandoned')
        then 'The time was taken before the payment arrived' else cancellation_reason end
    where id = v_s.id returning * into v_s;
    perform app_private.create_refund(v_t.id, v_t.amount,
      case when v_s.cancelled_by = 'system' then 'Paid after the hold expired and the time was taken'
           else 'Paid for a cancelled booking' end, 'system');
    perform app_private.queue_session_emails(v_s, 'cancelled_for_client',
      jsonb_build_object('refund_amount', v_t.amount::text));
    v_outcome := 'refunding';
  end if;
  return jsonb_build_object('outcome', v_outcome, 'transaction_id', v_t.id, 'session_id', v_s.id);
end;
$$;
comment on function app_private.confirm_payment is 'A captured payment: payment completed, session confirmed and mails queued, or (time taken, booking cancelled) refunded in full. Idempotent.';

create or replace function api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint,
                                               p_method text, p_source text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_result jsonb := app_private.confirm_payment(p_gateway, p_order_id, p_payment_id, p_amount_paise, p_method, p_source);
  v_s app.sessions;
begin
  select * into v_s from app.sessions where id = (v_result->>'session_id')::uuid;
  return v_result || jsonb_build_object('booking', case when v_s.id is not null then app_private.booking_json(v_s) end);
end;
$$;
comment on function api.confirm_payment is 'Verify and reconciliation: confirm a captured payment (see app_private.confirm_payment), answering the booking. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

create or replace function app_private.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text,
                                                              p_reason text)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_s app.sessions;
begin
  select * into v_t from app.payment_transactions where gateway = p_gateway and gateway_order_id = p_order_id;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'order_not_found', detail = 'No such order.';
  end if;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = v_t.id for update;
  -- A failed attempt does not end the order: the client may try again while the hold lasts. A failure
  -- reported after a success (events out of order) changes nothing.
  if v_t.status not in ('pending', 'failed') then
    return jsonb_build_object('outcome', 'ignored', 'transaction_id', v_t.id);
  end if;
  update app.payment_transactions set status = 'failed', failure_reason = left(coalesce(p_reason, 'Payment failed'), 500),
    metadata = metadata || jsonb_build_object('last_failed_payment_id', p_payment_id)
  where id = v_t.id;
  update app.sessions set payment_status = 'failed' where id = v_s.id and status = 'pending';
  return jsonb_build_object('outcome', 'failed', 'transaction_id', v_t.id);
end;
$$;
comment on function app_private.record_payment_failure is 'A failed payment attempt: noted on the order (which stays payable) and the pending booking.';

create or replace function api.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text)
returns jsonb
language sql volatile security definer
set search_path = ''
as $$ select app_private.record_payment_failure(p_gateway, p_order_id, p_payment_id, p_reason) $$;
comment on function api.record_payment_failure is 'Verify: the gateway says this payment failed. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

-- Webhooks ---------------------------------------------------------------------------------------------

create or replace function app_private.refund_from_gateway(p_gateway text, p_event text, p_refund jsonb)
returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  v_id uuid;
  v_t app.payment_transactions;
  v_status text := case p_event when 'refund.processed' then 'processed' when 'refund.failed' then 'failed' else 'pending' end;
  v_amount numeric(10, 2);
  v_pending uuid;
begin
  -- Ours carry their id in the notes (the webhook may beat the job that stores the gateway's id).
  if coalesce(p_refund->'notes'->>'refund_id', '') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select r.id into v_id from app.payment_refunds r join app.payment_transactions t on t.id = r.transaction_id
    where r.id = (p_refund->'notes'->>'refund_id')::uuid and t.gateway = p_gateway
      and t.gateway_payment_id = p_refund->>'payment_id';
  end if;
  if v_id is null then
    select r.id into v_id from app.payment_refunds r where r.gateway_refund_id = p_refund->>'id';
  end if;
  if v_id is not null then
    perform app_private.settle_refund(v_id, v_status, p_refund->>'id', p_refund->'error_description' #>> '{}');
    return 'refund_' || v_status;
  end if;
  -- A refund made at the gateway itself (the Razorpay dashboard): recorded, so the totals stay true.
  if v_status <> 'processed' then
    return 'ignored_unknown_refund';
  end if;
  select * into v_t from app.payment_transactions where gateway = p_gateway and gateway_payment_id = p_refund->>'payment_id';
  if v_t.id is null then
    return 'ignored_unknown_payment';
  end if;
  perform 1 from app.sessions where id = v_t.session_id for update;
  v_amount := ((p_refund->>'amount')::bigint / 100.0)::numeric(10, 2);
  -- That money has already gone back, so it is recorded even if our own pending refunds would then not
  -- fit: the gateway will refuse those, so they are failed here, newest first, until its refund fits.
  for v_pending in select r.id from app.payment_refunds r
                   where r.transaction_id = v_t.id and r.status = 'pending' order by r.created_at desc loop
    exit when app_private.refundable(v_t.id) >= v_amount;
    update app.payment_refunds set status = 'failed',
      failure_reason = 'Superseded by a refund made at the payment gateway' where id = v_pending;
  end loop;
  insert into app.payment_refunds (consultant_id, transaction_id, amount, reason, initiated_by, status, gateway_refund_id)
  values (v_t.consultant_id, v_t.id, v_amount, 'Refunded at the gateway', 'admin', 'processed', p_refund->>'id');
  return 'refund_recorded';
end;
$$;
comment on function app_private.refund_from_gateway is 'A refund event from the gateway: settles ours, records one made at the gateway directly.';

create or replace function api.handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_event text := p_payload->>'event';
  v_payment jsonb := p_payload #> '{payload,payment,entity}';
  v_outcome text;
  v_inserted uuid;
begin
  -- 1. Once per event id: a redelivery finds its row and is acknowledged without doing anything.
  insert into app.webhook_events (provider, event_id, event_type, payload)
  values (p_provider, p_event_id, coalesce(v_event, 'unknown'), p_payload)
  on conflict (provider, event_id) do nothing
  returning id into v_inserted;
  if v_inserted is null then
    return jsonb_build_object('outcome', 'duplicate');
  end if;

  -- 2. The event. Business refusals (an order we do not know, an amount that does not match) are
  --    recorded on the event and acknowledged: retrying them would not change the answer. Anything else
  --    (a deadlock, the database going away) rolls back with the event row, so the redelivery runs again.
  begin
    if v_event in ('payment.captured', 'order.paid') then
      if v_payment->>'status' = 'captured' then
        v_outcome := app_private.confirm_payment(p_provider, v_payment->>'order_id', v_payment->>'id',
                       (v_payment->>'amount')::bigint, v_payment->>'method', 'webhook')->>'outcome';
      else
        v_outcome := 'ignored_not_captured';
      end if;
    elsif v_event = 'payment.failed' then
      v_outcome := app_private.record_payment_failure(p_provider, v_payment->>'order_id', v_payment->>'id',
                     coalesce(v_payment->>'error_description', v_payment->>'error_code'))->>'outcome';
    elsif v_event in ('refund.processed', 'refund.failed', 'refund.created') then
      v_outcome := app_private.refund_from_gateway(p_provider, v_event, p_payload #> '{payload,refund,entity}');
    elsif v_event like 'product.route.%' or v_event like 'account.%' then
      -- A linked account's onboarding moved: its owner's status is fetched again (payout_accounts_worker.sql).
      v_outcome := app_private.payout_account_event(p_payload);
    elsif v_event like 'subscription.%' then
      -- A platform plan's subscription moved: it is fetched again (subscriptions_worker.sql), whatever the order.
      v_outcome := app_private.subscription_event(p_payload, p_event_id);
    else
      v_outcome := 'ignored_event';
    end if;
  exception when others then
    if sqlstate not like 'NK%' and sqlstate not in ('22P02', '22003', '23514') then
      raise;
    end if;
    v_outcome := 'rejected_' || sqlerrm;
  end;
  update app.webhook_events set processed_at = now(),
    processing_error = case when v_outcome like 'rejected_%' then v_outcome end
  where id = v_inserted;
  return jsonb_build_object('outcome', v_outcome);
end;
$$;
comment on function api.handle_payment_webhook is 'A verified payment webhook: recorded once by event id, then confirms, fails or settles refunds, in one transaction. Definer: a provider''s verified webhook: no caller, any tenant''s payment or email, recorded once per event.';

-- The consultant's payments: their list and detail are reads in app/queries/payments.sql.

grant execute on function api.payment_json(app.payment_transactions), api.payment_order(text, text),
  api.confirm_payment(text, text, text, bigint, text, text), api.record_payment_failure(text, text, text, text),
  api.handle_payment_webhook(text, text, jsonb) to nakksha_app;
grant execute on function api.confirm_payment(text, text, text, bigint, text, text) to nakksha_worker;

-- Test: pytest tests/db/test_payments.py tests/http/test_payments.py tests/jobs/test_payments_jobs.py
