-- db/functions/app/payments.sql — the payment tables' triggers: the payment status machine, refunds bounded by what was paid, refund totals.

create or replace function app.enforce_payment_transition() returns trigger
language plpgsql
as $$
begin
  if new.status = old.status then
    return new;
  end if;
  if (old.status, new.status) not in (
      ('pending', 'completed'), ('pending', 'failed'), ('pending', 'cancelled'),
      ('failed', 'completed'), ('failed', 'cancelled'), ('failed', 'pending'),
      ('cancelled', 'completed'),
      ('completed', 'partially_refunded'), ('completed', 'refunded'), ('partially_refunded', 'refunded')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s payment cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if new.status = 'completed' then
    new.paid_at := coalesce(new.paid_at, now());
  end if;
  return new;
end;
$$;
comment on function app.enforce_payment_transition() is 'Trigger: the payment lifecycle; any other status change is 409 invalid_transition.';

create or replace function app.guard_refund() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_other numeric(10, 2);
begin
  if tg_op = 'UPDATE' and old.status <> new.status and (old.status, new.status) not in
      (('pending', 'processed'), ('pending', 'failed')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s refund cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if tg_op = 'UPDATE' and old.status <> 'pending' and new.amount <> old.amount then
    raise exception using errcode = 'NK409', message = 'refund_settled', hint = 'field:amount',
      detail = format('A %s refund''s amount cannot change.', old.status);
  end if;
  if new.status = 'processed' then
    new.processed_at := coalesce(new.processed_at, now());
  end if;
  select * into v_t from app.payment_transactions where id = new.transaction_id for update;
  if tg_op = 'INSERT' and v_t.status not in ('completed', 'partially_refunded') then
    raise exception using errcode = 'NK409', message = 'payment_not_refundable',
      detail = format('A %s payment cannot be refunded.', v_t.status);
  end if;
  select coalesce(sum(r.amount), 0) into v_other from app.payment_refunds r
  where r.transaction_id = new.transaction_id and r.status <> 'failed' and r.id <> new.id;
  if new.status <> 'failed' and v_other + new.amount > v_t.amount then
    raise exception using errcode = 'NK409', message = 'refund_exceeds_payment', hint = 'field:amount',
      detail = format('At most %s can still be refunded.', v_t.amount - v_other);
  end if;
  return new;
end;
$$;
comment on function app.guard_refund() is 'Trigger: refunds of a payment never add up to more than it; refund lifecycle pending → processed | failed.';

create or replace function app.apply_refund_totals() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_refunded numeric(10, 2);
  v_status text;
begin
  select * into v_t from app.payment_transactions where id = new.transaction_id for update;
  select coalesce(sum(r.amount), 0) into v_refunded from app.payment_refunds r
  where r.transaction_id = v_t.id and r.status = 'processed';
  v_status := case when v_refunded >= v_t.amount then 'refunded'
                   when v_refunded > 0 then 'partially_refunded' else v_t.status end;
  update app.payment_transactions set amount_refunded = v_refunded, status = v_status
  where id = v_t.id and (amount_refunded, status) is distinct from (v_refunded, v_status);
  -- The session follows the payment that paid for it (a duplicate payment's refund leaves it alone): a
  -- cancelled session whose money is all back is `returned`; a completed one stays completed.
  if v_t.session_id is not null and not coalesce((v_t.metadata->>'duplicate')::boolean, false) and v_refunded > 0 then
    update app.sessions set
      payment_status = case when v_status = 'refunded' then 'refunded' else 'partially_refunded' end,
      status = case when status = 'cancelled' and v_status = 'refunded' then 'returned' else status end
    where id = v_t.session_id;
  end if;
  return null;
end;
$$;
comment on function app.apply_refund_totals() is 'Trigger: amount_refunded, the payment''s and the session''s statuses follow the processed refunds.';

-- Test: pytest tests/db/test_payments.py
