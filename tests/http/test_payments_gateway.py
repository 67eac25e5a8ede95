# tests/http/test_payments_gateway.py — the Razorpay edge: paise, signatures against independent vectors, the SDK against a fake API.
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import pytest

from app.adapters.payments import (
    GatewayRefused,
    GatewayUnavailable,
    RazorpayGateway,
    paise_to_rupees,
    rupees_to_paise,
    verify_checkout_signature,
    verify_webhook_signature,
)
from tests.fake_razorpay import FakeRazorpay

SECRET = "rzp_test_secret_abc123"


@pytest.mark.parametrize("rupees, paise", [("1499.50", 149950), ("0.01", 1), ("0", 0), ("99999999.99", 9999999999),
                                           (Decimal("1499.5"), 149950), (1499, 149900)])
def test_rupees_become_exact_paise(rupees, paise):
    assert rupees_to_paise(rupees) == paise
    assert paise_to_rupees(paise) == Decimal(str(rupees)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("bad", ["1499.505", "0.001", "-1"])
def test_fractions_of_a_paisa_and_negatives_are_refused(bad):
    with pytest.raises(ValueError):
        rupees_to_paise(bad)


def test_checkout_signature_matches_an_independent_vector():
    order, payment = "order_IluGWxBm9U8zJ8", "pay_IluGxrI9pWAN2S"
    expected = hmac.new(SECRET.encode(), f"{order}|{payment}".encode(), hashlib.sha256).hexdigest()
    assert verify_checkout_signature(order, payment, expected, SECRET)
    assert verify_checkout_signature(order, payment, expected.upper(), SECRET)
    assert not verify_checkout_signature(order, payment, expected[:-1], SECRET)          # truncated
    forged = expected[:-1] + ("0" if expected[-1] != "0" else "1")                          # one digit changed
    assert not verify_checkout_signature(order, payment, forged, SECRET)
    assert not verify_checkout_signature("order_other", payment, expected, SECRET)       # someone else's order
    assert not verify_checkout_signature(order, payment, expected, "wrong-secret")
    assert not verify_checkout_signature(order, payment, "", SECRET)


def test_webhook_signature_covers_the_raw_body():
    body = json.dumps({"event": "payment.captured", "payload": {"payment": {"entity": {"id": "pay_1"}}}}).encode()
    sig = hmac.new(b"whsec", body, hashlib.sha256).hexdigest()
    assert verify_webhook_signature(body, sig, "whsec")
    assert not verify_webhook_signature(body + b" ", sig, "whsec")    # a re-serialised body is not the body
    assert not verify_webhook_signature(body, None, "whsec")
    assert not verify_webhook_signature(body, sig, "other")


@pytest.fixture
def razorpay_fake():
    fake = FakeRazorpay()
    yield fake
    fake.close()


async def test_orders_payments_and_refunds_through_the_official_sdk(razorpay_fake):
    gateway = RazorpayGateway("rzp_test_key", SECRET, base_url=razorpay_fake.url, timeout=2)
    order = await gateway.create_order(rupees_to_paise("1499.50"), "sess_123", {"session_id": "s", "consultant_id": "c"})
    assert order["id"].startswith("order_") and order["amount"] == 149950
    sent = razorpay_fake.requests[0]
    assert (sent["method"], sent["path"]) == ("POST", "/v1/orders")
    assert sent["body"] == {"amount": 149950, "currency": "INR", "receipt": "sess_123",
                            "notes": {"session_id": "s", "consultant_id": "c"}, "payment_capture": 1}
    assert isinstance(sent["body"]["amount"], int)  # paise on the wire, never a float
    assert sent["headers"]["Authorization"] == "Basic " + base64.b64encode(f"rzp_test_key:{SECRET}".encode()).decode()
    paid = razorpay_fake.pay(order["id"])
    payment = await gateway.fetch_payment(paid["id"])
    assert payment["status"] == "captured" and razorpay_fake.requests[1]["path"] == f"/v1/payments/{paid['id']}"
    assert [p["id"] for p in await gateway.order_payments(order["id"])] == [paid["id"]]
    refund = await gateway.refund(paid["id"], 50000, "refund-key-0001", {"reason": "cancelled"})
    assert refund["amount"] == 50000
    sent = razorpay_fake.calls("POST", f"/v1/payments/{paid['id']}/refund")[0]
    assert sent["headers"]["X-Refund-Idempotency"] == "refund-key-0001"
    # The same key is the same refund, never a second one.
    again = await gateway.refund(paid["id"], 50000, "refund-key-0001", {"reason": "cancelled"})
    assert again["id"] == refund["id"] and len(razorpay_fake.refunds) == 1
    assert (await gateway.fetch_refund(paid["id"], refund["id"]))["status"] == "processed"


async def test_gateway_failures_are_classified_and_bounded(razorpay_fake):
    gateway = RazorpayGateway("rzp_test_key", SECRET, base_url=razorpay_fake.url, timeout=0.5)
    razorpay_fake.failures = ["down"]
    with pytest.raises(GatewayUnavailable):
        await gateway.create_order(100, "r", {})
    razorpay_fake.failures = ["refuse"]
    with pytest.raises(GatewayRefused):
        await gateway.create_order(100, "r", {})
    # The fake answers after 3 s: only the 0.5 s timeout can turn that into GatewayUnavailable.
    razorpay_fake.failures = ["hang"]
    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_payment("pay_slow")
    unreachable = RazorpayGateway("k", SECRET, base_url="http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(GatewayUnavailable):
        await unreachable.create_order(100, "r", {})

# Test: pytest tests/http/test_payments_gateway.py
