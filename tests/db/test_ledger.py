# tests/db/test_ledger.py — plans as rows, the commission fixed at capture, and the consultant's append-only ledger: entries per capture and refund, exact pro-rata give-backs, replays and races, the policies.
from __future__ import annotations

import asyncio
import itertools
import json
import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import asyncpg

from tests.db import factories
from tests.db.assertions import raises_sqlstate

CENT = Decimal("0.01")
HOURS = itertools.count()  # each test session an hour after the last: a consultant's sessions never overlap


def split(amount: Decimal, percent: Decimal, minimum: Decimal, gst: Decimal) -> tuple[Decimal, Decimal]:
    """The rule in docs/payments.md, written again in Python: percent of the price, at least the minimum, with its
    GST never more than the price; half up to the paisa."""
    share = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
    cap = (amount * 100 / (100 + gst)).quantize(CENT, rounding="ROUND_DOWN")
    commission = min(max(share, minimum), cap)
    return commission, min((commission * gst / 100).quantize(CENT, ROUND_HALF_UP), amount - commission)


async def pay(conn, consultant, amount: str, *, with_pan: bool = True, **kw):
    """A session of the consultant's and its payment (captured unless status says otherwise). The consultant has
    a PAN and stays under the TDS threshold unless with_pan=False (the taxes: tests/db/test_withholding.py)."""
    if with_pan:
        await conn.execute("insert into app.consultant_tax_profiles (consultant_id, pan_encrypted, pan_last4, "
                           "pan_holder_type) values ($1, 'x', '234F', 'P') on conflict do nothing", consultant)
    client = await factories.client(conn, consultant)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3, hours=next(HOURS))
    session = await factories.session(conn, consultant, client, amount=amount, starts_at=start)
    return await factories.payment(conn, consultant, session_id=session, client_id=client, amount=amount, **kw)


async def entries(conn, payment) -> dict[str, Decimal]:
    rows = await conn.fetch("select kind, sum(amount) as amount from app.ledger_entries where payment_id = $1 "
                            "group by kind", payment)
    return {r["kind"]: r["amount"] for r in rows}


async def capture_at_once(db, payments) -> None:
    """Capture the payments at once, each on its own connection (sixteen at a time: the test server's limit)."""
    gate = asyncio.Semaphore(16)

    async def capture(payment) -> None:
        async with gate:
            conn = await db.connect("owner")
            try:
                await conn.execute("update app.payment_transactions set status = 'completed', paid_at = now() "
                                   "where id = $1 and status = 'pending'", payment)
            finally:
                await conn.close()

    await asyncio.gather(*(capture(p) for p in payments))


async def test_the_split_never_exceeds_the_price_and_matches_the_rule(owner):
    rng = random.Random(21)
    cases = [(Decimal("0.00"), Decimal(10), Decimal(10)), (Decimal("1.00"), Decimal(10), Decimal(10)),
             (Decimal("11.80"), Decimal(50), Decimal(10)), (Decimal("99999999.99"), Decimal("50"), Decimal(0))]
    cases += [(Decimal(rng.randint(0, 500000)) / 100, Decimal(rng.randint(0, 5000)) / 100, Decimal(rng.randint(0, 2000)) / 100)
              for _ in range(300)]
    for amount, percent, minimum in cases:
        got = await owner.fetchrow("select * from app.commission_split($1, $2, $3, 18)", amount, percent, minimum)
        assert (got["commission"], got["commission_gst"]) == split(amount, percent, minimum, Decimal(18)), (amount, percent, minimum)
        assert 0 <= got["commission"] and 0 <= got["commission_gst"] and got["commission"] + got["commission_gst"] <= amount


async def test_a_captured_payment_fixes_its_commission_from_the_plan_and_writes_its_entries(owner):
    c = await factories.consultant(owner, subscription_plan="pro")  # 5%, at least ₹5
    paid = await pay(owner, c, "2000.00", gateway="razorpay")
    row = await owner.fetchrow("select * from app.payment_transactions where id = $1", paid)
    assert (row["commission_plan"], row["commission_percent"], row["commission"], row["commission_gst"]) == (
        "pro", Decimal("5.00"), Decimal("100.00"), Decimal("18.00"))
    assert await entries(owner, paid) == {"captured": Decimal("2000.00"), "commission": Decimal("-100.00"),
                                          "commission_gst": Decimal("-18.00")}
    # The plan changes later, the rate changes later: the payment keeps what was in force when it was captured.
    await factories.set_plan(owner, c, "free")
    await owner.execute("update app.plans set commission_percent = 20 where code = 'pro'")
    await owner.execute("update app.payment_transactions set payment_method = 'upi' where id = $1", paid)
    assert await owner.fetchval("select commission from app.payment_transactions where id = $1", paid) == Decimal("100.00")
    await raises_sqlstate(owner, "NK409", "update app.payment_transactions set commission = 1 where id = $1", paid,
                          message="commission_fixed")
    # Money the platform did not hold (cash to the consultant) owes nothing through the ledger.
    cash = await pay(owner, c, "500.00", gateway="cash")
    assert await owner.fetchval("select commission from app.payment_transactions where id = $1", cash) is None
    assert await entries(owner, cash) == {}


async def test_a_new_gst_rate_applies_to_payments_captured_after_it(owner):
    c = await factories.consultant(owner)
    before = await pay(owner, c, "1000.00")
    await owner.execute("update app.platform_settings set value = '12' where key = 'commission_gst_percent'")
    after = await pay(owner, c, "1000.00")
    assert (await entries(owner, before))["commission_gst"] == Decimal("-18.00")
    assert (await entries(owner, after))["commission_gst"] == Decimal("-12.00")
    assert await owner.fetchval("select commission_gst_percent from app.payment_transactions where id = $1",
                                after) == Decimal("12.00")


async def test_the_minimum_applies_to_small_payments_and_a_pending_payment_owes_nothing_yet(owner):
    c = await factories.consultant(owner)  # free: 10%, at least ₹10
    small = await pay(owner, c, "50.00")
    assert await entries(owner, small) == {"captured": Decimal("50.00"), "commission": Decimal("-10.00"),
                                           "commission_gst": Decimal("-1.80")}
    pending = await pay(owner, c, "800.00", status="pending")
    assert await entries(owner, pending) == {}
    await owner.execute("update app.payment_transactions set status = 'completed', paid_at = now() where id = $1", pending)
    assert await entries(owner, pending) == {"captured": Decimal("800.00"), "commission": Decimal("-80.00"),
                                             "commission_gst": Decimal("-14.40")}


async def test_refunds_take_back_the_commission_in_proportion_and_a_full_refund_nets_to_nothing(owner):
    c = await factories.consultant(owner)
    paid = await pay(owner, c, "999.99")
    for amount in ("333.33", "333.33", "333.33"):
        refund = await factories.refund(owner, c, paid, amount=amount)
        await owner.execute("update app.payment_refunds set status = 'processed', processed_at = now() where id = $1",
                            refund)
    got = await entries(owner, paid)
    assert got["refund"] == Decimal("-999.99")
    assert got["commission"] + got["commission_refund"] == 0  # exactly: each give-back is cumulative
    assert got["commission_gst"] + got["commission_gst_refund"] == 0
    assert sum(got.values()) == 0
    # A refund that failed takes nothing back.
    other = await pay(owner, c, "100.00")
    failed = await factories.refund(owner, c, other, amount="40.00")
    await owner.execute("update app.payment_refunds set status = 'failed' where id = $1", failed)
    assert set(await entries(owner, other)) == {"captured", "commission", "commission_gst"}


async def test_entries_never_change_and_a_replay_writes_nothing_twice(owner):
    c = await factories.consultant(owner)
    paid = await pay(owner, c, "1000.00")
    await raises_sqlstate(owner, "NK409", "update app.ledger_entries set amount = 0 where payment_id = $1", paid,
                          message="ledger_append_only")
    await raises_sqlstate(owner, "NK409", "delete from app.ledger_entries where payment_id = $1", paid,
                          message="ledger_append_only")
    refund = await factories.refund(owner, c, paid, amount="100.00")
    await owner.execute("update app.payment_refunds set status = 'processed', processed_at = now() where id = $1", refund)
    before = await owner.fetchval("select count(*) from app.ledger_entries where payment_id = $1", paid)
    # The same capture and refund again (a webhook after the verify, a retried job): nothing new.
    assert await owner.fetchval("select app.ledger_refund_entries($1)", refund) == 0
    await owner.execute("update app.payment_transactions set payment_method = 'card' where id = $1", paid)
    assert await owner.fetchval("select count(*) from app.ledger_entries where payment_id = $1", paid) == before == 6


async def test_racing_captures_and_refunds_write_each_entry_once(db, owner):
    c = await factories.consultant(owner)
    pending = [await pay(owner, c, "100.00", status="pending") for _ in range(50)]
    await capture_at_once(db, pending + pending)  # each twice, at once
    assert await owner.fetchval("select count(*) from app.ledger_entries where consultant_id = $1", c) == 150
    # Ten refunds of one payment processed at once: the give-backs still add up to the whole commission.
    paid = await pay(owner, c, "1000.01")
    refunds = [await factories.refund(owner, c, paid, amount="100.00") for _ in range(10)]

    async def process(refund) -> None:
        conn = await db.connect("owner")
        try:
            await conn.execute("update app.payment_refunds set status = 'processed', processed_at = now() "
                               "where id = $1", refund)
        finally:
            await conn.close()

    await asyncio.gather(*(process(r) for r in refunds))
    got = await entries(owner, paid)
    # 1000.00 of 1000.01 refunded: the give-backs are the commission's share of what was refunded, to the paisa,
    # however the ten interleaved (each counts from the ones before it under the payment's lock).
    assert got["refund"] == Decimal("-1000.00")
    assert got["commission_refund"] == (-got["commission"] * Decimal("1000.00") / Decimal("1000.01")).quantize(
        CENT, ROUND_HALF_UP)
    assert got["commission_gst_refund"] == (-got["commission_gst"] * Decimal("1000.00") / Decimal("1000.01")).quantize(
        CENT, ROUND_HALF_UP)


async def test_a_consultant_reads_their_own_ledger_only_and_writes_none(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    await pay(owner, a, "1000.00")
    await pay(owner, b, "5000.00")
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true)", str(a))
            balance = json.loads(await app.fetchval("select api.my_balance()"))
            page = json.loads(await app.fetchval("select api.my_ledger(null, 2)"))
            seen = await app.fetchval("select count(*) from app.ledger_entries")
            mine = await app.fetchval("select count(*) from app.ledger_entries where consultant_id = $1", b)
        assert balance == {"due": "882.00", "held": "0.00", "transferred": "0.00", "settled": "0.00",
                           "total": "882.00", "collected": "1000.00", "refunded": "0.00", "commission": "100.00",
                           "commission_gst": "18.00", "tcs": "0.00", "tds": "0.00", "entries": 3}
        assert (seen, mine) == (3, 0)
        assert [i["kind"] for i in page["items"]] == ["commission_gst", "commission"] and page["next"] is not None
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true)", str(a))
            rest = json.loads(await app.fetchval("select api.my_ledger($1, 2)", page["next"]))
        assert [i["kind"] for i in rest["items"]] == ["captured"] and rest["next"] is None
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true)", str(a))
            await raises_sqlstate(app, "42501", "insert into app.ledger_entries (consultant_id, kind, amount, "
                                  "occurred_at) values ($1, 'captured', 1, now())", a)
    finally:
        await app.close()


async def test_a_payment_captured_before_the_ledger_is_backfilled_once(owner):
    """The migration's backfill, replayed: a payment captured and partly refunded with the triggers off (as
    before issue 21) gets its commission and entries from the same statement the migration runs."""
    c = await factories.consultant(owner, subscription_plan="basic")  # 7%, at least ₹10
    await owner.execute("alter table app.payment_transactions disable trigger user")
    await owner.execute("alter table app.payment_refunds disable trigger payment_refunds_ledger")
    try:
        old = await pay(owner, c, "3000.00", gateway="razorpay")
        refund = await factories.refund(owner, c, old, amount="1000.00")
        await owner.execute("update app.payment_refunds set status = 'processed', processed_at = now() where id = $1",
                            refund)
    finally:
        await owner.execute("alter table app.payment_transactions enable trigger user")
        await owner.execute("alter table app.payment_refunds enable trigger payment_refunds_ledger")
    assert await entries(owner, old) == {}
    for _ in range(2):  # run twice: the second finds nothing to do
        await owner.execute("update app.payment_transactions set commission = null where id = $1 and commission is null",
                            old)
        await owner.fetchval("select app.ledger_refund_entries($1)", refund)
    assert await entries(owner, old) == {"captured": Decimal("3000.00"), "commission": Decimal("-210.00"),
                                         "commission_gst": Decimal("-37.80"), "refund": Decimal("-1000.00"),
                                         "commission_refund": Decimal("70.00"), "commission_gst_refund": Decimal("12.60")}


async def test_a_paid_plan_past_its_expiry_takes_the_free_plans_commission(owner):
    c = await factories.consultant(owner, subscription_plan="enterprise")  # 3%, no minimum
    live = await pay(owner, c, "1000.00")
    await owner.execute("update app.plan_comps set ends_at = now() - interval '1 day', starts_at = now() - interval '2 days' "
                        "where consultant_id = $1", c)
    lapsed = await pay(owner, c, "1000.00")
    assert (await entries(owner, live))["commission"] == Decimal("-30.00")
    assert (await entries(owner, lapsed))["commission"] == Decimal("-100.00")
    assert await owner.fetchval("select commission_plan from app.payment_transactions where id = $1", lapsed) == "free"


async def test_two_admins_replacing_the_plans_at_once_leave_the_later_list(db, owner):
    base = json.loads(await owner.fetchval("select api.plans_json()"))
    first, second = await db.connect("owner"), await db.connect("owner")
    try:
        a = first.transaction()
        await a.start()
        await first.fetchval("select app_private.replace_plans($1::jsonb)",
                             json.dumps([*base, {"code": "gold", "name": "Gold", "price_monthly": 999}]))
        later = asyncio.create_task(second.fetchval(
            "select app_private.replace_plans($1::jsonb)",
            json.dumps([*base, {"code": "silver", "name": "Silver", "price_monthly": 499}])))
        await asyncio.sleep(0.3)
        assert not later.done()  # waits for the first list
        await a.commit()
        await later
    finally:
        await first.close()
        await second.close()
    codes = [r["code"] for r in await owner.fetch("select code from app.plans order by position")]
    assert codes == [p["code"] for p in base] + ["silver"]


async def test_plans_are_rows_that_a_consultant_must_name(owner):
    plans = {r["code"]: r for r in await owner.fetch("select * from app.plans")}
    assert {"free", "basic", "pro", "enterprise"} <= set(plans)
    assert plans["free"]["commission_percent"] > plans["enterprise"]["commission_percent"]
    c = await factories.consultant(owner)
    await raises_sqlstate(owner, "23503", "update app.consultants set subscription_plan = 'gold' where id = $1", c)
    await raises_sqlstate(owner, "23001", "delete from app.plans where code = 'free'")  # restrict: someone is on it
    try:
        await owner.execute("insert into app.plans (code, name, commission_percent) values ('x', 'X', 51)")
    except asyncpg.CheckViolationError as err:
        assert err.constraint_name == "plans_commission_range"
    else:
        raise AssertionError("a commission over 50% was accepted")

# Test: pytest tests/db/test_ledger.py
