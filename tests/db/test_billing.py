# tests/db/test_billing.py — billing in SQL (issue 22): a subscription's fetched states recorded by the worker (history once per change, replays and stale fetches changing nothing, charges once), a month of billing on the instant the plan is asked for, comps, the backfill and the webhook's hand-over.
from __future__ import annotations

import asyncio
import json
import secrets
import string
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from app.sql import SET_CALLER
from tests.db import factories
from tests.db.assertions import raises_sqlstate

MIGRATION = Path(__file__).parents[2] / "db/migrations/20261212080000_bill_plans_with_subscriptions.sql"
DAY = timedelta(days=1)
MONTH = timedelta(days=30)


def rid(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(14))


def unix(t: datetime) -> int:
    return int(t.timestamp())


async def subscription(db, owner, cid, plan="pro", period="monthly", status=None) -> str:
    """A subscription as the checkout stores it: the consultant (the app role, committed) records the Razorpay plan
    for the plan's price and the subscription Razorpay made (created); `status` then set as the owner."""
    amount = await owner.fetchval(f"select price_{period} from app.plans where code = $1", plan)
    sub_id = rid("sub")
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute(SET_CALLER, str(cid), "", "")
            plan_id = await app.fetchval("select api.record_gateway_plan($1, $2, $3, 'razorpay', $4)", plan, period,
                                         amount, rid("plan"))
            await app.fetchval("select api.store_subscription($1, $2, $3, 'razorpay', $4, $5, 'https://rzp.io/i/x', "
                               "null)", plan, period, amount, plan_id, sub_id)
    finally:
        await app.close()
    if status:
        await owner.execute("update app.subscriptions set status = $2 where gateway_subscription_id = $1", sub_id, status)
    return sub_id


def invoice(start: datetime, end: datetime, paid: bool = True, amount: int = 99900) -> dict:
    return {"id": rid("inv"), "status": "paid" if paid else "issued", "amount": amount,
            "amount_paid": amount if paid else 0, "payment_id": rid("pay") if paid else None,
            "billing_start": unix(start), "billing_end": unix(end), "paid_at": unix(start) if paid else None}


def state(status: str, start: datetime | None = None, end: datetime | None = None, method: str = "card") -> dict:
    return {"status": status, "current_start": start and unix(start), "current_end": end and unix(end),
            "charge_at": end and unix(end), "paid_count": 1, "payment_method": method}


class Worker:
    def __init__(self, conn):
        self.conn = conn

    async def record(self, sub_id, st, invoices, source="webhook", event_id=None, fetched_at=None) -> dict:
        return json.loads(await self.conn.fetchval(
            "select api.worker_record_subscription($1, $2::jsonb, $3::jsonb, $4, $5, $6)", sub_id, json.dumps(st),
            json.dumps(invoices), source, event_id, fetched_at or datetime.now(UTC)))


async def worker(db) -> tuple[asyncpg.Connection, Worker]:
    conn = await db.connect("worker")
    return conn, Worker(conn)


async def as_admin(db, admin_id, query: str, *args):
    conn = await db.connect("app")
    try:
        async with conn.transaction():
            await conn.execute(SET_CALLER, "", str(admin_id), "")
            return await conn.fetchval(query, *args)
    finally:
        await conn.close()


async def plan_at(owner, cid, at: datetime) -> str:
    return await owner.fetchval("select app.effective_plan_code($1, $2)", cid, at)


async def history(owner, sub_id) -> list[tuple]:
    return [tuple(r) for r in await owner.fetch(
        "select h.from_status, h.to_status, h.source from app.subscription_history h join app.subscriptions s "
        "on s.id = h.subscription_id where s.gateway_subscription_id = $1 order by h.id", sub_id)]


async def test_a_charge_recorded_lifts_the_plan_history_once_and_replays_change_nothing(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    now = datetime.now(UTC)
    conn, w = await worker(db)
    try:
        # Authorised, not yet charged: nothing unlocked.
        out = await w.record(sub, state("authenticated"), [], event_id="evt_1")
        assert out["status"] == "authenticated" and out["plan"] == "free" and out["new_charges"] == 0
        first = invoice(now - DAY, now + MONTH - DAY)
        out = await w.record(sub, state("active", now - DAY, now + MONTH - DAY), [first], event_id="evt_2")
        assert (out["status"], out["plan"], out["new_charges"], out["changed"]) == ("active", "pro", 1, True)
        # The same fetch again (a repeated delivery, a second job): no charge, no history row.
        out = await w.record(sub, state("active", now - DAY, now + MONTH - DAY), [first], event_id="evt_3")
        assert (out["new_charges"], out["changed"]) == (0, False)
    finally:
        await conn.close()
    assert await history(owner, sub) == [(None, "created", "checkout"), ("created", "authenticated", "webhook"),
                                         ("authenticated", "active", "webhook")]
    assert await owner.fetchval("select count(*) from app.subscription_charges") == 1
    row = await owner.fetchrow("select subscription_plan, subscription_expires_at from app.consultants where id = $1",
                               cid)
    assert row["subscription_plan"] == "pro"  # the display copy: in force until paid_until + grace
    assert abs(row["subscription_expires_at"] - (now + MONTH - DAY + 7 * DAY)) < timedelta(seconds=2)
    # History and charges are append-only.
    await raises_sqlstate(owner, "NK409", "update app.subscription_history set to_status = 'halted'")
    await raises_sqlstate(owner, "NK409", "delete from app.subscription_charges")


async def test_a_stale_fetch_after_a_later_one_changes_no_state(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    now = datetime.now(UTC)
    paid = invoice(now - MONTH, now - DAY)
    conn, w = await worker(db)
    try:
        await w.record(sub, state("halted", now - DAY, now + MONTH), [paid, invoice(now - DAY, now + MONTH, False)],
                       fetched_at=now)
        # An 'activated' delivery's job that fetched before the halted one recorded late: its state is older.
        out = await w.record(sub, state("active", now - MONTH, now - DAY), [paid], fetched_at=now - timedelta(seconds=5))
        assert out["status"] == "halted" and out["changed"] is False
    finally:
        await conn.close()
    assert [h[1] for h in await history(owner, sub)] == ["created", "halted"]
    assert await owner.fetchval("select failures from app.subscriptions where gateway_subscription_id = $1", sub) == 1


async def test_a_month_of_billing_charged_then_failed_keeps_the_plan_through_grace_then_free(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid, plan="basic")
    t0 = datetime.now(UTC) - 40 * DAY  # the first cycle began 40 days ago
    c1 = invoice(t0, t0 + MONTH, amount=49900)
    conn, w = await worker(db)
    try:
        await w.record(sub, state("active", t0, t0 + MONTH), [c1])
        assert await plan_at(owner, cid, t0 + DAY) == "basic"           # charged: the limit is lifted
        assert await plan_at(owner, cid, t0 - DAY) == "free"            # not before the paid period
        # The renewal fails: pending, then halted; its invoice stays unpaid.
        unpaid = invoice(t0 + MONTH, t0 + 2 * MONTH, paid=False, amount=49900)
        await w.record(sub, state("pending", t0 + MONTH, t0 + 2 * MONTH), [c1, unpaid])
        await w.record(sub, state("halted", t0 + MONTH, t0 + 2 * MONTH), [c1, unpaid])
    finally:
        await conn.close()
    # Kept through paid_until + grace (7 days), free after: never mid-period.
    assert await plan_at(owner, cid, t0 + MONTH + 6 * DAY) == "basic"
    assert await plan_at(owner, cid, t0 + MONTH + 8 * DAY) == "free"
    assert await plan_at(owner, cid, datetime.now(UTC)) == "free"       # 40 days on: fallen back
    await owner.execute("update app.platform_settings set value = '14' where key = 'subscription_grace_days'")
    assert await plan_at(owner, cid, t0 + MONTH + 8 * DAY) == "basic"
    assert [h[1] for h in await history(owner, sub)] == ["created", "active", "pending", "halted"]
    # Data kept: the subscription and its charge are still there.
    assert await owner.fetchval("select count(*) from app.subscription_charges where consultant_id = $1", cid) == 1
    # The halted invoice paid by hand: recorded on the next fetch, the plan is back.
    paid_late = {**unpaid, "status": "paid", "amount_paid": 49900, "payment_id": rid("pay")}
    conn, w = await worker(db)
    try:
        out = await w.record(sub, state("active", t0 + MONTH, t0 + 2 * MONTH), [c1, paid_late], source="job")
    finally:
        await conn.close()
    assert out["plan"] == "basic" and out["new_charges"] == 1


async def test_a_cancelled_subscription_holds_until_paid_until_without_grace(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    t0 = datetime.now(UTC) - 10 * DAY
    conn, w = await worker(db)
    try:
        await w.record(sub, state("cancelled", t0, t0 + MONTH), [invoice(t0, t0 + MONTH)])
    finally:
        await conn.close()
    assert await plan_at(owner, cid, t0 + MONTH - DAY) == "pro"
    assert await plan_at(owner, cid, t0 + MONTH + DAY) == "free"


async def test_a_comp_beats_free_the_higher_plan_wins_and_a_comp_ends(db, owner):
    cid = await factories.consultant(owner)
    now = datetime.now(UTC)
    admin = await factories.admin(owner)
    await as_admin(db, admin, "select api.admin_set_subscription($1, 'basic', $2)", cid, now + 10 * DAY)
    assert await plan_at(owner, cid, now + DAY) == "basic"
    assert await plan_at(owner, cid, now + 11 * DAY) == "free"
    comp = await owner.fetchrow("select * from app.plan_comps where consultant_id = $1", cid)
    assert comp["granted_by"] == admin and comp["reason"]
    audit = await owner.fetchrow("select * from app.admin_audit_log where target_id = $1", cid)
    assert json.loads(audit["details"])["comp_id"] == str(comp["id"])
    # A paid subscription to pro beside the comp: the higher plan is in force.
    sub = await subscription(db, owner, cid)
    conn, w = await worker(db)
    try:
        await w.record(sub, state("active", now - DAY, now + DAY), [invoice(now - DAY, now + DAY)])
    finally:
        await conn.close()
    assert await plan_at(owner, cid, now) == "pro"
    assert await plan_at(owner, cid, now + 9 * DAY) == "basic"   # pro lapsed (paid until + grace), the comp holds
    assert await plan_at(owner, cid, now + 11 * DAY) == "free"
    # The free plan set by an admin revokes the comp: from now only, the past stays as it was.
    await as_admin(db, admin, "select api.admin_set_subscription($1, 'free', null)", cid)
    assert await owner.fetchval("select revoked_at is not null from app.plan_comps where id = $1", comp["id"])
    assert await plan_at(owner, cid, now + 9 * DAY) == "free"
    assert await plan_at(owner, cid, now) == "pro"


async def test_the_consultant_reads_their_own_billing_and_cannot_grant_themselves_a_plan(db, owner):
    cid = await factories.consultant(owner)
    other = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    await subscription(db, owner, other)
    async with db.as_caller("app", consultant_id=cid) as conn:
        assert await conn.fetchval("select count(*) from app.subscriptions") == 1
        assert await conn.fetchval("select gateway_subscription_id from app.subscriptions") == sub
        await raises_sqlstate(conn, "42501", "update app.subscriptions set status = 'active'")
        await raises_sqlstate(conn, "42501", "update app.subscriptions set paid_until = now() + interval '1 year'")
        await raises_sqlstate(conn, "42501", "insert into app.plan_comps (consultant_id, plan_code, reason) "
                                             "values ($1, 'pro', 'mine')", cid)
        await raises_sqlstate(conn, "42501", "insert into app.subscription_charges (subscription_id, consultant_id, "
                                             "plan_code, gateway, gateway_payment_id, amount, cycle_start, cycle_end, "
                                             "charged_at) select id, consultant_id, 'pro', 'razorpay', 'pay_00000000000000', "
                                             "1, now(), now() + interval '1 year', now() from app.subscriptions")
        # A gateway plan at another price than the plan's is refused by the policy.
        await raises_sqlstate(conn, "42501", "select api.record_gateway_plan('pro', 'monthly', 1, 'razorpay', "
                                             "'plan_Cheap0000000001')")
        # A subscription claiming a higher plan than the Razorpay plan it bills is refused (the composite key).
        mine = await conn.fetchrow("select id, gateway_plan_id from app.subscriptions")
        await raises_sqlstate(conn, "23503", "select api.store_subscription('enterprise', 'monthly', 1499, 'razorpay', "
                                             "$1, 'sub_Forged00000001', null, $2)", mine["gateway_plan_id"], mine["id"])
        assert await conn.fetchval("select app.effective_plan_code($1)", cid) == "free"


async def test_two_fetches_recorded_at_once_make_one_charge_and_one_history_row(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    now = datetime.now(UTC)
    st, invoices = state("active", now, now + MONTH), [invoice(now, now + MONTH)]
    conns = [await db.connect("worker") for _ in range(2)]
    try:
        outs = await asyncio.gather(*(Worker(c).record(sub, st, invoices) for c in conns))
    finally:
        for c in conns:
            await c.close()
    assert sorted(o["new_charges"] for o in outs) == [0, 1]
    assert await owner.fetchval("select count(*) from app.subscription_charges") == 1
    assert [h[1] for h in await history(owner, sub)] == ["created", "active"]


async def test_a_subscription_webhook_only_queues_a_fetch_once(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    payload = {"event": "subscription.activated", "payload": {"subscription": {"entity": {"id": sub, "status": "active"}}}}
    outcomes = []
    for event_id in ("evt_a", "evt_b", "evt_a"):
        outcomes.append(json.loads(await owner.fetchval("select api.handle_payment_webhook('razorpay', $1, $2::jsonb)",
                                                        event_id, json.dumps(payload)))["outcome"])
    assert outcomes == ["subscription_refresh_queued", "subscription_refresh_already_queued", "duplicate"]
    job = await owner.fetchrow("select task_name, args from public.procrastinate_jobs where queueing_lock = $1",
                               f"subscription_refresh:{sub}")
    assert job["task_name"] == "refresh_subscription"
    assert json.loads(job["args"]) == {"subscription_id": sub, "event_id": "evt_a"}
    # The state of the subscription is untouched: only the fetch records it.
    assert await owner.fetchval("select status from app.subscriptions where gateway_subscription_id = $1", sub) == "created"
    unknown = {**payload, "payload": {"subscription": {"entity": {"id": rid("sub")}}}}
    assert json.loads(await owner.fetchval("select api.handle_payment_webhook('razorpay', 'evt_c', $1::jsonb)",
                                           json.dumps(unknown)))["outcome"] == "ignored_unknown_subscription"


async def test_the_backfill_comps_the_hand_set_plans_until_their_expiry(db, owner):
    migration = MIGRATION.read_text()  # noqa: ASYNC240 (a small local file)
    start, end = migration.index("insert into app.plan_comps"), migration.index("insert into app.platform_settings")
    backfill = migration[start:end]
    now = datetime.now(UTC)
    ids = {}
    for name, plan, expires in (("open", "pro", None), ("future", "basic", now + 30 * DAY),
                                ("past", "pro", now - DAY), ("free", "free", None)):
        ids[name] = await factories.consultant(owner)
        await owner.execute("update app.consultants set subscription_plan = $2, subscription_expires_at = $3 "
                            "where id = $1", ids[name], plan, expires)
    await owner.execute(backfill)
    comps = {r["consultant_id"]: r for r in await owner.fetch("select * from app.plan_comps")}
    assert set(comps) == {ids["open"], ids["future"]}
    assert comps[ids["open"]]["ends_at"] is None and comps[ids["open"]]["granted_by"] is None
    assert comps[ids["future"]]["ends_at"] == await owner.fetchval(
        "select subscription_expires_at from app.consultants where id = $1", ids["future"])
    assert comps[ids["open"]]["reason"] == "Set by hand before billing (issue 22)"
    assert await plan_at(owner, ids["open"], now + 400 * DAY) == "pro"
    assert await plan_at(owner, ids["future"], now + DAY) == "basic"
    assert await plan_at(owner, ids["past"], now) == "free"
    assert await owner.fetchval("select value from app.platform_settings where key = 'subscription_grace_days'") == "7"


async def test_the_sweep_lists_subscriptions_whose_charge_passed_unfetched(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid, status="active")
    await owner.execute("update app.subscriptions set fetched_at = now() - interval '3 hours', "
                        "charge_at = now() - interval '2 hours' where gateway_subscription_id = $1", sub)
    conn = await db.connect("worker")
    try:
        assert json.loads(await conn.fetchval("select api.worker_subscriptions_due(10)")) == [sub]
        await conn.execute("update app.subscriptions set fetched_at = now()")
        assert json.loads(await conn.fetchval("select api.worker_subscriptions_due(10)")) == []
    finally:
        await conn.close()
    assert uuid.UUID(str(cid))

# Test: pytest tests/db/test_billing.py
