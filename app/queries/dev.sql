-- app/queries/dev.sql — development pages (served only when NAKKSHA_ENV is development or test).

-- name: dev_outbox_list(limit)
-- The local email outbox, newest first.
select * from dev.outbox_list(:limit);

-- name: dev_outbox_message(id)^
-- One message of the local outbox.
select * from dev.outbox_message(:id);

-- name: dev_outbox_attachment(id, index)^
-- One attachment of a local outbox message, decoded, by its 0-based position.
select * from dev.outbox_attachment(:id, :index);

-- The local payment gateway (schema dev, db/dev/local_gateway.sql).

-- name: local_gateway_create_order(id, amount_paise, currency, receipt, notes)$
-- Local gateway: an order.
select dev.local_gateway_create_order(:id, :amount_paise, :currency, :receipt, :notes);

-- name: local_gateway_checkout(order_id)$
-- Local gateway: the checkout page's order.
select dev.local_gateway_checkout(:order_id);

-- name: local_gateway_pay(order_id, payment_id, outcome, method)$
-- Local gateway: pay (or fail to pay) an order.
select dev.local_gateway_pay(:order_id, :payment_id, :outcome, :method);

-- name: local_gateway_payment(payment_id)$
-- Local gateway: a payment.
select dev.local_gateway_payment(:payment_id);

-- name: local_gateway_order_payments(order_id)$
-- Local gateway: an order's payments.
select dev.local_gateway_order_payments(:order_id);

-- name: local_gateway_refund(payment_id, refund_id, amount_paise, idempotency_key, notes)$
-- Local gateway: refund a payment (idempotent by key).
select dev.local_gateway_refund(:payment_id, :refund_id, :amount_paise, :idempotency_key, :notes);

-- name: local_gateway_fetch_refund(refund_id)$
-- Local gateway: a refund.
select dev.local_gateway_fetch_refund(:refund_id);

-- Test: pytest tests/http/test_dev_outbox.py tests/jobs/test_outbox.py tests/http/test_payments_local.py
