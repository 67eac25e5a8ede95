# app/routes/dashboard_settings.py — the consultant's settings pages (/dashboard/settings…): profile and photo, availability, booking policy, bank details, meeting links, notifications, account.
"""Open to a consultant whether approved or not: a pending consultant prepares everything before the page
goes live. Every form is a plain POST carrying the CSRF token that runs the JSON API's own schema and named
query (no rule of its own); an error shows the same page again with the message, the field it concerns and
what was typed — never a password, a bank account number or an IFSC. Success redirects back with a notice
(post/redirect/get). Deleting a rule or a slot and unblocking go through a confirmation page; deleting the
account asks for the email address typed out and the password (so does the data download)."""
from __future__ import annotations

import re
import typing
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app import present
from app.crypto import encrypt
from app.endpoints import endpoint
from app.errors import ApiError, from_postgres
from app.images import MAX_PHOTO_BYTES
from app.middleware import BodySizeLimitMiddleware
from app.routes.auth import (
    ChangePasswordBody,
    CurrentPasswordBody,
    change_password_for,
    confirm_current_password,
)
from app.routes.availability import BlockBody, RuleBody, SlotBody
from app.routes.calendar import consent_csp, integrations
from app.routes.pages import signed_in
from app.routes.profile import (
    PHOTO_BODY_LIMIT,
    BankDetails,
    NotificationPreferences,
    ProfilePatch,
    _forget_photos,
    store_photo,
)
from app.schemas import FIRST_YEAR, LAST_YEAR, page_date
from app.sql import Caller, call, run, transaction
from app.validation import parse_form
from app.web import CSRF_FIELD, form_with_csrf, page_subject, render, require, session_cookie, set_cookie

BASE = "/dashboard/settings"
# The photo form posts here. The body-size limit is 1 MB except on paths app/main.py lets take more (the
# API's upload path): until this path is added there, the page says the smaller limit (see _photo_limit).
PAGE_PHOTO_PATH = f"{BASE}/profile/photo"

WEEKDAYS = {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday", 6: "Saturday", 7: "Sunday"}
TIMEZONES = ("Asia/Kolkata", "Asia/Dubai", "Asia/Riyadh", "Asia/Qatar", "Asia/Kathmandu", "Asia/Dhaka",
             "Asia/Colombo", "Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Hong_Kong", "Asia/Tokyo", "Europe/London",
             "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam", "Africa/Nairobi", "Africa/Johannesburg",
             "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
             "Australia/Perth", "Australia/Sydney", "Pacific/Auckland", "UTC")
PLATFORMS = {"zoom": "Zoom", "meet": "Google Meet", "teams": "Microsoft Teams"}
NOTIFICATIONS = {  # the API's NotificationPreferences, in words
    "session_booked": ("A client books a session", "An email with the client, the time and the amount."),
    "session_cancelled": ("A client cancels a session", "An email with the refund due, if any."),
    "quotation_viewed": ("A client opens a quotation you sent", "So you know when to follow up."),
    "quotation_responded": ("A client accepts or declines a quotation", "With their answer."),
}

# The notice after a change (?done=…); {n} is a count.
NOTICES = {
    "profile": "Your profile is saved.",
    "photo": "Your new photo is up.",
    "rules_added": "Weekly hours added for {n} day(s). Their times are in your calendar now.",
    "rule_deleted": "The weekly rule is deleted. Its free future times are gone; sessions already booked stay.",
    "slot_added": "One-off slot added.",
    "slot_deleted": "The one-off slot is deleted.",
    "block_added": "Blocked. Free times in that range are hidden from clients; sessions already booked stay.",
    "block_deleted": "Unblocked. Times from your weekly hours in that range are open again.",
    "gone": "That was already removed.",
    "policy": "Your booking and cancellation policy is saved.",
    "bank": "Bank details saved. They are stored encrypted and only ever shown masked.",
    "meetings": "Meeting settings saved.",
    "calendar_connected": "Calendar connected. New bookings appear on it, and its busy times are kept off your page.",
    "calendar_disconnected": "Calendar disconnected. Sessions keep the links they already have.",
    "notifications": "Notification preferences saved.",
    "password": "Password changed. You are still signed in here; every other device and app has been signed out.",
}

# Field names as the forms say them: an API message ("slot_minutes: Input should be …") names the field
# by its label instead.
LABELS = {
    "first_name": "First name", "last_name": "Last name", "consultancy_sector": "Field of consulting",
    "description": "About you", "experience_months": "Experience", "personal_session_title": "One-to-one title",
    "personal_session_price": "One-to-one price", "webinar_session_title": "Webinar title",
    "webinar_session_price": "Webinar price", "instagram_url": "Instagram", "linkedin_url": "LinkedIn",
    "twitter_url": "X (Twitter)", "phone_country_code": "Country code", "phone_number": "Mobile number",
    "timezone": "Time zone", "slug": "Page address", "photo": "Photo", "session_type": "Type of session",
    "weekday": "Days", "start_time": "Start time", "end_time": "End time", "slot_minutes": "Slot length",
    "capacity": "Seats", "valid_from": "From date", "valid_until": "Until date", "date": "Date",
    "start_date": "From", "end_date": "To", "reason": "Reason", "min_notice_minutes": "Minimum notice",
    "max_days_ahead": "How far ahead", "buffer_minutes": "Buffer", "hold_minutes": "Payment hold",
    "client_cutoff_hours": "Cut-off for changes", "max_reschedules": "Reschedules allowed",
    "refund_ladder": "Refunds", "bank_name": "Bank name", "account_number": "Account number",
    "account_number_confirm": "Account number again", "ifsc_code": "IFSC", "default_meeting_platform": "Default platform",
    "zoom_link": "Zoom link", "meet_link": "Google Meet link", "teams_link": "Microsoft Teams link",
    "current_password": "Current password", "new_password": "New password",
    "new_password_confirm": "New password again", "confirm_email": "Email address",
}
FORMATS = {  # what a pattern means, for "String should match pattern …"
    "slug": "use lowercase letters, digits and single hyphens, like asha-verma.",
    "phone_country_code": "write it like +91.", "phone_number": "use 6 to 14 digits, without the country code.",
    "account_number": "use 9 to 18 digits.", "ifsc_code": "11 characters, like HDFC0001234.",
    "zoom_link": "the link must start with https://.", "meet_link": "the link must start with https://.",
    "teams_link": "the link must start with https://.",
}
MESSAGES = {  # the schemas' whole-form checks, in words, and the field each concerns
    "end_time must be after start_time": ("The end time must be after the start time.", "end_time"),
    "the window is shorter than one slot": ("From start to end is shorter than one slot.", "slot_minutes"),
    "valid_until must not be before valid_from": ("The until date must not be before the from date.", "valid_until"),
    "ends_at must be after starts_at": ("The end must be after the start.", "end_time"),
    "refund_ladder steps must go from most hours before to fewest, refunds not increasing": (
        "Refund rows go from the most hours before to the fewest, and the refund must not rise from one row "
        "to the next.", "refund_ladder"),
}


# --- shared -------------------------------------------------------------------------------------------

Load = Callable[[Request, dict, Caller], Awaitable[dict]]
Submit = Callable[[dict[str, str], dict, Caller], Awaitable[Response]]


def _kept(name: str) -> bool:
    """Typed values shown again after an error: never a secret."""
    return name != CSRF_FIELD and "password" not in name and not name.startswith(("account_number", "ifsc"))


def _page_error(exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    mapped = from_postgres(exc)  # the same table the app's error handler uses
    if mapped is None:
        raise exc  # a bug, not the consultant's input: the app's handler logs it
    return mapped


def _explain(err: ApiError, renames: dict[str, str]) -> tuple[str, str | None]:
    """The message in the form's words, and the form field it concerns."""
    field, message = err.field, err.message.replace("Value error, ", "")
    named = bool(field and message.startswith(field + ": "))  # the schema's "field: what is wrong"
    if named:
        message = message[len(field) + 2:]
    if message in MESSAGES:
        (message, field), named = MESSAGES[message], False
    field = renames.get(field, field) if field else None
    if field and "String should match pattern" in message and field in FORMATS:
        message = FORMATS[field]
    message = message.replace("Input should", "It should", 1)
    message = message[:1].upper() + message[1:]
    label = LABELS.get(field or "") if named else None
    return (f"{label}: {message}" if label else message), field


def _notice(request: Request) -> str | None:
    text = NOTICES.get(request.query_params.get("done", ""))
    n = request.query_params.get("n", "1")
    return text.format(n=n if n.isdigit() else "1") if text else None


async def _page(request: Request, template: str, load: Load, submit: Submit | None = None, *, form: str = "main",
                renames: dict[str, str] | None = None) -> Response:
    """GET shows the page; POST runs the form's submit, and an ApiError or a mapped SQL error shows the page
    again with the message, the field and the typed values (status as the API would answer)."""
    who = await require(request, "consultant")
    if isinstance(who, Response):
        return who
    subject, caller = who
    ctx: dict = {"values": {}, "error": None, "error_field": None, "error_form": None, "notice": _notice(request)}
    status, headers = 200, {}
    if request.method == "POST" and submit is not None:
        data = await form_with_csrf(request)
        try:
            return await submit(data, subject, caller)
        except (ApiError, asyncpg.PostgresError) as exc:
            err = _page_error(exc)
            message, field = _explain(err, renames or {})
            ctx.update(values={k: v for k, v in data.items() if _kept(k)}, error=message, error_field=field,
                       error_form=form, notice=None)
            status, headers = err.status, err.headers  # a 429's Retry-After, as the API sends it
    ctx.update(await load(request, subject, caller))
    response = render(request, template, ctx, status=status)
    response.headers.update(headers)
    return response


def _done(path: str, what: str, **extra: object) -> RedirectResponse:
    query = "&".join([f"done={what}", *(f"{k}={v}" for k, v in extra.items())])
    return RedirectResponse(f"{BASE}{path}?{query}", status_code=303)


def _nullable(name: str) -> bool:
    return type(None) in typing.get_args(ProfilePatch.model_fields[name].annotation)


def _whole(raw: str) -> int | str:
    """A number field as the integer typed; anything else goes to the schema as typed, which says what is wrong."""
    raw = raw.strip().replace(",", "")
    return int(raw) if re.fullmatch(r"-?[0-9]{1,9}", raw) else raw


def _patch_fields(form: dict[str, str], names: tuple[str, ...], numbers: tuple[str, ...] = ()) -> dict:
    """Form fields as a profile patch: an emptied optional field is cleared (null), an emptied required one
    is an error (a form sends every field, so empty cannot mean 'leave as it is')."""
    data: dict = {}
    for name in names:
        raw = form.get(name, "")
        if not raw.strip():
            if not _nullable(name):
                raise ApiError(422, "missing_field", f"{name}: This cannot be left empty.", name)
            data[name] = None
        else:
            data[name] = _whole(raw) if name in numbers else raw
    return data


async def _update_profile(request: Request, caller: Caller, data: dict) -> dict:
    """The API's update_my_profile: the same schema, the same patch."""
    body = parse_form(data, ProfilePatch)
    patch = body.model_dump(mode="json", exclude_unset=True)
    if "notification_preferences" in patch:  # as the API: a preference not sent stays as it is
        patch["notification_preferences"] = {k: v for k, v in patch["notification_preferences"].items() if v is not None}
    return await run(request.app.state.pool, "update_my_profile", caller, patch=patch)


async def _account(request: Request, caller: Caller) -> dict:
    """The consultant's account as the API shows it: bank details only masked."""
    account = await run(request.app.state.pool, "get_my_account", caller)
    return present.consultant(account, request.app.state.secrets.data_key)


def _zone_label(zone: str) -> str:
    now = datetime.now(ZoneInfo(zone))
    offset = now.strftime("%z")
    return f"{zone.replace('_', ' ')} ({now.tzname()}, UTC{offset[:3]}:{offset[3:]})"


def _zone_options(current: str) -> list[tuple[str, str]]:
    zones = TIMEZONES if current in TIMEZONES else (current, *TIMEZONES)
    return [(z, _zone_label(z)) for z in zones]


def _clock(hhmm: str) -> str:
    """'13:30' -> '1:30 PM'."""
    t = time.fromisoformat(hhmm)
    return f"{t.hour % 12 or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def _duration(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    if minutes == 0:
        return "none"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    parts += [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    parts += [f"{mins} minute{'s' if mins != 1 else ''}"] if mins else []
    return " ".join(parts)


def _experience(months: int | None) -> str | None:
    if not months:
        return None
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    parts += [f"{rest} month{'s' if rest != 1 else ''}"] if rest else []
    return " ".join(parts)


def _day(form: dict[str, str], name: str, default: date | None = None) -> date:
    raw = form.get(name, "").strip()
    if not raw and default is not None:
        return default
    if not raw:
        raise ApiError(422, "missing_field", f"{name}: Choose a date.", name)
    try:
        return page_date(raw)
    except ValueError as exc:
        raise ApiError(422, "validation_error", f"{name}: Give a date like 2026-11-24, in the years "
                                                f"{FIRST_YEAR}–{LAST_YEAR}.", name) from exc


def _clock_time(form: dict[str, str], name: str, default: time | None = None) -> time:
    raw = form.get(name, "").strip()
    if not raw and default is not None:
        return default
    if not raw:
        raise ApiError(422, "missing_field", f"{name}: Choose a time.", name)
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise ApiError(422, "validation_error", f"{name}: Give a time like 09:30.", name) from exc


# --- overview -----------------------------------------------------------------------------------------

async def _load_overview(request: Request, subject: dict, caller: Caller) -> dict:
    account = await _account(request, caller)
    availability = await run(request.app.state.pool, "get_my_availability", caller)
    links = account["meeting_links"]
    platform = account["default_meeting_platform"]
    checklist = [
        ("Describe what you do", bool(account["description"] and account["consultancy_sector"]), f"{BASE}/profile"),
        ("Add a photo", bool(account["profile_photo_url"]), f"{BASE}/profile"),
        ("Set your weekly hours", bool(availability["rules"]), f"{BASE}/availability"),
        (f"Add your {PLATFORMS[platform]} link", bool(links.get(platform)), f"{BASE}/meetings"),
        ("Add bank details for payouts", account["bank_details"]["is_set"], f"{BASE}/bank"),
    ]
    prefs = account["notification_preferences"]
    return {"account": account, "availability": availability, "checklist": checklist,
            "done_count": sum(1 for _, ok, _ in checklist if ok), "platforms": PLATFORMS,
            "notifications_on": sum(1 for k in NOTIFICATIONS if prefs.get(k, True)),
            "notifications_total": len(NOTIFICATIONS), "policy": account["booking_policy"],
            "duration": _duration, "zone_label": _zone_label(account["timezone"])}


@endpoint(summary="Settings overview: what is set up, what is left, and a link to each section.", tags=("pages",),
          include=False)
async def settings_home(request: Request) -> Response:
    return await _page(request, "dashboard/settings.html", _load_overview)


# --- profile and photo --------------------------------------------------------------------------------

PROFILE_FIELDS = ("first_name", "last_name", "consultancy_sector", "experience_months", "description",
                  "personal_session_title", "personal_session_price", "webinar_session_title", "webinar_session_price",
                  "linkedin_url", "instagram_url", "twitter_url", "phone_country_code", "phone_number", "slug",
                  "timezone")


def _photo_limit(request: Request) -> int:
    """The largest photo this page can take: the API's 5 MB, or less while the body-size limit on this path
    is lower (read from the app's own middleware, so the page never promises more than is accepted)."""
    limit = request.app.state.settings.max_body_bytes
    for m in request.app.user_middleware:
        if m.cls is BodySizeLimitMiddleware:
            limit = m.kwargs.get("overrides", {}).get(PAGE_PHOTO_PATH, m.kwargs.get("max_bytes", limit))
    return min(MAX_PHOTO_BYTES, limit - 64 * 1024)  # room for the multipart framing and the CSRF field


async def _load_profile(request: Request, subject: dict, caller: Caller) -> dict:
    account = await _account(request, caller)
    limit = _photo_limit(request)
    return {"account": account, "zones": _zone_options(account["timezone"]),
            "site": request.app.state.settings.public_base_url.rstrip("/"),
            "experience": _experience(account["experience_months"]),
            "photo_limit": f"{limit / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"}


@endpoint(summary="Profile settings: names, description, prices, links, page address, time zone; a preview.",
          tags=("pages",), include=False)
async def profile_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        form = dict(form)
        for price in ("personal_session_price", "webinar_session_price"):  # "₹1,499.50" is 1499.50
            form[price] = re.sub(r"[₹,\s]", "", form.get(price, ""))
        form["slug"] = form.get("slug", "").strip()
        await _update_profile(request, caller, _patch_fields(form, PROFILE_FIELDS, numbers=("experience_months",)))
        return _done("/profile", "profile")

    return await _page(request, "dashboard/settings_profile.html", _load_profile, submit)


@endpoint(summary="Upload a profile photo from the profile page (the API's checks: content-sniffed, re-encoded).",
          tags=("pages",), include=False)
async def profile_photo(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        upload = (await request.form()).get("photo")  # parsed once, with the API's limits, below
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ApiError(422, "missing_field", "Choose a photo to upload.", "photo")
        await store_photo(request, caller, upload)
        return _done("/profile", "photo")

    if request.method == "POST" and ((await page_subject(request)) or {}).get("kind") == "consultant":
        # The API's limits for the multipart body; form_with_csrf then reads this same parsed form. Anyone
        # else (an admin too) goes straight to the sign-in redirect below, their body unread.
        form = await request.form(max_files=1, max_fields=2, max_part_size=PHOTO_BODY_LIMIT)
        try:
            return await _page(request, "dashboard/settings_profile.html", _load_profile, submit, form="photo")
        finally:
            await form.close()
    return await _page(request, "dashboard/settings_profile.html", _load_profile, submit, form="photo")


# --- availability -------------------------------------------------------------------------------------

def _rule_view(rule: dict, account: dict) -> dict:
    return {**rule, "hours": f"{_clock(rule['start_time'])} – {_clock(rule['end_time'])}",
            "type_label": _type_label(rule["session_type"], account), "length": _duration(rule["slot_minutes"]),
            "day": WEEKDAYS[rule["weekday"]]}


def _type_label(session_type: str, account: dict) -> str:
    if session_type == "webinar":
        return account.get("webinar_session_title") or "Webinar"
    return account.get("personal_session_title") or "One-to-one session"


def _block_view(block: dict, zone: ZoneInfo) -> dict:
    try:
        starts = datetime.fromisoformat(block["starts_at"]).astimezone(zone)
        ends = datetime.fromisoformat(block["ends_at"]).astimezone(zone)
    except OverflowError:
        # Stored before instants were bounded to the years 1970–2200 (year 9999 has no local time east of UTC):
        # shown as stored, so the page opens and the block can be removed.
        return {**block, "when": f"{block['starts_at']} – {block['ends_at']}"}
    fmt = "%a, %d %b %Y"
    if starts.time() == time(0) and ends.time() == time(0):  # whole days: the last day is the one before the end
        last = ends - timedelta(days=1)
        when = starts.strftime(fmt) if last.date() == starts.date() else f"{starts.strftime(fmt)} – {last.strftime(fmt)}"
        when += " (whole day)" if last.date() == starts.date() else " (whole days)"
    else:
        clock = "%a, %d %b %Y, %I:%M %p"
        when = f"{starts.strftime(clock)} – {ends.strftime(clock)} {ends.tzname()}"
    return {**block, "when": when}


async def _one_off_slots(request: Request, caller: Caller) -> list[dict]:
    now = datetime.now(UTC)
    return await run(request.app.state.pool, "my_one_off_slots", caller, from_=now, to_=now + timedelta(days=400))


async def _load_availability(request: Request, subject: dict, caller: Caller) -> dict:
    pool = request.app.state.pool
    account = await _account(request, caller)
    availability = await run(pool, "get_my_availability", caller)
    zone = ZoneInfo(availability["timezone"])
    now = datetime.now(UTC)
    week = await run(pool, "list_my_slots", caller, from_=now, to_=now + timedelta(days=7), session_type=None)
    today = now.astimezone(zone).date()
    days = []
    for offset in range(7):
        day = today + timedelta(days=offset)
        mine = [s for s in week if datetime.fromisoformat(s["starts_at"]).astimezone(zone).date() == day]
        days.append({"label": day.strftime("%a, %d %b"), "open": sum(1 for s in mine if s["is_available"] and s["remaining"] > 0),
                     "booked": sum(s["booked_count"] for s in mine)})
    rules = [_rule_view(r, account) for r in availability["rules"]]
    weekly = [(n, name, [r for r in rules if r["weekday"] == n]) for n, name in WEEKDAYS.items()]
    slots = [{**s, "type_label": _type_label(s["session_type"], account),
              "length": _duration(int((datetime.fromisoformat(s["ends_at"]) - datetime.fromisoformat(s["starts_at"]))
                                      .total_seconds() // 60))}
             for s in await _one_off_slots(request, caller)]
    return {"account": account, "tz": availability["timezone"], "zone_label": _zone_label(availability["timezone"]),
            "weekly": weekly, "rule_count": len(rules), "week": days, "slots": slots,
            "blocks": [_block_view(b, zone) for b in availability["blocks"]], "weekdays": WEEKDAYS,
            "today": today.isoformat()}


@endpoint(summary="Availability: weekly hours, one-off slots and blocked dates, in the consultant's time zone.",
          tags=("pages",), include=False)
async def availability_page(request: Request) -> Response:
    return await _page(request, "dashboard/settings_availability.html", _load_availability)


@endpoint(summary="Add weekly hours (one rule per chosen day) from the availability page.", tags=("pages",),
          include=False)
async def add_rules(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        days = [d for d in WEEKDAYS if form.get(f"weekday_{d}")]
        if not days:
            raise ApiError(422, "missing_field", "Choose at least one day.", "weekday")
        base = {k: form.get(k, "") for k in ("session_type", "start_time", "end_time", "valid_from", "valid_until")}
        base.update(slot_minutes=_whole(form.get("slot_minutes", "")), capacity=_whole(form.get("capacity", "")))
        rules = [parse_form({**base, "weekday": d}, RuleBody) for d in days]  # all checked before any is added
        # One transaction for the days chosen: a refusal on the fifth day (too many rules, too many slots) leaves
        # none of them added, not four.
        async with transaction(request.app.state.pool, caller) as conn:
            for b in rules:
                await call(conn, "create_availability_rule", session_type=b.session_type, weekday=b.weekday,
                           start_time=b.start_time, end_time=b.end_time, slot_minutes=b.slot_minutes,
                           capacity=b.capacity, valid_from=b.valid_from, valid_until=b.valid_until)
        return _done("/availability", "rules_added", n=len(rules))

    return await _page(request, "dashboard/settings_availability.html", _load_availability, submit, form="rule")


@endpoint(summary="Add a one-off slot from the availability page (date and times in the consultant's zone).",
          tags=("pages",), include=False)
async def add_slot(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        zone = ZoneInfo(subject["timezone"])
        day = _day(form, "date")
        starts = datetime.combine(day, _clock_time(form, "start_time"), zone)
        ends = datetime.combine(day, _clock_time(form, "end_time"), zone)
        b = parse_form({"session_type": form.get("session_type", ""), "starts_at": starts.isoformat(),
                        "ends_at": ends.isoformat(), "capacity": _whole(form.get("capacity", ""))}, SlotBody)
        await run(request.app.state.pool, "create_slot", caller, session_type=b.session_type, starts_at=b.starts_at,
                  ends_at=b.ends_at, capacity=b.capacity)
        return _done("/availability", "slot_added")

    return await _page(request, "dashboard/settings_availability.html", _load_availability, submit, form="slot",
                       renames={"starts_at": "start_time", "ends_at": "end_time"})


@endpoint(summary="Block dates or a time range (a holiday) from the availability page.", tags=("pages",),
          include=False)
async def add_block(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        zone = ZoneInfo(subject["timezone"])
        first = _day(form, "start_date")
        last = _day(form, "end_date", default=first)
        starts = datetime.combine(first, _clock_time(form, "start_time", default=time(0)), zone)
        if form.get("end_time", "").strip():
            ends = datetime.combine(last, _clock_time(form, "end_time"), zone)
        else:  # no end time: the whole of the last day
            ends = datetime.combine(last + timedelta(days=1), time(0), zone)
        b = parse_form({"starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
                        "reason": form.get("reason", "").strip()}, BlockBody)
        await run(request.app.state.pool, "create_availability_block", caller, starts_at=b.starts_at,
                  ends_at=b.ends_at, reason=b.reason)
        return _done("/availability", "block_added")

    return await _page(request, "dashboard/settings_availability.html", _load_availability, submit, form="block",
                       renames={"starts_at": "start_date", "ends_at": "end_date", "end_time": "end_date"})


async def _confirm(request: Request, describe: Callable[[Caller], Awaitable[dict]],
                   act: Callable[[Caller], Awaitable[object]], done: str) -> Response:
    """GET: what will happen, and a button to do it. POST: do it and go back with a notice (something
    already gone, a second click say, is said so rather than shown as an error)."""
    who = await require(request, "consultant")
    if isinstance(who, Response):
        return who
    _, caller = who
    if request.method == "POST":
        await form_with_csrf(request)
        try:
            await act(caller)
        except ApiError as err:
            if err.status != 404:
                raise
            return _done("/availability", "gone")
        except asyncpg.PostgresError as exc:
            err = _page_error(exc)
            if err.status != 404:
                raise err from exc
            return _done("/availability", "gone")
        return _done("/availability", done)
    return render(request, "dashboard/settings_confirm.html", {**await describe(caller), "back": f"{BASE}/availability"})


@endpoint(summary="Delete a weekly rule, after a confirmation page.", tags=("pages",), include=False)
async def delete_rule(request: Request) -> Response:
    rule_id = request.path_params["rule_id"]

    async def describe(caller: Caller) -> dict:
        account = await _account(request, caller)
        availability = await run(request.app.state.pool, "get_my_availability", caller)
        rule = next((r for r in availability["rules"] if r["id"] == str(rule_id)), None)
        if rule is None:
            raise ApiError(404, "not_found", "There is no such weekly rule; it may have been deleted already.")
        r = _rule_view(rule, account)
        return {"title": "Delete these weekly hours?",
                "facts": [("Day", r["day"]), ("Hours", f"{r['hours']} ({availability['timezone']})"),
                          ("Type", r["type_label"]), ("Slots", r["length"])],
                "consequence": "Free times this rule made from now on disappear from your page. Sessions already "
                               "booked in them stay booked.",
                "button": "Yes, delete these hours"}

    async def act(caller: Caller) -> None:
        await run(request.app.state.pool, "delete_availability_rule", caller, rule_id=rule_id)

    return await _confirm(request, describe, act, "rule_deleted")


@endpoint(summary="Delete an unbooked one-off slot, after a confirmation page.", tags=("pages",), include=False)
async def delete_slot(request: Request) -> Response:
    slot_id = request.path_params["slot_id"]

    async def describe(caller: Caller) -> dict:
        account = await _account(request, caller)
        slot = next((s for s in await _one_off_slots(request, caller) if s["id"] == str(slot_id)), None)
        if slot is None:
            raise ApiError(404, "not_found", "There is no such one-off slot; it may have been deleted already.")
        if slot["booked_count"]:
            raise ApiError(409, "slot_booked", "This slot is booked: cancel the session first, then delete the slot.")
        when = datetime.fromisoformat(slot["starts_at"]).astimezone(ZoneInfo(account["timezone"]))
        return {"title": "Delete this one-off slot?",
                "facts": [("When", when.strftime("%a, %d %b %Y, %I:%M %p ") + (when.tzname() or "")),
                          ("Type", _type_label(slot["session_type"], account))],
                "consequence": "Clients will no longer be able to book this time.", "button": "Yes, delete the slot"}

    async def act(caller: Caller) -> None:
        await run(request.app.state.pool, "delete_slot", caller, slot_id=slot_id)

    return await _confirm(request, describe, act, "slot_deleted")


@endpoint(summary="Unblock a blocked range, after a confirmation page.", tags=("pages",), include=False)
async def delete_block(request: Request) -> Response:
    block_id = request.path_params["block_id"]

    async def describe(caller: Caller) -> dict:
        availability = await run(request.app.state.pool, "get_my_availability", caller)
        block = next((b for b in availability["blocks"] if b["id"] == str(block_id)), None)
        if block is None:
            raise ApiError(404, "not_found", "There is no such blocked range; it may have been unblocked already.")
        b = _block_view(block, ZoneInfo(availability["timezone"]))
        return {"title": "Unblock these dates?",
                "facts": [("Blocked", b["when"]), ("Reason", b["reason"] or "—")],
                "consequence": "Times from your weekly hours in this range open for booking again at once.",
                "button": "Yes, unblock"}

    async def act(caller: Caller) -> None:
        await run(request.app.state.pool, "delete_availability_block", caller, block_id=block_id)

    return await _confirm(request, describe, act, "block_deleted")


# --- booking and cancellation policy ------------------------------------------------------------------

LADDER_ROWS = 4  # rows shown for the refund ladder (more when more steps are set, up to the schema's 10)


async def _load_policy(request: Request, subject: dict, caller: Caller) -> dict:
    account = await _account(request, caller)
    policy = account["booking_policy"]
    ladder = policy["cancellation_policy"].get("refund_ladder", [])
    return {"account": account, "policy": policy, "cancellation": policy["cancellation_policy"], "ladder": ladder,
            "rows": range(min(10, max(LADDER_ROWS, len(ladder) + 1))), "duration": _duration}


@endpoint(summary="Booking and cancellation policy: notice, horizon, buffer, hold, cut-off, reschedules, refunds.",
          tags=("pages",), include=False)
async def policy_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        data = _patch_fields(form, ("min_notice_minutes", "max_days_ahead", "buffer_minutes", "hold_minutes"),
                             numbers=("min_notice_minutes", "max_days_ahead", "buffer_minutes", "hold_minutes"))
        ladder, rows = [], []
        for i in range(10):
            hours, percent = form.get(f"refund_{i}_hours", "").strip(), form.get(f"refund_{i}_percent", "").strip()
            if hours or percent:  # a row left empty is no step; a half-filled one is for the schema to refuse
                ladder.append({k: _whole(v) for k, v in (("min_hours_before", hours), ("percent", percent)) if v})
                rows.append(i)
        policy = {"refund_ladder": ladder}
        for name in ("client_cutoff_hours", "max_reschedules"):
            if not form.get(name, "").strip():
                raise ApiError(422, "missing_field", f"{name}: This cannot be left empty.", name)
            policy[name] = _whole(form[name])
        data["cancellation_policy"] = policy
        try:
            await _update_profile(request, caller, data)
        except ApiError as err:  # "cancellation_policy.refund_ladder.1.percent" is the field refund_<row>_percent
            match = re.fullmatch(r"cancellation_policy\.refund_ladder\.(\d+)\.(min_hours_before|percent)",
                                 err.field or "")
            if match and int(match[1]) < len(rows):
                row, part = rows[int(match[1])], "hours" if match[2] == "min_hours_before" else "percent"
                message = err.message.split(": ", 1)[-1]
                raise ApiError(err.status, err.code, f"Refunds, row {row + 1}: {message}",
                               f"refund_{row}_{part}") from err
            if err.field and err.field.startswith("cancellation_policy."):
                raise ApiError(err.status, err.code, err.message.removeprefix("cancellation_policy."),
                               err.field.removeprefix("cancellation_policy.")) from err
            if err.field == "cancellation_policy":  # the ladder's order, checked on the whole policy
                raise ApiError(err.status, err.code, err.message.split(": ", 1)[-1], "refund_ladder") from err
            raise
        return _done("/policy", "policy")

    return await _page(request, "dashboard/settings_policy.html", _load_policy, submit)


# --- bank details -------------------------------------------------------------------------------------

async def _load_bank(request: Request, subject: dict, caller: Caller) -> dict:
    return {"account": await _account(request, caller)}


@endpoint(summary="Bank details for payouts: shown masked, replaced through the API's encryption.", tags=("pages",),
          include=False)
async def bank_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        body = parse_form({k: form.get(k, "") for k in ("bank_name", "account_number", "ifsc_code")}, BankDetails)
        if body.account_number != form.get("account_number_confirm", "").replace(" ", ""):
            raise ApiError(422, "validation_error", "The two account numbers are not the same.",
                           "account_number_confirm")
        key = request.app.state.secrets.data_key
        await run(request.app.state.pool, "set_my_bank_details", caller, bank_name=body.bank_name,
                  account_number_encrypted=encrypt(key, present.BANK_PURPOSE, body.account_number),
                  ifsc_code_encrypted=encrypt(key, present.BANK_PURPOSE, body.ifsc_code))
        return _done("/bank", "bank")

    return await _page(request, "dashboard/settings_bank.html", _load_bank, submit)


# --- meeting platforms --------------------------------------------------------------------------------

CALENDAR_ERRORS = {  # ?calendar_error=… after the OAuth round trip (app/routes/calendar.py)
    "denied": "The connection was not made: access was not granted.",
    "unavailable": "The provider did not answer. Nothing was connected; please try again in a minute.",
    "refused": "The provider refused the connection. Please try again.",
    "not_configured": "That calendar is not available on this installation.",
    "busy": "Too many connection attempts at once; wait a few minutes and try again.",
}


async def _load_meetings(request: Request, subject: dict, caller: Caller) -> dict:
    return {"account": await _account(request, caller), "platforms": PLATFORMS,
            "integrations": await integrations(request, caller),
            "calendar_error": CALENDAR_ERRORS.get(request.query_params.get("calendar_error", ""))}


@endpoint(summary="Meeting platforms: the default one and the personal Zoom, Meet and Teams links.", tags=("pages",),
          include=False)
async def meetings_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        await _update_profile(request, caller, _patch_fields(
            form, ("default_meeting_platform", "zoom_link", "meet_link", "teams_link")))
        return _done("/meetings", "meetings")

    response = await _page(request, "dashboard/settings_meetings.html", _load_meetings, submit)
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers["content-security-policy"] = consent_csp(request.app.state.settings)
    return response


# --- notifications ------------------------------------------------------------------------------------

async def _load_notifications(request: Request, subject: dict, caller: Caller) -> dict:
    return {"account": await _account(request, caller), "notifications": NOTIFICATIONS}


@endpoint(summary="Which emails the consultant gets (the profile's notification_preferences).", tags=("pages",),
          include=False)
async def notifications_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        # A checkbox left unticked is not sent at all: every preference is sent, true or false.
        prefs = {name: bool(form.get(name)) for name in NotificationPreferences.model_fields}
        await _update_profile(request, caller, {"notification_preferences": prefs})
        return _done("/notifications", "notifications")

    return await _page(request, "dashboard/settings_notifications.html", _load_notifications, submit)


# --- account ------------------------------------------------------------------------------------------

async def _load_account(request: Request, subject: dict, caller: Caller) -> dict:
    return {"account": await _account(request, caller)}


@endpoint(summary="Account: change password, export my data, delete my account.", tags=("pages",), include=False)
async def account_page(request: Request) -> Response:
    return await _page(request, "dashboard/settings_account.html", _load_account)


@endpoint(summary="Change the password from the account page (every other session ends).", tags=("pages",),
          include=False)
async def change_password(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        body = parse_form({k: form.get(k, "") for k in ("current_password", "new_password")}, ChangePasswordBody)
        if body.new_password != form.get("new_password_confirm", ""):
            raise ApiError(422, "validation_error", "The two new passwords are not the same.", "new_password_confirm")
        _, refresh = await change_password_for(request, caller, body)
        # change_my_password ends every session, this browser's cookie session too, and opens one new session
        # for the caller. This browser carries on in that one (its cookie is replaced), so the consultant stays
        # signed in here and every other device and app must sign in with the new password.
        return signed_in(request, refresh, f"{BASE}/account?done=password")

    return await _page(request, "dashboard/settings_account.html", _load_account, submit, form="password")


@endpoint(summary="Download everything held about the consultant (the API's export) as a JSON file.",
          tags=("pages",), include=False)
async def export_data(request: Request) -> Response:
    # A POST with the CSRF token (no other site can start a download of it) and the current password (a
    # browser left signed in does not hand everything over); a wrong one shows the page again, saying so.
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        body = parse_form({"current_password": form.get("current_password", "")}, CurrentPasswordBody)
        await confirm_current_password(request, caller, body.current_password)
        data = await run(request.app.state.pool, "export_my_data", caller)
        data["account"] = present.consultant(data["account"], request.app.state.secrets.data_key)
        name = f"nakksha-export-{datetime.now(UTC).date().isoformat()}.json"
        return JSONResponse(data, headers={"content-disposition": f'attachment; filename="{name}"',
                                           "cache-control": "no-store"})

    return await _page(request, "dashboard/settings_account.html", _load_account, submit, form="export")


@endpoint(summary="Delete the account after the email address is typed out and the current password given; signed "
                  "out, told what happened.", tags=("pages",), include=False)
async def delete_account(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        account = await run(request.app.state.pool, "get_my_account", caller)
        if form.get("confirm_email", "").strip().lower() != account["email"].lower():
            raise ApiError(422, "validation_error", "Type your email address exactly as shown to confirm.",
                           "confirm_email")
        body = parse_form({"current_password": form.get("current_password", "")}, CurrentPasswordBody)
        await confirm_current_password(request, caller, body.current_password)
        await run(request.app.state.pool, "delete_my_account", caller)
        await _forget_photos(request, caller.consultant_id)
        response = RedirectResponse(f"{BASE}/account/deleted", status_code=303)
        set_cookie(request, response, session_cookie(request), "", 0)  # its sessions are already revoked
        return response

    return await _page(request, "dashboard/settings_account.html", _load_account, submit, form="delete")


@endpoint(summary="After deleting the account: what happened (needs no session; there is none any more).",
          tags=("pages",), include=False)
async def account_deleted(request: Request) -> Response:
    await page_subject(request)
    return render(request, "dashboard/settings_deleted.html")


routes = [
    Route(BASE, settings_home, methods=["GET"], name="settings_home"),
    Route(f"{BASE}/profile", profile_page, methods=["GET", "POST"], name="settings_profile"),
    Route(PAGE_PHOTO_PATH, profile_photo, methods=["POST"], name="settings_profile_photo"),
    Route(f"{BASE}/availability", availability_page, methods=["GET"], name="settings_availability"),
    Route(f"{BASE}/availability/rules", add_rules, methods=["POST"], name="settings_add_rules"),
    Route(BASE + "/availability/rules/{rule_id:uuid}/delete", delete_rule, methods=["GET", "POST"],
          name="settings_delete_rule"),
    Route(f"{BASE}/availability/slots", add_slot, methods=["POST"], name="settings_add_slot"),
    Route(BASE + "/availability/slots/{slot_id:uuid}/delete", delete_slot, methods=["GET", "POST"],
          name="settings_delete_slot"),
    Route(f"{BASE}/availability/blocks", add_block, methods=["POST"], name="settings_add_block"),
    Route(BASE + "/availability/blocks/{block_id:uuid}/delete", delete_block, methods=["GET", "POST"],
          name="settings_delete_block"),
    Route(f"{BASE}/policy", policy_page, methods=["GET", "POST"], name="settings_policy"),
    Route(f"{BASE}/bank", bank_page, methods=["GET", "POST"], name="settings_bank"),
    Route(f"{BASE}/meetings", meetings_page, methods=["GET", "POST"], name="settings_meetings"),
    Route(f"{BASE}/notifications", notifications_page, methods=["GET", "POST"], name="settings_notifications"),
    Route(f"{BASE}/account", account_page, methods=["GET"], name="settings_account"),
    Route(f"{BASE}/account/password", change_password, methods=["POST"], name="settings_change_password"),
    Route(f"{BASE}/account/export", export_data, methods=["POST"], name="settings_export"),
    Route(f"{BASE}/account/delete", delete_account, methods=["POST"], name="settings_delete_account"),
    Route(f"{BASE}/account/deleted", account_deleted, methods=["GET"], name="settings_account_deleted"),
]

# Test: pytest tests/http/test_settings_pages.py tests/e2e/test_settings_pages.py
