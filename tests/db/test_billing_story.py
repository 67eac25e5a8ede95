# tests/db/test_billing_story.py — issue 22's "Done when" in SQL: a consultant on free upgrades, is charged, lifts a limit, fails a renewal, keeps the plan through grace, falls back to free with nothing lost, upgrades again — the plan, the invoices, the revenue ledger and the analytics agreeing at every step.
"""The clock is the billing tests' (tests/db/test_billing.py): Razorpay's times are whatever the fetches recorded say,
so the story is laid out in the past and the plan is asked for at chosen instants (app.effective_plan_code(id, at),
the one place that decides it). The guards themselves (app.require_plan under the availability triggers) read the
plan at now(), so they are met as the app role where the story's instant is now: on free at the start, on free again
75 days later once the failed plan has lapsed, and on the plan bought again. In between, what a guard would answer at
an instant is the webinar seats of the plan in force then (the same row app.require_plan reads).

Timeline (T0 = now − 75 days, cycles of 30 days as tests/db/test_billing.py):
  T0         upgrade to Basic: authorised, first cycle charged [T0, T0+30d)
  T0+30d     the renewal fails: pending, then halted (the invoice stays unpaid); Basic holds through T0+37d (grace 7)
  T0+37d     falls back to free
  now − 1h   upgrades again, to Pro: charged [now − 1h, now + 30d − 1h); the halted Basic is replaced and cancelled
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_billing import DAY, MONTH, history, invoice, plan_at, state, subscription, worker
from tests.db.test_plan_charge_invoices import platform_in
from tests.db.test_plans import acting

IST = ZoneInfo("Asia/Kolkata")
GRACE = 7 * DAY
WEBINAR_40 = "select api.create_availability_rule('webinar', 3, '10:00', '11:00', 60, 40, null, null)"


def paise(amount: Decimal) -> int:
    return int(amount * 100)


def month_of(t: datetime):
    return t.astimezone(IST).date().replace(day=1)


async def seats_at(owner, cid, at: datetime) -> int | None:
    """What the webinar guard allows at an instant: the seats of the plan in force then (None: unlimited)."""
    return await owner.fetchval("select p.webinar_seats from app.plans p where p.code = app.effective_plan_code($1, $2)",
                                cid, at)


async def books(owner, analyst, cid) -> dict:
    """The charges, the platform's invoices for them, its revenue ledger and the analysts' views, checked against
    each other; answers the figures for the step's own assertions."""
    charges = await owner.fetch("select * from app.subscription_charges where consultant_id = $1 order by charged_at",
                                cid)
    docs = {r["subscription_charge_id"]: r for r in await owner.fetch(
        "select * from app.tax_documents where consultant_id = $1 and purpose = 'subscription'", cid)}
    revenue = await analyst.fetch("select * from analytics.platform_revenue where consultant_id = $1", cid)
    subs = await analyst.fetch("select * from analytics.subscriptions where consultant_id = $1", cid)
    # One invoice per charge, for its amount, issued when it was paid; nothing else of purpose subscription.
    assert set(docs) == {c["id"] for c in charges}
    for c in charges:
        d = docs[c["id"]]
        assert (d["total"], d["issued_at"], d["issuer"], d["document_type"]) == (
            c["amount"], c["charged_at"], "platform", "tax_invoice")
        mine = [r for r in revenue if r["subscription_charge_id"] == c["id"]]
        by_kind = {r["kind"]: r["amount"] for r in mine}
        # The ledger: the gross, and the GST of the invoice inside it; net = taxable value + round-off.
        assert by_kind.pop("plan_charge") == c["amount"]
        assert by_kind == {k: -v for k, v in (("output_cgst", d["cgst"]), ("output_sgst", d["sgst"]),
                                              ("output_igst", d["igst"])) if v}
        assert sum(r["amount"] for r in mine) == d["taxable_value"] + d["round_off"]
        assert {(r["tax_document_id"], r["subscription_id"], r["plan_code"], r["occurred_at"]) for r in mine} == {
            (d["id"], c["subscription_id"], c["plan_code"], c["charged_at"])}
    # Per subscription: the analysts' charges and total are the ledger's gross.
    for s in subs:
        gross = sum((r["amount"] for r in revenue if r["subscription_id"] == s["id"] and r["kind"] == "plan_charge"),
                    Decimal(0))
        assert (s["charges"], s["charged_total"]) == (
            sum(1 for c in charges if c["subscription_id"] == s["id"]), gross)
    gross = sum((c["amount"] for c in charges), Decimal(0))
    assert gross == sum((r["amount"] for r in revenue if r["kind"] == "plan_charge"), Decimal(0))
    assert gross == sum((d["total"] for d in docs.values()), Decimal(0))
    mrr = {r["month"]: r for r in await analyst.fetch("select * from analytics.subscription_mrr_monthly")}
    return {"charges": charges, "docs": docs, "revenue": revenue, "subs": {s["id"]: s for s in subs}, "mrr": mrr,
            "gross": gross}


def paying(spells: list[tuple[datetime, datetime, Decimal]], at: datetime) -> list[Decimal]:
    return [amount for start, end, amount in spells if start <= at < end]


def expected_mrr(spells: list[tuple[datetime, datetime, Decimal]], months, now: datetime) -> dict:
    """The MRR table from the story's own paying spells (one subscription at a time here)."""
    out = {}
    for m in months:
        starts = datetime(m.year, m.month, 1, tzinfo=IST)
        nxt = datetime(m.year + (m.month == 12), m.month % 12 + 1, 1, tzinfo=IST)
        as_of = min(nxt, now)
        out[m] = (len(paying(spells, starts)), sum(1 for s, _, _ in spells if starts < s <= as_of),
                  sum(1 for _, e, _ in spells if starts < e <= as_of), len(paying(spells, as_of)),
                  sum(paying(spells, as_of), Decimal(0)))
    return out


def mrr_rows(mrr: dict) -> dict:
    return {m: (r["active_at_start"], r["new_subscriptions"], r["churned_subscriptions"], r["active_subscriptions"],
                r["mrr"]) for m, r in mrr.items()}


async def test_upgrade_charge_limit_failure_grace_fallback_and_upgrade_again(db, owner):
    await platform_in(owner, "29")
    cid = await factories.consultant(owner)
    await factories.tax_profile(owner, cid, state_code="27")  # another State: IGST on the platform's invoices
    prices = {r["code"]: r for r in await owner.fetch("select * from app.plans")}
    basic, pro = prices["basic"]["price_monthly"], prices["pro"]["price_monthly"]
    assert prices["free"]["webinar_seats"] < 40 <= prices["basic"]["webinar_seats"]
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = now - 75 * DAY
    analyst = await db.connect("analyst")
    conn, w = await worker(db)
    try:
        # 1. On free: a 40-seat webinar is over the plan; the refusal names the plan that lifts it.
        async with acting(db, cid) as me:
            err = await me.refused("NK403", WEBINAR_40, message="plan_limit")
            assert "Your Free plan allows 30 seats in a webinar; Basic allows 100" in err.detail
            assert err.detail.endswith("Upgrade: /dashboard/plan") and err.hint == "field:capacity"
        assert (await books(owner, analyst, cid))["gross"] == 0

        # 2. Upgrade to Basic: the checkout stores it (created: nothing unlocked), the fetches record the
        # authorisation, then the first charge. The plan is in force over the charged cycle, not before.
        sub1 = await subscription(db, owner, cid, plan="basic")
        c1 = invoice(t0, t0 + MONTH, amount=paise(basic))
        out = await w.record(sub1, state("authenticated"), [], fetched_at=t0 - timedelta(minutes=2))
        assert (out["status"], out["new_charges"]) == ("authenticated", 0)
        assert await plan_at(owner, cid, t0 + DAY) == "free"  # authorised is not paid
        out = await w.record(sub1, state("active", t0, t0 + MONTH), [c1], fetched_at=t0 + timedelta(minutes=1))
        assert (out["status"], out["new_charges"]) == ("active", 1)
        assert await plan_at(owner, cid, t0 - DAY) == "free"
        assert await plan_at(owner, cid, t0 + DAY) == "basic"
        assert await seats_at(owner, cid, t0 - DAY) < 40 <= await seats_at(owner, cid, t0 + DAY)  # the limit lifted
        b = await books(owner, analyst, cid)
        assert b["gross"] == basic and len(b["charges"]) == 1
        (doc,) = b["docs"].values()
        assert doc["igst"] > 0 and doc["number"].startswith("NK/")
        assert {r["kind"] for r in b["revenue"]} == {"plan_charge", "output_igst"}
        # A replay of the same fetch (a repeated webhook, a second job) adds nothing anywhere.
        out = await w.record(sub1, state("active", t0, t0 + MONTH), [c1], fetched_at=t0 + timedelta(minutes=3))
        assert (out["new_charges"], out["changed"]) == (0, False)
        assert len((await books(owner, analyst, cid))["revenue"]) == 2

        # 3. The renewal fails: Razorpay retries (pending), then halts; the invoice stays unpaid. Nothing is charged,
        # invoiced or booked; the plan holds through the paid cycle and the grace after it, never less.
        unpaid = invoice(t0 + MONTH, t0 + 2 * MONTH, paid=False, amount=paise(basic))
        out = await w.record(sub1, state("pending", t0 + MONTH, t0 + 2 * MONTH), [c1, unpaid],
                             fetched_at=t0 + MONTH + timedelta(hours=1))
        assert (out["status"], out["new_charges"]) == ("pending", 0)
        out = await w.record(sub1, state("halted", t0 + MONTH, t0 + 2 * MONTH), [c1, unpaid],
                             fetched_at=t0 + MONTH + 3 * DAY)
        assert (out["status"], out["new_charges"]) == ("halted", 0)
        for at in (t0 + DAY, t0 + MONTH - DAY, t0 + MONTH + DAY, t0 + MONTH + GRACE - timedelta(minutes=1)):
            assert await plan_at(owner, cid, at) == "basic", at
        after = await books(owner, analyst, cid)
        assert (after["gross"], len(after["docs"]), len(after["revenue"])) == (basic, 1, 2)
        s1 = after["subs"][await owner.fetchval("select id from app.subscriptions where gateway_subscription_id = $1",
                                                sub1)]
        assert (s1["status"], s1["failures"], s1["paid_until"]) == ("halted", 1, t0 + MONTH)
        assert s1["covered_until"] == t0 + MONTH + GRACE

        # 4. At the grace's end the free plan's limits apply, and nothing is lost: now (75 days on) the consultant is
        # on free, the 40 seats are refused again, and their invoice and the platform's rows for it are all there.
        assert await plan_at(owner, cid, t0 + MONTH + GRACE) == "free"
        assert await seats_at(owner, cid, t0 + MONTH + GRACE) < 40
        assert await plan_at(owner, cid, now) == "free"
        async with acting(db, cid) as me:
            await me.refused("NK403", WEBINAR_40, message="plan_limit")
        async with db.as_caller("app", consultant_id=cid) as app:
            assert await app.fetchval("select count(*) from app.subscription_charges") == 1
            assert await app.fetchval("select count(*) from app.tax_documents where purpose = 'subscription'") == 1
            assert await app.fetchval("select sum(amount) from app.platform_revenue_entries "
                                      "where kind = 'plan_charge'") == basic
        assert (s1["ended_at"], s1["churned_at"]) == (t0 + MONTH + GRACE, t0 + MONTH + GRACE)
        spells = [(t0, t0 + MONTH + GRACE, basic)]
        b = await books(owner, analyst, cid)
        assert mrr_rows(b["mrr"]) == expected_mrr(spells, sorted(b["mrr"]), now)
        assert sorted(b["mrr"])[0] == month_of(t0) and b["mrr"][month_of(now)]["mrr"] == 0

        # 5. Upgrades again, to Pro: a new subscription, authorised (the halted Basic is replaced and its cancellation
        # queued), charged from an hour ago. Pro is in force now and the 40 seats are taken.
        sub2 = await subscription(db, owner, cid, plan="pro")
        await w.record(sub2, state("authenticated"), [], fetched_at=now - 2 * timedelta(hours=1))
        assert await owner.fetchval("select replaced_at is not null from app.subscriptions "
                                    "where gateway_subscription_id = $1", sub1)
        c2 = invoice(now - timedelta(hours=1), now - timedelta(hours=1) + MONTH, amount=paise(pro))
        out = await w.record(sub2, state("active", now - timedelta(hours=1), now - timedelta(hours=1) + MONTH), [c2],
                             fetched_at=now - timedelta(minutes=30))
        assert (out["status"], out["new_charges"], out["plan"]) == ("active", 1, "pro")
        # Razorpay took the cancellation of the replaced one (cancel_replaced_subscription) and says so.
        await w.record(sub1, state("cancelled", t0 + MONTH, t0 + 2 * MONTH), [c1, unpaid], fetched_at=now)
        async with acting(db, cid) as me:
            assert (await me.json(WEBINAR_40))["created_id"]
        assert await plan_at(owner, cid, now) == "pro"
        # The past is as it was: Basic through its grace, free after it until Pro.
        assert await plan_at(owner, cid, t0 + MONTH + DAY) == "basic"
        assert await plan_at(owner, cid, t0 + MONTH + GRACE + DAY) == "free"
        b = await books(owner, analyst, cid)
        assert b["gross"] == basic + pro and len(b["docs"]) == 2 and len(b["revenue"]) == 4
        numbers = sorted(d["number"] for d in b["docs"].values())
        assert [int(n.rsplit("/", 1)[1]) for n in numbers] == [1, 2]
        assert [h[1] for h in await history(owner, sub1)] == ["created", "authenticated", "active", "pending",
                                                              "halted", "cancelled"]
        spells.append((now - timedelta(hours=1), now - timedelta(hours=1) + MONTH + GRACE, pro))
        assert mrr_rows(b["mrr"]) == expected_mrr(spells, sorted(b["mrr"]), now)
        current = b["mrr"][month_of(now)]
        assert (current["active_subscriptions"], current["mrr"]) == (1, pro)
        assert sum(r["new_subscriptions"] for r in b["mrr"].values()) == 2
        assert sum(r["churned_subscriptions"] for r in b["mrr"].values()) == 1
        # Monthly revenue by the analysts' ledger: each charge in the month it was paid.
        by_month = {}
        for r in b["revenue"]:
            by_month.setdefault(r["month"], Decimal(0))
            by_month[r["month"]] += r["amount"] if r["kind"] == "plan_charge" else 0
        assert by_month == {month_of(t0): basic, month_of(now - timedelta(hours=1)): pro} or (
            month_of(t0) == month_of(now - timedelta(hours=1)) and by_month == {month_of(t0): basic + pro})
    finally:
        await conn.close()
        await analyst.close()
    await raises_sqlstate(owner, "NK409", "delete from app.platform_revenue_entries")


async def test_a_subscription_ended_during_its_grace_keeps_the_grace_already_past(db, owner):
    """Cancelled (or replaced) while its grace runs: the plan held until then and not after; the past unchanged."""
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid, plan="basic")
    now = datetime.now(UTC)
    paid_until = now - 3 * DAY
    c1 = invoice(paid_until - MONTH, paid_until, amount=49_900)
    conn, w = await worker(db)
    try:
        await w.record(sub, state("halted", paid_until, paid_until + MONTH), [c1], fetched_at=now - DAY)
        assert await plan_at(owner, cid, now + 3 * DAY) == "basic"  # live: paid_until + 7 days
        await w.record(sub, state("cancelled", paid_until, paid_until + MONTH), [c1], fetched_at=now)
    finally:
        await conn.close()
    assert await plan_at(owner, cid, now - DAY) == "basic"  # the grace already past stays
    assert await plan_at(owner, cid, now + DAY) == "free"
    analyst = await db.connect("analyst")
    try:
        row = await analyst.fetchrow("select * from analytics.subscriptions")
    finally:
        await analyst.close()
    assert paid_until + 3 * DAY - timedelta(seconds=5) < row["covered_until"] < now + timedelta(seconds=5)

# Test: pytest tests/db/test_billing_story.py
