# app/routes/admin_payouts.py — payouts as admins watch them: the API (/api/v1/admin/payouts) and the page (/admin/payouts).
"""Commission earned, where consultants' money is (due, held, transferred, settled), transfers that failed or wait
on hold, payout accounts needing attention, negative balances and the daily reconciliation's open mismatches —
all read by api.admin_payouts (db/functions/payout_admin.sql) under the admin policies."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.routes.admin_pages import TZ, run_shown
from app.schemas import Amount, SignedAmount
from app.sql import run
from app.validation import Answer
from app.web import render, signed_in


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
    created_at: datetime


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
    failed_transfers: list[FailedTransfer]
    held: Held
    accounts: list[AccountNeedingAttention]
    negative_balances: list[NegativeBalance]
    deleted_with_open_balance: list[DeletedWithOpenBalance]
    mismatches: list[Mismatch]


@endpoint(named="admin_payouts", tags=("admin",), auth="admin", responses={200: AdminPayouts})
async def admin_payouts(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "admin_payouts", request.state.caller))


@endpoint(summary="Admin: payouts — commission earned, balances, failed and held transfers, accounts needing "
                  "attention, negative balances, reconciliation mismatches.", tags=("pages",), auth="admin",
          include=False)
async def payouts_page(request: Request) -> Response:
    _, caller = signed_in(request)
    return render(request, "admin/payouts.html", {"p": await run_shown(request, "admin_payouts", caller), "tz": TZ})


api_routes = [Route("/admin/payouts", admin_payouts, methods=["GET"], name="admin_payouts")]
admin_routes = [Route("/payouts", payouts_page, methods=["GET"], name="admin_payouts_page")]

# Test: pytest tests/http/test_admin_payouts.py
