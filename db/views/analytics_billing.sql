-- db/views/analytics_billing.sql — the analysts' views of platform plans billed with Razorpay Subscriptions (issue 22): each subscription, MRR and churn by month, and the platform's revenue ledger (documented in docs/analytics.md).
-- Run as their owner like db/views/analytics.sql (applied before analytics_comments.sql, which describes their
-- columns). A subscription's paid coverage is the period app.plan_coverage gives it: paid_from until paid_until,
-- plus the grace setting (subscription_grace_days) while it is live (not cancelled, completed or expired and not
-- replaced by a plan change); one replaced or ended during its grace keeps the part already past (as app.plan_coverage
-- does). The setting is read here, not through app.subscription_grace(): a function in a view runs with the
-- analyst's rights, and the analyst reads no app table. Months are India's (Asia/Kolkata).

create view analytics.subscriptions (id, consultant_id, plan_code, period, amount, monthly_amount, gateway, status,
                                     created_at, paid_from, paid_until, covered_until, charge_at, failures,
                                     cancel_requested_at, replaced_at, ended_at, churned_at, charges, charged_total) as
  with cover as (
    select s.id, s.consultant_id, s.paid_from,
           s.paid_until + case when s.status not in ('cancelled', 'completed', 'expired') and s.replaced_at is null
                               then g.grace
                               else least(g.grace, greatest(interval '0', coalesce(least(s.replaced_at, (
                                      select min(h.at) from app.subscription_history h
                                      where h.subscription_id = s.id
                                        and h.to_status in ('cancelled', 'completed', 'expired')
                                        and s.status in ('cancelled', 'completed', 'expired'))), s.paid_until)
                                      - s.paid_until))
                          end as covered_until
    from app.subscriptions s
    cross join (select make_interval(days => coalesce((select (g.value #>> '{}')::integer from app.platform_settings g
                                                       where g.key = 'subscription_grace_days'), 7)) as grace) g
    where s.paid_from is not null and s.paid_until is not null
  )
  select s.id, s.consultant_id, s.plan_code, s.period, s.amount,
         case s.period when 'yearly' then round(s.amount / 12, 2) else s.amount end, s.gateway, s.status,
         s.created_at, s.paid_from, s.paid_until, v.covered_until, s.charge_at, s.failures, s.cancel_requested_at,
         s.replaced_at, e.ended_at,
         -- Churned: its coverage ended and no other subscription of the consultant's covered that instant.
         case when e.ended_at is not null and not exists (
           select 1 from cover o
           where o.consultant_id = s.consultant_id and o.id <> s.id
             and o.paid_from <= e.ended_at and e.ended_at < o.covered_until) then e.ended_at end,
         coalesce(ch.charges, 0), coalesce(ch.total, 0)
  from app.subscriptions s
  left join cover v on v.id = s.id
  cross join lateral (select case when v.covered_until <= now() then v.covered_until end as ended_at) e
  left join lateral (select count(*) as charges, sum(c.amount) as total
                     from app.subscription_charges c where c.subscription_id = s.id) ch on true;
comment on view analytics.subscriptions is 'Every platform-plan subscription (Razorpay Subscriptions): plan, period, price, status as last fetched, paid period, coverage, when it ended or churned, failures, its charges. Consultants only as ids.';

-- A consultant's paying spells: their subscriptions' coverages joined where they overlap or touch (a plan change's
-- new subscription is charged while the old one's paid period still runs). New = a spell starts; churned = one ends.
create view analytics.subscription_mrr_monthly (month, as_of, active_at_start, new_subscriptions,
                                                churned_subscriptions, active_subscriptions, mrr, churn_rate,
                                                comps_active) as
  with cover as (
    select v.id, v.consultant_id, v.paid_from, v.covered_until, v.monthly_amount
    from analytics.subscriptions v where v.covered_until is not null
  ), ordered as (
    select v.*, max(v.covered_until) over (partition by v.consultant_id order by v.paid_from, v.id
                                           rows between unbounded preceding and 1 preceding) as before_end
    from cover v
  ), spells as (
    select o.consultant_id, min(o.paid_from) as starts, max(o.covered_until) as ends
    from (select o.*, count(*) filter (where o.before_end is null or o.paid_from > o.before_end)
                        over (partition by o.consultant_id order by o.paid_from, o.id) as spell
          from ordered o) o
    group by o.consultant_id, o.spell
  ), months as (
    select m::date as month, m at time zone 'Asia/Kolkata' as starts,
           least((m + interval '1 month') at time zone 'Asia/Kolkata', now()) as as_of
    from generate_series(
      date_trunc('month', least((select min(paid_from) from cover),
                                (select min(starts_at) from app.plan_comps)) at time zone 'Asia/Kolkata'),
      date_trunc('month', now() at time zone 'Asia/Kolkata'), interval '1 month') m
  )
  select m.month, m.as_of,
         (select count(*) from spells p where p.starts <= m.starts and m.starts < p.ends),
         (select count(*) from spells p where m.starts < p.starts and p.starts <= m.as_of),
         (select count(*) from spells p where m.starts < p.ends and p.ends <= m.as_of),
         (select count(*) from spells p where p.starts <= m.as_of and m.as_of < p.ends),
         -- One subscription per paying consultant: the latest started of those covering as_of.
         coalesce((select sum(x.monthly_amount) from (
           select distinct on (v.consultant_id) v.monthly_amount from cover v
           where v.paid_from <= m.as_of and m.as_of < v.covered_until
           order by v.consultant_id, v.paid_from desc, v.id desc) x), 0),
         api.rate((select count(*) from spells p where m.starts < p.ends and p.ends <= m.as_of),
                  (select count(*) from spells p where p.starts <= m.starts and m.starts < p.ends)),
         (select count(distinct pc.consultant_id) from app.plan_comps pc
          where pc.plan_code <> 'free' and pc.starts_at <= m.as_of and (pc.ends_at is null or m.as_of < pc.ends_at)
            and (pc.revoked_at is null or m.as_of < pc.revoked_at))
  from months m;
comment on view analytics.subscription_mrr_monthly is 'Per month (India): paying subscriptions at its start and end, new and churned, MRR in rupees at its end (yearly plans ÷ 12, GST included) and churn %; comps in force counted apart, not in MRR.';

-- The platform's revenue ledger (app.platform_revenue_entries): one row per entry, as written with each plan charge's
-- invoice, and Razorpay's fee once its payment is fetched. Sums per charge: plan_charge = the charge's amount.
create view analytics.platform_revenue (id, consultant_id, subscription_id, subscription_charge_id, tax_document_id,
                                        plan_code, kind, amount, occurred_at, month) as
  select e.id, e.consultant_id, ch.subscription_id, e.subscription_charge_id, e.tax_document_id, ch.plan_code, e.kind,
         e.amount, e.occurred_at, date_trunc('month', e.occurred_at at time zone 'Asia/Kolkata')::date
  from app.platform_revenue_entries e
  join app.subscription_charges ch on ch.id = e.subscription_charge_id;
comment on view analytics.platform_revenue is 'The platform''s revenue ledger from plan charges, one row per entry: the gross charge (positive), the GST output tax inside it and Razorpay''s fee on its payment with the GST on that fee (negative), each tied to its charge and tax invoice. Consultants only as ids.';

grant select on analytics.subscriptions, analytics.subscription_mrr_monthly, analytics.platform_revenue
  to nakksha_analyst;

-- Test: pytest tests/db/test_subscription_analytics.py tests/db/test_analytics_views.py
