-- db/migrations/20261208020000_index_payments_by_session.sql — a session's payments and a payment's refunds found in one index probe, whatever the tenant.
-- Issue 20 (bench/scale.py): the booking answer (app_private.booking_json), the manage link, verification and the
-- webhooks look a session's payment up by session_id alone, and a payment's refunds by transaction_id alone; the
-- only indexes holding them began with consultant_id, so PostgreSQL walked the whole index: 0.2 s a look-up at
-- 933,000 payments, a paid booking 16 times slower at 10,000 consultants than at 100. Leading with the id itself
-- serves both those look-ups and the tenant's own (consultant_id = …, the policies' filter, is checked on the row).

-- migrate:up
create index payment_transactions_session_only_idx on app.payment_transactions (session_id) where session_id is not null;
drop index app.payment_transactions_session_idx;
alter index app.payment_transactions_session_only_idx rename to payment_transactions_session_idx;
create index payment_refunds_transaction_only_idx on app.payment_refunds (transaction_id);
drop index app.payment_refunds_transaction_idx;
alter index app.payment_refunds_transaction_only_idx rename to payment_refunds_transaction_idx;

-- migrate:down
create index payment_transactions_session_tenant_idx on app.payment_transactions (consultant_id, session_id)
  where session_id is not null;
drop index app.payment_transactions_session_idx;
alter index app.payment_transactions_session_tenant_idx rename to payment_transactions_session_idx;
create index payment_refunds_transaction_tenant_idx on app.payment_refunds (consultant_id, transaction_id);
drop index app.payment_refunds_transaction_idx;
alter index app.payment_refunds_transaction_tenant_idx rename to payment_refunds_transaction_idx;

-- Test: pytest tests/meta/test_migrations.py tests/db/test_payments.py; .venv/bin/python bench/scale.py
