-- db/migrations/20261211030000_create_payout_accounts_and_transfers.sql — each consultant's Razorpay Route linked account (onboarding and activation) and the transfers that move what the ledger owes them to it.
-- Issue 21 (docs/payments.md "Payouts through Razorpay Route"): a consultant gives the details Route needs beyond
-- their bank account and tax profile, accepts the terms, and a job creates the linked account, its stakeholder and
-- its route product; Razorpay's activation status and requirements are kept here from its webhooks and a periodic
-- fetch. A transfer is the consultant's share of one payment, sent to the linked account on hold and released by a
-- job after the session (plus a buffer); each move of money between the ledger's buckets (due → held →
-- transferred → settled, and back to due by a reversal) is a pair of ledger entries tied to the transfer.

-- migrate:up
create table app.payout_accounts (
  consultant_id uuid primary key references app.consultants (id) on delete restrict,
  business_type text not null default 'individual',
  contact_name text not null,
  beneficiary_name text not null,
  terms_accepted_at timestamptz,
  -- Written by the worker from Razorpay's answers (a trigger moves draft or failed to submitted when the consultant
  -- accepts the terms): draft → submitted → created → needs_clarification / under_review → activated; suspended,
  -- rejected; failed when Razorpay refused what we sent (last_error says why).
  status text not null default 'draft',
  razorpay_account_id text unique,
  stakeholder_id text,
  product_id text,
  requirements jsonb not null default '[]',
  last_error text,
  submitted_at timestamptz,
  activated_at timestamptz,
  status_checked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payout_accounts_business_type_valid check (business_type in ('individual', 'proprietorship', 'partnership',
    'private_limited', 'llp', 'huf')),
  constraint payout_accounts_contact_name_length check (char_length(btrim(contact_name)) between 4 and 255),
  constraint payout_accounts_beneficiary_name_length check (char_length(btrim(beneficiary_name)) between 4 and 120),
  constraint payout_accounts_status_valid check (status in ('draft', 'submitted', 'created', 'requested',
    'needs_clarification', 'under_review', 'activated', 'suspended', 'rejected', 'failed')),
  constraint payout_accounts_account_id_format check (razorpay_account_id ~ '^acc_[A-Za-z0-9]{14}$'),
  constraint payout_accounts_requirements_list check (jsonb_typeof(requirements) = 'array'),
  constraint payout_accounts_activated_has_account check (status <> 'activated' or (razorpay_account_id is not null
                                                                                   and product_id is not null))
);
comment on table app.payout_accounts is 'A consultant''s Razorpay Route linked account: the details only Route needs (business type, contact and account holder names, terms accepted), the ids Razorpay gave, and its activation status and open requirements (docs/payments.md).';
create trigger payout_accounts_touch_updated_at before update on app.payout_accounts
  for each row execute function app.touch_updated_at();
create trigger payout_accounts_submit before insert or update on app.payout_accounts
  for each row execute function app.submit_payout_account();
alter table app.payout_accounts enable row level security;
create policy consultant_reads_own_payout_account on app.payout_accounts for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy consultant_inserts_own_payout_account on app.payout_accounts for insert to nakksha_app
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_updates_own_payout_account on app.payout_accounts for update to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_payout_accounts on app.payout_accounts for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.payout_accounts to nakksha_worker using (true) with check (true);
grant select on app.payout_accounts to nakksha_app;
grant insert (consultant_id, business_type, contact_name, beneficiary_name, terms_accepted_at)
  on app.payout_accounts to nakksha_app;
grant update (business_type, contact_name, beneficiary_name, terms_accepted_at) on app.payout_accounts to nakksha_app;
grant select, insert, update on app.payout_accounts to nakksha_worker;

create table app.route_transfers (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  payment_id uuid not null,
  source text not null,
  razorpay_transfer_id text unique,
  account_id text not null,
  amount numeric(12, 2) not null,
  status text not null default 'requested',
  on_hold boolean not null default true,
  release_after timestamptz,
  released_at timestamptz,
  settlement_status text,
  recipient_settlement_id text,
  settlement_utr text,
  settled_at timestamptz,
  amount_reversed numeric(12, 2) not null default 0,
  fees numeric(12, 2),
  tax numeric(12, 2),
  error text,
  processed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint route_transfers_payment_fkey foreign key (consultant_id, payment_id)
    references app.payment_transactions (consultant_id, id) on delete restrict,
  constraint route_transfers_source_valid check (source in ('order', 'payment', 'direct')),
  constraint route_transfers_transfer_id_format check (razorpay_transfer_id ~ '^trf_[A-Za-z0-9]{14}$'),
  constraint route_transfers_amount_positive check (amount > 0),
  constraint route_transfers_status_valid check (status in ('requested', 'created', 'pending', 'processed', 'failed',
    'reversed', 'partially_reversed')),
  constraint route_transfers_settlement_status_valid check (settlement_status in ('pending', 'on_hold', 'settled')),
  constraint route_transfers_reversed_range check (amount_reversed between 0 and amount)
);
comment on table app.route_transfers is 'The consultant''s share of one payment sent to their linked account through Razorpay Route: on the order (source order), from the captured payment (source payment) or, where Razorpay allows no more transfers on it and direct transfers are enabled, from the platform''s balance (source direct), on hold until release_after, then released and settled to their bank (docs/payments.md).';
-- One live transfer per payment: a failed one may be replaced.
create unique index route_transfers_one_per_payment on app.route_transfers (payment_id) where status <> 'failed';
create index route_transfers_consultant_idx on app.route_transfers (consultant_id, created_at);
create index route_transfers_release_idx on app.route_transfers (release_after)
  where on_hold and status = 'processed';
create trigger route_transfers_touch_updated_at before update on app.route_transfers
  for each row execute function app.touch_updated_at();
alter table app.route_transfers enable row level security;
create policy consultant_reads_own_route_transfers on app.route_transfers for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy admin_reads_route_transfers on app.route_transfers for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.route_transfers to nakksha_worker using (true) with check (true);
grant select on app.route_transfers to nakksha_app;
grant select, insert, update on app.route_transfers to nakksha_worker;

-- The ledger learns the transfer kinds: each move between buckets is two entries (out of one, into the next)
-- tied to the transfer (and a reversal to its Razorpay id), once each.
alter table app.ledger_entries
  add column transfer_id uuid,
  add column reversal_id text,
  add constraint ledger_entries_transfer_fkey foreign key (transfer_id) references app.route_transfers (id)
    on delete restrict,
  drop constraint ledger_entries_kind_valid,
  add constraint ledger_entries_kind_valid check (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds',
    'refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund', 'transfer', 'release',
    'settlement', 'reversal')),
  drop constraint ledger_entries_cause,
  add constraint ledger_entries_cause check (
    (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds') and refund_id is null and transfer_id is null)
    or (kind in ('refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund')
        and refund_id is not null and transfer_id is null)
    or (kind in ('transfer', 'release', 'settlement') and transfer_id is not null and reversal_id is null)
    or (kind = 'reversal' and transfer_id is not null and reversal_id is not null)),
  drop constraint ledger_entries_once,
  add constraint ledger_entries_once unique nulls not distinct (payment_id, refund_id, transfer_id, reversal_id, kind,
                                                                bucket);
create index ledger_entries_transfer_idx on app.ledger_entries (transfer_id) where transfer_id is not null;

insert into app.platform_settings (key, value, description) values
  ('payout_hold_hours_after_session', '48', 'Hours after a paid session ends before its transfer to the consultant is released (time for a complaint or a no-show to be raised).'),
  ('payout_hold_days_quotation', '7', 'Days after a quotation is paid before its transfer to the consultant is released.'),
  ('route_direct_transfers', '0', '1 when Razorpay has enabled direct transfers on the platform account (an on-demand feature); 0 moves waiting balances only by transfers from payments.')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings
where key in ('payout_hold_hours_after_session', 'payout_hold_days_quotation', 'route_direct_transfers');
alter table app.ledger_entries drop constraint ledger_entries_once,
  drop constraint ledger_entries_cause, drop constraint ledger_entries_kind_valid;
alter table app.ledger_entries drop column transfer_id, drop column reversal_id,
  add constraint ledger_entries_kind_valid check (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds',
    'refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund')),
  add constraint ledger_entries_cause check (
    (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds') and refund_id is null)
    or (kind in ('refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund')
        and refund_id is not null)),
  add constraint ledger_entries_once unique nulls not distinct (payment_id, refund_id, kind);
drop table app.route_transfers;
drop table app.payout_accounts;

-- Test: pytest tests/db/test_payout_accounts.py tests/db/test_route_transfers.py tests/meta/test_migrations.py
