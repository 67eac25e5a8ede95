-- app/queries/payouts.sql — a consultant's money: balances and ledger entries (db/functions/ledger.sql).

-- name: my_balance()$
-- The balance owed to you, by state (due, held, transferred, settled), and what made it: collected, refunded, commission and the GST on it; every figure a sum of your ledger.
select api.my_balance();

-- name: my_ledger(before, limit)$
-- Your ledger entries, newest first, a page at a time (before: the previous page's next).
select api.my_ledger(:before, :limit);

-- name: my_statement(month)$
-- One month's ledger entries in your time zone with the balance before and after (the monthly statement).
select api.my_statement(:month);

-- Test: pytest tests/http/test_payouts.py
