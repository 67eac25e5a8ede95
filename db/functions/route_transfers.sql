-- db/functions/route_transfers.sql — the worker's side of Route transfers: which payments to transfer, what Razorpay said about each transfer, releases, settlements and reversals, each written to the ledger as it is confirmed.
-- Issue 21 (docs/payments.md): the jobs (jobs/route_transfers.py) ask Razorpay and record its answers here, as the
-- worker role under its own policies; every ledger move is once per transfer (and reversal), so a job run twice
-- or a webhook after a fetch writes nothing twice.

create or replace function api.worker_payments_to_transfer(p_gateway text, p_limit integer)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Captured payments the platform collected for a consultant whose linked account is activated, with no live
  -- transfer yet: either their order carried one (Razorpay made it at capture; the job fetches it) or the money
  -- waited for the activation (the job transfers it from the payment). `due` is what of the payment is still due
  -- to the consultant, net of everything the ledger has recorded on it.
  select coalesce(jsonb_agg(jsonb_build_object('payment_id', t.id, 'gateway_payment_id', t.gateway_payment_id,
                                               'consultant_id', t.consultant_id, 'account_id', a.razorpay_account_id,
                                               'due', api.money(t.due),
                                               'consultant_due', api.money(app.ledger_sum(t.consultant_id, 'due')),
                                               'direct_transfers', app.payout_setting('route_direct_transfers') = 1,
                                               'refund_started', t.amount_refunded > 0 or exists (
                                                 select 1 from app.payment_refunds r where r.transaction_id = t.id))
                            order by t.paid_at), '[]')
  -- (A payment refunded in full owes nothing: there is nothing to move, and nothing to flag.)
  from (select t.*, d.due from app.payment_transactions t
        join app.payout_accounts a on a.consultant_id = t.consultant_id and a.status = 'activated'
        cross join lateral (select coalesce(sum(e.amount), 0) as due from app.ledger_entries e
                            where e.payment_id = t.id and e.bucket = 'due') d
        where t.gateway = p_gateway and t.commission is not null and t.gateway_payment_id is not null
          and t.status in ('completed', 'partially_refunded') and d.due > 0
          and not exists (select 1 from app.route_transfers x where x.payment_id = t.id)
        order by t.paid_at limit p_limit) t
  join app.payout_accounts a on a.consultant_id = t.consultant_id
$$;
comment on function api.worker_payments_to_transfer is 'Worker: captured payments of activated consultants with no transfer recorded yet (the order''s to fetch, or one to make from the payment).';

create or replace function api.worker_record_transfer(p_payment_id uuid, p_source text, p_transfer jsonb)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_t app.payment_transactions;
  v_row app.route_transfers;
  v_status text := p_transfer->>'status';
  v_amount numeric := ((p_transfer->>'amount')::bigint / 100.0)::numeric(12, 2);
begin
  -- What Razorpay says about one transfer of this payment (transfer_state in app/adapters/route.py), kept as it
  -- says; the first time it is processed, its amount moves from due to held (on hold) or transferred.
  select * into v_t from app.payment_transactions where id = p_payment_id for update;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such payment.';
  end if;
  insert into app.route_transfers as r (consultant_id, payment_id, source, razorpay_transfer_id, account_id, amount,
                                        status, on_hold, release_after, settlement_status, fees, tax, error,
                                        processed_at)
  values (v_t.consultant_id, v_t.id, p_source, p_transfer->>'id', p_transfer->>'recipient', v_amount, v_status,
          coalesce((p_transfer->>'on_hold')::boolean, false), app.transfer_release_after(v_t.id),
          p_transfer->>'settlement_status', ((p_transfer->>'fees')::bigint / 100.0)::numeric(12, 2),
          ((p_transfer->>'tax')::bigint / 100.0)::numeric(12, 2),
          nullif(concat_ws(': ', p_transfer->>'error_code', p_transfer->>'error_description'), ''),
          case when v_status = 'processed' then coalesce(to_timestamp((p_transfer->>'processed_at')::bigint), now()) end)
  on conflict (razorpay_transfer_id) do update set status = excluded.status, on_hold = excluded.on_hold,
    settlement_status = excluded.settlement_status, fees = excluded.fees, tax = excluded.tax, error = excluded.error,
    processed_at = coalesce(r.processed_at, excluded.processed_at)
  returning * into v_row;
  if v_row.status in ('processed', 'reversed', 'partially_reversed') then
    perform app.ledger_move(v_row.id, 'transfer', 'due', case when v_row.on_hold then 'held' else 'transferred' end,
                            v_row.amount, null, coalesce(v_row.processed_at, now()));
  end if;
  return to_jsonb(v_row);
end;
$$;
comment on function api.worker_record_transfer is 'Worker: record a transfer of a payment as Razorpay reports it; once processed, its amount moves from due to held (or transferred) in the ledger.';

create or replace function api.worker_refuse_transfer(p_payment_id uuid, p_account_id text, p_amount numeric,
                                                      p_reason text)
returns void
language sql volatile security invoker
set search_path = ''
as $$
  -- A payment whose money cannot move by transfer (a refund has started on it, or Razorpay refused): recorded as
  -- a failed transfer, so the sweep stops asking and the admin payouts view lists it for a person to settle.
  insert into app.route_transfers (consultant_id, payment_id, source, account_id, amount, status, on_hold, error)
  select t.consultant_id, t.id, 'payment', p_account_id, greatest(p_amount, 0.01), 'failed', false, left(p_reason, 500)
  from app.payment_transactions t where t.id = p_payment_id
  on conflict do nothing
$$;
comment on function api.worker_refuse_transfer is 'Worker: a payment whose money cannot be transferred (refund started, refused): flagged for an admin as a failed transfer.';

create or replace function api.worker_transfers_to_release(p_limit integer)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Held transfers past their release time whose payment is not being refunded; `consultant_due` below zero is
  -- money the consultant owes (a reversal that failed for balance): the job first takes it back from this one.
  select coalesce(jsonb_agg(jsonb_build_object('transfer_id', r.id, 'razorpay_transfer_id', r.razorpay_transfer_id,
                                               'held', api.money(r.amount - r.amount_reversed),
                                               'consultant_due', api.money(app.ledger_sum(r.consultant_id, 'due')))
                            order by r.release_after), '[]')
  from (select r.* from app.route_transfers r
        join app.payment_transactions t on t.id = r.payment_id
        -- A suspended (or otherwise no longer activated) account's transfers wait on hold until it is active again.
        join app.payout_accounts a on a.consultant_id = r.consultant_id and a.status = 'activated'
        where r.on_hold and r.status in ('processed', 'partially_reversed') and r.released_at is null
          and r.release_after <= now() and t.status in ('completed', 'partially_refunded')
          and not exists (select 1 from app.payment_refunds f where f.transaction_id = t.id
                          and f.status in ('pending', 'processing'))
        order by r.release_after limit p_limit) r
$$;
comment on function api.worker_transfers_to_release is 'Worker: held transfers due for release (their session over plus the buffer, no refund under way).';

create or replace function api.worker_record_release(p_transfer_id uuid)
returns void
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_row app.route_transfers;
begin
  update app.route_transfers set on_hold = false, released_at = coalesce(released_at, now()),
    settlement_status = coalesce(nullif(settlement_status, 'on_hold'), 'pending')
  where id = p_transfer_id returning * into v_row;
  perform app.ledger_move(v_row.id, 'release', 'held', 'transferred', v_row.amount - v_row.amount_reversed, null,
                          v_row.released_at);
end;
$$;
comment on function api.worker_record_release is 'Worker: a transfer''s hold lifted at Razorpay: its money moves from held to transferred.';

create or replace function api.worker_record_reversal(p_transfer_id uuid, p_reversal_id text, p_amount_paise bigint,
                                                      p_at timestamptz, p_refund_id uuid default null)
returns void
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_row app.route_transfers;
  v_amount numeric := (p_amount_paise / 100.0)::numeric(12, 2);
  v_moved integer;
begin
  -- Money taken back from the linked account to the platform: due to the consultant again (a refund's entries
  -- took it from due), out of the bucket the transfer is in. Once per reversal id; a refund's share names the
  -- refund (p_refund_id), what a negative balance netted names none.
  select * into v_row from app.route_transfers where id = p_transfer_id for update;
  v_moved := app.ledger_move(v_row.id, 'reversal', case when v_row.settled_at is not null then 'settled'
                                                        when v_row.released_at is not null then 'transferred'
                                                        else 'held' end,
                             'due', v_amount, p_reversal_id, p_at, p_refund_id);
  if v_moved > 0 then
    update app.route_transfers set amount_reversed = least(amount, amount_reversed + v_amount),
      status = case when amount_reversed + v_amount >= amount then 'reversed' else 'partially_reversed' end
    where id = v_row.id;
  end if;
end;
$$;
comment on function api.worker_record_reversal is 'Worker: a reversal of a transfer (the consultant''s share of a refund, naming it, or what they owed): its money back in due, once per reversal.';

create or replace function api.worker_transfers_to_settle(p_limit integer)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('transfer_id', r.id, 'razorpay_transfer_id', r.razorpay_transfer_id)
                            order by r.released_at), '[]')
  from (select r.* from app.route_transfers r
        where r.released_at is not null and r.settled_at is null and r.razorpay_transfer_id is not null
          and r.status in ('processed', 'partially_reversed')
        order by r.released_at limit p_limit) r
$$;
comment on function api.worker_transfers_to_settle is 'Worker: released transfers whose settlement to the consultant''s bank is not known yet.';

create or replace function api.worker_record_settlement(p_transfer_id uuid, p_settlement_id text, p_utr text,
                                                        p_at timestamptz)
returns void
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_row app.route_transfers;
begin
  -- Settled to the consultant's bank (the transfer's own recipient_settlement_id, not the platform's
  -- settlement.processed): transferred → settled.
  update app.route_transfers set settlement_status = 'settled', recipient_settlement_id = p_settlement_id,
    settlement_utr = p_utr, settled_at = coalesce(settled_at, p_at)
  where id = p_transfer_id and released_at is not null returning * into v_row;
  if v_row.id is not null then
    perform app.ledger_move(v_row.id, 'settlement', 'transferred', 'settled', v_row.amount - v_row.amount_reversed,
                            null, v_row.settled_at);
  end if;
end;
$$;
comment on function api.worker_record_settlement is 'Worker: a released transfer settled to the consultant''s bank: its money moves from transferred to settled.';

create or replace function api.worker_refund_reversal(p_refund_id uuid)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_payment uuid := (select f.transaction_id from app.payment_refunds f where f.id = p_refund_id);
  v_plan jsonb;
begin
  -- What a refund should take back from the consultant's linked account: its own share of the transfer, less what
  -- was reversed for it already; NULL when the payment has no live transfer.
  -- The refunds of one payment are planned, reversed at Razorpay and recorded one at a time: this lock is held by
  -- the caller's transaction until it records the reversal (jobs/route_transfers.py, reverse_for_refund), so a
  -- second job for the payment plans only after the first's reversal is in the ledger.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('refund_reversal:' || v_payment::text, 0));
  -- Each refund's share is cumulative over the payment's refunds in the order they were made (failed ones do not
  -- count): round(T·(before + this)/P) − round(T·before/P). So the shares of any set of refunds add up to the
  -- refunded part of the transfer, all of it when the payment is refunded in full, whichever is processed first;
  -- a share never depends on whether an earlier refund is processed yet (the race this replaced: it read the
  -- payment's processed refunds less the transfer's reversals, and a refund planned between another's reversal
  -- and its processing got nothing).
  select jsonb_build_object('transfer_id', r.id, 'razorpay_transfer_id', r.razorpay_transfer_id,
    'amount_paise', (greatest(0, least(r.amount - r.amount_reversed, s.share - s.reversed)) * 100)::bigint,
    'released', r.released_at is not null)
  into v_plan
  from app.payment_refunds f
  join app.payment_transactions t on t.id = f.transaction_id
  join app.route_transfers r on r.payment_id = t.id and r.status in ('processed', 'partially_reversed')
  cross join lateral (select coalesce(sum(g.amount), 0) as before from app.payment_refunds g
                      where g.transaction_id = t.id and g.status <> 'failed'
                        and (g.created_at, g.id) < (f.created_at, f.id)) b
  cross join lateral (select round(r.amount * (b.before + f.amount) / t.amount, 2)
                             - round(r.amount * b.before / t.amount, 2) as share,
                             coalesce((select sum(e.amount) from app.ledger_entries e
                                       where e.transfer_id = r.id and e.kind = 'reversal' and e.bucket = 'due'
                                         and e.refund_id = f.id), 0) as reversed) s
  where f.id = p_refund_id
  order by r.created_at limit 1;
  return v_plan;
end;
$$;
comment on function api.worker_refund_reversal is 'Worker: the reversal a refund calls for (its own cumulative share of the transfer, less what was reversed for it), or NULL without a transfer; takes the payment''s reversal lock for the caller''s transaction.';

create or replace function api.worker_erase_settled_bank_details()
returns integer
language sql volatile security invoker
set search_path = ''
as $$
  -- A deleted consultant whose money is all settled: the bank details kept to pay them go now.
  with erased as (
    update app.consultants c set bank_name = null, bank_account_number_encrypted = null, ifsc_code_encrypted = null
    where c.deleted_at is not null and (c.bank_account_number_encrypted is not null or c.bank_name is not null)
      and not app.payout_open(c.id)
    returning 1)
  select count(*)::integer from erased
$$;
comment on function api.worker_erase_settled_bank_details is 'Worker: erase the bank details deleted consultants kept while money was open, once it is settled.';

create or replace function api.worker_payments_missing_fee(p_gateway text, p_limit integer)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('payment_id', t.id, 'gateway_payment_id', t.gateway_payment_id)
                            order by t.paid_at), '[]')
  from (select t.id, t.gateway_payment_id, t.paid_at from app.payment_transactions t
        where t.gateway = p_gateway and t.commission is not null and t.gateway_payment_id is not null
          and t.gateway_fee is null and t.paid_at > now() - interval '180 days'
        order by t.paid_at limit p_limit) t
$$;
comment on function api.worker_payments_missing_fee is 'Worker: captured payments whose gateway fee is not known yet (the last 180 days).';

create or replace function api.worker_record_gateway_fee(p_payment_id uuid, p_fee_paise bigint, p_tax_paise bigint)
returns void
language sql volatile security invoker
set search_path = ''
as $$
  update app.payment_transactions set gateway_fee = (p_fee_paise / 100.0)::numeric(12, 2),
    gateway_tax = (coalesce(p_tax_paise, 0) / 100.0)::numeric(12, 2)
  where id = p_payment_id and gateway_fee is null and p_fee_paise is not null
$$;
comment on function api.worker_record_gateway_fee is 'Worker: Razorpay''s fee and the GST in it, from the payment entity, recorded once.';

grant execute on function api.worker_payments_to_transfer(text, integer), api.worker_record_transfer(uuid, text, jsonb),
  api.worker_refuse_transfer(uuid, text, numeric, text), api.worker_transfers_to_release(integer),
  api.worker_record_release(uuid), api.worker_record_reversal(uuid, text, bigint, timestamptz, uuid),
  api.worker_transfers_to_settle(integer), api.worker_record_settlement(uuid, text, text, timestamptz),
  api.worker_refund_reversal(uuid), api.worker_erase_settled_bank_details(),
  api.worker_payments_missing_fee(text, integer), api.worker_record_gateway_fee(uuid, bigint, bigint) to nakksha_worker;

-- Test: pytest tests/jobs/test_route_transfers.py tests/jobs/test_refund_reversal_race.py
