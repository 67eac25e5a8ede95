# tests/db/test_subscription_analytics.py — analytics.subscriptions and analytics.subscription_mrr_monthly on a controlled three-month history (new, churn through a cancellation and through a lapsed grace period, a plan change that is no churn, a yearly plan ÷ 12, a comp kept out of MRR), read as nakksha_analyst.
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_billing import rid

IST = ZoneInfo("Asia/Kolkata")
DAY = timedelta(days=1)


def month_starts(n: int) -> list[datetime]:
    """The starts (as instants) of the n whole months before the current one, in India, oldest first."""
    first = datetime.now(IST).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    for _ in range(n):
        first = (first - DAY).replace(day=1)
        out.insert(0, first)
    return [m.astimezone(UTC) for m in out]


async def paid_subscription(owner, cid, plan: str, period: str, paid_from: datetime, paid_until: datetime,
                            status: str = "active", replaced_at: datetime | None = None, cycle=timedelta(days=30)):
    """A subscription as the worker leaves it after recording its charges: one charge per cycle in the paid period."""
    amount = await owner.fetchval(f"select price_{period} from app.plans where code = $1", plan)
    plan_id = await owner.fetchval(
        "insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, verified_at) "
        "values ($1, $2, $3, 'razorpay', $4, now()) on conflict (plan_code, period, amount, gateway) "
        "where verified_at is not null and rejected_at is null do update set plan_code = excluded.plan_code "
        "returning gateway_plan_id",
        plan, period, amount, rid("plan"))
    sub = await owner.fetchval(
        "insert into app.subscriptions (consultant_id, plan_code, period, amount, gateway, gateway_plan_id, "
        "gateway_subscription_id, status, paid_from, paid_until, replaced_at, created_at) "
        "values ($1, $2, $3, $4, 'razorpay', $5, $6, $7, $8, $9, $10, $8) returning id",
        cid, plan, period, amount, plan_id, rid("sub"), status, paid_from, paid_until, replaced_at)
    start = paid_from
    while start < paid_until:
        end = min(start + cycle, paid_until)
        await owner.execute(
            "insert into app.subscription_charges (subscription_id, consultant_id, plan_code, gateway, "
            "gateway_payment_id, amount, cycle_start, cycle_end, charged_at) "
            "values ($1, $2, $3, 'razorpay', $4, $5, $6, $7, $6)", sub, cid, plan, rid("pay"), amount, start, end)
        start = end
    return sub, amount


@pytest.fixture
async def analyst(db):
    conn = await db.connect("analyst")
    try:
        yield conn
    finally:
        await conn.close()


async def test_mrr_new_and_churn_over_three_months(db, owner, analyst):
    a, b, c = month_starts(3)
    now = datetime.now(UTC)
    c1, c2, c3, c4, c5, c6 = [await factories.consultant(owner) for _ in range(6)]
    # A: three start paying. c1 pro monthly and c2 basic yearly pay on; c3's basic is cancelled and ends in B.
    _, pro_m = await paid_subscription(owner, c1, "pro", "monthly", a + 2 * DAY, now + 20 * DAY)
    _, basic_y = await paid_subscription(owner, c2, "basic", "yearly", a + 5 * DAY, a + 370 * DAY,
                                         cycle=timedelta(days=365))
    s3, basic_m = await paid_subscription(owner, c3, "basic", "monthly", a + 10 * DAY, a + 40 * DAY,
                                          status="cancelled")
    # B: c4 starts on basic and upgrades a week later: cancel-and-create, the old one's paid period runs into C.
    old4, _ = await paid_subscription(owner, c4, "basic", "monthly", b + 3 * DAY, b + 33 * DAY, status="cancelled",
                                      replaced_at=b + 10 * DAY)
    await paid_subscription(owner, c4, "pro", "monthly", b + 10 * DAY, now + 10 * DAY)
    # C: c5 pays two days, then a renewal fails (halted, live): the plan holds 7 days' grace, then it is churn.
    s5, _ = await paid_subscription(owner, c5, "pro", "monthly", c + 1 * DAY, c + 3 * DAY, status="halted")
    # A comp all along: counted apart, never in MRR; one revoked before A ends counts nowhere.
    await owner.execute("insert into app.plan_comps (consultant_id, plan_code, starts_at, reason) "
                        "values ($1, 'pro', $2, 'Launch partner')", c6, a + DAY)
    await owner.execute("insert into app.plan_comps (consultant_id, plan_code, starts_at, reason, revoked_at) "
                        "values ($1, 'pro', $2, 'Given by mistake', $3)", c1, a + DAY, a + 2 * DAY)

    rows = {r["month"]: r for r in await analyst.fetch("select * from analytics.subscription_mrr_monthly")}
    months = [m.astimezone(IST).date() for m in (a, b, c)]
    assert sorted(rows)[:3] == months
    got = [(r["active_at_start"], r["new_subscriptions"], r["churned_subscriptions"], r["active_subscriptions"],
            r["mrr"], r["churn_rate"], r["comps_active"]) for r in (rows[m] for m in months)]
    yearly_part = round(basic_y / 12, 2)  # each subscription's monthly_amount is to the paisa
    assert got == [
        (0, 3, 0, 3, pro_m + yearly_part + basic_m, None, 1),
        # c3 churned; c4 is new once (its plan change is no churn) and counts once, at the pro price.
        (3, 1, 1, 3, pro_m + yearly_part + pro_m, Decimal("33.3"), 1),
        # c5 is new and churned within the month, when its grace ran out.
        (3, 1, 1, 3, pro_m + yearly_part + pro_m, Decimal("33.3"), 1),
    ]
    assert rows[months[1]]["as_of"] == c
    for r in rows.values():
        assert r["active_subscriptions"] == r["active_at_start"] + r["new_subscriptions"] - r["churned_subscriptions"]

    subs = {r["id"]: r for r in await analyst.fetch("select * from analytics.subscriptions")}
    assert len(subs) == 6
    assert subs[s3]["churned_at"] == subs[s3]["ended_at"] == a + 40 * DAY and subs[s3]["charges"] == 1
    assert subs[s3]["charged_total"] == basic_m and subs[s3]["covered_until"] == a + 40 * DAY
    # The replaced subscription ended (no grace) but the consultant paid on: not churn.
    assert subs[old4]["ended_at"] == b + 33 * DAY and subs[old4]["churned_at"] is None
    # Halted and live: covered through paid_until + 7 days' grace, then churned.
    assert subs[s5]["covered_until"] == subs[s5]["churned_at"] == c + 10 * DAY
    assert subs[s5]["status"] == "halted"
    yearly = next(r for r in subs.values() if r["period"] == "yearly")
    assert yearly["monthly_amount"] == round(basic_y / 12, 2) and yearly["ended_at"] is None


async def test_a_subscription_never_charged_is_listed_and_counts_nowhere(db, owner, analyst):
    cid = await factories.consultant(owner)
    amount = await owner.fetchval("select price_monthly from app.plans where code = 'pro'")
    plan_id = rid("plan")
    await owner.execute("insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, "
                        "verified_at) values ('pro', 'monthly', $1, 'razorpay', $2, now())", amount, plan_id)
    await owner.execute("insert into app.subscriptions (consultant_id, plan_code, period, amount, gateway, "
                        "gateway_plan_id, gateway_subscription_id) values ($1, 'pro', 'monthly', $2, 'razorpay', $3, "
                        "$4)", cid, amount, plan_id, rid("sub"))
    row = await analyst.fetchrow("select * from analytics.subscriptions")
    assert (row["status"], row["paid_from"], row["covered_until"], row["ended_at"], row["charges"],
            row["charged_total"]) == ("created", None, None, None, 0, 0)
    assert await analyst.fetch("select * from analytics.subscription_mrr_monthly") == []


@pytest.mark.parametrize("table", ["subscriptions", "subscription_charges", "subscription_history", "plan_comps",
                                   "gateway_plans"])
async def test_the_analyst_reads_the_views_and_not_the_billing_tables(analyst, table):
    assert await analyst.fetchval("select count(*) from analytics.subscriptions") == 0
    assert await analyst.fetchval("select count(*) from analytics.subscription_mrr_monthly") == 0
    await raises_sqlstate(analyst, "42501", f"select * from app.{table}")

# Test: pytest tests/db/test_subscription_analytics.py
