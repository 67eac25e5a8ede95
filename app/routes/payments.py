# app/routes/payments.py — payments (/api/v1/payments…): checkout verification, the gateway's webhook, the consultant's payments and refunds.
"""Verify and the webhook are public but proven: verify by the checkout signature over the order id *we*
stored, the webhook by the signature over its raw body. Both end in the same SQL (api.confirm_payment /
api.handle_payment_webhook), which is idempotent under its row locks, so they may arrive in any order,
twice, or at once."""
from __future__ import annotations

import hashlib
import json
import logging
from decimal import Decimal
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.routing import Route

from app.adapters.payments import (
    GatewayRefused,
    GatewayUnavailable,
    verify_checkout_signature,
    verify_webhook_signature,
)
from app.answers import Booking, Page, Payment
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.schemas import Amount, Instant, PositiveMoney, trimmed
from app.sql import run, run_refusable
from app.validation import (
    Answer,
    QuerySchema,
    Schema,
    idempotency_header,
    idempotency_key,
    load_json,
    parse_body,
    parse_query,
    replayed_header,
)

log = logging.getLogger("nakksha.payments")



class VerifyBody(Schema):
    razorpay_order_id: str = Field(min_length=1, max_length=100, pattern=r"^order_[A-Za-z0-9]+$")
    razorpay_payment_id: str = Field(min_length=1, max_length=100, pattern=r"^pay_[A-Za-z0-9]+$")
    razorpay_signature: str = Field(min_length=1, max_length=200)


class PaymentsQuery(QuerySchema):
    status: Literal["pending", "completed", "failed", "refunded", "partially_refunded", "cancelled"] | None = None
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=25, ge=1, le=100)


class RefundBody(Schema):
    amount: PositiveMoney | None = None
    reason: trimmed(500, 1)  # type: ignore[valid-type]  # one line, not blank (spaces alone were stored empty)


class PaymentTotals(Answer):
    received: Amount
    refunded: Amount
    net: Amount


class PaymentPage(Page):
    items: list[Payment]
    totals: PaymentTotals = Field(description="Over every matching payment, not only this page.")


class Verified(Answer):
    status: Literal["confirmed", "refunding"] = Field(
        description="refunding: the money arrived after the hold lapsed and the time was taken; it is refunded.")
    outcome: str
    booking: Booking | None = Field(description="The booking as its client sees it (null for a quotation).")


class StillPending(Answer):
    status: Literal["pending"]
    message: str


class WebhookAnswer(Answer):
    status: Literal["ok"]
    outcome: str


INVALID_SIGNATURE = ApiError(400, "invalid_signature", "The payment signature does not match this order.")


@endpoint(summary="After Razorpay Checkout: verify the signature over our order and confirm the booking once the "
                  "payment is captured (202 while it is not yet).", tags=("payments",), body=VerifyBody,
          responses={200: Verified, 202: StillPending, 400: None, 402: None})
async def verify_payment(request: Request) -> JSONResponse:
    body = await parse_body(request, VerifyBody)
    pool, gateway = request.app.state.pool, request.app.state.payments
    order = await run(pool, "payment_order", gateway=gateway.name, order_id=body.razorpay_order_id)
    if order is None or not verify_checkout_signature(order["order_id"], body.razorpay_payment_id,
                                                      body.razorpay_signature, gateway.key_secret):
        raise INVALID_SIGNATURE
    if order["payment_id"] == body.razorpay_payment_id:
        # Confirmed already (by the webhook, or an earlier verify): answer it without asking the gateway.
        return JSONResponse(await _confirm(pool, gateway.name, order, body.razorpay_payment_id, None, "verify"))
    # A valid signature proves the client authorised the payment, not that the money is captured: ask.
    try:
        payment = await gateway.fetch_payment(body.razorpay_payment_id)
    except (GatewayUnavailable, GatewayRefused) as exc:
        log.warning("verify: cannot fetch payment %s: %s", body.razorpay_payment_id, exc)
        return _pending("We could not reach the payment provider; your booking confirms as soon as it reports.")
    if not isinstance(payment, dict) or payment.get("order_id") != order["order_id"]:
        raise INVALID_SIGNATURE
    if payment.get("status") == "captured" and isinstance(payment.get("amount"), int):
        return JSONResponse(await _confirm(pool, gateway.name, order, payment["id"], payment, "verify"))
    if payment.get("status") == "failed":
        await run(pool, "record_payment_failure", gateway=gateway.name, order_id=order["order_id"],
                  payment_id=payment["id"], reason=payment.get("error_description") or payment.get("error_code"))
        raise ApiError(402, "payment_failed", payment.get("error_description") or "The payment failed; please try again.")
    return _pending("The payment is authorised and being captured; your booking confirms in a moment.")


async def _confirm(pool, gateway: str, order: dict, payment_id: str, payment: dict | None, source: str) -> dict:
    result = await run(pool, "confirm_payment", gateway=gateway, order_id=order["order_id"], payment_id=payment_id,
                       amount_paise=payment["amount"] if payment else order["amount_paise"],
                       method=(payment or {}).get("method"), source=source)
    outcome, booking = result["outcome"], result.get("booking")
    # A quotation's payment has nothing to lose: the acceptance holds whatever arrives first.
    if booking is None and result.get("quotation_id"):
        return {"status": "confirmed" if outcome in ("confirmed", "already_confirmed") else "refunding",
                "outcome": outcome, "booking": None}
    # From the booking's state, not the outcome: a webhook may have arrived first and found the time taken.
    status = "confirmed" if booking and booking["status"] == "confirmed" and outcome in (
        "confirmed", "already_confirmed") else "refunding"
    return {"status": status, "outcome": outcome, "booking": booking}


def _pending(message: str) -> JSONResponse:
    return JSONResponse({"status": "pending", "message": message}, status_code=202)


RAZORPAY_EVENT = {"type": "object", "required": ["event", "payload"],
                  "description": "A Razorpay webhook event, signed over its raw bytes (docs/payments.md).",
                  "properties": {"event": {"type": "string"}, "payload": {"type": "object"}}}
RAZORPAY_HEADERS = (
    {"name": "X-Razorpay-Signature", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Hex HMAC-SHA256 of the raw body under the webhook secret."},
    {"name": "X-Razorpay-Event-Id", "in": "header", "required": False, "schema": {"type": "string"},
     "description": "Razorpay's id of this event: a redelivery carries the same one and changes nothing."})


@endpoint(named="handle_payment_webhook", tags=("payments",), body=RAZORPAY_EVENT, headers=RAZORPAY_HEADERS,
          responses={200: WebhookAnswer, 400: None, 422: None})
async def payment_webhook(request: Request) -> JSONResponse:
    raw = await request.body()
    gateway = request.app.state.payments
    if not verify_webhook_signature(raw, request.headers.get("x-razorpay-signature"), gateway.webhook_secret):
        raise ApiError(400, "invalid_signature", "The webhook signature does not match its body.")
    payload = load_json(raw)  # after the signature: a forged body is refused as forged, unread
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        raise ApiError(400, "invalid_payload", "The webhook body names no event.")
    event_id = request.headers.get("x-razorpay-event-id") or ("sha256:" + hashlib.sha256(raw).hexdigest())
    if len(event_id) > 200:
        raise ApiError(400, "invalid_event_id", "X-Razorpay-Event-Id is too long.")
    result = await run(request.app.state.pool, "handle_payment_webhook", provider=gateway.name, event_id=event_id,
                       payload=payload)
    if result["outcome"].startswith("rejected_"):
        log.warning("webhook %s (%s) not applied: %s", event_id, payload["event"], result["outcome"])
    return JSONResponse({"status": "ok", "outcome": result["outcome"]})


@endpoint(named="list_payments", tags=("payments",), auth="approved", query=PaymentsQuery, responses={200: PaymentPage})
async def list_payments(request: Request) -> JSONResponse:
    q = parse_query(request, PaymentsQuery)
    return JSONResponse(await run(request.app.state.pool, "list_payments", request.state.caller, q, to_=q.to))


@endpoint(named="get_payment", tags=("payments",), auth="approved",
          responses={200: Payment, 404: None})
async def get_payment(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "get_payment", request.state.caller,
                                  transaction_id=request.path_params["transaction_id"]))


REFUND_KEY = idempotency_header(
    "New per refund: the same key with the same payment, amount and reason answers the first answer again (with "
    "Idempotent-Replayed: true) and refunds nothing more; with another payment, amount or reason, 422 "
    "idempotency_key_reused. Kept 24 hours.")
REFUND_REPLAYED = replayed_header("a new refund")


async def refund_once(pool, caller, transaction_id, amount: Decimal | None, reason: str, key: str | None) -> dict:
    """Record a refund (api.refund_payment): with a key, once: the same request again answers {payment, replayed:
    true} as the first was answered. The request is the payment, the amount (None: all that is left) and the reason."""
    canonical = json.dumps({"transaction_id": str(transaction_id), "reason": reason,
                            "amount": None if amount is None else f"{amount:.2f}"}, sort_keys=True).encode()
    return await run_refusable(pool, "refund_payment", caller, transaction_id=transaction_id, amount=amount,
                               reason=reason, idempotency_key=key,
                               request_sha256=hashlib.sha256(canonical).digest() if key else None)


@endpoint(named="refund_payment", tags=("payments",), auth="approved", body=RefundBody, headers=(REFUND_KEY,),
          answer_headers={201: REFUND_REPLAYED}, responses={201: Payment, 400: None, 404: None, 409: None, 422: None})
async def refund_payment(request: Request) -> JSONResponse:
    body = await parse_body(request, RefundBody)
    key = idempotency_key(request.headers.get("idempotency-key"))
    if body.amount is not None and body.amount <= 0:
        raise ApiError(422, "validation_error", "A refund is more than zero.", "amount")
    result = await refund_once(request.app.state.pool, request.state.caller, request.path_params["transaction_id"],
                               body.amount, body.reason, key)
    return JSONResponse(result["payment"], status_code=201,
                        headers={"idempotent-replayed": "true"} if result["replayed"] else None)


TID = "{transaction_id:uuid}"
api_routes = [
    Route("/payments/verify", verify_payment, methods=["POST"], name="verify_payment"),
    Route("/payments/webhook", payment_webhook, methods=["POST"], name="payment_webhook"),
    Route("/payments", list_payments, methods=["GET"], name="list_payments"),
    Route(f"/payments/{TID}", get_payment, methods=["GET"], name="get_payment"),
    Route(f"/payments/{TID}/refund", refund_payment, methods=["POST"], name="refund_payment"),
]


# Test: pytest tests/http/test_payments.py tests/http/test_refund_idempotency.py
