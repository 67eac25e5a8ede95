-- db/migrations/20261211020000_create_tax_documents.sql — GST documents (tax invoices, bills of supply, receipts, credit notes; the platform's commission invoices), their gapless series, the client's billing details on a payment, and the platform's identity settings.
-- Issue 21 (docs/gst.md, "What the product does"): documents are issued by triggers in the transaction that
-- captures a payment or processes a refund (db/functions/app/tax_document_issue.sql), numbered from a counter row
-- per series locked to the end of that transaction (never a sequence: no gaps), and never change (CGST Act s.36:
-- kept 72 months from the annual return's due date). Payments captured before this migration get none.

-- migrate:up
alter table app.payment_transactions
  add column billing_state_code text references app.gst_states (code) on delete restrict,
  add column billing_country text,
  add column billing_gstin text,
  add column billing_name text,
  add constraint payment_transactions_billing_country_format check (billing_country ~ '^[A-Z]{2}$'),
  add constraint payment_transactions_billing_gstin_valid check (billing_gstin is null or app.gstin_is_valid(billing_gstin)),
  add constraint payment_transactions_billing_name_length check (char_length(btrim(billing_name)) between 2 and 200),
  -- A State and a GSTIN are India's; a GSTIN is registered in its State.
  add constraint payment_transactions_billing_in_india check (
    (billing_state_code is null and billing_gstin is null) or billing_country = 'IN'),
  add constraint payment_transactions_billing_gstin_state check (
    billing_gstin is null or left(billing_gstin, 2) = billing_state_code);
comment on column app.payment_transactions.billing_state_code is 'The client''s State as given at booking (a GSTIN''s State when they gave one): the place of supply of the consultant''s invoice (IGST Act s.12(2)); NULL: the consultant''s State.';
comment on column app.payment_transactions.billing_country is 'The client''s country (ISO 3166 alpha-2) as given at booking; IN when they gave a State. Outside India: IGST, or zero-rated under the consultant''s LUT.';
comment on column app.payment_transactions.billing_gstin is 'The client''s GSTIN for a business invoice (checked: shape, check character, State).';
comment on column app.payment_transactions.billing_name is 'The name the client asked to be invoiced in (a business), printed beside theirs.';

create table app.tax_document_counters (
  consultant_id uuid references app.consultants (id) on delete restrict,
  document_type text not null,
  financial_year date not null,
  last integer not null,
  constraint tax_document_counters_series unique nulls not distinct (consultant_id, document_type, financial_year),
  constraint tax_document_counters_last_positive check (last > 0)
);
comment on table app.tax_document_counters is 'The last number of each document series: per issuer (a consultant; NULL: the platform), type and financial year (its 1 April). Moved on by one under its row lock in the transaction that issues the document: gapless.';

create table app.tax_documents (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  issuer text not null,
  document_type text not null,
  number text not null,
  financial_year date not null,
  issued_at timestamptz not null,
  payment_id uuid not null,
  refund_id uuid references app.payment_refunds (id) on delete restrict,
  original_document_id uuid references app.tax_documents (id) on delete restrict,
  original_number text,
  original_issued_at timestamptz,
  purpose text not null,
  session_id uuid,
  quotation_id uuid,
  supplier_name text not null,
  supplier_gstin text,
  supplier_state_code text references app.gst_states (code) on delete restrict,
  supplier_address text,
  recipient_name text,
  recipient_billing_name text,
  recipient_gstin text,
  recipient_state_code text references app.gst_states (code) on delete restrict,
  recipient_country text not null,
  place_of_supply_state_code text references app.gst_states (code) on delete restrict,
  place_of_supply_country text not null,
  description text not null,
  sac text not null,
  lines jsonb not null,
  currency text not null,
  taxable_value numeric(12, 2) not null,
  cgst_rate numeric(5, 2) not null,
  cgst numeric(12, 2) not null,
  sgst_rate numeric(5, 2) not null,
  sgst numeric(12, 2) not null,
  igst_rate numeric(5, 2) not null,
  igst numeric(12, 2) not null,
  total numeric(12, 2) not null,
  lut_reference text,
  reverse_charge boolean not null default false,
  legend text,
  created_at timestamptz not null default now(),
  -- The tenant's payment: a document is its consultant's (as a ledger entry is).
  constraint tax_documents_payment_fkey foreign key (consultant_id, payment_id)
    references app.payment_transactions (consultant_id, id) on delete restrict,
  constraint tax_documents_issuer_valid check (issuer in ('consultant', 'platform')),
  constraint tax_documents_type_valid check (document_type in ('tax_invoice', 'bill_of_supply', 'receipt', 'credit_note')
    and (issuer = 'consultant' or document_type in ('tax_invoice', 'credit_note'))),
  constraint tax_documents_number_format check (number ~ '^[A-Z0-9/-]{1,16}$'),
  constraint tax_documents_financial_year check (financial_year = app.financial_year_start(issued_at)),
  constraint tax_documents_credit_note check ((document_type = 'credit_note') = (refund_id is not null)
    and (refund_id is null) = (original_document_id is null)
    and (original_document_id is null) = (original_number is null)),
  constraint tax_documents_amounts check (taxable_value >= 0 and cgst >= 0 and sgst >= 0 and igst >= 0
    and total = taxable_value + cgst + sgst + igst and (igst = 0 or cgst + sgst = 0)),
  constraint tax_documents_untaxed check (document_type in ('tax_invoice', 'credit_note') or cgst + sgst + igst = 0),
  constraint tax_documents_countries check (recipient_country ~ '^[A-Z]{2}$' and place_of_supply_country ~ '^[A-Z]{2}$'),
  constraint tax_documents_lines_shape check (jsonb_typeof(lines) = 'array')
);
comment on table app.tax_documents is 'GST documents, append-only (docs/gst.md): a consultant''s tax invoice, bill of supply or receipt to their client and the platform''s commission invoice to the consultant, issued when a payment the platform collected is captured; credit notes when a refund is processed. Each snapshots everything it prints. consultant_id: the consultant whose sale it is (issuer or recipient).';
comment on column app.tax_documents.number is 'Unique in its series (issuer, type, financial year): INV, BOS, RCT, CN (a consultant) / 26-27 / 000123, or NK, NC (the platform) / 26-27 / 0000123.';
-- Unique per series (the platform's series is one across consultants) and one document per cause.
create unique index tax_documents_number_once on app.tax_documents (
  (case when issuer = 'consultant' then consultant_id end), document_type, financial_year, number) nulls not distinct;
create unique index tax_documents_once on app.tax_documents (payment_id, issuer, refund_id) nulls not distinct;
create index tax_documents_by_consultant on app.tax_documents (consultant_id, issued_at desc, id desc);
create index tax_documents_by_refund on app.tax_documents (refund_id) where refund_id is not null;
create index tax_documents_by_original on app.tax_documents (original_document_id) where original_document_id is not null;
create trigger tax_documents_append_only before update or delete on app.tax_documents
  for each row execute function app.refuse_change();
create trigger tax_document_counters_no_delete before delete on app.tax_document_counters
  for each row execute function app.refuse_change();

alter table app.tax_documents enable row level security;
create policy consultant_reads_own_tax_documents on app.tax_documents for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy admin_reads_tax_documents on app.tax_documents for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.tax_documents to nakksha_worker using (true) with check (true);
grant select on app.tax_documents to nakksha_app, nakksha_app_admin;
grant select, insert on app.tax_documents to nakksha_worker;
alter table app.tax_document_counters enable row level security;
create policy worker_steps on app.tax_document_counters to nakksha_worker using (true) with check (true);
grant select, insert, update (last) on app.tax_document_counters to nakksha_worker;

-- Issued in the capturing transaction, after the commission is fixed (app.record_commission, before) and the
-- ledger written; credit notes when a refund is processed.
create trigger payment_transactions_tax_documents after insert or update on app.payment_transactions
  for each row execute function app.tax_documents_on_capture();
create trigger payment_refunds_tax_documents after insert or update of status on app.payment_refunds
  for each row execute function app.tax_documents_on_refund();

insert into app.platform_settings (key, value, description) values
  ('platform_gstin', '""', 'The platform''s GSTIN, printed on its commission invoices (empty until registered; its first two digits are then the platform''s State).'),
  ('platform_legal_name', '""', 'The platform''s legal name as registered, printed on its invoices (empty: the platform name).'),
  ('platform_state_code', '"29"', 'The GST State code the platform supplies from (placeholder 29, Karnataka: set it to the registration''s).'),
  ('platform_address', '""', 'The platform''s registered address, printed on its invoices.')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings
where key in ('platform_gstin', 'platform_legal_name', 'platform_state_code', 'platform_address');
drop trigger payment_refunds_tax_documents on app.payment_refunds;
drop trigger payment_transactions_tax_documents on app.payment_transactions;
drop table app.tax_documents;
drop table app.tax_document_counters;
alter table app.payment_transactions drop column billing_state_code, drop column billing_country,
  drop column billing_gstin, drop column billing_name;

-- Test: pytest tests/db/test_tax_documents.py tests/meta/test_migrations.py
