# app/routes/dashboard_payments.py — the consultant's payments pages: transactions with their refunds, and refunding (full or partial) with what is left shown.
from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.payments import PaymentsQuery, RefundBody, refund_once
from app.schemas import FIRST_YEAR, LAST_YEAR, page_date
from app.sql import run
from app.validation import idempotency_key, parse_form
from app.web import form_with_csrf, render, signed_in

STATUS_LABELS = {"pending": "Awaiting payment", "completed": "Paid", "failed": "Failed", "cancelled": "Not paid",
                 "partially_refunded": "Partly refunded", "refunded": "Refunded"}


@endpoint(summary="Payments: transactions with session, client and refunds; filters and totals.", tags=("pages",),
          auth="approved", include=False)
async def payments_page(request: Request) -> Response:
    subject, caller = signed_in(request)
    params = {k: v for k, v in request.query_params.items() if v and k in ("status", "from", "to", "page")}
    q = _filters(params, subject["timezone"])
    result = await run(request.app.state.pool, "list_payments", caller, q, to_=q.to)
    return render(request, "dashboard/payments.html", {
        "result": result, "q": q, "params": params,
        "filters": {k: v for k, v in params.items() if k != "page"}, "tz": subject["timezone"], "labels": STATUS_LABELS,
        "pages": max(1, -(-result["total"] // q.per_page))})


def _filters(params: dict[str, str], timezone: str) -> PaymentsQuery:
    """The page's filters (dates as the consultant's calendar days) as the API's own query schema."""
    zone = ZoneInfo(timezone)
    data: dict[str, object] = {k: v for k, v in params.items() if k in ("status", "page")}
    for name, shift in (("from", 0), ("to", 1)):
        if name in params:
            try:
                day = page_date(params[name])
            except ValueError as exc:
                raise ApiError(422, "validation_error", f"{name}: give a date like 2026-11-24, in the years "
                                                        f"{FIRST_YEAR}–{LAST_YEAR}.", name) from exc
            data[name] = datetime.combine(day + timedelta(days=shift), time.min, zone)  # "to" includes its day
    try:
        return PaymentsQuery.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", "Those filters are not valid.", "status") from exc


async def _payment(request: Request, caller) -> dict:
    return await run(request.app.state.pool, "get_payment", caller, transaction_id=request.path_params["transaction_id"])


@endpoint(summary="One payment: its session, client, refunds and the refund form.", tags=("pages",), auth="approved", include=False)
async def payment_page(request: Request) -> Response:
    subject, caller = signed_in(request)
    payment = await _payment(request, caller)
    documents = await run(request.app.state.pool, "my_documents_of", caller, session_id=None, payment_id=payment["id"])
    return render(request, "dashboard/payment.html", {
        "p": payment, "tz": subject["timezone"], "labels": STATUS_LABELS, "documents": documents,
        "done": request.query_params.get("done"), "values": {}})


def _amount(form: dict, refundable: Decimal) -> Decimal:
    """The amount asked for: blank means everything that is left."""
    raw = (form.get("amount") or "").replace(",", "").replace("₹", "").strip()
    if not raw:
        return refundable
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise ApiError(422, "validation_error", "Give the amount in rupees, like 500 or 749.50.", "amount") from exc


@endpoint(summary="Refund a payment: review (what is left, what happens to the session), then confirm.",
          tags=("pages",), auth="approved", include=False)
async def refund_page(request: Request) -> Response:
    subject, caller = signed_in(request)
    payment = await _payment(request, caller)
    refundable = Decimal(str(payment["refundable"])).quantize(Decimal("0.01"))
    form = await form_with_csrf(request)
    context = {"p": payment, "tz": subject["timezone"], "labels": STATUS_LABELS, "values": form}
    # The confirm step's one-time key: the same confirmation posted twice (a double click, a resent form) records
    # one refund, and the second answers as the first did, even once nothing is left to refund.
    key = idempotency_key(form.get("idempotency_key") or None) if form.get("confirm") == "yes" else None
    try:
        amount = _amount(form, refundable)
        # The API's own schema: a positive amount in rupees and paise, and a reason.
        body = parse_form({"amount": str(amount), "reason": form.get("reason", "")}, RefundBody)
        if body.amount is None or body.amount <= 0:
            raise ApiError(422, "validation_error", "A refund is more than zero.", "amount")
        if body.amount > refundable and key is None:  # (with a key, SQL judges it after the replay)
            raise ApiError(409, "refund_exceeds_remaining", f"At most ₹{refundable:,} can still be refunded.",
                           "amount")
        if form.get("confirm") != "yes":
            # Step one: say exactly what will happen before it does.
            session = payment.get("session") or {}
            cancels = (body.amount == refundable and session.get("status") == "confirmed"
                       and not payment.get("duplicate"))
            return render(request, "dashboard/refund_confirm.html", {
                **context, "amount": body.amount, "reason": body.reason, "cancels": cancels,
                "left_after": refundable - body.amount, "idempotency_key": secrets.token_urlsafe(24)})
        await refund_once(request.app.state.pool, caller, payment["id"], body.amount, body.reason.strip(), key)
    except ApiError as err:
        return render(request, "dashboard/payment.html", {**context, "error": err.message, "error_field": err.field},
                      status=err.status)
    return RedirectResponse(f"/dashboard/payments/{payment['id']}?done=refund", status_code=303)


TID = "{transaction_id:uuid}"
dashboard_routes = [
    Route("/payments", payments_page, methods=["GET"], name="payments_page"),
    Route(f"/payments/{TID}", payment_page, methods=["GET"], name="payment_page"),
    Route(f"/payments/{TID}/refund", refund_page, methods=["POST"], name="refund_page"),
]

# Test: pytest tests/http/test_dashboard_payments_pages.py tests/http/test_refund_idempotency.py tests/e2e/test_journey.py
