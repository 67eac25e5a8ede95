# app/routes/public.py — the public page's API (/api/v1/public/…): profile, free slots, booking, the client's manage link.
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
import uuid
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import asyncpg
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.adapters.payments import GatewayRefused, GatewayUnavailable
from app.adapters.route import order_transfers
from app.answers import Booking, Checkout, ManagedBooking, RefundDue, SessionType
from app.answers_account import RefundLadderStep
from app.auth import client_network, new_token, token_hash
from app.crypto import decrypt_text, encrypt, encrypt_text, keyed_hash
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse, loads
from app.routes.auth import LINK_PURPOSE
from app.schemas import Amount, ClientName, ClientPhone, Email, Id, Instant, Timezone, trimmed
from app.sql import CommitOutcomeUnknown, run
from app.validation import (
    Answer,
    QuerySchema,
    Schema,
    idempotency_header,
    idempotency_key,
    parse_body,
    parse_query,
    replayed_header,
)

PHONE_PURPOSE = "client_phone"
IP_PURPOSE = "client_ip"


class ClientIn(Schema):
    name: ClientName
    email: Email
    phone: ClientPhone | None = None


class BillingIn(Schema):
    """What the client's invoice needs beyond their name (docs/gst.md): their State decides CGST + SGST or IGST; a
    GSTIN (a business) puts it on the invoice. Checked in SQL: a 422 names the field (billing.gstin, …)."""

    state_code: str | None = Field(default=None, max_length=10, examples=["29"],
                                   description="GST State code (GET /gst-states); a GSTIN's own when one is given.")
    country: str | None = Field(default=None, max_length=10, examples=["IN"],
                                description="ISO 3166 alpha-2; IN when a State or GSTIN is given. Abroad: no State.")
    gstin: str | None = Field(default=None, max_length=30, examples=["29AAPFU0939F1ZR"])
    billing_name: trimmed(200, 2, "The name to invoice (a business), 2 to 200 characters.") | None = None  # type: ignore[valid-type]
    address: trimmed(300, 5, "The billing address on one line (building, street, city), 5 to 300 characters.") | None = None  # type: ignore[valid-type]
    postal_code: str | None = Field(default=None, max_length=16, examples=["560001"],
                                    description="A six-digit PIN code in India; a postal code abroad.")


class BookingBody(Schema):
    slot_id: Id
    session_type: Literal["personal", "webinar"]
    client: ClientIn
    notes: str | None = Field(default=None, max_length=2000)
    timezone: Timezone | None = None  # the client's own zone (the booking page sends the browser's)
    billing: BillingIn | None = Field(default=None, description="For the GST invoice: the State, address and PIN code "
                                      "(required when the consultant's `gst_invoice` is true and the session is "
                                      "paid), a GSTIN and a name for a business.")


class SlotsQuery(QuerySchema):
    type: Literal["personal", "webinar"] | None = None
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None
    tz: Timezone | None = None


class CancelBody(Schema):
    reason: str | None = Field(default=None, max_length=1000)


class ClientRescheduleBody(Schema):
    slot_id: Id


def manage_url(request: Request, token: str) -> str:
    return f"{request.app.state.settings.public_base_url}/booking/{token}"


def client_ip_hash(request: Request) -> bytes | None:
    """The visitor's address as an HMAC under the server key: enough to count one address's holds and
    bookings, useless to a reader of the database without the key. An IPv6 visitor is their /64 (one
    household or phone gets a whole /64 and can pick any address in it)."""
    network = client_network(request)
    return keyed_hash(request.app.state.secrets.data_key, IP_PURPOSE, network) if network else None


class PublicPolicy(Answer):
    min_notice_minutes: int
    max_days_ahead: int
    client_cutoff_hours: int | None
    refund_ladder: list[RefundLadderStep] | None
    max_reschedules: int | None


class PublicConsultant(Answer):
    """A published consultant's page: who they are, what they offer at what price, and their booking policy."""

    slug: str
    first_name: str
    last_name: str
    profile_photo_url: str | None
    consultancy_sector: str | None
    description: str | None
    experience_months: int | None
    personal_session_title: str | None
    webinar_session_title: str | None
    personal_session_price: Amount
    webinar_session_price: Amount
    currency: str
    timezone: str
    instagram_url: str | None
    linkedin_url: str | None
    twitter_url: str | None
    booking_policy: PublicPolicy
    personal_session_minutes: list[int] = Field(description="Lengths of the one-to-one slots offered, shortest first.")
    webinar_session_minutes: list[int] = Field(description="Lengths of the webinar slots offered, shortest first.")
    gst_invoice: bool = Field(description="A paid booking gets this consultant's GST tax invoice: its `billing` then "
                                          "needs the client's address (with `state_code` and a PIN `postal_code` in "
                                          "India, or `country` abroad) — GST rule 46.")
    branded: bool = Field(description="The page carries \"Powered by Nakksha\" (false when the consultant's plan "
                                      "removes the branding).")


class NewBooking(Booking):
    manage_url: str = Field(description="The client's link to see, pay, cancel or move the booking.")
    checkout: Checkout | None
    next_step: Literal["pay", "done"]


class CheckoutBooking(ManagedBooking):
    checkout: Checkout | None


class CancelledBooking(Booking):
    refund_due: RefundDue


@endpoint(named="public_consultant", tags=("public",),
          responses={200: PublicConsultant, 404: None})
async def public_consultant(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "public_consultant", slug=request.path_params["slug"]))


class PublicSlot(Answer):
    slot_id: uuid.UUID
    session_type: SessionType
    starts_at: datetime = Field(description="UTC, with its offset.")
    ends_at: datetime
    starts_at_local: datetime | None = Field(default=None, description="In `tz`, when it was given.")
    ends_at_local: datetime | None = None
    capacity: int = Field(ge=1)
    remaining: int = Field(ge=0, description="Seats still free (a webinar's; 1 for a free personal slot).")


class SlotRange(Answer):
    from_: datetime = Field(alias="from")
    to: datetime


class PublicSlotPage(Answer):
    """One date range of free slots; `next` is the range to ask for next (null past the booking horizon)."""

    items: list[PublicSlot]
    from_: datetime = Field(alias="from", description="The range this page covers in full, from…")
    to: datetime = Field(description="…to (earlier than asked when the range held more than 1000 slots).")
    next: SlotRange | None
    tz: str | None


@endpoint(named="public_slots", tags=("public",), query=SlotsQuery,
          responses={200: PublicSlotPage, 404: None})
async def public_slots(request: Request) -> Response:
    q = parse_query(request, SlotsQuery)
    if q.from_ and q.to and q.to <= q.from_:
        raise ApiError(422, "validation_error", "to must be after from.", "to")
    # The database writes the answer itself, every time as UTC text (api.public_slots): handed on as it comes, the
    # Python layer costs less than the SQL (issue 20). Only a page asked for in a time zone is read here, to add
    # each slot's local times (Python's zoneinfo is the list of names the API accepts).
    page = await run(request.app.state.pool, "public_slots", slug=request.path_params["slug"], session_type=q.type,
                     from_=q.from_, to_=q.to)
    if q.tz is None:  # the answer's last member, `tz`, is the request's own: null here
        return Response(f'{page[:-1]},"tz":null}}'.encode(), media_type="application/json")
    answer, zone = loads(page), ZoneInfo(q.tz)
    for item in answer["items"]:
        item["starts_at_local"] = datetime.fromisoformat(item["starts_at"]).astimezone(zone).isoformat()
        item["ends_at_local"] = datetime.fromisoformat(item["ends_at"]).astimezone(zone).isoformat()
    answer["tz"] = q.tz
    return JSONResponse(answer)


def checkout_for(request: Request, booking: dict, prefill: dict) -> dict | None:
    """What Razorpay Checkout (or the local checkout page) needs to take the payment of a booking SQL says can still
    be paid (`payable`: pending, its hold lasting, its order unpaid). A replayed Idempotency-Key carries the first
    answer, and with it the flag as it was then, so the replay is that answer again."""
    return checkout_options(request, booking, booking["title"], prefill, {"session_id": booking.get("session_id")})


def checkout_options(request: Request, payable: dict, description: str, prefill: dict, notes: dict) -> dict | None:
    """Razorpay Checkout's options for what SQL says may be paid (`payable`), a booking's or a quotation's: its
    order, the amount in paise, whom it is paid to. With the local gateway, the stand-in page's address."""
    if not payable.get("payable"):
        return None
    payment, consultant, gateway = payable["payment"], payable["consultant"], request.app.state.payments
    checkout = {"key_id": gateway.key_id, "order_id": payment["order_id"], "amount": payment["amount_paise"],
                "currency": payment["currency"], "name": f"{consultant['first_name']} {consultant['last_name']}",
                "description": description, "prefill": prefill, "notes": notes}
    if gateway.name == "local":
        checkout["checkout_url"] = f"/dev/checkout/{payment['order_id']}"
    return checkout


REPLAYED = replayed_header("a new booking")
IDEMPOTENCY_KEY = idempotency_header(
    "New per booking: the same key with the same body answers the first answer again (with Idempotent-Replayed: "
    "true); with another body, 422 idempotency_key_reused; while the first is still being answered, 409 "
    "idempotency_key_in_use.")


@endpoint(summary="Book a slot: pending with a hold and a payment order while paying, or confirmed at once when "
                  "free. Send an Idempotency-Key header to retry safely (a retry gets the first answer, status "
                  "included). 429 with Retry-After when the address or the email has made too many bookings, keeps "
                  "too many unpaid holds here, or the email received too many booking emails today.",
          tags=("public",), body=BookingBody, headers=(IDEMPOTENCY_KEY,), answer_headers={201: REPLAYED},
          responses={201: NewBooking, 404: None, 409: None, 422: None, 429: None, 502: None})
async def book_slot(request: Request) -> JSONResponse:
    body = await parse_body(request, BookingBody)
    slug = request.path_params["slug"]
    key = idempotency_key(request.headers.get("idempotency-key"))
    fields = body.model_dump(mode="json")
    if fields["billing"] is None:
        del fields["billing"]  # a body without billing hashes as it did before billing existed (keys in flight)
    canonical = json.dumps({"slug": slug, **fields}, sort_keys=True).encode()
    request_sha256 = hashlib.sha256(canonical).digest()
    pool, secrets, gateway = request.app.state.pool, request.app.state.secrets, request.app.state.payments
    ip_hash = client_ip_hash(request)
    prefill = {"name": body.client.name.strip(), "email": body.client.email, "contact": body.client.phone or ""}
    # 1. Before any order: the answer already given to this key (or the key claimed), the abuse limits, the price,
    #    and a refusal if the slot is gone.
    billing = body.billing.model_dump(exclude_none=True) if body.billing else None
    quote = await run(pool, "booking_quote", slug=slug, slot_id=body.slot_id, session_type=body.session_type,
                      client_email=body.client.email, client_ip_hash=ip_hash, idempotency_key=key,
                      request_sha256=request_sha256, billing=billing)
    if "replay" in quote:
        return replay_answer(request, quote["replay"], prefill)
    # The manage link is random, never derived from the client's key; a replay finds it stored with the key.
    token = new_token("mt")
    manage_link = manage_url(request, token)
    try:
        # 2. The gateway order comes first, outside any transaction: if Razorpay is down nothing is written.
        order = None
        if quote["amount_paise"] > 0:
            try:
                order = await gateway.create_order(quote["amount_paise"], quote["session_id"], {
                    "purpose": "session", "session_id": quote["session_id"], "consultant_id": quote["consultant_id"]},
                    transfers=order_transfers(quote, "session", quote["session_id"]))
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
                            manage_link_encrypted=encrypt_text(secrets.data_key, LINK_PURPOSE, manage_link),
                            idempotency_key=key, request_sha256=request_sha256, session_id=uuid.UUID(quote["session_id"]),
                            gateway=gateway.name, order_id=order["id"] if order else None,
                            amount_paise=quote["amount_paise"], client_timezone=body.timezone,
                            client_ip_hash=ip_hash, billing=billing)
    except (ApiError, asyncpg.PostgresError):
        if key is not None:
            # Refused after the key was claimed: free it, so this request sent again is booked then.
            with contextlib.suppress(ApiError, asyncpg.PostgresError):
                await run(pool, "release_idempotency_key", slug=slug, key=key, request_sha256=request_sha256)
        raise
    if "replay" in booking:  # another request with this key booked meanwhile (its claim had lapsed)
        return replay_answer(request, booking["replay"], prefill)
    return JSONResponse(booking_answer(request, booking, manage_link, prefill), status_code=201)


def booking_answer(request: Request, booking: dict, manage_link: str, prefill: dict) -> dict:
    """The body a booking is answered with: the booking, its manage link, and what Checkout needs to pay it."""
    out = {**booking, "manage_url": manage_link}
    out["checkout"] = checkout_for(request, booking, prefill)
    out["next_step"] = "pay" if out["checkout"] else "done"
    return out


def replay_answer(request: Request, replay: dict, prefill: dict) -> JSONResponse:
    """The first answer to an Idempotency-Key again: its status and body as they were (the booking as it stands
    now is at its manage link). The prefill comes from this request, which is the same request."""
    link = decrypt_text(request.app.state.secrets.data_key, LINK_PURPOSE, replay["manage_link_encrypted"])
    body = booking_answer(request, replay["response"], link, prefill)
    return JSONResponse(body, status_code=replay["status_code"], headers={"idempotent-replayed": "true"})


async def run_or_look_up(request: Request, token: str, name: str, **params) -> dict:
    """`run` for the booking write, except when the database went away with its COMMIT in flight: then the
    booking may exist, and answering 503 would hide it (tests/faults/test_db_restart.py). Look it up by its
    manage token, waiting a few seconds for the database to come back; only a booking that is not there (or
    a database still away) is answered 503, and a retry with the same Idempotency-Key replays it. A booking
    found this way is answered as the booking was (the manage view's own fields left out, as a replay's are)."""
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
            return {k: v for k, v in found.items() if k not in MANAGE_ONLY}


COMMIT_LOOKUP_SECONDS = 10
# What the manage view adds to a booking (ManagedBooking, CheckoutBooking): not part of a booking's answer. Read
# from the models, so a field the manage view gains is left out here too (client_timezone and refunds once were not).
MANAGE_ONLY = frozenset(CheckoutBooking.model_fields) - frozenset(Booking.model_fields)


def _token(request: Request) -> bytes:
    return token_hash(request.path_params["token"])


@endpoint(summary="A booking through its manage link, with what the client may do and the refund due now.",
          tags=("public",), responses={200: CheckoutBooking, 404: None})
async def public_booking(request: Request) -> JSONResponse:
    return JSONResponse(await booking_with_checkout(request, _token(request)))


async def booking_with_checkout(request: Request, manage_token_hash: bytes) -> dict:
    """The booking behind a manage link, with what Checkout needs while it can still be paid (a client who
    closed Checkout comes back to pay while the hold lasts). Shared by the API and the manage page."""
    booking = await run(request.app.state.pool, "public_booking", token_hash=manage_token_hash)
    booking["checkout"] = checkout_for(request, booking, {"name": booking["client"]["name"],
                                                         "email": booking["client"]["email"], "contact": ""})
    return booking


@endpoint(named="public_cancel_booking",
          tags=("public",), body=CancelBody, responses={200: CancelledBooking, 404: None, 409: None})
async def public_cancel_booking(request: Request) -> JSONResponse:
    body = await parse_body(request, CancelBody)
    return JSONResponse(await run(request.app.state.pool, "public_cancel_booking", token_hash=_token(request),
                                  reason=body.reason))


@endpoint(named="public_reschedule_booking",
          tags=("public",), body=ClientRescheduleBody, responses={200: ManagedBooking, 404: None, 409: None, 429: None})
async def public_reschedule_booking(request: Request) -> JSONResponse:
    body = await parse_body(request, ClientRescheduleBody)
    return JSONResponse(await run(request.app.state.pool, "public_reschedule_booking", token_hash=_token(request),
                                  slot_id=body.slot_id))


api_routes = [
    Route("/public/consultants/{slug}", public_consultant, methods=["GET"], name="public_consultant"),
    Route("/public/consultants/{slug}/slots", public_slots, methods=["GET"], name="public_slots"),
    Route("/public/consultants/{slug}/bookings", book_slot, methods=["POST"], name="book_slot"),
    Route("/public/bookings/{token}", public_booking, methods=["GET"], name="public_booking"),
    Route("/public/bookings/{token}/cancel", public_cancel_booking, methods=["POST"],
          name="public_cancel_booking"),
    Route("/public/bookings/{token}/reschedule", public_reschedule_booking, methods=["POST"],
          name="public_reschedule_booking"),
]

# Test: pytest tests/http/test_booking.py
