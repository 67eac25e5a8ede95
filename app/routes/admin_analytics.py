# app/routes/admin_analytics.py — the admins' platform API: analytics, a consultant's metrics, all sessions, system health, settings.
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, JsonValue, RootModel
from starlette.requests import Request
from starlette.routing import Route

from app.answers import Page, SessionType, Status
from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.routes.admin_payouts import Mismatch
from app.routes.analytics import DashboardCharts, DashboardMetrics, MetricsQuery, Period
from app.schemas import Amount, Id, Instant, SignedAmount
from app.sql import run
from app.validation import Answer, QuerySchema, parse_body, parse_query

SessionStatus = Literal["pending", "confirmed", "completed", "cancelled", "no_show", "abandoned"]


class AdminSessionsQuery(QuerySchema):
    status: SessionStatus | None = None
    consultant_id: Id | None = None
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=25, ge=1, le=100)


class PlatformPoint(Answer):
    period: date
    sessions: int
    revenue: SignedAmount
    signups: int


class PlatformRevenue(Answer):
    """Money received from clients in the period (docs/metrics.md): sessions + quotations = gross; net = gross − refunded."""

    gross: Amount
    refunded: Amount
    net: SignedAmount
    sessions: Amount = Field(description="Session payments received (gross, by paid date).")
    quotations: Amount = Field(description="Quotation payments received (gross, by paid date).")


class PlatformSessions(Answer):
    """Sessions starting in the period (each consultant's local days); abandoned holds are not in total."""

    total: int
    pending: int = Field(description="To come: total less completed, cancelled and no-show.")
    completed: int
    cancelled: int
    abandoned: int
    no_show: int


class TopConsultant(Answer):
    consultant_id: uuid.UUID
    name: str
    slug: str
    revenue: SignedAmount
    sessions: int


class PaymentOutcomes(Answer):
    """Payment orders created in the period (docs/metrics.md)."""

    succeeded: int = Field(description="Orders captured (paid), refunded later or not.")
    failed: int = Field(description="Orders with at least one failed attempt, even when a later attempt paid.")
    unpaid: int = Field(description="Orders settled unpaid: the last attempt failed, or the order was given up.")
    success_rate: float | None = Field(description="succeeded ÷ (succeeded + unpaid), a percentage; null when no "
                                                   "order ended either way.")


class PlatformAnalytics(Period):
    unit: Literal["day", "week", "month"]
    trend: list[PlatformPoint]
    revenue: PlatformRevenue
    sessions: PlatformSessions
    consultants: dict[str, int] = Field(description="Consultants per approval status.")
    new_signups: int
    top_consultants: list[TopConsultant] = Field(description="The ten with the most revenue in the period.")
    payments: PaymentOutcomes


class AdminSession(Answer):
    id: uuid.UUID
    consultant_id: uuid.UUID
    consultant_name: str
    consultant_slug: str
    client_name: str
    session_type: SessionType
    status: Status
    payment_status: str
    starts_at: datetime
    ends_at: datetime
    amount: Amount
    currency: str
    booked_via: str
    created_at: datetime


class AdminSessionPage(Page):
    items: list[AdminSession]


class QueueDepth(Answer):
    queue: str
    status: str
    count: int


class ViewRefresh(Answer):
    view: str
    refreshed_at: datetime | None
    duration_ms: int | None
    age_seconds: int | None


class DatabaseFacts(Answer):
    size_bytes: int
    version: str
    migration: str | None


class SystemHealth(Answer):
    jobs: list[QueueDepth]
    failed_jobs_24h: int
    email_failures_24h: int
    materialized_views: list[ViewRefresh]
    analytics_backlog: int
    payout_mismatches: list[Mismatch] = Field(description="Open disagreements between the ledger and Razorpay "
                                                          "(the daily payouts reconciliation).")
    gst_issuer_missing: list[Literal["platform_gstin", "platform_legal_name", "platform_state_code",
                                     "platform_address"]] = Field(
        description="The platform's GST particulars still empty (settings): its tax invoices print them as supplier.")
    database: DatabaseFacts


class Setting(Answer):
    value: object
    description: str | None
    updated_at: datetime | None
    updated_by: uuid.UUID | None
    min: int | None = None
    max: int | None = None


class Settings(RootModel[dict[str, Setting]]):
    """Every platform setting by key: its value, description, last change, and a whole number's range."""


@endpoint(named="admin_analytics",
          tags=("admin",), auth="admin", query=MetricsQuery, responses={200: PlatformAnalytics, 422: None})
async def admin_analytics(request: Request) -> JSONResponse:
    q = parse_query(request, MetricsQuery)
    return JSONResponse(await run(request.app.state.analytics_pool, "admin_analytics", request.state.caller,
                                  timeframe=q.timeframe, date_from=q.from_, date_to=q.to))


@endpoint(named="admin_consultant_analytics", tags=("admin",), auth="admin",
          query=MetricsQuery, responses={200: DashboardMetrics, 404: None, 422: None})
async def admin_consultant_analytics(request: Request) -> JSONResponse:
    q = parse_query(request, MetricsQuery)
    return JSONResponse(await run(request.app.state.analytics_pool, "admin_consultant_analytics", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"], timeframe=q.timeframe,
                                  date_from=q.from_, date_to=q.to))


@endpoint(named="admin_consultant_charts", tags=("admin",), auth="admin",
          query=MetricsQuery, responses={200: DashboardCharts, 404: None, 422: None})
async def admin_consultant_charts(request: Request) -> JSONResponse:
    q = parse_query(request, MetricsQuery)
    return JSONResponse(await run(request.app.state.analytics_pool, "admin_consultant_charts", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"], timeframe=q.timeframe,
                                  date_from=q.from_, date_to=q.to))


@endpoint(named="admin_list_sessions",
          tags=("admin",), auth="admin", query=AdminSessionsQuery, responses={200: AdminSessionPage})
async def admin_sessions(request: Request) -> JSONResponse:
    q = parse_query(request, AdminSessionsQuery)
    return JSONResponse(await run(request.app.state.pool, "admin_list_sessions", request.state.caller, q,
                                  date_from=q.from_, date_to=q.to))


@endpoint(named="admin_system", tags=("admin",), auth="admin", responses={200: SystemHealth})
async def admin_system(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "admin_system", request.state.caller))


@endpoint(named="admin_settings", tags=("admin",), auth="super_admin", responses={200: Settings})
async def get_settings(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "admin_settings", request.state.caller))


class SettingsPatch(RootModel[Annotated[dict[str, JsonValue], Field(min_length=1, max_length=20)]]):
    """Settings to change, by key: 1 to 20 of them (each key's type and range: GET /admin/settings)."""


@endpoint(named="admin_update_settings", tags=("admin",), auth="super_admin", body=SettingsPatch,
          responses={200: Settings, 400: None, 409: None, 422: None})
async def put_settings(request: Request) -> JSONResponse:
    patch = (await parse_body(request, SettingsPatch)).root
    return JSONResponse(await run(request.app.state.pool, "admin_update_settings", request.state.caller, patch=patch))


api_routes = [
    Route("/admin/analytics", admin_analytics, methods=["GET"], name="admin_analytics"),
    Route("/admin/consultants/{consultant_id:uuid}/analytics", admin_consultant_analytics, methods=["GET"],
          name="admin_consultant_analytics"),
    Route("/admin/consultants/{consultant_id:uuid}/charts", admin_consultant_charts, methods=["GET"],
          name="admin_consultant_charts"),
    Route("/admin/sessions", admin_sessions, methods=["GET"], name="admin_sessions"),
    Route("/admin/system", admin_system, methods=["GET"], name="admin_system"),
    Route("/admin/settings", get_settings, methods=["GET"], name="admin_get_settings"),
    Route("/admin/settings", put_settings, methods=["PUT"], name="admin_put_settings"),
]

# Test: pytest tests/http/test_admin_analytics.py
