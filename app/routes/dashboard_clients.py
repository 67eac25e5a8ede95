# app/routes/dashboard_clients.py — the consultant's Clients pages: list and search, profile with history and totals, edit, export, deactivate, anonymise, new client.
"""The same named queries, schemas and phone handling as the JSON API (app/routes/clients.py): phones are
encrypted with a keyed hash beside them before the SQL call, and decrypted only for their consultant.
Deactivating and anonymising go through a confirmation page; every action ends on the profile with a notice."""
from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.crypto import keyed_hash
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.routes.clients import ClientPatch, ClientQuery, NewClient, anonymise, phone_fields, present_client
from app.routes.dashboard_sessions import paging
from app.routes.forms import form_error
from app.routes.public import PHONE_PURPOSE
from app.schemas import normalise_phone
from app.sql import Caller, run
from app.validation import parse_form
from app.web import form_with_csrf, render, signed_in

CLIENT_FIELDS = ("name", "email", "phone", "notes")
NOTICES = {"created": "Client added.", "saved": "Client details saved.",
           "deactivated": "Client deactivated. They are kept with their history and hidden from your active clients.",
           "reactivated": "Client reactivated.",
           "anonymised": "Client anonymised. Their personal details are erased; their sessions and payments remain "
                         "as anonymous records."}


def _cid(request: Request) -> uuid.UUID:
    return request.path_params["client_id"]


@endpoint(summary="Clients page: search, active filter, sort and paging.", tags=("pages",), auth="readable", include=False)
async def clients_list(request: Request) -> Response:
    subject, caller = signed_in(request)
    params = request.query_params
    values = {k: params[k].strip() for k in ("q", "active", "sort", "page") if params.get(k, "").strip()}
    # Active clients unless asked otherwise ("all" shows everyone).
    query = {**{k: v for k, v in values.items() if k != "active"}, "active": values.get("active", "true")}
    if query["active"] == "all":
        del query["active"]
    try:
        q = parse_form(query, ClientQuery)
    except ApiError as err:
        return render(request, "dashboard/clients.html", {"values": values, "tz": subject["timezone"], "result": None,
                                                          "error": err.message, "error_field": err.field},
                      status=err.status)
    # A search that looks like a phone number also matches the phone exactly, through its keyed hash.
    digits = normalise_phone(q.q) if q.q else None
    phone_hash = (keyed_hash(request.app.state.secrets.data_key, PHONE_PURPOSE, digits)
                  if digits and re.fullmatch(r"\+?[0-9]{6,15}", digits) else None)
    result = await run(request.app.state.pool, "list_clients", caller, q, phone_hash=phone_hash)
    result["items"] = [present_client(request, c) for c in result["items"]]
    return render(request, "dashboard/clients.html", {
        "values": values, "tz": subject["timezone"], "result": result, "searching": bool(values.get("q")),
        "paging": paging("/dashboard/clients", result, values)})


async def _profile(request: Request, subject: dict, caller: Caller, client: dict | None = None, status: int = 200,
                   **context: Any) -> Response:
    if client is None:
        client = present_client(request, await run(request.app.state.pool, "get_client", caller,
                                                   client_id=_cid(request)))
    values = context.pop("values", None) or {k: client.get(k) or "" for k in CLIENT_FIELDS}
    return render(request, "dashboard/clients_detail.html", {
        "c": client, "tz": subject["timezone"], "values": values,
        "notice": NOTICES.get(request.query_params.get("done", "")), **context}, status=status)


@endpoint(summary="A client's profile: details, totals, session history, and what can be done.", tags=("pages",),
          auth="readable", include=False)
async def client_detail(request: Request) -> Response:
    return await _profile(request, *signed_in(request))


@endpoint(summary="Save a client's details.", tags=("pages",), auth="approved", include=False)
async def client_edit(request: Request) -> Response:
    form = await form_with_csrf(request)
    subject, caller = signed_in(request)
    pool = request.app.state.pool
    client = present_client(request, await run(pool, "get_client", caller, client_id=_cid(request)))
    values = {k: form.get(k, "").strip() for k in CLIENT_FIELDS}
    try:
        body = parse_form(values, ClientPatch)
        # The form shows every field, so the phone is always sent (as the API's "phone": null when emptied),
        # and emptied notes are cleared.
        patch = {**body.model_dump(mode="json", exclude_unset=True), "phone": True}
        if values["notes"] == "":
            patch["notes"] = None
        await run(pool, "update_client", caller, client_id=client["id"], patch=patch,
                  **phone_fields(request, body.phone))
    except (ApiError, asyncpg.PostgresError) as exc:
        failure, status = form_error(exc, order=list(CLIENT_FIELDS))
        return await _profile(request, subject, caller, client, status, values=values, **failure)
    return RedirectResponse(f"/dashboard/clients/{client['id']}?done=saved", status_code=303)


@endpoint(summary="Download everything held on a client, as JSON.", tags=("pages",), auth="approved", include=False)
async def client_export(request: Request) -> Response:
    _, caller = signed_in(request)
    data = await run(request.app.state.pool, "export_client", caller, client_id=_cid(request))
    data["client"] = present_client(request, data["client"])
    return JSONResponse(data, headers={
        "content-disposition": f'attachment; filename="client-{data["client"]["id"]}.json"',
        "cache-control": "no-store"})


def _confirmed_action(kind: str):
    """Deactivate or anonymise: a confirmation page, then the API's own query, then the profile with a notice."""

    @endpoint(summary=f"{kind.capitalize()} a client (confirmation page, then the action).", tags=("pages",),
              auth="approved", include=False)
    async def page(request: Request) -> Response:
        form = await form_with_csrf(request) if request.method == "POST" else {}
        subject, caller = signed_in(request)
        pool = request.app.state.pool
        client = present_client(request, await run(pool, "get_client", caller, client_id=_cid(request)))
        context = {"c": client, "kind": kind, "tz": subject["timezone"]}
        if request.method == "GET":
            return render(request, "dashboard/clients_confirm.html", context)
        try:
            if kind == "anonymise":
                if form.get("understood") != "yes":
                    raise ApiError(422, "validation_error", "Tick the box to confirm you understand this cannot be "
                                                            "undone.", "understood")
                await anonymise(request, caller, client["id"])
            else:
                await run(pool, "update_client", caller, client_id=client["id"], patch={"is_active": False},
                          phone_encrypted=None, phone_hash=None)
        except (ApiError, asyncpg.PostgresError) as exc:
            failure, status = form_error(exc, order=list(CLIENT_FIELDS))
            return render(request, "dashboard/clients_confirm.html", {**context, **failure}, status=status)
        return RedirectResponse(f"/dashboard/clients/{client['id']}?done={kind}d", status_code=303)

    page.__name__ = page.__qualname__ = f"client_{kind}"
    return page


client_deactivate = _confirmed_action("deactivate")
client_anonymise = _confirmed_action("anonymise")


@endpoint(summary="Make a deactivated client active again.", tags=("pages",), auth="approved", include=False)
async def client_reactivate(request: Request) -> Response:
    await form_with_csrf(request)
    _, caller = signed_in(request)
    await run(request.app.state.pool, "update_client", caller, client_id=_cid(request), patch={"is_active": True},
              phone_encrypted=None, phone_hash=None)
    return RedirectResponse(f"/dashboard/clients/{_cid(request)}?done=reactivated", status_code=303)


@endpoint(summary="Add a client.", tags=("pages",), auth="approved", include=False)
async def client_new(request: Request) -> Response:
    form = await form_with_csrf(request) if request.method == "POST" else {}
    _, caller = signed_in(request)
    values = {k: form.get(k, "").strip() for k in CLIENT_FIELDS}
    if request.method == "GET":
        return render(request, "dashboard/clients_new.html", {"values": values})
    try:
        b = parse_form(values, NewClient)
        client = await run(request.app.state.pool, "create_client", caller, b, **phone_fields(request, b.phone))
    except (ApiError, asyncpg.PostgresError) as exc:
        failure, status = form_error(exc, order=list(CLIENT_FIELDS))
        return render(request, "dashboard/clients_new.html", {"values": values, **failure}, status=status)
    return RedirectResponse(f"/dashboard/clients/{client['id']}?done=created", status_code=303)


CID = "{client_id:uuid}"
dashboard_routes = [
    Route("/clients", clients_list, methods=["GET"], name="clients_page"),
    Route("/clients/new", client_new, methods=["GET", "POST"], name="client_new_page"),
    Route(f"/clients/{CID}", client_detail, methods=["GET"], name="client_page"),
    Route(f"/clients/{CID}/edit", client_edit, methods=["POST"], name="client_edit_page"),
    Route(f"/clients/{CID}/export", client_export, methods=["GET"], name="client_export_page"),
    Route(f"/clients/{CID}/deactivate", client_deactivate, methods=["GET", "POST"],
          name="client_deactivate_page"),
    Route(f"/clients/{CID}/reactivate", client_reactivate, methods=["POST"], name="client_reactivate_page"),
    Route(f"/clients/{CID}/anonymise", client_anonymise, methods=["GET", "POST"],
          name="client_anonymise_page"),
]

# Test: pytest tests/http/test_dashboard_sessions_pages.py tests/e2e/test_dashboard_sessions.py
