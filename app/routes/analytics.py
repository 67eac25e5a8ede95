# app/routes/analytics.py — the consultant's dashboard figures over HTTP (/api/v1/dashboard/metrics and /charts).
"""Periods are computed in SQL in the consultant's time zone (api.period_bounds); definitions are in
docs/metrics.md. Stored days come from daily_analytics and today is computed live, so the answer is right
between job runs."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.endpoints import endpoint
from app.routes.auth import OBJECT
from app.schemas import PlausibleDate
from app.sql import run
from app.validation import QuerySchema, parse_query

Timeframe = Literal["today", "week", "month", "quarter", "year", "fy", "custom"]


class MetricsQuery(QuerySchema):
    timeframe: Timeframe = "month"
    from_: PlausibleDate | None = Field(default=None, alias="from")
    to: PlausibleDate | None = None


@endpoint(named="dashboard_metrics",
          tags=("dashboard",), auth="approved", query=MetricsQuery, responses={200: OBJECT, 422: None})
async def dashboard_metrics(request: Request) -> JSONResponse:
    q = parse_query(request, MetricsQuery)
    return JSONResponse(await run(request.app.state.analytics_pool, "dashboard_metrics", request.state.caller,
                                  timeframe=q.timeframe, date_from=q.from_, date_to=q.to))


@endpoint(named="dashboard_charts",
          tags=("dashboard",), auth="approved", query=MetricsQuery, responses={200: OBJECT, 422: None})
async def dashboard_charts(request: Request) -> JSONResponse:
    q = parse_query(request, MetricsQuery)
    return JSONResponse(await run(request.app.state.analytics_pool, "dashboard_charts", request.state.caller,
                                  timeframe=q.timeframe, date_from=q.from_, date_to=q.to))


api_routes = [Route("/dashboard/metrics", dashboard_metrics, methods=["GET"], name="dashboard_metrics"),
              Route("/dashboard/charts", dashboard_charts, methods=["GET"], name="dashboard_charts")]

# Test: pytest tests/http/test_dashboard_metrics.py
