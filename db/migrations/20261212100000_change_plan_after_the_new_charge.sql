-- db/migrations/20261212100000_change_plan_after_the_new_charge.sql — a plan change cancels the paid subscription only once the new one is authorised: both may be live meanwhile (one awaiting authorisation, one paid).
-- From the outside review of issue 22: starting a change cancelled the paid plan at once, so an abandoned checkout
-- lost the consultant their plan at the period's end. Now the paid subscription stays as it is until the new one's
-- first fetch after authorisation (api.worker_record_subscription marks it replaced and queues its cancellation).
-- migrate:up
drop index app.subscriptions_one_live;
-- At most one authorised or paid live subscription, and at most one awaiting authorisation, per consultant (a
-- checkout withdrawn before authorisation — cancelled at Razorpay at once, `created` until its next fetch — no longer
-- counts).
create unique index subscriptions_one_live on app.subscriptions (consultant_id)
  where status not in ('created', 'cancelled', 'completed', 'expired') and replaced_at is null;
create unique index subscriptions_one_awaiting on app.subscriptions (consultant_id)
  where status = 'created' and replaced_at is null and cancel_requested_at is null;

-- migrate:down
drop index app.subscriptions_one_awaiting;
drop index app.subscriptions_one_live;
create unique index subscriptions_one_live on app.subscriptions (consultant_id)
  where status not in ('cancelled', 'completed', 'expired') and replaced_at is null;

-- Test: pytest tests/http/test_billing.py tests/db/test_billing.py
