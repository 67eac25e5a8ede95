-- app/queries/payments.sql — payments: verify, webhooks, refunds, the consultant's list, reconciliation, the local gateway (db/functions/payments.sql).

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
-- A verified webhook, once per event id.
select api.handle_payment_webhook(:provider, :event_id, :payload);

-- name: refund_payment(transaction_id, amount, reason)$
-- The consultant refunds a payment in full or in part.
select api.refund_payment(:transaction_id, :amount, :reason);

-- name: list_payments(status, from_, to_, page, per_page)$
-- The caller's payments.
select api.list_payments(:status, :from_, :to_, :page, :per_page);

-- name: get_payment(transaction_id)$
-- One of the caller's payments.
select api.get_payment(:transaction_id);

-- name: worker_claim_refund(refund_id)$
-- What a pending refund needs sent.
select api.worker_claim_refund(:refund_id);

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
