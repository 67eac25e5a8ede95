-- db/migrations/20261212090000_invoice_plan_charges.sql — a plan charge issues the platform's GST tax invoice to the consultant (issue 22): tax documents may stand for a plan charge instead of a payment.
-- migrate:up
alter table app.tax_documents
  alter column payment_id drop not null,
  add column subscription_charge_id uuid references app.subscription_charges (id) on delete restrict;
comment on column app.tax_documents.payment_id is 'The payment the document is for (a booking''s or a quotation''s); NULL for a plan charge''s invoice (subscription_charge_id).';
comment on column app.tax_documents.subscription_charge_id is 'The plan charge a platform invoice is for (issue 22); NULL for a payment''s documents.';
-- Exactly one cause, and a plan charge only ever has the platform's tax invoice (plan charges are not refunded).
alter table app.tax_documents add constraint tax_documents_cause check (
  (payment_id is null) <> (subscription_charge_id is null)
  and (subscription_charge_id is null
       or (issuer = 'platform' and document_type = 'tax_invoice' and refund_id is null and purpose = 'subscription')));
-- A payment's documents stay once per (payment, issuer, refund); plan invoices have no payment and their own rule.
drop index app.tax_documents_once;
create unique index tax_documents_once on app.tax_documents (payment_id, issuer, refund_id) nulls not distinct
  where payment_id is not null;
create unique index tax_documents_one_per_plan_charge on app.tax_documents (subscription_charge_id)
  where subscription_charge_id is not null;
create trigger subscription_charges_tax_invoice after insert on app.subscription_charges
  for each row execute function app.tax_documents_on_plan_charge();
-- Charges recorded before this migration get their invoice now, in the order they were charged (gapless series).
select app.issue_plan_charge_invoice(ch.id) from app.subscription_charges ch order by ch.charged_at, ch.id;

-- migrate:down
drop trigger subscription_charges_tax_invoice on app.subscription_charges;
drop index app.tax_documents_one_per_plan_charge;
drop index app.tax_documents_once;
create unique index tax_documents_once on app.tax_documents (payment_id, issuer, refund_id) nulls not distinct;
alter table app.tax_documents drop constraint tax_documents_cause;
-- (Issued documents are append-only and kept: a down migration with plan-charge invoices in place stops here.)
alter table app.tax_documents drop column subscription_charge_id, alter column payment_id set not null;

-- Test: pytest tests/db/test_billing.py tests/db/test_tax_documents.py tests/meta/test_migrations.py
