# tests/http/test_quotations.py — quotations over HTTP: build, send, the counted public view, accept and pay (fake Razorpay), reject, expiry and its race, stats, isolation.
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from tests.fake_razorpay import KEY_ID
from tests.http import test_payments as payments
from tests.http.test_booking import approved_consultant
from tests.http.test_payments import VERIFY, owner, run_jobs, signed

# The app on the fake Razorpay, as in the payments tests.
app, rzp, razorpay_env = payments.app, payments.rzp, payments.razorpay_env

Q = "/api/v1/quotations"
PUBLIC = "/api/v1/public/quotations"


async def new_quotation(client, c, **body) -> dict:
    payload = {"client_name": "Meera Iyer", "client_email": "meera@example.com", "quotation_name": "Brand strategy",
               "base_amount": "10000.00", "discount_percentage": "12.5", **body}
    r = await client.post(Q, headers=c["headers"], json=payload)
    assert r.status_code == 201, r.text
    return r.json()


async def sent_quotation(client, c, **body) -> tuple[dict, str]:
    q = await new_quotation(client, c, **body)
    r = await client.post(f"{Q}/{q['id']}/send", headers=c["headers"])
    assert r.status_code == 200, r.text
    return r.json(), r.json()["public_url"].rsplit("/", 1)[1]


async def rows(db, sql: str, *args) -> list:
    conn = await owner(db)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def mails(db, quotation_id: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in await rows(db, "select email_type, recipient_email::text from app.email_logs "
                                              "where quotation_id = $1 order by queued_at", uuid.UUID(quotation_id))]


async def test_building_a_quotation_computes_its_amount_and_links_the_client(client, db):
    c = await approved_consultant(client, db)
    q = await new_quotation(client, c)
    assert (q["status"], q["final_amount"], q["client_id"]) == ("draft", "8750.00", None)
    r = await client.post("/api/v1/clients", headers=c["headers"], json={"name": "Meera Iyer", "email": "meera@example.com"})
    client_id = r.json()["id"]
    linked = await new_quotation(client, c, base_amount="999.99", discount_percentage="33.33")
    assert linked["client_id"] == client_id and linked["final_amount"] == "666.69"  # 666.693… rounds down
    by_id = await new_quotation(client, c, client_name=None, client_email=None, client_id=client_id)
    assert by_id["client_name"] == "Meera Iyer"
    r = await client.patch(f"{Q}/{q['id']}", headers=c["headers"], json={"discount_percentage": "0.5",
                                                                       "notes": "Two workshops"})
    assert r.status_code == 200 and r.json()["final_amount"] == "9950.00" and r.json()["notes"] == "Two workshops"
    copy = (await client.post(f"{Q}/{q['id']}/duplicate", headers=c["headers"])).json()
    assert copy["status"] == "draft" and copy["quotation_name"] == "Brand strategy (copy)" and copy["id"] != q["id"]
    listed = (await client.get(Q, headers=c["headers"], params={"q": "brand"})).json()
    assert listed["total"] == 4


async def test_bad_input_is_refused_and_writes_nothing(client, db):
    c = await approved_consultant(client, db)
    other = await approved_consultant(client, db)
    foreign = (await client.post("/api/v1/clients", headers=other["headers"],
                                 json={"name": "Not yours", "email": "x@example.com"})).json()["id"]
    base = {"client_name": "A", "client_email": "a@example.com", "quotation_name": "Q", "base_amount": "100"}
    for body, status in (({**base, "base_amount": "-1"}, 422), ({**base, "base_amount": "1.234"}, 422),
                         ({**base, "discount_percentage": "100.5"}, 422), ({**base, "base_amount": 1e12}, 422),
                         ({**base, "client_email": "not-an-email"}, 422), ({"quotation_name": "Q", "base_amount": "1"}, 422),
                         ({**base, "quotation_name": " "}, 422), ({**base, "currency": "USD"}, 422),
                         ({**base, "client_name": None, "client_email": None, "client_id": foreign}, 404),
                         ({**base, "expires_at": "2027-01-01T00:00:00"}, 422)):
        r = await client.post(Q, headers=c["headers"], json=body)
        assert r.status_code == status, (body, r.text)
        assert "error" in r.json()
    for raw in (b"{", b"[]", b'"x"'):
        r = await client.post(Q, headers={**c["headers"], "content-type": "application/json"}, content=raw)
        assert r.status_code in (400, 422) and "error" in r.json()
    assert await rows(db, "select 1 from app.quotations") == []


async def test_sending_freezes_it_mails_the_link_and_only_drafts_change(client, db):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c, expires_at=(datetime.now(UTC) + timedelta(days=7)).isoformat())
    assert q["status"] == "sent" and q["sent_at"] and q["public_url"].endswith("/q/" + token)
    assert await mails(db, q["id"]) == [("quotation_received", "meera@example.com")]
    [data] = await rows(db, "select template_data from app.email_logs where quotation_id = $1", uuid.UUID(q["id"]))
    assert token not in str(data["template_data"])  # the link is stored encrypted until the worker sends it
    await run_jobs(db, queues=("emails",))
    [body] = await rows(db, "select o.text_body from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
                            "where l.quotation_id = $1", uuid.UUID(q["id"]))
    assert q["public_url"] in body["text_body"] and "₹8,750.00" in body["text_body"]
    detail = (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()
    assert detail["public_url"] == q["public_url"]
    for method, path, body in (("PATCH", "", {"notes": "x"}), ("DELETE", "", None), ("POST", "/send", None)):
        r = await client.request(method, f"{Q}/{q['id']}{path}", headers=c["headers"], json=body)
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] in ("quotation_not_editable", "invalid_transition")
    draft = await new_quotation(client, c, expires_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat())
    r = await client.post(f"{Q}/{draft['id']}/send", headers=c["headers"])
    assert r.status_code == 422 and r.json()["error"]["code"] == "quotation_expired"
    assert (await client.delete(f"{Q}/{draft['id']}", headers=c["headers"])).status_code == 200


async def test_views_are_counted_under_a_rush_and_the_consultant_is_told_once(client, db):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    answers = await asyncio.gather(*(client.get(f"{PUBLIC}/{token}", headers={"user-agent": f"UA {i}"})
                                     for i in range(20)))
    assert {a.status_code for a in answers} == {200}
    view = answers[0].json()
    assert view["status"] == "viewed" and view["final_amount"] == "8750.00" and "id" not in view
    assert "view_count" not in view and view["consultant"]["first_name"] == "Asha"
    detail = (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()
    assert detail["view_count"] == 20 and len(detail["views"]) == 20 and detail["status"] == "viewed"
    assert [m for m in await mails(db, q["id"]) if m[0] == "quotation_viewed"] == [("quotation_viewed", await email_of(client, c))]
    for bad in ("short", "qt_" + "x" * 43, "x" * 300):
        assert (await client.get(f"{PUBLIC}/{bad}")).status_code == 404


async def email_of(client, c) -> str:
    return (await client.get("/api/v1/auth/me", headers=c["headers"])).json()["consultant"]["email"]


async def test_accepting_makes_an_order_for_the_final_amount_and_paying_marks_it_paid(client, db, rzp):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    r = await client.post(f"{PUBLIC}/{token}/accept")
    assert r.status_code == 200, r.text
    accepted = r.json()
    checkout = accepted["checkout"]
    assert accepted["status"] == "accepted" and checkout["amount"] == 875000 and checkout["key_id"] == KEY_ID
    order = rzp.orders[checkout["order_id"]]
    assert order["amount"] == 875000 and order["notes"]["purpose"] == "quotation" and order["receipt"] == q["id"]
    # A second click answers the same acceptance and the same order.
    again = (await client.post(f"{PUBLIC}/{token}/accept")).json()
    assert again["checkout"]["order_id"] == checkout["order_id"] and len(rzp.orders) == 1
    assert ("quotation_responded", await email_of(client, c)) in await mails(db, q["id"])
    payment = rzp.pay(checkout["order_id"])
    r = await client.post(VERIFY, json=signed(checkout["order_id"], payment["id"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    detail = (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()
    assert detail["paid_at"] and [(p["status"], p["amount"]) for p in detail["payments"]] == [("completed", "8750.00")]
    [t] = await rows(db, "select purpose, quotation_id, session_id from app.payment_transactions")
    assert (t["purpose"], str(t["quotation_id"]), t["session_id"]) == ("quotation", q["id"], None)
    view = (await client.get(f"{PUBLIC}/{token}")).json()
    assert view["paid_at"] and view["checkout"] is None
    # Accepted is final: no rejecting it afterwards.
    r = await client.post(f"{PUBLIC}/{token}/reject", json={"reason": "changed my mind"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"


async def test_an_order_given_up_unpaid_is_replaced_so_the_quotation_can_still_be_paid(client, db, rzp):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    first = (await client.post(f"{PUBLIC}/{token}/accept")).json()["checkout"]["order_id"]
    await rows(db, "update app.payment_transactions set status = 'cancelled' where gateway_order_id = $1", first)
    assert (await client.get(f"{PUBLIC}/{token}")).json()["checkout"] is None
    again = (await client.post(f"{PUBLIC}/{token}/accept")).json()
    assert again["status"] == "accepted" and again["checkout"]["order_id"] != first
    payment = rzp.pay(again["checkout"]["order_id"])
    r = await client.post(VERIFY, json=signed(again["checkout"]["order_id"], payment["id"]))
    assert r.json()["status"] == "confirmed"
    assert (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["paid_at"]
    # The given-up order is still payable at Razorpay: paid as well, it is a duplicate and goes back in full.
    late = rzp.pay(first)
    r = await client.post(VERIFY, json=signed(first, late["id"]))
    assert r.status_code == 200 and r.json()["status"] == "refunding" and r.json()["outcome"] == "duplicate_refunded"
    [refund] = await rows(db, "select r.amount, r.reason from app.payment_refunds r join app.payment_transactions t "
                              "on t.id = r.transaction_id where t.gateway_order_id = $1", first)
    assert (refund["amount"], refund["reason"]) == (8750, "Quotation already paid")
    assert "quotation_id" not in r.json()


async def test_a_captured_webhook_pays_it_once_whichever_arrives_first(client, db, rzp):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    order_id = (await client.post(f"{PUBLIC}/{token}/accept")).json()["checkout"]["order_id"]
    payment = rzp.pay(order_id)
    answers = await asyncio.gather(payments.deliver(client, "payment.captured", payment=payment),
                                   client.post(VERIFY, json=signed(order_id, payment["id"])),
                                   payments.deliver(client, "payment.captured", payment=payment))
    assert {a.status_code for a in answers} == {200}
    [t] = await rows(db, "select status, gateway_payment_id from app.payment_transactions")
    assert (t["status"], t["gateway_payment_id"]) == ("completed", payment["id"])
    assert (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["paid_at"]


async def test_a_gateway_outage_accepts_nothing(client, db, rzp):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    rzp.failures = ["down"] * 3
    r = await client.post(f"{PUBLIC}/{token}/accept")
    assert r.status_code == 502 and r.json()["error"]["code"] == "payment_gateway_unavailable"
    assert (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["status"] == "sent"
    assert await rows(db, "select 1 from app.payment_transactions") == []


async def test_rejecting_records_the_reason_and_a_free_quotation_needs_no_payment(client, db):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    r = await client.post(f"{PUBLIC}/{token}/reject", json={"reason": "Over budget this quarter"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    detail = (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()
    assert detail["response_reason"] == "Over budget this quarter" and detail["responded_at"]
    assert (await client.post(f"{PUBLIC}/{token}/accept")).status_code == 409
    free, token = await sent_quotation(client, c, base_amount="0")
    r = await client.post(f"{PUBLIC}/{token}/accept")
    assert r.status_code == 200 and r.json()["checkout"] is None and r.json()["payment"] is None


async def expire_soon(db, quotation_id: str, at: datetime) -> None:
    """Move a sent quotation's expiry (content is frozen once sent; the test goes around the guard)."""
    conn = await asyncpg.connect(db.admin_url)  # a superuser: only it may switch triggers off
    try:
        async with conn.transaction():
            await conn.execute("set local session_replication_role = replica")
            await conn.execute("update app.quotations set expires_at = $2 where id = $1", uuid.UUID(quotation_id), at)
    finally:
        await conn.close()


async def test_an_expired_quotation_cannot_be_accepted_and_the_job_records_it(client, db):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    await expire_soon(db, q["id"], datetime.now(UTC) - timedelta(minutes=1))
    view = (await client.get(f"{PUBLIC}/{token}")).json()
    assert view["status"] == "expired"
    r = await client.post(f"{PUBLIC}/{token}/accept")
    assert r.status_code == 409 and r.json()["error"]["code"] == "quotation_expired"
    assert (await client.post(f"{PUBLIC}/{token}/reject", json={})).status_code == 409
    assert (await client.get(Q, headers=c["headers"], params={"status": "expired"})).json()["total"] == 1
    conn = await owner(db)
    try:
        assert await conn.fetchval("select api.expire_quotations()") == 1
        assert await conn.fetchval("select status from app.quotations") == "expired"
        assert await conn.fetchval("select api.expire_quotations()") == 0
    finally:
        await conn.close()


async def test_accepting_and_expiring_race_and_exactly_one_wins(client, db, rzp):
    """Acceptances and the expiry job fired across the moment of expiry: the quotation ends accepted with
    exactly one payment order (and was accepted before it expired), or expired with none."""
    c = await approved_consultant(client, db)
    for _ in range(3):
        q, token = await sent_quotation(client, c)
        moment = datetime.now(UTC) + timedelta(milliseconds=300)
        await expire_soon(db, q["id"], moment)

        async def expire_loop():
            conn = await owner(db)
            try:
                for _ in range(20):
                    await conn.fetchval("select api.expire_quotations()")
                    await asyncio.sleep(0.03)
            finally:
                await conn.close()

        async def accept_later(delay, token=token):
            await asyncio.sleep(delay)
            return (await client.post(f"{PUBLIC}/{token}/accept")).status_code

        results = await asyncio.gather(expire_loop(), *(accept_later(0.05 * i) for i in range(12)))
        codes = set(results[1:])
        assert codes <= {200, 409}
        [row] = await rows(db, "select status, responded_at, expires_at from app.quotations where id = $1",
                           uuid.UUID(q["id"]))
        pays = await rows(db, "select 1 from app.payment_transactions where quotation_id = $1", uuid.UUID(q["id"]))
        if row["status"] == "accepted":
            assert len(pays) == 1 and row["responded_at"] < row["expires_at"] and 200 in codes
        else:
            assert row["status"] == "expired" and pays == [] and codes == {409}


async def test_stats_count_what_was_sent_and_what_came_of_it(client, db, rzp):
    c = await approved_consultant(client, db)
    none_sent = (await client.get(f"{Q}/stats", headers=c["headers"], params={"timeframe": "month"})).json()
    assert none_sent["sent"] == 0 and none_sent["conversion_rate"] is None, "no rate without a denominator"
    _, t1 = await sent_quotation(client, c)
    await sent_quotation(client, c)
    _, t3 = await sent_quotation(client, c, base_amount="5000", discount_percentage="0")
    await new_quotation(client, c)  # a draft is not counted
    await client.get(f"{PUBLIC}/{t1}")
    await client.post(f"{PUBLIC}/{t3}/accept")
    await client.post(f"{PUBLIC}/{t1}/reject", json={})
    r = await client.get(f"{Q}/stats", headers=c["headers"], params={"timeframe": "month"})
    assert r.status_code == 200, r.text
    s = r.json()
    assert (s["sent"], s["viewed"], s["accepted"], s["rejected"], s["expired"], s["pending"]) == (3, 1, 1, 1, 0, 1)
    assert s["conversion_rate"] == 33.3 and s["value_accepted"] == "5000.00" and s["value_paid"] == "0.00"
    for params in ({"timeframe": "custom"}, {"timeframe": "decade"}, {"timeframe": "custom", "from": "2026-02-01",
                                                                       "to": "2026-01-01"}):
        r = await client.get(f"{Q}/stats", headers=c["headers"], params=params)
        assert r.status_code == 422, params
    for params in ({"timeframe": "custom", "from": "2026-01-01", "to": "9999-12-31"},
                   {"timeframe": "custom", "from": "0001-01-01", "to": "2026-01-01"}):
        r = await client.get(f"{Q}/stats", headers=c["headers"], params=params)
        assert r.status_code == 422, params
    for params in ({"from": "0001-01-01T00:00:00+05:30"}, {"to": "9999-12-31T23:59:59-05:00"}):
        assert (await client.get(Q, headers=c["headers"], params=params)).status_code == 422
    r = await client.post(Q, headers=c["headers"], json={"client_name": "A", "client_email": "a@example.com",
                                                        "quotation_name": "Q", "base_amount": "1",
                                                        "expires_at": "9999-12-31T23:59:59-05:00"})
    assert r.status_code == 422
    r = await client.get(f"{Q}/stats", headers=c["headers"], params={"timeframe": "custom", "from": "2020-01-01",
                                                                      "to": "2020-12-31"})
    assert r.json()["sent"] == 0


def png() -> bytes:
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(out, "PNG")
    return out.getvalue()


async def test_a_draft_takes_an_image_and_a_sent_one_does_not(client, db):
    c = await approved_consultant(client, db)
    q = await new_quotation(client, c)
    r = await client.post(f"{Q}/{q['id']}/image", headers=c["headers"], files={"image": ("plan.png", png(), "image/png")})
    assert r.status_code == 200, r.text
    url = r.json()["quotation_image_url"]
    assert url and (await client.get(url)).status_code == 200
    r = await client.post(f"{Q}/{q['id']}/image", headers=c["headers"], files={"image": ("x.png", b"not an image", "image/png")})
    assert r.status_code == 415
    r = await client.post(f"{Q}/{q['id']}/image", headers=c["headers"], json={})
    assert r.status_code == 415
    await client.post(f"{Q}/{q['id']}/send", headers=c["headers"])
    r = await client.post(f"{Q}/{q['id']}/image", headers=c["headers"], files={"image": ("plan.png", png(), "image/png")})
    assert r.status_code == 409
    assert (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["quotation_image_url"] == url


async def test_another_consultant_can_neither_see_nor_touch_it(client, db):
    a = await approved_consultant(client, db)
    b = await approved_consultant(client, db)
    q = await new_quotation(client, a)
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/send"), ("POST", "/duplicate")):
        r = await client.request(method, f"{Q}/{q['id']}{path}", headers=b["headers"],
                                 json={"notes": "mine"} if method == "PATCH" else None)
        assert r.status_code == 404, (method, path, r.text)
    assert (await client.get(Q, headers=b["headers"])).json()["total"] == 0
    assert (await client.get(f"{Q}/{q['id']}", headers=a["headers"])).json()["status"] == "draft"
    # A draft has no public link: nobody can open it.
    [row] = await rows(db, "select public_token_hash from app.quotations")
    assert row["public_token_hash"] is None

# Test: pytest tests/http/test_quotations.py
