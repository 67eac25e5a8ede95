# app/routes/dashboard_sessions.py — the consultant's Sessions pages: list with filters, detail with its actions, month calendar, new offline session.
"""Every page runs the API's own named queries and validates with the API's own schemas (app/routes/sessions.py);
what a form adds is only the translation from what a person types (a local date and time, a choice of
radio button) into the API's fields. Each status action is a GET confirmation page and a CSRF-checked POST
that redirects back to the session with a notice. Only approved consultants reach these pages; anyone else
signed in is sent to /dashboard (the awaiting-approval screen)."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import asyncpg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.routes import forms
from app.routes.form_errors import Problems
from app.routes.sessions import (
    CalendarQuery,
    CancelBody,
    NewSession,
    RescheduleBody,
    SessionPatch,
    SessionQuery,
    book_offline,
    present_session,
)
from app.schemas import page_date
from app.sql import Caller, run
from app.validation import parse_form, parse_query
from app.web import form_with_csrf, meeting_platform_code, render, signed_in

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIST_FILTERS = ("status", "type", "from", "to", "client_id", "q", "sort", "page", "per_page")
PATCH_FIELDS = ("notes", "consultant_notes", "meeting_platform", "meeting_link", "meeting_id", "meeting_password")
SLOT_DAYS = 30  # how far ahead the new-session and reschedule forms offer free slots

# What each status action is called, asked and answered on the pages (the database decides what is allowed).
ACTIONS: dict[str, dict[str, str]] = {
    "confirm": {"to": "confirmed", "title": "Confirm this session?", "button": "Yes, confirm it",
                "done": "Session confirmed."},
    "complete": {"to": "completed", "title": "Mark this session completed?", "button": "Yes, mark it completed",
                 "done": "Session marked as completed."},
    "no-show": {"to": "no_show", "title": "Mark this session as a no-show?", "button": "Yes, the client did not come",
                "done": "Session marked as a no-show."},
    "cancel": {"to": "cancelled", "title": "Cancel this session?", "button": "Yes, cancel the session",
               "done": "Session cancelled. The client has been emailed."},
}
NOTICES = {"saved": "Notes and meeting details saved.", "created": "Session booked and confirmed.",
           "rescheduled": "Session moved to its new time, shown below. The client is not emailed about a move: "
                          "let them know.",
           **{a["to"]: a["done"] for a in ACTIONS.values()}}
OFFLINE_METHODS = ("cash", "bank_transfer", "upi_direct")
FORM_FIELDS = {"starts_at": "start_date", "ends_at": "duration"}  # the API's field -> the form's input


# Shared by the Sessions and Clients pages --------------------------------------------------------------------

def form_error(exc: Exception, order: list[str] | None = None) -> tuple[dict[str, Any], int]:
    """A failed session form's problems by input (app/routes/forms.py, with the session forms' own inputs)."""
    return forms.form_error(exc, FORM_FIELDS, order)


def paging(path: str, result: dict, keep: dict[str, str]) -> dict[str, Any]:
    """Where this page starts and ends, and links to the pages around it with the same filters."""
    total, page, per_page = result["total"], result["page"], result["per_page"]
    pages = max(1, -(-total // per_page))

    def link(n: int) -> str:
        return path + "?" + urlencode({**{k: v for k, v in keep.items() if v and k != "page"}, "page": n})

    return {"total": total, "page": page, "pages": pages,
            "first": min(total, (page - 1) * per_page + 1), "last": min(total, page * per_page),
            "prev": link(page - 1) if page > 1 else None, "next": link(page + 1) if page < pages else None,
            "first_link": link(1) if page > 1 else None, "beyond": page > pages}


def adhoc_times(form: dict[str, str], timezone: str) -> tuple[str, str]:
    """starts_at and ends_at (ISO 8601) from the date, start time and length in minutes typed in the consultant's
    zone (each problem reported, all at once)."""
    problems = Problems()
    day = problems.check(forms.form_day, form, "start_date")
    at = problems.check(forms.form_time, form, "start_time")
    minutes = forms.whole_number(form.get("duration", ""))
    if not isinstance(minutes, int) or not 5 <= minutes <= 600:
        problems.add("duration", "Enter the length in whole minutes, from 5 to 600.")
    problems.raise_any()
    starts = datetime.combine(day, at, ZoneInfo(timezone))
    return starts.isoformat(), (starts + timedelta(minutes=minutes)).isoformat()


async def free_slots(request: Request, caller: Caller, session_type: str | None = None) -> list[tuple[str, list]]:
    """The consultant's free slots for the coming weeks (the calendar's own query), grouped by local day."""
    now = datetime.now(UTC)
    cal = await run(request.app.state.pool, "session_calendar", caller, from_=now, to_=now + timedelta(days=SLOT_DAYS),
                    month=None)
    zone = ZoneInfo(cal["timezone"])
    slots = [s for day in cal["days"] for s in day["free_slots"]
             if session_type is None or s["session_type"] == session_type]
    return [(day, list(items)) for day, items in groupby(
        slots, key=lambda s: datetime.fromisoformat(s["starts_at"]).astimezone(zone).strftime("%A, %d %B %Y"))]


# Sessions list -----------------------------------------------------------------------------------------------

def _day_start(value: str, timezone: str, days: int = 0) -> str:
    """A date typed in a filter as the instant its day starts in the consultant's zone (ISO 8601)."""
    day = page_date(value) + timedelta(days=days)
    return datetime.combine(day, time.min, ZoneInfo(timezone)).isoformat()


@endpoint(summary="Sessions page: filters, search, sort, paging and totals.", tags=("pages",), auth="readable", include=False)
async def sessions_list(request: Request) -> Response:
    subject, caller = signed_in(request)
    tz = subject["timezone"]
    values = {k: request.query_params[k].strip() for k in LIST_FILTERS if request.query_params.get(k, "").strip()}
    query = dict(values)
    try:
        # Dates are days in the consultant's zone; "to" includes its whole day.
        for key, days in (("from", 0), ("to", 1)):
            if key in query and DATE_RE.fullmatch(query[key]):
                query[key] = _day_start(query[key], tz, days)
        q = parse_form(query, SessionQuery)
    except (ApiError, ValueError) as exc:
        err = exc if isinstance(exc, ApiError) else ApiError(422, "validation_error", "A date is not valid.", "from")
        return render(request, "dashboard/sessions.html", {
            "values": values, "tz": tz, "result": None, "error": err.message,
            "error_field": err.field}, status=err.status)
    result = await run(request.app.state.pool, "list_sessions", caller, q, session_type=q.type, to_=q.to)
    return render(request, "dashboard/sessions.html", {
        "values": values, "tz": tz, "result": result, "filtered": bool(set(values) - {"sort", "page", "per_page"}),
        "paging": paging("/dashboard/sessions", result, values),
        "today": datetime.now(ZoneInfo(tz)).date().isoformat()})


# One session: detail, edit, status actions, reschedule --------------------------------------------------------

def _sid(request: Request) -> uuid.UUID:
    return request.path_params["session_id"]


async def _detail(request: Request, subject: dict, caller: Caller, session: dict | None = None,
                  **context: Any) -> Response:
    if session is None:
        session = await run(request.app.state.pool, "get_session", caller, session_id=_sid(request))
    session = present_session(request, session)
    documents = await run(request.app.state.pool, "my_documents_of", caller, session_id=session["id"], payment_id=None)
    status = context.pop("status", 200)
    starts = datetime.fromisoformat(session["starts_at"])
    values = context.pop("values", None) or {
        **{k: session.get(k) or "" for k in PATCH_FIELDS},
        "meeting_platform": meeting_platform_code(session.get("meeting_link"), session.get("meeting_platform")) or ""}
    return render(request, "dashboard/sessions_detail.html", {
        "s": session, "tz": subject["timezone"], "started": starts <= datetime.now(UTC), "values": values,
        "documents": documents,
        "month": starts.astimezone(ZoneInfo(subject["timezone"])).strftime("%Y-%m"),
        "notice": NOTICES.get(request.query_params.get("done", "")), **context}, status=status)


@endpoint(summary="A session: client, time, status, payment, meeting and notes, with its actions.", tags=("pages",),
          auth="readable", include=False)
async def session_detail(request: Request) -> Response:
    return await _detail(request, *signed_in(request))


@endpoint(summary="Save a session's notes and meeting details.", tags=("pages",), auth="approved", include=False)
async def session_edit(request: Request) -> Response:
    form = await form_with_csrf(request)
    subject, caller = signed_in(request)
    pool = request.app.state.pool
    session = await run(pool, "get_session", caller, session_id=_sid(request))
    values = {k: form.get(k, "").strip() for k in PATCH_FIELDS}
    try:
        body = parse_form(values, SessionPatch)
        # The form shows every field: one left empty is cleared (the API's null).
        patch = {**{k: None for k, v in values.items() if v == ""}, **body.model_dump(mode="json", exclude_unset=True)}
        await run(pool, "update_session", caller, session_id=session["id"], patch=patch)
    except (ApiError, asyncpg.PostgresError) as exc:
        failure, status = form_error(exc)
        return await _detail(request, subject, caller, session, values=values, status=status, **failure)
    return RedirectResponse(f"/dashboard/sessions/{session['id']}?done=saved#details", status_code=303)


def _refund_kind(session: dict) -> str | None:
    """How a cancellation gives the money back, for the confirmation page: None when nothing was paid."""
    if session["payment_status"] != "paid":
        return None
    return "offline" if session.get("payment_method") in OFFLINE_METHODS else "online"


def _status_page(action: str):
    spec = ACTIONS[action]

    @endpoint(summary=f"{spec['title']} (confirmation page, then the action).", tags=("pages",), auth="approved", include=False)
    async def page(request: Request) -> Response:
        form = await form_with_csrf(request) if request.method == "POST" else {}
        subject, caller = signed_in(request)
        pool = request.app.state.pool
        session = await run(pool, "get_session", caller, session_id=_sid(request))
        context = {"s": session, "tz": subject["timezone"], "action": action, "spec": spec,
                   "refund": _refund_kind(session), "values": {"reason": form.get("reason", "")}}
        if request.method == "GET":
            return render(request, "dashboard/sessions_confirm.html", context)
        try:
            reason = parse_form({"reason": form.get("reason", "").strip()}, CancelBody).reason \
                if action == "cancel" else None
            await run(pool, "set_session_status", caller, session_id=session["id"], to_status=spec["to"],
                      reason=reason)
        except (ApiError, asyncpg.PostgresError) as exc:
            failure, status = form_error(exc)
            return render(request, "dashboard/sessions_confirm.html", {**context, **failure}, status=status)
        return RedirectResponse(f"/dashboard/sessions/{session['id']}?done={spec['to']}", status_code=303)

    page.__name__ = page.__qualname__ = "session_" + action.replace("-", "_")
    return page


session_confirm = _status_page("confirm")
session_complete = _status_page("complete")
session_no_show = _status_page("no-show")
session_cancel = _status_page("cancel")


def _reschedule_body(form: dict[str, str], timezone: str) -> RescheduleBody:
    if form.get("when") == "slot":
        if not form.get("slot_id"):
            raise ApiError(422, "validation_error", "Choose one of your free slots.", "slot_id")
        return parse_form({"slot_id": form["slot_id"]}, RescheduleBody)
    if form.get("when") == "adhoc":
        starts_at, ends_at = adhoc_times(form, timezone)
        return parse_form({"starts_at": starts_at, "ends_at": ends_at}, RescheduleBody)
    raise ApiError(422, "validation_error", "Choose a free slot or another time.", "when")


@endpoint(summary="Move a session to a free slot or another time (choose, confirm, done).", tags=("pages",),
          auth="approved", include=False)
async def session_reschedule(request: Request) -> Response:
    form = await form_with_csrf(request) if request.method == "POST" else {}
    subject, caller = signed_in(request)
    tz = subject["timezone"]
    pool = request.app.state.pool
    session = await run(pool, "get_session", caller, session_id=_sid(request))
    days = [(day, [s for s in slots if s["id"] != session.get("slot_id")])
            for day, slots in await free_slots(request, caller, session["session_type"])]
    days = [(day, slots) for day, slots in days if slots]
    values = {"when": "slot" if days else "adhoc", "duration": str(session["duration_minutes"]),
              "start_date": datetime.fromisoformat(session["starts_at"]).astimezone(ZoneInfo(tz)).date().isoformat(),
              **{k: v for k, v in form.items() if k != "csrf_token"}}
    context = {"s": session, "tz": tz, "days": days, "values": values}
    if request.method == "GET":
        return render(request, "dashboard/sessions_reschedule.html", context)
    try:
        body = _reschedule_body(form, tz)
        if form.get("confirm") != "yes":
            # The confirmation step: the old and the new time side by side, nothing changed yet.
            slot = next((s for _, slots in days for s in slots if s["id"] == str(body.slot_id)), None)
            target = {"starts_at": slot["starts_at"], "ends_at": slot["ends_at"]} if slot else \
                {"starts_at": body.starts_at, "ends_at": body.ends_at} if body.starts_at else None
            return render(request, "dashboard/sessions_reschedule.html", {**context, "confirming": True,
                                                                          "target": target})
        await run(pool, "reschedule_session", caller, session_id=session["id"], slot_id=body.slot_id,
                  starts_at=body.starts_at, ends_at=body.ends_at)
    except (ApiError, asyncpg.PostgresError) as exc:
        failure, status = form_error(exc, list(form))
        return render(request, "dashboard/sessions_reschedule.html", {**context, **failure}, status=status)
    return RedirectResponse(f"/dashboard/sessions/{session['id']}?done=rescheduled", status_code=303)


# Calendar ----------------------------------------------------------------------------------------------------

def _month_shift(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


@endpoint(summary="A month of sessions and free slots, day by day, in the consultant's zone.", tags=("pages",),
          auth="readable", include=False)
async def sessions_calendar(request: Request) -> Response:
    subject, caller = signed_in(request)
    tz = subject["timezone"]
    q = parse_query(request, CalendarQuery)
    today = datetime.now(ZoneInfo(tz)).date()
    month = date.fromisoformat(q.month + "-01") if q.month else today.replace(day=1)
    cal = await run(request.app.state.pool, "session_calendar", caller, from_=None, to_=None,
                    month=month.strftime("%Y-%m"))
    days = [{**d, "day": date.fromisoformat(d["date"])} for d in cal["days"]]
    # Monday-first weeks; the days before the 1st are blank cells in the grid (and hidden as a list).
    lead = days[0]["day"].weekday() if days else 0
    return render(request, "dashboard/sessions_calendar.html", {
        "tz": cal["timezone"], "month": month, "days": days, "lead": lead, "today": today,
        "prev": _month_shift(month, -1).strftime("%Y-%m"), "next": _month_shift(month, 1).strftime("%Y-%m"),
        "prev_label": _month_shift(month, -1).strftime("%b %Y"), "next_label": _month_shift(month, 1).strftime("%b %Y"),
        "this_month": today.strftime("%Y-%m"),
        "sessions_count": sum(len(d["sessions"]) for d in days),
        "free_count": sum(len(d["free_slots"]) for d in days)})


# New offline session -----------------------------------------------------------------------------------------

def _new_session_body(form: dict[str, str], timezone: str) -> NewSession:
    """The API's body from the form, with every problem found at once: the choices not made, the date not
    given and whatever the schema refuses."""
    problems = Problems()
    data: dict[str, Any] = {k: form.get(k, "").strip() for k in ("amount", "payment_status", "notes")}
    if form.get("client_mode") == "existing":
        if not form.get("client_id"):
            problems.add("client_id", "Choose a client, or add a new one.")
        data["client_id"] = form.get("client_id", "")
    elif form.get("client_mode") == "new":
        data["client"] = {k: form.get(f"client_{k}", "").strip() for k in ("name", "email", "phone")
                          if form.get(f"client_{k}", "").strip()}
    else:
        problems.add("client_mode", "Choose an existing client or add a new one.")
    if form.get("when") == "slot":
        if not form.get("slot_id"):
            problems.add("slot_id", "Choose one of your free slots.")
        data["slot_id"] = form.get("slot_id", "")
    elif form.get("when") == "adhoc":
        data["session_type"] = form.get("session_type", "")
        data["starts_at"], data["ends_at"] = problems.check(adhoc_times, form, timezone) or ("", "")
    else:
        problems.add("when", "Choose a free slot or another time.")
    if data["payment_status"] == "paid":
        data["payment_method"] = form.get("payment_method", "")
        if not data["payment_method"]:
            problems.add("payment_method", "Choose how the client paid: cash, bank transfer or UPI.")
    body = problems.check(parse_form, data, NewSession)
    problems.raise_any()
    return body


@endpoint(summary="Book an offline client: an existing or new client, a free slot or another time.", tags=("pages",),
          auth="approved", include=False)
async def session_new(request: Request) -> Response:
    form = await form_with_csrf(request) if request.method == "POST" else {}
    subject, caller = signed_in(request)
    tz = subject["timezone"]
    pool = request.app.state.pool
    clients = await run(pool, "list_clients", caller, q=None, phone_hash=None, active=True, sort="name", page=1,
                        per_page=100)
    days = await free_slots(request, caller)
    given = form or dict(request.query_params)
    values = {"client_mode": "existing" if clients["items"] else "new", "when": "slot" if days else "adhoc",
              "session_type": "personal", "duration": "60", "payment_status": "pending",
              **{k: v for k, v in given.items() if k != "csrf_token"}}
    context = {"tz": tz, "clients": clients, "days": days, "values": values,
               "today": datetime.now(ZoneInfo(tz)).date().isoformat()}
    if request.method == "GET":
        return render(request, "dashboard/sessions_new.html", context)
    try:
        b = _new_session_body(form, tz)
        made = await book_offline(request, caller, b)
    except (ApiError, asyncpg.PostgresError) as exc:
        failure, status = form_error(exc, list(form))
        return render(request, "dashboard/sessions_new.html", {**context, **failure}, status=status)
    return RedirectResponse(f"/dashboard/sessions/{made['id']}?done=created", status_code=303)


SID = "{session_id:uuid}"
dashboard_routes = [
    Route("/sessions", sessions_list, methods=["GET"], name="sessions_page"),
    Route("/sessions/calendar", sessions_calendar, methods=["GET"], name="sessions_calendar_page"),
    Route("/sessions/new", session_new, methods=["GET", "POST"], name="session_new_page"),
    Route(f"/sessions/{SID}", session_detail, methods=["GET"], name="session_page"),
    Route(f"/sessions/{SID}/edit", session_edit, methods=["POST"], name="session_edit_page"),
    Route(f"/sessions/{SID}/confirm", session_confirm, methods=["GET", "POST"], name="session_confirm_page"),
    Route(f"/sessions/{SID}/complete", session_complete, methods=["GET", "POST"],
          name="session_complete_page"),
    Route(f"/sessions/{SID}/no-show", session_no_show, methods=["GET", "POST"], name="session_no_show_page"),
    Route(f"/sessions/{SID}/cancel", session_cancel, methods=["GET", "POST"], name="session_cancel_page"),
    Route(f"/sessions/{SID}/reschedule", session_reschedule, methods=["GET", "POST"],
          name="session_reschedule_page"),
]

# Test: pytest tests/http/test_dashboard_sessions_pages.py tests/e2e/test_dashboard_sessions.py
