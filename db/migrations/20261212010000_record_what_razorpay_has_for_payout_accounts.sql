-- db/migrations/20261212010000_record_what_razorpay_has_for_payout_accounts.sql — remember what Razorpay Route last accepted for each payout account, field by field, so a resubmission sends only what changed.
-- Issue 21 follow-up (docs/payments.md "Onboarding as built"): when Razorpay asks for corrections
-- (needs_clarification) the consultant fixes their legal name, PAN or address and submits again; the onboarding job
-- then PATCHes the linked account and its stakeholder with the fields that differ from what Razorpay last accepted.
-- razorpay_sent maps "account.legal_business_name", "stakeholder.kyc", "settlements"… to a keyed hash (HMAC with
-- the data key, never the value: PANs and bank numbers stay out of it) of the value sent, written by the worker
-- after each call Razorpay accepted.

-- migrate:up
alter table app.payout_accounts add column razorpay_sent jsonb not null default '{}',
  add constraint payout_accounts_razorpay_sent_object check (jsonb_typeof(razorpay_sent) = 'object');
comment on column app.payout_accounts.razorpay_sent is 'What Razorpay last accepted, per field ("account.<field>", "stakeholder.<field>", "settlements"): a keyed hash of the value sent, never the value.';

-- migrate:down
alter table app.payout_accounts drop column razorpay_sent;

-- Test: pytest tests/jobs/test_route_corrections.py tests/meta/test_migrations.py
