# app/routes/clients.py — the consultant's clients (/api/v1/clients…): list and search, create, profile, edit, deactivate, export, anonymise.
from __future__ import annotations

import base64
import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.routing import Route

from app.answers import Client, Page, Session
from app.crypto import DecryptionError, decrypt, encrypt, keyed_hash
from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.routes.public import PHONE_PURPOSE
from app.routes.quotations import forget_images
from app.schemas import Amount, ClientName, Email, normalise_phone
from app.schemas import ClientPhone as Phone
from app.sql import run
from app.validation import Answer, QuerySchema, Schema, parse_body, parse_query


class ClientQuery(QuerySchema):
    q: str | None = Field(default=None, max_length=200)
    active: bool | None = None
    sort: Literal["name", "-last_session_at", "-total_amount_paid", "-total_sessions", "-created_at"] | None = None
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=25, ge=1, le=100)


class NewClient(Schema):
    name: ClientName
    email: Email
    phone: Phone | None = None
    notes: str | None = Field(default=None, max_length=10000)


class ClientPatch(Schema):
    name: ClientName = None  # type: ignore[assignment]
    email: Email = None  # type: ignore[assignment]
    phone: Phone | None = None
    notes: str | None = Field(default=None, max_length=10000)
    is_active: bool = None  # type: ignore[assignment]


def present_client(request: Request, client: dict) -> dict:
    """Consultants call their clients: the phone is decrypted for them (and only for them)."""
    out = dict(client)
    blob = out.pop("phone_encrypted", None)
    phone = None
    if blob:
        try:
            phone = decrypt(request.app.state.secrets.data_key, PHONE_PURPOSE, base64.b64decode(blob))
        except (DecryptionError, ValueError):
            phone = None
    out["phone"] = phone
    return out


def phone_fields(request: Request, phone: str | None) -> dict:
    key = request.app.state.secrets.data_key
    return {"phone_encrypted": encrypt(key, PHONE_PURPOSE, phone) if phone else None,
            "phone_hash": keyed_hash(key, PHONE_PURPOSE, phone) if phone else None}


def _cid(request: Request):
    return request.path_params["client_id"]


async def anonymise(request: Request, caller, client_id) -> dict:
    """The one anonymisation (API and page). The phone goes along in clear, decrypted here (the database holds
    no key), so that the database can find it wherever it was written down (a gateway's report, a note)."""
    pool = request.app.state.pool
    blob = await run(pool, "client_phone", caller, client_id=client_id)
    phone = present_client(request, {"phone_encrypted": blob})["phone"]
    client = await run(pool, "anonymise_client", caller, client_id=client_id, phone=phone)
    # Images of their quotations went from the rows; their files go from storage (unless shown elsewhere).
    await forget_images(request, caller.consultant_id, client.pop("forgotten_images", []))
    return client


class ClientPage(Page):
    items: list[Client]


class ClientDetail(Client):
    sessions: list[Session] = Field(description="Every session with this client, newest first.")


class ExportedPayment(Answer):
    id: uuid.UUID
    amount: Amount
    currency: str
    status: str
    amount_refunded: Amount
    paid_at: datetime | None
    created_at: datetime


class ExportedQuotation(Answer):
    id: uuid.UUID
    quotation_name: str
    final_amount: Amount
    status: str
    created_at: datetime


class ExportedEmail(Answer):
    type: str
    status: str
    queued_at: datetime


class ClientExport(Answer):
    exported_at: datetime
    client: Client
    sessions: list[Session]
    payments: list[ExportedPayment]
    quotations: list[ExportedQuotation]
    emails: list[ExportedEmail]


@endpoint(named="list_clients", tags=("clients",),
          auth="readable", query=ClientQuery, responses={200: ClientPage})
async def list_clients(request: Request) -> JSONResponse:
    q = parse_query(request, ClientQuery)
    digits = normalise_phone(q.q) if q.q else None
    phone_hash = (keyed_hash(request.app.state.secrets.data_key, PHONE_PURPOSE, digits)
                  if digits and re.fullmatch(r"\+?[0-9]{6,15}", digits) else None)
    result = await run(request.app.state.pool, "list_clients", request.state.caller, q, phone_hash=phone_hash)
    result["items"] = [present_client(request, c) for c in result["items"]]
    return JSONResponse(result)


@endpoint(named="create_client", tags=("clients",), auth="approved", body=NewClient, responses={201: Client, 409: None})
async def create_client(request: Request) -> JSONResponse:
    b = await parse_body(request, NewClient)
    client = await run(request.app.state.pool, "create_client", request.state.caller, b,
                       **phone_fields(request, b.phone))
    return JSONResponse(present_client(request, client), status_code=201)


@endpoint(named="get_client", tags=("clients",),
          auth="readable", responses={200: ClientDetail, 404: None})
async def get_client(request: Request) -> JSONResponse:
    client = await run(request.app.state.pool, "get_client", request.state.caller, client_id=_cid(request))
    return JSONResponse(present_client(request, client))


@endpoint(summary="Change a client (only the fields sent).", tags=("clients",), auth="approved", body=ClientPatch,
          responses={200: Client, 404: None, 409: None})
async def update_client(request: Request) -> JSONResponse:
    b = await parse_body(request, ClientPatch)
    patch = b.model_dump(mode="json", exclude_unset=True)
    phone = phone_fields(request, patch.pop("phone", None)) if "phone" in b.model_fields_set else {}
    if "phone" in b.model_fields_set:
        patch["phone"] = True
    client = await run(request.app.state.pool, "update_client", request.state.caller, client_id=_cid(request),
                       patch=patch, phone_encrypted=phone.get("phone_encrypted"), phone_hash=phone.get("phone_hash"))
    return JSONResponse(present_client(request, client))


@endpoint(summary="Deactivate a client (kept, hidden from active lists).", tags=("clients",), auth="approved",
          responses={200: Client, 404: None})
async def deactivate_client(request: Request) -> JSONResponse:
    client = await run(request.app.state.pool, "update_client", request.state.caller, client_id=_cid(request),
                       patch={"is_active": False}, phone_encrypted=None, phone_hash=None)
    return JSONResponse(present_client(request, client))


@endpoint(named="export_client", tags=("clients",), auth="readable",
          responses={200: ClientExport, 404: None})
async def export_client(request: Request) -> JSONResponse:
    data = await run(request.app.state.pool, "export_client", request.state.caller, client_id=_cid(request))
    data["client"] = present_client(request, data["client"])
    return JSONResponse(data, headers={"content-disposition": 'attachment; filename="client-export.json"'})


@endpoint(summary="Erase a client's personal data; sessions and payments stay as anonymous financial records.",
          tags=("clients",), auth="approved", responses={200: Client, 404: None})
async def anonymise_client(request: Request) -> JSONResponse:
    client = await anonymise(request, request.state.caller, _cid(request))
    return JSONResponse(present_client(request, client))


CID = "{client_id:uuid}"
api_routes = [
    Route("/clients", list_clients, methods=["GET"], name="list_clients"),
    Route("/clients", create_client, methods=["POST"], name="create_client"),
    Route(f"/clients/{CID}", get_client, methods=["GET"], name="get_client"),
    Route(f"/clients/{CID}", update_client, methods=["PATCH"], name="update_client"),
    Route(f"/clients/{CID}/deactivate", deactivate_client, methods=["POST"], name="deactivate_client"),
    Route(f"/clients/{CID}/export", export_client, methods=["GET"], name="export_client"),
    Route(f"/clients/{CID}/anonymise", anonymise_client, methods=["POST"], name="anonymise_client"),
]

# Test: pytest tests/http/test_clients.py
