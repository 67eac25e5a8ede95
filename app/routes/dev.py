# app/routes/dev.py — development-only pages: the local email outbox, and the local gateway's checkout pages (an order's payment, a subscription's authorisation).
from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

import asyncpg
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


# The HTML part of a message is someone else's markup (a template an admin edited, a client's name in it): it is
# shown only inside the message page of this site (frame-ancestors 'self', and SAMEORIGIN for browsers that read
# only X-Frame-Options), in an opaque origin with no script (sandbox without allow-scripts, default-src 'none'),
# with its inline styles and the images emails carry. Every other response keeps DENY and frame-ancestors 'none'
# (app/middleware.py's SECURITY_HEADERS, added where a response sets none of its own).
PREVIEW_HEADERS = {
    "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    "x-frame-options": "SAMEORIGIN",
}
# An attachment is downloaded, never shown in this site's origin: attachment disposition, nosniff (the
# middleware's), and a sandbox with nothing allowed should a browser open it all the same.
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
_MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(\s*;\s*[\w.-]+=(\"[^\"\r\n\\]*\"|[\w.+-]+))*", re.ASCII)
_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+", re.ASCII)


async def _message(request: Request) -> dict:
    try:
        message_id = uuid.UUID(request.path_params["message_id"])
    except ValueError as exc:
        raise ApiError(404, "not_found", "No such message.") from exc
    row = await run(request.app.state.pool, "dev_outbox_message", id=message_id)
    if row is None:
        raise ApiError(404, "not_found", "No such message.")
    return row


@endpoint(summary="One message of the local outbox (development only).", tags=("dev",), include=False)
async def dev_outbox_message(request: Request) -> Response:
    return templates.TemplateResponse(request, "dev/outbox_message.html", {"m": await _message(request)})


@endpoint(summary="The HTML part of a local outbox message, framed by its page (development only).", tags=("dev",),
          include=False)
async def dev_outbox_preview(request: Request) -> Response:
    return HTMLResponse((await _message(request))["html_body"] or "", headers=PREVIEW_HEADERS)


def attachment_disposition(filename: str | None) -> str:
    """`attachment` with a filename that cannot break out of its quotes or name a path (session.ics stays so)."""
    safe = _UNSAFE_IN_NAME.sub("_", filename or "").strip("._") or "attachment"
    return f'attachment; filename="{safe}"'


@endpoint(summary="Download one attachment of a local outbox message (development only).", tags=("dev",),
          include=False)
async def dev_outbox_attachment(request: Request) -> Response:
    message, index = await _message(request), request.path_params["index"]
    row = await run(request.app.state.pool, "dev_outbox_attachment", id=message["id"], index=index) \
        if index < 1000 else None  # a number past any message's attachments (and past SQL's integer) finds none
    if row is None:
        raise ApiError(404, "not_found", "No such attachment.")
    media_type = row["content_type"] if _MEDIA_TYPE.fullmatch(row["content_type"] or "") else "application/octet-stream"
    return Response(row["content"], media_type=media_type, headers={
        "content-disposition": attachment_disposition(row["filename"]), "content-security-policy": DOWNLOAD_CSP})


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


SUB_METHODS = {"card": "Card", "upi": "UPI AutoPay", "emandate": "Bank e-mandate"}


async def _local_subscription(request: Request) -> dict:
    if request.app.state.payments.name != "local":
        raise ApiError(404, "not_found", "The local checkout serves only the local gateway.")
    sid = request.path_params["subscription_id"]
    try:
        return await run(request.app.state.pool, "local_sub_fetch", subscription_id=sid)
    except (ApiError, asyncpg.PostgresError) as exc:
        raise ApiError(404, "not_found", "No such subscription.") from exc


@endpoint(summary="The local gateway's stand-in for authorising a subscription in Checkout (development only).",
          tags=("dev",), include=False)
async def dev_subscription(request: Request) -> Response:
    sub = await _local_subscription(request)
    return templates.TemplateResponse(request, "dev/subscription.html", {
        "sub": sub, "methods": SUB_METHODS, "return_to": _return_to(request.query_params.get("return_to"))})


@endpoint(summary="Authorise a subscription at the local checkout: its first charge, webhooks queued (development "
                  "only).", tags=("dev",), include=False)
async def dev_subscription_authorise(request: Request) -> Response:
    sub = await _local_subscription(request)
    form = await request.form()
    method, return_to = form.get("method"), _return_to(str(form.get("return_to") or ""))
    if method not in SUB_METHODS:
        raise ApiError(422, "validation_error", "Choose a payment method.", "method")
    sub = await run(request.app.state.pool, "local_sub_authenticate", subscription_id=sub["id"], method=method)
    if return_to:
        return RedirectResponse(return_to, status_code=303)
    return templates.TemplateResponse(request, "dev/subscription.html", {"sub": sub, "methods": SUB_METHODS,
                                                                        "return_to": None})


site_routes = [
    Route("/dev/subscriptions/{subscription_id}", dev_subscription, methods=["GET"], name="dev_subscription"),
    Route("/dev/subscriptions/{subscription_id}", dev_subscription_authorise, methods=["POST"],
          name="dev_subscription_authorise"),
    Route("/dev/checkout/{order_id}", dev_checkout, methods=["GET"], name="dev_checkout"),
    Route("/dev/checkout/{order_id}", dev_checkout_pay, methods=["POST"], name="dev_checkout_pay"),
    Route("/dev/outbox", dev_outbox, methods=["GET"], name="dev_outbox"),
    Route("/dev/outbox/{message_id}", dev_outbox_message, methods=["GET"], name="dev_outbox_message"),
    Route("/dev/outbox/{message_id}/html", dev_outbox_preview, methods=["GET"], name="dev_outbox_preview"),
    Route("/dev/outbox/{message_id}/attachments/{index:int}", dev_outbox_attachment, methods=["GET"],
          name="dev_outbox_attachment"),
]

# Test: pytest tests/http/test_dev_outbox.py tests/e2e/test_dev_outbox.py tests/jobs/test_outbox.py tests/http/test_payments_local.py tests/http/test_plan_page.py
