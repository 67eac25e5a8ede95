# tests/jobs/test_refund_failures.py — a refund the gateway refuses ends `failed` with its reason in plain words, at once; only an unreachable gateway is retried.
"""Found from outside (issue 16): a refund the local gateway refused left a raw driver exception in the job and
the refund `pending` for ever, since the refusal (a SQL error NK400) was never turned into the adapter's
GatewayRefused. Run by a real worker against the real database, with the local gateway and with the fake Razorpay."""
from __future__ import annotations

import httpx
import pytest

from tests.http.conftest import make_app
from tests.http.test_payments import VERIFY, owner, run_jobs, state
from tests.http.test_payments_local import local_booking, verify_payload


@pytest.fixture
async def local(db):
    """The app with no Razorpay keys (the local gateway), unlike tests/jobs' default app on the fake Razorpay."""
    application = make_app(db)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://testserver") as c:
            yield c


async def paid_local_booking(client, db) -> tuple[dict, dict]:
    c, b = await local_booking(client, db)
    paid = await client.post(b["checkout"]["checkout_url"], data={"outcome": "success", "method": "upi"})
    assert (await client.post(VERIFY, json=verify_payload(paid.text))).status_code == 200
    return c, b


async def test_a_refund_the_local_gateway_refuses_is_failed_with_its_reason(local, db):
    client = local
    c, b = await paid_local_booking(client, db)
    conn = await owner(db)
    try:
        # The gateway no longer holds the payment as captured (what Razorpay says of a payment it reversed).
        await conn.execute("update dev.local_gateway_payments set status = 'failed' where order_id = $1",
                           b["checkout"]["order_id"])
        tid = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]["id"]
        r = await client.post(f"/api/v1/payments/{tid}/refund", headers=c["headers"], json={"reason": "Sorry"})
        assert r.status_code == 201, r.text
        await run_jobs(db)
        st = await state(db, b["session_id"])
        refund = st["refunds"][0]
        assert refund["status"] == "failed", dict(refund)
        assert refund["failure_reason"] == "No captured payment with that id.", refund["failure_reason"]
        # Ran once, ended: a refusal is not retried, and the job itself succeeded (its outcome is on the refund).
        jobs = await conn.fetch("select status::text, attempts from procrastinate_jobs where task_name = 'process_refund'")
        assert [(j["status"], j["attempts"]) for j in jobs] == [("succeeded", 1)], jobs
        # A failed refund gives its amount back: the consultant may ask again.
        p = (await client.get(f"/api/v1/payments/{tid}", headers=c["headers"])).json()
        assert p["status"] == "completed" and p["refundable"] == p["amount"], p
    finally:
        await conn.close()


# Test: pytest tests/jobs/test_refund_failures.py
