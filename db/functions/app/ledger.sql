-- db/functions/app/ledger.sql — the money ledger's rules that the tables and triggers use: which payments the platform collects, the commission fixed at capture, and the entries a capture or a processed refund writes.
-- Issue 21 (docs/payments.md): a consultant's money is what the platform collected for them less its commission
-- and the GST on it; every entry is tied to the payment or refund that caused it and never changes. Written by
-- triggers, so every path that captures a payment or processes a refund (verify, webhook, reconciliation, the
-- gateway's own refunds, psql) writes it the same way, in the same transaction.

create or replace function app.platform_collects(p_gateway text, p_purpose text) returns boolean
language sql immutable parallel safe
as $$ select p_gateway in ('razorpay', 'local') and p_purpose in ('session', 'quotation') $$;
comment on function app.platform_collects(text, text) is 'Whether the platform collected this payment for a consultant (its gateway, a session or a quotation): only then is commission due and the rest owed through the ledger. Cash, bank transfers and UPI to the consultant never passed through it.';

create or replace function app.commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric,
                                                out commission numeric, out commission_gst numeric)
language sql immutable parallel safe
as $$
  -- The plan's percentage of the price, at least its minimum, and never more than leaves room for the GST on it:
  -- commission + GST <= price, so the consultant's share is never negative. Half up to the paisa.
  with c as (select least(greatest(round(p_amount * p_percent / 100, 2), p_min),
                          trunc(p_amount * 100 / (100 + p_gst_percent), 2)) as amount)
  select c.amount, least(round(c.amount * p_gst_percent / 100, 2), p_amount - c.amount) from c
$$;
comment on function app.commission_split(numeric, numeric, numeric, numeric) is 'The commission on a price (percent, at least the minimum, with its GST never more than the price) and the GST on it.';

create or replace function app.record_commission() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_plan record;
begin
  -- Fixed once, when the payment is first captured: the plan and rates then in force. Never recomputed (a plan
  -- changed later, a refund, a rate change leave it as it was); the refund entries take back their share of it.
  if tg_op = 'UPDATE' and old.commission is not null then
    if (new.commission, new.commission_gst, new.commission_plan, new.commission_percent, new.commission_min,
        new.commission_gst_percent, new.tcs, new.tcs_basis_points, new.tds, new.tds_basis_points)
       is distinct from (old.commission, old.commission_gst, old.commission_plan, old.commission_percent,
        old.commission_min, old.commission_gst_percent, old.tcs, old.tcs_basis_points, old.tds, old.tds_basis_points)
    then
      raise exception using errcode = 'NK409', message = 'commission_fixed',
        detail = 'A captured payment''s commission is fixed when it is captured and never changes.';
    end if;
    return new;
  end if;
  if new.status not in ('completed', 'partially_refunded', 'refunded')
     or not app.platform_collects(new.gateway, new.purpose) then
    new.commission := null;
    new.commission_gst := null;
    new.tcs := null;
    new.tcs_basis_points := null;
    new.tds := null;
    new.tds_basis_points := null;
    return new;
  end if;
  -- The plan in force (app.effective_plan_code: comps and paid subscriptions, else the free plan).
  select p.code, p.commission_percent, p.commission_min into v_plan
  from app.consultants c
  join app.plans p on p.code = app.effective_plan_code(c.id, now())
  where c.id = new.consultant_id;
  new.commission_plan := v_plan.code;
  new.commission_percent := v_plan.commission_percent;
  new.commission_min := v_plan.commission_min;
  new.commission_gst_percent := coalesce((select (s.value #>> '{}')::numeric from app.platform_settings s
                                          where s.key = 'commission_gst_percent'), 18);
  select x.commission, x.commission_gst into new.commission, new.commission_gst
  from app.commission_split(new.amount, new.commission_percent, new.commission_min, new.commission_gst_percent) x;
  select t.tcs_basis_points, t.tcs, t.tds_basis_points, t.tds
  into new.tcs_basis_points, new.tcs, new.tds_basis_points, new.tds
  from app.withholding(new.consultant_id, new.id, new.amount, new.commission + new.commission_gst,
                       coalesce(new.paid_at, now()), new.billing_country) t;
  return new;
end;
$$;
comment on function app.record_commission() is 'Trigger (before): a payment the platform collected gets its commission, TCS and TDS when first captured, from its consultant''s plan and tax profile then; recorded, they never change.';

create or replace function app.ledger_capture() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.commission is null or (tg_op = 'UPDATE' and old.commission is not null) then
    return null;
  end if;
  insert into app.ledger_entries (consultant_id, kind, amount, payment_id, occurred_at)
  values (new.consultant_id, 'captured', new.amount, new.id, new.paid_at),
         (new.consultant_id, 'commission', -new.commission, new.id, new.paid_at),
         (new.consultant_id, 'commission_gst', -new.commission_gst, new.id, new.paid_at)
  union all
  -- Taxes withheld only where there are any (NULL on payments captured before they were assessed).
  select new.consultant_id, x.kind, -x.amount, new.id, new.paid_at
  from (values ('tcs', new.tcs), ('tds', new.tds)) x(kind, amount) where x.amount > 0
  on conflict on constraint ledger_entries_once do nothing;
  return null;
end;
$$;
comment on function app.ledger_capture() is 'Trigger: a captured payment the platform collected writes its entries: the amount, less the commission and the GST on it.';

create or replace function app.ledger_refund_entries(p_refund_id uuid) returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_r app.payment_refunds;
  v_t app.payment_transactions;
  v_before numeric;
  v_count integer;
begin
  select * into v_r from app.payment_refunds where id = p_refund_id;
  if v_r.status is distinct from 'processed' then
    return 0;
  end if;
  -- The payment's row lock orders its refunds, so each takes back its share of the commission from what the
  -- earlier ones took: cumulative rounding, and a full refund takes back exactly all of it.
  select * into v_t from app.payment_transactions where id = v_r.transaction_id for update;
  if v_t.commission is null then
    return 0;  -- money the platform did not collect: nothing of it is in the ledger
  end if;
  v_before := coalesce((select -sum(e.amount) from app.ledger_entries e
                        where e.payment_id = v_t.id and e.kind = 'refund' and e.refund_id <> v_r.id), 0);
  insert into app.ledger_entries (consultant_id, kind, amount, payment_id, refund_id, occurred_at)
  select v_t.consultant_id, x.kind, x.amount, v_t.id, v_r.id, v_r.processed_at
  from (values
    ('refund', -v_r.amount),
    ('commission_refund', round(v_t.commission * (v_before + v_r.amount) / v_t.amount, 2)
                          - round(v_t.commission * v_before / v_t.amount, 2)),
    ('commission_gst_refund', round(v_t.commission_gst * (v_before + v_r.amount) / v_t.amount, 2)
                              - round(v_t.commission_gst * v_before / v_t.amount, 2)),
    -- TCS is on supplies net of returns (s.52(1)); TDS deducted on a sale the client got back is adjusted
    -- against the consultant's later payments (docs/gst.md §11): both come back in the same proportion.
    ('tcs_refund', round(coalesce(v_t.tcs, 0) * (v_before + v_r.amount) / v_t.amount, 2)
                   - round(coalesce(v_t.tcs, 0) * v_before / v_t.amount, 2)),
    ('tds_refund', round(coalesce(v_t.tds, 0) * (v_before + v_r.amount) / v_t.amount, 2)
                   - round(coalesce(v_t.tds, 0) * v_before / v_t.amount, 2))) as x(kind, amount)
  where x.kind not in ('tcs_refund', 'tds_refund') or x.amount > 0
  on conflict on constraint ledger_entries_once do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function app.ledger_refund_entries(uuid) is 'A processed refund''s entries: the amount back to the client, and the commission, its GST, the TCS and the TDS taken back in proportion.';

create or replace function app.ledger_refund() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = 'processed' and (tg_op = 'INSERT' or old.status is distinct from 'processed') then
    perform app.ledger_refund_entries(new.id);
  end if;
  return null;
end;
$$;
comment on function app.ledger_refund() is 'Trigger: a refund processed writes its ledger entries.';

-- The worker settles refunds and reconciles payments as itself (nakksha_worker): the triggers it fires call these.
grant execute on function app.platform_collects(text, text), app.commission_split(numeric, numeric, numeric, numeric),
  app.ledger_refund_entries(uuid) to nakksha_worker;

-- Test: pytest tests/db/test_ledger.py
