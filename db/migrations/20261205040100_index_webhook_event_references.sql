-- db/migrations/20261205040100_index_webhook_event_references.sql — find the gateways' reports about one client's payments and mail without reading them all.

-- migrate:up
-- Razorpay's payment events carry the payer's email and phone, Resend's the recipient's address. Anonymising a
-- client (api.anonymise_client) rewrites the reports about their orders, payments and mail; these indexes find
-- them by the ids the reports carry, so erasure does not scan every webhook ever received.
create index webhook_events_payment_order_idx on app.webhook_events ((payload #>> '{payload,payment,entity,order_id}'))
  where provider <> 'resend';
create index webhook_events_refund_payment_idx on app.webhook_events ((payload #>> '{payload,refund,entity,payment_id}'))
  where provider <> 'resend';
create index webhook_events_email_idx on app.webhook_events ((payload #>> '{data,email_id}'))
  where provider = 'resend';

-- migrate:down
drop index app.webhook_events_email_idx;
drop index app.webhook_events_refund_payment_idx;
drop index app.webhook_events_payment_order_idx;

-- Test: pytest tests/http/test_anonymise.py tests/meta/test_migrations.py
