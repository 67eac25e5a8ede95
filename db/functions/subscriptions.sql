-- db/functions/subscriptions.sql — platform plans billed with Razorpay Subscriptions: the consultant's checkout and cancel steps (as the consultant), the worker's record of a fetched subscription, and the webhook's hand-over to it.
-- Issue 22 (docs/payments.md "Billing as built"). The plan changes only when a fetch of the subscription shows a
-- paid invoice (api.worker_record_subscription, from the refresh_subscription job): never on the browser's return,
-- never from a webhook's own payload. The consultant's steps are security invoker under their policies (a row they
-- start is `created`, which unlocks nothing); the worker's under nakksha_worker's worker_steps policies.

create or replace function api.subscription_json(s app.subscriptions)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('id', s.id, 'plan', s.plan_code, 'period', s.period, 'amount', api.money(s.amount),
    'status', s.status, 'gateway_subscription_id', s.gateway_subscription_id, 'short_url', s.short_url,
    'current_end', s.current_end,
    -- No next charge once a cancellation was asked (Razorpay charges nothing more then).
    'charge_at', case when s.cancel_requested_at is null then s.charge_at end, 'paid_until', s.paid_until,
    'cancel_requested_at', s.cancel_requested_at, 'failures', s.failures,
    -- Razorpay's page to pay the unpaid invoice of a failing one (a halted invoice is not charged again by itself).
    'pay_url', case when s.status in ('pending', 'halted') then s.unpaid_invoice_url end, 'created_at', s.created_at)
$$;
comment on function api.subscription_json(app.subscriptions) is 'A subscription as the API answers it.';

create or replace function api.live_subscription(p_consultant_id uuid)
returns app.subscriptions
language sql stable
set search_path = ''
as $$
  -- During a plan change two are live: the new one awaiting authorisation (answered: it is what the consultant is
  -- doing now, and what a second checkout reuses or a cancel withdraws) and the paid one it will replace once
  -- authorised (app.subscriptions indexes subscriptions_one_live and subscriptions_one_awaiting).
  select s.* from app.subscriptions s
  where s.consultant_id = p_consultant_id and s.status not in ('cancelled', 'completed', 'expired')
    and s.replaced_at is null and not (s.status = 'created' and s.cancel_requested_at is not null)
  order by s.status = 'created' desc, s.created_at desc limit 1
$$;
comment on function api.live_subscription(uuid) is 'The consultant''s live subscription (not final, not replaced): the one awaiting authorisation during a plan change, else the authorised or paid one.';

create or replace function api.paid_subscription(p_consultant_id uuid)
returns app.subscriptions
language sql stable
set search_path = ''
as $$
  -- The authorised or paid subscription (subscriptions_one_live: at most one) — the one a change awaiting
  -- authorisation would replace; NULL when there is none.
  select s.* from app.subscriptions s
  where s.consultant_id = p_consultant_id and s.status not in ('created', 'cancelled', 'completed', 'expired')
    and s.replaced_at is null
  order by s.created_at desc limit 1
$$;
comment on function api.paid_subscription(uuid) is 'The consultant''s authorised or paid subscription that is not final and not replaced (at most one): what a plan change awaiting authorisation would replace.';

create or replace function api.subscription_checkout(p_plan text, p_period text, p_gateway text)
returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_id uuid := app.current_approved_consultant_id();
  v_plan app.plans;
  v_amount numeric;
  v_live app.subscriptions;
  v_paid app.subscriptions;
begin
  -- What starting (or changing to) a plan takes: its price for the period, the Razorpay plan made for that price
  -- if any, and the live subscription (reused while it is only created for the same plan and price; otherwise
  -- replaced: cancel-and-create, docs/payments.md "Billing as built").
  if v_id is null then
    raise exception using errcode = 'NK403', message = 'consultant_not_approved',
      detail = 'Your account must be approved before you subscribe to a plan.';
  end if;
  select * into v_plan from app.plans p where p.code = p_plan;
  if v_plan.code is null then
    raise exception using errcode = 'NK422', message = 'unknown_plan', detail = 'No such plan.', hint = 'field:plan';
  end if;
  if p_period is null or p_period not in ('monthly', 'yearly') then
    raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:period',
      detail = 'period is monthly or yearly.';
  end if;
  v_amount := case p_period when 'yearly' then v_plan.price_yearly else v_plan.price_monthly end;
  if v_amount < 1 then
    raise exception using errcode = 'NK422', message = 'free_plan', hint = 'field:plan',
      detail = 'The free plan needs no subscription: cancel your subscription instead.';
  end if;
  v_live := api.live_subscription(v_id);
  -- The plan already paid for is refused — judged on the paid subscription, not the live one: while a change waits
  -- for authorisation the live one is the checkout, and picking the paid plan again made a second subscription
  -- charged for the same period (the outside review). A failing one (pending: Razorpay retrying; halted: stopped)
  -- may be replaced by the same plan paid another way: the new one is authorised with another card or UPI account,
  -- and the failing one is then cancelled at once (api.worker_record_subscription; its paid period is over).
  v_paid := api.paid_subscription(v_id);
  if v_paid.id is not null and v_paid.status not in ('pending', 'halted') and v_paid.plan_code = v_plan.code
     and v_paid.period = p_period and v_paid.cancel_requested_at is null then
    raise exception using errcode = 'NK409', message = 'already_subscribed', hint = 'field:plan',
      detail = format('You already subscribe to %s (%s).', v_plan.name, p_period);
  end if;
  return jsonb_build_object(
    'consultant_id', v_id, 'plan', v_plan.code, 'plan_name', v_plan.name, 'period', p_period,
    'amount', api.money(v_amount), 'amount_paise', (v_amount * 100)::bigint,
    'gateway_plan_id', api.gateway_plan_for(v_plan.code, p_period, v_amount, p_gateway),
    'reuse', v_live.id is not null and v_live.status = 'created' and v_live.plan_code = v_plan.code
             and v_live.period = p_period and v_live.amount = v_amount and v_live.gateway = p_gateway
             and v_live.cancel_requested_at is null,
    'live', case when v_live.id is not null then api.subscription_json(v_live) end,
    'email', (select c.email::text from app.consultants c where c.id = v_id),
    'name', (select c.first_name || ' ' || c.last_name from app.consultants c where c.id = v_id));
end;
$$;
comment on function api.subscription_checkout(text, text, text) is 'The calling consultant starting a plan: its price for the period, the Razorpay plan for that price they may use if any (api.gateway_plan_for), and their live subscription (reuse: it is only created, for the same plan and price). Refuses the free plan (free_plan) and the plan they already pay for (already_subscribed; a failing one, pending or halted, may be replaced by the same plan paid another way).';

create or replace function api.gateway_plan_for(p_plan text, p_period text, p_amount numeric, p_gateway text)
returns text
language sql stable
set search_path = ''
as $$
  -- The Razorpay plan a checkout of the calling consultant bills on: the verified one for this price (shared by
  -- every consultant), else their own not yet checked (recorded by an earlier checkout of theirs); never another
  -- consultant's unverified one (the read policy hides it too), never a rejected one (docs/payments.md "Billing as
  -- built": a consultant-scoped session could record a bogus plan id; only the worker's fetch makes it shared).
  select g.gateway_plan_id from app.gateway_plans g
  where g.plan_code = p_plan and g.period = p_period and g.amount = p_amount and g.gateway = p_gateway
    and g.rejected_at is null
    and (g.verified_at is not null or g.recorded_by = (select app.current_consultant_id()))
  order by g.verified_at is not null desc limit 1
$$;
comment on function api.gateway_plan_for(text, text, numeric, text) is 'The Razorpay plan the calling consultant''s checkout uses for a price: the verified one, else their own unchecked one; NULL when a new one must be made.';

create or replace function api.record_gateway_plan(p_plan text, p_period text, p_amount numeric, p_gateway text,
                                                   p_gateway_plan_id text)
returns text
language plpgsql volatile
set search_path = ''
as $$
begin
  -- A Razorpay plan made by the caller's checkout, kept as theirs (recorded_by; the policy refuses another's name
  -- and a price not the plan's) until the verify_gateway_plan job finds it matches at Razorpay and shares it. No row
  -- when a verified one exists by now; when two checkouts of the caller made one at once, the first stored wins
  -- (gateway_plans_one_unverified; the other Razorpay plan stays unused: plans cost nothing and cannot be deleted).
  if api.gateway_plan_for(p_plan, p_period, p_amount, p_gateway) is null then
    insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, recorded_by)
    values (p_plan, p_period, p_amount, p_gateway, p_gateway_plan_id, app.current_approved_consultant_id())
    on conflict (plan_code, period, amount, gateway, recorded_by) where verified_at is null and rejected_at is null
    do nothing;
  end if;
  return api.gateway_plan_for(p_plan, p_period, p_amount, p_gateway);
end;
$$;
comment on function api.record_gateway_plan(text, text, numeric, text, text) is 'Keep the Razorpay plan the calling consultant''s checkout made for (plan, period, price, gateway), theirs alone until verified; answers the one their checkout uses (the verified one, or theirs first stored).';

create or replace function api.store_subscription(p_plan text, p_period text, p_amount numeric, p_gateway text,
                                                  p_gateway_plan_id text, p_gateway_subscription_id text,
                                                  p_short_url text, p_replaces uuid)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_id uuid := app.current_approved_consultant_id();
  v_s app.subscriptions;
begin
  -- The subscription Razorpay made, `created` (it unlocks nothing until a charge is fetched); the live one it
  -- replaces (cancelled at Razorpay by the caller) is marked replaced first, so the one-live index holds.
  if p_replaces is not null then
    update app.subscriptions s set replaced_at = now(),
      cancel_requested_at = coalesce(s.cancel_requested_at, now())
    where s.id = p_replaces and s.consultant_id = v_id and s.replaced_at is null;
  end if;
  begin
    insert into app.subscriptions (consultant_id, plan_code, period, amount, gateway, gateway_plan_id,
                                   gateway_subscription_id, short_url)
    values (v_id, p_plan, p_period, p_amount, p_gateway, p_gateway_plan_id, p_gateway_subscription_id, p_short_url)
    returning * into v_s;
  exception when unique_violation then
    raise exception using errcode = 'NK409', message = 'subscription_in_progress',
      detail = 'Another checkout for your plan started at the same time: reload your plan page.';
  end;
  if p_replaces is not null then
    update app.subscriptions s set replaced_by = v_s.id where s.id = p_replaces and s.consultant_id = v_id;
  end if;
  insert into app.subscription_history (subscription_id, consultant_id, from_status, to_status, paid_until, source)
  values (v_s.id, v_id, null, 'created', null, 'checkout');
  return api.subscription_json(v_s);
end;
$$;
comment on function api.store_subscription(text, text, numeric, text, text, text, text, uuid) is 'Record the subscription Razorpay made for the calling consultant (created), marking the live one it replaces; subscription_in_progress when a concurrent checkout stored one first.';

create or replace function api.my_subscription()
returns jsonb
language sql stable
set search_path = ''
as $$
  select case when s.id is not null then api.subscription_json(s) end
  from api.live_subscription(app.current_consultant_id()) s
$$;
comment on function api.my_subscription() is 'The calling consultant''s live subscription, or null.';

create or replace function api.record_subscription_cancel(p_id uuid)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_s app.subscriptions;
begin
  -- Razorpay accepted the cancellation (at the cycle's end for a paid one): the entity does not show it, so it is
  -- ours to remember; the plan stays until paid_until (app.plan_coverage), the status follows from the fetches.
  update app.subscriptions s set cancel_requested_at = coalesce(s.cancel_requested_at, now())
  -- Approved or suspended: a suspended consultant may stop paying (their policy consultant_cancels_own_subscriptions).
  where s.id = p_id and s.consultant_id = app.current_reading_consultant_id()
  returning * into v_s;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'You have no subscription to cancel.';
  end if;
  return api.subscription_json(v_s);
end;
$$;
comment on function api.record_subscription_cancel(uuid) is 'Record that the calling consultant cancelled their subscription (at the cycle''s end when paid).';

grant execute on function api.subscription_json(app.subscriptions), api.live_subscription(uuid), api.paid_subscription(uuid),
  api.subscription_checkout(text, text, text), api.gateway_plan_for(text, text, numeric, text),
  api.record_gateway_plan(text, text, numeric, text, text),
  api.store_subscription(text, text, numeric, text, text, text, text, uuid), api.my_subscription(),
  api.record_subscription_cancel(uuid) to nakksha_app;
grant execute on function api.subscription_json(app.subscriptions), api.live_subscription(uuid) to nakksha_worker;

-- Test: pytest tests/db/test_billing.py tests/http/test_billing.py
