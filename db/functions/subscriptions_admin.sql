-- db/functions/subscriptions_admin.sql — the admins' subscription page (GET /api/v1/admin/subscriptions, /admin/subscriptions): each consultant with a subscription or a comp, their plan in force, real subscription state, next charge and failures; and a consultant's subscription history.
-- Issue 22 (docs/payments.md "Billing as built"). Read-only and invoker: the admins' read policies on
-- app.subscriptions, app.plan_comps and app.subscription_history decide what is seen (nothing for a non-admin).

create or replace function api.subscription_status_words(p_status text, p_cancel_requested boolean)
returns text
language sql immutable
set search_path = ''
as $$
  select case p_status
    when 'created' then 'Checkout started, not authorised'
    when 'authenticated' then 'Authorised, first charge to come'
    when 'active' then case when p_cancel_requested then 'Active, cancels at the period''s end' else 'Active' end
    when 'pending' then 'Past due: a charge failed, Razorpay is retrying'
    when 'halted' then 'Past due: retries over, the invoice is unpaid'
    when 'cancelled' then 'Cancelled'
    when 'completed' then 'Completed: every cycle billed'
    when 'expired' then 'Expired: never authorised'
    when 'paused' then 'Paused'
    else p_status end
$$;
comment on function api.subscription_status_words is 'A Razorpay subscription status in plain words for admins (past due: pending or halted).';

create or replace function api.admin_list_subscriptions(p_status text, p_page integer, p_per_page integer)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  perform api.require_admin();
  -- Per consultant: their latest subscription (a live one first) and the comp in force now (the best-priced). A row
  -- value is NULL only when every field is, so presence is tested on the ids.
  with rows as (
    select c.id, c.first_name, c.last_name, c.email::text as email, s.sub, s.sub_id, pc.comp, pc.comp_id,
           case when s.sub_id is null then null
                when (s.sub).status = 'active' then 'active'
                when (s.sub).status in ('pending', 'halted') then 'past_due'
                when (s.sub).status in ('cancelled', 'completed', 'expired') then 'cancelled' end as bucket
    from app.consultants c
    left join lateral (select x as sub, x.id as sub_id from app.subscriptions x where x.consultant_id = c.id
                       order by (x.status not in ('cancelled', 'completed', 'expired') and x.replaced_at is null) desc,
                                -- a paid one before a checkout awaiting authorisation beside it (a plan change
                                -- started): the consultant is still active on it (the outside review)
                                (x.status = 'created') asc,
                                x.created_at desc, x.id desc limit 1) s on true
    left join lateral (select x as comp, x.id as comp_id from app.plan_comps x join app.plans p on p.code = x.plan_code
                       where x.consultant_id = c.id and x.starts_at <= now()
                         and (x.ends_at is null or now() < x.ends_at) and (x.revoked_at is null or now() < x.revoked_at)
                       order by p.price_monthly desc, x.starts_at desc limit 1) pc on true
    where c.deleted_at is null and (s.sub_id is not null or pc.comp_id is not null)
  ), matching as (
    select * from rows r
    where p_status is null or r.bucket = p_status or (p_status = 'comped' and r.comp_id is not null)
  )
  select jsonb_build_object(
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
        'consultant_id', m.id, 'name', m.first_name || ' ' || m.last_name, 'email', m.email,
        'plan_in_force', app.effective_plan_code(m.id),
        'subscription', case when m.sub_id is not null then jsonb_build_object(
          'id', (m.sub).id, 'plan', (m.sub).plan_code, 'period', (m.sub).period, 'amount', api.money((m.sub).amount),
          'status', (m.sub).status,
          'status_words', api.subscription_status_words((m.sub).status, (m.sub).cancel_requested_at is not null),
          'charge_at', (m.sub).charge_at, 'paid_until', (m.sub).paid_until, 'failures', (m.sub).failures,
          'cancel_requested_at', (m.sub).cancel_requested_at, 'created_at', (m.sub).created_at) end,
        'comp', case when m.comp_id is not null then jsonb_build_object(
          'plan', (m.comp).plan_code, 'starts_at', (m.comp).starts_at, 'ends_at', (m.comp).ends_at,
          'reason', (m.comp).reason) end)
        -- Past due first (they need a person), then by name.
        order by (m.bucket = 'past_due') desc nulls last, m.first_name, m.last_name, m.id)
      from (select * from matching order by (bucket = 'past_due') desc nulls last, first_name, last_name, id
            limit p_per_page offset (p_page - 1) * p_per_page) m), '[]'),
    'total', (select count(*) from matching),
    'page', p_page, 'per_page', p_per_page,
    'counts', (select jsonb_build_object(
      'active', count(*) filter (where bucket = 'active'),
      'past_due', count(*) filter (where bucket = 'past_due'),
      'cancelled', count(*) filter (where bucket = 'cancelled'),
      'comped', count(*) filter (where comp_id is not null)) from rows))
  into v_result;
  return v_result;
end;
$$;
comment on function api.admin_list_subscriptions is 'Admins: consultants with a subscription or a comp in force — plan in force, latest subscription''s state in words, next charge, paid until, failures, comp — filtered by active, past_due (pending/halted), cancelled or comped; past due first, 50 a page.';

create or replace function api.admin_subscription_history_json(p_consultant_id uuid)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- The latest 10 observed changes of the consultant's subscriptions, newest first (read as the caller).
  select coalesce(jsonb_agg(x.j order by x.id desc), '[]') from (
    select h.id, jsonb_build_object('at', h.at, 'subscription_id', h.subscription_id, 'plan', s.plan_code,
             'period', s.period, 'from_status', h.from_status, 'to_status', h.to_status,
             'status_words', api.subscription_status_words(h.to_status, false), 'paid_until', h.paid_until,
             'source', h.source) as j
    from app.subscription_history h join app.subscriptions s on s.id = h.subscription_id
    where h.consultant_id = p_consultant_id
    order by h.id desc limit 10) x
$$;
comment on function api.admin_subscription_history_json is 'The latest 10 rows of a consultant''s subscription history, newest first, for the admin''s consultant page (read as the caller).';

grant execute on function api.subscription_status_words(text, boolean), api.admin_list_subscriptions(text, integer, integer),
  api.admin_subscription_history_json(uuid) to nakksha_app;

-- Test: pytest tests/http/test_admin_subscriptions.py tests/db/test_rls.py
