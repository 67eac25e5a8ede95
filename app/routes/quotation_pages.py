# app/routes/quotation_pages.py — the client's quotation page at /q/<token>: read it (each opening counted), accept and pay, or decline with a reason.
"""The same helpers as the JSON API (app/routes/quotations.py): `public_quotation` counts the view, `accept`
makes the payment order before the acceptance, `public_answer` adds what Checkout needs while unpaid. Accept
and decline are CSRF-checked forms. "Accept and pay" is one step: with the local gateway the acceptance goes
straight on to its checkout page (no JavaScript needed); with Razorpay it comes back to the page with
`pay=now`, where app/static/quotation-pay.js opens Checkout at once (the "Pay" button stays for a second try).
app/static/manage.js verifies Checkout's answer and reloads, as on the booking manage page."""
from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.booking_pages import RAZORPAY_CSP
from app.routes.quotations_public import RejectBody, accept, billing_of_form, public_answer, quotation_token
from app.sql import run
from app.validation import parse_form
from app.web import form_with_csrf, render

NOTICES = {"accepted": "You accepted this quotation.", "paying": "You accepted this quotation. Opening the payment…", "rejected": "You declined this quotation.",
           "paid": "Payment received — thank you.", "pending": "Your payment is being confirmed by the bank; "
                                                              "reload this page in a minute."}


async def _page(request: Request, q: dict, status: int = 200, **context) -> Response:
    gateway = request.app.state.payments
    if q["status"] in ("sent", "viewed") and q["gst"]["document_type"] == "tax_invoice":
        context["gst_states"] = (await run(request.app.state.pool, "gst_states"))["items"]  # the invoice's State
    response = render(request, "pages/quotation.html", {
        "q": q, "token": request.path_params["token"], "razorpay": gateway.name == "razorpay",
        "notice": NOTICES.get(request.query_params.get("done", "")), **context}, status=status)
    if gateway.name == "razorpay":
        response.headers["content-security-policy"] = RAZORPAY_CSP
    return response


async def _opened(request: Request) -> dict:
    """An opening of the link is counted; the page coming back after an answer or a payment is not."""
    params = request.query_params
    if "done" in params or "razorpay_payment_id" in params:
        q = await run(request.app.state.pool, "public_quotation_peek", token_hash=quotation_token(request),
                      billing=None)
    else:
        q = await run(request.app.state.pool, "public_quotation", token_hash=quotation_token(request),
                      user_agent=request.headers.get("user-agent", "")[:300] or None)
    return public_answer(request, q)


@endpoint(summary="The client's quotation page: the offer, accept and pay, or decline.", tags=("pages",),
          include=False)
async def quotation_page(request: Request) -> Response:
    return await _page(request, await _opened(request))


@endpoint(summary="Accept a quotation from its page and go on to pay it, in one step.", tags=("pages",), include=False)
async def quotation_accept(request: Request) -> Response:
    form = await form_with_csrf(request)
    token = request.path_params["token"]
    try:
        accepted = await accept(request, quotation_token(request), billing_of_form(form))
    except ApiError as err:
        if err.status == 404:
            raise
        peek = await run(request.app.state.pool, "public_quotation_peek", token_hash=quotation_token(request),
                         billing=None)
        return await _page(request, public_answer(request, peek), err.status, error=err.message,
                           error_field=err.field, values=form)
    checkout = accepted.get("checkout")
    if checkout and checkout.get("checkout_url"):  # the local gateway's page, which comes back here when paid
        return RedirectResponse(f"{checkout['checkout_url']}?return_to={quote(f'/q/{token}', safe='')}", status_code=303)
    if checkout:
        return RedirectResponse(f"/q/{token}?done=paying&pay=now", status_code=303)
    return RedirectResponse(f"/q/{token}?done=accepted", status_code=303)


@endpoint(summary="Decline a quotation from its page, with an optional reason.", tags=("pages",), include=False)
async def quotation_reject(request: Request) -> Response:
    form = await form_with_csrf(request)
    token = request.path_params["token"]
    try:
        body = parse_form({"reason": form.get("reason", "").strip()}, RejectBody)
        await run(request.app.state.pool, "public_reject_quotation", token_hash=quotation_token(request), reason=body.reason)
    except ApiError as err:
        if err.status == 404:
            raise
        peek = await run(request.app.state.pool, "public_quotation_peek", token_hash=quotation_token(request),
                         billing=None)
        return await _page(request, public_answer(request, peek), err.status, error=err.message,
                           error_field=err.field, reason=form.get("reason", ""))
    return RedirectResponse(f"/q/{token}?done=rejected", status_code=303)


site_routes = [
    Route("/q/{token}", quotation_page, methods=["GET"], name="quotation_public_page"),
    Route("/q/{token}/accept", quotation_accept, methods=["POST"], name="quotation_accept_page"),
    Route("/q/{token}/reject", quotation_reject, methods=["POST"], name="quotation_reject_page"),
]

# Test: pytest tests/e2e/test_quotation_pages.py
