# tests/jobs/test_payments_jobs.py — money jobs run by a real worker: refunds through the fake Razorpay (retries, refusals, idempotency), reconciliation, local webhooks.
from __future__ import annotations

import socket
import threading
import time
import uuid
from decimal import Decimal

import httpx
import pytest
import uvicorn

from jobs.payments import reconcile
from tests.http.conftest import make_app
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import deliver, owner, paid_booking, pending_booking, run_jobs, state


async def backdate_refunds(db, minutes: int) -> None:
    """updated_at is kept by a trigger; only with triggers off (as the superuser) can a test age it."""
    conn = await db.connect("superuser")
    try:
        await conn.execute("set session_replication_role = replica")
        await conn.execute("update app.payment_refunds set updated_at = now() - make_interval(mins => $1)", minutes)
    finally:
        await conn.close()


async def refund_in_full(client, c) -> str:
    tid = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]["id"]
    r = await client.post(f"/api/v1/payments/{tid}/refund", headers=c["headers"], json={"reason": "Sorry"})
    assert r.status_code == 201, r.text
    return tid


async def due_now(db) -> None:
    """Retried jobs wait out their backoff; the test does not."""
    conn = await owner(db)
    try:
        await conn.execute("update procrastinate_jobs set scheduled_at = now() where status = 'todo'")
    finally:
        await conn.close()


async def test_a_refund_retries_while_razorpay_is_down_and_is_sent_once(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    await refund_in_full(client, c)
    rzp.failures = ["down", "down"]
    await run_jobs(db)
    st = await state(db, b["session_id"])
    assert st["refunds"][0]["status"] == "pending" and "unavailable" in st["refunds"][0]["failure_reason"]
    await due_now(db)
    await run_jobs(db)  # the second attempt fails too
    await due_now(db)
    await run_jobs(db)
    calls = rzp.calls("POST", f"/v1/payments/{payment['id']}/refund")
    assert len(calls) == 3
    assert {c_["headers"]["X-Refund-Idempotency"] for c_ in calls} == {st["refunds"][0]["idempotency_key"]}
    assert len(rzp.refunds) == 1
    st = await state(db, b["session_id"])
    assert st["refunds"][0]["status"] == "processed" and st["refunds"][0]["failure_reason"] is None
    assert (st["session"]["status"], st["payments"][0]["status"]) == ("returned", "refunded")
    # Running the job again (at least once delivery) sends nothing more.
    conn = await owner(db)
    try:
        await conn.execute("select app_private.defer_job('process_refund', jsonb_build_object('refund_id', $1::text), "
                           "'payments')", str(st["refunds"][0]["id"]))
    finally:
        await conn.close()
    await run_jobs(db)
    assert len(rzp.calls("POST", f"/v1/payments/{payment['id']}/refund")) == 3


async def test_a_refund_razorpay_refuses_is_failed_and_can_be_asked_again(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    tid = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]["id"]
    r = await client.post(f"/api/v1/payments/{tid}/refund", headers=c["headers"], json={"amount": "100", "reason": "x"})
    assert r.status_code == 201
    rzp.failures = ["refuse"]
    await run_jobs(db)
    p = (await client.get(f"/api/v1/payments/{tid}", headers=c["headers"])).json()
    assert p["refunds"][0]["status"] == "failed" and p["refunds"][0]["failure_reason"]
    assert (p["status"], p["refundable"]) == ("completed", "1499.50")  # a failed refund gives its amount back
    r = await client.post(f"/api/v1/payments/{tid}/refund", headers=c["headers"], json={"amount": "100", "reason": "x"})
    assert r.status_code == 201
    await run_jobs(db)
    p = (await client.get(f"/api/v1/payments/{tid}", headers=c["headers"])).json()
    assert (p["status"], p["amount_refunded"]) == ("partially_refunded", "100.00")


async def test_a_refund_pending_at_razorpay_settles_by_webhook_or_by_reconciliation(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    rzp.refund_status = "pending"
    await refund_in_full(client, c)
    await run_jobs(db)
    st = await state(db, b["session_id"])
    refund = st["refunds"][0]
    assert refund["status"] == "pending" and refund["gateway_refund_id"].startswith("rfnd_")
    # Razorpay finishes it later; reconciliation asks once the refund has been quiet for 10 minutes.
    rzp.refunds[refund["gateway_refund_id"]]["status"] = "processed"
    await backdate_refunds(db, 11)
    counts = await reconcile_with(db)
    assert counts["refunds_settled"] == 1
    st = await state(db, b["session_id"])
    assert st["refunds"][0]["status"] == "processed" and st["session"]["status"] == "returned"
    # The webhook arriving afterwards changes nothing.
    r = await deliver(client, "refund.processed", refund=rzp.refunds[refund["gateway_refund_id"]], payment=payment)
    assert r.json()["outcome"] == "refund_processed"
    assert len((await state(db, b["session_id"]))["refunds"]) == 1


async def reconcile_with(db) -> dict:
    from jobs.app import connected
    from jobs.payments import gateway

    with connected(db.url("worker")):
        return await reconcile(gateway())


async def age(db, session_id: str, minutes: int) -> None:
    conn = await owner(db)
    try:
        await conn.execute("update app.sessions set hold_expires_at = now() - make_interval(mins => $2) where id = $1",
                           uuid.UUID(session_id), minutes)
    finally:
        await conn.close()


async def test_reconciliation_settles_payments_no_webhook_reported(client, db, rzp):
    c = await approved_consultant(client, db, rules=every_day())
    paid_c, paid = await pending_booking(client, db, consultant=c, slot=0, email="a@example.com")
    _, waiting = await pending_booking(client, db, consultant=c, slot=1, email="b@example.com")
    _, silent = await pending_booking(client, db, consultant=c, slot=2, email="c@example.com")
    _, fresh = await pending_booking(client, db, consultant=c, slot=3, email="d@example.com")
    payment = rzp.pay(paid["checkout"]["order_id"])          # captured; the webhook never came
    rzp.pay(waiting["checkout"]["order_id"], status="authorized")
    await age(db, paid["session_id"], 3)
    await age(db, waiting["session_id"], 90)
    await age(db, silent["session_id"], 90)                  # nothing paid, hold long over
    counts = await reconcile_with(db)
    assert counts == {"checked": 3, "confirmed": 1, "given_up": 1, "refunds_settled": 0, "errors": 0}
    st = await state(db, paid["session_id"])
    assert (st["session"]["status"], st["payments"][0]["gateway_payment_id"]) == ("confirmed", payment["id"])
    assert (await state(db, waiting["session_id"]))["payments"][0]["status"] == "pending"
    gone = await state(db, silent["session_id"])
    assert (gone["payments"][0]["status"], gone["session"]["payment_status"]) == ("cancelled", "failed")
    assert (await state(db, fresh["session_id"]))["payments"][0]["last_checked_at"] is None  # still held: not asked
    # Claimed orders are not asked about again at once.
    assert (await reconcile_with(db))["checked"] == 0
    # A capture after the order was given up still ends in a confirmation or a refund (here: confirmed, time free).
    late = rzp.pay(silent["checkout"]["order_id"])
    r = await deliver(client, "payment.captured", payment=late)
    assert r.json()["outcome"] == "confirmed"


async def test_reconciliation_skips_an_unreachable_gateway_and_loses_nothing(client, db, rzp):
    _, b = await pending_booking(client, db)
    rzp.pay(b["checkout"]["order_id"])
    await age(db, b["session_id"], 3)
    rzp.failures = ["down"]
    assert (await reconcile_with(db))["errors"] == 1
    conn = await owner(db)
    try:
        await conn.execute("update app.payment_transactions set last_checked_at = now() - interval '6 minutes'")
    finally:
        await conn.close()
    assert (await reconcile_with(db))["confirmed"] == 1


async def test_a_stranded_refund_is_queued_again(client, db, rzp):
    c, b, payment = await paid_booking(client, db, rzp)
    await refund_in_full(client, c)
    conn = await owner(db)
    try:
        # The job gave up (or its worker died with it): no live job, the refund still pending.
        await conn.execute("delete from procrastinate_jobs where task_name = 'process_refund'")
        await backdate_refunds(db, 20)
        await reconcile_with(db)
        assert await conn.fetchval("select count(*) from procrastinate_jobs where task_name = 'process_refund' "
                                   "and status = 'todo'") == 1
    finally:
        await conn.close()
    await run_jobs(db)
    assert (await state(db, b["session_id"]))["refunds"][0]["status"] == "processed"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_local_app(db, monkeypatch):
    """The app with the local gateway, served by uvicorn on loopback, so the worker's webhook reaches it."""
    for name in ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET", "RAZORPAY_API_URL"):
        monkeypatch.delenv(name, raising=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("PUBLIC_BASE_URL", base)
    application = make_app(db, public_base_url=base)
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


async def test_the_local_checkout_pays_and_its_signed_webhooks_confirm(db, served_local_app):
    async with httpx.AsyncClient(base_url=served_local_app, timeout=10) as web:
        c = await approved_consultant(web, db, rules=every_day())
        free = await slots(web, c["slug"])
        r = await book(web, c["slug"], booking(free[0]["slot_id"]))
        b = r.json()
        assert b["checkout"]["key_id"] == "rzp_test_local" and b["checkout"]["order_id"].startswith("order_")
        page = await web.get(b["checkout"]["checkout_url"])
        assert page.status_code == 200 and "₹1,499.50" in page.text
        paid = await web.post(b["checkout"]["checkout_url"], data={"outcome": "success", "method": "card"})
        assert paid.status_code == 200 and "Payment captured" in paid.text
        # No verify call here: the webhooks the local gateway queued must confirm on their own.
        await run_jobs(db)
        st = await state(db, b["session_id"])
        assert (st["session"]["status"], st["session"]["payment_method"]) == ("confirmed", "card")
        conn = await owner(db)
        try:
            events = await conn.fetch("select event_type, processed_at, processing_error from app.webhook_events "
                                      "where provider = 'local' order by event_type")
            assert [e["event_type"] for e in events] == ["order.paid", "payment.captured"]
            assert all(e["processed_at"] and e["processing_error"] is None for e in events)
            assert await conn.fetchval("select count(*) from procrastinate_jobs where task_name = "
                                       "'deliver_local_webhook' and status = 'succeeded'") == 2
        finally:
            await conn.close()
        assert st["payments"][0]["amount"] == Decimal("1499.50") and len(st["emails"]) == 2

# Test: pytest tests/jobs/test_payments_jobs.py
