-- db/dev/local_subscriptions_api.sql — the local gateway's Subscriptions API: plans, subscriptions, cancel, update, pause, resume, invoices (what LocalSubscriptions calls); schema dev only.
-- Tables and helpers: db/dev/local_subscriptions.sql; the simulation (authorise, charge, advance the clock):
-- db/dev/local_subscriptions_sim.sql. Refusals are NK400 with Razorpay's words where its docs give them.

create or replace function dev.local_sub_create_plan(p_id text, p_body jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_p dev.local_sub_plans;
begin
  if coalesce(p_body->>'period', '') not in ('daily', 'weekly', 'monthly', 'quarterly', 'yearly') then
    perform dev.local_route_refuse('invalid_period', 'The period field is invalid.');
  elsif jsonb_typeof(p_body->'interval') is distinct from 'number' or (p_body->>'interval')::numeric < 1 then
    perform dev.local_route_refuse('invalid_interval', 'The interval field is invalid.');
  elsif p_body->>'period' = 'daily' and (p_body->>'interval')::integer < 7 then
    perform dev.local_route_refuse('invalid_interval', 'The interval for daily plans must be greater than 7.');
  elsif jsonb_typeof(p_body->'item'->'amount') is distinct from 'number' or (p_body->'item'->>'amount')::numeric < 100
        or coalesce(p_body->'item'->>'name', '') = '' then
    perform dev.local_route_refuse('invalid_item', 'The item amount and name are required.');
  end if;
  insert into dev.local_sub_plans (id, period, "interval", item, notes, created_at)
  values (p_id, p_body->>'period', (p_body->>'interval')::integer,
          jsonb_build_object('name', p_body->'item'->'name', 'description', p_body->'item'->'description',
                             'amount', (p_body->'item'->>'amount')::bigint, 'currency', 'INR'),
          coalesce(p_body->'notes', '{}'), dev.local_sub_now())
  returning * into v_p;
  return dev.local_sub_plan_json(v_p);
end;
$$;
comment on function dev.local_sub_create_plan is 'Local subscriptions: create a plan (immutable from then on).';

create or replace function dev.local_sub_plan(p_plan_id text)
returns jsonb language plpgsql stable security definer set search_path = '' as $$
declare
  v_p dev.local_sub_plans;
begin
  select * into v_p from dev.local_sub_plans where id = p_plan_id;
  perform dev.local_route_must_exist(v_p.id);
  return dev.local_sub_plan_json(v_p);
end;
$$;
comment on function dev.local_sub_plan is 'Local subscriptions: fetch a plan.';

create or replace function dev.local_sub_create(p_id text, p_body jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions;
begin
  if not exists (select from dev.local_sub_plans where id = p_body->>'plan_id') then
    perform dev.local_route_refuse('not_found', 'The id provided does not exist');
  elsif jsonb_typeof(p_body->'total_count') is distinct from 'number' or (p_body->>'total_count')::numeric < 1 then
    perform dev.local_route_refuse('invalid_total_count', 'The total count field is required.');
  end if;
  insert into dev.local_subscriptions (id, plan_id, total_count, quantity, customer_notify, notes, start_at, expire_by,
                                       charge_at, created_at)
  values (p_id, p_body->>'plan_id', (p_body->>'total_count')::integer, coalesce((p_body->>'quantity')::integer, 1),
          coalesce((p_body->>'customer_notify')::integer, 1) = 1, coalesce(p_body->'notes', '{}'),
          to_timestamp((p_body->>'start_at')::bigint), to_timestamp((p_body->>'expire_by')::bigint),
          coalesce(to_timestamp((p_body->>'start_at')::bigint), dev.local_sub_now()), dev.local_sub_now())
  returning * into v_s;
  return dev.local_sub_json(v_s);
end;
$$;
comment on function dev.local_sub_create is 'Local subscriptions: create a subscription (created, until authorised with dev.local_sub_authenticate).';

create or replace function dev.local_sub_fetch(p_subscription_id text)
returns jsonb language sql volatile security definer set search_path = '' as $$
  select dev.local_sub_json(dev.local_sub_row(p_subscription_id))
$$;
comment on function dev.local_sub_fetch is 'Local subscriptions: fetch a subscription.';

create or replace function dev.local_sub_cancel(p_subscription_id text, p_at_cycle_end boolean)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_subscription_id, true);
begin
  if v_s.status in ('cancelled', 'completed', 'expired') then
    perform dev.local_route_refuse('not_cancellable', format('Subscription is not cancellable in %s status.', v_s.status));
  end if;
  if p_at_cycle_end and v_s.status in ('active', 'pending', 'halted') then
    -- Cancelled only at the end of the current cycle: dev.local_sub_charge does it when the cycle ends.
    update dev.local_subscriptions set cancel_at_cycle_end = true where id = v_s.id returning * into v_s;
    return dev.local_sub_json(v_s);
  end if;
  update dev.local_subscriptions set status = 'cancelled', ended_at = dev.local_sub_now(), charge_at = null
  where id = v_s.id returning * into v_s;
  perform dev.local_sub_event('subscription.cancelled', v_s.id);
  return dev.local_sub_json(v_s);
end;
$$;
comment on function dev.local_sub_cancel is 'Local subscriptions: cancel now, or at the end of the current cycle.';

create or replace function dev.local_sub_update(p_subscription_id text, p_body jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_subscription_id, true);
  v_plan text := coalesce(p_body->>'plan_id', v_s.plan_id);
begin
  if v_s.payment_method = 'upi' then  -- Razorpay's words (update-subscription page)
    perform dev.local_route_refuse('upi_not_updatable', 'subscriptions cannot be updated when payment mode is UPI');
  elsif v_s.status not in ('authenticated', 'active') then
    perform dev.local_route_refuse('not_updatable', format('Subscription cannot be updated in %s status.', v_s.status));
  elsif not exists (select from dev.local_sub_plans where id = v_plan) then
    perform dev.local_route_refuse('not_found', 'The id provided does not exist');
  end if;
  if p_body->>'schedule_change_at' = 'cycle_end' then
    update dev.local_subscriptions set next_plan_id = v_plan where id = v_s.id returning * into v_s;
    return dev.local_sub_json(v_s);
  end if;
  update dev.local_subscriptions
  set plan_id = v_plan, next_plan_id = null,
      total_count = coalesce(paid_count + (p_body->>'remaining_count')::integer, total_count)
  where id = v_s.id returning * into v_s;
  perform dev.local_sub_event('subscription.updated', v_s.id);
  return dev.local_sub_json(v_s);
end;
$$;
comment on function dev.local_sub_update is 'Local subscriptions: change the plan now or at the cycle''s end; refused when paid by UPI.';

create or replace function dev.local_sub_pause(p_subscription_id text)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_subscription_id, true);
begin
  if v_s.status = 'authenticated' then  -- Razorpay's pause page: an authenticated subscription is cancelled
    update dev.local_subscriptions set status = 'cancelled', ended_at = dev.local_sub_now(), charge_at = null
    where id = v_s.id returning * into v_s;
    perform dev.local_sub_event('subscription.cancelled', v_s.id);
    return dev.local_sub_json(v_s);
  elsif v_s.status <> 'active' then
    perform dev.local_route_refuse('not_pausable', format('Subscription cannot be paused in %s status.', v_s.status));
  end if;
  update dev.local_subscriptions set status = 'paused', paused_at = dev.local_sub_now(), charge_at = null
  where id = v_s.id returning * into v_s;
  perform dev.local_sub_event('subscription.paused', v_s.id);
  return dev.local_sub_json(v_s);
end;
$$;
comment on function dev.local_sub_pause is 'Local subscriptions: pause an active subscription now.';

create or replace function dev.local_sub_resume(p_subscription_id text)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_s dev.local_subscriptions := dev.local_sub_row(p_subscription_id, true);
begin
  if v_s.status <> 'paused' then
    perform dev.local_route_refuse('not_resumable', format('Subscription cannot be resumed in %s status.', v_s.status));
  end if;
  update dev.local_subscriptions set status = 'active', paused_at = null, charge_at = current_end
  where id = v_s.id returning * into v_s;
  perform dev.local_sub_event('subscription.resumed', v_s.id);
  return dev.local_sub_json(v_s);
end;
$$;
comment on function dev.local_sub_resume is 'Local subscriptions: resume a paused subscription now.';

create or replace function dev.local_sub_invoices(p_subscription_id text)
returns jsonb language sql stable security definer set search_path = '' as $$
  select dev.local_route_collection((select jsonb_agg(dev.local_sub_invoice_json(i) order by i.created_at, i.billing_start)
                                     from dev.local_sub_invoices i where i.subscription_id = p_subscription_id))
$$;
comment on function dev.local_sub_invoices is 'Local subscriptions: the invoices of a subscription, oldest first.';

revoke execute on all functions in schema dev from public;
grant execute on function dev.local_sub_create_plan(text, jsonb), dev.local_sub_plan(text), dev.local_sub_create(text, jsonb),
  dev.local_sub_fetch(text), dev.local_sub_cancel(text, boolean), dev.local_sub_update(text, jsonb),
  dev.local_sub_pause(text), dev.local_sub_resume(text), dev.local_sub_invoices(text) to nakksha_app, nakksha_worker;

-- Test: pytest tests/http/test_subscriptions_adapter.py tests/meta/test_migrations.py
