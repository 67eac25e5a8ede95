# tests/db/test_plan_grace_mails.py — a failed renewal's later mails on a controlled clock: the reminder before the grace ends and the notice once the plan fell back, each once per paid period (replays, racing sweeps), never after a payment, a plan change or a cancellation, nor while a comp keeps the plan.
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from app.email_samples import sample
from app.emails import render
from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_billing import DAY, MONTH, as_admin, invoice, rid, state, subscription, worker

HOUR = timedelta(hours=1)
GRACE, AHEAD = 7 * DAY, 3 * DAY  # the settings' defaults


async def sweep(conn, at: datetime) -> int:
    return await conn.fetchval("select api.worker_queue_plan_grace_mails(100, $1)", at)


async def mails(owner, cid, status: str | None = None) -> list[tuple[str, dict, str]]:
    rows = await owner.fetch("select email_type, template_data, status from app.email_logs where consultant_id = $1 "
                             "and email_type in ('plan_grace_ending', 'plan_fell_back') order by queued_at, id", cid)
    return [(r["email_type"], json.loads(r["template_data"]), r["status"]) for r in rows
            if status is None or r["status"] == status]


async def halted(db, owner, plan="pro"):
    """A consultant whose renewal failed: one month charged ending a day ago (P), then halted with its unpaid invoice
    and Razorpay's link to pay it. The grace ends at P + 7 days (G), the reminder is due at G - 3 days (R)."""
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid, plan=plan)
    t0 = datetime.now(UTC).replace(microsecond=0) - MONTH - DAY
    paid = invoice(t0, t0 + MONTH)
    unpaid = {**invoice(t0 + MONTH, t0 + 2 * MONTH, paid=False), "short_url": "https://rzp.io/i/unpaid"}
    conn, w = await worker(db)
    await w.record(sub, state("active", t0, t0 + MONTH), [paid], fetched_at=t0)
    await w.record(sub, state("halted", t0 + MONTH, t0 + 2 * MONTH), [paid, unpaid], fetched_at=t0 + MONTH + HOUR)
    p = t0 + MONTH
    return cid, sub, conn, w, (paid, unpaid), p, p + GRACE - AHEAD, p + GRACE


async def test_a_halted_plan_is_reminded_before_its_grace_ends_then_told_it_fell_back_once_each(db, owner):
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner)
    try:
        assert await sweep(conn, r - HOUR) == 0                 # not due yet
        assert await sweep(conn, r + HOUR) == 0                 # due, but no fetch since: a lost payment is seen first
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=r + HOUR / 2)
        assert await sweep(conn, r + HOUR) == 1                 # a fetch since it fell due still shows it unpaid
        assert await sweep(conn, r + 2 * HOUR) == 0             # once per paid period
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=r + 3 * HOUR)  # a replay
        assert await sweep(conn, r + 4 * HOUR) == 0
        assert await sweep(conn, g - HOUR) == 0                 # the plan is still in force
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=g + HOUR / 2)
        assert await sweep(conn, g + HOUR) == 1                 # fallen back: the notice
        assert await sweep(conn, g + 2 * HOUR) == 0
    finally:
        await conn.close()
    got = await mails(owner, cid)
    assert [m[0] for m in got] == ["plan_grace_ending", "plan_fell_back"]
    for _, data, _ in got:
        assert data["plan_name"] == "Pro" and data["fallback_plan_name"] == "Free"
        assert data["pay_url"] == "https://rzp.io/i/unpaid" and datetime.fromisoformat(data["grace_until"]) == g
        assert datetime.fromisoformat(data["paid_until"]) == p
    # What the consultant reads renders from what was queued.
    for kind, data, _ in got:
        rendered = render(kind, {"recipient_name": "Asha", **data})
        assert "https://rzp.io/i/unpaid" in rendered.text and "Free plan's limits" in rendered.text


async def test_racing_sweeps_mail_once(db, owner):
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner)
    await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=r + HOUR / 2)
    other = await db.connect("worker")
    try:
        # One sweep holds the row (not committed): the other skips it, then finds it mailed.
        async with conn.transaction():
            assert await sweep(conn, r + HOUR) == 1
            assert await sweep(other, r + HOUR) == 0
        assert await sweep(other, r + HOUR) == 0
        # Both at once, for the notice.
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=g + HOUR / 2)
        assert sorted(await asyncio.gather(sweep(conn, g + HOUR), sweep(other, g + HOUR))) == [0, 1]
    finally:
        await conn.close()
        await other.close()
    assert [m[0] for m in await mails(owner, cid)] == ["plan_grace_ending", "plan_fell_back"]


async def test_a_payment_recorded_withdraws_a_waiting_mail_and_prevents_the_rest(db, owner):
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner)
    try:
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=r + HOUR / 2)
        assert await sweep(conn, r + HOUR) == 1
        # The halted invoice paid by hand before the reminder went (its send is retrying, say): withdrawn.
        settled = {**unpaid, "status": "paid", "amount_paid": unpaid["amount"], "payment_id": rid("pay")}
        out = await w.record(sub, state("active", p + MONTH, p + 2 * MONTH), [paid, settled], fetched_at=r + 2 * HOUR)
        assert out["new_charges"] == 1 and out["plan"] == "pro"
        assert await conn.fetchval("select api.worker_claim_email($1)", await owner.fetchval(
            "select id from app.email_logs where consultant_id = $1 and email_type = 'plan_grace_ending'", cid)) is None
        # Nothing more for that period: the grace ends with no notice.
        assert await sweep(conn, g + HOUR) == 0
    finally:
        await conn.close()
    [(kind, _, status)] = await mails(owner, cid)
    assert (kind, status) == ("plan_grace_ending", "failed")
    assert (await owner.fetchval("select error_message from app.email_logs where consultant_id = $1 "
                                 "and email_type = 'plan_grace_ending'", cid)).startswith("withdrawn")
    assert await owner.fetchval("select unpaid_invoice_url from app.subscriptions where gateway_subscription_id = $1",
                                sub) is None


async def test_a_payment_before_the_sweep_means_no_mail_at_all(db, owner):
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner)
    try:
        settled = {**unpaid, "status": "paid", "amount_paid": unpaid["amount"], "payment_id": rid("pay")}
        await w.record(sub, state("active", p + MONTH, p + 2 * MONTH), [paid, settled], fetched_at=r + HOUR / 2)
        assert await sweep(conn, r + HOUR) == 0 and await sweep(conn, g + HOUR) == 0
    finally:
        await conn.close()
    assert await mails(owner, cid) == []


async def test_a_cancellation_or_a_plan_change_withdraws_them(db, owner):
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner)
    try:
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=g + HOUR / 2)
        assert await sweep(conn, g + HOUR) == 1                 # late: only the notice (the reminder's time passed)
        await w.record(sub, state("cancelled", p, p + MONTH), [paid, unpaid], fetched_at=g + 2 * HOUR)
    finally:
        await conn.close()
    assert [(m[0], m[2]) for m in await mails(owner, cid)] == [("plan_fell_back", "failed")]

    # A new subscription authorised (a plan change) replaces the halted one: its queued reminder is withdrawn.
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner)
    try:
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=r + HOUR / 2)
        assert await sweep(conn, r + HOUR) == 1
        new = await subscription(db, owner, cid, plan="basic")
        await w.record(new, state("authenticated"), [], fetched_at=r + 2 * HOUR)
        assert await sweep(conn, g + HOUR) == 0
    finally:
        await conn.close()
    assert [(m[0], m[2]) for m in await mails(owner, cid)] == [("plan_grace_ending", "failed")]


async def test_no_mail_while_a_comp_keeps_the_plan_and_a_lower_comp_is_named(db, owner):
    admin = await factories.admin(owner)
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner, plan="basic")
    try:
        await as_admin(db, admin, "select api.admin_set_subscription($1, 'pro', $2)", cid, g + 30 * DAY)
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=r + HOUR / 2)
        assert await sweep(conn, r + HOUR) == 0
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=g + HOUR / 2)
        assert await sweep(conn, g + HOUR) == 0                 # the comp keeps Pro: nothing fell back
    finally:
        await conn.close()
    assert await mails(owner, cid) == []

    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner, plan="pro")
    try:
        await as_admin(db, admin, "select api.admin_set_subscription($1, 'basic', $2)", cid, g + 30 * DAY)
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=g + HOUR / 2)
        assert await sweep(conn, g + HOUR) == 1
    finally:
        await conn.close()
    [(kind, data, _)] = await mails(owner, cid)
    assert (kind, data["plan_name"], data["fallback_plan_name"]) == ("plan_fell_back", "Pro", "Basic")


async def test_the_reminder_setting_is_bounded_and_zero_sends_none(db, owner):
    await raises_sqlstate(owner, "NK422", "select app_private.check_setting('subscription_grace_reminder_days', '31')")
    await owner.execute("select app_private.check_setting('subscription_grace_reminder_days', '0')")
    assert await owner.fetchval("select value from app.platform_settings "
                                "where key = 'subscription_grace_reminder_days'") == "3"
    cid, sub, conn, w, (paid, unpaid), p, r, g = await halted(db, owner)
    await owner.execute("update app.platform_settings set value = '0' where key = 'subscription_grace_reminder_days'")
    try:
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=g - HOUR)
        assert await sweep(conn, g - HOUR / 2) == 0
    finally:
        await conn.close()
    assert await mails(owner, cid) == []


async def test_a_reminder_falling_due_queues_a_fetch_first(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    now = datetime.now(UTC)
    p = now - 4 * DAY - 12 * HOUR                               # the reminder fell due 12 hours ago
    paid, unpaid = invoice(p - MONTH, p), invoice(p, p + MONTH, paid=False)
    conn, w = await worker(db)
    try:
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=now - 14 * HOUR)
        assert json.loads(await conn.fetchval("select api.worker_subscriptions_due(10)")) == [sub]
        assert await sweep(conn, now) == 0                      # not before that fetch
        await w.record(sub, state("halted", p, p + MONTH), [paid, unpaid], fetched_at=now)
        assert json.loads(await conn.fetchval("select api.worker_subscriptions_due(10)")) == []
        assert await sweep(conn, now) == 1
    finally:
        await conn.close()
    [(kind, data, _)] = await mails(owner, cid)
    assert kind == "plan_grace_ending" and data["pay_url"] is None


async def test_the_subscriptions_sweep_queues_the_notice(db, owner):
    """The periodic job itself (jobs/subscriptions.py sweep_subscriptions): a plan fell back two days ago and was
    fetched since, still unpaid: its notice is queued, once."""
    from jobs.app import connected
    from jobs.subscriptions import sweep_subscriptions

    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid)
    now = datetime.now(UTC)
    p = now - GRACE - 2 * DAY
    conn, w = await worker(db)
    try:
        await w.record(sub, state("halted", p, p + MONTH), [invoice(p - MONTH, p), invoice(p, p + MONTH, paid=False)],
                       fetched_at=now - HOUR)
    finally:
        await conn.close()
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await sweep_subscriptions(timestamp=0)
            await sweep_subscriptions(timestamp=0)
    [(kind, data, status)] = await mails(owner, cid)
    assert (kind, status, data["fallback_plan_name"]) == ("plan_fell_back", "queued", "Free")


def test_the_mails_say_when_what_applies_and_how_to_pay_or_upgrade():
    ending = render("plan_grace_ending", sample("plan_grace_ending"))
    assert ending.subject == "Your Pro plan moves to Free on Wed, 09 Dec 2026, 12:00 AM IST unless it is paid"
    assert "Pay now: https://rzp.io/i/sample" in ending.text and 'href="https://rzp.io/i/sample"' in ending.html
    fell = render("plan_fell_back", {**sample("plan_fell_back"), "pay_url": None, "fallback_plan_name": "Basic"})
    assert fell.subject == "Your Pro plan has ended: the Basic plan's limits now apply"
    assert "Pay now" not in fell.text and "Pay now" not in fell.html and "Nothing you made is deleted" in fell.text
    assert "To upgrade again, sign in, open Plan and subscribe" in fell.text

# Test: pytest tests/db/test_plan_grace_mails.py
