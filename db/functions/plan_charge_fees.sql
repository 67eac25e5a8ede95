-- db/functions/plan_charge_fees.sql — the worker's steps booking Razorpay's fee on each plan charge in the platform's revenue ledger (issue 22): which charges still need it, and booking it from the payment entity.
-- Applied after the migrations (app.platform_revenue_entries, migration 20261213050000); called by the every-minute
-- Route sync (jobs/route_transfers.py), which fetches each charge's payment as it does for booking payments.

create or replace function api.worker_plan_charges_missing_fee(p_gateway text, p_limit integer)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Plan charges of the last 180 days whose Razorpay fee is not booked yet (their invoice's rows are: the charge is
  -- recorded), oldest first; the Route sync fetches each one's payment.
  select coalesce(jsonb_agg(jsonb_build_object('charge_id', x.id, 'gateway_payment_id', x.gateway_payment_id)
                            order by x.charged_at), '[]')
  from (select ch.id, ch.gateway_payment_id, ch.charged_at from app.subscription_charges ch
        where ch.gateway = p_gateway and ch.charged_at > now() - interval '180 days'
          and exists (select from app.platform_revenue_entries e where e.subscription_charge_id = ch.id
                      and e.kind = 'plan_charge')
          and not exists (select from app.platform_revenue_entries e where e.subscription_charge_id = ch.id
                          and e.kind = 'gateway_fee')
        order by ch.charged_at limit p_limit) x
$$;
comment on function api.worker_plan_charges_missing_fee(text, integer) is 'Worker: plan charges (last 180 days) whose Razorpay fee is not in the platform''s revenue ledger yet.';

create or replace function api.worker_record_plan_charge_fee(p_charge_id uuid, p_fee_paise bigint, p_tax_paise bigint)
returns integer
language sql volatile security invoker
set search_path = ''
as $$
  -- Razorpay's payment entity: `fee` is its fee with the GST on it, `tax` that GST. Booked once per charge, negative
  -- (the platform's cost): gateway_fee the fee without its GST (zero is booked: the charge is done), gateway_fee_gst
  -- the GST (input tax the platform may claim; no row when zero). Beside the charge's invoice rows.
  with booked as (
    insert into app.platform_revenue_entries (consultant_id, subscription_charge_id, tax_document_id, kind, amount,
                                              occurred_at)
    select e.consultant_id, e.subscription_charge_id, e.tax_document_id, k.kind, k.amount, e.occurred_at
    from app.platform_revenue_entries e
    cross join lateral (values ('gateway_fee', -((p_fee_paise - coalesce(p_tax_paise, 0)) / 100.0)::numeric(12, 2)),
                               ('gateway_fee_gst', -(coalesce(p_tax_paise, 0) / 100.0)::numeric(12, 2))) k (kind, amount)
    where e.subscription_charge_id = p_charge_id and e.kind = 'plan_charge' and p_fee_paise is not null
      and p_fee_paise >= coalesce(p_tax_paise, 0) and coalesce(p_tax_paise, 0) >= 0
      and (k.kind = 'gateway_fee' or k.amount <> 0)
    on conflict (subscription_charge_id, kind) do nothing
    returning 1)
  select count(*)::integer from booked
$$;
comment on function api.worker_record_plan_charge_fee(uuid, bigint, bigint) is 'Worker: book Razorpay''s fee on a plan charge''s payment (and the GST in it) in the platform''s revenue ledger, once; answers the rows written.';

revoke execute on function api.worker_plan_charges_missing_fee(text, integer),
  api.worker_record_plan_charge_fee(uuid, bigint, bigint) from public;
grant execute on function api.worker_plan_charges_missing_fee(text, integer),
  api.worker_record_plan_charge_fee(uuid, bigint, bigint) to nakksha_worker;

-- Test: pytest tests/db/test_platform_revenue.py tests/jobs/test_route_transfers.py
