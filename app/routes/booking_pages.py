# app/routes/booking_pages.py — the pages a client sees: a consultant's page with the booking flow at /<slug>, and the manage page at /booking/<token>.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from pydantic import Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.auth import token_hash
from app.client_time import client_zone
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import loads
from app.routes.public import booking_with_checkout
from app.schemas import Instant
from app.schemas_tz import timezone_options
from app.sql import run
from app.validation import QuerySchema, parse_query
from app.web import form_with_csrf, render

# Razorpay Checkout is the provider's own script and frames (our assets are all served here); the page
# that opens it allows exactly those, and only when Razorpay is the gateway.
RAZORPAY_CSP = ("default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self' https://checkout.razorpay.com; frame-src https://api.razorpay.com "
                "https://checkout.razorpay.com; connect-src 'self' https://*.razorpay.com; frame-ancestors 'none'; "
                "base-uri 'self'; form-action 'self'; object-src 'none'")


@endpoint(summary="A consultant's public page with the booking flow.", tags=("pages",), include=False)
async def consultant_page(request: Request) -> Response:
    profile = await run(request.app.state.pool, "public_consultant", slug=request.path_params["slug"])
    gateway = request.app.state.payments
    states = (await run(request.app.state.pool, "gst_states"))["items"]  # the GST invoice's State, optional
    response = render(request, "pages/consultant.html", {"c": profile, "razorpay": gateway.name == "razorpay",
                                                         "timezone_options": timezone_options(), "gst_states": states})
    if gateway.name == "razorpay":
        response.headers["content-security-policy"] = RAZORPAY_CSP
    return response


def _token(request: Request) -> bytes:
    return token_hash(request.path_params["token"])


async def _booking(request: Request) -> dict:
    return await booking_with_checkout(request, _token(request))


@endpoint(summary="The client's manage page: status, payment, cancel and reschedule within policy.",
          tags=("pages",), include=False)
async def manage_page(request: Request) -> Response:
    booking = await _booking(request)
    gateway = request.app.state.payments
    response = render(request, "pages/booking.html", {
        "b": booking, "token": request.path_params["token"], "razorpay": gateway.name == "razorpay",
        "notice": request.query_params.get("done"),
        "manage_url": f"{request.app.state.settings.public_base_url}/booking/{request.path_params['token']}"})
    if gateway.name == "razorpay":
        response.headers["content-security-policy"] = RAZORPAY_CSP
    return response


@endpoint(summary="Cancel a booking from its manage page (the refund due is shown first).", tags=("pages",),
          include=False)
async def manage_cancel(request: Request) -> Response:
    token = request.path_params["token"]
    if request.method == "GET":
        return render(request, "pages/booking_cancel.html", {"b": await _booking(request), "token": token})
    form = await form_with_csrf(request)
    reason = (form.get("reason") or "").strip()[:1000] or None
    await run(request.app.state.pool, "public_cancel_booking", token_hash=_token(request), reason=reason)
    return RedirectResponse(f"/booking/{token}?done=cancelled", status_code=303)


@endpoint(summary="Move a booking to another free time from its manage page.", tags=("pages",), include=False)
async def manage_reschedule(request: Request) -> Response:
    token = request.path_params["token"]
    booking = await _booking(request)
    if request.method == "POST":
        form = await form_with_csrf(request)
        try:
            slot_id = uuid.UUID(form.get("slot_id", ""))
        except ValueError as exc:
            raise ApiError(422, "validation_error", "Choose a new time.", "slot_id") from exc
        await run(request.app.state.pool, "public_reschedule_booking", token_hash=_token(request), slot_id=slot_id)
        return RedirectResponse(f"/booking/{token}?done=rescheduled", status_code=303)
    consultant = booking["consultant"]
    # A week of free times at a time, from ?from= (never before now), with links to the weeks around it: the
    # slot list is paged by the database (api.public_slots answers its range and the next), never cut silently.
    now = datetime.now(UTC)
    start = max(parse_query(request, RescheduleWeek, blank_is_missing=True).from_ or now, now)
    page = loads(await run(request.app.state.pool, "public_slots", slug=consultant["slug"],
                           session_type=booking["session_type"], from_=start, to_=start + RESCHEDULE_WEEK))
    rows = [{**r, "starts_at": datetime.fromisoformat(r["starts_at"])} for r in page["items"]]
    # The client's own zone first (days and times), the consultant's beside each time when it differs.
    zone = ZoneInfo(client_zone(booking.get("client_timezone"), consultant["timezone"]))
    days = [(day, list(items)) for day, items in groupby(
        rows, key=lambda r: r["starts_at"].astimezone(zone).strftime("%A, %d %B %Y"))]
    earlier = max(start - RESCHEDULE_WEEK, now) if start > now + timedelta(minutes=1) else None
    later = datetime.fromisoformat(page["next"]["from"]) if page["next"] else None
    week_to = datetime.fromisoformat(page["to"]) - timedelta(microseconds=1)  # the range ends before `to`
    week = f"{start.astimezone(zone):%d %b} – {week_to.astimezone(zone):%d %b %Y}"
    return render(request, "pages/booking_reschedule.html", {
        "b": booking, "token": token, "days": days, "zone": zone, "week": week, "earlier": earlier, "later": later})


RESCHEDULE_WEEK = timedelta(days=7)


class RescheduleWeek(QuerySchema):
    from_: Instant | None = Field(default=None, alias="from")


site_routes = [
    Route("/booking/{token}", manage_page, methods=["GET"], name="manage_page"),
    Route("/booking/{token}/cancel", manage_cancel, methods=["GET", "POST"], name="manage_cancel"),
    Route("/booking/{token}/reschedule", manage_reschedule, methods=["GET", "POST"], name="manage_reschedule"),
]
# Last in the route table: every other top-level path wins over a slug (and reserved slugs cannot be taken).
slug_routes = [Route("/{slug}", consultant_page, methods=["GET"], name="consultant_page")]

# Test: pytest tests/http/test_pages.py tests/e2e/
