# app/routes/payout_account.py — a consultant's payout account through Razorpay Route: the API (GET/PUT /api/v1/payouts/account) and the payout form on the bank settings page.
"""Every rule is the SQL's (db/functions/payout_accounts.sql): the status and Razorpay's requirements come back in
plain words with the settings page that fixes each, and the readiness checklist says what is missing before the
details can be submitted (accept_terms: true). Submitting sets the account to `submitted`; the worker's sweep
queues the onboarding job within a minute (jobs/route_accounts.py: the web app queues no jobs itself)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.routes.forms import SETTINGS, done_redirect, form_page, masked_account
from app.schemas import trimmed
from app.sql import Caller, run
from app.validation import Answer, Schema, parse_body, parse_form

BusinessType = Literal["individual", "proprietorship", "partnership", "private_limited", "llp", "huf"]
Status = Literal["draft", "submitted", "created", "requested", "needs_clarification", "under_review", "activated",
                 "suspended", "rejected", "failed"]
BUSINESS_TYPES = (("individual", "Individual"), ("proprietorship", "Sole proprietorship"),
                  ("partnership", "Partnership"), ("private_limited", "Private limited company"),
                  ("llp", "Limited liability partnership (LLP)"), ("huf", "Hindu undivided family (HUF)"))
RAZORPAY_TERMS = "https://razorpay.com/terms/"


class PayoutAccountBody(Schema):
    business_type: BusinessType = "individual"
    contact_name: trimmed(255, 4) = Field(description="Who Razorpay contacts about the account.")  # type: ignore[valid-type]
    beneficiary_name: trimmed(120, 4) = Field(  # type: ignore[valid-type]
        description="The bank account holder's name, as the bank has it.")
    accept_terms: bool = Field(default=False, description="true accepts Razorpay's terms and submits the details "
                                                          "(only once nothing on the checklist is missing).")


class Explanation(Answer):
    status: Status
    tone: Literal["", "ok", "warn", "bad"] = Field(description="The badge's tone on the pages.")
    label: str
    words: str


class Requirement(Answer):
    field_reference: str = Field(description="Razorpay's name of what it needs, like settlements.ifsc_code.")
    reason_code: str
    status: str | None
    words: str = Field(description="What it needs, in plain words (Razorpay's own for ones we do not know).")
    link: str | None = Field(description="The settings page that fixes it.")
    page: str | None


class ChecklistItem(Answer):
    item: Literal["pan", "legal_name", "address", "state", "phone", "bank", "names"]
    field: str = Field(description="The field a submission missing it is refused on (422).")
    done: bool
    words: str
    link: str
    page: str


class PayoutAccount(Answer):
    exists: bool = Field(description="false until the details are first saved.")
    business_type: BusinessType
    contact_name: str | None
    beneficiary_name: str | None
    terms_accepted_at: datetime | None
    status: Status
    explanation: Explanation
    requirements: list[Requirement]
    last_error: str | None = Field(description="Why Razorpay refused what was sent (status failed), in words.")
    razorpay_account_id: str | None
    submitted_at: datetime | None
    activated_at: datetime | None
    status_checked_at: datetime | None
    updated_at: datetime | None
    checklist: list[ChecklistItem]
    missing: list[str] = Field(description="The checklist items not done yet.")
    can_submit: bool = Field(description="Everything Razorpay needs is given, and the status lets a submission "
                                         "move it on.")


@endpoint(named="my_payout_account", tags=("payouts",), auth="readable", responses={200: PayoutAccount})
async def get_payout_account(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "my_payout_account", request.state.caller))


@endpoint(named="set_my_payout_account", tags=("payouts",), auth="consultant", body=PayoutAccountBody,
          responses={200: PayoutAccount, 409: None, 422: None})
async def put_payout_account(request: Request) -> JSONResponse:
    body = await parse_body(request, PayoutAccountBody)
    return JSONResponse(await run(request.app.state.pool, "set_my_payout_account", request.state.caller,
                                  account=body.model_dump(mode="json")))


# --- the form on the bank settings page ------------------------------------------------------------------

async def load_bank_page(request: Request, subject: dict, caller: Caller) -> dict:
    """The bank settings page: the bank details (masked) and the payout account."""
    return {"account": await masked_account(request, caller),
            "payout": await run(request.app.state.pool, "my_payout_account", caller),
            "business_types": BUSINESS_TYPES, "razorpay_terms": RAZORPAY_TERMS}


@endpoint(summary="Payout details for Razorpay Route from the bank settings page; the terms ticked submits them.",
          tags=("pages",), auth="consultant", include=False)
async def payout_form(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        data = {k: form.get(k, "") for k in ("business_type", "contact_name", "beneficiary_name")}
        body = parse_form(data, PayoutAccountBody, required=("contact_name", "beneficiary_name"))
        body.accept_terms = bool(form.get("accept_terms"))
        await run(request.app.state.pool, "set_my_payout_account", caller, account=body.model_dump(mode="json"))
        return done_redirect("/bank", "payouts_submitted" if body.accept_terms else "payouts_saved")

    return await form_page(request, "dashboard/settings_bank.html", load_bank_page, submit, form="payouts")


api_routes = [Route("/payouts/account", get_payout_account, methods=["GET"], name="get_payout_account"),
              Route("/payouts/account", put_payout_account, methods=["PUT"], name="put_payout_account")]
dashboard_routes = [Route(f"{SETTINGS}/bank/payouts", payout_form, methods=["POST"], name="settings_payouts")]

# Test: pytest tests/http/test_payout_account.py tests/http/test_settings_pages.py
