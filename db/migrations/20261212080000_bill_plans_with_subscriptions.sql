-- db/migrations/20261212080000_bill_plans_with_subscriptions.sql — platform plans billed with Razorpay Subscriptions: the Razorpay plans made, each subscription and its state history, each charge, and complimentary plans (the hand-set plans become comps).
-- Issue 22, billing (docs/payments.md "Billing as built"). The plan in force is app.effective_plan_code
-- (db/functions/app/plans.sql): the highest-priced of the comps covering an instant and the subscriptions whose paid
-- period (plus the grace period while still live) covers it; free otherwise. A subscription's state is only ever
-- taken from a fetch of it (the refresh_subscription job, api.worker_record_subscription); webhooks only queue that
-- job. app.consultants.subscription_plan / subscription_expires_at stay, written only by billing, as a display copy
-- of the plan in force and when it lapses unless renewed (app.sync_plan_display); nothing decides with them.

-- migrate:up
create table app.gateway_plans (
  id uuid primary key default gen_random_uuid(),
  plan_code text not null references app.plans (code) on update cascade on delete restrict,
  period text not null,
  amount numeric(10, 2) not null,
  gateway text not null,
  gateway_plan_id text not null unique,
  created_at timestamptz not null default now(),
  constraint gateway_plans_period_valid check (period in ('monthly', 'yearly')),
  constraint gateway_plans_amount_positive check (amount >= 1),
  constraint gateway_plans_gateway_valid check (gateway in ('razorpay', 'local')),
  constraint gateway_plans_id_format check (gateway_plan_id ~ '^plan_[A-Za-z0-9]{14}$'),
  constraint gateway_plans_one_per_price unique (plan_code, period, amount, gateway),
  constraint gateway_plans_whole_key unique (gateway_plan_id, plan_code, period, amount, gateway)
);
comment on table app.gateway_plans is 'The Razorpay plan made for one (plan, period, price, gateway): Razorpay plans cannot be edited, so a new price is a new row, made on first use and kept.';
alter table app.gateway_plans enable row level security;
-- Any consultant or admin reads them (no tenant data; nobody without a caller); an approved consultant records one
-- made for their checkout, at the plan's current price only (db/functions/subscriptions.sql, api.record_gateway_plan).
create policy consultant_reads_gateway_plans on app.gateway_plans for select to nakksha_app
  using ((select app.current_consultant_id()) is not null);
create policy admin_reads_gateway_plans on app.gateway_plans for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy consultant_records_gateway_plans on app.gateway_plans for insert to nakksha_app
  with check ((select app.current_approved_consultant_id()) is not null
              and amount = (select case period when 'yearly' then p.price_yearly else p.price_monthly end
                            from app.plans p where p.code = plan_code));
create policy worker_steps on app.gateway_plans to nakksha_worker using (true) with check (true);
grant select on app.gateway_plans to nakksha_app, nakksha_worker;
grant insert (plan_code, period, amount, gateway, gateway_plan_id) on app.gateway_plans to nakksha_app;
grant insert on app.gateway_plans to nakksha_worker;

create table app.subscriptions (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  plan_code text not null,  -- the plans row through its Razorpay plan (subscriptions_gateway_plan_fkey)
  period text not null,
  amount numeric(10, 2) not null,
  gateway text not null,
  gateway_plan_id text not null,
  gateway_subscription_id text not null unique,
  -- Razorpay's statuses (docs/payments.md: created → authenticated → active; pending → halted on failed charges;
  -- cancelled, completed, expired are final), always as last fetched.
  status text not null default 'created',
  current_start timestamptz,
  current_end timestamptz,
  charge_at timestamptz,
  paid_from timestamptz,
  paid_until timestamptz,
  paid_count integer not null default 0,
  payment_method text,
  short_url text,
  cancel_requested_at timestamptz,
  replaced_at timestamptz,
  replaced_by uuid references app.subscriptions (id) on delete restrict,
  failures integer not null default 0,
  last_error text,
  fetched_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscriptions_period_valid check (period in ('monthly', 'yearly')),
  constraint subscriptions_amount_positive check (amount >= 1),
  constraint subscriptions_gateway_valid check (gateway in ('razorpay', 'local')),
  constraint subscriptions_id_format check (gateway_subscription_id ~ '^sub_[A-Za-z0-9]{14}$'),
  constraint subscriptions_status_valid check (status in ('created', 'authenticated', 'active', 'pending', 'halted',
    'cancelled', 'completed', 'expired', 'paused')),
  constraint subscriptions_paid_range check (paid_until is null or paid_from < paid_until),
  constraint subscriptions_counts_range check (paid_count >= 0 and failures >= 0),
  constraint subscriptions_replaced_together check (replaced_by is null or replaced_at is not null),
  constraint subscriptions_short_url_https check (short_url ~ '^https?://'),
  -- The plan, period, price and gateway are those of the Razorpay plan it bills (which was made at the plan's price).
  constraint subscriptions_gateway_plan_fkey foreign key (gateway_plan_id, plan_code, period, amount, gateway)
    references app.gateway_plans (gateway_plan_id, plan_code, period, amount, gateway) on update cascade on delete restrict
);
comment on table app.subscriptions is 'One Razorpay subscription of a consultant to a plan (monthly or yearly, at the price of its Razorpay plan): its status as last fetched, the current cycle, and paid_from/paid_until (the start of the first and end of the last charged cycle, from its charges). cancel_requested_at is ours (the entity does not show a cancel scheduled for the cycle''s end); replaced_at/replaced_by when a plan change made a new one.';
comment on column app.subscriptions.paid_until is 'The end of the last charged cycle: the plan holds until then (plus subscription_grace_days while the subscription is live).';
comment on column app.subscriptions.failures is 'Failed charge attempts since the last successful one (from the fetched state: pending/halted).';
-- At most one live subscription per consultant: a second checkout finds it (reused while only created), and a
-- plan change marks the old one replaced before making the new one.
create unique index subscriptions_one_live on app.subscriptions (consultant_id)
  where status not in ('cancelled', 'completed', 'expired') and replaced_at is null;
create index subscriptions_consultant_idx on app.subscriptions (consultant_id, created_at);
create index subscriptions_refresh_idx on app.subscriptions (fetched_at)
  where status not in ('cancelled', 'completed', 'expired');
create trigger subscriptions_touch_updated_at before update on app.subscriptions
  for each row execute function app.touch_updated_at();
alter table app.subscriptions enable row level security;
-- Read while pending too (the plan guards on availability run for a consultant preparing their page).
create policy consultant_reads_own_subscriptions on app.subscriptions for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
-- A consultant starts one (status created: it unlocks nothing until a fetch records a charge) and asks for its
-- cancellation or replacement; everything else is the worker's, from Razorpay's answers.
create policy consultant_starts_own_subscriptions on app.subscriptions for insert to nakksha_app
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_cancels_own_subscriptions on app.subscriptions for update to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_subscriptions on app.subscriptions for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.subscriptions to nakksha_worker using (true) with check (true);
grant select on app.subscriptions to nakksha_app;
grant insert (consultant_id, plan_code, period, amount, gateway, gateway_plan_id, gateway_subscription_id, short_url)
  on app.subscriptions to nakksha_app;
grant update (cancel_requested_at, replaced_at, replaced_by) on app.subscriptions to nakksha_app;
grant select, insert, update on app.subscriptions to nakksha_worker;

create table app.subscription_history (
  id bigint generated always as identity primary key,
  subscription_id uuid not null references app.subscriptions (id) on delete restrict,
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  from_status text,
  to_status text not null,
  paid_until timestamptz,
  source text not null,
  event_id text,
  at timestamptz not null default now(),
  constraint subscription_history_source_valid check (source in ('webhook', 'fetch', 'checkout', 'admin', 'job')),
  constraint subscription_history_to_status_valid check (to_status in ('created', 'authenticated', 'active',
    'pending', 'halted', 'cancelled', 'completed', 'expired', 'paused'))
);
comment on table app.subscription_history is 'Append-only: one row per observed change of a subscription''s status or paid_until, with what observed it (webhook: a fetch a webhook queued, with its event id; fetch/job: a periodic check; checkout: the consultant''s start or cancel).';
create index subscription_history_subscription_idx on app.subscription_history (subscription_id, id);
create trigger subscription_history_append_only before update or delete on app.subscription_history
  for each row execute function app.refuse_change();
create trigger subscription_history_no_truncate before truncate on app.subscription_history
  for each statement execute function app.refuse_change();
alter table app.subscription_history enable row level security;
create policy consultant_reads_own_subscription_history on app.subscription_history for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy consultant_starts_own_subscription_history on app.subscription_history for insert to nakksha_app
  with check (consultant_id = (select app.current_approved_consultant_id()) and source = 'checkout'
              and to_status = 'created' and from_status is null and paid_until is null);
create policy admin_reads_subscription_history on app.subscription_history for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.subscription_history to nakksha_worker using (true) with check (true);
grant select on app.subscription_history to nakksha_app;
grant insert (subscription_id, consultant_id, from_status, to_status, paid_until, source)
  on app.subscription_history to nakksha_app;
grant select, insert on app.subscription_history to nakksha_worker;

create table app.subscription_charges (
  id uuid primary key default gen_random_uuid(),
  subscription_id uuid not null references app.subscriptions (id) on delete restrict,
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  plan_code text not null references app.plans (code) on update cascade on delete restrict,
  gateway text not null,
  gateway_payment_id text not null unique,
  gateway_invoice_id text,
  amount numeric(10, 2) not null,
  cycle_start timestamptz not null,
  cycle_end timestamptz not null,
  charged_at timestamptz not null,
  payment_method text,
  created_at timestamptz not null default now(),
  constraint subscription_charges_amount_positive check (amount > 0),
  constraint subscription_charges_cycle_range check (cycle_start < cycle_end),
  constraint subscription_charges_payment_id_format check (gateway_payment_id ~ '^pay_[A-Za-z0-9]{14}$')
);
comment on table app.subscription_charges is 'Append-only: one row per paid invoice of a subscription (the cycle it pays for, the amount GST included). The platform''s GST invoice and ledger rows for plan charges are to hang here (docs/payments.md "Billing as built": not issued yet).';
create index subscription_charges_subscription_idx on app.subscription_charges (subscription_id, cycle_end);
create trigger subscription_charges_append_only before update or delete on app.subscription_charges
  for each row execute function app.refuse_change();
create trigger subscription_charges_no_truncate before truncate on app.subscription_charges
  for each statement execute function app.refuse_change();
alter table app.subscription_charges enable row level security;
create policy consultant_reads_own_subscription_charges on app.subscription_charges for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy admin_reads_subscription_charges on app.subscription_charges for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.subscription_charges to nakksha_worker using (true) with check (true);
grant select on app.subscription_charges to nakksha_app;
grant select, insert on app.subscription_charges to nakksha_worker;

create table app.plan_comps (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  plan_code text not null references app.plans (code) on update cascade on delete restrict,
  starts_at timestamptz not null default now(),
  ends_at timestamptz,
  reason text not null,
  granted_by uuid references app.admins (id) on delete restrict,
  revoked_at timestamptz,
  revoked_by uuid references app.admins (id) on delete restrict,
  created_at timestamptz not null default now(),
  constraint plan_comps_range check (ends_at is null or starts_at < ends_at),
  constraint plan_comps_reason_length check (char_length(btrim(reason)) between 3 and 500),
  constraint plan_comps_revoked_together check (revoked_by is null or revoked_at is not null)
);
comment on table app.plan_comps is 'A complimentary plan: the consultant has plan_code from starts_at until ends_at (NULL: open) or until revoked, whatever they pay. Granted and revoked by admins through api.admin_set_subscription (audited); granted_by is NULL only for the plans set by hand before billing (this migration''s backfill).';
create index plan_comps_consultant_idx on app.plan_comps (consultant_id, starts_at);
alter table app.plan_comps enable row level security;
create policy consultant_reads_own_plan_comps on app.plan_comps for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_plan_comps on app.plan_comps for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.plan_comps for select to nakksha_worker using (true);
grant select on app.plan_comps to nakksha_app, nakksha_worker;

-- The display copy of the plan in force (app.sync_plan_display) is the worker's to write as well.
grant update (subscription_plan, subscription_expires_at) on app.consultants to nakksha_worker;

-- Nobody is downgraded the day billing lands: a plan set by hand that has not expired becomes a comp until its
-- expiry (open when it had none).
insert into app.plan_comps (consultant_id, plan_code, starts_at, ends_at, reason)
select c.id, c.subscription_plan, least(c.created_at, now()), c.subscription_expires_at,
       'Set by hand before billing (issue 22)'
from app.consultants c
where c.subscription_plan <> 'free' and c.deleted_at is null
  and (c.subscription_expires_at is null or c.subscription_expires_at > now());

insert into app.platform_settings (key, value, description) values
  ('subscription_grace_days', '7', 'Days a paid plan stays in force after its paid period ends while Razorpay retries a failed renewal (pending, halted) or waits for the halted invoice to be paid; then the free plan''s limits apply (docs/payments.md "Billing as built").')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings where key = 'subscription_grace_days';
revoke update (subscription_plan, subscription_expires_at) on app.consultants from nakksha_worker;
drop table app.plan_comps;
drop table app.subscription_charges;
drop table app.subscription_history;
drop table app.subscriptions;
drop table app.gateway_plans;

-- Test: pytest tests/db/test_billing.py tests/meta/test_migrations.py
