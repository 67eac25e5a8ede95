-- db/migrations/20261210010000_create_plans_and_the_ledger.sql — plans as rows with their commission, the commission fixed on each captured payment, and the consultant's money ledger, backfilled.
-- Issue 21: the plans were a list in platform_settings (code, name, monthly price) that nothing enforced; a
-- consultant's plan now names a row of app.plans, which also says what the platform takes from each payment it
-- collects (a percentage with a minimum, plus GST on it; docs/payments.md). The commission in force when a payment
-- is captured is written on the payment and never recomputed. app.ledger_entries is the one append-only record of
-- what the platform owes each consultant; balances are sums of it (db/functions/app/ledger.sql writes it).

-- migrate:up
create table app.plans (
  code text primary key,
  name text not null,
  price_monthly numeric(10, 2) not null default 0,
  commission_percent numeric(5, 2) not null,
  commission_min numeric(10, 2) not null default 0,
  position smallint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint plans_code_format check (code ~ '^[a-z][a-z0-9_]{0,29}$'),
  constraint plans_name_length check (char_length(btrim(name)) between 1 and 60),
  constraint plans_price_range check (price_monthly between 0 and 1000000),
  constraint plans_commission_range check (commission_percent between 0 and 50),
  constraint plans_commission_min_range check (commission_min between 0 and 10000)
);
comment on table app.plans is 'The subscription plans: monthly price (GST included) and the commission on each payment the platform collects for a consultant on it (percent, at least the minimum; GST on top).';
alter table app.plans enable row level security;
create policy anyone_reads_plans on app.plans for select to nakksha_app, nakksha_app_admin, nakksha_worker using (true);
grant select on app.plans to nakksha_app, nakksha_app_admin, nakksha_worker;
create trigger plans_touch_updated_at before update on app.plans for each row execute function app.touch_updated_at();

-- The list kept in the settings (each code once; a blank name becomes the code's), with a commission by plan: the
-- more a plan costs, the less it takes per payment. A plan a consultant is on that the list had lost is kept too.
with listed as (
  select distinct on (p->>'code') p->>'code' as code, coalesce(nullif(btrim(p->>'name'), ''), initcap(p->>'code')) as name,
         coalesce((p->>'price_monthly')::numeric, 0) as price, o
  from app.platform_settings s, jsonb_array_elements(s.value) with ordinality as e(p, o)
  where s.key = 'plans' and jsonb_typeof(s.value) = 'array' and (p->>'code') ~ '^[a-z][a-z0-9_]{0,29}$'
  order by p->>'code', o),
wanted as (
  select code, name, price, o from listed
  union all
  select distinct c.subscription_plan, initcap(c.subscription_plan), 0, 100 from app.consultants c
  where c.subscription_plan not in (select code from listed)
  union all
  select 'free', 'Free', 0, 0 where not exists (select 1 from listed where code = 'free'))
insert into app.plans (code, name, price_monthly, commission_percent, commission_min, position)
select code, name, price,
       case code when 'basic' then 7 when 'pro' then 5 when 'enterprise' then 3 else 10 end,
       case code when 'pro' then 5 when 'enterprise' then 0 else 10 end, o
from wanted;
delete from app.platform_settings where key = 'plans';
insert into app.platform_settings (key, value, description) values
  ('commission_gst_percent', '18', 'GST on the platform''s commission, percent (SAC 9985; docs/gst.md).')
on conflict (key) do nothing;

alter table app.consultants drop constraint consultants_subscription_plan_valid;
alter table app.consultants add constraint consultants_subscription_plan_fkey
  foreign key (subscription_plan) references app.plans (code) on update cascade on delete restrict;

-- The commission fixed at capture (app.record_commission): the plan and rates then in force and the amounts.
alter table app.payment_transactions
  add column commission_plan text,
  add column commission_percent numeric(5, 2),
  add column commission_min numeric(10, 2),
  add column commission_gst_percent numeric(5, 2),
  add column commission numeric(12, 2),
  add column commission_gst numeric(12, 2),
  add constraint payment_transactions_commission_fits check (
    (commission is null and commission_gst is null)
    or (commission >= 0 and commission_gst >= 0 and commission + commission_gst <= amount
        and commission_plan is not null and commission_percent is not null and commission_gst_percent is not null));
comment on column app.payment_transactions.commission is 'The platform''s commission on this payment, fixed when it was captured (its plan''s rates then), never recomputed; NULL for money the platform did not collect.';
comment on column app.payment_transactions.commission_gst is 'GST on the commission (commission_gst_percent of it), charged to the consultant.';

create table app.ledger_entries (
  id bigint generated always as identity primary key,
  consultant_id uuid not null references app.consultants (id) on delete restrict,
  kind text not null,
  bucket text not null default 'due',
  amount numeric(12, 2) not null,
  payment_id uuid not null,
  refund_id uuid references app.payment_refunds (id) on delete restrict,
  occurred_at timestamptz not null,
  created_at timestamptz not null default now(),
  -- An entry is its payment's consultant's: the tenant key, not the id alone.
  constraint ledger_entries_payment_fkey foreign key (consultant_id, payment_id)
    references app.payment_transactions (consultant_id, id) on delete restrict,
  constraint ledger_entries_kind_valid check (kind in ('captured', 'commission', 'commission_gst', 'refund',
    'commission_refund', 'commission_gst_refund')),
  constraint ledger_entries_bucket_valid check (bucket in ('due', 'held', 'transferred', 'settled')),
  constraint ledger_entries_cause check (
    (kind in ('captured', 'commission', 'commission_gst') and refund_id is null)
    or (kind in ('refund', 'commission_refund', 'commission_gst_refund') and refund_id is not null)),
  -- One entry of a kind per cause: a replayed webhook or a retried job writes nothing twice.
  constraint ledger_entries_once unique nulls not distinct (payment_id, refund_id, kind)
);
comment on table app.ledger_entries is 'What the platform owes each consultant, append-only: each entry tied to the payment or refund that caused it, signed (positive: owed to the consultant), in the balance it moves (due: not yet transferred). Balances are sums of it (docs/payments.md).';
create index ledger_entries_consultant_idx on app.ledger_entries (consultant_id, occurred_at);
create index ledger_entries_refund_idx on app.ledger_entries (refund_id) where refund_id is not null;
alter table app.ledger_entries enable row level security;
create policy consultant_reads_own_ledger_entries on app.ledger_entries for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy admin_reads_ledger_entries on app.ledger_entries for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_steps on app.ledger_entries to nakksha_worker using (true) with check (true);
grant select on app.ledger_entries to nakksha_app, nakksha_app_admin;
-- The worker settles refunds as itself: the entries their triggers write are its inserts.
grant select, insert on app.ledger_entries to nakksha_worker;
create trigger ledger_entries_append_only before update or delete on app.ledger_entries
  for each row execute function app.refuse_ledger_change();

create trigger payment_transactions_record_commission before insert or update on app.payment_transactions
  for each row execute function app.record_commission();
-- After any update: the commission is set by the trigger above, which an UPDATE OF column list would not see.
create trigger payment_transactions_ledger after insert or update on app.payment_transactions
  for each row execute function app.ledger_capture();
create trigger payment_refunds_ledger after insert or update of status on app.payment_refunds
  for each row execute function app.ledger_refund();

-- Backfill: every payment already captured gets its commission (the consultant's plan today) and its entries,
-- then every refund already processed, oldest first (the triggers above write them).
-- (updated_at is left as it was: the backfill changes what was recorded, not the payment.)
alter table app.payment_transactions disable trigger payment_transactions_touch_updated_at;
update app.payment_transactions set commission = null
where status in ('completed', 'partially_refunded', 'refunded') and app.platform_collects(gateway, purpose);
alter table app.payment_transactions enable trigger payment_transactions_touch_updated_at;
do $$
declare
  v_id uuid;
begin
  for v_id in select r.id from app.payment_refunds r where r.status = 'processed' order by r.processed_at, r.id loop
    perform app.ledger_refund_entries(v_id);
  end loop;
end;
$$;

-- migrate:down
drop trigger payment_refunds_ledger on app.payment_refunds;
drop trigger payment_transactions_ledger on app.payment_transactions;
drop trigger payment_transactions_record_commission on app.payment_transactions;
drop table app.ledger_entries;
alter table app.payment_transactions drop constraint payment_transactions_commission_fits,
  drop column commission_plan, drop column commission_percent, drop column commission_min,
  drop column commission_gst_percent, drop column commission, drop column commission_gst;
alter table app.consultants drop constraint consultants_subscription_plan_fkey;
insert into app.platform_settings (key, value, description)
select 'plans', jsonb_agg(jsonb_build_object('code', code, 'name', name, 'price_monthly', price_monthly)
                          order by position, code), 'Subscription plans, prices in INR per month.'
from app.plans;
delete from app.platform_settings where key = 'commission_gst_percent';
update app.consultants set subscription_plan = 'free'
where subscription_plan not in ('free', 'basic', 'pro', 'enterprise');
alter table app.consultants add constraint consultants_subscription_plan_valid
  check (subscription_plan = any (array['free', 'basic', 'pro', 'enterprise']));
drop table app.plans;

-- Test: pytest tests/db/test_ledger.py tests/meta/test_migrations.py
