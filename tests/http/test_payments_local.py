# tests/http/test_payments_local.py — the local gateway (no Razorpay keys): its checkout page, the signed verify it produces, local refunds.
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from app.openapi import iter_routes
from tests.http.conftest import make_app
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import VERIFY, run_jobs, state


def verify_payload(html: str) -> dict:
    match = re.search(r'<pre id="verify-payload">(.*?)</pre>', html, re.S)
    assert match, html
    return json.loads(match.group(1))


async def local_booking(client, db) -> tuple[dict, dict]:
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    r = await book(client, c["slug"], booking(free[0]["slot_id"]))
    assert r.status_code == 201, r.text
    return c, r.json()


async def test_local_checkout_pays_and_its_answer_verifies(client, db):
    c, b = await local_booking(client, db)
    checkout = b["checkout"]
    assert checkout["key_id"] == "rzp_test_local" and re.fullmatch(r"order_[A-Za-z0-9]{14}", checkout["order_id"])
    assert checkout["checkout_url"] == f"/dev/checkout/{checkout['order_id']}"
    page = await client.get(checkout["checkout_url"])
    assert page.status_code == 200 and "₹1,499.50" in page.text and "<form" in page.text
    paid = await client.post(checkout["checkout_url"], data={"outcome": "success", "method": "upi"})
    assert paid.status_code == 200 and "Payment captured" in paid.text
    answer = verify_payload(paid.text)
    assert answer["razorpay_order_id"] == checkout["order_id"] and answer["razorpay_payment_id"].startswith("pay_")
    r = await client.post(VERIFY, json=answer)
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["payments"][0]["gateway"]) == ("confirmed", "local")
    # The order is paid: the page says so, and paying again is refused.
    assert "This order is paid" in (await client.get(checkout["checkout_url"])).text
    again = await client.post(checkout["checkout_url"], data={"outcome": "success", "method": "upi"})
    assert again.status_code == 409
    # A forged answer to the local gateway is refused like any other.
    forged = dict(answer, razorpay_signature="0" * 64)
    assert (await client.post(VERIFY, json=forged)).status_code == 400


async def test_local_checkout_failure_then_success(client, db):
    _, b = await local_booking(client, db)
    url = b["checkout"]["checkout_url"]
    failed = await client.post(url, data={"outcome": "failure", "method": "card"})
    assert failed.status_code == 200 and "Payment failed" in failed.text
    r = await client.post(VERIFY, json=verify_payload(failed.text))
    assert r.status_code == 402
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["session"]["payment_status"]) == ("pending", "failed")
    ok = await client.post(url, data={"outcome": "success", "method": "card"})
    assert (await client.post(VERIFY, json=verify_payload(ok.text))).json()["status"] == "confirmed"


async def test_local_checkout_returns_only_to_this_site(client, db):
    _, b = await local_booking(client, db)
    url = b["checkout"]["checkout_url"]
    r = await client.post(url, data={"outcome": "success", "method": "upi", "return_to": "/booking/done?x=1"})
    assert r.status_code == 303
    target = urlsplit(r.headers["location"])
    assert target.path == "/booking/done" and target.netloc == ""
    params = parse_qs(target.query)
    assert params["x"] == ["1"] and params["razorpay_order_id"] == [b["checkout"]["order_id"]]
    _, b2 = await local_booking(client, db)
    for evil in ("https://evil.example/steal", "//evil.example/x", "/\\evil.example"):
        r = await client.post(b2["checkout"]["checkout_url"], data={"outcome": "failure", "method": "upi",
                                                                    "return_to": evil})
        assert r.status_code == 200 and "evil.example" not in r.headers.get("location", "")


async def test_local_checkout_refuses_nonsense(client, db):
    _, b = await local_booking(client, db)
    url = b["checkout"]["checkout_url"]
    assert (await client.get("/dev/checkout/order_NoSuchOrder0001")).status_code == 404
    for data in ({"outcome": "maybe", "method": "upi"}, {"outcome": "success", "method": "cheque"}, {}):
        r = await client.post(url, data=data)
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    assert (await state(db, b["session_id"]))["payments"][0]["status"] == "pending"


async def test_local_refunds_go_through_the_local_gateway(client, db):
    c, b = await local_booking(client, db)
    paid = await client.post(b["checkout"]["checkout_url"], data={"outcome": "success", "method": "upi"})
    assert (await client.post(VERIFY, json=verify_payload(paid.text))).status_code == 200
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"], json={})
    assert r.status_code == 200
    await run_jobs(db)
    st = await state(db, b["session_id"])
    assert st["refunds"][0]["status"] == "processed" and st["refunds"][0]["gateway_refund_id"].startswith("rfnd_")
    assert (st["session"]["status"], st["payments"][0]["status"]) == ("returned", "refunded")


async def test_the_local_checkout_does_not_exist_outside_development(db):
    app = make_app(db, env="production")
    paths = {path for path, _ in iter_routes(app.routes)}
    assert not any(p.startswith("/dev/") for p in paths)

# Test: pytest tests/http/test_payments_local.py
