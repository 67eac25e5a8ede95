-- db/functions/app/payouts.sql — the rules of payouts through Razorpay Route that the tables use: submitting a payout account, the consultant's share of a payment, and moving ledger money between buckets.
-- Issue 21 (docs/payments.md): a consultant's money moves due → held (a transfer on hold in their linked account) →
-- transferred (released) → settled (paid into their bank), or back to due (a reversal). Each move is two ledger
-- entries, out of one bucket and into the next, tied to the transfer; so every balance stays a plain sum.

create or replace function app.submit_payout_account() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Accepting the terms (again) submits the details: from a draft, a refusal to fix (failed) or a request for
  -- clarification; the onboarding job takes it from there. Any other status is the worker's to write.
  if new.terms_accepted_at is not null
     and (tg_op = 'INSERT' or new.terms_accepted_at is distinct from old.terms_accepted_at)
     and (tg_op = 'INSERT' or old.status in ('draft', 'failed', 'needs_clarification', 'requested')) then
    new.status := 'submitted';
    new.submitted_at := now();
    new.last_error := null;
  end if;
  return new;
end;
$$;
comment on function app.submit_payout_account() is 'Trigger: accepting the terms submits a payout account (draft, failed or needing clarification) for the onboarding job.';

create or replace function app.payout_share(p_consultant_id uuid, p_amount numeric, p_at timestamptz)
returns numeric
language sql volatile
set search_path = ''
as $$
  -- What a payment of p_amount captured now would owe the consultant: the price less the commission on their plan,
  -- its GST, the TCS and the TDS (the same functions the capture uses). The order's transfer is this estimate;
  -- the ledger records what the capture fixed, and any difference stays due until the next transfer.
  select p_amount - s.commission - s.commission_gst - w.tcs - w.tds
  from app.consultants c
  join app.plans p on p.code = app.effective_plan_code(c.id, p_at)
  cross join lateral app.commission_split(p_amount, p.commission_percent, p.commission_min,
    coalesce((select (x.value #>> '{}')::numeric from app.platform_settings x where x.key = 'commission_gst_percent'),
             18)) s
  cross join lateral app.withholding(p_consultant_id, null, p_amount, s.commission + s.commission_gst, p_at, null) w
  where c.id = p_consultant_id
$$;
comment on function app.payout_share(uuid, numeric, timestamptz) is 'The consultant''s share of a payment of this amount captured now (price less commission, its GST, TCS and TDS): what a transfer on its order carries.';

create or replace function app.ledger_move(p_transfer_id uuid, p_kind text, p_from text, p_to text, p_amount numeric,
                                           p_reversal_id text, p_at timestamptz, p_refund_id uuid default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_t app.route_transfers;
  v_count integer;
begin
  select * into v_t from app.route_transfers where id = p_transfer_id;
  if p_amount <= 0 then
    return 0;
  end if;
  -- A reversal made for a refund names it (p_refund_id): each refund's share is reversed once, whatever order
  -- refunds of one payment are processed in (api.worker_refund_reversal).
  insert into app.ledger_entries (consultant_id, kind, bucket, amount, payment_id, transfer_id, reversal_id, refund_id,
                                  occurred_at)
  values (v_t.consultant_id, p_kind, p_from, -p_amount, v_t.payment_id, v_t.id, p_reversal_id, p_refund_id, p_at),
         (v_t.consultant_id, p_kind, p_to, p_amount, v_t.payment_id, v_t.id, p_reversal_id, p_refund_id, p_at)
  on conflict on constraint ledger_entries_once do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function app.ledger_move(uuid, text, text, text, numeric, text, timestamptz, uuid) is 'Move a transfer''s money between ledger buckets: an entry out of one and into the other, once per transfer, kind and (for reversals) reversal; a refund''s reversal names the refund.';

create or replace function app.order_transfer(p_consultant_id uuid, p_amount numeric) returns jsonb
language sql volatile
set search_path = ''
as $$
  -- The transfer a new order carries: the consultant's share, to their activated linked account, on hold (the
  -- release job lets it go after the session). No activated account, or nothing to share: no transfer, and the
  -- amount waits in their balance (docs/payments.md).
  select jsonb_build_object('account', a.razorpay_account_id, 'amount_paise', (x.share * 100)::bigint,
                            'on_hold', true)
  from app.payout_accounts a
  cross join lateral (select app.payout_share(a.consultant_id, p_amount, now()) as share) x
  where a.consultant_id = p_consultant_id and a.status = 'activated' and p_amount > 0 and x.share > 0
$$;
comment on function app.order_transfer(uuid, numeric) is 'The Route transfer an order for this consultant and amount carries (account, paise, on hold), or NULL when their linked account is not activated.';

create or replace function app.transfer_release_after(p_payment_id uuid) returns timestamptz
language sql stable
set search_path = ''
as $$
  -- A session's money is released a buffer after it ends (a no-show or a complaint is raised by then): the hours
  -- of the plan in force when it ended, at most the platform's setting; a quotation's a number of days after it
  -- was paid.
  select case when t.purpose = 'session'
              then s.ends_at + make_interval(hours => least(app.payout_setting('payout_hold_hours_after_session'),
                     coalesce((select p.payout_release_hours from app.plans p
                               where p.code = app.effective_plan_code(t.consultant_id, s.ends_at)), 48)))
              else coalesce(t.paid_at, now()) + make_interval(days => app.payout_setting('payout_hold_days_quotation'))
         end
  from app.payment_transactions t left join app.sessions s on s.id = t.session_id
  where t.id = p_payment_id
$$;
comment on function app.transfer_release_after(uuid) is 'When a payment''s transfer may be released: the session''s end plus the hold hours (its plan''s payout_release_hours, at most the setting), or a quotation''s payment plus the hold days.';

create or replace function app.payout_setting(p_key text) returns integer
language sql stable
set search_path = ''
as $$
  select coalesce((select (s.value #>> '{}')::integer from app.platform_settings s where s.key = p_key),
                  case p_key when 'payout_hold_hours_after_session' then 48 when 'payout_hold_days_quotation' then 7
                             else 0 end)
$$;
comment on function app.payout_setting(text) is 'A payouts setting (hold hours after a session, hold days for a quotation, direct transfers on), or its default.';

create or replace function app.ledger_sum(p_consultant_id uuid, p_bucket text) returns numeric
language sql stable
set search_path = ''
as $$
  -- What the consultant's ledger holds in one bucket (due: owed and not transferred, below zero what they owe).
  select coalesce(sum(e.amount), 0) from app.ledger_entries e
  where e.consultant_id = p_consultant_id and e.bucket = p_bucket
$$;
comment on function app.ledger_sum(uuid, text) is 'The sum of a consultant''s ledger entries in one bucket (due, held, transferred, settled).';

create or replace function app.payout_open(p_consultant_id uuid) returns boolean
language sql stable
set search_path = ''
as $$
  -- Money not yet settled either way: owed and not paid into their bank (or owed by them), a transfer still moving,
  -- or a refund still to be processed (its entries will move the balance).
  select exists (select 1 from unnest(array['due', 'held', 'transferred']) b
                 where app.ledger_sum(p_consultant_id, b) <> 0)
      or exists (select 1 from app.payment_refunds r where r.consultant_id = p_consultant_id
                 and r.status in ('pending', 'processing'))
$$;
comment on function app.payout_open(uuid) is 'Whether money is still open between the platform and a consultant (a balance not settled to their bank, or a refund still to process): their bank details are kept until it is not.';

grant execute on function app.payout_share(uuid, numeric, timestamptz), app.order_transfer(uuid, numeric),
  app.transfer_release_after(uuid), app.payout_setting(text), app.payout_open(uuid), app.ledger_sum(uuid, text),
  app.ledger_move(uuid, text, text, text, numeric, text, timestamptz, uuid) to nakksha_worker;
-- The admin payouts view asks which closed accounts still have money open (under the admin policies).
grant execute on function app.payout_open(uuid), app.ledger_sum(uuid, text) to nakksha_app;

-- Test: pytest tests/db/test_route_transfers.py tests/db/test_payout_accounts.py
