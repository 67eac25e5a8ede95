-- db/dev/local_subscriptions.sql — Razorpay Subscriptions in miniature for the local gateway (development and tests without Razorpay keys): plans, subscriptions, their invoices and charges, on a simulated clock; schema dev only.
-- Behind app/adapters/subscriptions.py's LocalSubscriptions (LocalGateway). Applied after db/dev/local_route.sql
-- (files run in name order; its local_route_refuse/must_exist/collection/epoch helpers are reused), only when
-- NAKKSHA_ENV is development or test. Tables keep their rows; functions are re-created. The behaviour follows
-- Razorpay's docs as tests/fake_razorpay_subscriptions.py does (docs/payments.md, "Subscriptions (issue 22)").
-- What a person, the bank and time do, here by hand (psql or a test):
--  * dev.local_sub_authenticate(id, 'card'|'upi'|'emandate'): the checkout step; starting at once it is the first
--    charge (active), with a future start_at it is authenticated until then;
--  * dev.local_sub_charge(id, 'success'|'failure'): the due cycle is charged now (the clock moves to it if ahead);
--    failures go pending (retried the next day) and halted after 3; a halted one's cycles are invoiced, not charged;
--  * dev.local_sub_advance(interval): the clock moves on and every due subscription is charged (successfully);
--  * dev.local_sub_start_clock(at): before any subscription, start the clock in the past (a month that has run out);
--  * dev.local_sub_pay_invoice(invoice id) pays a halted invoice by hand; dev.local_sub_reactivate(id) is a new card.
-- Each change queues the subscription.* webhook Razorpay would send (deliver_local_webhook), with the payment.

create table if not exists dev.local_sub_clock (
    id boolean DEFAULT true NOT NULL,
    offset_seconds bigint DEFAULT 0 NOT NULL,
    CONSTRAINT local_sub_clock_pkey PRIMARY KEY (id),
    CONSTRAINT local_sub_clock_one_row CHECK (id)
);
comment on table dev.local_sub_clock is 'The local subscriptions'' simulated clock: now() plus this many seconds (negative when started in the past; only ever moves on).';

create table if not exists dev.local_sub_plans (
    id text NOT NULL,
    period text NOT NULL,
    "interval" integer NOT NULL,
    item jsonb NOT NULL,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_sub_plans_pkey PRIMARY KEY (id),
    CONSTRAINT local_sub_plans_period_valid CHECK ((period = ANY (ARRAY['daily'::text, 'weekly'::text, 'monthly'::text, 'quarterly'::text, 'yearly'::text])))
);
comment on table dev.local_sub_plans is 'The local gateway''s plans (POST /v1/plans); never updated, as Razorpay''s cannot be.';

create table if not exists dev.local_subscriptions (
    id text NOT NULL,
    plan_id text NOT NULL,
    status text DEFAULT 'created'::text NOT NULL,
    total_count integer NOT NULL,
    paid_count integer DEFAULT 0 NOT NULL,
    quantity integer DEFAULT 1 NOT NULL,
    customer_notify boolean DEFAULT true NOT NULL,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    customer_id text,
    payment_method text,
    start_at timestamp with time zone,
    expire_by timestamp with time zone,
    current_start timestamp with time zone,
    current_end timestamp with time zone,
    charge_at timestamp with time zone,
    ended_at timestamp with time zone,
    paused_at timestamp with time zone,
    auth_attempts integer DEFAULT 0 NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    cancel_at_cycle_end boolean DEFAULT false NOT NULL,
    next_plan_id text,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT local_subscriptions_pkey PRIMARY KEY (id),
    CONSTRAINT local_subscriptions_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES dev.local_sub_plans(id),
    CONSTRAINT local_subscriptions_status_valid CHECK ((status = ANY (ARRAY['created'::text, 'authenticated'::text,
      'active'::text, 'pending'::text, 'halted'::text, 'cancelled'::text, 'completed'::text, 'expired'::text, 'paused'::text])))
);
comment on table dev.local_subscriptions is 'The local gateway''s subscriptions (POST /v1/subscriptions) and their simulated state.';

create table if not exists dev.local_sub_invoices (
    id text NOT NULL,
    subscription_id text NOT NULL,
    order_id text,
    payment_id text,
    status text DEFAULT 'issued'::text NOT NULL,
    amount_paise bigint NOT NULL,
    billing_start timestamp with time zone NOT NULL,
    billing_end timestamp with time zone NOT NULL,
    paid_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT local_sub_invoices_pkey PRIMARY KEY (id),
    CONSTRAINT local_sub_invoices_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES dev.local_subscriptions(id) ON DELETE CASCADE,
    CONSTRAINT local_sub_invoices_status_valid CHECK ((status = ANY (ARRAY['issued'::text, 'paid'::text])))
);
comment on table dev.local_sub_invoices is 'The local gateway''s subscription invoices, one per cycle; their payments are local gateway payments.';
create index if not exists local_sub_invoices_subscription_idx on dev.local_sub_invoices (subscription_id, created_at);

-- The clock, ids and entities -------------------------------------------------------------------------------------

create or replace function dev.local_sub_now()
returns timestamptz language sql stable set search_path = '' as $$
  select now() + make_interval(secs => coalesce((select offset_seconds from dev.local_sub_clock), 0))
$$;
comment on function dev.local_sub_now is 'Local subscriptions: the simulated time.';

create or replace function dev.local_sub_move_clock(p_to timestamptz)
returns void language sql volatile set search_path = '' as $$
  -- Never back from the simulated time, which may run behind the real one (dev.local_sub_start_clock); whole seconds
  -- rounded up, so the simulated now is at or after p_to (rounded, it could land half a second before a cycle's end).
  insert into dev.local_sub_clock (id, offset_seconds) values (true, greatest(0, ceil(extract(epoch from p_to - now()))::bigint))
  on conflict (id) do update
  set offset_seconds = greatest(dev.local_sub_clock.offset_seconds, ceil(extract(epoch from p_to - now()))::bigint)
$$;
comment on function dev.local_sub_move_clock is 'Local subscriptions: move the simulated clock on to a time (never back).';

create or replace function dev.local_sub_start_clock(p_at timestamptz)
returns void language plpgsql volatile set search_path = '' as $$
begin
  -- The app reads the real clock (a plan holds until paid_until + grace of now()), so a story in which a paid month
  -- runs out — charged, failed, fallen back — starts the simulated clock that far in the past; only before any
  -- subscription was simulated, so no simulated history ever runs backwards.
  if exists (select from dev.local_subscriptions) then
    perform dev.local_route_refuse('clock_started', 'The simulated clock starts before any subscription.');
  end if;
  insert into dev.local_sub_clock (id, offset_seconds) values (true, extract(epoch from p_at - now())::bigint)
  on conflict (id) do update set offset_seconds = excluded.offset_seconds;
end;
$$;
comment on function dev.local_sub_start_clock is 'Local subscriptions: start the simulated clock at a time, past or future, before any subscription exists.';

create or replace function dev.local_sub_rid(p_prefix text)
returns text language sql volatile set search_path = '' as $$
  select p_prefix || '_' || left(replace(gen_random_uuid()::text, '-', ''), 14)
$$;
comment on function dev.local_sub_rid is 'Local subscriptions: a Razorpay-shaped id (prefix and 14 alphanumerics).';

create or replace function dev.local_sub_add_period(p_t timestamptz, p_period text, p_interval integer)
returns timestamptz language sql immutable set search_path = '' as $$
  select (p_t at time zone 'UTC' + case p_period
    when 'daily' then make_interval(days => p_interval) when 'weekly' then make_interval(weeks => p_interval)
    when 'monthly' then make_interval(months => p_interval) when 'quarterly' then make_interval(months => 3 * p_interval)
    else make_interval(years => p_interval) end) at time zone 'UTC'
$$;
comment on function dev.local_sub_add_period is 'Local subscriptions: the end of a cycle starting at a time (calendar months in UTC).';

create or replace function dev.local_sub_plan_json(p_p dev.local_sub_plans)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object('id', p_p.id, 'entity', 'plan', 'period', p_p.period, 'interval', p_p."interval",
    'item', p_p.item || jsonb_build_object('id', 'item_' || right(p_p.id, 14), 'active', true, 'type', 'plan',
      'unit_amount', p_p.item->'amount', 'tax_inclusive', false, 'created_at', dev.local_route_epoch(p_p.created_at)),
    'notes', p_p.notes, 'created_at', dev.local_route_epoch(p_p.created_at))
$$;
comment on function dev.local_sub_plan_json is 'Local subscriptions: a plan entity.';

create or replace function dev.local_sub_json(p_s dev.local_subscriptions)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object('id', p_s.id, 'entity', 'subscription', 'plan_id', p_s.plan_id, 'status', p_s.status,
    'customer_id', p_s.customer_id, 'current_start', dev.local_route_epoch(p_s.current_start),
    'current_end', dev.local_route_epoch(p_s.current_end), 'ended_at', dev.local_route_epoch(p_s.ended_at),
    'quantity', p_s.quantity, 'notes', p_s.notes, 'charge_at', dev.local_route_epoch(p_s.charge_at),
    'start_at', dev.local_route_epoch(p_s.start_at), 'end_at', null, 'auth_attempts', p_s.auth_attempts,
    'total_count', p_s.total_count, 'paid_count', p_s.paid_count, 'remaining_count', p_s.total_count - p_s.paid_count,
    'customer_notify', p_s.customer_notify, 'created_at', dev.local_route_epoch(p_s.created_at),
    'expire_by', dev.local_route_epoch(p_s.expire_by), 'paused_at', dev.local_route_epoch(p_s.paused_at),
    'short_url', 'http://localhost/dev/subscriptions/' || p_s.id, 'source', 'api', 'payment_method', p_s.payment_method,
    'has_scheduled_changes', p_s.next_plan_id is not null,
    'change_scheduled_at', case when p_s.next_plan_id is not null then dev.local_route_epoch(p_s.current_end) end)
$$;
comment on function dev.local_sub_json is 'Local subscriptions: a subscription entity (payment_method once known).';

create or replace function dev.local_sub_invoice_json(p_i dev.local_sub_invoices)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object('id', p_i.id, 'entity', 'invoice', 'subscription_id', p_i.subscription_id,
    'order_id', p_i.order_id, 'payment_id', p_i.payment_id, 'status', p_i.status, 'amount', p_i.amount_paise,
    'amount_paid', case when p_i.status = 'paid' then p_i.amount_paise else 0 end,
    'amount_due', case when p_i.status = 'paid' then 0 else p_i.amount_paise end, 'currency', 'INR',
    'billing_start', dev.local_route_epoch(p_i.billing_start), 'billing_end', dev.local_route_epoch(p_i.billing_end),
    'paid_at', dev.local_route_epoch(p_i.paid_at), 'created_at', dev.local_route_epoch(p_i.created_at))
$$;
comment on function dev.local_sub_invoice_json is 'Local subscriptions: an invoice entity.';

create or replace function dev.local_sub_row(p_id text, p_lock boolean default false)
returns dev.local_subscriptions language plpgsql volatile set search_path = '' as $$
declare
  v_s dev.local_subscriptions;
begin
  if p_lock then
    select * into v_s from dev.local_subscriptions where id = p_id for update;
  else
    select * into v_s from dev.local_subscriptions where id = p_id;
  end if;
  perform dev.local_route_must_exist(v_s.id);
  return v_s;
end;
$$;
comment on function dev.local_sub_row is 'Local subscriptions: a subscription by id (locked when asked), or Razorpay''s not_found.';

create or replace function dev.local_sub_event(p_event text, p_id text, p_payment jsonb default null)
returns void language sql volatile set search_path = '' as $$
  -- As Razorpay sends it (https://razorpay.com/docs/webhooks/subscriptions/): the subscription entity and, when a
  -- payment was attempted, the payment entity; delivered signed by the deliver_local_webhook job.
  select app_private.defer_job('deliver_local_webhook', jsonb_build_object(
    'event_id', dev.local_sub_rid('evt'),
    'payload', jsonb_build_object('entity', 'event', 'account_id', 'acc_Local0000000000', 'event', p_event,
      'contains', case when p_payment is null then '["subscription"]'::jsonb else '["subscription", "payment"]' end,
      'created_at', dev.local_route_epoch(dev.local_sub_now()),
      'payload', jsonb_build_object('subscription', jsonb_build_object('entity',
                   (select dev.local_sub_json(s) from dev.local_subscriptions s where s.id = p_id)))
                 || case when p_payment is null then '{}' else jsonb_build_object('payment',
                      jsonb_build_object('entity', p_payment)) end)), 'payments')
$$;
comment on function dev.local_sub_event is 'Local subscriptions: queue the subscription.* webhook Razorpay would send now.';

-- Test: pytest tests/http/test_subscriptions_adapter.py tests/meta/test_migrations.py
