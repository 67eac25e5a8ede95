# tests/http/test_anonymise.py — "anonymise client" erases every trace: a full booking history, then a scan of every text, json and bytea column.
from __future__ import annotations

import json
import uuid

from tests.fake_razorpay import webhook
from tests.http import test_payments as payments
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import VERIFY, WEBHOOK, owner, run_jobs, signed

# The app on the fake Razorpay, as in the payments tests.
app, rzp, razorpay_env = payments.app, payments.rzp, payments.razorpay_env

NAME, EMAIL, PHONE = "Anaya Kulkarni", "anaya.k@example.com", "+91 91234 56780"
# Every way the client's data could be written down: the address, the name, the phone with and without spaces.
NEEDLES = (EMAIL, NAME, "9123456780", "91234 56780", "anaya.k@okaxis", "Lotus Lane")


# Kept by law, whoever asks: a GST document issued to her (tax invoice, receipt, credit note) prints her name and
# what was supplied, and is kept unchanged for 72 months from the due date of the annual return of its year (CGST
# Act s.36; docs/gst.md §13). The payment's own billing name and address are forgotten.
RETAINED_BY_LAW = frozenset({"app.tax_documents"})


async def personal_data_left(db, needles=NEEDLES) -> list[str]:
    """table.column (and the needle) wherever a needle is still found, case-insensitively: every text, varchar,
    citext, json, jsonb, array and bytea column of every table in schema app, and Procrastinate's tables."""
    conn = await owner(db)
    try:
        columns = await conn.fetch("""
            select c.table_schema, c.table_name, c.column_name, c.data_type from information_schema.columns c
            join information_schema.tables t on (t.table_schema, t.table_name) = (c.table_schema, c.table_name)
            where t.table_type = 'BASE TABLE'
              and (c.table_schema = 'app' or (c.table_schema = 'public' and c.table_name like 'procrastinate%'))
              and (c.data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea', 'ARRAY')
                   or c.udt_name = 'citext')
            order by 1, 2, 3""")
        assert len(columns) > 80, "the catalogue query found too few columns"
        found = []
        for schema, table, column, data_type in columns:
            expr = f'encode("{column}", \'escape\')' if data_type == "bytea" else f'"{column}"::text'
            for needle in needles:
                hits = await conn.fetchval(f'select count(*) from "{schema}"."{table}" where {expr} ilike $1',
                                           f"%{needle}%")
                if hits and f"{schema}.{table}" not in RETAINED_BY_LAW:
                    found.append(f"{schema}.{table}.{column} ({needle!r} x{hits})")
        return found
    finally:
        await conn.close()


async def paid(client, rzp, made: dict, *, with_webhook: bool = False) -> None:
    order = made["checkout"]["order_id"]
    payment = rzp.pay(order)
    r = await client.post(VERIFY, json=signed(order, payment["id"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    if with_webhook:
        # What Razorpay really sends: the payment entity carries the payer's email and phone.
        body, headers = webhook("payment.captured", {"payment": {**payment, "email": EMAIL, "contact": "+919123456780",
                                                                 "vpa": "anaya.k@okaxis"}})
        assert (await client.post(WEBHOOK, content=body, headers=headers)).status_code == 200


def anaya(slot_id: str, **extra) -> dict:
    return booking(slot_id, **extra) | {"client": {"name": NAME, "email": EMAIL, "phone": PHONE},
                                        "billing": {"state_code": "29", "address": "14 Lotus Lane, Koramangala",
                                                    "postal_code": "560034"}}


async def test_anonymising_a_client_leaves_no_trace_of_them_anywhere(client, db, rzp):
    c = await approved_consultant(client, db, rules=every_day())
    h = c["headers"]
    free = await slots(client, c["slug"], type="personal")
    # Someone else (Priya Shah, the helper's default client), who must keep everything.
    other = await book(client, c["slug"], booking(free[0]["slot_id"], email="other@example.com"))
    await paid(client, rzp, other.json())

    # 1. A paid booking (retried with an idempotency key), notes naming her and her phone, the webhook.
    first = await book(client, c["slug"], anaya(free[1]["slot_id"], notes=f"{NAME} here, call {PHONE}"),
                       headers={"Idempotency-Key": "anaya-first"})
    assert first.status_code == 201, first.text
    await paid(client, rzp, first.json(), with_webhook=True)
    sid = first.json()["session_id"]
    r = await client.patch(f"/api/v1/sessions/{sid}", headers=h, json={"consultant_notes": f"{NAME} prefers mornings"})
    assert r.status_code == 200
    # 2. A second one she cancels herself, giving a reason; her refund goes through the gateway.
    second = (await book(client, c["slug"], anaya(free[2]["slot_id"]))).json()
    await paid(client, rzp, second)
    token = second["manage_url"].rsplit("/", 1)[1]
    r = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={"reason": f"{NAME} is away; 91234 56780"})
    assert r.status_code == 200, r.text
    await run_jobs(db, queues=("payments", "emails"))
    # 3. A quotation sent to her, which she opens and turns down with a reason.
    q = await client.post("/api/v1/quotations", headers=h, json={
        "client_name": NAME, "client_email": EMAIL, "quotation_name": f"Plan for {NAME}", "base_amount": "5000.00",
        "notes": f"Call {NAME} first"})
    assert q.status_code == 201 and q.json()["client_id"] is not None, q.text
    sent = await client.post(f"/api/v1/quotations/{q.json()['id']}/send", headers=h)
    qtoken = sent.json()["public_url"].rsplit("/", 1)[1]
    assert (await client.get(f"/api/v1/public/quotations/{qtoken}", headers={"user-agent": "AnayaPhone/1.0"})
            ).status_code == 200
    assert (await client.post(f"/api/v1/public/quotations/{qtoken}/reject",
                              json={"reason": f"{NAME} found it dear"})).status_code == 200
    await run_jobs(db, queues=("emails",))
    # 4. One of her mails bounced (a Resend delivery report, as its webhook stores it). (The limiters counted her
    #    bookings too, under a hash of her mailbox: the scan below finds no address in them, before or after.)
    conn = await owner(db)
    try:
        log_id = await conn.fetchval("select id from app.email_logs where recipient_email = $1 and status = 'sent' "
                                     "order by queued_at limit 1", EMAIL)
        await conn.execute("update app.email_logs set provider = 'resend', external_id = 're_anaya' where id = $1", log_id)
        app_conn = await db.connect("app")
        try:
            await app_conn.execute("select api.handle_resend_webhook('msg_anaya', $1::jsonb)", json.dumps({
                "type": "email.bounced", "data": {"email_id": "re_anaya", "to": [f"{NAME} <{EMAIL}>"],
                                                  "bounce": {"message": f"550 {EMAIL} mailbox full"}}}))
        finally:
            await app_conn.close()
    finally:
        await conn.close()
    # 5. A third booking, paid, its mails still queued when she asks to be forgotten.
    third = (await book(client, c["slug"], anaya(free[3]["slot_id"]))).json()
    await paid(client, rzp, third)
    before = await personal_data_left(db)
    for place in ("app.email_logs.template_data", "app.email_outbox.text_body", "app.quotations.client_email",
                  "app.sessions.cancellation_reason", "app.webhook_events.payload", "app.idempotency_keys.response",
                  "app.email_suppressions.email"):
        assert any(hit.startswith(place + " ") for hit in before), f"the world was not built: nothing in {place}"

    conn = await owner(db)
    try:
        client_id = await conn.fetchval("select id from app.clients where email = $1", EMAIL)
        money_before = await conn.fetch("select id, amount, amount_refunded, status from app.payment_transactions "
                                        "order by id")
    finally:
        await conn.close()
    r = await client.post(f"/api/v1/clients/{client_id}/anonymise", headers=h, json={})
    assert r.status_code == 200 and r.json()["name"] == "Anonymised client", r.text
    await run_jobs(db, queues=("payments", "emails", "default"))

    assert await personal_data_left(db) == []
    # Her documents are as they were issued: her name on them, and the numbers, untouched.
    conn = await owner(db)
    try:
        kept = await conn.fetch("select recipient_name, number from app.tax_documents d join app.payment_transactions t "
                                "on t.id = d.payment_id where t.client_id = $1 and d.issuer = 'consultant'", client_id)
    finally:
        await conn.close()
    assert kept and {k["recipient_name"] for k in kept} == {NAME}
    conn = await owner(db)
    try:
        consultant_email = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
        logs = await conn.fetch("select email_type, recipient_email::text as rcpt, status, error_message, template_data, "
                                "session_id from app.email_logs where client_id = $1 order by queued_at", client_id)
        outbox_to = [r[0] for r in await conn.fetch("select to_email::text from app.email_outbox")]
        money_after = await conn.fetch("select id, amount, amount_refunded, status from app.payment_transactions "
                                       "order by id")
        views = await conn.fetch("select user_agent from app.quotation_views")
        other_left = await conn.fetchrow("select name, email::text from app.clients where email = 'other@example.com'")
    finally:
        await conn.close()
    # The consultant's own notifications stay theirs (never readdressed to the anonymised address) and name nobody.
    mine = [log for log in logs if log["rcpt"] == consultant_email]
    assert {log["email_type"] for log in mine} >= {"session_booked", "session_cancelled_consultant", "quotation_responded"}
    assert all(log["template_data"].get("client_name", "Anonymised client") == "Anonymised client"
               for log in mine)
    assert not any(log["rcpt"].endswith("@anonymised.invalid") and log["email_type"] in
                   ("session_booked", "session_cancelled_consultant", "quotation_responded", "quotation_viewed")
                   for log in logs)
    # Her mails still queued were never sent, to her or to the anonymised address; the consultant's went.
    third_logs = {log["email_type"]: log for log in logs if str(log["session_id"]) == third["session_id"]}
    assert third_logs["session_confirmation"]["status"] == "failed"
    assert third_logs["session_confirmation"]["error_message"] == "client_anonymised"
    assert third_logs["session_booked"]["status"] == "sent"
    assert not any(to.endswith("@anonymised.invalid") or to == EMAIL for to in outbox_to)
    # The money is the business's record: untouched. Her quotation views keep no browser.
    assert [tuple(r) for r in money_after] == [tuple(r) for r in money_before]
    assert [v["user_agent"] for v in views] == [None]
    # Someone else's data is not touched.
    assert tuple(other_left) == ("Priya Shah", "other@example.com")

# Test: pytest tests/http/test_anonymise.py
