-- db/functions/app/platform_revenue.sql — the platform's revenue ledger for plan charges (issue 22): the rows each plan charge's GST invoice writes (the trigger's body).
-- app.ledger_entries is what the platform owes each consultant; a plan charge is money a consultant paid the
-- platform, owed to nobody, so it has a ledger of its own, app.platform_revenue_entries (migration
-- 20261213010000). A plan charge recorded (api.worker_record_subscription) issues the platform's tax invoice
-- (app.issue_plan_charge_invoice, db/functions/app/tax_document_issue.sql); that invoice, inserted, writes here in
-- the same transaction: the gross charge and the GST output tax inside it exactly as the invoice states it.
-- Runs as whoever inserted the charge (the worker, or the owner in a migration): invoker, no definer.

create or replace function app.record_plan_charge_revenue(p_tax_document_id uuid) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- Signed rupees, positive = the platform received it: the plan charge (its gross, GST included) and, negative,
  -- each GST component of its invoice (output tax the platform owes the government out of it). A charge's rows
  -- sum to its invoice's taxable value plus round-off: the platform's net revenue from it. A component of zero
  -- (CGST and SGST on an inter-State invoice, IGST on an intra-State one) writes no row. Once per (charge, kind):
  -- a replay writes nothing. Razorpay's fee on the payment follows from the payment's fetch (the subscription's
  -- invoices do not carry it): api.worker_record_plan_charge_fee, db/functions/plan_charge_fees.sql.
  insert into app.platform_revenue_entries (consultant_id, subscription_charge_id, tax_document_id, kind, amount,
                                            occurred_at)
  select ch.consultant_id, ch.id, d.id, k.kind, k.amount, ch.charged_at
  from app.tax_documents d
  join app.subscription_charges ch on ch.id = d.subscription_charge_id
  cross join lateral (values ('plan_charge', ch.amount), ('output_cgst', -d.cgst), ('output_sgst', -d.sgst),
                             ('output_igst', -d.igst)) k (kind, amount)
  where d.id = p_tax_document_id and k.amount <> 0
  on conflict (subscription_charge_id, kind) do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function app.record_plan_charge_revenue(uuid) is 'A plan charge''s invoice: the platform''s revenue ledger rows for it (the gross charge; the CGST, SGST and IGST inside it, negative), once per charge and kind; answers how many were written.';

create or replace function app.platform_revenue_on_plan_invoice() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app.record_plan_charge_revenue(new.id);
  return null;
end;
$$;
comment on function app.platform_revenue_on_plan_invoice() is 'Trigger (a plan charge''s tax invoice issued): write the charge''s rows of the platform''s revenue ledger.';

grant execute on function app.record_plan_charge_revenue(uuid) to nakksha_worker;

-- Test: pytest tests/db/test_platform_revenue.py tests/db/test_billing_story.py
