-- db/functions/subscription_grace_mails.sql — a failed renewal's later mails: the reminder a few days before the grace ends and the notice once the plan has fallen back, queued by a sweep and withdrawn when the plan is paid.
-- Issue 22 (docs/payments.md "Billing as built"). The failure itself is mailed by api.worker_record_subscription
-- (plan_payment_failed). These two wait on the subscription row rather than as jobs queued days ahead (Procrastinate's
-- fetch walks every job queued ahead, issue 20), like the session reminders (db/functions/reminders.sql): the
-- sweep mails what is due on the latest fetch, once per paid_until, and a fetch that finds the plan paid, replaced
-- or cancelled withdraws a mail still waiting to go. api.worker_* are security invoker, granted to nakksha_worker.

create or replace function app_private.plan_is_lower(p_code text, p_than text)
returns boolean
language sql stable
set search_path = ''
as $$
  -- The order app.effective_plan_code picks the best plan by: a lower plan is one it would pick after.
  select (a.price_monthly, a.price_yearly, a.position) < (b.price_monthly, b.price_yearly, b.position)
  from app.plans a, app.plans b where a.code = p_code and b.code = p_than
$$;
comment on function app_private.plan_is_lower(text, text) is 'Whether a plan ranks below another in the order the plan in force is chosen by (price a month, a year, position).';

create or replace function app_private.grace_reminder_ahead()
returns interval
language sql stable
set search_path = ''
as $$
  select make_interval(days => app_private.setting_integer('subscription_grace_reminder_days'))
$$;
comment on function app_private.grace_reminder_ahead() is 'How long before a failed renewal''s grace ends the consultant is reminded (subscription_grace_reminder_days; 0: never).';

create or replace function app_private.plan_grace_mail(p_s app.subscriptions, p_kind text, p_fallback_plan text)
returns uuid
language sql volatile
set search_path = ''
as $$
  -- One of the two mails, with what the consultant needs: the plan, the instant it falls (fell) back and to what,
  -- the unpaid invoice's Pay now link when Razorpay gave one, and which subscription and paid_until it was for (so a
  -- recovered payment can withdraw it before it goes: app_private.withdraw_plan_grace_mails).
  select app_private.queue_email(p_kind, c.email, c.first_name, jsonb_build_object(
      'first_name', c.first_name, 'timezone', c.timezone,
      'plan_name', (select p.name from app.plans p where p.code = p_s.plan_code),
      'fallback_plan_name', (select p.name from app.plans p where p.code = p_fallback_plan),
      'grace_until', p_s.paid_until + app.subscription_grace(), 'pay_url', p_s.unpaid_invoice_url,
      'subscription_id', p_s.id, 'paid_until', p_s.paid_until),
    c.id)
  from app.consultants c where c.id = p_s.consultant_id
$$;
comment on function app_private.plan_grace_mail(app.subscriptions, text, text) is 'Queue plan_grace_ending or plan_fell_back for a subscription whose renewal failed, naming the plan it falls back to.';

create or replace function api.worker_queue_plan_grace_mails(p_limit integer default 200, p_at timestamptz default null)
returns integer
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_at timestamptz := coalesce(p_at, now());
  v_grace interval := app.subscription_grace();
  v_ahead interval := app_private.grace_reminder_ahead();
  v_s app.subscriptions;
  v_to text;
  v_count integer := 0;
begin
  -- With the subscriptions sweep (every ten minutes). A subscription whose renewal failed (pending or halted, not
  -- replaced by a plan change, no cancellation asked) keeps its plan until paid_until + grace. Both mails go only on a
  -- fetch made after they fell due that still showed it unpaid (api.worker_subscriptions_due queues that fetch), so a
  -- payment whose webhook was lost is seen first; a recorded charge moves paid_until on and neither goes. Once per
  -- paid_until (the columns), under the row's lock: racing sweeps skip the row the other holds, and a fetch
  -- recording a charge waits for it (or the sweep skips the row the fetch holds). p_at: the instant to sweep for.
  --
  -- The reminder: from grace_reminder_ahead before the grace ends until it ends, when the reminder falls after
  -- the paid period (a shorter grace: the failure mail already gave the date) and the plan in force would then
  -- drop (a comp or another subscription keeping the plan means no reminder).
  for v_s in
    select s.* from app.subscriptions s
    where s.status in ('pending', 'halted') and s.replaced_at is null and s.cancel_requested_at is null
      and s.paid_until is not null and s.grace_reminder_for is distinct from s.paid_until
      and v_ahead > interval '0' and v_ahead < v_grace
      and s.paid_until <= v_at - v_grace + v_ahead and s.paid_until > v_at - v_grace  -- (the index's range)
      and s.fetched_at >= s.paid_until + v_grace - v_ahead
      and app_private.plan_is_lower(app.effective_plan_code(s.consultant_id, s.paid_until + v_grace), s.plan_code)
    order by s.paid_until
    limit p_limit
    for update of s skip locked
  loop
    v_to := app.effective_plan_code(v_s.consultant_id, v_s.paid_until + v_grace);
    perform app_private.plan_grace_mail(v_s, 'plan_grace_ending', v_to);
    update app.subscriptions set grace_reminder_for = v_s.paid_until where id = v_s.id;
    v_count := v_count + 1;
  end loop;
  -- The notice: once the grace has ended (within a week: a worker down longer sends no stale news), when the plan
  -- in force at this instant is lower than the subscription's (a comp or another subscription keeping it: none).
  for v_s in
    select s.* from app.subscriptions s
    where s.status in ('pending', 'halted') and s.replaced_at is null and s.cancel_requested_at is null
      and s.paid_until is not null and s.fallback_notice_for is distinct from s.paid_until
      and s.paid_until <= v_at - v_grace and s.paid_until > v_at - v_grace - interval '7 days'
      and s.fetched_at >= s.paid_until + v_grace
      and app_private.plan_is_lower(app.effective_plan_code(s.consultant_id, v_at), s.plan_code)
    order by s.paid_until
    limit p_limit
    for update of s skip locked
  loop
    v_to := app.effective_plan_code(v_s.consultant_id, v_at);
    perform app_private.plan_grace_mail(v_s, 'plan_fell_back', v_to);
    update app.subscriptions set fallback_notice_for = v_s.paid_until, grace_reminder_for = v_s.paid_until
    where id = v_s.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function api.worker_queue_plan_grace_mails(integer, timestamptz) is 'Worker, with the subscriptions sweep: queue the grace-ending reminder and the fall-back notice of subscriptions whose renewal failed, each once per paid_until, when a fetch since they fell due still shows them unpaid and the plan in force drops (at most p_limit of each; p_at: the instant to sweep for, now by default).';

create or replace function app_private.withdraw_plan_grace_mails(p_subscription_id uuid)
returns integer
language sql volatile
set search_path = ''
as $$
  -- Called by api.worker_record_subscription when a fetch changed a subscription (and for the one a plan change
  -- replaced): a reminder or notice still queued for it (a send retried while the mail provider is down) no
  -- longer goes when the plan was paid since (paid_until moved on), changed or cancelled. Logged as failed, with why.
  with gone as (
    update app.email_logs l set status = 'failed', failed_at = now(),
      error_message = 'withdrawn: the plan was paid, changed or cancelled before this went'
    from app.subscriptions s
    where s.id = p_subscription_id and l.consultant_id = s.consultant_id and l.status = 'queued'
      and l.email_type in ('plan_grace_ending', 'plan_fell_back')
      and l.template_data->>'subscription_id' = s.id::text
      and (s.status not in ('pending', 'halted') or s.replaced_at is not null or s.cancel_requested_at is not null
           or (l.template_data->>'paid_until')::timestamptz is distinct from s.paid_until)
    returning 1)
  select count(*)::integer from gone
$$;
comment on function app_private.withdraw_plan_grace_mails(uuid) is 'Withdraw (mark failed) a subscription''s queued grace-ending reminder or fall-back notice once its plan was paid, replaced or cancelled.';

grant execute on function api.worker_queue_plan_grace_mails(integer, timestamptz) to nakksha_worker;

-- Test: pytest tests/db/test_plan_grace_mails.py
