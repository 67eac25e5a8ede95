# tests/http/test_payouts.py — a consultant's balance and ledger over HTTP: a real paid booking (fake Razorpay) writes its entries once, a refund takes back its share of the commission, replays change nothing, other consultants see nothing.
from __future__ import annotations

from tests.http.test_booking import approved_consultant
from tests.http.test_payments import WEBHOOK, app, deliver, paid_booking, razorpay_env, run_jobs, rzp  # noqa: F401  (Razorpay's fake)

BALANCE, LEDGER = "/api/v1/payouts/balance", "/api/v1/payouts/ledger"


async def test_a_paid_booking_is_owed_less_commission_and_a_refund_takes_its_share_back(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)  # ₹1,499.50 on the free plan: 10%, at least ₹10
    h = c["headers"]
    r = await client.get(BALANCE, headers=h)
    assert r.status_code == 200, r.text
    # No PAN on file: TDS at 5% (s.206AA), 74.98; unregistered for GST: no TCS.
    assert r.json() == {"due": "1247.58", "held": "0.00", "transferred": "0.00", "settled": "0.00",
                        "total": "1247.58", "collected": "1499.50", "refunded": "0.00", "commission": "149.95",
                        "commission_gst": "26.99", "tcs": "0.00", "tds": "74.98", "entries": 4}
    # The gateway's webhook for the same capture, twice: nothing is owed twice.
    for _ in range(2):
        assert (await deliver(client, "payment.captured", payment=payment)).status_code == 200
    assert (await client.get(BALANCE, headers=h)).json()["entries"] == 4
    # A refund of a third: the client's money back, and a third of the commission, its GST and the TDS with it.
    [listed] = (await client.get("/api/v1/payments", headers=h)).json()["items"]
    r = await client.post(f"/api/v1/payments/{listed['id']}/refund", headers=h, json={"amount": "499.83",
                                                                                         "reason": "Late start"})
    assert r.status_code == 201, r.text
    assert (await client.get(BALANCE, headers=h)).json()["refunded"] == "0.00"  # not until the gateway did it
    await run_jobs(db)
    after = (await client.get(BALANCE, headers=h)).json()
    assert (after["refunded"], after["commission"], after["commission_gst"], after["tds"]) == (
        "499.83", "99.97", "17.99", "49.99")
    assert after["total"] == after["due"] == "831.72"  # 1499.50 − 499.83 − 99.97 − 17.99 − 49.99
    page = (await client.get(LEDGER, headers=h, params={"limit": 4})).json()
    assert [i["kind"] for i in page["items"]] == ["tds_refund", "commission_gst_refund", "commission_refund", "refund"]
    assert page["items"][3]["amount"] == "-499.83" and page["items"][3]["session_id"] == b["session_id"]
    rest = (await client.get(LEDGER, headers=h, params={"before": page["next"]})).json()
    assert [i["kind"] for i in rest["items"]] == ["tds", "commission_gst", "commission", "captured"]
    assert rest["next"] is None


async def test_another_consultant_sees_none_of_it_and_strangers_are_refused(client, db, rzp):  # noqa: F811
    await paid_booking(client, db, rzp)
    other = await approved_consultant(client, db)
    assert (await client.get(BALANCE, headers=other["headers"])).json()["entries"] == 0
    assert (await client.get(LEDGER, headers=other["headers"])).json() == {"items": [], "next": None}
    r = await client.get(BALANCE)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    for bad in ({"limit": "0"}, {"limit": "201"}, {"before": "x"}, {"before": "-1"}):
        r = await client.get(LEDGER, headers=other["headers"], params=bad)
        assert r.status_code == 422 and r.json()["error"]["field"] in ("limit", "before"), (bad, r.text)


async def test_a_forged_webhook_writes_no_entry(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)
    r = await client.post(WEBHOOK, content=b'{"event": "payment.captured"}',
                          headers={"content-type": "application/json", "x-razorpay-signature": "0" * 64})
    assert r.status_code in (400, 401)
    assert (await client.get(BALANCE, headers=c["headers"])).json()["entries"] == 4

# Test: pytest tests/http/test_payouts.py tests/http/test_payouts_pages.py
