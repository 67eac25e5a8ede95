# app/routes/public.py — the public page's API (/api/v1/public/…): profile, free slots, booking, the client's manage link.
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import asyncpg
from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.adapters.payments import GatewayRefused, GatewayUnavailable
from app.auth import new_token, token_hash
from app.crypto import encrypt, encrypt_text, keyed_hash
from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.auth import LINK_PURPOSE, OBJECT
from app.schemas import ClientPhone, Email, IsoInstant, Timezone
from app.sql import CommitOutcomeUnknown, run
from app.validation import QuerySchema, Schema, parse_body, parse_query

PHONE_PURPOSE = "client_phone"


class ClientIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: Email
    phone: ClientPhone | None = None


class BookingBody(Schema):
    slot_id: uuid.UUID
    session_type: Literal["personal", "webinar"]
    client: ClientIn
    notes: str | None = Field(default=None, max_length=2000)
    timezone: Timezone | None = None  # the client's own zone (the booking page sends the browser's)


class SlotsQuery(QuerySchema):
    type: Literal["personal", "webinar"] | None = None
    from_: IsoInstant | None = Field(default=None, alias="from")
    to: IsoInstant | None = None
    tz: Timezone | None = None


class CancelBody(Schema):
    reason: str | None = Field(default=None, max_length=1000)


class RescheduleBody(Schema):
    slot_id: uuid.UUID


def manage_url(request: Request, token: str) -> str:
    return f"{request.app.state.settings.public_base_url}/booking/{token}"


def manage_token_for(request: Request, idempotency_key: str | None) -> str:
    """A retried booking (same Idempotency-Key) must answer the same manage link without the link ever
    being stored: derive it from the key under a server secret. Without a key it is random."""
    if not idempotency_key:
        return new_token("mt")
    digest = hmac.new(request.app.state.secrets.data_key.encode(), b"manage:" + idempotency_key.encode(),
                      hashlib.sha256).digest()
    return "mt_" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@endpoint(summary="A consultant's public profile (404 unless approved and active).", tags=("public",),
          responses={200: OBJECT, 404: None})
async def public_consultant(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "public_consultant", slug=request.path_params["slug"]))


@endpoint(summary="Free slots, as instants with offsets (and in `tz` when given).", tags=("public",), query=SlotsQuery,
          responses={200: OBJECT, 404: None})
async def public_slots(request: Request) -> JSONResponse:
    q = parse_query(request, SlotsQuery)
    if q.from_ and q.to and q.to <= q.from_:
        raise ApiError(422, "validation_error", "to must be after from.", "to")
    rows = await run(request.app.state.pool, "public_slots", slug=request.path_params["slug"], session_type=q.type,
                     from_=q.from_, to_=q.to)
    zone = ZoneInfo(q.tz) if q.tz else None
    items = []
    for r in rows:
        item = {"slot_id": str(r["slot_id"]), "session_type": r["session_type"], "starts_at": r["starts_at"].isoformat(),
                "ends_at": r["ends_at"].isoformat(), "capacity": r["capacity"], "remaining": r["remaining"]}
        if zone:
            item["starts_at_local"] = r["starts_at"].astimezone(zone).isoformat()
            item["ends_at_local"] = r["ends_at"].astimezone(zone).isoformat()
        items.append(item)
    return JSONResponse({"items": items, "tz": q.tz})


def checkout_for(request: Request, booking: dict, prefill: dict) -> dict | None:
    """What Razorpay Checkout (or the local checkout page) needs to take the payment of a pending booking."""
    payment = booking.get("payment")
    if booking["status"] != "pending" or not payment or payment["status"] not in ("pending", "failed"):
        return None
    if datetime.fromisoformat(booking["hold_expires_at"]) <= datetime.now(UTC):
        return None  # the hold has run out: the time may be taken; the client books again
    gateway = request.app.state.payments
    consultant = booking["consultant"]
    checkout = {"key_id": gateway.key_id, "order_id": payment["order_id"], "amount": payment["amount_paise"],
                "currency": payment["currency"], "name": f"{consultant['first_name']} {consultant['last_name']}",
                "description": booking["title"],
                "prefill": prefill,
                "notes": {"session_id": booking["session_id"]}}
    if gateway.name == "local":
        checkout["checkout_url"] = f"/dev/checkout/{payment['order_id']}"
    return checkout


@endpoint(summary="Book a slot: pending with a hold and a payment order while paying, or confirmed at once when "
                  "free. Send an Idempotency-Key header to retry safely.", tags=("public",), body=BookingBody,
          responses={201: OBJECT, 200: OBJECT, 404: None, 409: None, 422: None, 502: None})
async def book_slot(request: Request) -> JSONResponse:
    body = await parse_body(request, BookingBody)
    slug = request.path_params["slug"]
    key = request.headers.get("idempotency-key")
    if key is not None and not (1 <= len(key) <= 200 and key.isprintable()):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 printable characters.")
    canonical = json.dumps({"slug": slug, **body.model_dump(mode="json")}, sort_keys=True).encode()
    request_sha256 = hashlib.sha256(canonical).digest()
    pool, secrets, gateway = request.app.state.pool, request.app.state.secrets, request.app.state.payments
    token = manage_token_for(request, key)
    # 1. The price (or the answer already given to this key), and a refusal before any order if the slot is gone.
    quote = await run(pool, "booking_quote", slug=slug, slot_id=body.slot_id, session_type=body.session_type,
                      idempotency_key=key, request_sha256=request_sha256)
    if "replay" in quote:
        # The same booking as it stands now (paid meanwhile, or cancelled), not the first answer's snapshot:
        # the manage token is derived from the key, so it finds the booking.
        booking, replayed = await booking_with_checkout(request, token_hash(token)), True
    else:
        # 2. The gateway order comes first, outside any transaction: if Razorpay is down nothing is written.
        order = None
        if quote["amount_paise"] > 0:
            try:
                order = await gateway.create_order(quote["amount_paise"], quote["session_id"], {
                    "purpose": "session", "session_id": quote["session_id"], "consultant_id": quote["consultant_id"]})
            except (GatewayUnavailable, GatewayRefused) as exc:
                raise ApiError(502, "payment_gateway_unavailable",
                               "Payments are unavailable just now; nothing was booked. Please try again.") from exc
        # 3. The booking and its pending payment, in one transaction.
        phone = body.client.phone
        booking = await run_or_look_up(request, token, "book_slot", slug=slug, slot_id=body.slot_id,
                            session_type=body.session_type, client_name=body.client.name.strip(),
                            client_email=body.client.email,
                            client_phone_encrypted=encrypt(secrets.data_key, PHONE_PURPOSE, phone) if phone else None,
                            client_phone_hash=keyed_hash(secrets.data_key, PHONE_PURPOSE, phone) if phone else None,
                            notes=body.notes, manage_token_hash=token_hash(token),
                            manage_link_encrypted=encrypt_text(secrets.data_key, LINK_PURPOSE, manage_url(request, token)),
                            idempotency_key=key, request_sha256=request_sha256, session_id=uuid.UUID(quote["session_id"]),
                            gateway=gateway.name, order_id=order["id"] if order else None,
                            amount_paise=quote["amount_paise"], client_timezone=body.timezone)
        replayed = booking.pop("replayed", False)
    booking["manage_url"] = manage_url(request, token)
    booking["checkout"] = checkout_for(request, booking, {"name": body.client.name.strip(), "email": body.client.email,
                                                          "contact": body.client.phone or ""})
    booking["next_step"] = "pay" if booking["checkout"] else "done"
    return JSONResponse(booking, status_code=200 if replayed else 201,
                        headers={"idempotent-replayed": "true"} if replayed else None)


async def run_or_look_up(request: Request, token: str, name: str, **params) -> dict:
    """`run` for the booking write, except when the database went away with its COMMIT in flight: then the
    booking may exist, and answering 503 would hide it (tests/faults/test_db_restart.py). Look it up by its
    manage token, waiting a few seconds for the database to come back; only a booking that is not there (or
    a database still away) is answered 503, and a retry with the same Idempotency-Key replays it. A booking
    found this way is answered in the shape a replay has (the manage view)."""
    try:
        return await run(request.app.state.pool, name, **params)
    except CommitOutcomeUnknown as lost:
        deadline = time.monotonic() + COMMIT_LOOKUP_SECONDS
        missing = 0
        while True:
            await asyncio.sleep(0.5)
            try:
                found = await run(request.app.state.pool, "public_booking", token_hash=token_hash(token))
            except asyncpg.PostgresError as exc:
                if exc.sqlstate == "NK404":
                    # Not there. Looked at twice, a second apart: a backend cut off from us may still have been
                    # finishing its COMMIT at the first look. Then the 503 is the truth.
                    missing += 1
                    if missing >= 2:
                        raise lost from None
                    await asyncio.sleep(1)
                    continue
                if time.monotonic() < deadline:
                    continue  # anything else (a standby being promoted…): look again
                raise lost from None
            except ApiError:
                if time.monotonic() < deadline:
                    continue
                raise lost from None
            return {k: v for k, v in found.items() if k != "checkout"}


COMMIT_LOOKUP_SECONDS = 10


def _token(request: Request) -> bytes:
    return token_hash(request.path_params["token"])


@endpoint(summary="A booking through its manage link, with what the client may do and the refund due now.",
          tags=("public",), responses={200: OBJECT, 404: None})
async def public_booking(request: Request) -> JSONResponse:
    return JSONResponse(await booking_with_checkout(request, _token(request)))


async def booking_with_checkout(request: Request, manage_token_hash: bytes) -> dict:
    """The booking behind a manage link, with what Checkout needs while it can still be paid (a client who
    closed Checkout comes back to pay while the hold lasts). Shared by the API and the manage page."""
    booking = await run(request.app.state.pool, "public_booking", token_hash=manage_token_hash)
    booking["checkout"] = checkout_for(request, booking, {"name": booking["client"]["name"],
                                                         "email": booking["client"]["email"], "contact": ""})
    return booking


@endpoint(summary="Cancel through the manage link, within the consultant's policy (answers the refund due).",
          tags=("public",), body=CancelBody, responses={200: OBJECT, 404: None, 409: None})
async def public_cancel_booking(request: Request) -> JSONResponse:
    body = await parse_body(request, CancelBody)
    return JSONResponse(await run(request.app.state.pool, "public_cancel_booking", token_hash=_token(request),
                                  reason=body.reason))


@endpoint(summary="Move the booking to another free slot (atomically), within policy.", tags=("public",),
          body=RescheduleBody, responses={200: OBJECT, 404: None, 409: None})
async def public_reschedule_booking(request: Request) -> JSONResponse:
    body = await parse_body(request, RescheduleBody)
    return JSONResponse(await run(request.app.state.pool, "public_reschedule_booking", token_hash=_token(request),
                                  slot_id=body.slot_id))


routes = [
    Route("/api/v1/public/consultants/{slug}", public_consultant, methods=["GET"], name="public_consultant"),
    Route("/api/v1/public/consultants/{slug}/slots", public_slots, methods=["GET"], name="public_slots"),
    Route("/api/v1/public/consultants/{slug}/bookings", book_slot, methods=["POST"], name="book_slot"),
    Route("/api/v1/public/bookings/{token}", public_booking, methods=["GET"], name="public_booking"),
    Route("/api/v1/public/bookings/{token}/cancel", public_cancel_booking, methods=["POST"],
          name="public_cancel_booking"),
    Route("/api/v1/public/bookings/{token}/reschedule", public_reschedule_booking, methods=["POST"],
          name="public_reschedule_booking"),
]

# Test: pytest tests/http/test_booking.py
