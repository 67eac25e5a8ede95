-- db/functions/plans.sql — the plans as the API and the pages answer them (prices and what each unlocks, one function for the pricing page, the plan page and the API) and the consultant's plan in force with this month's usage.

create or replace function api.plan_json(p app.plans)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('code', p.code, 'name', p.name, 'price_monthly', api.money(p.price_monthly),
    'price_yearly', api.money(p.price_yearly), 'commission_percent', p.commission_percent,
    'commission_min', api.money(p.commission_min), 'webinar_seats', p.webinar_seats,
    'quotations_per_month', p.quotations_per_month, 'custom_reminders', p.custom_reminders,
    'remove_branding', p.remove_branding, 'payout_release_hours', p.payout_release_hours)
$$;
comment on function api.plan_json(app.plans) is 'A plan as the API answers it: prices (money strings, GST included), commission, and what it unlocks (NULL limits are unlimited).';

create or replace function api.plan_catalogue()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- The one list the pricing page, the consultant's plan page and GET /api/v1/plans show, so they never disagree.
  -- A payout hold longer than the platform's setting is shown as the setting (what app.transfer_release_after does).
  select coalesce(jsonb_agg(api.plan_json(p) || jsonb_build_object('payout_release_hours',
                              least(p.payout_release_hours, app.payout_setting('payout_hold_hours_after_session')))
                            order by p.position, p.price_monthly, p.code), '[]')
  from app.plans p
$$;
comment on function api.plan_catalogue() is 'Every plan with its prices and what it unlocks, in the order the pages show them.';

create or replace function api.my_plan()
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_id uuid := api.caller_consultant_id();
  v_c record;
  v_basis record;
  v_code text;
  v_plan jsonb;
  v_sent integer;
  v_widest integer;
begin
  select c.timezone into v_c from app.consultants c where c.id = v_id;
  v_code := app.effective_plan_code(v_id);
  -- What they subscribed to (issue 22: comps and paid subscriptions): the basis in force that lasts longest, else
  -- the latest one that ran out (a revoked comp is no basis); the free plan when there is none.
  select x.plan_code, x.until into v_basis from (
    select pc.plan_code, pc.ends_at as until, pc.created_at as made
    from app.plan_comps pc where pc.consultant_id = v_id and pc.revoked_at is null and pc.starts_at <= now()
    union all
    select s.plan_code, s.paid_until, s.created_at
    from app.subscriptions s where s.consultant_id = v_id and s.paid_until is not null) x
  order by (x.until is null or x.until > now()) desc, x.plan_code = v_code desc, x.until desc nulls first, x.made desc
  limit 1;
  v_plan := (select e from jsonb_array_elements(api.plan_catalogue()) e where e->>'code' = v_code);
  -- The month's sends, as app.guard_quotation_sends counts them.
  select count(*) into v_sent from app.quotations q
  where q.consultant_id = v_id and q.sent_at >= (date_trunc('month', now() at time zone v_c.timezone) at time zone v_c.timezone);
  -- The widest webinar offered from now on (a rule, or a slot not yet over): over the plan's seats after a downgrade,
  -- it is kept and read-only.
  select max(x.capacity) into v_widest from (
    select r.capacity from app.availability_rules r where r.consultant_id = v_id and r.session_type = 'webinar' and r.is_active
    union all
    select s.capacity from app.availability_slots s
    where s.consultant_id = v_id and s.session_type = 'webinar' and s.ends_at > now()) x;
  return jsonb_build_object(
    'plan', v_plan,
    'subscribed_plan', coalesce(v_basis.plan_code, 'free'),
    'expires_at', v_basis.until,
    'expired', v_code <> coalesce(v_basis.plan_code, 'free'),
    'subscription', api.my_subscription(),
    -- During a plan change awaiting authorisation: the paid subscription it will replace (still in force).
    'replacing', (select api.subscription_json(p) from api.paid_subscription(v_id) p
                  where p.id is not null and (select l.status from api.live_subscription(v_id) l) = 'created'),
    -- How long the plan holds if the live subscription's renewal keeps failing (app.plan_coverage's grace).
    'grace_until', (select s.paid_until + app.subscription_grace() from api.live_subscription(v_id) s
                    where s.status in ('pending', 'halted', 'paused')),
    'usage', jsonb_build_object(
      'quotations_sent_this_month', v_sent,
      'quotations_per_month', v_plan->'quotations_per_month',
      'widest_webinar', coalesce(v_widest, 0),
      'webinar_seats', v_plan->'webinar_seats',
      'over_limit', jsonb_build_array()
        || case when (v_plan->>'quotations_per_month')::integer < v_sent then '["quotations_per_month"]'::jsonb else '[]' end
        || case when (v_plan->>'webinar_seats')::integer < v_widest then '["webinar_seats"]'::jsonb else '[]' end),
    'plans', api.plan_catalogue());
end;
$$;
comment on function api.my_plan() is 'The calling consultant''s plan in force (app.effective_plan_code), what they subscribed to or were comped and until when, their live subscription, this month''s usage against its limits, and every plan to compare.';

grant execute on function api.plan_json(app.plans), api.plan_catalogue(), api.my_plan() to nakksha_app;

-- Test: pytest tests/db/test_plans.py tests/http/test_plans.py
