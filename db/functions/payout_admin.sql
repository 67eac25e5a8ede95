-- db/functions/payout_admin.sql — payouts as the admins watch them (commission earned, transfers failed or held, accounts needing attention, negative balances, reconciliation mismatches) and the daily reconciliation's steps.
-- Issue 21 (docs/payments.md): everything here is read under the admin policies (security invoker); the
-- reconciliation steps run as the worker role. A mismatch stays open until a later run finds the two agreeing.

create or replace function api.admin_payouts()
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  perform api.require_admin();
  return jsonb_build_object(
    -- The platform's commission net of refunds' give-backs, this month (IST) and in all.
    'commission', (select jsonb_build_object(
                     'this_month', api.money(-coalesce(sum(e.amount) filter (where e.occurred_at >= date_trunc('month',
                                     now() at time zone 'Asia/Kolkata') at time zone 'Asia/Kolkata'), 0)),
                     'all_time', api.money(-coalesce(sum(e.amount), 0)),
                     'gst', api.money(-coalesce(sum(e.amount) filter (where e.kind like 'commission_gst%'), 0)))
                   from app.ledger_entries e
                   where e.kind in ('commission', 'commission_refund', 'commission_gst', 'commission_gst_refund')),
    -- What collecting cost the platform: Razorpay's fees (GST included), this month and in all.
    'gateway_fees', (select jsonb_build_object(
                       'this_month', api.money(coalesce(sum(t.gateway_fee) filter (where t.paid_at >= date_trunc('month',
                                       now() at time zone 'Asia/Kolkata') at time zone 'Asia/Kolkata'), 0)),
                       'all_time', api.money(coalesce(sum(t.gateway_fee), 0)),
                       'gst', api.money(coalesce(sum(t.gateway_tax), 0)))
                     from app.payment_transactions t where t.gateway_fee is not null),
    'balances', (select jsonb_build_object(
                   'due', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'due'), 0)),
                   'held', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'held'), 0)),
                   'transferred', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'transferred'), 0)),
                   'settled', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'settled'), 0)))
                 from app.ledger_entries e),
    -- Transfers that could not be made, with what their payment still owes (an admin pays it by hand: once all of
    -- it is paid so, the transfer leaves this list for hand_payments).
    'failed_transfers', (select coalesce(jsonb_agg(jsonb_build_object(
                            'transfer_id', r.id, 'consultant_id', r.consultant_id, 'consultant', c.first_name || ' '
                            || c.last_name, 'payment_id', r.payment_id, 'amount', api.money(r.amount), 'error', r.error,
                            'due', api.money(d.due), 'paid_by_hand', api.money(h.paid),
                            'created_at', r.created_at) order by r.created_at desc), '[]')
                          from app.route_transfers r join app.consultants c on c.id = r.consultant_id
                          cross join lateral (select coalesce(sum(e.amount), 0) as due from app.ledger_entries e
                                              where e.payment_id = r.payment_id and e.bucket = 'due') d
                          cross join lateral (select coalesce(sum(x.amount), 0) as paid from app.hand_payments x
                                              where x.transfer_id = r.id) h
                          where r.status = 'failed' and not (h.paid > 0 and d.due <= 0)),
    'hand_payments', (select coalesce(jsonb_agg(jsonb_build_object(
                         'id', x.id, 'transfer_id', x.transfer_id, 'consultant_id', x.consultant_id,
                         'consultant', c.first_name || ' ' || c.last_name, 'payment_id', x.payment_id,
                         'amount', api.money(x.amount), 'reference', x.reference, 'paid_on', x.paid_on, 'note', x.note,
                         'recorded_by', a.name, 'created_at', x.created_at) order by x.created_at desc), '[]')
                       from (select * from app.hand_payments order by created_at desc limit 20) x
                       join app.consultants c on c.id = x.consultant_id
                       left join app.admins a on a.id = x.recorded_by),
    'held', (select jsonb_build_object('count', count(*), 'amount', api.money(coalesce(sum(r.amount - r.amount_reversed), 0)),
                                       'overdue', count(*) filter (where r.release_after < now() - interval '1 hour'))
             from app.route_transfers r where r.on_hold and r.status in ('processed', 'partially_reversed')),
    'accounts', (select coalesce(jsonb_agg(jsonb_build_object(
                   'consultant_id', a.consultant_id, 'consultant', c.first_name || ' ' || c.last_name, 'status', a.status,
                   'requirements', a.requirements, 'last_error', a.last_error, 'updated_at', a.updated_at)
                   order by a.updated_at desc), '[]')
                 from app.payout_accounts a join app.consultants c on c.id = a.consultant_id
                 where a.status in ('needs_clarification', 'failed', 'suspended', 'rejected')),
    'negative_balances', (select coalesce(jsonb_agg(jsonb_build_object(
                            'consultant_id', n.consultant_id, 'consultant', c.first_name || ' ' || c.last_name,
                            'due', api.money(n.due)) order by n.due), '[]')
                          from (select e.consultant_id, sum(e.amount) as due from app.ledger_entries e
                                where e.bucket = 'due' group by e.consultant_id having sum(e.amount) < 0) n
                          join app.consultants c on c.id = n.consultant_id),
    -- Closed accounts whose money is still open: paid on (their bank details kept) until it is settled.
    'deleted_with_open_balance', (select coalesce(jsonb_agg(jsonb_build_object(
                                    'consultant_id', c.id, 'deleted_at', c.deleted_at,
                                    'balance', api.money(coalesce((select sum(e.amount) from app.ledger_entries e
                                                                   where e.consultant_id = c.id
                                                                     and e.bucket <> 'settled'), 0)))
                                    order by c.deleted_at), '[]')
                                  from app.consultants c where c.deleted_at is not null and app.payout_open(c.id)),
    'mismatches', api.admin_payout_mismatches());
end;
$$;
comment on function api.admin_payouts is 'Admins: commission earned, balances by where the money is, failed transfers (and the latest paid by hand) and held transfers, payout accounts needing attention, negative balances, open reconciliation mismatches.';

create or replace function api.admin_payout_mismatches()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'consultant_id', m.consultant_id,
                                               'consultant', c.first_name || ' ' || c.last_name,
                                               'transfer_id', m.transfer_id, 'kind', m.kind, 'ours', m.ours,
                                               'theirs', m.theirs, 'found_at', m.found_at,
                                               'last_seen_at', m.last_seen_at) order by m.found_at desc), '[]')
  from app.payout_mismatches m join app.consultants c on c.id = m.consultant_id
  where m.resolved_at is null
$$;
comment on function api.admin_payout_mismatches is 'Admins: the open disagreements between the ledger and Razorpay, newest first.';

create or replace function api.worker_transfers_to_reconcile(p_limit integer)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Transfers Razorpay knows (an id), not settled for good: unsettled ones, ones touched in the last 45 days, and
  -- any with an open mismatch; with what the ledger holds for each outside `due`.
  select coalesce(jsonb_agg(jsonb_build_object(
    'transfer_id', r.id, 'razorpay_transfer_id', r.razorpay_transfer_id, 'account_id', r.account_id,
    'amount_paise', (r.amount * 100)::bigint, 'amount_reversed_paise', (r.amount_reversed * 100)::bigint,
    'status', r.status, 'settled', r.settled_at is not null, 'released', r.released_at is not null,
    'ledger_out_of_due', api.money(coalesce(l.out_of_due, 0))) order by r.created_at), '[]')
  from (select r.* from app.route_transfers r
        where r.razorpay_transfer_id is not null and r.status <> 'failed'
          and (r.settled_at is null or r.updated_at > now() - interval '45 days'
               or exists (select 1 from app.payout_mismatches m where m.transfer_id = r.id and m.resolved_at is null))
        order by r.created_at limit p_limit) r
  left join lateral (select sum(e.amount) as out_of_due from app.ledger_entries e
                     where e.transfer_id = r.id and e.bucket <> 'due') l on true
$$;
comment on function api.worker_transfers_to_reconcile is 'Worker: the transfers the daily reconciliation compares with Razorpay, with the ledger''s sum for each.';

create or replace function api.worker_note_mismatches(p_transfer_id uuid, p_found jsonb)
returns integer
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- p_found: {kind: {ours, theirs}} for every disagreement this run saw on the transfer. Open ones seen again are
  -- touched; new ones are opened; open ones not seen are resolved.
  update app.payout_mismatches set resolved_at = now()
  where transfer_id = p_transfer_id and resolved_at is null and not (p_found ? kind);
  insert into app.payout_mismatches as m (consultant_id, transfer_id, kind, ours, theirs)
  select r.consultant_id, r.id, f.key, f.value->'ours', f.value->'theirs'
  from app.route_transfers r, jsonb_each(p_found) f
  where r.id = p_transfer_id
  on conflict (transfer_id, kind) where resolved_at is null
  do update set last_seen_at = now(), ours = excluded.ours, theirs = excluded.theirs;
  select count(*) into v_count from app.payout_mismatches where transfer_id = p_transfer_id and resolved_at is null;
  return v_count;
end;
$$;
comment on function api.worker_note_mismatches is 'Worker: record what a reconciliation run found on one transfer (open, touched or resolved mismatches).';

grant execute on function api.admin_payouts(), api.admin_payout_mismatches() to nakksha_app;
grant execute on function api.worker_transfers_to_reconcile(integer), api.worker_note_mismatches(uuid, jsonb)
  to nakksha_worker;

-- Test: pytest tests/jobs/test_payout_reconciliation.py tests/http/test_admin_payouts.py
