-- db/migrations/20261124101300_add_payment_flow.sql — payment and refund state machines, refund totals kept by the database, the local test gateway.

-- migrate:up
-- The manage link travels in the confirmation mail, which is queued later (when the payment arrives);
-- the link itself is never stored in clear, so it waits here encrypted for the worker (purpose email_link).
alter table app.sessions add column manage_link_encrypted text;
comment on column app.sessions.manage_link_encrypted is 'The client''s manage link, AES-GCM encrypted for the mails that carry it; only the worker decrypts it.';

-- When reconciliation last asked the gateway about this order (it backs off per row).
alter table app.payment_transactions add column last_checked_at timestamptz;
create index payment_transactions_reconcile_idx on app.payment_transactions (last_checked_at nulls first)
  where status in ('pending', 'failed', 'cancelled') and gateway_order_id is not null;
create index payment_refunds_pending_idx on app.payment_refunds (updated_at) where status = 'pending';

-- The payment lifecycle. pending: an order waits for its payment; failed: the last attempt failed (the
-- client may try again on the same order); cancelled: the order was given up. A capture can still arrive
-- for any of them (a late payment), so each may become completed; refunds move completed money onwards.
create function app.enforce_payment_transition() returns trigger
language plpgsql
as $$
begin
  if new.status = old.status then
    return new;
  end if;
  if (old.status, new.status) not in (
      ('pending', 'completed'), ('pending', 'failed'), ('pending', 'cancelled'),
      ('failed', 'completed'), ('failed', 'cancelled'), ('failed', 'pending'),
      ('cancelled', 'completed'),
      ('completed', 'partially_refunded'), ('completed', 'refunded'), ('partially_refunded', 'refunded')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s payment cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if new.status = 'completed' then
    new.paid_at := coalesce(new.paid_at, now());
  end if;
  return new;
end;
$$;
comment on function app.enforce_payment_transition() is 'Trigger: the payment lifecycle; any other status change is 409 invalid_transition.';

create trigger payment_transactions_enforce_transition before update of status on app.payment_transactions
  for each row execute function app.enforce_payment_transition();

-- Never more back than was paid: every refund (pending or processed) counts against the payment, checked
-- under the payment's row lock so two racing refunds cannot both fit.
create function app.guard_refund() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_other numeric(10, 2);
begin
  if tg_op = 'UPDATE' and old.status <> new.status and (old.status, new.status) not in
      (('pending', 'processed'), ('pending', 'failed')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s refund cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if new.status = 'processed' then
    new.processed_at := coalesce(new.processed_at, now());
  end if;
  select * into v_t from app.payment_transactions where id = new.transaction_id for update;
  if tg_op = 'INSERT' and v_t.status not in ('completed', 'partially_refunded') then
    raise exception using errcode = 'NK409', message = 'payment_not_refundable',
      detail = format('A %s payment cannot be refunded.', v_t.status);
  end if;
  select coalesce(sum(r.amount), 0) into v_other from app.payment_refunds r
  where r.transaction_id = new.transaction_id and r.status <> 'failed' and r.id <> new.id;
  if new.status <> 'failed' and v_other + new.amount > v_t.amount then
    raise exception using errcode = 'NK409', message = 'refund_exceeds_payment', hint = 'field:amount',
      detail = format('At most %s can still be refunded.', v_t.amount - v_other);
  end if;
  return new;
end;
$$;
comment on function app.guard_refund() is 'Trigger: refunds of a payment never add up to more than it; refund lifecycle pending → processed | failed.';
revoke execute on function app.guard_refund() from public;

create trigger payment_refunds_guard before insert or update of amount, status on app.payment_refunds
  for each row execute function app.guard_refund();

-- What was given back is the sum of processed refunds; the payment and its session follow from it, the
-- same way whichever path (job, webhook, reconciliation, psql) settled the refund.
create function app.apply_refund_totals() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_refunded numeric(10, 2);
  v_status text;
begin
  select * into v_t from app.payment_transactions where id = new.transaction_id for update;
  select coalesce(sum(r.amount), 0) into v_refunded from app.payment_refunds r
  where r.transaction_id = v_t.id and r.status = 'processed';
  v_status := case when v_refunded >= v_t.amount then 'refunded'
                   when v_refunded > 0 then 'partially_refunded' else v_t.status end;
  update app.payment_transactions set amount_refunded = v_refunded, status = v_status
  where id = v_t.id and (amount_refunded, status) is distinct from (v_refunded, v_status);
  -- The session follows the payment that paid for it (a duplicate payment's refund leaves it alone): a
  -- cancelled session whose money is all back is `returned`; a completed one stays completed.
  if v_t.session_id is not null and not coalesce((v_t.metadata->>'duplicate')::boolean, false) and v_refunded > 0 then
    update app.sessions set
      payment_status = case when v_status = 'refunded' then 'refunded' else 'partially_refunded' end,
      status = case when status = 'cancelled' and v_status = 'refunded' then 'returned' else status end
    where id = v_t.session_id;
  end if;
  return null;
end;
$$;
comment on function app.apply_refund_totals() is 'Trigger: amount_refunded, the payment''s and the session''s statuses follow the processed refunds.';
revoke execute on function app.apply_refund_totals() from public;

create trigger payment_refunds_apply_totals after insert or update of status on app.payment_refunds
  for each row execute function app.apply_refund_totals();

-- The local gateway (no Razorpay keys configured): orders, payments and refunds with Razorpay-shaped ids,
-- kept in the database so every process (web, worker) sees the same "provider". Reached only through
-- api.local_gateway_* functions; no policy lets a web role read the tables.
create table app.local_gateway_orders (
  id text primary key,
  amount_paise bigint not null,
  currency text not null,
  receipt text,
  notes jsonb not null default '{}',
  status text not null default 'created',
  created_at timestamptz not null default now(),
  constraint local_gateway_orders_id_format check (id ~ '^order_[A-Za-z0-9]{14}$'),
  constraint local_gateway_orders_amount_range check (amount_paise > 0),
  constraint local_gateway_orders_status_valid check (status in ('created', 'attempted', 'paid'))
);
comment on table app.local_gateway_orders is 'The local test gateway''s orders (development without Razorpay keys).';

create table app.local_gateway_payments (
  id text primary key,
  order_id text not null,
  amount_paise bigint not null,
  currency text not null,
  status text not null,
  method text not null,
  error_code text,
  error_description text,
  created_at timestamptz not null default now(),
  constraint local_gateway_payments_id_format check (id ~ '^pay_[A-Za-z0-9]{14}$'),
  constraint local_gateway_payments_status_valid check (status in ('captured', 'failed')),
  constraint local_gateway_payments_order_id_fkey foreign key (order_id)
    references app.local_gateway_orders (id) on delete cascade
);
comment on table app.local_gateway_payments is 'The local test gateway''s payments: one row per attempt on the checkout page.';
create index local_gateway_payments_order_idx on app.local_gateway_payments (order_id);

create table app.local_gateway_refunds (
  id text primary key,
  payment_id text not null,
  amount_paise bigint not null,
  idempotency_key text not null,
  notes jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint local_gateway_refunds_id_format check (id ~ '^rfnd_[A-Za-z0-9]{14}$'),
  constraint local_gateway_refunds_amount_range check (amount_paise > 0),
  constraint local_gateway_refunds_idempotency_key_key unique (idempotency_key),
  constraint local_gateway_refunds_payment_id_fkey foreign key (payment_id)
    references app.local_gateway_payments (id) on delete cascade
);
comment on table app.local_gateway_refunds is 'The local test gateway''s refunds, unique by idempotency key like Razorpay''s X-Refund-Idempotency.';
create index local_gateway_refunds_payment_idx on app.local_gateway_refunds (payment_id);

alter table app.local_gateway_orders enable row level security;
alter table app.local_gateway_payments enable row level security;
alter table app.local_gateway_refunds enable row level security;

-- migrate:down
drop table app.local_gateway_refunds, app.local_gateway_payments, app.local_gateway_orders;
drop trigger payment_refunds_apply_totals on app.payment_refunds;
drop function app.apply_refund_totals();
drop trigger payment_refunds_guard on app.payment_refunds;
drop function app.guard_refund();
drop trigger payment_transactions_enforce_transition on app.payment_transactions;
drop function app.enforce_payment_transition();
drop index app.payment_refunds_pending_idx;
alter table app.payment_transactions drop column last_checked_at;
alter table app.sessions drop column manage_link_encrypted;
