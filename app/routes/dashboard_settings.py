# app/routes/dashboard_settings.py — the consultant's settings pages (/dashboard/settings…): profile and photo, booking policy, bank details, meeting links, notifications, account (availability: dashboard_availability.py).
"""Open to a consultant whether approved or not: a pending consultant prepares everything before the page
goes live. Every form is a plain POST carrying the CSRF token that runs the JSON API's own schema and named
query (no rule of its own); an error shows the same page again with the message, the field it concerns and
what was typed — never a password, a bank account number or an IFSC (forms.py). Success redirects
back with a notice (post/redirect/get). Deleting the account asks for the email address typed out and the
password (so does the data download)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app import present
from app.crypto import encrypt
from app.endpoints import endpoint
from app.errors import ApiError
from app.images import MAX_PHOTO_BYTES
from app.jsonio import JSONResponse
from app.middleware import BodySizeLimitMiddleware
from app.routes.auth import (
    ChangePasswordBody,
    CurrentPasswordBody,
    change_password_for,
    confirm_current_password,
)
from app.routes.calendar import consent_csp, integrations
from app.routes.dashboard_publish import checklist as setup_checklist
from app.routes.form_errors import Problems
from app.routes.forms import (
    BASE,
    NOTIFICATIONS,
    PAGE_PHOTO_PATH,
    PAGE_PHOTO_ROUTE,
    PLATFORMS,
    SETTINGS,
    done_redirect,
    duration_label,
    experience_label,
    form_page,
    masked_account,
    months_from_years,
    notice_minutes,
    patch_fields,
    update_profile,
    whole_number,
    years_from_months,
    zone_label,
    zone_options,
)
from app.routes.pages import start_web_session
from app.routes.payout_account import load_bank_page
from app.routes.profile import (
    PHOTO_BODY_LIMIT,
    BankDetails,
    NotificationPreferences,
    forget_photos,
    store_photo,
)
from app.sql import Caller, run
from app.validation import parse_form
from app.web import render, session_cookie, set_cookie

# --- overview -----------------------------------------------------------------------------------------

async def _load_overview(request: Request, subject: dict, caller: Caller) -> dict:
    account = await masked_account(request, caller)
    availability = await run(request.app.state.pool, "get_my_availability", caller)
    # The steps publishing needs, as SQL defines them (app.setup_checklist), the same list as the dashboard home's.
    page = await run(request.app.state.pool, "my_page_status", caller)
    checklist = setup_checklist(page)
    prefs = account["notification_preferences"]
    return {"account": account, "availability": availability, "checklist": checklist, "page": page,
            "done_count": sum(1 for _, ok, _ in checklist if ok), "platforms": PLATFORMS,
            "notifications_on": sum(1 for k in NOTIFICATIONS if prefs.get(k, True)),
            "notifications_total": len(NOTIFICATIONS), "policy": account["booking_policy"],
            "duration": duration_label, "zone_label": zone_label(account["timezone"])}


@endpoint(summary="Settings overview: what is set up, what is left, and a link to each section.", tags=("pages",),
          auth="consultant", include=False)
async def settings_home(request: Request) -> Response:
    return await form_page(request, "dashboard/settings.html", _load_overview)


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
    account = await masked_account(request, caller)
    limit = _photo_limit(request)
    return {"account": account, "zones": zone_options(account["timezone"]),
            "site": request.app.state.settings.public_base_url.rstrip("/"),
            "experience": experience_label(account["experience_months"]),
            "experience_years": years_from_months(account["experience_months"]),
            "photo_limit": f"{limit / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"}


# The profile form's inputs that differ from the API's fields.
PROFILE_INPUTS = {"experience_months": "experience_years"}


@endpoint(summary="Profile settings: names, description, prices, links, page address, time zone; a preview.",
          tags=("pages",), auth="consultant", include=False)
async def profile_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        form = dict(form)
        for price in ("personal_session_price", "webinar_session_price"):  # "₹1,499.50" is 1499.50
            form[price] = re.sub(r"[₹,\s]", "", form.get(price, ""))
        form["slug"] = form.get("slug", "").strip()
        form["experience_months"] = form.get("experience_years", "")
        data = patch_fields(form, PROFILE_FIELDS)
        if data["experience_months"] is not None:
            data["experience_months"] = months_from_years(data["experience_months"])
        await update_profile(request, caller, data)
        return done_redirect("/profile", "profile")

    return await form_page(request, "dashboard/settings_profile.html", _load_profile, submit, renames=PROFILE_INPUTS)


@endpoint(summary="Upload a profile photo from the profile page (the API's checks: content-sniffed, re-encoded).",
          tags=("pages",), auth="consultant", include=False)
async def profile_photo(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        upload = (await request.form()).get("photo")  # parsed once, with the API's limits, below
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ApiError(422, "missing_field", "Choose a photo to upload.", "photo")
        await store_photo(request, caller, upload)
        return done_redirect("/profile", "photo")

    if request.method == "POST":
        # The API's limits for the multipart body; form_with_csrf then reads this same parsed form. Anyone
        # not signed in as a consultant (an admin too) was sent to sign in by the guard, their body unread.
        form = await request.form(max_files=1, max_fields=2, max_part_size=PHOTO_BODY_LIMIT)
        try:
            return await form_page(request, "dashboard/settings_profile.html", _load_profile, submit, form="photo")
        finally:
            await form.close()
    return await form_page(request, "dashboard/settings_profile.html", _load_profile, submit, form="photo")


# --- booking and cancellation policy ------------------------------------------------------------------

LADDER_ROWS = 4  # rows shown for the refund ladder (more when more steps are set, up to the schema's 10)


async def _load_policy(request: Request, subject: dict, caller: Caller) -> dict:
    account = await masked_account(request, caller)
    policy = account["booking_policy"]
    ladder = policy["cancellation_policy"].get("refund_ladder", [])
    return {"account": account, "policy": policy, "cancellation": policy["cancellation_policy"], "ladder": ladder,
            "rows": range(min(10, max(LADDER_ROWS, len(ladder) + 1))), "duration": duration_label}


def policy_input(field: str) -> str | None:
    """The policy form's input for an API field: cancellation_policy.refund_ladder.1.percent is the ladder's
    second filled row's percent (refund_<row>_percent, rows counted as typed: the page sets them on submit)."""
    if field == "min_notice_minutes":
        return "min_notice_hours"
    if field == "cancellation_policy":
        return "refund_ladder"  # the ladder's order, checked on the whole policy
    return field.removeprefix("cancellation_policy.") if field.startswith("cancellation_policy.") else None


@endpoint(summary="Booking and cancellation policy: notice, horizon, buffer, hold, cut-off, reschedules, refunds.",
          tags=("pages",), auth="consultant", include=False)
async def policy_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        data = patch_fields(form, ("max_days_ahead", "buffer_minutes", "hold_minutes"),
                             numbers=("max_days_ahead", "buffer_minutes", "hold_minutes"))
        data["min_notice_minutes"] = notice_minutes(form.get("min_notice_hours", ""), form.get("min_notice_mins", ""))
        ladder, rows = [], []
        for i in range(10):
            hours, percent = form.get(f"refund_{i}_hours", "").strip(), form.get(f"refund_{i}_percent", "").strip()
            if hours or percent:  # a row left empty is no step; a half-filled one is for the schema to refuse
                ladder.append({k: whole_number(v) for k, v in (("min_hours_before", hours), ("percent", percent)) if v})
                rows.append(i)
        policy = {"refund_ladder": ladder}
        for name in ("client_cutoff_hours", "max_reschedules"):  # "" is refused by the schema, with the rest
            policy[name] = whole_number(form.get(name, ""))
        data["cancellation_policy"] = policy
        try:
            await update_profile(request, caller, data)
        except ApiError as err:  # "cancellation_policy.refund_ladder.1.percent" is the input refund_<row>_percent
            for problem in err.details:
                match = re.fullmatch(r"cancellation_policy\.refund_ladder\.(\d+)\.(min_hours_before|percent)",
                                     problem["field"] or "")
                if match and int(match[1]) < len(rows):
                    part = "hours" if match[2] == "min_hours_before" else "percent"
                    problem["field"] = f"refund_{rows[int(match[1])]}_{part}"
            raise
        return done_redirect("/policy", "policy")

    return await form_page(request, "dashboard/settings_policy.html", _load_policy, submit, renames=policy_input)


# --- bank details -------------------------------------------------------------------------------------

_load_bank = load_bank_page  # the bank details and, below them, the payout account (app/routes/payout_account.py)


@endpoint(summary="Bank details for payouts: shown masked, replaced through the API's encryption.", tags=("pages",),
          auth="consultant", include=False)
async def bank_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        problems = Problems()
        body = problems.check(parse_form, {k: form.get(k, "") for k in ("bank_name", "account_number", "ifsc_code")},
                              BankDetails)
        if form.get("account_number", "").replace(" ", "") != form.get("account_number_confirm", "").replace(" ", ""):
            problems.add("account_number_confirm", "The two account numbers are not the same.")
        problems.raise_any()
        key = request.app.state.secrets.data_key
        await run(request.app.state.pool, "set_my_bank_details", caller, bank_name=body.bank_name,
                  account_number_encrypted=encrypt(key, present.BANK_PURPOSE, body.account_number),
                  ifsc_code_encrypted=encrypt(key, present.BANK_PURPOSE, body.ifsc_code))
        return done_redirect("/bank", "bank")

    return await form_page(request, "dashboard/settings_bank.html", _load_bank, submit)


# --- meeting platforms --------------------------------------------------------------------------------

CALENDAR_ERRORS = {  # ?calendar_error=… after the OAuth round trip (app/routes/calendar.py)
    "denied": "The connection was not made: access was not granted.",
    "unavailable": "The provider did not answer. Nothing was connected; please try again in a minute.",
    "refused": "The provider refused the connection. Please try again.",
    "not_configured": "That calendar is not available on this installation.",
    "busy": "Too many connection attempts at once; wait a few minutes and try again.",
}


async def _load_meetings(request: Request, subject: dict, caller: Caller) -> dict:
    return {"account": await masked_account(request, caller), "platforms": PLATFORMS,
            "integrations": await integrations(request, caller),
            "calendar_error": CALENDAR_ERRORS.get(request.query_params.get("calendar_error", ""))}


@endpoint(summary="Meeting platforms: the default one and the personal Zoom, Meet and Teams links.", tags=("pages",),
          auth="consultant", include=False)
async def meetings_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        await update_profile(request, caller, patch_fields(
            form, ("default_meeting_platform", "zoom_link", "meet_link", "teams_link")))
        return done_redirect("/meetings", "meetings")

    response = await form_page(request, "dashboard/settings_meetings.html", _load_meetings, submit)
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers["content-security-policy"] = consent_csp(request.app.state.settings)
    return response


# --- notifications ------------------------------------------------------------------------------------

async def _load_notifications(request: Request, subject: dict, caller: Caller) -> dict:
    return {"account": await masked_account(request, caller), "notifications": NOTIFICATIONS}


@endpoint(summary="Which emails the consultant gets (the profile's notification_preferences).", tags=("pages",),
          auth="consultant", include=False)
async def notifications_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        # A checkbox left unticked is not sent at all: every preference is sent, true or false.
        prefs = {name: bool(form.get(name)) for name in NotificationPreferences.model_fields}
        await update_profile(request, caller, {"notification_preferences": prefs})
        return done_redirect("/notifications", "notifications")

    return await form_page(request, "dashboard/settings_notifications.html", _load_notifications, submit)


# --- account ------------------------------------------------------------------------------------------

async def _load_account(request: Request, subject: dict, caller: Caller) -> dict:
    return {"account": await masked_account(request, caller)}


@endpoint(summary="Account: change password, export my data, delete my account.", tags=("pages",), auth="consultant", include=False)
async def account_page(request: Request) -> Response:
    return await form_page(request, "dashboard/settings_account.html", _load_account)


@endpoint(summary="Change the password from the account page (every other session ends).", tags=("pages",),
          auth="consultant", include=False)
async def change_password(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        problems = Problems()
        body = problems.check(parse_form, {k: form.get(k, "") for k in ("current_password", "new_password")},
                              ChangePasswordBody)
        if form.get("new_password", "") != form.get("new_password_confirm", ""):
            problems.add("new_password_confirm", "The two new passwords are not the same.")
        problems.raise_any()
        _, refresh = await change_password_for(request, caller, body)
        # change_my_password ends every session, this browser's cookie session too, and opens one new session
        # for the caller. This browser carries on in that one (its cookie is replaced), so the consultant stays
        # signed in here and every other device and app must sign in with the new password.
        return start_web_session(request, refresh, f"{BASE}/account?done=password")

    return await form_page(request, "dashboard/settings_account.html", _load_account, submit, form="password")


@endpoint(summary="Download everything held about the consultant (the API's export) as a JSON file.",
          tags=("pages",), auth="consultant", include=False)
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

    return await form_page(request, "dashboard/settings_account.html", _load_account, submit, form="export")


@endpoint(summary="Delete the account after the email address is typed out and the current password given; signed "
                  "out, told what happened.", tags=("pages",), auth="consultant", include=False)
async def delete_account(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        account = await run(request.app.state.pool, "get_my_account", caller)
        problems = Problems()
        if form.get("confirm_email", "").strip().lower() != account["email"].lower():
            problems.add("confirm_email", "Type your email address exactly as shown to confirm.")
        body = problems.check(parse_form, {"current_password": form.get("current_password", "")}, CurrentPasswordBody)
        problems.raise_any()
        await confirm_current_password(request, caller, body.current_password)
        await run(request.app.state.pool, "delete_my_account", caller)
        await forget_photos(request, caller.consultant_id)
        response = RedirectResponse(f"{BASE}/account/deleted", status_code=303)
        set_cookie(request, response, session_cookie(request), "", 0)  # its sessions are already revoked
        return response

    return await form_page(request, "dashboard/settings_account.html", _load_account, submit, form="delete")


@endpoint(summary="After deleting the account: what happened (needs no session; there is none any more).",
          tags=("pages",), include=False)
async def account_deleted(request: Request) -> Response:
    return render(request, "dashboard/settings_deleted.html")


dashboard_routes = [
    Route(SETTINGS, settings_home, methods=["GET"], name="settings_home"),
    Route(f"{SETTINGS}/profile", profile_page, methods=["GET", "POST"], name="settings_profile"),
    Route(PAGE_PHOTO_ROUTE, profile_photo, methods=["POST"], name="settings_profile_photo"),
    Route(f"{SETTINGS}/policy", policy_page, methods=["GET", "POST"], name="settings_policy"),
    Route(f"{SETTINGS}/bank", bank_page, methods=["GET", "POST"], name="settings_bank"),
    Route(f"{SETTINGS}/meetings", meetings_page, methods=["GET", "POST"], name="settings_meetings"),
    Route(f"{SETTINGS}/notifications", notifications_page, methods=["GET", "POST"], name="settings_notifications"),
    Route(f"{SETTINGS}/account", account_page, methods=["GET"], name="settings_account"),
    Route(f"{SETTINGS}/account/password", change_password, methods=["POST"], name="settings_change_password"),
    Route(f"{SETTINGS}/account/export", export_data, methods=["POST"], name="settings_export"),
    Route(f"{SETTINGS}/account/delete", delete_account, methods=["POST"], name="settings_delete_account"),
    Route(f"{SETTINGS}/account/deleted", account_deleted, methods=["GET"], name="settings_account_deleted"),
]

# Test: pytest tests/http/test_settings_pages.py tests/e2e/test_settings_pages.py
