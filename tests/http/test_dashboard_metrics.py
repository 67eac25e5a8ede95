# tests/http/test_dashboard_metrics.py — GET /api/v1/dashboard/metrics against the hand-computed fixture, today live between job runs, periods and bad input.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.db import factories
from tests.db.test_daily_analytics import D, build_fixture
from tests.http.test_booking import approved_consultant

M = "/api/v1/dashboard/metrics"


async def metrics(client, c, **params) -> dict:
    r = await client.get(M, headers=c["headers"], params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_custom_period_matches_the_fixture_worked_by_hand(client, db):
    c = await approved_consultant(client, db)
    conn = await db.connect("owner")
    try:
        await build_fixture(conn, uuid.UUID(c["id"]))
        await conn.fetchval("select api.refresh_daily_analytics()")
    finally:
        await conn.close()
    m = await metrics(client, c, timeframe="custom", **{"from": D.isoformat(), "to": (D + timedelta(days=1)).isoformat()})
    # Sessions: s1 confirmed, s2 completed, s5 no-show on D; s3 cancelled on D+1; s4 abandoned (not in the total).
    assert (m["total_sessions"], m["pending_sessions"], m["completed_sessions"], m["cancelled_sessions"],
            m["abandoned_sessions"], m["no_show_sessions"]) == (4, 1, 1, 1, 1, 1)
    assert m["completion_rate"] == 50.0  # of the two with an outcome (s2 completed, s5 no-show)
    # Money received: 1000 + 500 + 800, less the 300 refunded on D.
    assert (m["total_revenue"], m["gross_revenue"], m["refunded_amount"]) == ("2000.00", "2300.00", "300.00")
    # 2300 of session payments over the 3 session payments received (both by paid date).
    assert (m["session_revenue"], m["session_payments"], m["average_session_value"]) == ("2300.00", 3, "766.67")
    assert m["quotation_revenue"] == "0.00"
    assert m["previous_revenue"] == "0.00" and m["revenue_growth"] is None  # nothing in the two days before
    # One client had live sessions in the period, and three of them, so is a repeat client (as the Clients page says).
    assert (m["new_clients"], m["active_clients"], m["repeat_clients"], m["repeat_client_rate"]) == (3, 1, 1, 100.0)
    assert (m["quotations_sent"], m["quotations_accepted"], m["quotation_conversion_rate"]) == (1, 1, 100.0)
    assert m["from"] == D.isoformat() and m["previous_from"] == (D - timedelta(days=2)).isoformat()
    # Growth: the next two days against these two.
    later = await metrics(client, c, timeframe="custom", **{"from": (D + timedelta(days=2)).isoformat(),
                                                            "to": (D + timedelta(days=3)).isoformat()})
    assert later["previous_revenue"] == "2000.00" and later["revenue_growth"] == -100.0


async def test_today_is_right_before_the_job_has_run(client, db):
    c = await approved_consultant(client, db)
    conn = await db.connect("owner")
    try:
        cid = uuid.UUID(c["id"])
        client_id = await factories.client(conn, cid)
        now = datetime.now(UTC)
        s = await factories.session(conn, cid, client_id, starts_at=now + timedelta(minutes=1), amount="750.00")
        await factories.payment(conn, cid, session_id=s, client_id=client_id, amount="750.00", paid_at=now)
        assert await conn.fetchval("select count(*) from app.daily_analytics") == 0  # the job has not run
    finally:
        await conn.close()
    today = await metrics(client, c, timeframe="today")
    assert today["revenue_today"] == "750.00" and today["total_revenue"] == "750.00" and today["new_clients_today"] == 1
    for timeframe in ("week", "month", "quarter", "year", "fy"):
        m = await metrics(client, c, timeframe=timeframe)
        assert m["revenue_today"] == "750.00" and Decimal(m["total_revenue"]) >= 750, timeframe
    # The live computation left nothing behind; the job then stores the same day.
    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select count(*) from app.daily_analytics") == 0
        await conn.fetchval("select api.refresh_daily_analytics()")
        assert await conn.fetchval("select sum(total_revenue) from app.daily_analytics") == Decimal("750.00")
    finally:
        await conn.close()
    assert (await metrics(client, c, timeframe="today"))["total_revenue"] == "750.00"


async def test_charts_bucket_the_fixture(client, db):
    c = await approved_consultant(client, db)
    conn = await db.connect("owner")
    try:
        await build_fixture(conn, uuid.UUID(c["id"]))
        await conn.fetchval("select api.refresh_daily_analytics()")
    finally:
        await conn.close()
    r = await client.get("/api/v1/dashboard/charts", headers=c["headers"], params={
        "timeframe": "custom", "from": D.isoformat(), "to": (D + timedelta(days=2)).isoformat()})
    assert r.status_code == 200, r.text
    ch = r.json()
    assert ch["unit"] == "day"
    assert [(p["period"], p["sessions"], p["revenue"]) for p in ch["sessionsTrend"]] == [
        (D.isoformat(), 3, "1200.00"), ((D + timedelta(days=1)).isoformat(), 1, "800.00"),
        ((D + timedelta(days=2)).isoformat(), 0, "0.00")]
    # November began before the period: its bucket starts with the period (10 Nov), not on 1 Nov.
    assert ch["clientsGrowth"] == [{"month": D.isoformat(), "new": 3, "total": 3}]
    assert ch["revenueBreakdown"] == [{"type": "personal", "amount": "1800.00", "percentage": 78.3},
                                      {"type": "webinar", "amount": "500.00", "percentage": 21.7},
                                      {"type": "quotation", "amount": "0.00", "percentage": 0.0}]
    assert (ch["gross_revenue"], ch["refunded_amount"], ch["total_revenue"]) == ("2300.00", "300.00", "2000.00")
    # A year is bucketed by week, longer by month; totals are the same however it is cut.
    weeks = (await client.get("/api/v1/dashboard/charts", headers=c["headers"], params={
        "timeframe": "custom", "from": "2026-06-01", "to": "2027-01-31"})).json()
    assert weeks["unit"] == "week" and sum(p["sessions"] for p in weeks["sessionsTrend"]) == 4
    months = (await client.get("/api/v1/dashboard/charts", headers=c["headers"], params={
        "timeframe": "custom", "from": "2025-01-01", "to": "2027-06-30"})).json()
    assert months["unit"] == "month" and len(months["sessionsTrend"]) == 30
    assert sum(Decimal(p["revenue"]) for p in months["sessionsTrend"]) == 2000


async def test_periods_are_checked(client, db):
    c = await approved_consultant(client, db)
    for params in ({"timeframe": "decade"}, {"timeframe": "custom"}, {"timeframe": "custom", "from": "2026-02-01"},
                   {"timeframe": "custom", "from": "2026-02-01", "to": "2026-01-01"},
                   {"timeframe": "custom", "from": "1990-01-01", "to": "2026-01-01"},
                   {"timeframe": "custom", "from": "not-a-date", "to": "2026-01-01"}):
        r = await client.get(M, headers=c["headers"], params=params)
        assert r.status_code == 422, (params, r.text)
        assert "error" in r.json()
    assert (await client.get(M)).status_code == 401

# Test: pytest tests/http/test_dashboard_metrics.py
