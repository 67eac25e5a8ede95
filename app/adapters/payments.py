# app/adapters/payments.py — Razorpay at the edge: paise conversion, signature checks, and the gateway through the official SDK.
"""Money is numeric rupees everywhere else; only here does it become integer paise, exactly (Decimal,
never float). Signatures are HMAC-SHA256 compared in constant time. The SDK is synchronous (requests),
so calls run off the event loop, each with a timeout (the SDK sets none), and its own retries stay off:
the jobs that call it retry with backoff instead."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import string
from collections.abc import Awaitable, Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

import asyncpg

from app.adapters.route import LocalRoute, RazorpayRoute, RouteGateway, transfer_body
from app.adapters.subscriptions import LocalSubscriptions, RazorpaySubscriptions, SubscriptionGateway

log = logging.getLogger("nakksha.payments")

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
    # Bytes, not str: compare_digest refuses non-ASCII text (a forged header would otherwise be a 500).
    return hmac.compare_digest(checkout_signature(order_id, payment_id, key_secret).encode(),
                               signature.strip().lower().encode("utf-8", "replace"))


def verify_webhook_signature(body: bytes, signature: str | None, webhook_secret: str) -> bool:
    """X-Razorpay-Signature: HMAC-SHA256 of the raw body under the webhook secret."""
    if not signature:
        return False
    return hmac.compare_digest(_hmac_hex(webhook_secret, body).encode(), signature.strip().lower().encode("utf-8", "replace"))


class RazorpayGateway(RazorpayRoute, RazorpaySubscriptions):
    """Orders, payments and refunds through the official `razorpay` SDK, Route (linked accounts, transfers:
    app/adapters/route.py) and Subscriptions (plans, subscriptions: app/adapters/subscriptions.py). RAZORPAY_API_URL replaces the SDK's base URL (a sandbox, or the fake API the tests
    run on loopback)."""

    name = "razorpay"
    webhook_secret = ""

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

    async def create_order(self, amount_paise: int, receipt: str, notes: dict[str, str],
                           transfers: list[dict] | None = None) -> dict:
        """An order with automatic capture, in INR; with `transfers` (Route) each becomes a transfer to its
        linked account when the order is paid (account, amount in paise, notes, linked_account_notes, on_hold,
        on_hold_until)."""
        data: dict[str, Any] = {"amount": amount_paise, "currency": "INR", "receipt": receipt[:40], "notes": notes,
                                "payment_capture": 1}
        if transfers:
            data["transfers"] = transfer_body(transfers)
        return await self._call(self.client.order.create, data=data)

    async def fetch_payment(self, payment_id: str) -> dict:
        return await self._call(self.client.payment.fetch, payment_id)

    async def order_payments(self, order_id: str) -> list[dict]:
        """Every payment attempted on an order (reconciliation looks for a captured one)."""
        return (await self._call(self.client.order.payments, order_id)).get("items", [])

    async def fetch_refund(self, payment_id: str, refund_id: str) -> dict:
        return await self._call(self.client.payment.fetch_refund_id, payment_id, refund_id)

    async def refund(self, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str],
                     reverse_all: bool = False) -> dict:
        """Razorpay's X-Refund-Idempotency makes a retried refund the same refund, never a second one. With
        reverse_all, Razorpay first reverses the payment's transfers (from the linked accounts' balance)."""
        body: dict[str, Any] = {"amount": amount_paise, "notes": notes, "speed": "normal"}
        if reverse_all:
            body["reverse_all"] = True
        return await self._call(self.client.payment.refund, payment_id, body,
                                headers={"X-Refund-Idempotency": idempotency_key})

class Gateway(RouteGateway, SubscriptionGateway, Protocol):
    """What the booking, verify, refund, reconciliation and payout paths need from a payment provider."""

    name: str
    key_id: str
    key_secret: str
    webhook_secret: str

    async def create_order(self, amount_paise: int, receipt: str, notes: dict[str, str],
                           transfers: list[dict] | None = None) -> dict: ...
    async def fetch_payment(self, payment_id: str) -> dict: ...
    async def order_payments(self, order_id: str) -> list[dict]: ...
    async def refund(self, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str],
                     reverse_all: bool = False) -> dict: ...
    async def fetch_refund(self, payment_id: str, refund_id: str) -> dict: ...


def razorpay_id(prefix: str) -> str:
    """Razorpay-shaped: a prefix and 14 alphanumerics (order_, pay_, rfnd_)."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "_" + "".join(secrets.choice(alphabet) for _ in range(14))


def derived_secret(data_key: str, purpose: str) -> str:
    return hmac.new(data_key.encode(), f"nakksha local gateway: {purpose}".encode(), hashlib.sha256).hexdigest()


class LocalGateway(LocalRoute, LocalSubscriptions):
    """The default with no Razorpay key: orders, payments, refunds, Route (db/dev/local_route.sql) and
    Subscriptions (db/dev/local_subscriptions.sql) kept in
    the database (so the web app and the worker see one provider), with Razorpay-shaped ids and signatures
    under secrets derived from the data key. A person pays on /dev/checkout/{order_id}; everything after order
    creation runs the same code as with Razorpay."""

    name = "local"
    key_id = "rzp_test_local"

    def __init__(self, pool: Callable[[], Awaitable[asyncpg.Pool]], data_key: str, webhook_secret: str | None = None):
        self._pool = pool
        self.key_secret = derived_secret(data_key, "key secret")
        self.webhook_secret = webhook_secret or derived_secret(data_key, "webhook secret")

    async def _run(self, name: str, **params: Any) -> Any:
        # A refusal the database raises (NK400 payment_not_captured…) comes back as its ApiError, in words,
        # never as a raw driver exception: the jobs turn it into GatewayRefused, the routes into a 4xx.
        from app.sql import run_refusable

        return await run_refusable(await self._pool(), name, **params)

    async def _refusable(self, name: str, **params: Any) -> Any:
        """`_run` with the database's refusal as Razorpay's would be: GatewayRefused (4xx) or GatewayUnavailable."""
        from app.errors import ApiError

        try:
            return await self._run(name, **params)
        except ApiError as exc:
            if exc.status >= 500:
                raise GatewayUnavailable(exc.message) from exc
            raise GatewayRefused(exc.message) from exc

    async def create_order(self, amount_paise: int, receipt: str, notes: dict[str, str],
                           transfers: list[dict] | None = None) -> dict:
        if transfers:
            return await self._refusable("local_route_create_order", id=razorpay_id("order"),
                                         amount_paise=amount_paise, receipt=receipt[:40], notes=notes,
                                         transfers=transfer_body(transfers))
        return await self._run("local_gateway_create_order", id=razorpay_id("order"), amount_paise=amount_paise,
                               currency="INR", receipt=receipt[:40], notes=notes)

    async def fetch_payment(self, payment_id: str) -> dict:
        payment = await self._run("local_gateway_payment", payment_id=payment_id)
        if payment is None:
            raise GatewayRefused(f"The id provided does not exist: {payment_id}")
        return payment

    async def order_payments(self, order_id: str) -> list[dict]:
        return (await self._run("local_gateway_order_payments", order_id=order_id))["items"]

    async def refund(self, payment_id: str, amount_paise: int, idempotency_key: str, notes: dict[str, str],
                     reverse_all: bool = False) -> dict:
        if reverse_all:
            return await self._refusable("local_route_refund", payment_id=payment_id, refund_id=razorpay_id("rfnd"),
                                         amount_paise=amount_paise, idempotency_key=idempotency_key, notes=notes)
        return await self._refusable("local_gateway_refund", payment_id=payment_id, refund_id=razorpay_id("rfnd"),
                                     amount_paise=amount_paise, idempotency_key=idempotency_key, notes=notes)

    async def fetch_refund(self, payment_id: str, refund_id: str) -> dict:
        refund = await self._run("local_gateway_fetch_refund", refund_id=refund_id)
        if refund is None:
            raise GatewayRefused(f"The id provided does not exist: {refund_id}")
        return refund


def payment_gateway(settings: Any, data_key: str, pool: Callable[[], Awaitable[asyncpg.Pool]]) -> Gateway:
    """Razorpay when RAZORPAY_KEY_ID is set (its secret and the webhook secret are then required), else the
    local gateway. Chosen once, at start-up, by the web app and by the worker alike."""
    if settings.razorpay_key_id:
        missing = [n for n, v in (("RAZORPAY_KEY_SECRET", settings.razorpay_key_secret),
                                  ("RAZORPAY_WEBHOOK_SECRET", settings.razorpay_webhook_secret)) if not v]
        if missing:
            raise RuntimeError(f"RAZORPAY_KEY_ID is set but {', '.join(missing)} is not")
        gateway = RazorpayGateway(settings.razorpay_key_id, settings.razorpay_key_secret,
                                  base_url=settings.razorpay_api_url, timeout=settings.razorpay_timeout)
        gateway.webhook_secret = settings.razorpay_webhook_secret
        return gateway
    if not settings.is_development:
        log.warning("no RAZORPAY_KEY_ID: paid bookings use the local gateway, whose checkout page exists only "
                    "in development; nobody can pay them here")
    return LocalGateway(pool, data_key, settings.razorpay_webhook_secret)

# Test: pytest tests/http/test_payments_gateway.py tests/http/test_payments.py
