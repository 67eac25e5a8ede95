-- app/queries/payouts.sql — a consultant's money: balances and ledger entries (db/functions/ledger.sql).

-- name: my_balance()$
-- The balance owed to you, by state (due, held, transferred, settled), and what made it: collected, refunded, commission and the GST on it; every figure a sum of your ledger.
select api.my_balance();

-- name: my_ledger(before, limit)$
-- Your ledger entries, newest first, a page at a time (before: the previous page's next).
select api.my_ledger(:before, :limit);

-- name: my_transfers(before, limit)$
-- Your transfers through Razorpay Route, newest first, a page at a time (before: the previous page's next): held until when, released, settled, reversed.
select api.my_transfers(:before, :limit);

-- name: my_statement(month)$
-- One month's ledger entries in your time zone with the balance before and after (the monthly statement).
select api.my_statement(:month);

-- Route transfers, the worker's side (db/functions/route_transfers.sql).

-- name: worker_payments_to_transfer(gateway, limit_)$
-- Captured payments of activated consultants with no transfer recorded yet.
select api.worker_payments_to_transfer(:gateway, :limit_);

-- name: worker_record_transfer(payment_id, source, transfer)$
-- Record a transfer as Razorpay reports it (the ledger moves due to held once processed).
select api.worker_record_transfer(:payment_id, :source, :transfer);

-- name: worker_refuse_transfer(payment_id, account_id, amount, reason)$
-- Flag a payment whose money cannot move by transfer, for an admin.
select api.worker_refuse_transfer(:payment_id, :account_id, :amount, :reason);

-- name: worker_transfers_to_release(limit_)$
-- Held transfers past their release time.
select api.worker_transfers_to_release(:limit_);

-- name: worker_record_release(transfer_id)$
-- A transfer's hold lifted: held to transferred.
select api.worker_record_release(:transfer_id);

-- name: worker_record_reversal(transfer_id, reversal_id, amount_paise, at, refund_id)$
-- A transfer reversed (in part): its money back in due (refund_id: the refund it was that refund's share of).
select api.worker_record_reversal(:transfer_id, :reversal_id, :amount_paise, :at, :refund_id);

-- name: worker_transfers_to_settle(limit_)$
-- Released transfers whose settlement is not known yet.
select api.worker_transfers_to_settle(:limit_);

-- name: worker_record_settlement(transfer_id, settlement_id, utr, at)$
-- A transfer settled to the consultant's bank: transferred to settled.
select api.worker_record_settlement(:transfer_id, :settlement_id, :utr, :at);

-- name: worker_refund_reversal(refund_id)$
-- The reversal a refund calls for, or null; takes the payment's reversal lock (hold the transaction until it is recorded).
select api.worker_refund_reversal(:refund_id);

-- name: worker_transfers_to_reconcile(limit_)$
-- The transfers the daily reconciliation compares with Razorpay, with the ledger's sum for each.
select api.worker_transfers_to_reconcile(:limit_);

-- name: worker_note_mismatches(transfer_id, found)$
-- Record what a reconciliation run found on one transfer.
select api.worker_note_mismatches(:transfer_id, :found);

-- name: worker_erase_settled_bank_details()$
-- Erase the bank details deleted consultants kept while money was open, once it is settled.
select api.worker_erase_settled_bank_details();

-- name: worker_payments_missing_fee(gateway, limit_)$
-- Captured payments whose gateway fee is not known yet.
select api.worker_payments_missing_fee(:gateway, :limit_);

-- name: worker_record_gateway_fee(payment_id, fee_paise, tax_paise)$
-- Razorpay's fee and the GST in it, from the payment entity.
select api.worker_record_gateway_fee(:payment_id, :fee_paise, :tax_paise);

-- name: worker_plan_charges_missing_fee(gateway, limit_)$
-- Plan charges whose Razorpay fee is not in the platform's revenue ledger yet.
select api.worker_plan_charges_missing_fee(:gateway, :limit_);

-- name: worker_record_plan_charge_fee(charge_id, fee_paise, tax_paise)$
-- Book Razorpay's fee on a plan charge's payment (and the GST in it) in the platform's revenue ledger, once.
select api.worker_record_plan_charge_fee(:charge_id, :fee_paise, :tax_paise);

-- name: admin_payouts()$
-- Admins: commission earned, balances, failed and held transfers, accounts needing attention, negative balances, mismatches.
select api.admin_payouts();

-- name: admin_record_hand_payment(transfer_id, amount, reference, paid_on, note)$
-- Admins: record that the platform paid a consultant by hand (a bank transfer outside Razorpay) for a transfer that could not be made; the ledger moves it from due to settled, and it is audited.
select api.admin_record_hand_payment(:transfer_id, :amount, :reference, :paid_on, :note);

-- name: admin_payout_mismatches()$
-- Admins: the open disagreements between the ledger and Razorpay.
select api.admin_payout_mismatches();

-- Test: pytest tests/http/test_payouts.py tests/jobs/test_route_transfers.py tests/jobs/test_payout_reconciliation.py
