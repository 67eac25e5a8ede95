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

-- Route on the local gateway (schema dev, db/dev/local_route.sql; app/adapters/route.py's LocalRoute).

-- name: local_route_create_account(id, data)$
-- Local Route: a linked account.
select dev.local_route_create_account(:id, :data);

-- name: local_route_account(account_id)$
-- Local Route: fetch a linked account.
select dev.local_route_account(:account_id);

-- name: local_route_create_stakeholder(account_id, id, data)$
-- Local Route: a stakeholder of a linked account.
select dev.local_route_create_stakeholder(:account_id, :id, :data);

-- name: local_route_update_account(account_id, data)$
-- Local Route: update a linked account (db/dev/local_route_updates.sql).
select dev.local_route_update_account(:account_id, :data);

-- name: local_route_update_stakeholder(account_id, stakeholder_id, data)$
-- Local Route: update a stakeholder.
select dev.local_route_update_stakeholder(:account_id, :stakeholder_id, :data);

-- name: local_route_request_product(account_id, id, tnc_accepted)$
-- Local Route: request the route product.
select dev.local_route_request_product(:account_id, :id, :tnc_accepted);

-- name: local_route_update_product(account_id, product_id, settlements, tnc_accepted)$
-- Local Route: set the settlement bank account (activates the product when valid).
select dev.local_route_update_product(:account_id, :product_id, :settlements, :tnc_accepted);

-- name: local_route_product(account_id, product_id)$
-- Local Route: fetch a product configuration.
select dev.local_route_product(:account_id, :product_id);

-- name: local_route_set_status(account_id, status, requirements)$
-- Local Route (dev tools): set a route product's activation status as Razorpay's review would.
select dev.local_route_set_status(:account_id, :status, :requirements);

-- name: local_route_create_order(id, amount_paise, receipt, notes, transfers)$
-- Local Route: an order carrying transfers.
select dev.local_route_create_order(:id, :amount_paise, :receipt, :notes, :transfers);

-- name: local_route_transfer_from_payment(payment_id, transfers)$
-- Local Route: transfers from a captured payment.
select dev.local_route_transfer_from_payment(:payment_id, :transfers);

-- name: local_route_payment_transfers(payment_id)$
-- Local Route: a payment's transfers.
select dev.local_route_payment_transfers(:payment_id);

-- name: local_route_fetch_transfer(transfer_id, expand)$
-- Local Route: a transfer (a released one is settled first).
select dev.local_route_fetch_transfer(:transfer_id, :expand);

-- name: local_route_settle(transfer_id)$
-- Local Route (dev tools): settle a released transfer now.
select dev.local_route_settle(:transfer_id);

-- name: local_route_set_hold(transfer_id, on_hold, on_hold_until)$
-- Local Route: hold or release a transfer.
select dev.local_route_set_hold(:transfer_id, :on_hold, :on_hold_until);

-- name: local_route_reverse(transfer_id, id, amount_paise, notes)$
-- Local Route: reverse a transfer (no amount: the rest of it).
select dev.local_route_reverse(:transfer_id, :id, :amount_paise, :notes);

-- name: local_route_reversals(transfer_id)$
-- Local Route: a transfer's reversals.
select dev.local_route_reversals(:transfer_id);

-- name: local_route_refund(payment_id, refund_id, amount_paise, idempotency_key, notes)$
-- Local Route: refund with reverse_all (transfers reversed first).
select dev.local_route_refund(:payment_id, :refund_id, :amount_paise, :idempotency_key, :notes);

-- Subscriptions on the local gateway (schema dev, db/dev/local_subscriptions*.sql; LocalSubscriptions).

-- name: local_sub_create_plan(id, body)$
-- Local subscriptions: a plan.
select dev.local_sub_create_plan(:id, :body);

-- name: local_sub_plan(plan_id)$
-- Local subscriptions: fetch a plan.
select dev.local_sub_plan(:plan_id);

-- name: local_sub_create(id, body)$
-- Local subscriptions: a subscription.
select dev.local_sub_create(:id, :body);

-- name: local_sub_fetch(subscription_id)$
-- Local subscriptions: fetch a subscription.
select dev.local_sub_fetch(:subscription_id);

-- name: local_sub_cancel(subscription_id, at_cycle_end)$
-- Local subscriptions: cancel now or at the cycle's end.
select dev.local_sub_cancel(:subscription_id, :at_cycle_end);

-- name: local_sub_update(subscription_id, body)$
-- Local subscriptions: change the plan (refused when paid by UPI).
select dev.local_sub_update(:subscription_id, :body);

-- name: local_sub_pause(subscription_id)$
-- Local subscriptions: pause now.
select dev.local_sub_pause(:subscription_id);

-- name: local_sub_resume(subscription_id)$
-- Local subscriptions: resume now.
select dev.local_sub_resume(:subscription_id);

-- name: local_sub_authenticate(subscription_id, method)$
-- Local subscriptions: the customer authorises (the local stand-in for Checkout; queues the webhooks).
select dev.local_sub_authenticate(:subscription_id, :method);

-- name: local_sub_invoices(subscription_id)$
-- Local subscriptions: a subscription's invoices.
select dev.local_sub_invoices(:subscription_id);

-- Test: pytest tests/http/test_dev_outbox.py tests/jobs/test_outbox.py tests/http/test_payments_local.py tests/http/test_route_adapter.py tests/http/test_subscriptions_adapter.py
