-- db/migrations/20261212020000_record_hand_payments.sql — payments an admin made to a consultant by hand (a bank transfer outside Razorpay) for a transfer Route could not make, and the ledger moves that record them.
-- A payment whose money cannot move by Route (a refund started on it, or Razorpay refused) is flagged as a failed
-- transfer (api.worker_refuse_transfer). An admin pays the consultant from the platform's bank account and records
-- it here (api.admin_record_hand_payment, db/functions/hand_payments.sql): the amount, the bank's reference (UTR),
-- the day it was paid. The ledger moves that amount from due to settled, as two entries of kind hand_payment tied
-- to the flagged transfer and to this row. The admin role writes it under its own insert policies (no bypass):
-- the grants go to the app role by name (nakksha migrate copies them to the admin role), and only the admin role
-- has policies that let a row in, each checked against the hand payment it records.

-- migrate:up
create table app.hand_payments (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  transfer_id uuid not null references app.route_transfers (id) on delete restrict,
  payment_id uuid not null,
  amount numeric(12, 2) not null,
  reference text not null,
  paid_on date not null,
  note text,
  recorded_by uuid not null references app.admins (id) on delete restrict,
  created_at timestamptz not null default now(),
  constraint hand_payments_payment_fkey foreign key (consultant_id, payment_id)
    references app.payment_transactions (consultant_id, id) on delete restrict,
  constraint hand_payments_amount_positive check (amount > 0),
  -- A UTR (NEFT 16, RTGS 22, IMPS 12 characters) or a cheque or other bank reference: letters, digits, - and /.
  constraint hand_payments_reference_format check (reference ~ '^[A-Z0-9][A-Z0-9/-]{3,39}$'),
  constraint hand_payments_paid_on_plausible check (paid_on >= date '2024-01-01'),
  constraint hand_payments_note_length check (char_length(note) between 1 and 500),
  -- One bank reference pays one consultant once: a second entry of it is a mistake (or a double submit).
  constraint hand_payments_reference_once unique (consultant_id, reference)
);
comment on table app.hand_payments is 'Money an admin paid a consultant by hand (a bank transfer outside Razorpay) for a payment whose Route transfer failed: the amount, the bank''s reference (UTR) and the day paid; the ledger moves it from due to settled (docs/operations.md).';
create index hand_payments_transfer_idx on app.hand_payments (transfer_id);
alter table app.hand_payments enable row level security;
create policy consultant_reads_own_hand_payments on app.hand_payments for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy admin_reads_hand_payments on app.hand_payments for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy admin_records_hand_payments on app.hand_payments for insert to nakksha_app_admin
  with check ((select app.acts_as_admin()) and recorded_by = (select app.current_admin_id()));
grant select on app.hand_payments to nakksha_app;
grant insert (consultant_id, transfer_id, payment_id, amount, reference, paid_on, note, recorded_by)
  on app.hand_payments to nakksha_app;

-- The ledger learns the hand payment: two entries (out of due, into settled) tied to the flagged transfer and the
-- hand payment, once each.
alter table app.ledger_entries
  add column hand_payment_id uuid,
  add constraint ledger_entries_hand_payment_fkey foreign key (hand_payment_id) references app.hand_payments (id)
    on delete restrict,
  drop constraint ledger_entries_kind_valid,
  add constraint ledger_entries_kind_valid check (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds',
    'refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund', 'transfer', 'release',
    'settlement', 'reversal', 'hand_payment')),
  drop constraint ledger_entries_cause,
  add constraint ledger_entries_cause check (
    (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds') and refund_id is null and transfer_id is null
     and hand_payment_id is null)
    or (kind in ('refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund')
        and refund_id is not null and transfer_id is null and hand_payment_id is null)
    or (kind in ('transfer', 'release', 'settlement') and transfer_id is not null and reversal_id is null
        and hand_payment_id is null)
    or (kind = 'reversal' and transfer_id is not null and reversal_id is not null and hand_payment_id is null)
    or (kind = 'hand_payment' and transfer_id is not null and hand_payment_id is not null and refund_id is null
        and reversal_id is null and bucket in ('due', 'settled'))),
  drop constraint ledger_entries_once,
  add constraint ledger_entries_once unique nulls not distinct (payment_id, refund_id, transfer_id, reversal_id,
                                                                hand_payment_id, kind, bucket);
-- Only the two entries a recorded hand payment calls for: out of due and into settled, its amount, its payment.
create policy admin_records_hand_payment_entries on app.ledger_entries for insert to nakksha_app_admin
  with check ((select app.acts_as_admin()) and kind = 'hand_payment' and exists (
    select 1 from app.hand_payments h
    where h.id = ledger_entries.hand_payment_id and h.consultant_id = ledger_entries.consultant_id
      and h.payment_id = ledger_entries.payment_id and h.transfer_id = ledger_entries.transfer_id
      and ((ledger_entries.bucket = 'due' and ledger_entries.amount = -h.amount)
           or (ledger_entries.bucket = 'settled' and ledger_entries.amount = h.amount))));
grant insert (consultant_id, kind, bucket, amount, payment_id, transfer_id, hand_payment_id, occurred_at)
  on app.ledger_entries to nakksha_app;

-- Its audit row: the acting admin's, for the hand payment they recorded, and nothing else.
create policy admin_audits_hand_payments on app.admin_audit_log for insert to nakksha_app_admin
  with check (admin_id = (select app.current_admin_id()) and action = 'payout.hand_payment'
              and target_type = 'hand_payment' and exists (
                select 1 from app.hand_payments h where h.id = admin_audit_log.target_id
                  and h.recorded_by = admin_audit_log.admin_id));
grant insert (admin_id, action, target_type, target_id, details) on app.admin_audit_log to nakksha_app;

-- migrate:down
revoke insert (admin_id, action, target_type, target_id, details) on app.admin_audit_log
  from nakksha_app, nakksha_app_admin;
drop policy admin_audits_hand_payments on app.admin_audit_log;
revoke insert (consultant_id, kind, bucket, amount, payment_id, transfer_id, hand_payment_id, occurred_at)
  on app.ledger_entries from nakksha_app, nakksha_app_admin;
drop policy admin_records_hand_payment_entries on app.ledger_entries;
-- (Rolling back forgets the hand payments' entries: the append-only trigger stands aside for the owner's delete.)
alter table app.ledger_entries disable trigger ledger_entries_append_only;
delete from app.ledger_entries where kind = 'hand_payment';
alter table app.ledger_entries enable trigger ledger_entries_append_only;
alter table app.ledger_entries drop constraint ledger_entries_once, drop constraint ledger_entries_cause,
  drop constraint ledger_entries_kind_valid;
alter table app.ledger_entries drop column hand_payment_id,
  add constraint ledger_entries_kind_valid check (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds',
    'refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund', 'transfer', 'release',
    'settlement', 'reversal')),
  add constraint ledger_entries_cause check (
    (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds') and refund_id is null and transfer_id is null)
    or (kind in ('refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund')
        and refund_id is not null and transfer_id is null)
    or (kind in ('transfer', 'release', 'settlement') and transfer_id is not null and reversal_id is null)
    or (kind = 'reversal' and transfer_id is not null and reversal_id is not null)),
  add constraint ledger_entries_once unique nulls not distinct (payment_id, refund_id, transfer_id, reversal_id, kind,
                                                                bucket);
drop table app.hand_payments;

-- Test: pytest tests/db/test_hand_payments.py tests/http/test_hand_payments.py tests/meta/test_migrations.py
