-- db/dev/local_route_transfers.sql — Razorpay Route transfers for the local gateway: on orders and payments, holds, settlement, reversals, refunds with reverse_all; schema dev only.
-- The second half of db/dev/local_route.sql (its tables, entity builders and what the local gateway simulates are
-- described there); applied after it (files run in name order), only when NAKKSHA_ENV is development or test.

-- Transfers -------------------------------------------------------------------------------------------------------

create or replace function dev.local_route_check_transfers(p_transfers jsonb, p_limit bigint)
returns void language plpgsql stable set search_path = '' as $$
declare
  v_t jsonb;
  v_status text;
begin
  -- Route transfers are INR only, to an activated linked account, never more in total than the money they
  -- split (https://razorpay.com/docs/api/payments/route/transfers/). Razorpay's words for a linked account
  -- that is not activated are not documented: these are ours.
  if jsonb_typeof(p_transfers) <> 'array' or jsonb_array_length(p_transfers) = 0 then
    perform dev.local_route_refuse('invalid_transfers', 'The transfers field is required.');
  end if;
  for v_t in select * from jsonb_array_elements(p_transfers) loop
    if coalesce(v_t->>'currency', 'INR') <> 'INR' then
      perform dev.local_route_refuse('invalid_currency', 'We support route transfers only in INR.');
    end if;
    if jsonb_typeof(v_t->'amount') <> 'number' or (v_t->>'amount')::numeric <= 0
       or (v_t->>'amount')::numeric <> trunc((v_t->>'amount')::numeric) then
      perform dev.local_route_refuse('invalid_amount', 'The amount must be an integer in paise.');
    end if;
    select coalesce(p.activation_status, 'requested') into v_status
    from dev.local_route_accounts a left join dev.local_route_products p on p.account_id = a.id
    where a.id = v_t->>'account';
    if v_status is null then
      perform dev.local_route_refuse('invalid_account', 'The account ' || coalesce(v_t->>'account', '') || ' does not exist.');
    elsif v_status <> 'activated' then
      perform dev.local_route_refuse('account_not_activated',
        'The linked account ' || (v_t->>'account') || ' is not activated for route (' || v_status || ').');
    end if;
  end loop;
  if (select sum((t->>'amount')::bigint) from jsonb_array_elements(p_transfers) t) > p_limit then
    perform dev.local_route_refuse('transfer_exceeds_amount',
      'The sum of amount requested for transfer is greater than the captured amount.');
  end if;
end;
$$;
comment on function dev.local_route_check_transfers is 'Local Route: refuse transfers Razorpay would refuse (INR, activated accounts, within the amount).';

create or replace function dev.local_route_create_order(p_id text, p_amount_paise bigint, p_receipt text, p_notes jsonb,
                                                        p_transfers jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_order jsonb;
begin
  perform dev.local_route_check_transfers(p_transfers, p_amount_paise);
  v_order := dev.local_gateway_create_order(p_id, p_amount_paise, 'INR', p_receipt, p_notes);
  insert into dev.local_route_transfers (id, order_id, recipient, amount_paise, status, on_hold, on_hold_until, notes,
                                         linked_account_notes)
  select 'trf_' || left(replace(gen_random_uuid()::text, '-', ''), 14), p_id, t->>'account', (t->>'amount')::bigint,
         'created', coalesce((t->>'on_hold')::boolean, false), (t->>'on_hold_until')::bigint,
         coalesce(t->'notes', '{}'), coalesce(t->'linked_account_notes', '[]')
  from jsonb_array_elements(p_transfers) with ordinality as x(t, n) order by n;
  return v_order || jsonb_build_object('transfers', (select jsonb_agg(dev.local_route_transfer_json(t, false) order by t.created_at, t.id)
                                                      from dev.local_route_transfers t where t.order_id = p_id));
end;
$$;
comment on function dev.local_route_create_order is 'Local Route: an order carrying transfers (created now, processed when the order is paid).';

create or replace function dev.local_route_capture(p_payment_id text)
returns integer language plpgsql volatile security definer set search_path = '' as $$
declare
  v_t dev.local_route_transfers;
  v_n integer := 0;
begin
  -- Called by dev.local_gateway_pay when the local checkout captures a payment: the order's transfers happen.
  for v_t in
    update dev.local_route_transfers t set status = 'processed', payment_id = p.id, processed_at = now(),
      settlement_status = case when t.on_hold then 'on_hold' else 'pending' end,
      fees = (dev.local_route_fees(t.amount_paise))[1], tax = (dev.local_route_fees(t.amount_paise))[2]
    from dev.local_gateway_payments p
    where p.id = p_payment_id and p.status = 'captured' and t.order_id = p.order_id and t.status = 'created'
    returning t.*
  loop
    v_n := v_n + 1;
    perform dev.local_route_webhook('acc_local', 'transfer.processed', 'transfer', dev.local_route_transfer_json(v_t, false));
  end loop;
  return v_n;
end;
$$;
comment on function dev.local_route_capture is 'Local Route: a captured payment processes its order''s transfers (and queues transfer.processed).';

create or replace function dev.local_route_transfer_from_payment(p_payment_id text, p_transfers jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_p dev.local_gateway_payments;
  v_ids text[];
begin
  select * into v_p from dev.local_gateway_payments where id = p_payment_id for update;
  if v_p.id is null or v_p.status <> 'captured' then
    perform dev.local_route_refuse('payment_not_captured', 'You can only transfer the captured payments.');
  end if;
  if exists (select from dev.local_gateway_refunds where payment_id = v_p.id) then
    perform dev.local_route_refuse('refund_initiated', 'You cannot request a transfer on payment once a refund has been initiated.');
  end if;
  perform dev.local_route_check_transfers(p_transfers, v_p.amount_paise - coalesce((
    select sum(amount_paise) from dev.local_route_transfers
    where (payment_id = v_p.id or order_id = v_p.order_id) and status <> 'failed'), 0)::bigint);
  with made as (
    insert into dev.local_route_transfers (id, payment_id, recipient, amount_paise, status, settlement_status, on_hold,
                                           on_hold_until, notes, linked_account_notes, fees, tax, processed_at)
    select 'trf_' || left(replace(gen_random_uuid()::text, '-', ''), 14), v_p.id, t->>'account', (t->>'amount')::bigint,
           'processed', case when coalesce((t->>'on_hold')::boolean, false) then 'on_hold' else 'pending' end,
           coalesce((t->>'on_hold')::boolean, false), (t->>'on_hold_until')::bigint, coalesce(t->'notes', '{}'),
           coalesce(t->'linked_account_notes', '[]'), (dev.local_route_fees((t->>'amount')::bigint))[1],
           (dev.local_route_fees((t->>'amount')::bigint))[2], now()
    from jsonb_array_elements(p_transfers) t
    returning id)
  select array_agg(id) into v_ids from made;
  perform dev.local_route_webhook('acc_local', 'transfer.processed', 'transfer', dev.local_route_transfer_json(t, false))
  from dev.local_route_transfers t where t.id = any(v_ids);
  return dev.local_route_collection((select jsonb_agg(dev.local_route_transfer_json(t, false) order by t.id)
                                      from dev.local_route_transfers t where t.id = any(v_ids)));
end;
$$;
comment on function dev.local_route_transfer_from_payment is 'Local Route: transfer from a captured payment (refused once a refund exists, or beyond its amount).';

create or replace function dev.local_route_payment_transfers(p_payment_id text)
returns jsonb language sql stable security definer set search_path = '' as $$
  select dev.local_route_collection(jsonb_agg(dev.local_route_transfer_json(t, false) order by t.created_at, t.id))
  from dev.local_route_transfers t where t.payment_id = p_payment_id
$$;
comment on function dev.local_route_payment_transfers is 'Local Route: the transfers of a payment (its order''s included).';

create or replace function dev.local_route_settle(p_transfer_id text)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_t dev.local_route_transfers;
begin
  -- Razorpay settles a released transfer to the linked account's bank on its schedule; here, now.
  update dev.local_route_transfers set settlement_status = 'settled', settled_at = now(),
    recipient_settlement_id = 'setl_' || left(replace(gen_random_uuid()::text, '-', ''), 14),
    settlement_utr = upper(left(replace(gen_random_uuid()::text, '-', ''), 16))
  where id = p_transfer_id and settlement_status = 'pending' and not on_hold
  returning * into v_t;
  if v_t.id is null then
    select * into v_t from dev.local_route_transfers where id = p_transfer_id;
    perform dev.local_route_must_exist(v_t.id);
  end if;
  return dev.local_route_transfer_json(v_t, true);
end;
$$;
comment on function dev.local_route_settle is 'Local Route (dev tools, tests): settle a released transfer now (a setl_ id and a UTR).';

create or replace function dev.local_route_fetch_transfer(p_transfer_id text, p_expand boolean)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_t dev.local_route_transfers;
begin
  -- A released transfer counts as settled the next time it is fetched (Razorpay: the next working day or later).
  perform dev.local_route_settle(p_transfer_id);
  select * into v_t from dev.local_route_transfers where id = p_transfer_id;
  return dev.local_route_transfer_json(v_t, coalesce(p_expand, false));
end;
$$;
comment on function dev.local_route_fetch_transfer is 'Local Route: fetch a transfer; a released one is settled first.';

create or replace function dev.local_route_set_hold(p_transfer_id text, p_on_hold boolean, p_on_hold_until bigint)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_t dev.local_route_transfers;
begin
  select * into v_t from dev.local_route_transfers where id = p_transfer_id for update;
  perform dev.local_route_must_exist(v_t.id);
  if v_t.status = 'created' then
    perform dev.local_route_refuse('transfer_not_processed', 'The transfer is not processed yet.');
  elsif v_t.settlement_status = 'settled' then
    perform dev.local_route_refuse('transfer_settled', 'The transfer is already settled.');
  end if;
  update dev.local_route_transfers set on_hold = p_on_hold, on_hold_until = case when p_on_hold then p_on_hold_until end,
    settlement_status = case when p_on_hold then 'on_hold' else 'pending' end,
    released_at = case when p_on_hold then null else now() end
  where id = v_t.id returning * into v_t;
  return dev.local_route_transfer_json(v_t, false);
end;
$$;
comment on function dev.local_route_set_hold is 'Local Route: put a transfer on hold or release it (PATCH /v1/transfers/:id).';

create or replace function dev.local_route_balance(p_account_id text)
returns bigint language sql stable set search_path = '' as $$
  select a.extra_balance_paise + coalesce((select sum(t.amount_paise - t.amount_reversed) from dev.local_route_transfers t
    where t.recipient = a.id and t.status in ('processed', 'partially_reversed')
      and t.settlement_status is distinct from 'settled'), 0)::bigint
  from dev.local_route_accounts a where a.id = p_account_id
$$;
comment on function dev.local_route_balance is 'Local Route: what a linked account holds for reversals (unsettled transfers plus extra_balance_paise).';

create or replace function dev.local_route_reverse(p_transfer_id text, p_id text, p_amount_paise bigint, p_notes jsonb,
                                                   p_refund_id text default null)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_t dev.local_route_transfers;
  v_amount bigint;
  v_r dev.local_route_reversals;
begin
  select * into v_t from dev.local_route_transfers where id = p_transfer_id for update;
  perform dev.local_route_must_exist(v_t.id);
  if v_t.status not in ('processed', 'partially_reversed') then
    perform dev.local_route_refuse('transfer_not_reversible', 'The transfer cannot be reversed in its current state (' || v_t.status || ').');
  end if;
  v_amount := coalesce(p_amount_paise, v_t.amount_paise - v_t.amount_reversed);
  if v_amount <= 0 or v_amount > v_t.amount_paise - v_t.amount_reversed then
    perform dev.local_route_refuse('reversal_exceeds_transfer', 'The reversal amount is greater than the amount of the transfer not yet reversed.');
  end if;
  -- "The amount specified is debited from the Linked Account balance" (Razorpay's words for a short balance are
  -- not documented: these are ours).
  if v_amount > dev.local_route_balance(v_t.recipient) then
    perform dev.local_route_refuse('insufficient_balance', 'The linked account does not have sufficient balance for this reversal.');
  end if;
  insert into dev.local_route_reversals (id, transfer_id, amount_paise, notes, refund_id)
  values (p_id, v_t.id, v_amount, coalesce(p_notes, '{}'), p_refund_id) returning * into v_r;
  update dev.local_route_transfers set amount_reversed = amount_reversed + v_amount,
    status = case when amount_reversed + v_amount = amount_paise then 'reversed' else 'partially_reversed' end
  where id = v_t.id;
  return dev.local_route_reversal_json(v_r);
end;
$$;
comment on function dev.local_route_reverse is 'Local Route: reverse a transfer, whole or in part, from the linked account''s balance.';

create or replace function dev.local_route_reversals(p_transfer_id text)
returns jsonb language sql stable security definer set search_path = '' as $$
  select dev.local_route_collection(jsonb_agg(dev.local_route_reversal_json(r) order by r.created_at, r.id))
  from dev.local_route_reversals r where r.transfer_id = p_transfer_id
$$;
comment on function dev.local_route_reversals is 'Local Route: the reversals of a transfer.';

create or replace function dev.local_route_refund(p_payment_id text, p_refund_id text, p_amount_paise bigint,
                                                  p_idempotency_key text, p_notes jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_p dev.local_gateway_payments;
  v_t dev.local_route_transfers;
begin
  -- reverse_all: every transfer of the payment is reversed (from the linked accounts), then the refund is made;
  -- not for a partial refund of a payment split across several accounts
  -- (https://razorpay.com/docs/api/payments/route/transfers/refund-payments-and-reverse-transfer/).
  if not exists (select from dev.local_gateway_refunds where idempotency_key = p_idempotency_key) then
    select * into v_p from dev.local_gateway_payments where id = p_payment_id and status = 'captured' for update;
    if v_p.id is not null then
      if p_amount_paise < v_p.amount_paise and (select count(distinct recipient) from dev.local_route_transfers
                                                where payment_id = v_p.id and amount_reversed < amount_paise) > 1 then
        perform dev.local_route_refuse('reverse_all_split',
          'reverse_all is not allowed for a partial refund of a payment transferred to several accounts.');
      end if;
      for v_t in select * from dev.local_route_transfers where payment_id = v_p.id
                   and status in ('processed', 'partially_reversed') order by id loop
        perform dev.local_route_reverse(v_t.id, 'rvrsl_' || left(replace(gen_random_uuid()::text, '-', ''), 14),
                                        null, coalesce(p_notes, '{}'), p_refund_id);
      end loop;
    end if;
  end if;
  return dev.local_gateway_refund(p_payment_id, p_refund_id, p_amount_paise, p_idempotency_key, p_notes);
end;
$$;
comment on function dev.local_route_refund is 'Local Route: refund with reverse_all (the payment''s transfers reversed first, all or nothing).';

revoke execute on all functions in schema dev from public;
grant execute on function dev.local_route_create_order(text, bigint, text, jsonb, jsonb),
  dev.local_route_transfer_from_payment(text, jsonb), dev.local_route_payment_transfers(text),
  dev.local_route_settle(text), dev.local_route_fetch_transfer(text, boolean), dev.local_route_set_hold(text, boolean, bigint),
  dev.local_route_reverse(text, text, bigint, jsonb, text), dev.local_route_reversals(text),
  dev.local_route_refund(text, text, bigint, text, jsonb) to nakksha_app, nakksha_worker;

-- Test: pytest tests/http/test_route_adapter.py tests/meta/test_migrations.py
