-- db/migrations/20261211040000_let_the_worker_read_bank_ciphertexts.sql — the onboarding job reads a consultant's bank account number and IFSC as ciphertext, to give Razorpay Route the settlement account.
-- 20261205130200 kept the bank details from the worker "(no job pays out yet)". Issue 21's onboarding job
-- (jobs/route_accounts.py) sends the settlement bank account to Razorpay (PATCH /v2/accounts/:id/products/:id), so
-- the worker reads the two ciphertexts (it holds the data key to decrypt them, as the web app does). Credentials
-- (password hash, token epoch) stay out of its reach.

-- migrate:up
grant select (bank_account_number_encrypted, ifsc_code_encrypted) on app.consultants to nakksha_worker;

-- migrate:down
revoke select (bank_account_number_encrypted, ifsc_code_encrypted) on app.consultants from nakksha_worker;

-- Test: pytest tests/db/test_worker_role.py tests/db/test_payout_accounts.py
