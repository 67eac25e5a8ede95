# app/adapters/payments.py — Razorpay at the edge: paise conversion, signature checks, and the gateway through the official SDK.
"""Money is numeric rupees everywhere else; only here does it become integer paise, exactly (Decimal,
never float). Signatures are HMAC-SHA256 compared in constant time. The SDK is synchronous (requests),
so calls run off the event loop, each with a timeout (the SDK sets none), and its own retries stay off:
the jobs that call it retry with backoff instead."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PAISE = Decimal("0.01")


class GatewayUnavailable(Exception):
    """Razorpay could not be reached or failed (timeout, 5xx): nothing is known to have happened; retry."""


class GatewayRefused(Exception):
    """Razorpay answered that the request is wrong (4xx): retrying the same request will not help."""


def rupees_to_paise(amount: Decimal | str | int) -> int:
    """₹1,499.50 -> 149950. Refuses fractions of a paisa rather than rounding money silently."""
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if value != value.quantize(PAISE):
        raise ValueError(f"{value} has fractions of a paisa")
    if value < 0:
        raise ValueError("negative amount")
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def paise_to_rupees(paise: int) -> Decimal:
    return (Decimal(int(paise)) / 100).quantize(PAISE)


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def checkout_signature(order_id: str, payment_id: str, key_secret: str) -> str:
    return _hmac_hex(key_secret, f"{order_id}|{payment_id}".encode())


def verify_checkout_signature(order_id: str, payment_id: str, signature: str, key_secret: str) -> bool:
    """Razorpay Checkout's proof: HMAC-SHA256 of 'order_id|payment_id' under the key secret. The order id
    must be the one *we* stored for the booking, not one taken from the request."""
    if not signature or not order_id or not payment_id:
        return False
    return hmac.compare_digest(checkout_signature(order_id, payment_id, key_secret), signature.strip().lower())


def verify_webhook_signature(body: bytes, signature: str | None, webhook_secret: str) -> bool:
    """X-Razorpay-Signature: HMAC-SHA256 of the raw body under the webhook secret."""
    if not signature:
        return False
    return hmac.compare_digest(_hmac_hex(webhook_secret, body), signature.strip().lower())


class RazorpayGateway:
    """Orders, payments and refunds through the official `razorpay` SDK. RAZORPAY_API_URL replaces the
    SDK's base URL (a sandbox, or the fake API the tests run on loopback)."""

    name = "razorpay"

    def __init__(self, key_id: str, key_secret: str, *, base_url: str | None = None, timeout: float = 10.0):
        import razorpay

        options = {"base_url": base_url.rstrip("/")} if base_url else {}  # the SDK appends /v1/…
        self.client = razorpay.Client(auth=(key_id, key_secret), **options)
        self.key_id, self.key_secret, self.timeout = key_id, key_secret, timeout

    async def _call(self, fn, *args: Any, **kwargs: Any) -> dict:
        import razorpay.errors
        import requests

        def call() -> dict:
            try:
                return fn(*args, timeout=self.timeout, **kwargs)
            except razorpay.errors.BadRequestError as exc:
                raise GatewayRefused(str(exc)) from exc
            except (razorpay.errors.ServerError, razorpay.errors.GatewayError, requests.RequestException,
                    ValueError) as exc:
                raise GatewayUnavailable(f"{type(exc).__name__}: {exc}") from exc

        return await asyncio.to_thread(call)

    async def create_order(self, amount_paise: int, receipt: str, notes: dict[str, str]) -> dict:
        """An order with automatic capture, in INR."""
        return await self._call(self.client.order.create, data={
            "amount": amount_paise, "currency": "INR", "receipt": receipt[:40], "notes": notes,
            "payment_capture": 1})

    async def fetch_payment(self, payment_id: str) -> dict:
        return await self._call(self.client.payment.fetch, payment_id)

    async def refund(self, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str]) -> dict:
        """Razorpay's X-Refund-Idempotency makes a retried refund the same refund, never a second one."""
        return await self._call(self.client.payment.refund, payment_id,
                                {"amount": amount_paise, "notes": notes, "speed": "normal"},
                                headers={"X-Refund-Idempotency": idempotency_key})

# Test: pytest tests/http/test_payments_gateway.py
