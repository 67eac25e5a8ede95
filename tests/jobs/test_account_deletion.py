# tests/jobs/test_account_deletion.py — a consultant deleting their account: every upcoming client cancelled, refunded in full through the fake Razorpay and told, by a real worker.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.db import factories
from tests.http.helpers import PASSWORD
from tests.http.test_booking import book, booking, slots
from tests.http.test_payments import VERIFY, owner, paid_booking, run_jobs, signed

ME = "/api/v1/consultants/me"


async def test_deleting_the_account_cancels_refunds_and_tells_every_upcoming_client(client, db, rzp):
    c, first, payment = await paid_booking(client, db, rzp)  # client@example.com, paid 1499.50
    free = await slots(client, c["slug"], type="personal")
    second = (await book(client, c["slug"], booking(free[3]["slot_id"], email="second@example.com"))).json()
    pay2 = rzp.pay(second["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(second["checkout"]["order_id"], pay2["id"]))).status_code == 200
    hold = (await book(client, c["slug"], booking(free[5]["slot_id"], email="holder@example.com"))).json()
    cid = uuid.UUID(c["id"])
    conn = await owner(db)
    try:  # a session that already happened stays as it was
        past_client = await factories.client(conn, cid, email="past@example.com")
        past = await factories.session(conn, cid, past_client, starts_at=datetime.now(UTC) - timedelta(days=3),
                                       status="completed")
    finally:
        await conn.close()

    r = await client.request("DELETE", ME, headers=c["headers"], json={"current_password": PASSWORD})
    assert r.status_code == 204, r.text

    # In the same transaction as the deletion, before any worker ran: cancelled, refunds and mails queued,
    # reminders withdrawn.
    conn = await owner(db)
    try:
        sessions = {str(s["id"]): s for s in await conn.fetch(
            "select id, status, cancelled_by, cancellation_reason from app.sessions where consultant_id = $1", cid)}
        refunds = await conn.fetch("select r.amount, r.status, r.initiated_by, t.session_id from app.payment_refunds r "
                                   "join app.payment_transactions t on t.id = r.transaction_id order by r.amount")
        queued = await conn.fetch("select task_name, status, args from procrastinate_jobs order by id")
        mails = {(m["email_type"], m["recipient_email"]) for m in await conn.fetch(
            "select email_type, recipient_email::text from app.email_logs where status = 'queued'")}
    finally:
        await conn.close()
    for b in (first, second, hold):
        s = sessions[b["session_id"]]
        assert (s["status"], s["cancelled_by"]) == ("cancelled", "consultant"), b
        assert s["cancellation_reason"] == "The consultant closed their account."
    assert sessions[str(past)]["status"] == "completed"
    assert [(r["amount"], r["status"], r["initiated_by"]) for r in refunds] == [(r["amount"], "pending", "consultant")
                                                                               for r in refunds]
    assert sorted(str(r["session_id"]) for r in refunds) == sorted([first["session_id"], second["session_id"]])
    assert {("session_cancelled_client", e) for e in ("client@example.com", "second@example.com",
                                                      "holder@example.com")} <= mails
    assert sum(j["task_name"] == "process_refund" and j["status"] == "todo" for j in queued) == 2
    reminders = [j for j in queued if j["task_name"] == "send_session_reminder"]
    assert reminders and all(j["status"] == "cancelled" for j in reminders)

    await run_jobs(db, queues=("payments", "emails"))
    await run_jobs(db, queues=("payments", "emails"))  # the refund_processed mails queued by the refunds
    assert sorted(r["amount"] for r in rzp.refunds.values()) == [149950, 149950]
    assert {r["payment_id"] for r in rzp.refunds.values()} == {payment["id"], pay2["id"]}
    conn = await owner(db)
    try:
        states = {str(s["id"]): (s["status"], s["payment_status"]) for s in await conn.fetch(
            "select id, status, payment_status from app.sessions where consultant_id = $1", cid)}
        outbox = await conn.fetch("select o.to_email::text, l.email_type, o.text_body from app.email_outbox o "
                                  "join app.email_logs l on l.id = o.email_log_id")
        unsent = await conn.fetchval("select count(*) from app.email_logs where status = 'queued'")
    finally:
        await conn.close()
    assert states[first["session_id"]] == states[second["session_id"]] == ("returned", "refunded")
    told = {(o["to_email"], o["email_type"]) for o in outbox}
    assert {(e, "session_cancelled_client") for e in ("client@example.com", "second@example.com",
                                                      "holder@example.com")} <= told
    assert {(e, "refund_processed") for e in ("client@example.com", "second@example.com")} <= told
    cancelled = next(o["text_body"] for o in outbox if o["to_email"] == "second@example.com"
                     and o["email_type"] == "session_cancelled_client")
    # The client learns who cancelled and why (the mail was written before the name was erased).
    assert "Asha Verma" in cancelled and "closed their account" in cancelled and "₹1,499.50" in cancelled
    assert not any(o["to_email"].endswith(".invalid") for o in outbox) and unsent == 0

# Test: pytest tests/jobs/test_account_deletion.py
