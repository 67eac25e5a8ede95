-- db/dev/local_route.sql — Razorpay Route in miniature for the local gateway (development and tests without Razorpay keys): linked accounts, the route product, transfers, holds, reversals, settlement; schema dev only.
-- Behind app/adapters/route.py's LocalRoute (LocalGateway); the transfer functions are in
-- db/dev/local_route_transfers.sql. Applied after db/dev/local_gateway.sql (files run in name order), only when
-- NAKKSHA_ENV is development or test. Tables keep their rows (create if not exists); functions are re-created.
-- Refusals are NK4xx with Razorpay's words where its docs give them.
-- How the local gateway behaves, where Razorpay needs a person or a day:
--  * the route product activates on its own as soon as valid settlements are set (Razorpay: under_review, then
--    activated); dev.local_route_set_status drives needs_clarification / under_review / suspended by hand;
--  * order transfers become `processed` when the local checkout captures the order (dev.local_gateway_pay calls
--    dev.local_route_capture), settlement_status on_hold or pending; a transfer.processed webhook is queued;
--  * a released transfer (PATCH on_hold false) is `pending`; it counts as settled the next time it is fetched
--    (dev.local_route_fetch_transfer settles it), or at once through dev.local_route_settle(transfer_id);
--  * a linked account's balance for reversals is what it holds unsettled plus extra_balance_paise (settable).

create table if not exists dev.local_route_accounts (
    id text NOT NULL,
    reference_id text,
    email text NOT NULL,
    status text DEFAULT 'created'::text NOT NULL,
    data jsonb NOT NULL,
    extra_balance_paise bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_route_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT local_route_accounts_id_format CHECK ((id ~ '^acc_[A-Za-z0-9]{14}$'::text)),
    CONSTRAINT local_route_accounts_status_valid CHECK ((status = ANY (ARRAY['created'::text, 'suspended'::text])))
);
comment on table dev.local_route_accounts is 'The local gateway''s Route linked accounts (POST /v2/accounts).';

create table if not exists dev.local_route_stakeholders (
    id text NOT NULL,
    account_id text NOT NULL,
    data jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_route_stakeholders_pkey PRIMARY KEY (id),
    CONSTRAINT local_route_stakeholders_account_id_fkey FOREIGN KEY (account_id) REFERENCES dev.local_route_accounts(id) ON DELETE CASCADE
);
comment on table dev.local_route_stakeholders is 'The local gateway''s stakeholders of linked accounts.';

create table if not exists dev.local_route_products (
    id text NOT NULL,
    account_id text NOT NULL,
    activation_status text NOT NULL,
    settlements jsonb,
    requirements jsonb DEFAULT '[]'::jsonb NOT NULL,
    tnc_accepted boolean NOT NULL,
    requested_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_route_products_pkey PRIMARY KEY (id),
    CONSTRAINT local_route_products_account_key UNIQUE (account_id),
    CONSTRAINT local_route_products_account_id_fkey FOREIGN KEY (account_id) REFERENCES dev.local_route_accounts(id) ON DELETE CASCADE,
    CONSTRAINT local_route_products_status_valid CHECK ((activation_status = ANY (ARRAY['requested'::text,
      'needs_clarification'::text, 'under_review'::text, 'activated'::text, 'suspended'::text])))
);
comment on table dev.local_route_products is 'The local gateway''s route product configurations, one per linked account.';

create table if not exists dev.local_route_transfers (
    id text NOT NULL,
    order_id text,
    payment_id text,
    recipient text NOT NULL,
    amount_paise bigint NOT NULL,
    status text NOT NULL,
    settlement_status text,
    on_hold boolean DEFAULT false NOT NULL,
    on_hold_until bigint,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    linked_account_notes jsonb DEFAULT '[]'::jsonb NOT NULL,
    amount_reversed bigint DEFAULT 0 NOT NULL,
    fees bigint DEFAULT 0 NOT NULL,
    tax bigint DEFAULT 0 NOT NULL,
    released_at timestamp with time zone,
    recipient_settlement_id text,
    settlement_utr text,
    settled_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    processed_at timestamp with time zone,
    CONSTRAINT local_route_transfers_pkey PRIMARY KEY (id),
    CONSTRAINT local_route_transfers_recipient_fkey FOREIGN KEY (recipient) REFERENCES dev.local_route_accounts(id),
    CONSTRAINT local_route_transfers_order_id_fkey FOREIGN KEY (order_id) REFERENCES dev.local_gateway_orders(id) ON DELETE CASCADE,
    CONSTRAINT local_route_transfers_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES dev.local_gateway_payments(id) ON DELETE CASCADE,
    CONSTRAINT local_route_transfers_amount_range CHECK ((amount_paise > 0 AND amount_reversed BETWEEN 0 AND amount_paise)),
    CONSTRAINT local_route_transfers_status_valid CHECK ((status = ANY (ARRAY['created'::text, 'pending'::text,
      'processed'::text, 'failed'::text, 'reversed'::text, 'partially_reversed'::text])))
);
comment on table dev.local_route_transfers is 'The local gateway''s Route transfers: on orders (created until the order is paid) and from payments.';
create index if not exists local_route_transfers_order_idx on dev.local_route_transfers (order_id);
create index if not exists local_route_transfers_payment_idx on dev.local_route_transfers (payment_id);
create index if not exists local_route_transfers_recipient_idx on dev.local_route_transfers (recipient);

create table if not exists dev.local_route_reversals (
    id text NOT NULL,
    transfer_id text NOT NULL,
    amount_paise bigint NOT NULL,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    refund_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_route_reversals_pkey PRIMARY KEY (id),
    CONSTRAINT local_route_reversals_transfer_id_fkey FOREIGN KEY (transfer_id) REFERENCES dev.local_route_transfers(id) ON DELETE CASCADE,
    CONSTRAINT local_route_reversals_amount_range CHECK ((amount_paise > 0))
);
comment on table dev.local_route_reversals is 'The local gateway''s transfer reversals (partial or whole).';
create index if not exists local_route_reversals_transfer_idx on dev.local_route_reversals (transfer_id);

-- Entities, shaped like Razorpay's --------------------------------------------------------------------------------

create or replace function dev.local_route_epoch(p_t timestamptz)
returns bigint language sql immutable set search_path = '' as $$ select extract(epoch from p_t)::bigint $$;
comment on function dev.local_route_epoch is 'Local Route: a time as Razorpay''s unix seconds.';

create or replace function dev.local_route_refuse(p_code text, p_detail text)
returns void language plpgsql set search_path = '' as $$
begin
  raise exception using errcode = 'NK400', message = p_code, detail = p_detail;
end;
$$;
comment on function dev.local_route_refuse is 'Local Route: refuse like Razorpay''s BAD_REQUEST_ERROR (NK400, its description as the detail).';

create or replace function dev.local_route_must_exist(p_id text)
returns void language plpgsql set search_path = '' as $$
begin
  -- p_id: the id of the row just read (null when there was none).
  if p_id is null then
    perform dev.local_route_refuse('not_found', 'The id provided does not exist');
  end if;
end;
$$;
comment on function dev.local_route_must_exist is 'Local Route: Razorpay''s not_found unless the row read has an id.';

create or replace function dev.local_route_collection(p_items jsonb)
returns jsonb language sql immutable set search_path = '' as $$
  select jsonb_build_object('entity', 'collection', 'count', jsonb_array_length(coalesce(p_items, '[]')),
                            'items', coalesce(p_items, '[]'))
$$;
comment on function dev.local_route_collection is 'Local Route: a list as Razorpay answers it ({entity: collection, count, items}).';

create or replace function dev.local_route_account_json(p_a dev.local_route_accounts)
returns jsonb language sql stable set search_path = '' as $$
  select p_a.data || jsonb_build_object('id', p_a.id, 'type', 'route', 'status', p_a.status,
    'reference_id', p_a.reference_id, 'email', p_a.email, 'created_at', dev.local_route_epoch(p_a.created_at),
    'customer_facing_business_name', coalesce(p_a.data->>'customer_facing_business_name', p_a.data->>'legal_business_name'),
    'notes', coalesce(p_a.data->'notes', '[]'))
$$;
comment on function dev.local_route_account_json is 'Local Route: a linked account entity.';

create or replace function dev.local_route_product_json(p_p dev.local_route_products)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object('id', p_p.id, 'account_id', p_p.account_id, 'product_name', 'route',
    'activation_status', p_p.activation_status, 'requested_at', dev.local_route_epoch(p_p.requested_at),
    'tnc', jsonb_build_object('id', 'tnc_' || right(p_p.id, 14), 'accepted', p_p.tnc_accepted,
                              'accepted_at', dev.local_route_epoch(p_p.requested_at)),
    'requested_configuration', '[]'::jsonb,
    'active_configuration', jsonb_build_object('settlements', coalesce(p_p.settlements, jsonb_build_object(
        'account_number', null, 'ifsc_code', null, 'beneficiary_name', null))),
    'requirements', p_p.requirements)
$$;
comment on function dev.local_route_product_json is 'Local Route: a product configuration entity.';

create or replace function dev.local_route_transfer_json(p_t dev.local_route_transfers, p_expand boolean)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object('id', p_t.id, 'entity', 'transfer', 'status', p_t.status,
    'source', coalesce(p_t.order_id, p_t.payment_id), 'recipient', p_t.recipient, 'amount', p_t.amount_paise,
    'currency', 'INR', 'amount_reversed', p_t.amount_reversed, 'fees', p_t.fees, 'tax', p_t.tax,
    'notes', p_t.notes, 'linked_account_notes', p_t.linked_account_notes, 'on_hold', p_t.on_hold,
    'on_hold_until', p_t.on_hold_until, 'settlement_status', p_t.settlement_status,
    'recipient_settlement_id', p_t.recipient_settlement_id, 'created_at', dev.local_route_epoch(p_t.created_at),
    'processed_at', dev.local_route_epoch(p_t.processed_at),
    'error', jsonb_build_object('code', null, 'description', null, 'reason', null, 'field', null, 'step', null,
                                'id', p_t.id, 'source', null, 'metadata', null))
  || case when p_expand and p_t.recipient_settlement_id is not null then jsonb_build_object('recipient_settlement',
       jsonb_build_object('id', p_t.recipient_settlement_id, 'entity', 'settlement',
         'amount', p_t.amount_paise - p_t.amount_reversed, 'status', 'processed', 'fees', 0, 'tax', 0,
         'utr', p_t.settlement_utr, 'created_at', dev.local_route_epoch(p_t.settled_at)))
     else '{}' end
$$;
comment on function dev.local_route_transfer_json is 'Local Route: a transfer entity, with recipient_settlement expanded when asked.';

create or replace function dev.local_route_reversal_json(p_r dev.local_route_reversals)
returns jsonb language sql stable set search_path = '' as $$
  select jsonb_build_object('id', p_r.id, 'entity', 'reversal', 'transfer_id', p_r.transfer_id,
    'amount', p_r.amount_paise, 'fee', 0, 'tax', 0, 'currency', 'INR', 'notes', p_r.notes,
    'initiator_id', null, 'customer_refund_id', p_r.refund_id, 'created_at', dev.local_route_epoch(p_r.created_at))
$$;
comment on function dev.local_route_reversal_json is 'Local Route: a reversal entity.';

create or replace function dev.local_route_webhook(p_account_id text, p_event text, p_key text, p_entity jsonb,
                                                   p_data jsonb default null)
returns void language sql volatile set search_path = '' as $$
  -- As Razorpay sends it (https://razorpay.com/docs/webhooks/route.md; product events shaped like the partner
  -- samples, payload.merchant_product {entity, data}), delivered signed by the deliver_local_webhook job.
  select app_private.defer_job('deliver_local_webhook', jsonb_build_object(
    'event_id', 'evt_' || left(replace(gen_random_uuid()::text, '-', ''), 14),
    'payload', jsonb_build_object('entity', 'event', 'account_id', p_account_id, 'event', p_event,
      'contains', jsonb_build_array(p_key), 'created_at', extract(epoch from now())::bigint,
      'payload', jsonb_build_object(p_key, jsonb_build_object('entity', p_entity)
                 || case when p_data is null then '{}' else jsonb_build_object('data', p_data) end))), 'payments')
$$;
comment on function dev.local_route_webhook is 'Local Route: queue a signed webhook to our own endpoint (transfer.*, product.route.*).';

create or replace function dev.local_route_fees(p_amount bigint)
returns bigint[] language sql immutable set search_path = '' as $$
  -- Illustrative only (Razorpay's Route fee is not verified, docs/payments.md): 0.25% plus 18% GST on it;
  -- fees includes tax, as on the payment entity. Returns {fees, tax}.
  select array[b + t, t] from (select (p_amount * 25 + 9999) / 10000 as b) f,
    lateral (select (f.b * 18 + 50) / 100 as t) g
$$;
comment on function dev.local_route_fees is 'Local Route: an illustrative transfer fee and its GST, in paise.';

create or replace function dev.local_route_missing(p_account_id text, p_product_id text, p_fields text[])
returns jsonb language sql immutable set search_path = '' as $$
  select coalesce(jsonb_agg(jsonb_build_object('field_reference', 'settlements.' || f, 'resolution_url',
           '/accounts/' || p_account_id || '/products/' || p_product_id, 'reason_code', 'field_missing',
           'status', 'required')), '[]')
  from unnest(p_fields) f
$$;
comment on function dev.local_route_missing is 'Local Route: the requirements for missing settlements fields, as Razorpay lists them.';

-- Linked accounts and the route product -----------------------------------------------------------------------------

create or replace function dev.local_route_create_account(p_id text, p_data jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_a dev.local_route_accounts;
begin
  -- Lengths from the linked account entity (docs/payments.md §1a).
  if length(coalesce(p_data->>'reference_id', '')) > 20 then
    perform dev.local_route_refuse('invalid_reference_id', 'The reference id may not be greater than 20 characters.');
  elsif coalesce(p_data->>'email', '') !~ '^[^@\s]+@[^@\s]+$' then
    perform dev.local_route_refuse('invalid_email', 'The email must be a valid email address.');
  elsif length(coalesce(p_data->>'phone', '')) not between 8 and 15 then
    perform dev.local_route_refuse('invalid_phone', 'The phone must be between 8 and 15 characters.');
  elsif length(coalesce(p_data->>'legal_business_name', '')) not between 4 and 200 then
    perform dev.local_route_refuse('invalid_legal_business_name', 'The legal business name must be between 4 and 200 characters.');
  elsif p_data ? 'contact_name' and length(p_data->>'contact_name') not between 4 and 255 then
    perform dev.local_route_refuse('invalid_contact_name', 'The contact name must be between 4 and 255 characters.');
  end if;
  insert into dev.local_route_accounts (id, reference_id, email, data)
  values (p_id, p_data->>'reference_id', p_data->>'email', p_data - 'id' - 'status')
  returning * into v_a;
  return dev.local_route_account_json(v_a);
end;
$$;
comment on function dev.local_route_create_account is 'Local Route: create a linked account (checks the documented field lengths).';

create or replace function dev.local_route_account(p_account_id text)
returns jsonb language plpgsql stable security definer set search_path = '' as $$
declare
  v_a dev.local_route_accounts;
begin
  select * into v_a from dev.local_route_accounts where id = p_account_id;
  perform dev.local_route_must_exist(v_a.id);
  return dev.local_route_account_json(v_a);
end;
$$;
comment on function dev.local_route_account is 'Local Route: fetch a linked account.';

create or replace function dev.local_route_create_stakeholder(p_account_id text, p_id text, p_data jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
begin
  perform dev.local_route_account(p_account_id);
  if coalesce(p_data->>'name', '') = '' or coalesce(p_data->>'email', '') = '' then
    perform dev.local_route_refuse('invalid_stakeholder', 'The name and email fields are required.');
  end if;
  insert into dev.local_route_stakeholders (id, account_id, data) values (p_id, p_account_id, p_data);
  return p_data || jsonb_build_object('id', p_id, 'entity', 'stakeholder');
end;
$$;
comment on function dev.local_route_create_stakeholder is 'Local Route: add a stakeholder to a linked account.';

create or replace function dev.local_route_request_product(p_account_id text, p_id text, p_tnc_accepted boolean)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_p dev.local_route_products;
begin
  if not exists (select from dev.local_route_accounts where id = p_account_id) then
    perform dev.local_route_refuse('linked_account_id_does_not_exist', 'Linked account does not exist');
  end if;
  select * into v_p from dev.local_route_products where account_id = p_account_id;
  if v_p.id is null then
    -- Razorpay's sample answer: needs_clarification, the three settlement fields missing.
    insert into dev.local_route_products (id, account_id, activation_status, tnc_accepted, requirements)
    values (p_id, p_account_id, 'needs_clarification', coalesce(p_tnc_accepted, false),
            dev.local_route_missing(p_account_id, p_id, array['beneficiary_name', 'account_number', 'ifsc_code']))
    returning * into v_p;
  end if;
  return dev.local_route_product_json(v_p);
end;
$$;
comment on function dev.local_route_request_product is 'Local Route: request the route product for a linked account (one per account).';

create or replace function dev.local_route_product(p_account_id text, p_product_id text)
returns jsonb language plpgsql stable security definer set search_path = '' as $$
declare
  v_p dev.local_route_products;
begin
  select * into v_p from dev.local_route_products where id = p_product_id and account_id = p_account_id;
  perform dev.local_route_must_exist(v_p.id);
  return dev.local_route_product_json(v_p);
end;
$$;
comment on function dev.local_route_product is 'Local Route: fetch a product configuration.';

create or replace function dev.local_route_set_status(p_account_id text, p_status text, p_requirements jsonb default '[]')
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_p dev.local_route_products;
begin
  -- For the dev tools and tests: what Razorpay's review would decide. suspended suspends the account too.
  update dev.local_route_products set activation_status = p_status,
    requirements = case when p_status = 'needs_clarification' then coalesce(p_requirements, '[]') else '[]' end
  where account_id = p_account_id returning * into v_p;
  perform dev.local_route_must_exist(v_p.id);
  update dev.local_route_accounts set status = case when p_status = 'suspended' then 'suspended' else 'created' end
  where id = p_account_id;
  if p_status in ('under_review', 'needs_clarification', 'activated') then
    perform dev.local_route_webhook(p_account_id, 'product.route.' || p_status, 'merchant_product',
      jsonb_build_object('id', v_p.id, 'merchant_id', p_account_id, 'activation_status', p_status),
      case when p_status = 'needs_clarification' then jsonb_build_object('requirements', v_p.requirements) else '[]' end);
  end if;
  return dev.local_route_product_json(v_p);
end;
$$;
comment on function dev.local_route_set_status is 'Local Route (dev tools, tests): set a route product''s activation status as Razorpay''s review would.';

create or replace function dev.local_route_update_product(p_account_id text, p_product_id text, p_settlements jsonb,
                                                          p_tnc_accepted boolean)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_p dev.local_route_products;
  v_missing jsonb;
begin
  perform dev.local_route_product(p_account_id, p_product_id);
  v_missing := dev.local_route_missing(p_account_id, p_product_id, array(
    select f from unnest(array['beneficiary_name', 'account_number', 'ifsc_code']) f
    where case f when 'account_number' then coalesce(p_settlements->>f, '') !~ '^[0-9]{5,35}$'
                 when 'ifsc_code' then coalesce(p_settlements->>f, '') !~ '^[A-Z]{4}0[A-Z0-9]{6}$'
                 else length(coalesce(p_settlements->>f, '')) < 2 end));
  update dev.local_route_products p
  set settlements = case when v_missing = '[]' then p_settlements else p.settlements end,
      tnc_accepted = p.tnc_accepted or coalesce(p_tnc_accepted, false),
      requirements = v_missing,
      -- No reviewer here: valid settlements activate the product at once (a suspended one stays suspended).
      activation_status = case when p.activation_status = 'suspended' then 'suspended'
                               when v_missing = '[]' then 'activated' else 'needs_clarification' end
  where p.id = p_product_id returning * into v_p;
  if v_p.activation_status = 'activated' then
    perform dev.local_route_webhook(p_account_id, 'product.route.activated', 'merchant_product',
      jsonb_build_object('id', v_p.id, 'merchant_id', p_account_id, 'activation_status', 'activated'), '[]');
  end if;
  return dev.local_route_product_json(v_p);
end;
$$;
comment on function dev.local_route_update_product is 'Local Route: set the settlement bank account; valid settlements activate the product at once.';

revoke execute on all functions in schema dev from public;
grant execute on function dev.local_route_create_account(text, jsonb), dev.local_route_account(text),
  dev.local_route_create_stakeholder(text, text, jsonb), dev.local_route_request_product(text, text, boolean),
  dev.local_route_product(text, text), dev.local_route_update_product(text, text, jsonb, boolean),
  dev.local_route_set_status(text, text, jsonb) to nakksha_app, nakksha_worker;

-- Test: pytest tests/http/test_route_adapter.py tests/meta/test_migrations.py
