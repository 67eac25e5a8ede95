-- db/migrations/20261124100400_create_quotations_and_payments.sql — quotations, payment transactions and refunds.

-- migrate:up
create table app.quotations (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  client_id uuid,
  client_name text not null,
  client_email public.citext not null,
  quotation_name text not null,
  description text,
  base_amount numeric(10, 2) not null,
  discount_percentage numeric(5, 2) not null default 0,
  -- Computed by the database, rounded to paise half up (round() on numeric rounds half away from zero,
  -- which is half up for the non-negative amounts the checks allow); it cannot disagree with its inputs.
  final_amount numeric(10, 2) generated always as (round(base_amount * (100 - discount_percentage) / 100, 2)) stored,
  currency text not null default 'INR',
  validity_period text,
  expires_at timestamptz,
  status text not null default 'draft',
  notes text,
  quotation_image_url text,
  public_token_hash bytea,
  view_count integer not null default 0,
  last_viewed_at timestamptz,
  sent_at timestamptz,
  responded_at timestamptz,
  response_reason text,
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint quotations_tenant_key unique (consultant_id, id),
  constraint quotations_public_token_hash_key unique (public_token_hash),
  constraint quotations_client_name_length check (length(btrim(client_name)) between 1 and 200),
  constraint quotations_client_email_lowercase check (client_email::text = lower(client_email::text)),
  constraint quotations_client_email_format check (client_email::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  constraint quotations_quotation_name_length check (length(btrim(quotation_name)) between 1 and 200),
  constraint quotations_description_length check (length(description) <= 20000),
  constraint quotations_base_amount_range check (base_amount >= 0),
  constraint quotations_discount_range check (discount_percentage between 0 and 100),
  constraint quotations_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint quotations_status_valid check (status in ('draft', 'sent', 'viewed', 'accepted', 'rejected', 'expired')),
  constraint quotations_view_count_range check (view_count >= 0),
  constraint quotations_public_token_hash_length check (length(public_token_hash) = 32),
  constraint quotations_sent_has_token check (status = 'draft' or (sent_at is not null and public_token_hash is not null)),
  constraint quotations_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete restrict,
  constraint quotations_client_id_fkey foreign key (consultant_id, client_id)
    references app.clients (consultant_id, id) on delete set null (client_id)
);
comment on table app.quotations is 'Priced proposals to a client; final_amount is derived from base_amount and discount_percentage.';
create index quotations_consultant_status_idx on app.quotations (consultant_id, status, created_at);
create index quotations_expiry_idx on app.quotations (expires_at) where status in ('sent', 'viewed');
create trigger quotations_touch_updated_at before update on app.quotations
  for each row execute function app.touch_updated_at();

-- General enough for session, quotation and (later) subscription payments: purpose says which.
create table app.payment_transactions (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  purpose text not null,
  session_id uuid,
  quotation_id uuid,
  client_id uuid,
  amount numeric(10, 2) not null,
  currency text not null default 'INR',
  amount_refunded numeric(10, 2) not null default 0,
  gateway text not null,
  gateway_order_id text,
  gateway_payment_id text,
  gateway_signature text,
  payment_method text,
  status text not null default 'pending',
  failure_reason text,
  paid_at timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payment_transactions_tenant_key unique (consultant_id, id),
  constraint payment_transactions_gateway_order_id_key unique (gateway, gateway_order_id),
  constraint payment_transactions_gateway_payment_id_key unique (gateway, gateway_payment_id),
  constraint payment_transactions_purpose_valid check (purpose in ('session', 'quotation', 'subscription')),
  constraint payment_transactions_purpose_target check (
    (purpose = 'session' and session_id is not null and quotation_id is null)
    or (purpose = 'quotation' and quotation_id is not null and session_id is null)
    or (purpose = 'subscription' and session_id is null and quotation_id is null)),
  constraint payment_transactions_amount_range check (amount >= 0),
  constraint payment_transactions_amount_refunded_range check (amount_refunded between 0 and amount),
  constraint payment_transactions_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint payment_transactions_gateway_valid check (gateway in ('razorpay', 'local', 'cash', 'bank_transfer', 'upi_direct')),
  constraint payment_transactions_status_valid check (status in
    ('pending', 'completed', 'failed', 'refunded', 'partially_refunded', 'cancelled')),
  constraint payment_transactions_completed_paid_at check (status not in ('completed', 'refunded', 'partially_refunded') or paid_at is not null),
  constraint payment_transactions_metadata_shape check (jsonb_typeof(metadata) = 'object'),
  constraint payment_transactions_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete restrict,
  constraint payment_transactions_session_id_fkey foreign key (consultant_id, session_id)
    references app.sessions (consultant_id, id) on delete restrict,
  constraint payment_transactions_quotation_id_fkey foreign key (consultant_id, quotation_id)
    references app.quotations (consultant_id, id) on delete restrict,
  constraint payment_transactions_client_id_fkey foreign key (consultant_id, client_id)
    references app.clients (consultant_id, id) on delete restrict
);
comment on table app.payment_transactions is 'Money in: one row per gateway order (or offline payment). Amounts in rupees; paise only at Razorpay''s edge.';
create index payment_transactions_consultant_created_idx on app.payment_transactions (consultant_id, created_at);
create index payment_transactions_consultant_paid_idx on app.payment_transactions (consultant_id, paid_at) where paid_at is not null;
create index payment_transactions_session_idx on app.payment_transactions (consultant_id, session_id) where session_id is not null;
create index payment_transactions_pending_idx on app.payment_transactions (created_at) where status = 'pending';
create trigger payment_transactions_touch_updated_at before update on app.payment_transactions
  for each row execute function app.touch_updated_at();

create table app.payment_refunds (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  transaction_id uuid not null,
  amount numeric(10, 2) not null,
  reason text,
  initiated_by text not null,
  status text not null default 'pending',
  gateway_refund_id text,
  idempotency_key text not null default gen_random_uuid()::text,
  failure_reason text,
  processed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payment_refunds_idempotency_key_key unique (idempotency_key),
  constraint payment_refunds_gateway_refund_id_key unique (gateway_refund_id),
  constraint payment_refunds_amount_range check (amount > 0),
  constraint payment_refunds_initiated_by_valid check (initiated_by in ('consultant', 'client_policy', 'system', 'admin')),
  constraint payment_refunds_status_valid check (status in ('pending', 'processed', 'failed')),
  constraint payment_refunds_processed_at check (status <> 'processed' or processed_at is not null),
  constraint payment_refunds_transaction_id_fkey foreign key (consultant_id, transaction_id)
    references app.payment_transactions (consultant_id, id) on delete restrict
);
comment on table app.payment_refunds is 'Each refund of a payment, full or partial, with its gateway id and status.';
create index payment_refunds_transaction_idx on app.payment_refunds (consultant_id, transaction_id);
create trigger payment_refunds_touch_updated_at before update on app.payment_refunds
  for each row execute function app.touch_updated_at();

-- migrate:down
drop table app.payment_refunds, app.payment_transactions, app.quotations;
