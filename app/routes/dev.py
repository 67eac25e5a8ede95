# app/routes/dev.py — development-only pages: the local email outbox, and the local gateway's checkout page.
from __future__ import annotations

import uuid
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.adapters.payments import checkout_signature, razorpay_id
from app.emails import inr
from app.endpoints import endpoint
from app.errors import ApiError
from app.sql import run
from app.web import templates

METHODS = {"upi", "card", "netbanking", "wallet"}


@endpoint(summary="Local email outbox (development only).", tags=("dev",), include=False)
async def dev_outbox(request: Request) -> HTMLResponse:
    rows = await run(request.app.state.pool, "dev_outbox_list", limit=200)
    return templates.TemplateResponse(request, "dev/outbox.html", {"messages": rows})


@endpoint(summary="One message of the local outbox (development only).", tags=("dev",), include=False)
async def dev_outbox_message(request: Request) -> Response:
    try:
        message_id = uuid.UUID(request.path_params["message_id"])
    except ValueError as exc:
        raise ApiError(404, "not_found", "No such message.") from exc
    row = await run(request.app.state.pool, "dev_outbox_message", id=message_id)
    if row is None:
        raise ApiError(404, "not_found", "No such message.")
    if request.query_params.get("part") == "html":
        # The message's own HTML, sandboxed: it is shown in an iframe on the message page.
        return HTMLResponse(row["html_body"], headers={"content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:"})
    return templates.TemplateResponse(request, "dev/outbox_message.html", {"m": row})


def _return_to(value: str | None) -> str | None:
    """Only a path on this site (no scheme, no //host): the page must not become an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) <= 500:
        return value
    return None


async def _checkout_order(request: Request) -> dict:
    if request.app.state.payments.name != "local":
        raise ApiError(404, "not_found", "The local checkout serves only the local gateway.")
    order = await run(request.app.state.pool, "local_gateway_checkout", order_id=request.path_params["order_id"])
    if order is None:
        raise ApiError(404, "not_found", "No such order.")
    order["amount_display"] = inr(order["amount"], order["currency"])
    return order


@endpoint(summary="The local gateway's checkout page (development only).", tags=("dev",), include=False)
async def dev_checkout(request: Request) -> Response:
    order = await _checkout_order(request)
    return templates.TemplateResponse(request, "dev/checkout.html", {
        "order": order, "result": None, "return_to": _return_to(request.query_params.get("return_to"))})


@endpoint(summary="Pay (or fail) an order at the local checkout (development only).", tags=("dev",), include=False)
async def dev_checkout_pay(request: Request) -> Response:
    order = await _checkout_order(request)
    form = await request.form()
    outcome, method = form.get("outcome"), form.get("method")
    if outcome not in ("success", "failure") or method not in METHODS:
        raise ApiError(422, "validation_error", "Choose an outcome and a payment method.", "outcome")
    gateway = request.app.state.payments
    payment = await run(request.app.state.pool, "local_gateway_pay", order_id=order["order_id"],
                        payment_id=razorpay_id("pay"), outcome=outcome, method=method)
    # What Razorpay Checkout hands the booking page: the ids and the signature under the key secret.
    verify = {"razorpay_order_id": order["order_id"], "razorpay_payment_id": payment["id"],
              "razorpay_signature": checkout_signature(order["order_id"], payment["id"], gateway.key_secret)}
    return_to = _return_to(str(form.get("return_to") or ""))
    if return_to and payment["status"] == "captured":
        separator = "&" if "?" in return_to else "?"
        return RedirectResponse(return_to + separator + urlencode(verify), status_code=303)
    return templates.TemplateResponse(request, "dev/checkout.html", {
        "order": order, "return_to": return_to,
        "result": {"status": payment["status"], "payment_id": payment["id"], "verify": verify}})


site_routes = [
    Route("/dev/checkout/{order_id}", dev_checkout, methods=["GET"], name="dev_checkout"),
    Route("/dev/checkout/{order_id}", dev_checkout_pay, methods=["POST"], name="dev_checkout_pay"),
    Route("/dev/outbox", dev_outbox, methods=["GET"], name="dev_outbox"),
    Route("/dev/outbox/{message_id}", dev_outbox_message, methods=["GET"], name="dev_outbox_message"),
]

# Test: pytest tests/jobs/test_outbox.py tests/http/test_payments.py -k local_checkout
