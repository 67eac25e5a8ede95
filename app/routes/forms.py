# app/routes/forms.py — what the dashboard's form pages share: the form page (load, submit, errors beside their fields with the typed values kept), the notices, and how values are shown and read.
"""One form path for the dashboard's pages (settings, sessions, clients, quotations). `page_error` is the one conversion
of a database error into the error a form shows (the app's own SQLSTATE table; anything else is a bug and re-raised);
`form_error` gives every problem as {input: plain sentence} (app/routes/form_errors.py) for the page's summary and
its fields (app/templates/_form.html). On the settings pages `form_page` shows a page, runs its form on POST and
shows the problems beside their fields with the values typed (never a secret);
`done_redirect` is the post/redirect/get with its notice."""
from __future__ import annotations

import re
import typing
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app import present
from app.errors import ApiError, from_postgres
from app.routes.form_errors import Rename, field_errors
from app.routes.profile import (
    ProfilePatch,
)
from app.schemas import FIRST_YEAR, LAST_YEAR, page_date
from app.sql import Caller, run
from app.validation import parse_form
from app.web import CSRF_FIELD, DASHBOARD, form_with_csrf, render, signed_in

SETTINGS = "/settings"  # under the /dashboard mount
BASE = DASHBOARD + SETTINGS  # the full path, for links and redirects
# The photo form posts here. The body-size limit is 1 MB except on paths app/main.py lets take more (the
# API's upload path): until this path is added there, the page says the smaller limit (see _photo_limit).
PAGE_PHOTO_ROUTE = f"{SETTINGS}/profile/photo"
PAGE_PHOTO_PATH = DASHBOARD + PAGE_PHOTO_ROUTE  # the full path, for the body-size limit

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
    "session_rescheduled": ("A client moves a session", "An email with the new time and the old one."),
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
    "payouts_saved": "Payout details saved. Tick the terms and submit when you are ready.",
    "payouts_submitted": "Submitted to Razorpay. We will open your payout account within a minute or two.",
    "tax": "Tax settings saved. They apply to payments captured from now on.",
    "meetings": "Meeting settings saved.",
    "calendar_connected": "Calendar connected. New bookings appear on it, and its busy times are kept off your page.",
    "calendar_disconnected": "Calendar disconnected. Sessions keep the links they already have.",
    "notifications": "Notification preferences saved.",
    "reminders": "Reminder schedule saved. It applies to reminders not yet due; those already sent stay sent.",
    "reminders_platform": "Your clients are reminded on the platform's schedule again.",
    "plan_subscribed": "Your subscription is ready: authorise the payment below to start it. Your plan changes once "
                       "the first charge is confirmed.",
    "plan_cancelled": "Your subscription is cancelled: nothing more will be charged. What you paid for stays until "
                      "the date below.",
    "password": "Password changed. You are still signed in here; every other device and app has been signed out.",
}

# --- shared -------------------------------------------------------------------------------------------

Load = Callable[[Request, dict, Caller], Awaitable[dict]]
Submit = Callable[[dict[str, str], dict, Caller], Awaitable[Response]]


def is_kept(name: str) -> bool:
    """Typed values shown again after an error: never a secret."""
    return name != CSRF_FIELD and "password" not in name and not name.startswith(("account_number", "ifsc", "pan"))


def page_error(exc: Exception) -> ApiError:
    """An error a form can show: an ApiError, or a database error the app's one table maps (else re-raised)."""
    if isinstance(exc, ApiError):
        return exc
    mapped = from_postgres(exc) if isinstance(exc, asyncpg.PostgresError) else None  # the app handler's table
    if mapped is None:
        raise exc  # a bug, not the consultant's input: the app's handler logs it
    return mapped


def form_error(exc: Exception, renames: Rename | None = None, order: list[str] | None = None) -> tuple[dict[str, Any], int]:
    """A failed form's context for its page, and the status to answer with: `errors` ({input: sentence}, every
    problem at once, app/routes/form_errors.py; the API's `client.email` is the input `client_email`, renames map
    an API field to a differently named input; order, the posted form's names, puts them in the page's order),
    and `error`/`error_field`, the first of them."""
    err = page_error(exc)
    errors = field_errors(err, renames, order)
    first = next(iter(errors))
    return {"errors": errors, "error": errors[first], "error_field": first or None}, err.status


def done_notice(request: Request) -> str | None:
    text = NOTICES.get(request.query_params.get("done", ""))
    n = request.query_params.get("n", "1")
    return text.format(n=n if n.isdigit() else "1") if text else None


async def form_page(request: Request, template: str, load: Load, submit: Submit | None = None, *, form: str = "main",
                renames: Rename | None = None) -> Response:
    """GET shows the page; POST runs the form's submit, and an ApiError or a mapped SQL error shows the page
    again with the message, the field and the typed values (status as the API would answer)."""
    subject, caller = signed_in(request)  # the page's endpoint(auth=…) let it run
    ctx: dict = {"values": {}, "errors": {}, "error": None, "error_field": None, "error_form": None,
                 "notice": done_notice(request)}
    status, headers = 200, {}
    if request.method == "POST" and submit is not None:
        data = await form_with_csrf(request)
        try:
            return await submit(data, subject, caller)
        except (ApiError, asyncpg.PostgresError) as exc:
            failure, status = form_error(exc, renames, list(data))
            ctx.update(failure, values={k: v for k, v in data.items() if is_kept(k)}, error_form=form, notice=None)
            headers = page_error(exc).headers  # a 429's Retry-After, as the API sends it
    ctx.update(await load(request, subject, caller))
    response = render(request, template, ctx, status=status)
    response.headers.update(headers)
    return response


def done_redirect(path: str, what: str, **extra: object) -> RedirectResponse:
    query = "&".join([f"done={what}", *(f"{k}={v}" for k, v in extra.items())])
    return RedirectResponse(f"{BASE}{path}?{query}", status_code=303)


def is_nullable(name: str) -> bool:
    return type(None) in typing.get_args(ProfilePatch.model_fields[name].annotation)


def whole_number(raw: str) -> int | str:
    """A number field as the integer typed; anything else goes to the schema as typed, which says what is wrong."""
    raw = raw.strip().replace(",", "")
    return int(raw) if re.fullmatch(r"-?[0-9]{1,9}", raw) else raw


def patch_fields(form: dict[str, str], names: tuple[str, ...], numbers: tuple[str, ...] = ()) -> dict:
    """Form fields as a profile patch: an emptied optional field is cleared (null); an emptied required one
    stays "" (a form sends every field, so empty cannot mean 'leave as it is'), which update_profile reports
    as missing along with every other problem."""
    data: dict = {}
    for name in names:
        raw = form.get(name, "")
        if not raw.strip():
            data[name] = "" if not is_nullable(name) else None
        else:
            data[name] = whole_number(raw) if name in numbers else raw
    return data


async def update_profile(request: Request, caller: Caller, data: dict) -> dict:
    """The API's update_my_profile: the same schema, the same patch (a required field left "" is missing)."""
    body = parse_form(data, ProfilePatch, required=[k for k, v in data.items() if v == ""])
    patch = body.model_dump(mode="json", exclude_unset=True)
    if "notification_preferences" in patch:  # as the API: a preference not sent stays as it is
        patch["notification_preferences"] = {k: v for k, v in patch["notification_preferences"].items() if v is not None}
    return await run(request.app.state.pool, "update_my_profile", caller, patch=patch)


async def masked_account(request: Request, caller: Caller) -> dict:
    """The consultant's account as the API shows it: bank details only masked."""
    account = await run(request.app.state.pool, "get_my_account", caller)
    return present.consultant(account, request.app.state.secrets.data_key)


def months_from_years(raw: str) -> int | str:
    """Experience typed in years ("7", "2.5") as the months the API stores; anything else is passed on as typed
    for the schema to refuse (and the page to say in years)."""
    raw = raw.strip().replace(",", ".")
    if re.fullmatch(r"-?[0-9]{1,4}(\.[0-9]{1,2})?", raw):
        return round(float(raw) * 12)
    return raw


def years_from_months(months: int | None) -> str | None:
    """The months stored, as the years the form asks for: 84 is "7", 30 is "2.5"."""
    return None if months is None else f"{months / 12:.2f}".rstrip("0").rstrip(".")


def notice_minutes(hours: str, minutes: str) -> int | str:
    """Minimum notice typed as hours and minutes, as the minutes the API stores ("" when both are empty: it is
    required; text that is not a whole number is passed on for the schema to refuse)."""
    hours, minutes = hours.strip(), minutes.strip()
    if not hours and not minutes:
        return ""
    h, m = whole_number(hours or "0"), whole_number(minutes or "0")
    if isinstance(h, str) or isinstance(m, str) or not 0 <= m <= 59:
        return f"{hours}h{minutes}m"  # not a number of minutes: refused, and said in hours
    return h * 60 + m


def zone_label(zone: str) -> str:
    now = datetime.now(ZoneInfo(zone))
    offset = now.strftime("%z")
    return f"{zone.replace('_', ' ')} ({now.tzname()}, UTC{offset[:3]}:{offset[3:]})"


def zone_options(current: str) -> list[tuple[str, str]]:
    zones = TIMEZONES if current in TIMEZONES else (current, *TIMEZONES)
    return [(z, zone_label(z)) for z in zones]


def clock_label(hhmm: str) -> str:
    """'13:30' -> '1:30 PM'."""
    t = time.fromisoformat(hhmm)
    return f"{t.hour % 12 or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def duration_label(minutes: int | None) -> str:
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


def experience_label(months: int | None) -> str | None:
    if not months:
        return None
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    parts += [f"{rest} month{'s' if rest != 1 else ''}"] if rest else []
    return " ".join(parts)


def form_day(form: dict[str, str], name: str, default: date | None = None) -> date:
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


def form_time(form: dict[str, str], name: str, default: time | None = None) -> time:
    raw = form.get(name, "").strip()
    if not raw and default is not None:
        return default
    if not raw:
        raise ApiError(422, "missing_field", f"{name}: Choose a time.", name)
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise ApiError(422, "validation_error", f"{name}: Give a time like 09:30.", name) from exc

# Test: pytest tests/http/test_settings_pages.py tests/e2e/test_settings_pages.py
