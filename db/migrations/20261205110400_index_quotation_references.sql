-- db/migrations/20261205110400_index_quotation_references.sql — payments and mail found by their quotation through an index.
-- A quotation's page (the consultant's, and the client's public view on every opening) reads its payments and
-- emails by quotation_id, which no index covered: the public view scanned every tenant's payments.

-- migrate:up
create index payment_transactions_quotation_idx on app.payment_transactions (quotation_id) where quotation_id is not null;
create index email_logs_quotation_idx on app.email_logs (quotation_id) where quotation_id is not null;

-- migrate:down
drop index app.email_logs_quotation_idx;
drop index app.payment_transactions_quotation_idx;
