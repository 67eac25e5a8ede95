# tests/db/test_plan_payment_mail.py — a failed plan renewal tells the consultant once per change (pending, then halted): how long the plan holds, and the unpaid invoice's link to pay it now; a replayed fetch mails nothing more.
from __future__ import annotations

import json
from datetime import UTC, datetime

from app.email_samples import sample
from app.emails import render
from tests.db import factories
from tests.db.test_billing import DAY, MONTH, invoice, state, subscription, worker


async def test_a_failed_renewal_mails_the_consultant_once_per_change_with_a_pay_now_link(db, owner):
    cid = await factories.consultant(owner)
    sub = await subscription(db, owner, cid, plan="basic")
    t0 = datetime.now(UTC) - 31 * DAY
    c1 = invoice(t0, t0 + MONTH, amount=49900)
    unpaid = {**invoice(t0 + MONTH, t0 + 2 * MONTH, paid=False, amount=49900), "short_url": "https://rzp.io/i/abc"}
    conn, w = await worker(db)
    try:
        await w.record(sub, state("active", t0, t0 + MONTH), [c1])
        for status in ("pending", "pending", "halted", "halted"):  # each change once; replays mail nothing
            await w.record(sub, state(status, t0 + MONTH, t0 + 2 * MONTH), [c1, unpaid])
    finally:
        await conn.close()
    mails = await owner.fetch("select template_data, recipient_email, consultant_id from app.email_logs "
                              "where email_type = 'plan_payment_failed' order by queued_at, id")
    datas = [json.loads(m["template_data"]) for m in mails]
    assert [d["status"] for d in datas] == ["pending", "halted"]
    data = datas[-1]
    assert mails[-1]["consultant_id"] == cid and data["plan_name"] == "Basic" and data["pay_url"] == unpaid["short_url"]
    grace_until = datetime.fromisoformat(data["grace_until"])
    assert abs(grace_until - (t0 + MONTH + 7 * DAY)) < DAY / 24  # paid_until + the grace setting
    email = await owner.fetchval("select email from app.consultants where id = $1", cid)
    assert mails[-1]["recipient_email"] == email


def test_the_mail_says_how_long_the_plan_holds_and_links_the_payment():
    halted = render("plan_payment_failed", sample("plan_payment_failed"))
    assert halted.subject == "Your Pro plan's payment has stopped"
    assert "https://rzp.io/i/sample" in halted.html and "Pay now: https://rzp.io/i/sample" in halted.text
    assert "stays in force until" in halted.text and "nothing you made is deleted" in halted.text
    first = render("plan_payment_failed", {**sample("plan_payment_failed"), "status": "pending", "grace_until": None,
                                           "pay_url": None})
    assert "will try again" in first.text and "has not started" in first.text and "Pay now" not in first.html

# Test: pytest tests/db/test_plan_payment_mail.py
