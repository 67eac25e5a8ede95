# app/routes/admin_subscriptions.py — platform-plan subscriptions as admins watch them: the API (GET /api/v1/admin/subscriptions) and the page (/admin/subscriptions).
"""Each consultant with a subscription or a comp in force: the plan in force (app.effective_plan_code), their latest
subscription's real state as last fetched from Razorpay in plain words, next charge, paid until, failed cycles, and
the comp. Read by api.admin_list_subscriptions (db/functions/subscriptions_admin.sql) under the admins' read
policies; past due first, then by name, 50 a page (offset pages like the consultants list)."""
from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.answers import Page
from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.routes.admin_pages import TZ, list_link, run_shown
from app.schemas import Amount
from app.sql import run
from app.validation import Answer, QuerySchema, parse_query
from app.web import render, signed_in

Status = Literal["created", "authenticated", "active", "pending", "halted", "cancelled", "completed", "expired",
                 "paused"]


class SubscriptionListQuery(QuerySchema):
    status: Literal["active", "past_due", "cancelled", "comped"] | None = Field(
        default=None, description="active; past_due (pending or halted: a renewal failed); cancelled (cancelled, "
                                  "completed or expired); comped (a complimentary plan in force now).")
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=50, ge=1, le=100)


class ListedSubscription(Answer):
    """The consultant's latest subscription (a live one first)."""

    id: uuid.UUID
    plan: str
    period: Literal["monthly", "yearly"]
    amount: Amount = Field(description="Its price per period, GST included.")
    status: Status = Field(description="Razorpay's status as last fetched.")
    status_words: str = Field(description="The status in plain words.")
    charge_at: datetime | None = Field(description="Its next charge, as Razorpay last said.")
    paid_until: datetime | None = Field(description="The end of its last charged cycle (null: never charged).")
    failures: int = Field(description="Cycles invoiced and not paid, as last fetched.")
    cancel_requested_at: datetime | None
    created_at: datetime


class ListedComp(Answer):
    """The complimentary plan in force now (the best-priced, if several)."""

    plan: str
    starts_at: datetime
    ends_at: datetime | None = Field(description="Null: open-ended.")
    reason: str


class SubscriptionCounts(Answer):
    active: int
    past_due: int
    cancelled: int
    comped: int


class AdminSubscriptionRow(Answer):
    consultant_id: uuid.UUID
    name: str
    email: str
    plan_in_force: str = Field(description="The plan in force now (app.effective_plan_code): comps and paid "
                                           "subscriptions, the better of them; free otherwise.")
    subscription: ListedSubscription | None
    comp: ListedComp | None


class AdminSubscriptionPage(Page):
    items: list[AdminSubscriptionRow]
    counts: SubscriptionCounts = Field(description="Consultants with a subscription or a comp, per status "
                                                   "(comped counts those with a comp in force, whatever they pay).")


@endpoint(named="admin_list_subscriptions", tags=("admin",), auth="admin", query=SubscriptionListQuery,
          responses={200: AdminSubscriptionPage, 401: None, 403: None})
async def admin_list_subscriptions(request: Request) -> JSONResponse:
    q = parse_query(request, SubscriptionListQuery)
    return JSONResponse(await run(request.app.state.pool, "admin_list_subscriptions", request.state.caller, q))


@endpoint(summary="Admin: subscriptions — each consultant's plan in force, subscription state, next charge, "
                  "failures and comp; filter by status, pages.", tags=("pages",), auth="admin", include=False)
async def subscriptions_page(request: Request) -> Response:
    _, caller = signed_in(request)
    q = parse_query(request, SubscriptionListQuery)
    result = await run_shown(request, "admin_list_subscriptions", caller, q)
    plans = {p["code"]: p["name"] for p in (await run_shown(request, "public_plans"))["plans"]}
    return render(request, "admin/subscriptions.html", {
        "result": result, "status": q.status, "page": q.page, "per_page": q.per_page,
        "pages": max(1, -(-result["total"] // q.per_page)), "plans": plans,
        "link": partial(list_link, "/admin/subscriptions", q), "tz": TZ})


api_routes = [Route("/admin/subscriptions", admin_list_subscriptions, methods=["GET"], name="admin_list_subscriptions")]
admin_routes = [Route("/subscriptions", subscriptions_page, methods=["GET"], name="admin_subscriptions_page")]

# Test: pytest tests/http/test_admin_subscriptions.py
