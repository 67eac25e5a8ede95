-- app/queries/payments.sql — payments: verify, webhooks, refunds (db/functions/payments.sql), the consultant's list and detail (selects under the policies), reconciliation.

-- name: payment_order(gateway, order_id)$
-- The order we stored, to check a checkout signature against.
select api.payment_order(:gateway, :order_id);

-- name: confirm_payment(gateway, order_id, payment_id, amount_paise, method, source)$
-- A captured payment confirms its booking (or is refunded when the time is gone).
select api.confirm_payment(:gateway, :order_id, :payment_id, :amount_paise, :method, :source);

-- name: record_payment_failure(gateway, order_id, payment_id, reason)$
-- A failed payment attempt.
select api.record_payment_failure(:gateway, :order_id, :payment_id, :reason);

-- name: handle_payment_webhook(provider, event_id, payload)$
-- Razorpay's webhook: X-Razorpay-Signature over the raw body; once per X-Razorpay-Event-Id (payment.captured, order.paid, payment.failed, refund.processed, refund.failed).
select api.handle_payment_webhook(:provider, :event_id, :payload);

-- name: refund_payment(transaction_id, amount, reason, idempotency_key, request_sha256)$
-- Refund a payment in full (no amount) or in part, never more than is left. A full refund of a session still to come cancels it. Send an Idempotency-Key to retry safely: the same request again answers the first answer (Idempotent-Replayed: true) and refunds nothing more.
-- Answers {payment, replayed}.
select api.refund_payment(:transaction_id, :amount, :reason, :idempotency_key, :request_sha256);

-- name: list_payments(status, from_, to_, page, per_page)$
-- The consultant's payments with session, client and refunds: filter by status and creation time.
-- The policies keep it to the caller's payments, and to an approved consultant.
with me as materialized (select api.require_approved() as id),  -- 403 unless an approved consultant calls
p as (
  select :status::text as status, :from_::timestamptz as from_, :to_::timestamptz as to_, :page::integer as page,
         :per_page::integer as per_page
), matching as (
  select t as r, t.id, t.created_at, t.amount, t.amount_refunded, t.status
  from app.payment_transactions t, p
  where (p.status is null or t.status = p.status)
    and (p.from_ is null or t.created_at >= p.from_) and (p.to_ is null or t.created_at < p.to_)
), page as (
  select m.r, row_number() over (order by m.created_at desc, m.id) as ord from matching m
  order by ord
  limit (select per_page from p) offset (select (page - 1) * per_page from p)
)
select jsonb_build_object(
  'items', coalesce((select jsonb_agg(api.payment_json(pg.r) order by pg.ord) from page pg), '[]'),
  'total', (select count(*) from matching), 'page', p.page, 'per_page', p.per_page,
  'totals', (select jsonb_build_object(
    'received', api.money(coalesce(sum(amount) filter (where status in ('completed', 'partially_refunded', 'refunded')), 0)),
    'refunded', api.money(coalesce(sum(amount_refunded), 0)),
    'net', api.money(coalesce(sum(amount - amount_refunded) filter (where status in ('completed', 'partially_refunded', 'refunded')), 0)))
    from matching))
from p, me;

-- name: get_payment(transaction_id)$
-- One payment with its refunds and what can still be refunded.
with me as materialized (select api.require_approved() as id)
select coalesce((select api.payment_json(t) from app.payment_transactions t where t.id = :transaction_id),
                api.not_found('No such payment.'))
from me;

-- name: worker_claim_refund(refund_id)$
-- What a pending refund needs sent to the gateway, or nothing when it is settled.
select jsonb_build_object('refund_id', r.id, 'transaction_id', t.id, 'gateway', t.gateway,
  'payment_id', t.gateway_payment_id, 'amount_paise', (r.amount * 100)::bigint, 'idempotency_key', r.idempotency_key,
  'reason', r.reason, 'session_id', t.session_id, 'consultant_id', t.consultant_id)
from app.payment_refunds r join app.payment_transactions t on t.id = r.transaction_id
where r.id = :refund_id and r.status = 'pending';

-- name: worker_settle_refund(refund_id, status, gateway_refund_id, failure)$
-- The gateway's answer to a refund.
select api.worker_settle_refund(:refund_id, :status, :gateway_refund_id, :failure);

-- name: worker_note_refund_error(refund_id, error)!
-- The gateway could not be reached for a refund.
select api.worker_note_refund_error(:refund_id, :error);

-- name: reconcile_due_payments(limit_)
-- Claim unsettled orders to ask the gateway about.
select * from api.reconcile_due_payments(:limit_);

-- name: reconcile_give_up_order(transaction_id)$
-- Cancel an order nothing was captured on.
select api.reconcile_give_up_order(:transaction_id);

-- name: reconcile_due_refunds(limit_)
-- Re-queue stranded refunds; claim those pending at the gateway.
select * from api.reconcile_due_refunds(:limit_);
