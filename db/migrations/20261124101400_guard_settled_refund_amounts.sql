-- db/migrations/20261124101400_guard_settled_refund_amounts.sql — a settled refund's amount cannot change, and totals follow any amount change.

-- migrate:up
-- Money already sent back (or refused) is history: only a pending refund may be corrected. And should a
-- pending refund's amount change, the totals trigger now hears of it too.
create or replace function app.guard_refund() returns trigger
language plpgsql security definer
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

drop trigger payment_refunds_apply_totals on app.payment_refunds;
create trigger payment_refunds_apply_totals after insert or update of status, amount on app.payment_refunds
  for each row execute function app.apply_refund_totals();

-- migrate:down
drop trigger payment_refunds_apply_totals on app.payment_refunds;
create trigger payment_refunds_apply_totals after insert or update of status on app.payment_refunds
  for each row execute function app.apply_refund_totals();
create or replace function app.guard_refund() returns trigger
language plpgsql security definer
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
