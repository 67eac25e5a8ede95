-- db/dev/local_gateway.sql — the local payment gateway (development and tests without Razorpay keys): its tables and functions in schema dev, which `nakksha migrate` makes only when NAKKSHA_ENV is development or test, after the schema dump (db/schema.sql is the production schema).
-- Razorpay's API in miniature, behind app/adapters/payments.py's LocalGateway: orders, a checkout page that pays
-- or declines, signed webhooks delivered by a job, refunds idempotent by key. The tables keep their rows from one
-- migrate to the next (create if not exists); the functions are re-created. Functions run as the owner (they
-- read the booking a checkout page shows, across tenants): this schema never exists in production.

create schema if not exists dev;
comment on schema dev is 'Development and tests only: the local payment gateway (db/dev/local_gateway.sql). Never in production.';
revoke all on schema dev from public;
grant usage on schema dev to nakksha_app, nakksha_worker;

create table if not exists dev.local_gateway_orders (
    id text NOT NULL,
    amount_paise bigint NOT NULL,
    currency text NOT NULL,
    receipt text,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'created'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_orders_pkey PRIMARY KEY (id),
    CONSTRAINT local_gateway_orders_amount_range CHECK ((amount_paise > 0)),
    CONSTRAINT local_gateway_orders_id_format CHECK ((id ~ '^order_[A-Za-z0-9]{14}$'::text)),
    CONSTRAINT local_gateway_orders_status_valid CHECK ((status = ANY (ARRAY['created'::text, 'attempted'::text, 'paid'::text])))
);

comment on table dev.local_gateway_orders is 'The local test gateway''s orders (development without Razorpay keys).';

create table if not exists dev.local_gateway_payments (
    id text NOT NULL,
    order_id text NOT NULL,
    amount_paise bigint NOT NULL,
    currency text NOT NULL,
    status text NOT NULL,
    method text NOT NULL,
    error_code text,
    error_description text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_payments_pkey PRIMARY KEY (id),
    CONSTRAINT local_gateway_payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES dev.local_gateway_orders(id) ON DELETE CASCADE,
    CONSTRAINT local_gateway_payments_id_format CHECK ((id ~ '^pay_[A-Za-z0-9]{14}$'::text)),
    CONSTRAINT local_gateway_payments_status_valid CHECK ((status = ANY (ARRAY['captured'::text, 'failed'::text])))
);

comment on table dev.local_gateway_payments is 'The local test gateway''s payments: one row per attempt on the checkout page.';

create table if not exists dev.local_gateway_refunds (
    id text NOT NULL,
    payment_id text NOT NULL,
    amount_paise bigint NOT NULL,
    idempotency_key text NOT NULL,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_refunds_pkey PRIMARY KEY (id),
    CONSTRAINT local_gateway_refunds_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT local_gateway_refunds_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES dev.local_gateway_payments(id) ON DELETE CASCADE,
    CONSTRAINT local_gateway_refunds_amount_range CHECK ((amount_paise > 0)),
    CONSTRAINT local_gateway_refunds_id_format CHECK ((id ~ '^rfnd_[A-Za-z0-9]{14}$'::text))
);

comment on table dev.local_gateway_refunds is 'The local test gateway''s refunds, unique by idempotency key like Razorpay''s X-Refund-Idempotency.';

create index if not exists local_gateway_payments_order_idx on dev.local_gateway_payments (order_id);

create index if not exists local_gateway_refunds_payment_idx on dev.local_gateway_refunds (payment_id);

create or replace function dev.local_payment_json(p_p dev.local_gateway_payments)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object('id', p_p.id, 'entity', 'payment', 'amount', p_p.amount_paise, 'currency', p_p.currency,
    'status', p_p.status, 'order_id', p_p.order_id, 'method', p_p.method, 'captured', p_p.status = 'captured',
    'error_code', p_p.error_code, 'error_description', p_p.error_description,
    'created_at', extract(epoch from p_p.created_at)::bigint)
$$;
comment on function dev.local_payment_json is 'A local gateway payment, shaped like Razorpay''s payment entity.';

create or replace function dev.local_gateway_create_order(p_id text, p_amount_paise bigint, p_currency text,
                                                          p_receipt text, p_notes jsonb)
returns jsonb
language sql volatile security definer
set search_path = ''
as $$
  insert into dev.local_gateway_orders (id, amount_paise, currency, receipt, notes)
  values (p_id, p_amount_paise, p_currency, p_receipt, coalesce(p_notes, '{}'))
  returning jsonb_build_object('id', id, 'entity', 'order', 'amount', amount_paise, 'currency', currency,
                               'receipt', receipt, 'status', status, 'notes', notes)
$$;
comment on function dev.local_gateway_create_order is 'Local gateway: create an order.';

create or replace function dev.local_gateway_checkout(p_order_id text)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object('order_id', o.id, 'amount_paise', o.amount_paise, 'currency', o.currency,
    'status', o.status, 'amount', (o.amount_paise / 100.0)::numeric(12, 2)::text,
    'consultant_name', c.first_name || ' ' || c.last_name, 'title', s.title, 'starts_at', s.starts_at,
    'timezone', c.timezone, 'client_name', coalesce(s.client_name, cl.name), 'client_email', cl.email::text)
  from dev.local_gateway_orders o
  left join app.payment_transactions t on t.gateway = 'local' and t.gateway_order_id = o.id
  left join app.sessions s on s.id = t.session_id
  left join app.consultants c on c.id = t.consultant_id
  left join app.clients cl on cl.id = t.client_id
  where o.id = p_order_id
$$;
comment on function dev.local_gateway_checkout is 'Local gateway: what the local checkout page shows for an order.';

create or replace function dev.local_gateway_pay(p_order_id text, p_payment_id text, p_outcome text, p_method text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_o dev.local_gateway_orders;
  v_p dev.local_gateway_payments;
begin
  select * into v_o from dev.local_gateway_orders where id = p_order_id for update;
  if v_o.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such order.';
  end if;
  if v_o.status = 'paid' then
    raise exception using errcode = 'NK409', message = 'order_already_paid', detail = 'This order is paid.';
  end if;
  insert into dev.local_gateway_payments (id, order_id, amount_paise, currency, status, method, error_code, error_description)
  values (p_payment_id, v_o.id, v_o.amount_paise, v_o.currency, case when p_outcome = 'success' then 'captured' else 'failed' end,
          p_method, case when p_outcome <> 'success' then 'BAD_REQUEST_ERROR' end,
          case when p_outcome <> 'success' then 'Payment declined at the local checkout' end)
  returning * into v_p;
  update dev.local_gateway_orders set status = case when p_outcome = 'success' then 'paid' else 'attempted' end
  where id = v_o.id returning * into v_o;
  -- The order's Route transfers happen with the capture (db/dev/local_route.sql).
  if p_outcome = 'success' then
    perform dev.local_route_capture(v_p.id);
  end if;
  -- What Razorpay would send: payment.captured and order.paid, or payment.failed, delivered (signed) to our
  -- own webhook by a job, queued with the payment.
  perform app_private.defer_job('deliver_local_webhook', jsonb_build_object(
      'event_id', 'evt_' || left(replace(gen_random_uuid()::text, '-', ''), 14),
      'payload', jsonb_build_object('entity', 'event', 'account_id', 'acc_local', 'event', e.event,
        'contains', e.contains, 'created_at', extract(epoch from now())::bigint,
        'payload', jsonb_build_object('payment', jsonb_build_object('entity', dev.local_payment_json(v_p)))
                   || case when e.event = 'order.paid' then jsonb_build_object('order', jsonb_build_object('entity',
                        jsonb_build_object('id', v_o.id, 'entity', 'order', 'amount', v_o.amount_paise,
                                           'amount_paid', v_o.amount_paise, 'amount_due', 0, 'currency', v_o.currency,
                                           'receipt', v_o.receipt, 'status', 'paid', 'notes', v_o.notes)))
                        else '{}' end)), 'payments')
  from (values ('payment.captured', '["payment"]'::jsonb, 1), ('order.paid', '["payment", "order"]'::jsonb, 2),
               ('payment.failed', '["payment"]'::jsonb, 3)) as e(event, contains, n)
  where (p_outcome = 'success') = (e.n < 3);
  return dev.local_payment_json(v_p);
end;
$$;
comment on function dev.local_gateway_pay is 'Local gateway: a person pays (or fails to pay) an order on the local checkout page.';

create or replace function dev.local_gateway_payment(p_payment_id text)
returns jsonb
language sql stable security definer
set search_path = ''
as $$ select dev.local_payment_json(p) from dev.local_gateway_payments p where p.id = p_payment_id $$;
comment on function dev.local_gateway_payment is 'Local gateway: fetch a payment.';

create or replace function dev.local_gateway_order_payments(p_order_id text)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object('entity', 'collection', 'count', count(*),
    'items', coalesce(jsonb_agg(dev.local_payment_json(p) order by p.created_at), '[]'))
  from dev.local_gateway_payments p where p.order_id = p_order_id
$$;
comment on function dev.local_gateway_order_payments is 'Local gateway: the payments of an order.';

create or replace function dev.local_gateway_refund(p_payment_id text, p_refund_id text, p_amount_paise bigint,
                                                    p_idempotency_key text, p_notes jsonb)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_p dev.local_gateway_payments;
  v_r dev.local_gateway_refunds;
begin
  -- Like Razorpay: the same idempotency key is the same refund; never more than was captured.
  select * into v_r from dev.local_gateway_refunds where idempotency_key = p_idempotency_key;
  if v_r.id is null then
    select * into v_p from dev.local_gateway_payments where id = p_payment_id and status = 'captured' for update;
    if v_p.id is null then
      raise exception using errcode = 'NK400', message = 'payment_not_captured', detail = 'No captured payment with that id.';
    end if;
    if p_amount_paise + coalesce((select sum(amount_paise) from dev.local_gateway_refunds where payment_id = v_p.id), 0)
       > v_p.amount_paise then
      raise exception using errcode = 'NK400', message = 'refund_exceeds_payment',
        detail = 'The total refund amount is greater than the captured amount.';
    end if;
    insert into dev.local_gateway_refunds (id, payment_id, amount_paise, idempotency_key, notes)
    values (p_refund_id, v_p.id, p_amount_paise, p_idempotency_key, coalesce(p_notes, '{}'))
    returning * into v_r;
  end if;
  return jsonb_build_object('id', v_r.id, 'entity', 'refund', 'amount', v_r.amount_paise, 'payment_id', v_r.payment_id,
                            'notes', v_r.notes, 'status', 'processed', 'created_at', extract(epoch from v_r.created_at)::bigint);
end;
$$;
comment on function dev.local_gateway_refund is 'Local gateway: refund a captured payment, idempotent by key; processed at once.';

create or replace function dev.local_gateway_fetch_refund(p_refund_id text)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object('id', r.id, 'entity', 'refund', 'amount', r.amount_paise, 'payment_id', r.payment_id,
                            'notes', r.notes, 'status', 'processed')
  from dev.local_gateway_refunds r where r.id = p_refund_id
$$;
comment on function dev.local_gateway_fetch_refund is 'Local gateway: fetch a refund.';

revoke execute on all functions in schema dev from public;
grant execute on function dev.local_gateway_create_order(text, bigint, text, text, jsonb), dev.local_gateway_checkout(text),
  dev.local_gateway_pay(text, text, text, text), dev.local_gateway_payment(text), dev.local_gateway_order_payments(text),
  dev.local_gateway_refund(text, text, bigint, text, jsonb), dev.local_gateway_fetch_refund(text) to nakksha_app;
-- The worker's side of the gateway: refunds, and the reconciliation's look-ups of orders and payments.
grant execute on function dev.local_gateway_payment(text), dev.local_gateway_order_payments(text),
  dev.local_gateway_refund(text, text, bigint, text, jsonb), dev.local_gateway_fetch_refund(text) to nakksha_worker;


create or replace function dev.local_gateway_record_seed(p_consultant uuid)
returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_n integer;
begin
  -- `nakksha seed-demo` writes paid history straight into the tables; the local gateway learns those payments
  -- here, as if each had been paid on its checkout page (order paid, payment captured at paid_at) and each
  -- processed refund had gone through it: a later refund of a seeded payment then succeeds like any other.
  insert into dev.local_gateway_orders (id, amount_paise, currency, receipt, status, created_at)
  select t.gateway_order_id, (t.amount * 100)::bigint, 'INR', left(t.purpose || ':' || t.id::text, 40), 'paid',
         coalesce(t.paid_at, t.created_at)
  from app.payment_transactions t
  where t.consultant_id = p_consultant and t.gateway = 'local' and t.gateway_payment_id is not null
  on conflict (id) do nothing;
  insert into dev.local_gateway_payments (id, order_id, amount_paise, currency, status, method, created_at)
  select t.gateway_payment_id, t.gateway_order_id, (t.amount * 100)::bigint, 'INR', 'captured',
         coalesce(t.payment_method, 'upi'), coalesce(t.paid_at, t.created_at)
  from app.payment_transactions t
  where t.consultant_id = p_consultant and t.gateway = 'local' and t.gateway_payment_id is not null
  on conflict (id) do nothing;
  get diagnostics v_n = row_count;
  insert into dev.local_gateway_refunds (id, payment_id, amount_paise, idempotency_key, created_at)
  select r.gateway_refund_id, t.gateway_payment_id, (r.amount * 100)::bigint, 'seed:' || r.id::text,
         coalesce(r.processed_at, r.created_at)
  from app.payment_refunds r join app.payment_transactions t on t.id = r.transaction_id
  where r.consultant_id = p_consultant and t.gateway = 'local' and r.status = 'processed'
    and r.gateway_refund_id is not null and t.gateway_payment_id is not null
  on conflict do nothing;
  return v_n;
end;
$$;
comment on function dev.local_gateway_record_seed is 'Local gateway: record a seeded consultant''s local payments (captured) and processed refunds, so refunds of seeded payments succeed.';
-- Defined after the revoke above, so revoked here: the same privileges on the first migrate as on every later one
-- (a restored dump, migrated again, must not change: tests/faults/test_backup_restore.py).
revoke execute on function dev.local_gateway_record_seed(uuid) from public;

-- Test: pytest tests/http/test_payments_local.py tests/meta/test_migrations.py
