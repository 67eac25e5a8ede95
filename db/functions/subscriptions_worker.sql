-- db/functions/subscriptions_worker.sql — the subscription job's steps (record a fetched subscription and its paid invoices, the subscriptions due a check), the check of a Razorpay plan a checkout recorded, and the webhook's hand-over to it.
-- Issue 22 (docs/payments.md "Billing as built"). api.worker_* are security invoker, granted to nakksha_worker alone,
-- under its worker_steps policies. app_private.subscription_event runs inside api.handle_payment_webhook, as its
-- owner, and only queues the job: a webhook's own state is never trusted (late, repeated or out of order).

create or replace function api.worker_subscription(p_gateway_subscription_id text)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('id', s.id, 'consultant_id', s.consultant_id, 'gateway', s.gateway,
    'gateway_subscription_id', s.gateway_subscription_id, 'plan', s.plan_code, 'status', s.status)
  from app.subscriptions s where s.gateway_subscription_id = p_gateway_subscription_id
$$;
comment on function api.worker_subscription(text) is 'Worker: the subscription with this Razorpay id (null when unknown).';

create or replace function app_private.unix_time(p_value jsonb)
returns timestamptz
language sql immutable
set search_path = ''
as $$ select case when jsonb_typeof(p_value) = 'number' then to_timestamp((p_value #>> '{}')::bigint) end $$;
comment on function app_private.unix_time(jsonb) is 'Razorpay''s unix seconds as an instant (NULL when absent).';

create or replace function api.worker_record_subscription(p_gateway_subscription_id text, p_state jsonb,
                                                          p_invoices jsonb, p_source text, p_event_id text,
                                                          p_fetched_at timestamptz)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_s app.subscriptions;
  v_old app.subscriptions;
  v_status text := p_state->>'status';
  v_new integer := 0;
  v_stale boolean;
  v_prev record;
begin
  -- One fetch of a subscription (app/adapters/subscriptions.py subscription_state) and its invoices, recorded under
  -- the row's lock, so two jobs (a webhook's and a checkout return's) recording at once take turns. Each paid
  -- invoice is a charge, once (by payment id); paid_from/paid_until follow from the charges. The status and cycle
  -- are taken unless a later fetch was recorded already (a stale fetch still adds its charges: they are facts).
  -- History gets a row only when the status or paid_until changed.
  select * into v_old from app.subscriptions s where s.gateway_subscription_id = p_gateway_subscription_id for update;
  if v_old.id is null then
    return null;
  end if;
  if v_status is null or v_status not in ('created', 'authenticated', 'active', 'pending', 'halted', 'cancelled',
                                          'completed', 'expired', 'paused') then
    v_status := v_old.status;  -- a status Razorpay has not documented: keep ours, the charges still count
  end if;
  v_stale := v_old.fetched_at is not null and p_fetched_at < v_old.fetched_at;

  with paid as (
    insert into app.subscription_charges (subscription_id, consultant_id, plan_code, gateway, gateway_payment_id,
                                          gateway_invoice_id, amount, cycle_start, cycle_end, charged_at,
                                          payment_method)
    select v_old.id, v_old.consultant_id, v_old.plan_code, v_old.gateway, i->>'payment_id', i->>'id',
           coalesce((i->>'amount_paid')::bigint, (i->>'amount')::bigint) / 100.0,
           app_private.unix_time(i->'billing_start'), app_private.unix_time(i->'billing_end'),
           coalesce(app_private.unix_time(i->'paid_at'), now()), p_state->>'payment_method'
    from jsonb_array_elements(coalesce(p_invoices, '[]')) i
    where i->>'status' = 'paid' and i->>'payment_id' is not null
      and app_private.unix_time(i->'billing_start') < app_private.unix_time(i->'billing_end')
    on conflict (gateway_payment_id) do nothing
    returning 1)
  select count(*) into v_new from paid;

  -- A plan change takes effect here: the new subscription's first fetch after authorisation (out of `created`,
  -- not final) marks the paid one it replaces as replaced and queues its cancellation at Razorpay (at its
  -- cycle's end: its plan holds until then; nothing is refunded). Until now the paid one was left alone, so an
  -- abandoned checkout costs the consultant nothing. Done before this row's status moves (the one-live index).
  if v_old.status = 'created' and v_status not in ('created', 'cancelled', 'completed', 'expired') and not v_stale then
    for v_prev in select s.gateway_subscription_id, s.id from app.subscriptions s
                  where s.consultant_id = v_old.consultant_id and s.id <> v_old.id and s.replaced_at is null
                    and s.status not in ('created', 'cancelled', 'completed', 'expired')
                  for update loop
      update app.subscriptions s set replaced_at = now(), replaced_by = v_old.id where s.id = v_prev.id;
      perform app_private.withdraw_plan_grace_mails(v_prev.id);  -- a new plan: the old one's dunning is moot
      perform app_private.defer_job('cancel_replaced_subscription',
                                    jsonb_build_object('subscription_id', v_prev.gateway_subscription_id), 'payments',
                                    null, null, 'subscription:' || v_prev.gateway_subscription_id);
    end loop;
  end if;

  update app.subscriptions s set
    status = case when v_stale then s.status else v_status end,
    current_start = case when v_stale then s.current_start else app_private.unix_time(p_state->'current_start') end,
    current_end = case when v_stale then s.current_end else app_private.unix_time(p_state->'current_end') end,
    charge_at = case when v_stale then s.charge_at else app_private.unix_time(p_state->'charge_at') end,
    paid_count = case when v_stale then s.paid_count else coalesce((p_state->>'paid_count')::integer, s.paid_count) end,
    payment_method = coalesce(p_state->>'payment_method', s.payment_method),
    short_url = coalesce(s.short_url, p_state->>'short_url'),
    -- Razorpay's link to pay the latest unpaid invoice (a halted one is not charged again by itself): the failure
    -- mails' Pay now (this one's, and the sweep's later reminder and notice, which have no invoices to read).
    unpaid_invoice_url = case when v_stale then s.unpaid_invoice_url else (
      select i->>'short_url' from jsonb_array_elements(coalesce(p_invoices, '[]')) i
      where i->>'status' in ('issued', 'partially_paid') and i->>'short_url' like 'https://%'
      order by (i->>'billing_start')::bigint desc nulls last limit 1) end,
    -- Cycles invoiced and not paid, as last fetched (a failed renewal, a halted subscription's invoices).
    failures = case when v_stale then s.failures else (
      select count(*) from jsonb_array_elements(coalesce(p_invoices, '[]')) i
      where i->>'status' in ('issued', 'partially_paid', 'expired')) end,
    fetched_at = greatest(s.fetched_at, p_fetched_at),
    paid_from = c.paid_from, paid_until = c.paid_until
  from (select min(x.cycle_start) as paid_from, max(x.cycle_end) as paid_until
        from app.subscription_charges x where x.subscription_id = v_old.id) c
  where s.id = v_old.id
  returning s.* into v_s;

  if (v_s.status, v_s.paid_until) is distinct from (v_old.status, v_old.paid_until) then
    insert into app.subscription_history (subscription_id, consultant_id, from_status, to_status, paid_until, source,
                                          event_id)
    values (v_s.id, v_s.consultant_id, v_old.status, v_s.status, v_s.paid_until, p_source, p_event_id);
    -- A renewal that failed (pending: Razorpay retries) or stopped being retried (halted: nothing is charged again
    -- by itself): the consultant hears of it once per change, with how long the plan holds and, when Razorpay gave
    -- the unpaid invoice's link, a way to pay it now.
    if v_s.status in ('pending', 'halted') and v_s.status is distinct from v_old.status then
      perform app_private.queue_email('plan_payment_failed', c.email, c.first_name, jsonb_build_object(
          'first_name', c.first_name, 'plan_name', (select p.name from app.plans p where p.code = v_s.plan_code),
          'status', v_s.status, 'timezone', c.timezone,
          'grace_until', v_s.paid_until + app.subscription_grace(), 'pay_url', v_s.unpaid_invoice_url),
        v_s.consultant_id)
      from app.consultants c where c.id = v_s.consultant_id;
    end if;
    -- A grace-ending reminder or fall-back notice still waiting to go no longer does once the plan is paid
    -- (paid_until moved on) or the subscription is no longer failing (db/functions/subscription_grace_mails.sql).
    perform app_private.withdraw_plan_grace_mails(v_s.id);
  end if;
  perform app.sync_plan_display(v_s.consultant_id);
  return jsonb_build_object('status', v_s.status, 'paid_until', v_s.paid_until, 'new_charges', v_new,
    'changed', (v_s.status, v_s.paid_until) is distinct from (v_old.status, v_old.paid_until),
    'consultant_id', v_s.consultant_id, 'plan', app.effective_plan_code(v_s.consultant_id));
end;
$$;
comment on function api.worker_record_subscription(text, jsonb, jsonb, text, text, timestamptz) is 'Worker: record one fetch of a subscription (its normalised state and its invoices): new charges from paid invoices (once per payment id), paid_from/paid_until from the charges, the status and cycle unless a later fetch was recorded, a history row when the status or paid_until changed, and the display copy of the plan in force.';

create or replace function api.worker_subscription_cancel_requested(p_gateway_subscription_id text)
returns void
language sql volatile
set search_path = ''
as $$
  -- Razorpay took the cancellation of a replaced subscription (at its cycle's end): recorded as asked, as
  -- record_subscription_cancel does for the consultant's own (Razorpay's entity does not show a scheduled cancel).
  update app.subscriptions s set cancel_requested_at = coalesce(s.cancel_requested_at, now())
  where s.gateway_subscription_id = p_gateway_subscription_id
$$;
comment on function api.worker_subscription_cancel_requested(text) is 'Worker: record that a replaced subscription''s cancellation was asked of Razorpay.';

create or replace function api.worker_subscriptions_due(p_limit integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- The live subscriptions to fetch even without a webhook (webhooks are the fast path; this catches the ones that
  -- never came): a charge due an hour ago and not fetched since, a paid period run out, or daily. A failed
  -- renewal's grace-ending reminder or its end falling due: fetched first, so the mail goes only if still unpaid
  -- (api.worker_queue_plan_grace_mails).
  select coalesce(jsonb_agg(x.gateway_subscription_id), '[]') from (
    select s.gateway_subscription_id from app.subscriptions s
    cross join lateral (select s.paid_until + app.subscription_grace() as grace_end) g
    where s.status not in ('cancelled', 'completed', 'expired')
      and (coalesce(s.fetched_at, '-infinity') < now() - interval '1 day'
           or (s.charge_at < now() - interval '1 hour' and coalesce(s.fetched_at, '-infinity') < s.charge_at + interval '1 hour')
           or (s.paid_until < now() and coalesce(s.fetched_at, '-infinity') < s.paid_until)
           or (s.status in ('pending', 'halted') and s.replaced_at is null
               and ((g.grace_end - app_private.grace_reminder_ahead() < now()
                     and coalesce(s.fetched_at, '-infinity') < g.grace_end - app_private.grace_reminder_ahead())
                    or (g.grace_end < now() and coalesce(s.fetched_at, '-infinity') < g.grace_end))))
      and (s.status <> 'created' or s.created_at > now() - interval '8 days')
    order by s.fetched_at nulls first limit p_limit) x
$$;
comment on function api.worker_subscriptions_due(integer) is 'Worker: the live subscriptions due a fetch (a charge, period end, or a failed renewal''s grace reminder or end passed without one, or a day since the last); ones only created are given up after about a week.';

create or replace function app_private.subscription_event(p_payload jsonb, p_event_id text default null)
returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  v_sub text := p_payload #>> '{payload,subscription,entity,id}';
begin
  -- subscription.*: the event's own state is not trusted (late, repeated or out of order): the subscription is
  -- fetched by refresh_subscription, one at a time per subscription. One waiting per subscription is enough.
  if v_sub is null or not exists (select 1 from app.subscriptions s where s.gateway_subscription_id = v_sub) then
    return 'ignored_unknown_subscription';
  end if;
  if exists (select from public.procrastinate_jobs j
             where j.queueing_lock = 'subscription_refresh:' || v_sub and j.status = 'todo') then
    return 'subscription_refresh_already_queued';
  end if;
  begin
    perform app_private.defer_job('refresh_subscription',
                                  jsonb_build_object('subscription_id', v_sub, 'event_id', p_event_id), 'payments',
                                  null, 'subscription_refresh:' || v_sub, 'subscription:' || v_sub);
  exception when unique_violation then
    return 'subscription_refresh_already_queued';  -- queued by a concurrent delivery
  end;
  return 'subscription_refresh_queued';
end;
$$;
comment on function app_private.subscription_event(jsonb, text) is 'A subscription.* webhook: queue a fetch of the subscription (the event''s own state is not trusted).';

-- Razorpay plans recorded by a consultant's checkout: shared once the worker checked them ---------------------------
-- (docs/payments.md "Billing as built"). The web app queues no jobs (only definer functions and the worker do):
-- the sweep_gateway_plans job queues verify_gateway_plan for each row awaiting its check.

create or replace function api.worker_gateway_plans_due(p_gateway text, p_limit integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- Not checked yet, on the gateway the worker talks to; one whose price has a verified plan by now is left alone
  -- (no checkout uses it any more: api.gateway_plan_for prefers the verified one).
  select coalesce(jsonb_agg(x.id), '[]') from (
    select g.id from app.gateway_plans g
    where g.verified_at is null and g.rejected_at is null and g.gateway = p_gateway
      and not exists (select from app.gateway_plans v where v.plan_code = g.plan_code and v.period = g.period
                      and v.amount = g.amount and v.gateway = g.gateway and v.verified_at is not null
                      and v.rejected_at is null)
    order by g.created_at limit p_limit) x
$$;
comment on function api.worker_gateway_plans_due(text, integer) is 'Worker: the gateway plans a consultant''s checkout recorded that await their check at Razorpay (none whose price has a verified plan).';

create or replace function api.worker_gateway_plan(p_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('id', g.id, 'plan', g.plan_code, 'period', g.period, 'amount', g.amount,
    'gateway', g.gateway, 'gateway_plan_id', g.gateway_plan_id, 'recorded_by', g.recorded_by,
    'verified_at', g.verified_at, 'rejected_at', g.rejected_at)
  from app.gateway_plans g where g.id = p_id
$$;
comment on function api.worker_gateway_plan(uuid) is 'Worker: one gateway plan row as the verify_gateway_plan job checks it (null when none).';

create or replace function api.worker_record_gateway_plan(p_id uuid, p_problem text)
returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  v_g app.gateway_plans;
begin
  -- The check's outcome: p_problem null when Razorpay has the plan as recorded (verified: every consultant's
  -- checkout for the price uses it from now), else what differs or Razorpay's refusal (rejected: nobody's checkout
  -- uses it; its recorder's next one makes a new plan). A price verified meanwhile keeps its plan: this one stays
  -- its recorder's own (one verified per price, gateway_plans_one_verified).
  select * into v_g from app.gateway_plans g where g.id = p_id for update;
  if v_g.id is null then
    return 'unknown';
  elsif v_g.verified_at is not null or v_g.rejected_at is not null then
    return 'already_checked';
  elsif p_problem is not null then
    update app.gateway_plans g set rejected_at = now(), rejected_reason = left(p_problem, 500) where g.id = p_id;
    return 'rejected';
  end if;
  begin
    update app.gateway_plans g set verified_at = now() where g.id = p_id;
  exception when unique_violation then
    return 'kept_own';
  end;
  return 'verified';
end;
$$;
comment on function api.worker_record_gateway_plan(uuid, text) is 'Worker: record a gateway plan''s check at Razorpay: verified (shared) when p_problem is null, else rejected with the reason; kept_own when another is verified for its price.';

grant execute on function api.worker_subscription(text), api.worker_subscription_cancel_requested(text),
  api.worker_record_subscription(text, jsonb, jsonb, text, text, timestamptz), api.worker_subscriptions_due(integer),
  api.worker_gateway_plans_due(text, integer), api.worker_gateway_plan(uuid), api.worker_record_gateway_plan(uuid, text)
  to nakksha_worker;

-- Test: pytest tests/db/test_billing.py tests/db/test_plan_payment_mail.py tests/db/test_plan_grace_mails.py tests/db/test_gateway_plans.py
