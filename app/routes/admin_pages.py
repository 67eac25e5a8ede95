# app/routes/admin_pages.py — the admin's pages (/admin…): sign-in, the consultants list and detail with approval and subscription actions behind confirmation pages, the admins list for super admins.
"""Every page runs the JSON API's own named queries with the signed-in admin as the caller, so the rules
(the approval state machine, reasons, plan codes, who may manage admins) stay in SQL: a page only shows
what SQL answered. Each action is a GET confirmation page and a POST with a CSRF token, then a redirect
back with `?done=<what happened>` for the notice."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.auth import client_ip, new_token, refresh_expiry, token_hash
from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.admin import ConsultantListQuery, CreateAdminBody, ReasonBody, SubscriptionBody
from app.routes.auth import LoginBody, checked_credentials, hash_new_password
from app.routes.forms import form_error, form_page
from app.routes.pages import query_values, start_web_session
from app.sql import PUBLIC, Caller, run_refusable
from app.validation import parse_form, parse_query
from app.web import ADMIN, clear_cookie, form_with_csrf, render, safe_next, session_cookie, signed_in

TZ = "Asia/Kolkata"  # admins work in Indian time
IST_OFFSET = "+05:30"

# What each approval action runs and how the detail page then says it. Whether it applies to a consultant
# in their current state is the database's call (api.approve_consultant and friends answer 409 if not).
ACTIONS: dict[str, dict] = {
    "approve": {"query": "approve_consultant", "reason": False, "done": "approved"},
    "reject": {"query": "reject_consultant", "reason": True, "done": "rejected"},
    "suspend": {"query": "suspend_consultant", "reason": True, "done": "suspended"},
    "reactivate": {"query": "reactivate_consultant", "reason": False, "done": "reactivated"},
}


async def run_shown(request: Request, name: str, caller: Caller = PUBLIC, /, *models: BaseModel, **params) -> Any:
    """`run`, with a database refusal (NK409, NK422, a unique email…) as the ApiError a page shows in place."""
    return await run_refusable(request.app.state.pool, name, caller, *models, **params)


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def _plans(request: Request) -> list[dict]:
    return (await run_shown(request, "public_plans"))["plans"]


# --- sign in and out -------------------------------------------------------------------------------------

@endpoint(summary="Admin sign-in page.", tags=("pages",), include=False)
async def login_page(request: Request) -> Response:
    subject, _ = signed_in(request)
    if request.method == "GET" and subject and subject["kind"] == "admin":
        return _redirect(safe_next(request.query_params.get("next"), "/admin"))

    async def submit(form: dict, subject: dict | None, caller: Caller) -> Response:
        body = parse_form({"email": form.get("email", ""), "password": form.get("password", "")}, LoginBody)
        creds = await checked_credentials(request, "admin", body)
        refresh = new_token("rta")
        await run_shown(request, "start_admin_session", admin_id=creds["id"], refresh_hash=token_hash(refresh),
                   expires_at=refresh_expiry(), user_agent=request.headers.get("user-agent"), ip=client_ip(request))
        return start_web_session(request, refresh, safe_next(form.get("next"), "/admin"))

    return await form_page(request, "admin/login.html", query_values, submit)


@endpoint(summary="Admin sign out (ends this browser's admin session).", tags=("pages",), include=False)
async def logout_page(request: Request) -> Response:
    await form_with_csrf(request)
    token = request.cookies.get(session_cookie(request))
    if token:
        await run_shown(request, "revoke_refresh_family", token_hash=token_hash(token), subject="admin")
    response = _redirect("/admin/login?signed_out=1")
    clear_cookie(request, response, session_cookie(request))
    return response


# --- consultants -------------------------------------------------------------------------------------------

@endpoint(summary="Admin: consultants, pending first, with counts, filter, search and pages.", tags=("pages",),
          auth="admin", include=False)
async def consultants_page(request: Request) -> Response:
    _, caller = signed_in(request)
    q = parse_query(request, ConsultantListQuery)
    result = await run_shown(request, "admin_list_consultants", caller, q)
    plans = {p["code"]: p["name"] for p in await _plans(request)}

    return render(request, "admin/consultants.html", {
        "result": result, "status": q.status, "q": q.q or "", "page": q.page, "per_page": q.per_page,
        "pages": max(1, -(-result["total"] // q.per_page)), "plans": plans, "link": partial(list_link, "/admin", q),
        "tz": TZ})


def list_link(path: str, query: BaseModel, **changes) -> str:
    """A list page with some of its query's parameters changed (None drops one); a parameter at its default (the
    first page, the usual page size) is left out."""
    fields = type(query).model_fields
    params = query.model_dump() | changes
    kept = {k: v for k, v in params.items() if v not in (None, "") and fields[k].default != v}
    return path + ("?" + urlencode(kept) if kept else "")


async def _detail(request: Request, caller: Caller, subject: dict, status: int = 200, **context) -> Response:
    """The consultant's page; after a failed subscription change, with the error and what was chosen."""
    consultant = await run_shown(request, "admin_get_consultant", caller, consultant_id=request.path_params["consultant_id"])
    names = {subject["id"]: "You"}
    if subject.get("role") == "super_admin":  # only super admins may read the admins list
        names |= {a["id"]: a["name"] for a in await run_shown(request, "admin_list_admins", caller) if a["id"] != subject["id"]}
    expires = consultant["subscription_expires_at"]
    values = context.pop("values", None) or {
        "plan": consultant["subscription_plan"],
        "expires_on": _local_date(expires) if expires else ""}
    # Their Razorpay Route payout account: status and requirements in words (db/functions/payout_accounts.sql).
    payout = await run_shown(request, "payout_account_of", caller, consultant_id=consultant["id"])
    return render(request, "admin/consultant.html", {
        "c": consultant, "plans": await _plans(request), "names": names, "values": values, "payout": payout,
        "done": request.query_params.get("done"), "tz": TZ, **context}, status=status)


def _local_date(value: str) -> str:
    """An instant as the date it falls on in India (the form's expiry field)."""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(TZ)).date().isoformat()


@endpoint(summary="Admin: one consultant with verification, approval history, subscription and actions.",
          tags=("pages",), auth="admin", include=False)
async def consultant_page(request: Request) -> Response:
    subject, caller = signed_in(request)
    return await _detail(request, caller, subject)


@endpoint(summary="Admin: confirm and then approve, reject, suspend or reactivate a consultant.", tags=("pages",),
          auth="admin", include=False)
async def consultant_action(request: Request) -> Response:
    _, caller = signed_in(request)
    consultant_id = request.path_params["consultant_id"]
    name = request.url.path.rstrip("/").rsplit("/", 1)[1]
    action = ACTIONS[name]
    context: dict = {"action": name, "needs_reason": action["reason"], "values": {}, "tz": TZ}
    if request.method == "POST":
        form = await form_with_csrf(request)
        try:
            params = {"consultant_id": consultant_id}
            if action["reason"]:
                params["reason"] = parse_form({"reason": form.get("reason", "")}, ReasonBody).reason
            # Suspending may also cancel and refund every upcoming paid session (api.suspend_consultant).
            cancel = name == "suspend" and form.get("cancel_upcoming") == "1"
            await run_shown(request, "suspend_consultant_and_cancel" if cancel else action["query"], caller, **params)
            return _redirect(f"/admin/consultants/{consultant_id}?done={action['done']}{'_cancelled' if cancel else ''}")
        except ApiError as err:
            context |= {"error": err.message, "error_field": err.field, "error_status": err.status,
                        "values": {"reason": form.get("reason", ""), "cancel_upcoming": form.get("cancel_upcoming")}}
            consultant = await run_shown(request, "admin_get_consultant", caller, consultant_id=consultant_id)
            return render(request, "admin/confirm_action.html", {"c": consultant, **context}, status=err.status)
    consultant = await run_shown(request, "admin_get_consultant", caller, consultant_id=consultant_id)
    return render(request, "admin/confirm_action.html", {"c": consultant, **context})


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _subscription(form: dict) -> SubscriptionBody:
    """The plan and the last day it is valid (a date, in Indian time) through the API's own schema."""
    day = (form.get("expires_on") or "").strip()
    # The last moment of that day in India; anything that is not a date is left for the schema to refuse.
    expires = f"{day}T23:59:59{IST_OFFSET}" if DATE.match(day) else (day or None)
    try:
        return parse_form({"plan": form.get("plan", ""), "expires_at": expires}, SubscriptionBody)
    except ApiError as err:
        if err.field == "expires_at":
            raise ApiError(err.status, err.code, "Expiry: enter a date such as 31/03/2027, or leave it empty.",
                           "expires_on") from err
        raise


@endpoint(summary="Admin: confirm and then set a consultant's plan and its expiry.", tags=("pages",), auth="admin", include=False)
async def subscription_page(request: Request) -> Response:
    subject, caller = signed_in(request)
    consultant_id = request.path_params["consultant_id"]
    form = await form_with_csrf(request) if request.method == "POST" else dict(request.query_params)
    values = {"plan": form.get("plan", ""), "expires_on": form.get("expires_on", "")}
    try:
        body = _subscription(form)
        if request.method == "POST":
            await run_shown(request, "admin_set_subscription", caller, consultant_id=consultant_id, plan=body.plan,
                       expires_at=body.expires_at)
            return _redirect(f"/admin/consultants/{consultant_id}?done=subscription")
    except ApiError as err:
        # Back to the consultant's page, the form showing the error and what was chosen.
        return await _detail(request, caller, subject, status=err.status, values=values, error=err.message,
                             error_field=err.field)
    consultant = await run_shown(request, "admin_get_consultant", caller, consultant_id=consultant_id)
    plans = {p["code"]: p for p in await _plans(request)}
    return render(request, "admin/confirm_subscription.html", {
        "c": consultant, "plans": plans, "new_plan": plans.get(body.plan, {"code": body.plan, "name": body.plan}),
        "expires_at": body.expires_at, "expired": body.expires_at is not None and body.expires_at < datetime.now(UTC),
        "values": values, "tz": TZ})


# --- admins (super admins) -------------------------------------------------------------------------------

async def _admins_or_forbidden(request: Request, caller: Caller) -> list[dict] | Response:
    """Every admin, or the page saying only super admins manage admins (the database decides)."""
    try:
        return await run_shown(request, "admin_list_admins", caller)
    except ApiError as err:
        if err.status != 403:
            raise
        return render(request, "admin/forbidden.html", {"heading": "Only super admins manage admins"}, status=403)


@endpoint(summary="Admin: every admin, and a form to add one (super admins).", tags=("pages",), auth="admin", include=False)
async def admins_page(request: Request) -> Response:
    _, caller = signed_in(request)
    form = await form_with_csrf(request) if request.method == "POST" else {}
    admins = await _admins_or_forbidden(request, caller)
    if isinstance(admins, Response):
        return admins
    context = {"admins": admins, "done": request.query_params.get("done"), "values": {"role": "admin"}, "tz": TZ}
    if request.method == "POST":
        try:
            body = parse_form({k: form.get(k, "") for k in ("email", "name", "password", "role")}, CreateAdminBody)
            password_hash = await hash_new_password(request, body.password, body.email, body.name)
            await run_shown(request, "create_admin", caller, body, password_hash=password_hash)
            return _redirect("/admin/admins?done=created")
        except ApiError as err:
            values = {k: form.get(k, "") for k in ("email", "name", "role")}
            failure, status = form_error(err, order=list(form))
            return render(request, "admin/admins.html", {**context, "done": None, **failure, "values": values},
                          status=status)
    return render(request, "admin/admins.html", context)


@endpoint(summary="Admin: confirm and then deactivate an admin (super admins).", tags=("pages",), auth="admin", include=False)
async def deactivate_admin_page(request: Request) -> Response:
    _, caller = signed_in(request)
    if request.method == "POST":
        await form_with_csrf(request)
    admins = await _admins_or_forbidden(request, caller)
    if isinstance(admins, Response):
        return admins
    admin_id = str(request.path_params["admin_id"])
    target = next((a for a in admins if a["id"] == admin_id), None)
    if target is None:
        raise ApiError(404, "not_found", "There is no such admin.")
    context: dict = {"a": target, "tz": TZ}
    if request.method == "POST":
        try:
            await run_shown(request, "deactivate_admin", caller, admin_id=request.path_params["admin_id"])
            return _redirect("/admin/admins?done=deactivated")
        except ApiError as err:
            return render(request, "admin/confirm_deactivate.html", {**context, "error": err.message},
                          status=err.status)
    return render(request, "admin/confirm_deactivate.html", context)


CONSULTANT = "/consultants/{consultant_id:uuid}"

admin_routes = [
    Route("/login", login_page, methods=["GET", "POST"], name="admin_login_page"),
    Route("/logout", logout_page, methods=["POST"], name="admin_logout_page"),
    Route(CONSULTANT, consultant_page, methods=["GET"], name="admin_consultant_page"),
    *[Route(f"{CONSULTANT}/{name}", consultant_action, methods=["GET", "POST"], name=f"admin_consultant_{name}_page")
      for name in ACTIONS],
    Route(f"{CONSULTANT}/subscription", subscription_page, methods=["GET", "POST"], name="admin_subscription_page"),
    Route("/admins", admins_page, methods=["GET", "POST"], name="admin_admins_page"),
    Route("/admins/{admin_id:uuid}/deactivate", deactivate_admin_page, methods=["GET", "POST"],
          name="admin_deactivate_admin_page"),
]
# The /admin mount cannot serve its own root, so the consultants list sits in the site's table.
site_routes = [Route(ADMIN, consultants_page, methods=["GET"], name="admin_consultants_page")]

# Test: pytest tests/http/test_admin_pages.py tests/e2e/test_admin_pages.py
