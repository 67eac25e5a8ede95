# app/routes/dashboard.py — the consultant's dashboard pages (/dashboard…): home, or the awaiting-approval screen.
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from app import charts
from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.analytics import MetricsQuery
from app.routes.dashboard_publish import page_status, suspended_home
from app.sql import run, run_refusable
from app.validation import parse_query
from app.web import DASHBOARD, render, signed_in

T = TypeVar("T")

TIMEFRAMES = {"today": "Today", "week": "This week", "month": "This month", "quarter": "This quarter",
              "year": "This year", "fy": "Financial year", "custom": "Chosen dates"}

Load = Callable[[str, date | None, date | None], Awaitable[T]]


async def picked_period(request: Request, load: Load) -> tuple[T, dict]:
    """What `load(timeframe, from, to)` answers for the period in the query, and the picker's context.

    A period the schema or the SQL refuses (an unknown timeframe, chosen dates missing, reversed or longer
    than ten years) shows this month with the reason beside the picker, rather than an error page."""
    picked = {k: request.query_params.get(k, "") for k in ("timeframe", "from", "to")}
    try:
        q = parse_query(request, MetricsQuery, blank_is_missing=True)
        result = await load(q.timeframe, q.from_, q.to)
        error = None
    except ApiError as err:
        if err.status != 422 and err.status != 400:
            raise
        result, error = await load("month", None, None), err
    return result, {"picked": picked, "period_error": error, "timeframes": TIMEFRAMES}


@endpoint(summary="Dashboard home: metrics and charts for a timeframe, today's and upcoming sessions, recent "
                  "bookings and payments.", tags=("pages",),
          auth="consultant", include=False)
async def dashboard_home(request: Request) -> Response:
    subject, caller = signed_in(request)
    pool = request.app.state.pool
    account = await run(pool, "get_my_account", caller)
    if subject["approval_status"] == "suspended":
        return await suspended_home(request, account)
    if subject["approval_status"] != "approved":
        # Until approved: what is happening and what they can do meanwhile, nothing else.
        return render(request, "dashboard/pending.html", {"account": account,
                                                          "welcome": request.query_params.get("welcome")})
    zone = ZoneInfo(account["timezone"])
    now = datetime.now(UTC)
    day_end = datetime.combine(now.astimezone(zone).date() + timedelta(days=1), datetime.min.time(), zone)
    today = await run(pool, "list_sessions", caller, status=None, session_type=None, from_=now - timedelta(hours=2),
                      to_=day_end, client_id=None, q=None, sort="starts_at", page=1, per_page=20)
    upcoming = await run(pool, "list_sessions", caller, status="confirmed", session_type=None, from_=day_end,
                         to_=None, client_id=None, q=None, sort="starts_at", page=1, per_page=8)
    recent = await run(pool, "list_sessions", caller, status=None, session_type=None, from_=None, to_=None,
                       client_id=None, q=None, sort="-created_at", page=1, per_page=5)
    payments = await run(pool, "list_payments", caller, status=None, from_=None, to_=None, page=1, per_page=5)

    async def load(timeframe: str, date_from: date | None, date_to: date | None) -> tuple[dict, dict]:
        period = {"timeframe": timeframe, "date_from": date_from, "date_to": date_to}
        # A replica when ANALYTICS_DATABASE_URL is set, except for the live refresh (dashboard.js): NOTIFY fires
        # at commit on the primary, and a replica a moment behind would redraw the old figures for good.
        live = request.headers.get("x-nakksha-live") == "1"
        reads = request.app.state.pool if live else request.app.state.analytics_pool
        return (await run_refusable(reads, "dashboard_metrics", caller, **period),
                await run_refusable(reads, "dashboard_charts", caller, **period))

    (metrics, chart_data), picker = await picked_period(request, load)
    return render(request, "dashboard/home.html", {
        # The counts are the database's totals, not the length of a page (a page shows at most 20 of today and 8
        # of what is coming; the headline must not stop there).
        "account": account, "today": today["items"], "upcoming": upcoming["items"], "recent": recent["items"],
        "today_total": today["total"], "upcoming_total": upcoming["total"],
        "local_today": now.astimezone(zone).date().isoformat(),
        "upcoming_from": day_end.date().isoformat(),
        "payments": payments, "tz": account["timezone"], "metrics": metrics, "charts": chart_data,
        **charts.dashboard(chart_data), **picker, **await page_status(request, caller)},
        status=422 if picker["period_error"] else 200)


@endpoint(summary="Server-sent events for the dashboard home: `changed` when a booking, payment or other write "
                  "changes the signed-in consultant's figures (PostgreSQL LISTEN/NOTIFY); a comment every 20 s "
                  "keeps the stream open.", tags=("pages",), auth="consultant", include=False)
async def dashboard_events(request: Request) -> Response:
    subject, _ = signed_in(request)
    hub = request.app.state.live

    async def stream():
        yield "retry: 5000\n\n"
        async with hub.subscribe(subject["id"]) as queue:
            while not await request.is_disconnected():
                try:
                    await asyncio.wait_for(queue.get(), timeout=20)
                except TimeoutError:
                    yield ": still here\n\n"
                    if not await hub.healthy():
                        return  # the browser reconnects after `retry`
                    continue
                yield "event: changed\ndata: {}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


# The /dashboard mount cannot serve its own root, so the home page sits in the site's table.
site_routes = [Route(DASHBOARD, dashboard_home, methods=["GET"], name="dashboard_home")]
dashboard_routes = [Route("/events", dashboard_events, methods=["GET"], name="dashboard_events")]

# Test: pytest tests/http/test_pages.py tests/e2e/
