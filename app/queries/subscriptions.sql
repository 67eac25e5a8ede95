-- app/queries/subscriptions.sql — platform plans billed with Razorpay Subscriptions: the consultant's checkout and cancel steps (db/functions/subscriptions.sql) and the subscription job's (db/functions/subscriptions_worker.sql).

-- name: subscription_checkout(plan, period, gateway)$
-- What starting a plan takes: its price for the period, the Razorpay plan made for it if any, and the live subscription.
select api.subscription_checkout(:plan, :period, :gateway);

-- name: record_gateway_plan(plan, period, amount, gateway, gateway_plan_id)$
-- Keep the Razorpay plan your checkout made for a plan, period and price (yours alone until the worker verified it);
-- answers the one your checkout uses.
select api.record_gateway_plan(:plan, :period, :amount, :gateway, :gateway_plan_id);

-- name: store_subscription(plan, period, amount, gateway, gateway_plan_id, gateway_subscription_id, short_url, replaces)$
-- Record the subscription Razorpay made (created), marking the live one it replaces.
select api.store_subscription(:plan, :period, :amount, :gateway, :gateway_plan_id, :gateway_subscription_id,
                              :short_url, :replaces);

-- name: my_subscription()$
-- Your live subscription to a platform plan, or null.
select api.my_subscription();

-- name: record_subscription_cancel(subscription_id)$
-- Record that your subscription was cancelled at Razorpay (at the end of the paid period when paid).
select api.record_subscription_cancel(:subscription_id);

-- name: worker_subscription(gateway_subscription_id)$
-- The subscription with this Razorpay id.
select api.worker_subscription(:gateway_subscription_id);

-- name: worker_record_subscription(gateway_subscription_id, state, invoices, source, event_id, fetched_at)$
-- Record one fetch of a subscription and its invoices: charges, paid period, status, history.
select api.worker_record_subscription(:gateway_subscription_id, :state, :invoices, :source, :event_id, :fetched_at);

-- name: worker_subscription_cancel_requested(gateway_subscription_id)!
-- Record that a replaced subscription's cancellation was asked of Razorpay.
select api.worker_subscription_cancel_requested(:gateway_subscription_id);

-- name: worker_subscriptions_due(limit)$
-- The live subscriptions due a fetch.
select api.worker_subscriptions_due(:limit);

-- name: worker_queue_plan_grace_mails(limit)$
-- Queue the failed renewals' grace-ending reminders and fall-back notices now due, at most limit of each.
select api.worker_queue_plan_grace_mails(:limit);

-- name: worker_gateway_plans_due(gateway, limit)$
-- The Razorpay plans recorded by checkouts that await their check at the gateway.
select api.worker_gateway_plans_due(:gateway, :limit);

-- name: worker_gateway_plan(id)$
-- One recorded Razorpay plan, as the check reads it.
select api.worker_gateway_plan(:id);

-- name: worker_record_gateway_plan(id, problem)$
-- Record a Razorpay plan's check: verified (shared) when nothing is wrong, else rejected with the problem.
select api.worker_record_gateway_plan(:id, :problem);

-- Test: pytest tests/http/test_billing.py tests/jobs/test_subscriptions_job.py
