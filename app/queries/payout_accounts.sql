-- app/queries/payout_accounts.sql — a consultant's Razorpay Route payout account (db/functions/payout_accounts.sql) and the onboarding job's steps (db/functions/payout_accounts_worker.sql).

-- name: my_payout_account()$
-- Your payout account through Razorpay Route: details, status and Razorpay's requirements in plain words, and what is missing before you can submit.
select api.my_payout_account();

-- name: set_my_payout_account(account)$
-- Save your payout details (business type, contact name, account holder's name); accept_terms submits them to Razorpay once nothing is missing.
select api.set_my_payout_account(:account);

-- name: payout_account_of(consultant_id)$
-- A consultant's payout account as the caller may read it (an admin: anyone's).
select api.payout_account_json(:consultant_id);

-- name: worker_payout_account(consultant_id)$
-- What the onboarding job sends Razorpay for one consultant, with the status and ids stored so far.
select api.worker_payout_account(:consultant_id);

-- name: worker_record_payout_account(consultant_id, from_, changes)$
-- Record one onboarding step or status check, only while the account is in one of the statuses from_.
select api.worker_record_payout_account(:consultant_id, :from_, :changes);

-- name: worker_payout_accounts_due(limit)$
-- The consultants whose payout account is due onboarding or a status check.
select api.worker_payout_accounts_due(:limit);

-- Test: pytest tests/jobs/test_route_onboarding.py tests/http/test_payout_account.py
