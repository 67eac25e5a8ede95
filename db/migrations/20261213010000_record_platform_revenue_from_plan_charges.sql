-- db/migrations/20261213010000_record_platform_revenue_from_plan_charges.sql — the platform's revenue ledger: each plan charge's gross and the GST inside it, written with its tax invoice, backfilled (issue 22).
-- app.ledger_entries is what the platform owes each consultant (issue 21); a plan charge is money a consultant paid
-- the platform, owed to nobody, so it is recorded apart: app.platform_revenue_entries, append-only, one row per
-- (charge, kind), tied to the charge and the invoice that caused it (db/functions/app/platform_revenue.sql).

-- migrate:up
-- The tenant key, so a revenue row names its charge's consultant and no other.
alter table app.subscription_charges add constraint subscription_charges_consultant_key unique (consultant_id, id);

create table app.platform_revenue_entries (
  id bigint generated always as identity primary key,
  consultant_id uuid not null,
  subscription_charge_id uuid not null,
  tax_document_id uuid not null references app.tax_documents (id) on delete restrict,
  kind text not null,
  amount numeric(12, 2) not null,
  occurred_at timestamptz not null,
  created_at timestamptz not null default now(),
  constraint platform_revenue_entries_charge_fkey foreign key (consultant_id, subscription_charge_id)
    references app.subscription_charges (consultant_id, id) on delete restrict,
  constraint platform_revenue_entries_kind_valid check (kind in ('plan_charge', 'output_cgst', 'output_sgst',
                                                                 'output_igst')),
  -- Received money is positive; the output tax inside it, owed to the government, negative.
  constraint platform_revenue_entries_sign check ((kind = 'plan_charge') = (amount > 0) and amount <> 0),
  -- One row of a kind per charge: a replayed fetch or a re-run backfill writes nothing twice.
  constraint platform_revenue_entries_once unique (subscription_charge_id, kind)
);
comment on table app.platform_revenue_entries is 'The platform''s own revenue from plan charges, append-only, in rupees: per charge its gross (plan_charge, positive) and the GST output tax inside it as on its tax invoice (output_cgst/output_sgst/output_igst, negative); a charge''s rows sum to its net revenue (taxable value plus round-off). Written with the charge''s invoice (docs/payments.md "Billing as built"). Not what is owed to consultants: that is app.ledger_entries.';
comment on column app.platform_revenue_entries.amount is 'Signed rupees: positive received by the platform, negative owed out of it (GST to the government).';
comment on column app.platform_revenue_entries.occurred_at is 'When the charge was paid (the charge''s charged_at; its invoice''s issue instant).';
create index platform_revenue_entries_consultant_idx on app.platform_revenue_entries (consultant_id, occurred_at);
create index platform_revenue_entries_occurred_idx on app.platform_revenue_entries (occurred_at);
create index platform_revenue_entries_document_idx on app.platform_revenue_entries (tax_document_id);
create trigger platform_revenue_entries_append_only before update or delete on app.platform_revenue_entries
  for each row execute function app.refuse_change();
create trigger platform_revenue_entries_no_truncate before truncate on app.platform_revenue_entries
  for each statement execute function app.refuse_change();
alter table app.platform_revenue_entries enable row level security;
create policy consultant_reads_own_platform_revenue_entries on app.platform_revenue_entries for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy admin_reads_platform_revenue_entries on app.platform_revenue_entries for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.platform_revenue_entries to nakksha_worker using (true) with check (true);
grant select on app.platform_revenue_entries to nakksha_app;
-- The worker records charges as itself: the rows their invoices' trigger writes are its inserts.
grant select, insert on app.platform_revenue_entries to nakksha_worker;

create trigger tax_documents_platform_revenue after insert on app.tax_documents
  for each row when (new.subscription_charge_id is not null)
  execute function app.platform_revenue_on_plan_invoice();

comment on table app.subscription_charges is 'Append-only: one row per paid invoice of a subscription (the cycle it pays for, the amount GST included). Each issues the platform''s GST tax invoice (app.tax_documents, purpose subscription), which writes its rows of the platform''s revenue ledger (app.platform_revenue_entries), in the same transaction.';

-- Charges recorded before this migration: their invoices (issued by 20261212090000) write their rows now.
select app.record_plan_charge_revenue(d.id) from app.tax_documents d
where d.subscription_charge_id is not null order by d.issued_at, d.id;

-- migrate:down
comment on table app.subscription_charges is 'Append-only: one row per paid invoice of a subscription (the cycle it pays for, the amount GST included). The platform''s GST invoice and ledger rows for plan charges are to hang here (docs/payments.md "Billing as built": not issued yet).';
drop trigger tax_documents_platform_revenue on app.tax_documents;
drop table app.platform_revenue_entries;
alter table app.subscription_charges drop constraint subscription_charges_consultant_key;

-- Test: pytest tests/db/test_platform_revenue.py tests/meta/test_migrations.py
