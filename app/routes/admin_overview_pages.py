# app/routes/admin_overview_pages.py — the admin's platform pages: overview with charts, all sessions, one consultant's analytics, the system page and platform settings (super admins).
"""Like the other admin pages, each runs the JSON API's named queries as the signed-in admin, so the figures,
the filters' meaning and who may change settings are the database's: a page only lays out what SQL answered.
Platform periods are Indian time (the SQL's); a consultant's analytics are in their own zone, exactly as
their dashboard shows them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from pydantic import Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app import charts
from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.admin_analytics import SessionStatus
from app.routes.admin_pages import TZ, run_shown
from app.routes.dashboard import picked_period
from app.routes.form_errors import Problems
from app.routes.forms import form_error
from app.schemas import Id, PlausibleDate
from app.sql import run_refusable
from app.validation import QuerySchema, parse_query
from app.web import form_with_csrf, render, signed_in

STATUSES = {"pending": "Pending", "confirmed": "Confirmed", "completed": "Completed", "cancelled": "Cancelled",
            "no_show": "No-show", "abandoned": "Abandoned"}
# The settings page's order and labels; the keys, their types and ranges are the SQL's (app_private.check_setting).
NUMBER_SETTINGS = {
    "default_hold_minutes": "Minutes a pending paid booking holds its slot",
    "booking_horizon_days": "Days ahead clients can book",
    "reminder_hours_before": "Hours before a session its reminder goes out",
    "meeting_link_wait_seconds": "Seconds a confirmation waits for a generated meeting link",
    "calendar_busy_refresh_minutes": "Minutes between calendar busy-time checks",
    "view_refresh_minutes": "Minutes between analytics view refreshes",
    "commission_gst_percent": "GST on the platform's commission (%), fixed on each payment when it is captured",
    # Taxes (docs/gst.md): fixed on each payment when it is captured, like the commission.
    "service_gst_percent": "GST in registered consultants' prices (%), SAC 998311",
    "tcs_basis_points": "GST TCS on registered consultants' taxable value (basis points: 50 = 0.5%)",
    "tds_basis_points": "Income-tax TDS, s.194-O, on the gross amount (basis points: 10 = 0.1%)",
    "tds_no_pan_basis_points": "TDS when the consultant has given no PAN (basis points: 500 = 5%)",
    "tds_threshold_rupees": "No TDS for a person or HUF with a PAN up to this gross a financial year (₹)",
    # Billing (docs/payments.md "Billing as built"): a failed renewal's grace and the reminder before it ends.
    "subscription_grace_days": "Days a paid plan stays after a failed renewal, before the free plan's limits apply",
    "subscription_grace_reminder_days": "Days before that grace ends the consultant is reminded to pay (0: none)",
}
# Limits against abuse (issue 16): what one consultant, client address, IP or account may ask for.
LIMIT_SETTINGS = {
    "min_slot_minutes": "Shortest slot a weekly rule may offer (minutes)",
    "max_future_slots": "Most future slots per consultant",
    "max_availability_rules": "Most weekly availability rules per consultant",
    "public_bookings_per_ip_per_hour": "Public bookings per IP address per hour",
    "public_bookings_per_email_per_hour": "Public bookings per client email per hour",
    "booking_emails_per_recipient_per_day": "Mails anonymous visitors may cause one address to receive per day",
    "unpaid_holds_per_email": "Open unpaid holds per client email, per consultant",
    "unpaid_holds_per_ip": "Open unpaid holds per IP address, per consultant",
    "photo_uploads_per_hour": "Image uploads (photos and quotation images) per account per hour",
    "login_failures_per_account_ip": "Failed sign-ins per account and IP address (15 minutes)",
    "login_failures_per_ip": "Failed sign-ins per IP address (15 minutes)",
    "login_failures_per_account": "Failed sign-ins per account from all addresses (1 hour)",
}
TEXT_SETTINGS = {"platform_name": "Platform name", "support_email": "Support email",
                 # The platform's identity on its commission invoices (docs/gst.md "What the product does").
                 "platform_legal_name": "Legal name on the platform's invoices",
                 "platform_gstin": "Platform GSTIN (empty until registered)",
                 "platform_state_code": "Platform's GST State code (like 29)",
                 "platform_address": "Platform's registered address"}
PLAN_ROWS_SPARE = 2  # empty rows for adding plans; a cleared row removes a plan


# --- overview --------------------------------------------------------------------------------------------

@endpoint(summary="Admin: platform overview for a timeframe — revenue and sessions trend, signups, sessions by "
                  "status, consultants by approval status, payment success rate, top consultants.", tags=("pages",),
          auth="admin", include=False)
async def overview_page(request: Request) -> Response:
    _, caller = signed_in(request)

    async def load(timeframe: str, date_from: date | None, date_to: date | None) -> dict:
        # Analytics reads: a replica when ANALYTICS_DATABASE_URL is set.
        return await run_refusable(request.app.state.analytics_pool, "admin_analytics", caller,
                                   timeframe=timeframe, date_from=date_from, date_to=date_to)

    a, picker = await picked_period(request, load)
    s = a["sessions"]
    by_status = charts.shares([("completed", "Completed", s["completed"]), ("scheduled", "Pending or confirmed", s["pending"]),
                               ("cancelled", "Cancelled", s["cancelled"]), ("no_show", "No-show", s["no_show"]),
                               ("abandoned", "Abandoned", s["abandoned"])])
    return render(request, "admin/overview.html", {
        "a": a, "by_status": by_status, "picker_action": "/admin/overview", **picker,
        **charts.overview(a, by_status), "tz": TZ},
        status=422 if picker["period_error"] else 200)


# --- platform sessions -----------------------------------------------------------------------------------

class SessionsPageQuery(QuerySchema):
    """The sessions page's filters: dates are whole days in Indian time."""
    status: SessionStatus | None = None
    consultant_id: Id | None = None
    from_: PlausibleDate | None = Field(default=None, alias="from")
    to: PlausibleDate | None = None
    page: int = Field(default=1, ge=1, le=100000)


PER_PAGE = 25


def _ist_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, ZoneInfo(TZ)) if day else None


@endpoint(summary="Admin: sessions across the platform, filtered by status, consultant and dates (IST), paged.",
          tags=("pages",), auth="admin", include=False)
async def sessions_page(request: Request) -> Response:
    _, caller = signed_in(request)
    raw = {k: request.query_params.get(k, "") for k in ("status", "consultant_id", "from", "to", "page")}
    try:
        q = parse_query(request, SessionsPageQuery, blank_is_missing=True)
    except ApiError as err:
        # The filters stay as typed, with the error beside them; no list until they make sense.
        return render(request, "admin/sessions.html", {"raw": raw, "error": err.message, "error_field": err.field,
                                                       "statuses": STATUSES, "result": None, "tz": TZ},
                      status=err.status)
    if q.from_ and q.to and q.to < q.from_:
        return render(request, "admin/sessions.html", {
            "raw": raw, "error": "The end date is before the start date.", "error_field": "to", "statuses": STATUSES,
            "result": None, "tz": TZ}, status=422)
    result = await run_shown(request, "admin_list_sessions", caller, status=q.status, consultant_id=q.consultant_id,
                        date_from=_ist_start(q.from_), date_to=_ist_start(q.to + timedelta(days=1)) if q.to else None,
                        page=q.page, per_page=PER_PAGE)
    consultant = None
    if q.consultant_id:
        try:
            consultant = await run_shown(request, "admin_get_consultant", caller, consultant_id=q.consultant_id)
        except ApiError as err:
            if err.status != 404:
                raise

    def link(**changes: Any) -> str:
        params = {"status": q.status, "consultant_id": q.consultant_id, "from": q.from_, "to": q.to,
                  "page": q.page} | changes
        kept = {k: v for k, v in params.items() if v not in (None, "") and not (k == "page" and v == 1)}
        return "/admin/sessions" + ("?" + urlencode(kept) if kept else "")

    return render(request, "admin/sessions.html", {
        "raw": raw, "q": q, "result": result, "consultant": consultant, "statuses": STATUSES, "link": link,
        "page": q.page, "pages": max(1, -(-result["total"] // PER_PAGE)), "per_page": PER_PAGE, "tz": TZ})


# --- one consultant's analytics ----------------------------------------------------------------------------

@endpoint(summary="Admin: one consultant's dashboard metrics and charts for a timeframe, as they see them.",
          tags=("pages",), auth="admin", include=False)
async def consultant_analytics_page(request: Request) -> Response:
    _, caller = signed_in(request)
    consultant_id = request.path_params["consultant_id"]
    consultant = await run_shown(request, "admin_get_consultant", caller, consultant_id=consultant_id)

    async def load(timeframe: str, date_from: date | None, date_to: date | None) -> tuple[dict, dict]:
        period = {"consultant_id": consultant_id, "timeframe": timeframe, "date_from": date_from, "date_to": date_to}
        reads = request.app.state.analytics_pool  # a replica when ANALYTICS_DATABASE_URL is set
        return (await run_refusable(reads, "admin_consultant_analytics", caller, **period),
                await run_refusable(reads, "admin_consultant_charts", caller, **period))

    (metrics, chart_data), picker = await picked_period(request, load)
    return render(request, "admin/consultant_analytics.html", {
        "c": consultant, "metrics": metrics, "charts": chart_data, **charts.dashboard(chart_data), **picker,
        "picker_action": f"/admin/consultants/{consultant_id}/analytics", "tz": TZ},
        status=422 if picker["period_error"] else 200)


# --- system --------------------------------------------------------------------------------------------------

def _bytes(n: int) -> str:
    """A size in binary units, as an operator reads it (“48.2 MiB”)."""
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _age(seconds: int | None) -> str:
    if seconds is None:
        return "never refreshed"
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago" if seconds < 172800 else f"{seconds // 86400} days ago"


@endpoint(summary="Admin: system health — job queues, failures in the last 24 hours, analytics views' age, the "
                  "database.", tags=("pages",), auth="admin", include=False)
async def system_page(request: Request) -> Response:
    _, caller = signed_in(request)
    system = await run_shown(request, "admin_system", caller)
    settings = await _settings_or_none(request, caller)
    # A view is stale when it missed two refreshes; the interval is a setting only super admins read,
    # so others are measured against the default.
    minutes = settings["view_refresh_minutes"]["value"] if settings and "view_refresh_minutes" in settings else 5
    queues: dict[str, dict[str, int]] = {}
    for j in system["jobs"]:
        queues.setdefault(j["queue"], {"todo": 0, "doing": 0, "failed": 0})[j["status"]] = j["count"]
    return render(request, "admin/system.html", {
        "s": system, "queues": queues, "size": _bytes(system["database"]["size_bytes"]), "age": _age,
        "stale_after": 2 * 60 * minutes, "tz": TZ})


# --- settings (super admins) ----------------------------------------------------------------------------------

async def _settings_or_none(request: Request, caller) -> dict | None:
    try:
        return await run_shown(request, "admin_settings", caller)
    except ApiError as err:
        if err.status != 403:
            raise
        return None


def _number(text: str) -> Any:
    """A whole number typed in a form; anything else goes to the SQL check as typed, which says what is wanted."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return text


def _price(text: str) -> Any:
    text = text.strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text  # NaN or Infinity: the check refuses it as typed
    return int(value) if value == value.to_integral_value() else float(value)


MAX_PLAN_ROWS = 20  # more than the SQL's 10 plans plus the spare rows: the check, not the form, sets the limit


PLAN_FIELDS = ("code", "name", "price", "commission", "minimum")


def _plan_rows(form: dict) -> list[dict]:
    """The plan rows as typed (plan_code_0, plan_name_0, plan_price_0, plan_commission_0, plan_minimum_0, …)."""
    return [{k: form.get(f"plan_{k}_{i}", "") for k in PLAN_FIELDS} for i in range(MAX_PLAN_ROWS)
            if f"plan_code_{i}" in form]


def _plans(form: dict) -> list[dict]:
    """The plans the form asks for; a row with every field empty is not a plan. An empty commission keeps the
    plan's own (a new plan's is the database's default)."""
    plans = []
    for r in _plan_rows(form):
        if not any(r[k].strip() for k in PLAN_FIELDS):
            continue
        plan = {"code": r["code"].strip(), "name": r["name"].strip(), "price_monthly": _price(r["price"])}
        if r["commission"].strip():
            plan["commission_percent"] = _price(r["commission"])
        if r["minimum"].strip():
            plan["commission_min"] = _price(r["minimum"])
        plans.append(plan)
    return plans


def _wanted(form: dict) -> dict:
    """Every setting the form shows, as typed; api.admin_update_settings writes and audits only what differs."""
    wanted: dict[str, Any] = {k: _number(form[k]) for k in (*NUMBER_SETTINGS, *LIMIT_SETTINGS) if k in form}
    wanted |= {k: form[k] for k in TEXT_SETTINGS if k in form}
    if "plan_code_0" in form:
        wanted["plans"] = _plans(form)
    return wanted


def _form_values(settings: dict, spare: int = PLAN_ROWS_SPARE) -> dict:
    values: dict[str, Any] = {k: settings[k]["value"] for k in (*NUMBER_SETTINGS, *LIMIT_SETTINGS, *TEXT_SETTINGS)
                              if k in settings}
    plans = [{"code": p["code"], "name": p["name"], "price": p["price_monthly"],
              "commission": str(p.get("commission_percent", "")), "minimum": p.get("commission_min", "")}
             for p in settings.get("plans", {}).get("value", [])]
    values["plans"] = plans + [dict.fromkeys(PLAN_FIELDS, "")] * spare
    return values


LABELS = {**NUMBER_SETTINGS, **LIMIT_SETTINGS, **TEXT_SETTINGS, "plans": "Subscription plans"}


def _out_of_bounds(settings: dict, wanted: dict) -> None:
    """Every whole-number setting outside the range the database gives for it (api.setting_bounds, read with the
    settings), reported at once; the database checks each again, and the rest, when the form is sent on."""
    problems = Problems()
    for key, value in wanted.items():
        low, high = settings.get(key, {}).get("min"), settings.get(key, {}).get("max")
        if low is not None and high is not None and (not isinstance(value, int) or not low <= value <= high):
            problems.add(key, f"{LABELS.get(key, key)}: a whole number from {low:,} to {high:,}.")
    problems.raise_any()


@endpoint(summary="Admin: platform settings — read and change them (super admins); audited.", tags=("pages",),
          auth="admin", include=False)
async def settings_page(request: Request) -> Response:
    _, caller = signed_in(request)
    form = await form_with_csrf(request) if request.method == "POST" else None
    settings = await _settings_or_none(request, caller)
    if settings is None:
        return render(request, "admin/forbidden.html", {"heading": "Only super admins change platform settings"},
                      status=403)
    context = {"settings": settings, "numbers": NUMBER_SETTINGS, "limits": LIMIT_SETTINGS, "texts": TEXT_SETTINGS,
               "tz": TZ,
               "done": request.query_params.get("done"), "values": _form_values(settings)}
    if form is None:
        return render(request, "admin/settings.html", context)
    wanted = _wanted(form)
    if not wanted:
        return RedirectResponse("/admin/settings?done=unchanged", status_code=303)
    try:
        _out_of_bounds(settings, wanted)
        after = await run_shown(request, "admin_update_settings", caller, patch=wanted)
    except ApiError as err:
        # The form as submitted, the problems beside their fields; nothing was saved (one transaction).
        values = {k: form.get(k, "") for k in (*NUMBER_SETTINGS, *LIMIT_SETTINGS, *TEXT_SETTINGS)}
        values["plans"] = _plan_rows(form)
        if err.field in LABELS and not err.details:  # the database names a setting by its key: say its label
            err.message = err.message.replace(err.field, LABELS[err.field], 1)
        failure, status = form_error(err, order=list(form))
        return render(request, "admin/settings.html", {**context, "done": None, "values": values, **failure},
                      status=status)
    changed = any(after[k]["value"] != settings.get(k, {}).get("value") for k in wanted)
    return RedirectResponse(f"/admin/settings?done={'saved' if changed else 'unchanged'}", status_code=303)


admin_routes = [
    Route("/overview", overview_page, methods=["GET"], name="admin_overview_page"),
    Route("/sessions", sessions_page, methods=["GET"], name="admin_sessions_page"),
    Route("/consultants/{consultant_id:uuid}/analytics", consultant_analytics_page, methods=["GET"],
          name="admin_consultant_analytics_page"),
    Route("/system", system_page, methods=["GET"], name="admin_system_page"),
    Route("/settings", settings_page, methods=["GET", "POST"], name="admin_settings_page"),
]

# Test: pytest tests/http/test_admin_overview_pages.py tests/e2e/test_admin_overview_pages.py
