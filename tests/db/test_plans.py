# tests/db/test_plans.py — plans in SQL: the plan in force, the limit check's words, and each limit as the app role meets it (quotations a month, webinar seats, bookings past them), with downgrades keeping data.
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from app.sql import SET_CALLER
from tests.db import factories
from tests.db.assertions import raises_sqlstate

UPGRADE = " Upgrade: /dashboard/plan"


class Committing:
    """The app role acting for one consultant (or admin), each statement its own committed transaction (what a request
    does), so the owner's plan changes between them are seen and what they made stays."""

    def __init__(self, conn, consultant_id, admin_id):
        self.conn, self.ids = conn, (str(consultant_id or ""), str(admin_id or ""), "")

    async def fetchval(self, query: str, *args):
        async with self.conn.transaction():
            await self.conn.execute(SET_CALLER, *self.ids)
            return await self.conn.fetchval(query, *args)

    async def json(self, query: str, *args):
        return json.loads(await self.fetchval(query, *args))

    async def refused(self, sqlstate: str, query: str, *args, **kw):
        async with self.conn.transaction():
            await self.conn.execute(SET_CALLER, *self.ids)
            return await raises_sqlstate(self.conn, sqlstate, query, *args, **kw)


@asynccontextmanager
async def acting(db, consultant_id=None, admin_id=None):
    conn = await db.connect("app")
    try:
        yield Committing(conn, consultant_id, admin_id)
    finally:
        await conn.close()


async def set_plan(owner, cid, plan: str, expires_at=None) -> None:
    await factories.set_plan(owner, cid, plan, expires_at)  # a comp (issue 22)


async def test_the_plan_in_force_is_the_subscribed_one_until_it_expires_then_free(db, owner):
    cid = await factories.consultant(owner)
    now = datetime.now(UTC)
    assert await owner.fetchval("select app.effective_plan_code($1)", cid) == "free"
    await set_plan(owner, cid, "pro")
    assert await owner.fetchval("select app.effective_plan_code($1)", cid) == "pro"
    await set_plan(owner, cid, "pro", now + timedelta(days=3))
    assert await owner.fetchval("select app.effective_plan_code($1)", cid) == "pro"
    assert await owner.fetchval("select app.effective_plan_code($1, $2)", cid, now + timedelta(days=4)) == "free"
    await set_plan(owner, cid, "pro", now - timedelta(seconds=1))
    assert await owner.fetchval("select app.effective_plan_code($1)", cid) == "free"


async def test_plans_carry_prices_and_what_they_unlock_with_free_the_most_limited(db, owner):
    rows = {r["code"]: r for r in await owner.fetch("select * from app.plans")}
    assert set(rows) >= {"free", "basic", "pro", "enterprise"}
    assert rows["free"]["price_yearly"] == 0 and rows["basic"]["price_yearly"] == 10 * rows["basic"]["price_monthly"]
    assert rows["free"]["quotations_per_month"] < rows["basic"]["quotations_per_month"]
    assert rows["pro"]["quotations_per_month"] is None and rows["enterprise"]["webinar_seats"] is None
    assert not rows["free"]["custom_reminders"] and not rows["free"]["remove_branding"]
    assert rows["free"]["payout_release_hours"] == 48 > rows["basic"]["payout_release_hours"]
    for bad in ("price_yearly = 13 * price_monthly", "webinar_seats = 0", "quotations_per_month = -1",
                "payout_release_hours = 721"):
        await raises_sqlstate(owner, "23514", f"update app.plans set {bad} where code = 'basic'")


async def test_the_refusal_names_the_limit_and_the_cheapest_plan_that_lifts_it(db, owner):
    cid = await factories.consultant(owner)
    async with db.as_caller("app", consultant_id=cid) as conn:
        await conn.execute("select app.require_plan($1, 'quotations_per_month', 5)", cid)  # the 5th is allowed
        err = await raises_sqlstate(conn, "NK403", "select app.require_plan($1, 'quotations_per_month', 6)", cid,
                                    message="plan_limit")
        assert err.detail == "Your Free plan allows 5 quotations a month; Basic allows 50 quotations a month." + UPGRADE
        err = await raises_sqlstate(conn, "NK403", "select app.require_plan($1, 'webinar_seats', 120, 'capacity')", cid)
        assert err.detail == "Your Free plan allows 30 seats in a webinar; Pro allows 500 seats in a webinar." + UPGRADE
        assert err.hint == "field:capacity"
        err = await raises_sqlstate(conn, "NK403", "select app.require_plan($1, 'remove_branding')", cid)
        assert err.detail.startswith("Your Free plan does not include removing") and "; Pro does." in err.detail
        err = await raises_sqlstate(conn, "NK403", "select app.require_plan($1, 'webinar_seats', 9000)", cid)
        assert err.detail.endswith("; Enterprise allows unlimited seats in a webinar." + UPGRADE)
    # When no plan allows it, the refusal says only what the plan allows.
    await owner.execute("update app.plans set webinar_seats = 600 where code = 'enterprise'")
    async with db.as_caller("app", consultant_id=cid) as conn:
        err = await raises_sqlstate(conn, "NK403", "select app.require_plan($1, 'webinar_seats', 9000)", cid)
        assert err.detail == "Your Free plan allows 30 seats in a webinar." + UPGRADE


async def sent_quotations(owner, cid, n: int, at: datetime | None = None) -> None:
    for _ in range(n):
        await factories.quotation(owner, cid, status="sent", sent_at=at or datetime.now(UTC),
                                  public_token_hash=__import__("os").urandom(32))


async def test_sending_past_the_months_quotations_is_refused_and_nothing_changes(db, owner):
    cid = await factories.consultant(owner)
    await sent_quotations(owner, cid, 5)
    await sent_quotations(owner, cid, 3, datetime.now(UTC) - timedelta(days=40))  # last month's do not count
    draft = await factories.quotation(owner, cid)
    async with acting(db, cid) as me:
        err = await me.refused("NK403", "select api.send_quotation($1, $2, 'sealed')", draft, b"\x02" * 32,
                               message="plan_limit")
        assert "allows 5 quotations a month" in err.detail
        assert await me.fetchval("select status from app.quotations where id = $1", draft) == "draft"
        # Drafts stay free to make, edit and copy.
        await me.fetchval("select api.duplicate_quotation($1)", draft)
        usage = (await me.json("select api.my_plan()"))["usage"]
        assert usage["quotations_sent_this_month"] == 5 and usage["quotations_per_month"] == 5
        await set_plan(owner, cid, "basic", datetime.now(UTC) + timedelta(days=30))
        sent = await me.json("select api.send_quotation($1, $2, 'sealed')", draft, b"\x02" * 32)
        assert sent["status"] == "sent"
        # Back on free: the six sent this month stay sent; the page says the plan is exceeded.
        await set_plan(owner, cid, "free")
        assert await owner.fetchval("select count(*) from app.quotations where consultant_id = $1 and sent_at is not null",
                                    cid) == 9
        mine = await me.json("select api.my_plan()")
        assert mine["plan"]["code"] == "free" and mine["usage"]["over_limit"] == ["quotations_per_month"]


def future(days: int = 5) -> datetime:
    return datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=days)


async def test_webinar_seats_are_refused_past_the_plan_and_kept_read_only_after_a_downgrade(db, owner):
    cid = await factories.consultant(owner)
    start = future()
    rule_sql = "select api.create_availability_rule('webinar', 3, '10:00', '11:00', 60, 40, null, null)"
    async with acting(db, cid) as me:
        err = await me.refused("NK403", "select api.create_slot('webinar', $1, $2, 31)", start, start + timedelta(hours=1),
                               message="plan_limit")
        assert err.hint == "field:capacity" and "Basic allows 100 seats" in err.detail
        ok = await me.json("select api.create_slot('webinar', $1, $2, 30)", start, start + timedelta(hours=1))
        assert ok["capacity"] == 30
        # Personal sessions are not webinars: untouched.
        await me.fetchval("select api.create_slot('personal', $1, $2, 1)", start + timedelta(hours=3),
                          start + timedelta(hours=4))
        await me.refused("NK403", rule_sql)
        await set_plan(owner, cid, "basic")
        rule = (await me.json(rule_sql))["created_id"]
        big = await me.json("select api.create_slot('webinar', $1, $2, 40)", start + timedelta(days=1),
                            start + timedelta(days=1, hours=1))
        # 31 seats taken while on Basic.
        await owner.execute("update app.availability_slots set booked_count = 31 where id = $1", big["id"])
        await set_plan(owner, cid, "free")
        # The rule and the slot stay, with their bookings; the slot takes no 32nd seat.
        assert await owner.fetchval("select capacity from app.availability_rules where id = $1", rule) == 40
        await raises_sqlstate(owner, "23514", "update app.availability_slots set booked_count = 32 where id = $1",
                              big["id"], constraint="availability_slots_booked_count_range")
        # Read-only: moving or raising is refused; pausing, lowering and deleting are not.
        await me.refused("NK403", "select api.update_availability_rule($1, 'webinar', 4, '10:00', '11:00', 60, 40, null, "
                         "null, true)", rule)
        await me.refused("NK403", "select api.update_slot($1, null, null, 45, null)", big["id"])
        await me.fetchval("select api.update_availability_rule($1, 'webinar', 3, '10:00', '11:00', 60, 40, null, null, "
                          "false)", rule)
        await me.fetchval("select api.update_availability_rule($1, 'webinar', 3, '10:00', '11:00', 60, 30, null, null, "
                          "true)", rule)
        lowered = await me.json("select api.update_slot($1, null, null, 35, null)", big["id"])
        assert lowered["capacity"] == 35 and lowered["booked_count"] == 31
        mine = await me.json("select api.my_plan()")
        assert mine["usage"]["webinar_seats"] == 30 and "webinar_seats" in mine["usage"]["over_limit"]
        await me.fetchval("select api.delete_availability_rule($1)", rule)


async def test_rule_slots_follow_the_plan_in_force_and_a_plan_change_rematerialises_them(db, owner):
    cid = await factories.consultant(owner, subscription_plan="basic")
    boss = await factories.admin(owner)
    caps = "select array_agg(distinct capacity) from app.availability_slots where consultant_id = $1 and source = 'rule'"
    async with acting(db, cid) as me, acting(db, admin_id=boss) as admin:
        await me.fetchval("select api.create_availability_rule('webinar', 3, '10:00', '11:00', 60, 80, null, null)")
        assert await owner.fetchval(caps, cid) == [80]
        await admin.fetchval("select api.admin_set_subscription($1, 'free', null)", cid)
        assert await owner.fetchval(caps, cid) == [30]
        await admin.fetchval("select api.admin_set_subscription($1, 'basic', $2)", cid,
                             datetime.now(UTC) + timedelta(days=9))
        assert await owner.fetchval(caps, cid) == [80]


async def test_the_catalogue_is_the_rows_and_earlier_payouts_follow_the_plan(db, owner):
    await owner.execute("update app.plans set name = 'Starter', price_yearly = 4000 where code = 'basic'")
    async with db.as_caller("app") as conn:
        plans = json.loads(await conn.fetchval("select api.plan_catalogue()"))
    basic = next(p for p in plans if p["code"] == "basic")
    assert basic["name"] == "Starter" and basic["price_yearly"] == "4000.00" and basic["quotations_per_month"] == 50
    assert [p["code"] for p in plans][0] == "free"
    cid = await factories.consultant(owner, subscription_plan="basic")
    client = await factories.client(owner, cid)
    sid = await factories.session(owner, cid, client)
    pay = await factories.payment(owner, cid, session_id=sid)
    ends = await owner.fetchval("select ends_at from app.sessions where id = $1", sid)
    assert await owner.fetchval("select app.transfer_release_after($1)", pay) == ends + timedelta(hours=24)
    await set_plan(owner, cid, "free")
    assert await owner.fetchval("select app.transfer_release_after($1)", pay) == ends + timedelta(hours=48)

# Test: pytest tests/db/test_plans.py
