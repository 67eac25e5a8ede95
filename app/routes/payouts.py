# app/routes/payouts.py — the consultant's money over HTTP: the balance and the ledger it is the sum of (/api/v1/payouts/...).
"""Every figure comes from app.ledger_entries (db/functions/ledger.sql): what the platform collected for the
consultant, less its commission and the GST on it, less refunds (docs/payments.md). Read-only: entries are
written by the payments themselves, and a suspended consultant still reads theirs."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.routing import Route

from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.paging import PageQuery, before_field, keyset_page, next_field
from app.schemas import Amount, Id, SignedAmount
from app.sql import run
from app.validation import Answer, parse_query

EntryKind = Literal["captured", "commission", "commission_gst", "tcs", "tds", "refund", "commission_refund",
                    "commission_gst_refund", "tcs_refund", "tds_refund", "transfer", "release", "settlement",
                    "reversal", "hand_payment"]


class Balance(Answer):
    """Signed rupees: positive is owed to you. total = collected − refunded − commission − commission_gst − tcs −
    tds = due + held + transferred + settled."""

    due: SignedAmount = Field(description="Owed and not yet transferred to your account.")
    held: SignedAmount = Field(description="Transferred to your linked account, held until the session has taken place.")
    transferred: SignedAmount = Field(description="Released to your linked account, not yet settled to your bank.")
    settled: SignedAmount = Field(description="Paid into your bank account.")
    total: SignedAmount
    collected: SignedAmount = Field(description="Payments the platform collected for you (gross).")
    refunded: SignedAmount = Field(description="Refunded to clients.")
    commission: SignedAmount = Field(description="The platform's commission, net of what refunds took back.")
    commission_gst: SignedAmount = Field(description="GST on the commission, net of what refunds took back.")
    tcs: SignedAmount = Field(description="GST TCS the platform collected as the e-commerce operator (CGST Act s.52), "
                                          "net of refunds; claimable in your GST returns.")
    tds: SignedAmount = Field(description="Income-tax TDS deducted (s.194-O), net of refunds; credited against your "
                                          "PAN.")
    entries: int


class LedgerEntry(Answer):
    id: int
    kind: EntryKind
    bucket: Literal["due", "held", "transferred", "settled"]
    amount: SignedAmount = Field(description="Positive: owed to you; negative: taken from what is owed.")
    payment_id: Id | None
    refund_id: Id | None
    occurred_at: datetime = Field(description="When the payment was captured or the refund processed.")
    purpose: Literal["session", "quotation"] | None
    session_id: Id | None
    quotation_id: Id | None


class LedgerPage(Answer):
    items: list[LedgerEntry]
    next: int | None = next_field()


class HandPaid(Answer):
    amount: Amount
    reference: str = Field(description="The bank's reference (UTR) for that bank transfer.")
    paid_on: date


class Transfer(Answer):
    id: uuid.UUID
    payment_id: uuid.UUID
    purpose: Literal["session", "quotation"]
    session_id: uuid.UUID | None
    quotation_id: uuid.UUID | None
    amount: Amount = Field(description="What the transfer carried to your linked account.")
    amount_reversed: Amount = Field(description="Taken back (your share of a refund, or what you owed).")
    status: Literal["requested", "created", "pending", "processed", "failed", "reversed", "partially_reversed"]
    on_hold: bool
    release_after: datetime | None = Field(description="While held: when it will be released (the session's end "
                                                        "plus the buffer).")
    released_at: datetime | None
    settlement_status: Literal["pending", "on_hold", "settled"] | None
    settled_at: datetime | None = Field(description="When it was paid into your bank account.")
    settlement_utr: str | None = Field(description="The bank's reference (UTR) for that payment.")
    session_starts_at: datetime | None = Field(description="The session the payment was for, when it was one.")
    created_at: datetime
    hand_payments: list[HandPaid] = Field(description="A transfer that could not be made (status failed): what the "
                                                      "platform paid into your bank by hand instead, oldest first.")


class Transfers(Answer):
    items: list[Transfer]
    next: uuid.UUID | None = next_field()


class TransfersQuery(PageQuery):
    before: uuid.UUID | None = before_field("transfers")


class LedgerQuery(PageQuery):
    before: int | None = before_field("entries", ge=1, le=2**62)


@endpoint(named="my_balance", tags=("payouts",), auth="readable", responses={200: Balance})
async def balance(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "my_balance", request.state.caller))


@endpoint(named="my_ledger", tags=("payouts",), auth="readable", query=LedgerQuery,
          responses={200: LedgerPage, 422: None})
async def ledger(request: Request) -> JSONResponse:
    return await keyset_page(request, "my_ledger", parse_query(request, LedgerQuery))


@endpoint(named="my_transfers", tags=("payouts",), auth="readable", query=TransfersQuery,
          responses={200: Transfers, 422: None})
async def transfers(request: Request) -> JSONResponse:
    return await keyset_page(request, "my_transfers", parse_query(request, TransfersQuery))


api_routes = [Route("/payouts/balance", balance, methods=["GET"], name="payouts_balance"),
              Route("/payouts/transfers", transfers, methods=["GET"], name="payouts_transfers"),
              Route("/payouts/ledger", ledger, methods=["GET"], name="payouts_ledger")]

# Test: pytest tests/http/test_payouts.py
