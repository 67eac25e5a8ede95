-- db/functions/refunds.sql — refunds: what is left to refund, recording one (checked against the payment) and queueing its gateway call, the consultant's refund, and the refund a cancellation owes.
-- Lock order everywhere: session, then payment, then refund (payments.sql says why).

-- Refunds ----------------------------------------------------------------------------------------------

create or replace function app_private.create_refund(p_transaction_id uuid, p_amount numeric, p_reason text,
                                                     p_initiated_by text)
returns app.payment_refunds
language plpgsql volatile
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_r app.payment_refunds;
begin
  select * into v_t from app.payment_transactions where id = p_transaction_id;
  -- The guard trigger checks the payment can be refunded and that the amount fits, under the payment's lock.
  insert into app.payment_refunds (consultant_id, transaction_id, amount, reason, initiated_by)
  values (v_t.consultant_id, v_t.id, p_amount, nullif(btrim(p_reason), ''), p_initiated_by)
  returning * into v_r;
  if v_t.gateway in ('razorpay', 'local') then
    -- Money goes back through the gateway in a job (retried with backoff), never inside this transaction.
    perform app_private.defer_job('process_refund', jsonb_build_object('refund_id', v_r.id), 'payments',
                                  null, 'refund:' || v_r.id);
  else
    -- Cash, bank transfer or direct UPI: the consultant hands it back themselves; recording it is the refund.
    update app.payment_refunds set status = 'processed' where id = v_r.id returning * into v_r;
  end if;
  return v_r;
end;
$$;
comment on function app_private.create_refund is 'Record a refund (checked against what is left) and queue its gateway call; offline payments are refunded at once.';

create or replace function app_private.settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text,
                                                     p_failure text)
returns app.payment_refunds
language plpgsql volatile
set search_path = ''
as $$
declare
  v_r app.payment_refunds;
  v_t app.payment_transactions;
  v_s app.sessions;
begin
  select * into v_r from app.payment_refunds where id = p_refund_id;
  select * into v_t from app.payment_transactions where id = v_r.transaction_id;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_r from app.payment_refunds where id = p_refund_id for update;
  -- Settled already (a job that ran twice, a webhook after the job): nothing more to do.
  if v_r.status <> 'pending' then
    return v_r;
  end if;
  update app.payment_refunds set
    gateway_refund_id = coalesce(p_gateway_refund_id, gateway_refund_id),
    status = p_status,
    failure_reason = case when p_status = 'failed' then coalesce(p_failure, 'The gateway refused the refund.') end
  where id = v_r.id returning * into v_r;
  if p_status = 'processed' and v_s.id is not null then
    select * into v_s from app.sessions where id = v_s.id;
    perform app_private.queue_session_emails(v_s, 'refund_processed',
      jsonb_build_object('refund_amount', v_r.amount::text, 'refund_reason', v_r.reason));
  end if;
  return v_r;
end;
$$;
comment on function app_private.settle_refund is 'A refund''s outcome from the gateway (processed, failed, or still pending with its id); idempotent.';

create or replace function api.refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text,
                                              p_idempotency_key text default null,
                                              p_request_sha256 bytea default null)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_approved();
  v_t app.payment_transactions;
  v_s app.sessions;
  v_left numeric(10, 2);
  v_amount numeric(10, 2);
  v_replay jsonb;
  v_answer jsonb;
begin
  select * into v_t from app.payment_transactions where id = p_transaction_id and consultant_id = v_consultant;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such payment.';
  end if;
  -- An Idempotency-Key (the API's header, the dashboard's one-time confirm key) is claimed before anything is
  -- judged: the same request again answers the first answer (even once nothing is left to refund), another
  -- request with it is refused (NK422). The claim and the refund commit together, so a second request with the
  -- key waits on the first's claim and then replays it; a refused refund leaves no claim behind.
  if p_idempotency_key is not null then
    v_replay := app_private.claim_idempotency_key(v_consultant, 'refund_payment', p_idempotency_key,
                                                  p_request_sha256);
    if v_replay is not null then
      return jsonb_build_object('payment', v_replay->'response', 'replayed', true);
    end if;
  end if;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = v_t.id for update;
  if v_t.status not in ('completed', 'partially_refunded') then
    raise exception using errcode = 'NK409', message = 'payment_not_refundable',
      detail = format('A %s payment cannot be refunded.', v_t.status);
  end if;
  v_left := app_private.refundable(v_t.id);
  -- Checked before it lands in a numeric(10,2), which would round fractions of a paisa silently.
  if p_amount is not null and (p_amount <= 0 or p_amount <> round(p_amount, 2)) then
    raise exception using errcode = 'NK422', message = 'invalid_amount', hint = 'field:amount',
      detail = 'A refund is a positive amount in rupees and paise.';
  end if;
  v_amount := coalesce(p_amount, v_left);
  if v_amount <= 0 then
    raise exception using errcode = 'NK409', message = 'refund_exceeds_remaining', hint = 'field:amount',
      detail = 'Nothing is left to refund.';
  end if;
  if v_amount > v_left then
    raise exception using errcode = 'NK409', message = 'refund_exceeds_remaining', hint = 'field:amount',
      detail = format('At most %s can still be refunded.', v_left);
  end if;
  -- Giving all of it back for a session still to come means it will not happen: cancel it first (its
  -- slot is free again). A completed session keeps its status: that refund is goodwill.
  -- (v_left already counts pending refunds: refunding all of it means the whole payment is going back.)
  if v_s.id is not null and v_s.status = 'confirmed' and v_amount = v_left
     and not coalesce((v_t.metadata->>'duplicate')::boolean, false) then
    update app.sessions set status = 'cancelled', cancelled_by = 'consultant',
      cancellation_reason = coalesce(nullif(btrim(p_reason), ''), 'Refunded in full by the consultant')
    where id = v_s.id returning * into v_s;
    perform app_private.queue_session_emails(v_s, 'cancelled_for_client', jsonb_build_object('refund_amount', v_amount::text));
  end if;
  perform app_private.create_refund(v_t.id, v_amount, p_reason, 'consultant');
  select * into v_t from app.payment_transactions where id = v_t.id;
  v_answer := api.payment_json(v_t);
  if p_idempotency_key is not null then
    update app.idempotency_keys set response = v_answer, status_code = 201
    where consultant_id = v_consultant and scope = 'refund_payment' and key = p_idempotency_key;
  end if;
  return jsonb_build_object('payment', v_answer, 'replayed', false);
end;
$$;
comment on function api.refund_payment is 'The consultant refunds a payment, in full (amount omitted) or in part, never more than is left; with an Idempotency-Key, once ({payment, replayed}). Definer: records a refund against a payment (money columns no web role may write).';

create or replace function app_private.cancellation_refund_due(p_s app.sessions, p_percent integer)
returns numeric
language sql stable
set search_path = ''
as $$
  -- The one rule for what a cancellation gives back: the percentage of what the session's payment was, never
  -- more than is still refundable (an earlier partial refund counts), 0 when nothing was paid. The manage
  -- page's promise and the refund itself both come from here.
  select coalesce((
    select least(round(t.amount * p_percent / 100, 2), app_private.refundable(t.id))
    from app.payment_transactions t
    where t.session_id = p_s.id and t.status in ('completed', 'partially_refunded')
      and not coalesce((t.metadata->>'duplicate')::boolean, false)
    order by t.paid_at limit 1), 0)
$$;
comment on function app_private.cancellation_refund_due is 'What cancelling a session gives back now: its payment times the percentage, capped at what is still refundable.';

create or replace function app_private.refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text,
                                                               p_initiated_by text)
returns numeric
language plpgsql volatile
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_amount numeric(10, 2);
begin
  -- The payment that paid for the session (a duplicate payment is refunded on its own already).
  select * into v_t from app.payment_transactions
  where session_id = p_s.id and status in ('completed', 'partially_refunded')
    and not coalesce((metadata->>'duplicate')::boolean, false)
  order by paid_at limit 1 for update;
  if v_t.id is null then
    return 0;
  end if;
  v_amount := app_private.cancellation_refund_due(p_s, p_percent);  -- read with the payment locked
  if v_amount > 0 then
    perform app_private.create_refund(v_t.id, v_amount, p_reason, p_initiated_by);
  end if;
  return v_amount;
end;
$$;
comment on function app_private.refund_for_cancellation is 'Refund a cancelled session''s payment by a percentage (100 for the consultant, the ladder''s for the client).';

grant execute on function api.refund_payment(uuid, numeric, text, text, bytea) to nakksha_app;

-- Test: pytest tests/db/test_payments.py tests/http/test_payments.py tests/http/test_refund_idempotency.py
