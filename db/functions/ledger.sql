-- db/functions/ledger.sql — what a consultant reads of their money: balances as sums of the ledger, and its entries page by page (the rules that write it: db/functions/app/ledger.sql).
-- Issue 21: the balance is never stored; every figure here is a sum of app.ledger_entries, read under the
-- policies (a consultant sees their own entries only).

create or replace function api.my_balance()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Signed sums: positive is owed to the consultant. `due` is not transferred yet (no payouts before the Route
  -- accounts: everything is due); collected − refunded − commission − commission_gst − tcs − tds = total.
  select jsonb_build_object(
    'due', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'due'), 0)),
    'held', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'held'), 0)),
    'transferred', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'transferred'), 0)),
    'settled', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'settled'), 0)),
    'total', api.money(coalesce(sum(e.amount), 0)),
    'collected', api.money(coalesce(sum(e.amount) filter (where e.kind = 'captured'), 0)),
    'refunded', api.money(-coalesce(sum(e.amount) filter (where e.kind = 'refund'), 0)),
    'commission', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('commission', 'commission_refund')), 0)),
    'commission_gst', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('commission_gst',
                                                                                  'commission_gst_refund')), 0)),
    'tcs', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('tcs', 'tcs_refund')), 0)),
    'tds', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('tds', 'tds_refund')), 0)),
    'entries', count(*))
  from app.ledger_entries e
  where e.consultant_id = (select app.current_reading_consultant_id())
$$;
comment on function api.my_balance is 'The calling consultant''s money: balances by state and what made them (collected, refunded, commission and its GST, TCS and TDS withheld), all sums of the ledger.';

create or replace function api.my_ledger(p_before bigint default null, p_limit integer default 50)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_limit integer := api.page_limit(p_limit);
  v_at timestamptz := api.page_after((select b.occurred_at from app.ledger_entries b where b.id = p_before), p_before);
begin
  -- Newest first by when it happened (a refund processed today before a payment captured last month, whatever
  -- order the entries were written in), a keyset page (db/functions/paging.sql). Entries never change, so a page
  -- read later is the same page.
  return api.page((select jsonb_agg(jsonb_build_object('id', e.id, 'kind', e.kind, 'bucket', e.bucket,
                                                       'amount', api.money(e.amount), 'payment_id', e.payment_id,
                                                       'refund_id', e.refund_id, 'occurred_at', e.occurred_at,
                                                       'purpose', t.purpose, 'session_id', t.session_id,
                                                       'quotation_id', t.quotation_id)
                                    order by e.occurred_at desc, e.id desc)
                   from (select * from app.ledger_entries x
                         where x.consultant_id = (select app.current_reading_consultant_id())
                           and (p_before is null or (x.occurred_at, x.id) < (v_at, p_before))
                         order by x.occurred_at desc, x.id desc limit v_limit) e
                   left join app.payment_transactions t on t.id = e.payment_id), v_limit);
end;
$$;
comment on function api.my_ledger is 'The calling consultant''s ledger entries, newest first by when they happened, a page at a time (before: the previous page''s next).';

create or replace function api.my_statement(p_month date)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- One calendar month in the consultant's own zone (the first day of it in p_month, any day of it accepted):
  -- every entry that occurred in it, oldest first, and the balance before and after it, for the monthly
  -- statement (CSV on the Payouts page). Entries never change, so a month's statement never changes once over.
  with me as (select c.id, c.timezone from app.consultants c where c.id = (select app.current_reading_consultant_id())),
  bounds as (select me.id, me.timezone, date_trunc('month', p_month)::date as first_day,
                    date_trunc('month', p_month)::timestamp at time zone me.timezone as starts,
                    (date_trunc('month', p_month) + interval '1 month')::timestamp at time zone me.timezone as ends
             from me)
  select jsonb_build_object(
    'month', to_char(b.first_day, 'YYYY-MM'), 'timezone', b.timezone,
    'opening', api.money(coalesce((select sum(e.amount) from app.ledger_entries e
                                   where e.consultant_id = b.id and e.occurred_at < b.starts), 0)),
    'closing', api.money(coalesce((select sum(e.amount) from app.ledger_entries e
                                   where e.consultant_id = b.id and e.occurred_at < b.ends), 0)),
    'items', coalesce((select jsonb_agg(jsonb_build_object(
                         'id', e.id, 'occurred_at', e.occurred_at, 'kind', e.kind, 'bucket', e.bucket,
                         'amount', api.money(e.amount), 'payment_id', e.payment_id, 'refund_id', e.refund_id,
                         'purpose', t.purpose, 'session_id', t.session_id, 'quotation_id', t.quotation_id,
                         'gateway_payment_id', t.gateway_payment_id) order by e.occurred_at, e.id)
                       from app.ledger_entries e left join app.payment_transactions t on t.id = e.payment_id
                       where e.consultant_id = b.id and e.occurred_at >= b.starts and e.occurred_at < b.ends), '[]'))
  from bounds b
$$;
comment on function api.my_statement is 'The calling consultant''s monthly statement: the month''s ledger entries (their time zone), with the balance before and after.';

create or replace function api.my_transfers(p_before uuid default null, p_limit integer default 50)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_limit integer := api.page_limit(p_limit);
  v_at timestamptz := api.page_after((select b.created_at from app.route_transfers b where b.id = p_before), p_before);
begin
  -- The consultant's transfers through Razorpay Route, newest first, a keyset page (db/functions/paging.sql): what
  -- each carried, whether it is held (and until when it will be released), released, settled (when, with the
  -- bank's reference) or reversed.
  return api.page((select jsonb_agg(jsonb_build_object(
    'id', r.id, 'payment_id', r.payment_id, 'purpose', t.purpose, 'session_id', t.session_id,
    'quotation_id', t.quotation_id, 'amount', api.money(r.amount), 'amount_reversed', api.money(r.amount_reversed),
    'status', r.status, 'on_hold', r.on_hold, 'release_after', case when r.on_hold then r.release_after end,
    'released_at', r.released_at, 'settlement_status', r.settlement_status, 'settled_at', r.settled_at,
    'settlement_utr', r.settlement_utr, 'session_starts_at', s.starts_at, 'created_at', r.created_at,
    -- A transfer that could not be made, paid into their bank by the platform by hand (a bank transfer).
    'hand_payments', (select coalesce(jsonb_agg(jsonb_build_object('amount', api.money(h.amount),
                                                                   'reference', h.reference, 'paid_on', h.paid_on)
                                                order by h.created_at), '[]')
                      from app.hand_payments h where h.transfer_id = r.id))
    order by r.created_at desc, r.id desc)
  from (select * from app.route_transfers x
        where x.consultant_id = (select app.current_reading_consultant_id())
          and (p_before is null or (x.created_at, x.id) < (v_at, p_before))
        order by x.created_at desc, x.id desc limit v_limit) r
  join app.payment_transactions t on t.id = r.payment_id
  left join app.sessions s on s.id = t.session_id), v_limit);
end;
$$;
comment on function api.my_transfers is 'The calling consultant''s Route transfers, newest first, a page at a time (before: the previous page''s next): held until when, released, settled (date and UTR), reversed; one that could not be made, paid by hand (bank transfer, reference, day).';

grant execute on function api.my_balance(), api.my_ledger(bigint, integer), api.my_statement(date),
  api.my_transfers(uuid, integer) to nakksha_app;

-- Test: pytest tests/db/test_ledger.py tests/http/test_payouts.py
