# tests/http/test_payments.py — the payment loop through the real Razorpay adapter and a fake Razorpay API: orders, verify, webhooks, races, late payments, refunds.
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from starlette.applications import Starlette

from app.sql import _init_connection
from jobs.app import connected
from tests.fake_razorpay import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, FakeRazorpay, checkout_signature, webhook
from tests.http.conftest import make_app
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots

VERIFY = "/api/v1/payments/verify"
WEBHOOK = "/api/v1/payments/webhook"


@pytest.fixture
def rzp() -> FakeRazorpay:
    fake = FakeRazorpay()
    yield fake
    fake.close()


@pytest.fixture
def razorpay_env(rzp, monkeypatch) -> dict:
    """The web app and the in-process worker both read the gateway from the environment."""
    env = {"RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "RAZORPAY_API_URL": rzp.url, "RAZORPAY_TIMEOUT": "1"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture
async def app(db, rzp, razorpay_env) -> AsyncIterator[Starlette]:
    application = make_app(db, razorpay_key_id=KEY_ID, razorpay_key_secret=KEY_SECRET,
                           razorpay_webhook_secret=WEBHOOK_SECRET, razorpay_api_url=rzp.url, razorpay_timeout=1.0)
    async with application.router.lifespan_context(application):
        yield application


async def owner(db):
    conn = await db.connect("owner")
    await _init_connection(conn)
    return conn


async def run_jobs(db, queues=("payments",)) -> None:
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await job_app.run_worker_async(queues=list(queues), wait=False, install_signal_handlers=False)


async def pending_booking(client, db, *, consultant=None, slot=0, email="client@example.com", **kw) -> tuple[dict, dict]:
    c = consultant or await approved_consultant(client, db, rules=every_day(), **kw)
    free = await slots(client, c["slug"], type="personal")
    r = await book(client, c["slug"], booking(free[slot]["slot_id"], email=email))
    assert r.status_code == 201, r.text
    return c, r.json()


def signed(order_id: str, payment_id: str, secret: str = KEY_SECRET) -> dict:
    return {"razorpay_order_id": order_id, "razorpay_payment_id": payment_id,
            "razorpay_signature": checkout_signature(order_id, payment_id, secret)}


async def deliver(client, event: str, **entities):
    body, headers = webhook(event, entities)
    return await client.post(WEBHOOK, content=body, headers=headers)


async def paid_booking(client, db, rzp, **kw) -> tuple[dict, dict, dict]:
    c, b = await pending_booking(client, db, **kw)
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    return c, b, payment


async def state(db, session_id) -> dict:
    conn = await owner(db)
    try:
        s = await conn.fetchrow("select * from app.sessions where id = $1", uuid.UUID(session_id))
        return {"session": s,
                "payments": await conn.fetch("select * from app.payment_transactions where session_id = $1 order by created_at",
                                             s["id"]),
                "refunds": await conn.fetch("select r.* from app.payment_refunds r join app.payment_transactions t "
                                            "on t.id = r.transaction_id where t.session_id = $1 order by r.created_at", s["id"]),
                "emails": [tuple(e) for e in await conn.fetch(
                    "select email_type, recipient_email::text from app.email_logs where session_id = $1 order by email_type",
                    s["id"])],
                "client": await conn.fetchrow("select * from app.clients where id = $1", s["client_id"])}
    finally:
        await conn.close()


async def test_a_paid_booking_creates_its_order_first_and_answers_what_checkout_needs(client, db, rzp):
    c, b = await pending_booking(client, db)
    checkout = b["checkout"]
    order = rzp.orders[checkout["order_id"]]
    assert order["amount"] == 149950 and isinstance(order["amount"], int) and order["currency"] == "INR"
    assert order["receipt"] == b["session_id"] and order["payment_capture"] == 1
    assert order["notes"] == {"purpose": "session", "session_id": b["session_id"], "consultant_id": c["id"]}
    assert checkout["key_id"] == KEY_ID and checkout["amount"] == 149950 and checkout["currency"] == "INR"
    assert checkout["prefill"] == {"name": "Priya Shah", "email": "client@example.com", "contact": "+919876543210"}
    assert checkout["name"] and "checkout_url" not in checkout and b["next_step"] == "pay"
    st = await state(db, b["session_id"])
    [t] = st["payments"]
    assert (t["status"], t["gateway"], t["gateway_order_id"], t["amount"]) == ("pending", "razorpay", order["id"],
                                                                               Decimal("1499.50"))
    assert st["emails"] == []  # nothing is confirmed yet
    # The manage link offers the same order to a client who closed Checkout.
    token = b["manage_url"].rsplit("/", 1)[1]
    manage = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert manage["checkout"]["order_id"] == order["id"]


async def test_a_retried_booking_reuses_its_order(client, db, rzp):
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    body = booking(free[0]["slot_id"])
    first = await book(client, c["slug"], body, headers={"Idempotency-Key": "k-1"})
    again = await book(client, c["slug"], body, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["checkout"]["order_id"] == first.json()["checkout"]["order_id"]
    assert len(rzp.orders) == 1


@pytest.mark.parametrize("failure", ["down", "hang", "refuse"])
async def test_gateway_failure_at_booking_writes_nothing(client, db, rzp, failure):
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    rzp.hang_seconds = 2.5  # past the 1 s timeout
    rzp.failures = [failure]
    r = await book(client, c["slug"], booking(free[0]["slot_id"]))
    assert r.status_code == 502 and r.json()["error"]["code"] == "payment_gateway_unavailable"
    conn = await owner(db)
    try:
        for table in ("sessions", "clients", "payment_transactions"):
            assert await conn.fetchval(f"select count(*) from app.{table}") == 0, table
        assert await conn.fetchval("select count(*) from app.email_logs where session_id is not null") == 0
    finally:
        await conn.close()
    assert free[0]["slot_id"] in {s["slot_id"] for s in await slots(client, c["slug"])}
    # And when Razorpay is back, the same request books.
    assert (await book(client, c["slug"], booking(free[0]["slot_id"]))).status_code == 201


async def test_a_taken_slot_is_refused_before_any_order_is_made(client, db, rzp):
    c, b = await pending_booking(client, db)
    r = await book(client, c["slug"], booking(await first_slot_of(db, b), email="other@example.com"))
    assert r.status_code == 409 and len(rzp.orders) == 1


async def first_slot_of(db, b) -> str:
    return str((await state(db, b["session_id"]))["session"]["slot_id"])


async def test_verify_confirms_a_captured_payment_exactly_once(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    st = await state(db, b["session_id"])
    s, [t] = st["session"], st["payments"]
    assert (s["status"], s["payment_status"], s["payment_method"]) == ("confirmed", "paid", "upi")
    assert (t["status"], t["gateway_payment_id"], t["payment_method"]) == ("completed", payment["id"], "upi")
    assert t["paid_at"] is not None
    assert st["client"]["total_amount_paid"] == Decimal("1499.50") and st["client"]["total_sessions"] == 1
    assert sorted(e[0] for e in st["emails"]) == ["session_booked", "session_confirmation"]
    # Again by verify, then by both webhooks: the same single confirmation.
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.status_code == 200 and r.json()["outcome"] == "already_confirmed"
    assert r.json()["booking"]["status"] == "confirmed" and r.json()["booking"]["meeting_link"] == "https://zoom.us/j/123"
    order = rzp.orders[b["checkout"]["order_id"]]
    assert (await deliver(client, "payment.captured", payment=payment)).json()["outcome"] == "already_confirmed"
    assert (await deliver(client, "order.paid", payment=payment, order=order)).json()["outcome"] == "already_confirmed"
    again = await state(db, b["session_id"])
    assert len(again["payments"]) == 1 and again["emails"] == st["emails"]
    assert again["client"]["total_amount_paid"] == Decimal("1499.50")


@pytest.mark.parametrize("tamper", ["forged", "truncated", "other_order", "wrong_secret", "empty", "unknown_order"])
async def test_a_bad_checkout_signature_is_400_and_changes_nothing(client, db, rzp, tamper):
    _, b = await pending_booking(client, db)
    order_id = b["checkout"]["order_id"]
    payment = rzp.pay(order_id)
    body = signed(order_id, payment["id"])
    sig = body["razorpay_signature"]
    if tamper == "forged":
        body["razorpay_signature"] = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    elif tamper == "truncated":
        body["razorpay_signature"] = sig[:32]
    elif tamper == "other_order":
        body["razorpay_signature"] = checkout_signature("order_SomeoneElse01", payment["id"])
    elif tamper == "wrong_secret":
        body = signed(order_id, payment["id"], secret="not-the-secret")
    elif tamper == "empty":
        body["razorpay_signature"] = ""
    else:
        body = signed("order_NotOurs00000001", payment["id"])
    fetched_before = len(rzp.calls("GET", "/v1/payments/"))
    r = await client.post(VERIFY, json=body)
    assert r.status_code in (400, 422), r.text
    assert r.json()["error"]["code"] in ("invalid_signature", "validation_error")
    assert len(rzp.calls("GET", "/v1/payments/")) == fetched_before  # refused before asking Razorpay
    st = await state(db, b["session_id"])
    assert st["session"]["status"] == "pending" and st["payments"][0]["status"] == "pending" and st["emails"] == []


@pytest.mark.parametrize("body", ["{", "[]", '{"razorpay_order_id": 5}', "{}",
                                  '{"razorpay_order_id": "order_x", "razorpay_payment_id": "pay_y"}'])
async def test_malformed_verify_bodies_are_4xx(client, db, body):
    r = await client.post(VERIFY, content=body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500 and "error" in r.json()


async def test_an_authorised_payment_waits_for_capture_then_the_webhook_confirms(client, db, rzp):
    _, b = await pending_booking(client, db)
    payment = rzp.pay(b["checkout"]["order_id"], status="authorized")
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.status_code == 202 and r.json()["status"] == "pending"
    assert (await state(db, b["session_id"]))["session"]["status"] == "pending"
    captured = rzp.capture(payment["id"])
    r = await deliver(client, "payment.captured", payment=captured)
    assert r.status_code == 200 and r.json()["outcome"] == "confirmed"
    st = await state(db, b["session_id"])
    assert st["session"]["status"] == "confirmed" and len(st["emails"]) == 2


async def test_gateway_unreachable_at_verify_answers_pending_and_nothing_is_lost(client, db, rzp):
    _, b = await pending_booking(client, db)
    payment = rzp.pay(b["checkout"]["order_id"])
    rzp.failures = ["down"]
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.status_code == 202
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed"


async def test_a_failed_attempt_keeps_the_hold_and_a_second_attempt_confirms(client, db, rzp):
    _, b = await pending_booking(client, db)
    order_id = b["checkout"]["order_id"]
    failed = rzp.pay(order_id, status="failed")
    r = await client.post(VERIFY, json=signed(order_id, failed["id"]))
    assert r.status_code == 402 and r.json()["error"]["code"] == "payment_failed"
    assert (await deliver(client, "payment.failed", payment=failed)).json()["outcome"] == "failed"
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("pending", "failed")
    assert st["payments"][0]["status"] == "failed" and "declined" in st["payments"][0]["failure_reason"]
    ok = rzp.pay(order_id)
    r = await client.post(VERIFY, json=signed(order_id, ok["id"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    # A failure reported late (events out of order) changes nothing.
    assert (await deliver(client, "payment.failed", payment=failed)).json()["outcome"] == "ignored"
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("confirmed", "paid")
    assert st["payments"][0]["failure_reason"] is None


async def test_webhooks_are_verified_recorded_once_and_acknowledged(client, db, rzp):
    _, b = await pending_booking(client, db)
    payment = rzp.pay(b["checkout"]["order_id"])
    body, headers = webhook("payment.captured", {"payment": payment})
    forged = dict(headers, **{"x-razorpay-signature": "0" * 64})
    assert (await client.post(WEBHOOK, content=body, headers=forged)).status_code == 400
    assert (await client.post(WEBHOOK, content=body + b" ", headers=headers)).status_code == 400
    no_sig = {k: v for k, v in headers.items() if k != "x-razorpay-signature"}
    assert (await client.post(WEBHOOK, content=body, headers=no_sig)).status_code == 400
    conn = await owner(db)
    try:
        assert await conn.fetchval("select count(*) from app.webhook_events") == 0
        assert (await state(db, b["session_id"]))["session"]["status"] == "pending"
        first = await client.post(WEBHOOK, content=body, headers=headers)
        assert first.status_code == 200 and first.json()["outcome"] == "confirmed"
        replay = await client.post(WEBHOOK, content=body, headers=headers)
        assert replay.status_code == 200 and replay.json()["outcome"] == "duplicate"
        assert await conn.fetchval("select count(*) from app.webhook_events") == 1
        # An event about an order that is not ours is acknowledged (retrying would not help) and noted.
        stranger = dict(payment, id="pay_Stranger000001", order_id="order_Stranger00001")
        r = await deliver(client, "payment.captured", payment=stranger)
        assert r.status_code == 200 and r.json()["outcome"].startswith("rejected_")
        noted = await conn.fetchval("select processing_error from app.webhook_events where payload->'payload'->'payment'"
                                    "->'entity'->>'id' = 'pay_Stranger000001'")
        assert "order_not_found" in noted
        # A signed body that is not JSON, or names no event: 400.
        for raw in (b"not json", b"[1, 2]", b'{"payload": {}}'):
            sig = hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
            r = await client.post(WEBHOOK, content=raw, headers={"x-razorpay-signature": sig,
                                                                 "content-type": "application/json"})
            assert r.status_code == 400, raw
        # An event we do not handle is acknowledged.
        assert (await deliver(client, "payment.dispute.created", payment=payment)).json()["outcome"] == "ignored_event"
        st = await state(db, b["session_id"])
        assert len(st["payments"]) == 1 and len(st["emails"]) == 2
    finally:
        await conn.close()


async def test_verify_and_webhooks_racing_confirm_each_booking_once(client, db, rzp):
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"], type="personal")
    rounds = 8
    for i in range(rounds):
        # One booking at a time, paid before the next: a client keeps only two unpaid holds open on one page.
        r = await book(client, c["slug"], booking(free[i]["slot_id"], email="regular@example.com"))
        assert r.status_code == 201, r.text
        b = r.json()
        order_id = b["checkout"]["order_id"]
        payment = rzp.pay(order_id)
        results = await asyncio.gather(
            client.post(VERIFY, json=signed(order_id, payment["id"])),
            deliver(client, "payment.captured", payment=payment),
            client.post(VERIFY, json=signed(order_id, payment["id"])),
            deliver(client, "order.paid", payment=payment, order=rzp.orders[order_id]))
        assert all(r.status_code == 200 for r in results), [r.text for r in results]
        outcomes = [r.json()["outcome"] for r in results]
        assert outcomes.count("confirmed") == 1 and outcomes.count("already_confirmed") == 3, outcomes
    conn = await owner(db)
    try:
        assert await conn.fetchval("select count(*) from app.payment_transactions") == rounds
        assert await conn.fetchval("select count(*) from app.payment_transactions where status = 'completed'") == rounds
        assert await conn.fetchval("select count(*) from app.sessions where status = 'confirmed'") == rounds
        counts = await conn.fetch("select email_type, count(*) from app.email_logs where session_id is not null "
                                  "group by 1 order by 1")
        assert [tuple(r) for r in counts] == [("session_booked", rounds), ("session_confirmation", rounds)]
        client_row = await conn.fetchrow("select * from app.clients")
        assert client_row["total_sessions"] == rounds
        assert client_row["total_amount_paid"] == Decimal("1499.50") * rounds
    finally:
        await conn.close()


async def expire_hold(db, session_id: str) -> None:
    conn = await owner(db)
    try:
        await conn.execute("update app.sessions set hold_expires_at = now() - interval '1 minute' where id = $1",
                           uuid.UUID(session_id))
        await conn.execute("select api.abandon_expired_holds()")
    finally:
        await conn.close()


async def test_a_payment_after_the_hold_confirms_when_the_time_is_still_free(client, db, rzp):
    _, b = await pending_booking(client, db)
    await expire_hold(db, b["session_id"])
    assert (await state(db, b["session_id"]))["session"]["status"] == "abandoned"
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await deliver(client, "payment.captured", payment=payment)
    assert r.json()["outcome"] == "confirmed"
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("confirmed", "paid")
    assert st["refunds"] == [] and len(st["emails"]) == 2


async def test_a_payment_after_the_time_was_taken_is_cancelled_refunded_and_told(client, db, rzp):
    c, b = await pending_booking(client, db, email="late@example.com")
    await expire_hold(db, b["session_id"])
    slot_id = await first_slot_of(db, b)
    taken = await book(client, c["slug"], booking(slot_id, email="quick@example.com"))
    assert taken.status_code == 201
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.status_code == 200 and r.json()["status"] == "refunding", r.text
    st = await state(db, b["session_id"])
    s = st["session"]
    assert (s["status"], s["cancelled_by"], s["payment_status"]) == ("cancelled", "system", "paid")
    [refund] = st["refunds"]
    assert (refund["amount"], refund["initiated_by"], refund["status"]) == (Decimal("1499.50"), "system", "pending")
    assert ("session_cancelled_client", "late@example.com") in st["emails"]
    assert not any(e[0] == "session_confirmation" for e in st["emails"])
    # The refund job gives it back through Razorpay; the session is then returned.
    await run_jobs(db)
    [sent] = rzp.calls("POST", f"/v1/payments/{payment['id']}/refund")
    assert sent["body"]["amount"] == 149950 and sent["headers"]["X-Refund-Idempotency"] == refund["idempotency_key"]
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("returned", "refunded")
    assert st["payments"][0]["status"] == "refunded" and st["client"]["total_amount_paid"] == 0
    assert ("refund_processed", "late@example.com") in st["emails"]
    # The booking that took the time is untouched.
    other = await state(db, taken.json()["session_id"])
    assert other["session"]["status"] == "pending"


async def test_consultant_refunds_in_part_then_in_full(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    h = c["headers"]
    [listed] = (await client.get("/api/v1/payments", headers=h)).json()["items"]
    tid = listed["id"]
    assert (listed["status"], listed["refundable"], listed["session"]["id"]) == ("completed", "1499.50", b["session_id"])
    r = await client.post(f"/api/v1/payments/{tid}/refund", headers=h, json={"amount": "500.00", "reason": "Late start"})
    assert r.status_code == 201, r.text
    assert r.json()["refundable"] == "999.50" and r.json()["refunds"][0]["status"] == "pending"
    too_much = await client.post(f"/api/v1/payments/{tid}/refund", headers=h, json={"amount": "1000", "reason": "x"})
    assert too_much.status_code == 409 and too_much.json()["error"]["code"] == "refund_exceeds_remaining"
    await run_jobs(db)
    p = (await client.get(f"/api/v1/payments/{tid}", headers=h)).json()
    assert (p["status"], p["amount_refunded"], p["refunds"][0]["status"]) == ("partially_refunded", "500.00", "processed")
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("confirmed", "partially_refunded")
    assert st["client"]["total_amount_paid"] == Decimal("999.50")
    # The rest, in full: the session still to come is cancelled first, then returned when the money is back.
    r = await client.post(f"/api/v1/payments/{tid}/refund", headers=h, json={"reason": "Cannot make it"})
    assert r.status_code == 201 and r.json()["refunds"][1]["amount"] == "999.50"
    assert (await state(db, b["session_id"]))["session"]["status"] == "cancelled"
    await run_jobs(db)
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("returned", "refunded")
    assert st["payments"][0]["status"] == "refunded" and st["client"]["total_amount_paid"] == 0
    assert sorted(r["body"]["amount"] for r in rzp.calls("POST", "/v1/payments/")) == [50000, 99950]
    nothing_left = await client.post(f"/api/v1/payments/{tid}/refund", headers=h, json={"reason": "again"})
    assert nothing_left.status_code == 409 and nothing_left.json()["error"]["code"] == "payment_not_refundable"


@pytest.mark.parametrize("body", [{"amount": "0", "reason": "x"}, {"amount": "-5", "reason": "x"},
                                  {"amount": "1.005", "reason": "x"}, {"amount": 1e20, "reason": "x"},
                                  {"reason": ""}, {"reason": "   "}, {"reason": "a\nb"}, {},
                                  {"amount": "10", "reason": "x", "extra": 1}])
async def test_bad_refund_requests_are_422_and_change_nothing(client, db, rzp, body):
    c, b, _ = await paid_booking(client, db, rzp)
    tid = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]["id"]
    r = await client.post(f"/api/v1/payments/{tid}/refund", headers=c["headers"], json=body)
    assert r.status_code == 422, r.text
    assert (await state(db, b["session_id"]))["refunds"] == []


async def test_a_pending_payment_cannot_be_refunded(client, db, rzp):
    c, b = await pending_booking(client, db)
    tid = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]["id"]
    r = await client.post(f"/api/v1/payments/{tid}/refund", headers=c["headers"], json={"reason": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "payment_not_refundable"


async def test_consultant_cancelling_a_paid_session_refunds_it_in_full(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"],
                          json={"reason": "Unwell"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    st = await state(db, b["session_id"])
    [refund] = st["refunds"]
    assert (refund["amount"], refund["initiated_by"], refund["reason"]) == (Decimal("1499.50"), "consultant", "Unwell")
    assert ("session_cancelled_client", "client@example.com") in st["emails"]
    await run_jobs(db)
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("returned", "refunded")


async def test_client_cancelling_gets_the_ladders_share_back(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    conn = await owner(db)
    try:
        await conn.execute("""update app.consultants set cancellation_policy = jsonb_set(cancellation_policy,
                              '{refund_ladder}', '[{"min_hours_before": 0, "percent": 50}]')
                                 || '{"client_cutoff_hours": 0}' where id = $1""",
                           uuid.UUID(c["id"]))
    finally:
        await conn.close()
    token = b["manage_url"].rsplit("/", 1)[1]
    view = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert view["refund_if_cancelled_now"] == {"percent": 50, "amount": "749.75"}
    r = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={"reason": "Clash"})
    assert r.status_code == 200 and r.json()["refund_due"]["amount"] == "749.75"
    st = await state(db, b["session_id"])
    [refund] = st["refunds"]
    assert (refund["amount"], refund["initiated_by"]) == (Decimal("749.75"), "client_policy")
    assert any(e[0] == "session_cancelled_consultant" for e in st["emails"])
    await run_jobs(db)
    st = await state(db, b["session_id"])
    # Half back: the session stays cancelled (not returned) and the payment partly refunded.
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("cancelled", "partially_refunded")
    assert st["client"]["total_amount_paid"] == Decimal("749.75")


async def test_after_a_partial_refund_the_manage_link_promises_only_what_is_left(client, db, rzp):
    # Found from outside: after the consultant refunded 500 of 1499.50, the manage link still promised the full
    # price back, and the cancel answer said so while 999.50 went back. One rule now gives both.
    c, b, payment = await paid_booking(client, db, rzp)
    conn = await owner(db)
    try:  # a full refund on cancelling, whenever
        await conn.execute("""update app.consultants set cancellation_policy = jsonb_set(cancellation_policy,
                              '{refund_ladder}', '[{"min_hours_before": 0, "percent": 100}]')
                                 || '{"client_cutoff_hours": 0}' where id = $1""",
                           uuid.UUID(c["id"]))
    finally:
        await conn.close()
    [listed] = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]
    r = await client.post(f"/api/v1/payments/{listed['id']}/refund", headers=c["headers"],
                          json={"amount": "500.00", "reason": "Goodwill"})
    assert r.status_code == 201, r.text
    token = b["manage_url"].rsplit("/", 1)[1]
    view = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert view["refund_if_cancelled_now"] == {"percent": 100, "amount": "999.50"}
    r = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={"reason": "Clash"})
    assert r.status_code == 200 and r.json()["refund_due"] == {"percent": 100, "amount": "999.50"}, r.text
    st = await state(db, b["session_id"])
    assert sorted(refund["amount"] for refund in st["refunds"]) == [Decimal("500.00"), Decimal("999.50")]


async def test_the_payments_list_filters_pages_and_totals(client, db, rzp):
    c, b1, _ = await paid_booking(client, db, rzp)
    _, b2 = await pending_booking(client, db, consultant=c, slot=1, email="second@example.com")
    h = c["headers"]
    all_ = (await client.get("/api/v1/payments", headers=h)).json()
    assert all_["total"] == 2 and all_["totals"]["received"] == "1499.50"
    done = (await client.get("/api/v1/payments", headers=h, params={"status": "completed"})).json()
    assert [p["session"]["id"] for p in done["items"]] == [b1["session_id"]]
    page = (await client.get("/api/v1/payments", headers=h, params={"per_page": 1, "page": 2})).json()
    assert len(page["items"]) == 1 and page["total"] == 2
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert (await client.get("/api/v1/payments", headers=h, params={"from": future})).json()["total"] == 0
    for bad in ({"status": "paid"}, {"page": 0}, {"per_page": 1000}, {"from": "yesterday"}):
        assert (await client.get("/api/v1/payments", headers=h, params=bad)).status_code in (400, 422)
    other = await approved_consultant(client, db)
    assert (await client.get("/api/v1/payments", headers=other["headers"])).json()["total"] == 0
    assert (await client.get("/api/v1/payments")).status_code == 401


async def test_amounts_with_paise_travel_as_exact_integers(client, db, rzp):
    c, b = await pending_booking(client, db, price="1499.99")
    assert rzp.orders[b["checkout"]["order_id"]]["amount"] == 149999
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.json()["status"] == "confirmed"
    conn = await owner(db)
    try:
        assert await conn.fetchval("select amount from app.payment_transactions") == Decimal("1499.99")
    finally:
        await conn.close()


async def test_a_capture_for_the_wrong_amount_is_not_confirmed(client, db, rzp):
    _, b = await pending_booking(client, db)
    payment = rzp.pay(b["checkout"]["order_id"])
    wrong = dict(payment, amount=100)
    r = await deliver(client, "payment.captured", payment=wrong)
    assert r.status_code == 200 and "amount_mismatch" in r.json()["outcome"]
    assert (await state(db, b["session_id"]))["session"]["status"] == "pending"
    assert json.loads(json.dumps(payment))["amount"] == 149950



async def test_with_razorpay_keys_the_pages_load_razorpay_checkout_under_their_own_csp(client, db, rzp):
    c, b = await pending_booking(client, db)
    page = await client.get(f"/{c['slug']}", headers={"accept": "text/html"})
    assert page.status_code == 200 and "https://checkout.razorpay.com/v1/checkout.js" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' https://checkout.razorpay.com" in csp and "frame-ancestors 'none'" in csp
    manage = await client.get("/booking/" + b["manage_url"].rsplit("/", 1)[1], headers={"accept": "text/html"})
    assert "checkout.razorpay.com" in manage.headers["content-security-policy"]
    assert f'"order_id": "{b["checkout"]["order_id"]}"' in manage.text and '"key_id": "rzp_test_FakeKey0001"' in manage.text
    # Other pages keep the strict policy.
    home = await client.get("/", headers={"accept": "text/html"})
    assert "razorpay" not in home.headers["content-security-policy"]


async def test_non_ascii_signatures_are_refused_not_a_500(client, db, rzp):
    _, b = await pending_booking(client, db)
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await client.post(VERIFY, json={**signed(b["checkout"]["order_id"], payment["id"]), "razorpay_signature": "é" * 64})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_signature"
    r = await client.post(WEBHOOK, content=b"{}", headers={"x-razorpay-signature": b"\xe9" * 64,
                                                           "content-type": "application/json"})
    assert r.status_code == 400


async def test_verify_after_the_webhook_found_the_time_taken_says_refunding(client, db, rzp):
    c, b = await pending_booking(client, db, email="late@example.com")
    await expire_hold(db, b["session_id"])
    assert (await book(client, c["slug"], booking(await first_slot_of(db, b), email="quick@example.com"))).status_code == 201
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await deliver(client, "payment.captured", payment=payment)).json()["outcome"] == "refunding"
    r = await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.status_code == 200 and r.json()["status"] == "refunding" and r.json()["booking"]["status"] == "cancelled"


async def test_a_refund_made_at_razorpay_is_recorded_even_over_a_pending_one_of_ours(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    tid = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]["id"]
    assert (await client.post(f"/api/v1/payments/{tid}/refund", headers=c["headers"],
                              json={"amount": "1000", "reason": "ours"})).status_code == 201
    dashboard_refund = {"id": "rfnd_Dashboard00001", "entity": "refund", "amount": 60000, "payment_id": payment["id"],
                        "notes": {}, "status": "processed"}
    r = await deliver(client, "refund.processed", refund=dashboard_refund, payment=payment)
    assert r.json()["outcome"] == "refund_recorded"
    st = await state(db, b["session_id"])
    by_status = {(x["initiated_by"], x["status"]) for x in st["refunds"]}
    assert by_status == {("consultant", "failed"), ("admin", "processed")}
    assert st["payments"][0]["amount_refunded"] == Decimal("600.00")
    assert st["client"]["total_amount_paid"] == Decimal("899.50")


async def test_a_booking_retried_after_paying_answers_its_first_answer(client, db, rzp):
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    body = booking(free[0]["slot_id"])
    first = await book(client, c["slug"], body, headers={"Idempotency-Key": "pay-then-retry"})
    order_id = first.json()["checkout"]["order_id"]
    payment = rzp.pay(order_id)
    assert (await client.post(VERIFY, json=signed(order_id, payment["id"]))).json()["status"] == "confirmed"
    # A retry is answered what the first request was (status and body): the key replays, it books nothing.
    again = await book(client, c["slug"], body, headers={"Idempotency-Key": "pay-then-retry"})
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and len(rzp.orders) == 1
    # Where the booking stands now is what its manage link says.
    token = again.json()["manage_url"].rsplit("/", 1)[1]
    now = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert (now["status"], now["checkout"]) == ("confirmed", None)

# Test: pytest tests/http/test_payments.py
