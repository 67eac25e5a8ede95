# app/routes/dashboard_quotations.py — the consultant's Quotations pages: list, builder (new and edit), detail, delete, duplicate, send with an email preview.
"""The JSON API's named queries, schemas and helpers (app/routes/quotations.py) behind forms: what a form adds is
only the translation of what a person types (an expiry date is the end of that day in the consultant's zone;
a chosen existing client replaces the typed name and email; the lines are rows of inputs, app/routes/quotation_form.py).
Every action ends on the detail page with a notice (post/redirect/get); errors re-render the form with every
message beside its field and the typed values kept."""
from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.emails import render as render_email
from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.dashboard_sessions import paging
from app.routes.forms import form_error, page_error
from app.routes.quotation_form import body_of, field_of, read, values_of
from app.routes.quotations import QuotationQuery, change, present, send
from app.sql import Caller, run
from app.validation import parse_form
from app.web import form_with_csrf, render, signed_in

OPTIONAL = ("description", "validity_period", "expires_at", "notes")  # emptied on edit = cleared
STATUSES = ("draft", "sent", "viewed", "accepted", "rejected", "expired")
NOTICES = {"created": "Draft saved.", "saved": "Changes saved.", "duplicated": "Copied into this new draft.",
           "sent": "Quotation sent: the client has been emailed the link below.", "deleted": "Draft deleted."}
PLACEHOLDER_LINK = "https://nakksha.in/q/…"  # the real link is made when sending


def _qid(request: Request) -> uuid.UUID:
    return request.path_params["quotation_id"]


async def _clients(request: Request, caller: Caller) -> list[dict]:
    result = await run(request.app.state.pool, "list_clients", caller, q=None, phone_hash=None, active=True,
                       sort="name", page=1, per_page=100)
    return [{"id": c["id"], "name": c["name"], "email": c["email"]} for c in result["items"] if not c.get("anonymised_at")]


async def _quotation(request: Request, caller: Caller) -> dict:
    return present(request, await run(request.app.state.pool, "get_quotation", caller, quotation_id=_qid(request)))


@endpoint(summary="Quotations page: status filter, search and paging.", tags=("pages",), auth="approved", include=False)
async def quotations_list(request: Request) -> Response:
    subject, caller = signed_in(request)
    values = {k: request.query_params[k].strip() for k in ("status", "q", "page")
              if request.query_params.get(k, "").strip()}
    context: dict[str, Any] = {"values": values, "tz": subject["timezone"], "statuses": STATUSES, "result": None}
    try:
        q = parse_form(values, QuotationQuery)
    except ApiError as err:
        return render(request, "dashboard/quotations.html", {**context, "error": err.message,
                                                             "error_field": err.field}, status=err.status)
    result = await run(request.app.state.pool, "list_quotations", caller, status=q.status, q=q.q, date_from=None,
                       date_to=None, page=q.page, per_page=q.per_page)
    return render(request, "dashboard/quotations.html", {**context, "result": result,
                                                         "paging": paging("/dashboard/quotations", result, values)})


async def _builder(request: Request, caller: Caller, values: dict, quotation: dict | None = None,
                   status: int = 200, errors: dict[str, str] | None = None, add_line: bool = False) -> Response:
    """The builder with its values; at least one line row (one more when asked to add a line), every error beside
    its field and counted above the form."""
    lines = list(values.get("items") or [])
    if add_line or not lines:
        lines.append({"description": "", "quantity": "", "unit_price": ""})
    errors = errors or {}
    return render(request, "dashboard/quotations_new.html", {
        "values": values, "lines": lines, "q": quotation, "clients": await _clients(request, caller),
        "errors": errors, "error": _summary(errors)}, status=status)


def _summary(errors: dict[str, str]) -> str | None:
    if not errors:
        return None
    whole = errors.get("", "")
    n = len([k for k in errors if k])
    beside = (f"{n} field needs" if n == 1 else f"{n} fields need") + " your attention: see the messages beside them."
    return f"{whole} {beside}".strip() if n else whole


async def _save(request: Request, caller: Caller, values: dict, tz: str, quotation: dict | None) -> Response | None:
    """Create or change the draft and go to it; _Refused with the errors by field when it cannot be saved."""
    body, errors = body_of(values, tz)
    if errors:
        raise _Refused(errors, 422)
    try:
        if quotation is None:
            made = await run(request.app.state.pool, "create_quotation", caller, body=body)
            return RedirectResponse(f"/dashboard/quotations/{made['id']}?done=created", status_code=303)
        patch = {**{k: None for k in OPTIONAL}, **body}  # the form shows every field: an emptied one is cleared
        if not values["client_id"]:
            patch.pop("client_id", None)
        await change(request, caller, "update_quotation", quotation_id=quotation["id"], patch=patch)
    except (ApiError, asyncpg.PostgresError) as exc:
        err = page_error(exc)
        raise _Refused({field_of(err.field): err.message}, err.status) from exc
    return RedirectResponse(f"/dashboard/quotations/{quotation['id']}?done=saved", status_code=303)


class _Refused(Exception):
    def __init__(self, errors: dict[str, str], status: int) -> None:
        super().__init__(errors)
        self.errors, self.status = errors, status


async def _builder_post(request: Request, caller: Caller, tz: str, quotation: dict | None) -> Response:
    await form_with_csrf(request)
    form = await request.form()  # the same parsed form (Starlette keeps it): repeated line inputs included
    values = read(form)
    if form.get("add_line"):  # "Add a line" without JavaScript: the same values, one more row, nothing saved
        return await _builder(request, caller, values, quotation, add_line=True)
    try:
        return await _save(request, caller, values, tz, quotation)
    except _Refused as refused:
        return await _builder(request, caller, values, quotation, refused.status, refused.errors)


@endpoint(summary="The quotation builder: a new draft.", tags=("pages",), auth="approved", include=False)
async def quotation_new(request: Request) -> Response:
    subject, caller = signed_in(request)
    if request.method == "POST":
        return await _builder_post(request, caller, subject["timezone"], None)
    return await _builder(request, caller, {"discount_percentage": "0", "items": []})


@endpoint(summary="Change a draft quotation in the builder.", tags=("pages",), auth="approved", include=False)
async def quotation_edit(request: Request) -> Response:
    subject, caller = signed_in(request)
    quotation = await _quotation(request, caller)
    if request.method == "POST":
        return await _builder_post(request, caller, subject["timezone"], quotation)
    return await _builder(request, caller, values_of(quotation, subject["timezone"]), quotation)


@endpoint(summary="A quotation: its fields, public link, view history, payments, emails and actions.",
          tags=("pages",), auth="approved", include=False)
async def quotation_detail(request: Request) -> Response:
    subject, caller = signed_in(request)
    return render(request, "dashboard/quotations_detail.html", {
        "q": await _quotation(request, caller), "tz": subject["timezone"],
        "notice": NOTICES.get(request.query_params.get("done", ""))})


@endpoint(summary="Delete a draft quotation (confirmation page, then the delete).", tags=("pages",), auth="approved", include=False)
async def quotation_delete(request: Request) -> Response:
    form = await form_with_csrf(request) if request.method == "POST" else {}
    subject, caller = signed_in(request)
    quotation = await _quotation(request, caller)
    context = {"q": quotation, "tz": subject["timezone"]}
    if request.method == "POST" and form.get("confirm") == "yes":
        try:
            await change(request, caller, "delete_quotation", quotation_id=quotation["id"])
        except (ApiError, asyncpg.PostgresError) as exc:
            failure, status = form_error(exc)
            return render(request, "dashboard/quotations_delete.html", {**context, **failure}, status=status)
        return RedirectResponse("/dashboard/quotations?done=deleted", status_code=303)
    return render(request, "dashboard/quotations_delete.html", context)


@endpoint(summary="Copy a quotation into a new draft.", tags=("pages",), auth="approved", include=False)
async def quotation_duplicate(request: Request) -> Response:
    await form_with_csrf(request)
    _, caller = signed_in(request)
    copy = await run(request.app.state.pool, "duplicate_quotation", caller, quotation_id=_qid(request))
    return RedirectResponse(f"/dashboard/quotations/{copy['id']}?done=duplicated", status_code=303)


def _mail_data(q: dict, subject: dict) -> dict:
    """What the quotation_received email is rendered with (as app_private.quotation_mail_data queues it)."""
    return {"recipient_name": q["client_name"], "consultant_name": f"{subject['first_name']} {subject['last_name']}",
            "client_name": q["client_name"], "quotation_name": q["quotation_name"],
            **{k: str(Decimal(str(q[k])).quantize(Decimal("0.01")))
               for k in ("base_amount", "discount_percentage", "final_amount")}, "currency": q["currency"],
            "validity_period": q.get("validity_period"), "expires_at": q.get("expires_at"),
            "timezone": subject["timezone"], "quotation_url": PLACEHOLDER_LINK}


@endpoint(summary="Send a draft quotation: a preview of the client's email, then the send.", tags=("pages",),
          auth="approved", include=False)
async def quotation_send(request: Request) -> Response:
    if request.method == "POST":
        await form_with_csrf(request)
    subject, caller = signed_in(request)
    quotation = await _quotation(request, caller)
    context: dict[str, Any] = {"q": quotation, "tz": subject["timezone"],
                               "preview": render_email("quotation_received", _mail_data(quotation, subject))}
    if request.method == "POST":
        try:
            await send(request, caller, quotation["id"])
        except (ApiError, asyncpg.PostgresError) as exc:
            failure, status = form_error(exc)
            return render(request, "dashboard/quotations_send.html", {**context, **failure}, status=status)
        return RedirectResponse(f"/dashboard/quotations/{quotation['id']}?done=sent", status_code=303)
    return render(request, "dashboard/quotations_send.html", context)


@endpoint(summary="The HTML of the send preview, framed by the send page (sandboxed).", tags=("pages",),
          auth="approved", include=False)
async def quotation_send_frame(request: Request) -> Response:
    subject, caller = signed_in(request)
    rendered = render_email("quotation_received", _mail_data(await _quotation(request, caller), subject))
    # Email HTML keeps its inline styles; shown only inside this site's own page, with scripts off.
    return HTMLResponse(rendered.html, headers={
        "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; "
                                   "frame-ancestors 'self'", "x-frame-options": "SAMEORIGIN"})


QID = "{quotation_id:uuid}"
dashboard_routes = [
    Route("/quotations", quotations_list, methods=["GET"], name="quotations_page"),
    Route("/quotations/new", quotation_new, methods=["GET", "POST"], name="quotation_new_page"),
    Route(f"/quotations/{QID}", quotation_detail, methods=["GET"], name="quotation_page"),
    Route(f"/quotations/{QID}/edit", quotation_edit, methods=["GET", "POST"], name="quotation_edit_page"),
    Route(f"/quotations/{QID}/delete", quotation_delete, methods=["GET", "POST"],
          name="quotation_delete_page"),
    Route(f"/quotations/{QID}/duplicate", quotation_duplicate, methods=["POST"],
          name="quotation_duplicate_page"),
    Route(f"/quotations/{QID}/send", quotation_send, methods=["GET", "POST"], name="quotation_send_page"),
    Route(f"/quotations/{QID}/send/frame", quotation_send_frame, methods=["GET"],
          name="quotation_send_frame_page"),
]

# Test: pytest tests/e2e/test_quotation_pages.py
