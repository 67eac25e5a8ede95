# app/routes/admin_payouts.py — payouts as admins watch them: the API (/api/v1/admin/payouts) and the page (/admin/payouts).
"""Commission earned, where consultants' money is (due, held, transferred, settled), transfers that failed or wait
on hold, payout accounts needing attention, negative balances and the daily reconciliation's open mismatches —
all read by api.admin_payouts (db/functions/payout_admin.sql) under the admin policies. A transfer that could not
be made is paid by hand and recorded here (api.admin_record_hand_payment, db/functions/hand_payments.sql): the
API's POST and the page's form per failed row."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.routes.admin_pages import TZ, run_shown
from app.routes.forms import form_error
from app.schemas import Amount, PlausibleDate, PositiveMoney, SignedAmount, trimmed
from app.sql import run
from app.validation import Answer, Schema, parse_body, parse_form
from app.web import form_with_csrf, render, signed_in

REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9/-]{3,39}$"


class Commission(Answer):
    this_month: SignedAmount
    all_time: SignedAmount
    gst: SignedAmount


class Balances(Answer):
    due: SignedAmount
    held: SignedAmount
    transferred: SignedAmount
    settled: SignedAmount


class FailedTransfer(Answer):
    transfer_id: uuid.UUID
    consultant_id: uuid.UUID
    consultant: str
    payment_id: uuid.UUID
    amount: Amount
    error: str | None
    due: SignedAmount = Field(description="What the payment still owes the consultant (the most a hand payment may "
                                          "record).")
    paid_by_hand: Amount = Field(description="Recorded as paid by hand so far.")
    created_at: datetime


class HandPaymentListed(Answer):
    id: uuid.UUID
    transfer_id: uuid.UUID
    consultant_id: uuid.UUID
    consultant: str
    payment_id: uuid.UUID
    amount: Amount
    reference: str
    paid_on: date
    note: str | None
    recorded_by: str | None = Field(description="The admin who recorded it.")
    created_at: datetime


class HandPaymentBody(Schema):
    amount: PositiveMoney | None = Field(default=None, description="Rupees paid; by default all that is still due. "
                                                                   "At most what is due.")
    reference: str = Field(pattern=REFERENCE, description="The bank's reference (UTR, or a cheque number): once per "
                                                          "consultant.")
    paid_on: PlausibleDate = Field(description="The day the bank paid it (India), not after today.")
    note: trimmed(500) | None = None  # type: ignore[valid-type]


class HandPayment(Answer):
    id: uuid.UUID
    transfer_id: uuid.UUID
    consultant_id: uuid.UUID
    payment_id: uuid.UUID
    amount: Amount
    reference: str = Field(description="Upper-cased.")
    paid_on: date
    note: str | None
    recorded_by: uuid.UUID
    created_at: datetime
    still_due: SignedAmount = Field(description="What the payment still owes the consultant after it.")
    replayed: bool = Field(description="True when this answers a repeat of a submission already recorded (same "
                                       "transfer, reference, day and amount): nothing new was written.")


class Held(Answer):
    count: int
    amount: Amount
    overdue: int


class AccountNeedingAttention(Answer):
    consultant_id: uuid.UUID
    consultant: str
    status: str
    requirements: list[dict[str, Any]]
    last_error: str | None
    updated_at: datetime


class NegativeBalance(Answer):
    consultant_id: uuid.UUID
    consultant: str
    due: SignedAmount


class DeletedWithOpenBalance(Answer):
    consultant_id: uuid.UUID
    deleted_at: datetime
    balance: SignedAmount = Field(description="Not yet settled to their bank (negative: they owe it).")


class Mismatch(Answer):
    id: int
    consultant_id: uuid.UUID
    consultant: str
    transfer_id: uuid.UUID
    kind: str
    ours: Any
    theirs: Any
    found_at: datetime
    last_seen_at: datetime


class AdminPayouts(Answer):
    commission: Commission
    gateway_fees: Commission = Field(description="Razorpay's fees on payments the platform collected (GST included; "
                                                 "gst: the GST in them).")
    balances: Balances
    failed_transfers: list[FailedTransfer] = Field(description="Transfers that could not be made whose payment was "
                                                                "not yet paid by hand in full.")
    hand_payments: list[HandPaymentListed] = Field(description="The latest 20 hand payments, newest first.")
    held: Held
    accounts: list[AccountNeedingAttention]
    negative_balances: list[NegativeBalance]
    deleted_with_open_balance: list[DeletedWithOpenBalance]
    mismatches: list[Mismatch]


@endpoint(named="admin_payouts", tags=("admin",), auth="admin", responses={200: AdminPayouts})
async def admin_payouts(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "admin_payouts", request.state.caller))


@endpoint(named="admin_record_hand_payment", tags=("admin",), auth="admin", body=HandPaymentBody,
          responses={200: HandPayment, 401: None, 403: None, 404: None, 409: None})
async def admin_record_hand_payment(request: Request) -> JSONResponse:
    body = await parse_body(request, HandPaymentBody)
    return JSONResponse(await run(request.app.state.pool, "admin_record_hand_payment", request.state.caller,
                                  transfer_id=request.path_params["transfer_id"], amount=body.amount,
                                  reference=body.reference, paid_on=body.paid_on, note=body.note))


@endpoint(summary="Admin: payouts — commission earned, balances, failed and held transfers, accounts needing "
                  "attention, negative balances, reconciliation mismatches.", tags=("pages",), auth="admin",
          include=False)
async def payouts_page(request: Request) -> Response:
    return await _payouts(request)


async def _payouts(request: Request, failure: dict | None = None, status: int = 200) -> Response:
    _, caller = signed_in(request)
    return render(request, "admin/payouts.html", {"p": await run_shown(request, "admin_payouts", caller), "tz": TZ,
                                                  "done": request.query_params.get("done"), "values": {}, "failed_id": None,
                                                  "errors": {}, "error": None,
                                                  "today": datetime.now(ZoneInfo(TZ)).date().isoformat(),
                                                  **(failure or {})}, status=status)


FORM_FIELDS = ("amount", "reference", "paid_on", "note")


@endpoint(summary="Admin: record a hand payment for a transfer that could not be made (the form on the payouts "
                  "page).", tags=("pages",), auth="admin", include=False)
async def hand_payment_page(request: Request) -> Response:
    _, caller = signed_in(request)
    form = await form_with_csrf(request)
    transfer_id = request.path_params["transfer_id"]
    try:
        body = parse_form({k: form.get(k, "") for k in FORM_FIELDS}, HandPaymentBody)
        await run_shown(request, "admin_record_hand_payment", caller, transfer_id=transfer_id, amount=body.amount,
                        reference=body.reference, paid_on=body.paid_on, note=body.note)
    except ApiError as err:
        failure, status = form_error(err, order=list(FORM_FIELDS))
        values = {k: form.get(k, "") for k in FORM_FIELDS}
        return await _payouts(request, {**failure, "failed_id": str(transfer_id), "values": values}, status)
    return RedirectResponse("/admin/payouts?done=hand_payment", status_code=303)


api_routes = [Route("/admin/payouts", admin_payouts, methods=["GET"], name="admin_payouts"),
              Route("/admin/payouts/failed/{transfer_id:uuid}/hand-payment", admin_record_hand_payment,
                    methods=["POST"], name="admin_record_hand_payment")]
admin_routes = [Route("/payouts", payouts_page, methods=["GET"], name="admin_payouts_page"),
                Route("/payouts/failed/{transfer_id:uuid}/hand-payment", hand_payment_page, methods=["POST"],
                      name="admin_hand_payment_page")]

# Test: pytest tests/http/test_admin_payouts.py
