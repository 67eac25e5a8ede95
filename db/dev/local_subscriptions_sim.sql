-- db/dev/local_subscriptions_sim.sql — what the customer, the bank and time do to local subscriptions: authorise, charge a cycle (or fail to), advance the simulated clock, pay a halted invoice, reactivate; schema dev only.
-- The rules follow Razorpay's docs (docs/payments.md, "Subscriptions (issue 22)"): immediate start = active on the
-- first charge; a failed charge -> pending (retried the next day) -> halted after 3 failed attempts; a halted
-- subscription's cycles are invoiced but not charged; a cancellation asked for the cycle's end happens when it ends.
-- Every charge is a local gateway order + payment (dev.local_gateway_orders/payments), so fetch_payment finds it.

create or replace function dev.local_sub_issue(p_id text)
returns text language plpgsql volatile set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_id, true);
  v_p dev.local_sub_plans;
  v_start timestamptz;
  v_end timestamptz;
  v_invoice text := dev.local_sub_rid('inv');
begin
  -- The next cycle begins: the clock moves to its start if that is ahead, and its invoice is issued.
  select * into v_p from dev.local_sub_plans where id = v_s.plan_id;
  v_start := coalesce(v_s.current_end, greatest(dev.local_sub_now(), coalesce(v_s.start_at, '-infinity')));
  v_end := dev.local_sub_add_period(v_start, v_p.period, v_p."interval");
  perform dev.local_sub_move_clock(v_start);
  update dev.local_subscriptions set current_start = v_start, current_end = v_end, charge_at = v_end where id = p_id;
  insert into dev.local_sub_invoices (id, subscription_id, amount_paise, billing_start, billing_end, created_at)
  values (v_invoice, p_id, (v_p.item->>'amount')::bigint * v_s.quantity, v_start, v_end, dev.local_sub_now());
  return v_invoice;
end;
$$;
comment on function dev.local_sub_issue is 'Local subscriptions: start the next cycle and issue its invoice (unpaid).';

create or replace function dev.local_sub_attempt(p_invoice_id text, p_paid boolean, p_method text)
returns jsonb language plpgsql volatile set search_path = '' as $$
declare
  v_i dev.local_sub_invoices;
  v_order text := dev.local_sub_rid('order');
  v_pay dev.local_gateway_payments;
begin
  -- One charge attempt on an invoice: a local gateway order and a captured or failed payment.
  select * into v_i from dev.local_sub_invoices where id = p_invoice_id for update;
  insert into dev.local_gateway_orders (id, amount_paise, currency, receipt, notes, status)
  values (v_order, v_i.amount_paise, 'INR', v_i.id, jsonb_build_object('subscription_id', v_i.subscription_id),
          case when p_paid then 'paid' else 'attempted' end);
  insert into dev.local_gateway_payments (id, order_id, amount_paise, currency, status, method, error_code, error_description)
  values (dev.local_sub_rid('pay'), v_order, v_i.amount_paise, 'INR', case when p_paid then 'captured' else 'failed' end,
          p_method, case when not p_paid then 'BAD_REQUEST_ERROR' end,
          case when not p_paid then 'Payment failed because the mandate was declined' end)
  returning * into v_pay;
  update dev.local_sub_invoices set order_id = v_order,
    payment_id = case when p_paid then v_pay.id else payment_id end,
    status = case when p_paid then 'paid' else status end, paid_at = case when p_paid then dev.local_sub_now() end
  where id = v_i.id;
  if p_paid then
    update dev.local_subscriptions set paid_count = paid_count + 1 where id = v_i.subscription_id;
  end if;
  return dev.local_payment_json(v_pay) || jsonb_build_object('invoice_id', v_i.id, 'customer_id',
    (select customer_id from dev.local_subscriptions where id = v_i.subscription_id));
end;
$$;
comment on function dev.local_sub_attempt is 'Local subscriptions: one charge attempt on an invoice (a local gateway payment).';

create or replace function dev.local_sub_authenticate(p_subscription_id text, p_method text default 'card')
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_subscription_id, true);
  v_payment jsonb;
begin
  if v_s.status <> 'created' then
    perform dev.local_route_refuse('not_authorisable', format('Subscription cannot be authorised in %s status.', v_s.status));
  elsif p_method not in ('card', 'upi', 'emandate') then
    perform dev.local_route_refuse('invalid_method', 'The method is card, upi or emandate.');
  end if;
  update dev.local_subscriptions set payment_method = p_method, auth_attempts = auth_attempts + 1,
    customer_id = coalesce(customer_id, dev.local_sub_rid('cust'))
  where id = v_s.id returning * into v_s;
  if v_s.start_at > dev.local_sub_now() then
    update dev.local_subscriptions set status = 'authenticated', charge_at = start_at where id = v_s.id;
    perform dev.local_sub_event('subscription.authenticated', v_s.id);
  else
    v_payment := dev.local_sub_attempt(dev.local_sub_issue(v_s.id), true, p_method);
    update dev.local_subscriptions set status = 'active' where id = v_s.id;
    perform dev.local_sub_event('subscription.authenticated', v_s.id, v_payment);
    perform dev.local_sub_event('subscription.activated', v_s.id, v_payment);
    perform dev.local_sub_event('subscription.charged', v_s.id, v_payment);
  end if;
  return dev.local_sub_fetch(v_s.id);
end;
$$;
comment on function dev.local_sub_authenticate is 'Local subscriptions: the customer authorises (the local checkout step): active at once, or authenticated until a future start.';

create or replace function dev.local_sub_charge(p_subscription_id text, p_outcome text default 'success')
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_subscription_id, true);
  v_invoice text;
  v_payment jsonb;
  v_paid boolean := p_outcome = 'success';
  v_was text := v_s.status;
begin
  if v_s.status not in ('authenticated', 'active', 'pending', 'halted') then
    perform dev.local_route_refuse('not_chargeable', format('Subscription is not charged in %s status.', v_s.status));
  end if;
  if v_s.cancel_at_cycle_end and v_s.status <> 'pending' then
    perform dev.local_sub_move_clock(coalesce(v_s.current_end, dev.local_sub_now()));
    update dev.local_subscriptions set status = 'cancelled', ended_at = dev.local_sub_now(), charge_at = null
    where id = v_s.id;
    perform dev.local_sub_event('subscription.cancelled', v_s.id);
    return dev.local_sub_fetch(v_s.id);
  end if;
  if v_s.status = 'halted' then  -- invoiced, not charged (Razorpay's payment-retries page)
    perform dev.local_sub_issue(v_s.id);
    return dev.local_sub_fetch(v_s.id);
  end if;
  if v_s.next_plan_id is not null then
    update dev.local_subscriptions set plan_id = next_plan_id, next_plan_id = null where id = v_s.id;
    perform dev.local_sub_event('subscription.updated', v_s.id);
  end if;
  if v_s.status = 'pending' then  -- Razorpay's retry of the last unpaid invoice; the cycle does not move
    perform dev.local_sub_move_clock(v_s.charge_at);
    select id into v_invoice from dev.local_sub_invoices where subscription_id = v_s.id and status = 'issued'
    order by created_at desc, billing_start desc limit 1;
  else
    v_invoice := dev.local_sub_issue(v_s.id);
  end if;
  v_payment := dev.local_sub_attempt(v_invoice, v_paid, coalesce(v_s.payment_method, 'card'));
  if not v_paid then
    update dev.local_subscriptions set failures = failures + 1,
      status = case when failures + 1 >= 3 then 'halted' else 'pending' end,
      charge_at = case when failures + 1 >= 3 then current_end else dev.local_sub_now() + interval '1 day' end
    where id = v_s.id returning * into v_s;
    perform dev.local_sub_event('subscription.' || v_s.status, v_s.id, v_payment);
    return dev.local_sub_fetch(v_s.id);
  end if;
  update dev.local_subscriptions set status = 'active', failures = 0, charge_at = current_end
  where id = v_s.id returning * into v_s;
  if v_was in ('authenticated', 'pending') then  -- the first charge, or a retry that succeeded
    perform dev.local_sub_event('subscription.activated', v_s.id, v_payment);
  end if;
  perform dev.local_sub_event('subscription.charged', v_s.id, v_payment);
  if v_s.paid_count >= v_s.total_count then
    update dev.local_subscriptions set status = 'completed', ended_at = current_end, charge_at = null where id = v_s.id;
    perform dev.local_sub_event('subscription.completed', v_s.id);
  end if;
  return dev.local_sub_fetch(v_s.id);
end;
$$;
comment on function dev.local_sub_charge is 'Local subscriptions: the due cycle is charged now (success or failure), as Razorpay would.';

create or replace function dev.local_sub_advance(p_by interval)
returns integer language plpgsql volatile security definer set search_path = '' as $$
declare
  v_id text;
  v_charged integer := 0;
begin
  -- The clock moves on; every due subscription is charged (successfully), cycle after cycle, up to the new time.
  perform dev.local_sub_move_clock(dev.local_sub_now() + p_by);
  loop
    select id into v_id from dev.local_subscriptions
    where status in ('authenticated', 'active', 'pending', 'halted') and charge_at <= dev.local_sub_now()
    order by charge_at, id limit 1;
    exit when v_id is null;
    perform dev.local_sub_charge(v_id, 'success');
    v_charged := v_charged + 1;
  end loop;
  return v_charged;
end;
$$;
comment on function dev.local_sub_advance is 'Local subscriptions: move the simulated clock on and charge every cycle that falls due; answers how many.';

create or replace function dev.local_sub_pay_invoice(p_invoice_id text, p_method text default 'card')
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
begin
  -- A halted subscription's invoice, charged by hand (the "pay now" link): Razorpay does not charge it by itself.
  if not exists (select from dev.local_sub_invoices where id = p_invoice_id and status = 'issued') then
    perform dev.local_route_refuse('not_payable', 'No issued invoice with that id.');
  end if;
  return dev.local_sub_attempt(p_invoice_id, true, p_method);
end;
$$;
comment on function dev.local_sub_pay_invoice is 'Local subscriptions: pay an issued invoice by hand; answers the payment.';

create or replace function dev.local_sub_reactivate(p_subscription_id text)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_subscription_id, true);
begin
  -- The customer gives a new card: active again; only invoices generated from now on are charged.
  if v_s.status not in ('pending', 'halted') then
    perform dev.local_route_refuse('not_reactivatable', format('Subscription is %s, not pending or halted.', v_s.status));
  end if;
  update dev.local_subscriptions set status = 'active', failures = 0, charge_at = current_end where id = v_s.id;
  perform dev.local_sub_event('subscription.activated', v_s.id);
  return dev.local_sub_fetch(v_s.id);
end;
$$;
comment on function dev.local_sub_reactivate is 'Local subscriptions: a pending or halted subscription is active again (a new card).';

revoke execute on all functions in schema dev from public;
grant execute on function dev.local_sub_authenticate(text, text), dev.local_sub_charge(text, text),
  dev.local_sub_advance(interval), dev.local_sub_pay_invoice(text, text), dev.local_sub_reactivate(text) to nakksha_app;

-- Test: pytest tests/http/test_subscriptions_adapter.py tests/meta/test_migrations.py
