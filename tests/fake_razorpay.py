# tests/fake_razorpay.py — a fake of Razorpay's HTTP API on loopback: orders, payments, refunds, Route (tests/fake_razorpay_route.py), Subscriptions (tests/fake_razorpay_subscriptions.py), with failures and hangs on demand.
"""The official SDK talks to this through `base_url` (RAZORPAY_API_URL), so the real adapter is exercised end
to end. It keeps state like Razorpay (orders, the payments a "customer" makes on them, refunds unique by
X-Refund-Idempotency), records every request, and can answer 5xx, 4xx or hang for the next N calls."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import string
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fake_razorpay_route import RouteFake
from tests.fake_razorpay_subscriptions import SubscriptionsFake

KEY_ID = "rzp_test_FakeKey0001"
KEY_SECRET = "fake_key_secret_0123456789"
WEBHOOK_SECRET = "fake_webhook_secret_abcdef"


def rid(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(14))


def checkout_signature(order_id: str, payment_id: str, secret: str = KEY_SECRET) -> str:
    """Computed here, independently of app code: HMAC-SHA256 of 'order_id|payment_id' under the key secret."""
    return hmac.new(secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()


def signed_event(event: str, payload: dict, secret: str = WEBHOOK_SECRET, account_id: str = "acc_Fake",
                 created_at: int | None = None) -> tuple[bytes, dict]:
    """A webhook delivery as Razorpay sends it: JSON body, signature over the raw bytes, an event id."""
    body = json.dumps({"entity": "event", "account_id": account_id, "event": event, "contains": list(payload),
                       "payload": payload, "created_at": int(time.time()) if created_at is None else created_at
                       }).encode()
    return body, {"content-type": "application/json", "x-razorpay-event-id": rid("evt"),
                  "x-razorpay-signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def webhook(event: str, entities: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict]:
    return signed_event(event, {k: {"entity": v} for k, v in entities.items()}, secret)


class FakeRazorpay(RouteFake, SubscriptionsFake):
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.orders: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.refund_keys: dict[str, str] = {}
        self.refund_status = "processed"
        self.failures: list[str] = []  # modes for the next calls: "down", "refuse", "hang", "lose"
        self.hang_seconds = 3.0
        self.lock = threading.Lock()
        self._init_route()
        self._init_subscriptions()
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
                length = int(self.headers.get("content-length", 0) or 0)
                body = json.loads(self.rfile.read(length) or b"{}") if length else {}
                with fake.lock:
                    fake.requests.append({"method": method, "path": self.path, "headers": dict(self.headers),
                                          "body": body})
                    mode = fake.failures.pop(0) if fake.failures else "ok"
                if mode == "lose":  # Razorpay does it, but the answer is lost: the caller times out
                    fake.route(method, self.path, body, dict(self.headers))
                    time.sleep(fake.hang_seconds)
                    return None
                if mode == "hang":
                    time.sleep(fake.hang_seconds)
                elif mode == "down":
                    return self._answer(500, {"error": {"code": "SERVER_ERROR", "description": "The server is down."}})
                elif mode == "refuse":
                    return self._answer(400, {"error": {"code": "BAD_REQUEST_ERROR",
                                                        "description": "The request is invalid."}})
                status, payload = fake.route(method, self.path, body, dict(self.headers))
                self._answer(status, payload)

            def do_GET(self):  # noqa: N802
                self._handle("GET")

            def do_POST(self):  # noqa: N802
                self._handle("POST")

            def do_PATCH(self):  # noqa: N802
                self._handle("PATCH")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    # What a customer does at Checkout -------------------------------------------------------------------
    def pay(self, order_id: str, status: str = "captured", method: str = "upi") -> dict:
        order = self.orders[order_id]
        payment = {"id": rid("pay"), "entity": "payment", "amount": order["amount"], "currency": order["currency"],
                   "status": status, "order_id": order_id, "method": method, "captured": status == "captured",
                   # Razorpay's fee (2% here) with the GST on it included, as the payment entity reports them.
                   "fee": order["amount"] * 2 // 100 + order["amount"] * 2 // 100 * 18 // 100 if status == "captured" else None,
                   "tax": order["amount"] * 2 // 100 * 18 // 100 if status == "captured" else None,
                   "error_code": "BAD_REQUEST_ERROR" if status == "failed" else None,
                   "error_description": "Payment failed because the card was declined" if status == "failed" else None}
        with self.lock:
            self.payments[payment["id"]] = payment
            if status == "captured":
                order["status"] = "paid"
                self.capture_transfers(payment)
        return payment

    def capture(self, payment_id: str) -> dict:
        with self.lock:
            self.payments[payment_id].update(status="captured", captured=True)
            self.orders[self.payments[payment_id]["order_id"]]["status"] = "paid"
            self.capture_transfers(self.payments[payment_id])
        return self.payments[payment_id]

    def order_for(self, receipt: str) -> dict:
        return next(o for o in self.orders.values() if o["receipt"] == receipt)

    # The API ----------------------------------------------------------------------------------------------
    def route(self, method: str, url: str, body: dict, headers: dict) -> tuple[int, dict]:
        path = url.split("?")[0]
        with self.lock:
            if (answer := self.route_api(method, url, body, headers)) is not None:
                return answer
            if (answer := self.subscriptions_api(method, url, body)) is not None:
                return answer
            if method == "POST" and path == "/v1/orders":
                if not isinstance(body.get("amount"), int) or body["amount"] < 100:
                    return 400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The amount is invalid."}}
                if "transfers" in body and (refused := self.check_transfers(body["transfers"], body["amount"])):
                    return refused
                order = {"id": rid("order"), "entity": "order", "amount": body["amount"], "amount_paid": 0,
                         "currency": body["currency"], "receipt": body.get("receipt"), "notes": body.get("notes", {}),
                         "status": "created", "payment_capture": body.get("payment_capture")}
                self.orders[order["id"]] = order
                if "transfers" in body:
                    return 200, {**order, "transfers": [self.new_transfer(t, order["id"], "created")
                                                        for t in body["transfers"]]}
                return 200, order
            if m := re.fullmatch(r"/v1/orders/(\w+)/payments", path):
                items = [p for p in self.payments.values() if p["order_id"] == m[1]]
                return 200, {"entity": "collection", "count": len(items), "items": items}
            if (m := re.fullmatch(r"/v1/payments/(\w+)/refund", path)) and method == "POST":
                payment = self.payments.get(m[1])
                if payment is None or payment["status"] != "captured":
                    return 400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The payment is not captured."}}
                key = headers.get("X-Refund-Idempotency") or headers.get("x-refund-idempotency")
                if key and key in self.refund_keys:
                    return 200, self.refunds[self.refund_keys[key]]
                done = sum(r["amount"] for r in self.refunds.values() if r["payment_id"] == m[1])
                if done + body["amount"] > payment["amount"]:
                    return 400, {"error": {"code": "BAD_REQUEST_ERROR",
                                           "description": "The refund amount exceeds the amount captured."}}
                if body.get("reverse_all") and (refused := self.reverse_all(payment, body["amount"])):
                    return refused
                refund = {"id": rid("rfnd"), "entity": "refund", "amount": body["amount"], "payment_id": m[1],
                          "notes": body.get("notes", {}), "status": self.refund_status, "currency": "INR"}
                self.refunds[refund["id"]] = refund
                if key:
                    self.refund_keys[key] = refund["id"]
                return 200, refund
            if m := re.fullmatch(r"/v1/payments/(\w+)/refunds/(\w+)", path):
                refund = self.refunds.get(m[2])
                return (200, refund) if refund else (400, {"error": {"code": "BAD_REQUEST_ERROR",
                                                                     "description": "No such refund."}})
            if m := re.fullmatch(r"/v1/payments/(\w+)", path):
                payment = self.payments.get(m[1])
                return (200, payment) if payment else (400, {"error": {"code": "BAD_REQUEST_ERROR",
                                                                       "description": "The id provided does not exist"}})
        return 404, {"error": {"code": "BAD_REQUEST_ERROR", "description": "Not found"}}

    def calls(self, method: str, prefix: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and r["path"].startswith(prefix)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

# Test: pytest tests/http/test_payments_gateway.py tests/http/test_payments.py
