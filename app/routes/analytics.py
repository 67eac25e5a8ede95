# app/routes/analytics.py — the consultant's dashboard figures over HTTP (/api/v1/dashboard/metrics and /charts).
"""Periods are computed in SQL in the consultant's time zone (api.period_bounds); definitions are in
docs/metrics.md. Stored days come from daily_analytics and today is computed live, so the answer is right
between job runs."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.routing import Route

from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.schemas import Amount, PlausibleDate, SignedAmount
from app.sql import run
from app.validation import Answer, QuerySchema, parse_query

Timeframe = Literal["today", "week", "month", "quarter", "year", "fy", "custom"]


class MetricsQuery(QuerySchema):
    timeframe: Timeframe = "month"
    from_: PlausibleDate | None = Field(default=None, alias="from")
    to: PlausibleDate | None = None


class Period(Answer):
    timeframe: str | None
    from_: date = Field(alias="from", description="The first local day.")
    to: date = Field(description="The last local day.")
    timezone: str


class DashboardMetrics(Period):
    """A consultant's figures for a period (docs/metrics.md defines each), with growth against the period of the
    same length just before."""

    previous_from: date
    previous_to: date
    total_sessions: int
    pending_sessions: int
    completed_sessions: int
    cancelled_sessions: int
    abandoned_sessions: int
    no_show_sessions: int
    completion_rate: float | None = Field(description="Completed ÷ (completed + no-show), a percentage; null when "
                                                      "no session of the period has an outcome yet.")
    total_revenue: SignedAmount = Field(description="Rupees received less refunds.")
    gross_revenue: Amount
    refunded_amount: Amount
    revenue_today: SignedAmount
    session_revenue: Amount = Field(description="Session payments received in the period (gross).")
    quotation_revenue: Amount = Field(description="Quotation payments received in the period (gross).")
    session_payments: int = Field(description="How many session payments were received in the period.")
    average_session_value: Amount | None = Field(description="session_revenue ÷ session_payments; null when none.")
    previous_revenue: SignedAmount
    revenue_growth: float | None = Field(description="A percentage; null when the previous period had none.")
    total_clients: int
    new_clients: int
    new_clients_today: int
    active_clients: int
    repeat_clients: int = Field(description="Of the active clients, the repeat clients (as the Clients page marks them).")
    repeat_client_rate: float | None = Field(description="repeat_clients ÷ active_clients, a percentage; null when "
                                                         "no client had a session.")
    quotations_sent: int
    quotations_accepted: int
    quotation_conversion_rate: float | None = Field(description="Of the quotations sent in the period, the accepted, "
                                                                "a percentage; null when none was sent.")


class TrendPoint(Answer):
    period: date = Field(description="The first local day of the bucket (a day, a week or a month).")
    sessions: int
    revenue: SignedAmount


class GrowthPoint(Answer):
    month: date
    new: int
    total: int


class RevenueShare(Answer):
    type: Literal["personal", "webinar", "quotation"] = Field(description="What the money paid for.")
    amount: Amount = Field(description="Received in the period, gross of refunds.")
    percentage: float | None = Field(description="Of gross_revenue; null when nothing was received.")


class DashboardCharts(Period):
    unit: Literal["day", "week", "month"]
    sessionsTrend: list[TrendPoint]  # noqa: N815 (the API's published name)
    clientsGrowth: list[GrowthPoint]  # noqa: N815
    revenueBreakdown: list[RevenueShare]  # noqa: N815
    gross_revenue: Amount = Field(description="The breakdown's sum.")
    refunded_amount: Amount = Field(description="Refunds processed in the period.")
    total_revenue: SignedAmount = Field(description="gross_revenue − refunded_amount: the dashboard's revenue received.")



@endpoint(named="dashboard_metrics",
          tags=("dashboard",), auth="approved", query=MetricsQuery, responses={200: DashboardMetrics, 422: None})
async def dashboard_metrics(request: Request) -> JSONResponse:
    q = parse_query(request, MetricsQuery)
    return JSONResponse(await run(request.app.state.analytics_pool, "dashboard_metrics", request.state.caller,
                                  timeframe=q.timeframe, date_from=q.from_, date_to=q.to))


@endpoint(named="dashboard_charts",
          tags=("dashboard",), auth="approved", query=MetricsQuery, responses={200: DashboardCharts, 422: None})
async def dashboard_charts(request: Request) -> JSONResponse:
    q = parse_query(request, MetricsQuery)
    return JSONResponse(await run(request.app.state.analytics_pool, "dashboard_charts", request.state.caller,
                                  timeframe=q.timeframe, date_from=q.from_, date_to=q.to))


api_routes = [Route("/dashboard/metrics", dashboard_metrics, methods=["GET"], name="dashboard_metrics"),
              Route("/dashboard/charts", dashboard_charts, methods=["GET"], name="dashboard_charts")]

# Test: pytest tests/http/test_dashboard_metrics.py
