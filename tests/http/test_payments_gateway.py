# tests/http/test_payments_gateway.py — the Razorpay edge: paise, signatures against independent vectors, the SDK against a fake API.
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class FakeRazorpay:
    """Answers like Razorpay's API on loopback; records every request; can fail or hang on demand."""

    def __init__(self):
        self.requests: list[dict] = []
        self.mode = "ok"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}") if length else {}
                fake.requests.append({"method": method, "path": self.path, "headers": dict(self.headers), "body": body})
                if fake.mode == "hang":
                    time.sleep(3)
                if fake.mode == "down":
                    return self._answer(500, {"error": {"code": "SERVER_ERROR", "description": "The server is down."}})
                if fake.mode == "refuse":
                    return self._answer(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The amount is invalid."}})
                if self.path == "/v1/orders":
                    return self._answer(200, {"id": "order_Fake0000000001", "entity": "order", "amount": body["amount"],
                                              "currency": body["currency"], "receipt": body["receipt"], "status": "created",
                                              "notes": body["notes"]})
                if self.path.startswith("/v1/payments/") and self.path.endswith("/refund"):
                    return self._answer(200, {"id": "rfnd_Fake000000001", "entity": "refund", "amount": body["amount"],
                                              "payment_id": self.path.split("/")[3], "status": "processed"})
                if self.path.startswith("/v1/payments/"):
                    return self._answer(200, {"id": self.path.split("/")[3], "entity": "payment", "status": "captured",
                                              "amount": 149950, "method": "upi", "order_id": "order_Fake0000000001"})
                return self._answer(404, {"error": {"code": "BAD_REQUEST_ERROR", "description": "Not found"}})

            def do_GET(self):  # noqa: N802
                self._handle("GET")

            def do_POST(self):  # noqa: N802
                self._handle("POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def razorpay_fake():
    fake = FakeRazorpay()
    yield fake
    fake.server.shutdown()


async def test_orders_payments_and_refunds_through_the_official_sdk(razorpay_fake):
    gateway = RazorpayGateway("rzp_test_key", SECRET, base_url=razorpay_fake.url, timeout=2)
    order = await gateway.create_order(rupees_to_paise("1499.50"), "sess_123", {"session_id": "s", "consultant_id": "c"})
    assert order["id"] == "order_Fake0000000001" and order["amount"] == 149950
    sent = razorpay_fake.requests[0]
    assert (sent["method"], sent["path"]) == ("POST", "/v1/orders")
    assert sent["body"] == {"amount": 149950, "currency": "INR", "receipt": "sess_123",
                            "notes": {"session_id": "s", "consultant_id": "c"}, "payment_capture": 1}
    assert isinstance(sent["body"]["amount"], int)  # paise on the wire, never a float
    assert sent["headers"]["Authorization"] == "Basic " + base64.b64encode(f"rzp_test_key:{SECRET}".encode()).decode()
    payment = await gateway.fetch_payment("pay_Fake1")
    assert payment["status"] == "captured" and razorpay_fake.requests[1]["path"] == "/v1/payments/pay_Fake1"
    refund = await gateway.refund("pay_Fake1", 50000, "refund-key-0001", {"reason": "cancelled"})
    assert refund["amount"] == 50000
    sent = razorpay_fake.requests[2]
    assert sent["path"] == "/v1/payments/pay_Fake1/refund" and sent["headers"]["X-Refund-Idempotency"] == "refund-key-0001"


async def test_gateway_failures_are_classified_and_bounded(razorpay_fake):
    gateway = RazorpayGateway("rzp_test_key", SECRET, base_url=razorpay_fake.url, timeout=0.5)
    razorpay_fake.mode = "down"
    with pytest.raises(GatewayUnavailable):
        await gateway.create_order(100, "r", {})
    razorpay_fake.mode = "refuse"
    with pytest.raises(GatewayRefused):
        await gateway.create_order(100, "r", {})
    # The fake answers 200 after 3 s: only the 0.5 s timeout can turn that into GatewayUnavailable.
    razorpay_fake.mode = "hang"
    with pytest.raises(GatewayUnavailable):
        await gateway.fetch_payment("pay_slow")
    unreachable = RazorpayGateway("k", SECRET, base_url="http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(GatewayUnavailable):
        await unreachable.create_order(100, "r", {})

# Test: pytest tests/http/test_payments_gateway.py
