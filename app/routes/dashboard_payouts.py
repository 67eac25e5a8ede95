# app/routes/dashboard_payouts.py — the consultant's Payouts page: what the platform owes them and why (the ledger), and a month's statement as CSV.
"""Read-only, from the ledger (db/functions/ledger.sql): the balance by state, what made it, the entries newest
first, and a statement per calendar month in the consultant's zone (CSV, for their accountant). Suspended
consultants read it too."""
from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.sql import run
from app.web import render, signed_in

KIND_LABELS = {"captured": "Payment received", "commission": "Nakksha commission", "commission_gst": "GST on commission",
               "refund": "Refund to client", "commission_refund": "Commission returned",
               "commission_gst_refund": "GST on commission returned", "tcs": "GST TCS (s.52)",
               "tds": "Income-tax TDS (s.194-O)", "tcs_refund": "GST TCS returned", "tds_refund": "TDS returned",
               "transfer": "Sent to your Razorpay account", "release": "Released", "settlement": "Paid into your bank",
               "reversal": "Taken back from your Razorpay account",
               "hand_payment": "Paid into your bank by bank transfer"}
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month(text: str | None, zone: ZoneInfo) -> date:
    """A YYYY-MM month (this month in the consultant's zone when none); 422 for anything else."""
    if not text:
        return datetime.now(zone).date().replace(day=1)
    m = MONTH.match(text)
    if not m or not 2020 <= int(m.group(1)) <= 2100:
        raise ApiError(422, "validation_error", "month: give a month like 2026-12.", "month")
    return date(int(m.group(1)), int(m.group(2)), 1)


@endpoint(summary="Payouts: the balance the platform owes you, what made it, and the ledger.", tags=("pages",),
          auth="readable", include=False)
async def payouts_page(request: Request) -> Response:
    subject, caller = signed_in(request)
    before = request.query_params.get("before")
    if before is not None and not (before.isdigit() and 0 < int(before) < 2**62):
        raise ApiError(422, "validation_error", "before: an entry number.", "before")
    pool = request.app.state.pool
    balance = await run(pool, "my_balance", caller)
    ledger = await run(pool, "my_ledger", caller, before=int(before) if before else None, limit=50)
    # Transfers twenty at a time, newest first; `transfers_before` (the previous page's next) pages back.
    transfers_before = request.query_params.get("transfers_before")
    if transfers_before is not None:
        try:
            transfers_before = str(uuid.UUID(transfers_before))
        except ValueError:
            raise ApiError(422, "validation_error", "transfers_before: a transfer's id.", "transfers_before") from None
    page = (await run(pool, "my_transfers", caller, before=transfers_before, limit=20)) if before is None else None
    transfers = page["items"] if page else []
    documents = await run(pool, "my_documents", caller, month=None, type=None, before=None, limit=10)
    payout_account = await run(pool, "my_payout_account", caller)
    now = datetime.now(UTC)
    for t in transfers:  # a held transfer past its time is with the next release run, not "released after <past>"
        t["release_due"] = bool(t["release_after"]) and datetime.fromisoformat(t["release_after"]) <= now
    zone = ZoneInfo(subject["timezone"])
    months, month = [], _month(None, zone)
    for _ in range(12):  # this month and the eleven before it, for the statements
        months.append(month)
        month = date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
    response = render(request, "dashboard/payouts.html", {
        "balance": balance, "withheld": Decimal(balance["tcs"]) + Decimal(balance["tds"]), "ledger": ledger,
        "owes": Decimal(balance["due"]) < 0, "labels": KIND_LABELS, "tz": subject["timezone"], "months": months,
        "transfers": transfers, "transfers_next": page["next"] if page else None,
        "first_page": before is None, "documents": documents,
        "payout_account": payout_account})
    response.headers["cache-control"] = "no-store"  # money and tax figures: never cached
    return response


@endpoint(summary="Payouts: one month's statement as CSV (your time zone).", tags=("pages",), auth="readable",
          include=False)
async def statement_csv(request: Request) -> Response:
    subject, caller = signed_in(request)
    month = _month(request.query_params.get("month"), ZoneInfo(subject["timezone"]))
    statement = await run(request.app.state.pool, "my_statement", caller, month=month)
    zone = ZoneInfo(statement["timezone"])
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Nakksha statement", statement["month"], f"times in {statement['timezone']}"])
    w.writerow(["Opening balance", statement["opening"]])
    w.writerow(["Entry", "Date", "What", "Amount (INR)", "Balance state", "For", "Session", "Quotation",
                "Payment", "Razorpay payment", "Refund"])
    for e in statement["items"]:
        when = datetime.fromisoformat(e["occurred_at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        w.writerow([e["id"], when, KIND_LABELS.get(e["kind"], e["kind"]), e["amount"], e["bucket"],
                    e["purpose"] or "", e["session_id"] or "", e["quotation_id"] or "", e["payment_id"] or "",
                    e["gateway_payment_id"] or "", e["refund_id"] or ""])
    w.writerow(["Closing balance", statement["closing"]])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="nakksha-statement-{statement["month"]}.csv"',
        "cache-control": "no-store"})


dashboard_routes = [Route("/payouts", payouts_page, methods=["GET"], name="payouts_page"),
                    Route("/payouts/statement.csv", statement_csv, methods=["GET"], name="payouts_statement_csv")]

# Test: pytest tests/http/test_payouts.py
