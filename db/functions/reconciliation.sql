-- db/functions/reconciliation.sql — the worker's side of payments: sending refunds to the gateway and settling them, and reconciling orders and refunds the gateway never told us about.

-- The worker's refund steps ----------------------------------------------------------------------------

create or replace function api.worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text,
                                                    p_failure text)
returns text
language plpgsql volatile security invoker
set search_path = ''
as $$
begin
  if p_status not in ('pending', 'processed', 'failed') then
    raise exception using errcode = 'NK422', message = 'invalid_status';
  end if;
  return (app_private.settle_refund(p_refund_id, p_status, p_gateway_refund_id, p_failure)).status;
end;
$$;
comment on function api.worker_settle_refund is 'Worker: the gateway''s answer to a refund (pending keeps its id for the webhook or reconciliation).';

create or replace function api.worker_note_refund_error(p_refund_id uuid, p_error text)
returns void
language sql volatile security invoker
set search_path = ''
as $$
  update app.payment_refunds set failure_reason = left(p_error, 500) where id = p_refund_id and status = 'pending'
$$;
comment on function api.worker_note_refund_error is 'Worker: the gateway was unreachable for this refund (it stays pending and is retried).';

-- Reconciliation ---------------------------------------------------------------------------------------

create or replace function api.reconcile_due_payments(p_limit integer)
returns table (transaction_id uuid, gateway text, order_id text, status text, age_minutes integer)
language plpgsql volatile security invoker
set search_path = ''
as $$
#variable_conflict use_column
begin
  -- Orders not settled by a webhook: those whose hold has run out (or, without a session, half an hour
  -- old), asked about every 5 minutes for a day, then hourly for a week. Claimed by stamping
  -- last_checked_at, with skip locked so two workers never ask about the same order at once.
  return query
    with due as (
      select t.id from app.payment_transactions t
      left join app.sessions s on s.id = t.session_id
      where t.status in ('pending', 'failed', 'cancelled') and t.gateway in ('razorpay', 'local')
        and t.gateway_order_id is not null
        and t.created_at > now() - interval '7 days'
        and coalesce(s.hold_expires_at, t.created_at + interval '30 minutes') < now() - interval '2 minutes'
        and (t.last_checked_at is null
             or t.last_checked_at < now() - case when t.created_at > now() - interval '1 day'
                                                 then interval '5 minutes' else interval '1 hour' end)
        and (t.status <> 'cancelled' or t.last_checked_at < now() - interval '1 hour')
      order by t.last_checked_at nulls first, t.created_at
      limit p_limit
      for update of t skip locked)
    update app.payment_transactions t set last_checked_at = now()
    from due where t.id = due.id
    returning t.id, t.gateway, t.gateway_order_id, t.status,
              (extract(epoch from now() - t.created_at) / 60)::integer;
end;
$$;
comment on function api.reconcile_due_payments is 'Reconciliation: claim a batch of unsettled orders to ask the gateway about.';

create or replace function api.reconcile_give_up_order(p_transaction_id uuid)
returns text
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_s app.sessions;
begin
  select * into v_t from app.payment_transactions where id = p_transaction_id;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = p_transaction_id for update;
  -- Nothing captured an hour after the hold ran out: the order is given up (a capture arriving later still
  -- confirms or refunds through the webhook, and reconciliation keeps asking for a week).
  if v_t.status not in ('pending', 'failed')
     or coalesce(v_s.hold_expires_at, v_t.created_at + interval '30 minutes') > now() - interval '1 hour' then
    return v_t.status;
  end if;
  update app.payment_transactions set status = 'cancelled' where id = v_t.id;
  update app.sessions set payment_status = 'failed' where id = v_s.id and status in ('pending', 'abandoned')
    and payment_status = 'pending';
  return 'cancelled';
end;
$$;
comment on function api.reconcile_give_up_order is 'Reconciliation: an order with nothing captured long after its hold is cancelled.';

create or replace function api.reconcile_due_refunds(p_limit integer)
returns table (refund_id uuid, gateway text, payment_id text, gateway_refund_id text)
language plpgsql volatile security invoker
set search_path = public, pg_temp
as $$
#variable_conflict use_column
begin
  -- Refunds still pending without a live job (the job gave up after its retries, or a worker died) get a
  -- new one; those the gateway accepted as pending are asked about again.
  perform app_private.defer_job('process_refund', jsonb_build_object('refund_id', r.id), 'payments', null,
                                'refund:' || r.id)
  from app.payment_refunds r
  join app.payment_transactions t on t.id = r.transaction_id
  where r.status = 'pending' and r.gateway_refund_id is null and t.gateway in ('razorpay', 'local')
    and r.updated_at < now() - interval '15 minutes'
    and not exists (select 1 from public.procrastinate_jobs j
                    where j.task_name = 'process_refund' and j.status in ('todo', 'doing')
                      and j.args->>'refund_id' = r.id::text);
  return query
    with due as (
      select r.id from app.payment_refunds r
      where r.status = 'pending' and r.gateway_refund_id is not null and r.updated_at < now() - interval '10 minutes'
      order by r.updated_at limit p_limit for update skip locked)
    update app.payment_refunds r set updated_at = now() from due, app.payment_transactions t
    where r.id = due.id and t.id = r.transaction_id
    returning r.id, t.gateway, t.gateway_payment_id, r.gateway_refund_id;
end;
$$;
comment on function api.reconcile_due_refunds is 'Reconciliation: re-queue stranded refunds; claim those pending at the gateway to ask about.';

grant execute on function api.worker_settle_refund(uuid, text, text, text),
  api.worker_note_refund_error(uuid, text), api.reconcile_due_payments(integer), api.reconcile_give_up_order(uuid),
  api.reconcile_due_refunds(integer) to nakksha_worker;

-- Test: pytest tests/jobs/test_payments_jobs.py tests/jobs/test_refund_failures.py tests/db/test_payments.py
