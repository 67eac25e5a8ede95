-- db/migrations/20261211050000_create_payout_mismatches.sql — what the daily payouts reconciliation found where the ledger and Razorpay disagree, for an admin to settle; and the worker's reach to the bank details it now pays out to.
-- Issue 21: a job compares each Route transfer (amount, recipient, status, reversals, settlement) with what Razorpay
-- reports and with the ledger's own entries for it; each disagreement is a row here until a later run finds them
-- agreeing again (resolved_at) — listed on the admin system and payouts pages.

-- migrate:up
create table app.payout_mismatches (
  id bigint generated always as identity primary key,
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  transfer_id uuid not null references app.route_transfers (id) on delete restrict,
  kind text not null,
  ours jsonb not null,
  theirs jsonb,
  found_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  resolved_at timestamptz,
  constraint payout_mismatches_kind_valid check (kind in ('missing_at_razorpay', 'amount', 'recipient', 'status',
    'reversed', 'settlement', 'ledger'))
);
comment on table app.payout_mismatches is 'Disagreements the daily payouts reconciliation found between a Route transfer as recorded (and its ledger entries) and as Razorpay reports it; open until a run finds them agreeing.';
create unique index payout_mismatches_open on app.payout_mismatches (transfer_id, kind) where resolved_at is null;
create index payout_mismatches_consultant_idx on app.payout_mismatches (consultant_id);
alter table app.payout_mismatches enable row level security;
create policy admin_reads_payout_mismatches on app.payout_mismatches for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.payout_mismatches to nakksha_worker using (true) with check (true);
grant select on app.payout_mismatches to nakksha_app;
grant select, insert, update on app.payout_mismatches to nakksha_worker;

-- Razorpay's fee on each payment (GST on it included in fee, and also given apart as tax), from the payment
-- entity: the platform's cost of collecting, which its commission covers (docs/payments.md §4).
alter table app.payment_transactions add column gateway_fee numeric(12, 2), add column gateway_tax numeric(12, 2),
  add constraint payment_transactions_gateway_fee_range check (gateway_fee >= 0 and gateway_tax between 0 and gateway_fee);
comment on column app.payment_transactions.gateway_fee is 'Razorpay''s fee on the payment, GST included (payment.fee), learnt after capture; the platform''s cost.';
comment on column app.payment_transactions.gateway_tax is 'The GST in that fee (payment.tax): input tax credit for the platform.';
grant update (gateway_fee, gateway_tax) on app.payment_transactions to nakksha_worker;

-- Jobs pay out now (20261205130200 kept the bank details from the worker because none did): onboarding sends
-- them to Razorpay as the linked account's settlement account, and a deleted consultant's are erased by a job
-- once their money is settled (api.worker_erase_settled_bank_details).
grant select (bank_account_number_encrypted, ifsc_code_encrypted) on app.consultants to nakksha_worker;
grant update (bank_name, bank_account_number_encrypted, ifsc_code_encrypted) on app.consultants to nakksha_worker;

-- migrate:down
alter table app.payment_transactions drop column gateway_fee, drop column gateway_tax;
revoke update (bank_name, bank_account_number_encrypted, ifsc_code_encrypted) on app.consultants from nakksha_worker;
revoke select (bank_account_number_encrypted, ifsc_code_encrypted) on app.consultants from nakksha_worker;
drop table app.payout_mismatches;

-- Test: pytest tests/jobs/test_payout_reconciliation.py
