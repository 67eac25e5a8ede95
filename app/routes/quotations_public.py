# app/routes/quotations_public.py — a quotation through its client's link (/api/v1/public/quotations/<token>): view (with the GST documents issued once paid), accept (with Checkout for the payment), reject.
"""The client holds an unguessable token; the database finds the quotation by its hash (db/functions/
quotations_public.sql). The pages at /q/<token> (quotation_pages.py) use the same helpers."""
from __future__ import annotations

import logging

from pydantic import Field
from starlette.requests import Request
from starlette.routing import Route

from app.adapters.payments import GatewayRefused, GatewayUnavailable
from app.adapters.route import order_transfers
from app.answers import Checkout, QuotationTerms
from app.answers_documents import TaxDocument
from app.auth import token_hash
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.routes.public import BillingIn, checkout_options
from app.schemas import Amount
from app.sql import run, run_refusable
from app.validation import Answer, Schema, parse_body

log = logging.getLogger("nakksha.quotations")


class RejectBody(Schema):
    reason: str | None = Field(default=None, max_length=2000)


class AcceptBody(Schema):
    billing: BillingIn | None = Field(default=None, description="For the GST invoice, as at booking: the State, "
                                      "address and PIN code (required when the quotation's `gst.document_type` is "
                                      "tax_invoice and its amount is not zero), a GSTIN and a name for a business.")


def billing_of_form(form: dict) -> dict | None:
    """The page's GST invoice fields as the API's `billing` (the booking page's names): a State, or "abroad" with a
    country; the address and PIN code; a GSTIN and a name to invoice. None when all are empty."""
    place = (form.get("billing_state") or "").strip()
    if place == "abroad" and not (form.get("billing_country") or "").strip():
        # "Outside India" with no country would read as an Indian address (and ask for a PIN): name the field.
        raise ApiError(422, "validation_error", "Enter your country's two letters, like US or AE.", "billing.country")
    billing = {"country": (form.get("billing_country") or "").strip()} if place == "abroad" else {"state_code": place}
    billing |= {"gstin": (form.get("billing_gstin") or "").strip(), "billing_name": (form.get("billing_name") or "").strip(),
                "address": (form.get("billing_address") or "").strip(),
                "postal_code": (form.get("billing_postal_code") or "").strip()}
    billing = {k: v for k, v in billing.items() if v}
    return billing or None


class QuotationConsultant(Answer):
    first_name: str
    last_name: str
    slug: str
    consultancy_sector: str | None
    timezone: str


class QuotationPayment(Answer):
    status: str
    order_id: str | None
    gateway: str
    amount: Amount
    amount_paise: int
    currency: str


class PublicQuotation(QuotationTerms):
    """A quotation as its client sees it through their link."""

    consultant: QuotationConsultant
    payable: bool = Field(description="Accepted and not yet paid: `checkout` takes the payment.")
    payment: QuotationPayment | None
    checkout: Checkout | None
    documents: list[TaxDocument] = Field(description="The GST documents issued to the client for it once paid "
                                                     "(invoice, bill of supply or receipt; credit notes), as issued: "
                                                     "each at /q/{token}/documents/{id} and as a PDF at "
                                                     "/q/{token}/documents/{id}.pdf.")


def quotation_token(request: Request) -> bytes:
    token = request.path_params["token"]
    if not (10 <= len(token) <= 200):
        raise ApiError(404, "not_found", "No such quotation.")
    return token_hash(token)


def checkout_for(request: Request, quotation: dict) -> dict | None:
    """What Razorpay Checkout needs while an accepted quotation is unpaid (`payable`, which SQL decides)."""
    return checkout_options(request, quotation, quotation["quotation_name"], {"name": quotation["client_name"]},
                            {"purpose": "quotation"})


def public_answer(request: Request, quotation: dict) -> dict:
    quotation.pop("quotation_id", None)
    quotation.pop("consultant_id", None)
    quotation.pop("amount_paise", None)
    quotation.pop("needs_order", None)
    quotation["checkout"] = checkout_for(request, quotation)
    return quotation


@endpoint(named="public_quotation", tags=("public",),
          responses={200: PublicQuotation, 404: None})
async def public_quotation(request: Request) -> JSONResponse:
    q = await run(request.app.state.pool, "public_quotation", token_hash=quotation_token(request),
                  user_agent=request.headers.get("user-agent", "")[:300] or None)
    return JSONResponse(public_answer(request, q))


async def accept(request: Request, hashed: bytes, billing: dict | None = None) -> dict:
    """Accept through the link: the order first (when there is an amount), then the acceptance. Shared with /q/<token>.
    Billing details are checked in SQL before the order is made (a 422 naming billing.<field>, nothing written)."""
    pool, gateway = request.app.state.pool, request.app.state.payments
    # Refusals as ApiError (a 422 naming billing.<field>, a 409): the page shows them on its form.
    # An object, empty when nothing was given: the peek then checks what an acceptance needs (NULL: a page's read).
    peek = await run_refusable(pool, "public_quotation_peek", token_hash=hashed, billing=billing or {})
    order_id = None
    if peek["needs_order"]:  # decided in SQL; an expired or answered quotation needs none and is refused there
        try:
            order = await gateway.create_order(peek["amount_paise"], peek["quotation_id"], {
                "purpose": "quotation", "quotation_id": peek["quotation_id"], "consultant_id": peek["consultant_id"]},
                transfers=order_transfers(peek, "quotation", peek["quotation_id"]))
        except (GatewayUnavailable, GatewayRefused) as exc:
            raise ApiError(502, "payment_gateway_unavailable",
                           "Payments are unavailable just now; nothing was accepted. Please try again.") from exc
        order_id = order["id"]
    q = await run_refusable(pool, "public_accept_quotation", token_hash=hashed, gateway=gateway.name,
                            order_id=order_id, billing=billing)
    return public_answer(request, q)


@endpoint(summary="Accept the quotation: sent or viewed → accepted, the consultant told; with an amount, a Razorpay "
                  "order for the final amount comes back as `checkout` so the client can pay at once. 409 "
                  "quotation_expired past its expiry, invalid_transition after a rejection. The body is optional: "
                  "`billing` puts the client's State or GSTIN on the invoice (422 naming billing.<field>).",
          tags=("public",), body=AcceptBody, body_optional=True,
          responses={200: PublicQuotation, 404: None, 409: None, 422: None, 502: None})
async def public_accept(request: Request) -> JSONResponse:
    hashed = quotation_token(request)
    billing = None
    if (await request.body()).strip():  # no body (as before billing existed) accepts without billing details
        body = await parse_body(request, AcceptBody)
        billing = body.billing.model_dump(exclude_none=True) if body.billing else None
    return JSONResponse(await accept(request, hashed, billing))


@endpoint(named="public_reject_quotation", tags=("public",),
          body=RejectBody, responses={200: PublicQuotation, 404: None, 409: None})
async def public_reject(request: Request) -> JSONResponse:
    body = await parse_body(request, RejectBody)
    q = await run(request.app.state.pool, "public_reject_quotation", token_hash=quotation_token(request), reason=body.reason)
    return JSONResponse(public_answer(request, q))


api_routes = [
    Route("/public/quotations/{token}", public_quotation, methods=["GET"], name="public_quotation"),
    Route("/public/quotations/{token}/accept", public_accept, methods=["POST"], name="public_accept_quotation"),
    Route("/public/quotations/{token}/reject", public_reject, methods=["POST"], name="public_reject_quotation"),
]

# Test: pytest tests/http/test_quotations.py tests/http/test_quotation_pages.py
