# tests/http/test_charts.py — the charts' geometry (app/charts.py: scales, ₹ tick labels, date labels, empty states) and how the dashboard and admin overview draw them.
from __future__ import annotations

import re
from datetime import date, timedelta

from app import charts


def days(start: date, n: int, **values) -> list[dict]:
    return [{"period": (start + timedelta(days=i)).isoformat(),
             **{k: (v[i] if isinstance(v, list) else v) for k, v in values.items()}} for i in range(n)]


def test_scales_step_in_round_numbers_and_reach_the_largest_value():
    assert charts.nice_step(7) == 2  # 0, 2, 4, 6, 8
    assert charts.scale([0, 3, 7]) == 8
    assert charts.scale([12_345]) == 20_000  # steps of 5,000
    assert charts.scale([1]) == 4  # counts and rupees step by whole units, never 0.25
    assert charts.scale([0, 0]) == 4  # nothing: a scale still exists
    assert charts.scale([90_000]) == 100_000  # steps of 25,000
    for top in (1, 3, 9, 11, 99, 101, 2_499, 1_23_456, 9_87_65_432):
        step = charts.nice_step(top)
        assert step * charts.INTERVALS >= top and step >= 1
        mantissa = step / 10 ** (len(str(step)) - 1)
        assert mantissa in (1, 2, 2.5, 5), step


def test_rupee_ticks_use_indian_grouping_and_the_rupee_sign():
    assert charts.rupees(150000) == "₹1,50,000"
    assert charts.rupees(12500000) == "₹1,25,00,000"
    assert charts.rupees(0) == "₹0"
    assert charts.rupees(2500) == "₹2,500"
    assert charts.count(120000) == "1,20,000"
    c = charts.series(days(date(2026, 12, 1), 3, revenue=["0.00", "90000.00", "1500.50"], sessions=[0, 3, 1]),
                      x="period", unit="day", bars=("revenue", "Revenue received", "inr"),
                      line=("sessions", "Sessions", "count"), empty="nothing")
    assert [g["left"] for g in c["grid"]] == ["₹0", "₹25,000", "₹50,000", "₹75,000", "₹1,00,000"]
    assert [g["right"] for g in c["grid"]] == ["0", "1", "2", "3", "4"]
    # The gridlines are evenly spaced from the baseline up, in the plot's units and in pixels.
    assert [g["y"] for g in c["grid"]] == [1000, 750, 500, 250, 0]
    assert c["grid"][0]["px"] == charts.TOP + charts.PLOT and c["grid"][-1]["px"] == charts.TOP
    # Exact values (paise included) in the table and the hover titles.
    assert c["rows"][2] == ["Thu 3 Dec 2026", "₹1,500.50", "1"]
    assert c["hits"][1]["title"] == "Wed 2 Dec 2026: Revenue received ₹90,000.00, Sessions 3"
    assert c["columns"] == ["Period", "Revenue received (₹)", "Sessions"]
    assert [x["label"] for x in c["legend"]] == ["Revenue received (left scale)", "Sessions (right scale)"]


def test_bars_and_line_follow_their_own_scales():
    c = charts.series(days(date(2026, 12, 1), 2, revenue=["1000.00", "4000.00"], sessions=[8, 2]),
                      x="period", unit="day", bars=("revenue", "Revenue received", "inr"),
                      line=("sessions", "Sessions", "count"), empty="nothing")
    # Revenue scale 0–4,000: the second bar reaches the top, the first a quarter of it.
    assert c["bars"][1]["y"] == 0 and c["bars"][1]["height"] == 1000
    assert c["bars"][0]["height"] == 250
    # Sessions scale 0–8: the first point is at the top, the second a quarter up.
    assert c["line"] == "250.0,0.0 750.0,750.0"
    assert [d["cx"] for d in c["dots"]] == [25.0, 75.0]
    month = charts.series(days(date(2026, 12, 1), 31, revenue="10.00", sessions=1), x="period", unit="day",
                          bars=("revenue", "Revenue received", "inr"), line=("sessions", "Sessions", "count"), empty="x")
    assert month["line"] and month["dots"] == []  # a month of points: the line alone
    assert not c["is_empty"]


def texts(labels: list[dict], *, phone: bool = False) -> list[str]:
    """The labels as a reader sees them (a phone hides the minor ones): "text/year"."""
    return [lb["text"] + (f"/{lb['year']}" if lb["year"] and (phone or not lb["year_narrow"]) else "")
            for lb in labels if not (phone and lb["minor"])]


def extents(labels: list[dict], n: int, px: int) -> list[tuple[float, float]]:
    """Each label's left and right edge at a plot px wide, its width estimated as the charts do."""
    return [charts._extent(px * (lb["i"] + 0.5) / n, charts.CHAR_PX * max(len(lb["text"]), len(lb["year"])),
                           lb["anchor"]) for lb in labels]


def test_day_labels_name_the_month_across_a_month_edge():
    span = [date(2026, 11, 25) + timedelta(days=i) for i in range(16)]  # 25 Nov .. 10 Dec
    labels = charts.date_labels(span, "day")
    assert texts(labels)[0] == "25 Nov"
    assert any(t.endswith("Nov") for t in texts(labels)) and any(t.endswith("Dec") for t in texts(labels))
    for lb in labels:  # every label is its own bucket's day and month, no year (the period is in one)
        assert lb["text"] == f"{span[lb['i']].day} {span[lb['i']].strftime('%b')}" and lb["year"] == ""
    # A phone keeps fewer (the major ones), a subset; a short period labels every day.
    assert 0 < len(texts(labels, phone=True)) < len(labels)
    assert set(texts(labels, phone=True)) <= set(texts(labels))
    assert texts(charts.date_labels(span[4:9], "day")) == ["29 Nov", "30 Nov", "1 Dec", "2 Dec", "3 Dec"]


def test_labels_show_the_year_on_a_line_of_its_own_where_it_changes():
    span = [date(2026, 12, 28) + timedelta(days=i) for i in range(6)]
    assert texts(charts.date_labels(span, "day")) == ["28 Dec/2026", "29 Dec", "30 Dec", "31 Dec", "1 Jan/2027",
                                                      "2 Jan"]
    months = [date(2026, m, 1) for m in range(4, 13)] + [date(2027, m, 1) for m in range(1, 4)]  # a financial year
    assert texts(charts.date_labels(months, "month")) == ["Apr/2026", "Jun", "Aug", "Oct", "Dec", "Feb/2027"]
    # Twenty days over New Year: a laptop shows 3 Jan with its year; a phone, which hides 3 Jan, puts the year
    # under the first label it shows of 2027.
    span = [date(2026, 12, 25) + timedelta(days=i) for i in range(20)]
    assert texts(charts.date_labels(span, "day")) == ["25 Dec/2026", "28 Dec", "31 Dec", "3 Jan/2027", "6 Jan",
                                                      "9 Jan", "12 Jan"]
    assert texts(charts.date_labels(span, "day"), phone=True) == ["25 Dec/2026", "31 Dec", "6 Jan/2027", "12 Jan"]


def test_date_labels_never_overlap_at_the_widths_they_are_made_for():
    # The periods the picker offers: a week, a month, a quarter and a year of weeks, a financial year of
    # months, and chosen dates across a year's edge (days, weeks, months); the widths a chart has.
    cases = [([date(2026, 11, 30) + timedelta(days=i) for i in range(7)], "day"),
             ([date(2026, 12, 1) + timedelta(days=i) for i in range(31)], "day"),
             ([date(2025, 12, 15) + timedelta(days=i) for i in range(61)], "day"),
             ([date(2026, 1, 1)] + [date(2026, 1, 5) + timedelta(weeks=i) for i in range(49)], "week"),
             ([date(2025, 10, 15)] + [date(2025, 10, 20) + timedelta(weeks=i) for i in range(30)], "week"),
             ([date(2026, m, 1) for m in range(1, 13)], "month"),
             ([date(y, m, 1) for y in (2024, 2025, 2026) for m in range(1, 13)], "month")]
    for days_, unit in cases:
        for wide, narrow in ((charts.WIDE_PX, charts.NARROW_PX), (charts.HALF_PX, charts.NARROW_PX)):
            labels = charts.date_labels(days_, unit, wide, narrow)
            for shown, px in ((labels, wide), ([lb for lb in labels if not lb["minor"]], narrow)):
                edges = extents(shown, len(days_), px)
                assert all(left >= 0 and right <= px for left, right in edges), (unit, px, shown)
                assert all(a[1] + charts.GAP_PX <= b[0] for a, b in zip(edges, edges[1:], strict=False)), (unit, px)
            assert labels[0]["i"] == 0 and len([lb for lb in labels if not lb["minor"]]) >= 2


def test_a_bucket_the_period_cuts_names_only_its_days():
    # "This year" from Thu 1 Jan 2026: its first week holds 1-4 Jan, not the week of 29 Dec 2025.
    assert charts.long_date(date(2026, 1, 1), "week", date(2026, 1, 4)) == "1–4 Jan 2026 (part week)"
    assert charts.long_date(date(2026, 1, 5), "week", date(2026, 1, 11)) == "Week of 5 Jan 2026"
    assert charts.long_date(date(2026, 11, 30), "week") == "Week of 30 Nov 2026"
    assert charts.long_date(date(2026, 11, 30), "week", date(2026, 12, 6)) == "Week of 30 Nov 2026"
    assert charts.long_date(date(2026, 11, 30), "week", date(2026, 12, 2)) == "30 Nov–2 Dec 2026 (part week)"
    assert charts.long_date(date(2025, 12, 20), "month", date(2025, 12, 31)) == "20–31 Dec 2025 (part month)"
    assert charts.long_date(date(2026, 12, 1), "month", date(2026, 12, 6)) == "1–6 Dec 2026 (part month)"
    assert charts.long_date(date(2026, 12, 1), "month") == "December 2026"
    assert charts.long_date(date(2026, 12, 1), "day") == "Tue 1 Dec 2026"
    # The table and the tooltips say so.
    points = [{"period": "2026-01-01", "revenue": "5.00"}] + [
        {"period": (date(2026, 1, 5) + timedelta(weeks=i)).isoformat(), "revenue": "1.00"} for i in range(48)]
    c = charts.series(points, x="period", unit="week", until="2026-12-03", bars=("revenue", "Revenue received", "inr"),
                      empty="x")
    assert c["rows"][0][0] == "1–4 Jan 2026 (part week)" and c["rows"][-1][0] == "30 Nov–3 Dec 2026 (part week)"
    assert c["hits"][0]["title"].startswith("1–4 Jan 2026 (part week): ")
    assert c["labels"][0]["text"] == "1 Jan"


async def test_the_first_bucket_starts_with_the_period_and_holds_only_its_days(db):
    # SQL: a week (or month) that began before the period starts on the period's first day, and counts only
    # the period's days: a payment on Tue 30 Dec 2025 is not in "this year"'s first bucket, one on 2 Jan is.
    import json
    import uuid
    from datetime import UTC, datetime

    from tests.db import factories

    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select api.bucket_start('week', date '2025-12-30', date '2026-01-01')") \
            == date(2026, 1, 1)
        assert await conn.fetchval("select api.bucket_start('week', date '2026-01-07', date '2026-01-01')") \
            == date(2026, 1, 5)
        assert await conn.fetchval("select api.bucket_start('month', date '2025-12-25', date '2025-12-20')") \
            == date(2025, 12, 20)
        cid = uuid.UUID(str(await factories.consultant(conn)))
        client_id = await factories.client(conn, cid)
        for day, amount in ((datetime(2025, 12, 30, 9, tzinfo=UTC), "700.00"), (datetime(2026, 1, 2, 9, tzinfo=UTC), "300.00")):
            s = await factories.session(conn, cid, client_id, starts_at=day, amount=amount)
            await factories.payment(conn, cid, session_id=s, client_id=client_id, amount=amount, paid_at=day)
        await conn.fetchval("select api.refresh_daily_analytics(100000)")
        ch = await conn.fetchval("select api.dashboard_charts_for($1, 'custom', date '2026-01-01', date '2026-06-30')",
                                 cid)
        ch = json.loads(ch) if isinstance(ch, str) else ch
        assert ch["unit"] == "week"
        first = ch["sessionsTrend"][0]
        assert first["period"] == "2026-01-01" and first["revenue"] == "300.00" and first["sessions"] == 1
        assert ch["sessionsTrend"][1]["period"] == "2026-01-05"
        assert sum(float(p["revenue"]) for p in ch["sessionsTrend"]) == 300.0
        assert ch["clientsGrowth"][0]["month"] == "2026-01-01"
        # Chosen dates from 20 Dec: the first month and week start on 20 Dec.
        ch = await conn.fetchval("select api.dashboard_charts_for($1, 'custom', date '2025-12-20', date '2026-02-28')",
                                 cid)
        ch = json.loads(ch) if isinstance(ch, str) else ch
        assert ch["sessionsTrend"][0]["period"] == "2025-12-20" and ch["clientsGrowth"][0]["month"] == "2025-12-20"
        assert [(p["period"], p["revenue"]) for p in ch["sessionsTrend"] if p["revenue"] != "0.00"] \
            == [("2025-12-29", "1000.00")]  # a whole week inside the period: both days
    finally:
        await conn.close()


def test_an_empty_period_says_what_will_appear():
    data = {"unit": "day", "from": "2026-12-01", "to": "2026-12-31", "sessionsTrend": days(
        date(2026, 12, 1), 31, revenue="0.00", sessions=0),
        "clientsGrowth": [{"month": "2026-12-01", "new": 0, "total": 0}],
        "revenueBreakdown": [{"type": "personal", "amount": "0.00", "percentage": 0},
                             {"type": "webinar", "amount": "0.00", "percentage": 0}]}
    g = charts.dashboard(data)
    assert g["revenue_chart"]["is_empty"] and g["clients_chart"]["is_empty"] and g["split_is_empty"]
    assert "from 1 Dec 2026 to 31 Dec 2026." in g["revenue_chart"]["empty"]
    assert "No clients yet by 31 Dec 2026." in g["clients_chart"]["empty"]
    assert "bars" in g["revenue_chart"]["empty"] and "line" in g["revenue_chart"]["empty"]
    # No buckets at all is empty too, and draws without dividing by zero.
    none = charts.series([], x="period", unit="day", bars=("revenue", "Revenue received", "inr"), empty="x")
    assert none["is_empty"] and none["labels"] == [] and none["rows"] == []
    # One client already there (from before the period) is something to draw.
    data["clientsGrowth"][0]["total"] = 1
    assert not charts.dashboard(data)["clients_chart"]["is_empty"]


def test_split_parts_are_labelled_whatever_their_type():
    parts = charts.split([{"type": "personal", "amount": "600.00", "percentage": 60},
                          {"type": "quotation", "amount": "400.00", "percentage": 40}])
    assert [(p["label"], p["x"], p["w"]) for p in parts] == [("One-to-one", 0, 60), ("Quotations", 60, 40)]


# --- pages -------------------------------------------------------------------------------------------------

async def signed_in_consultant(client, db) -> str:
    """An approved consultant signed in on the pages; their id."""
    import uuid

    from tests.http.helpers import PASSWORD
    from tests.http.test_booking import approved_consultant
    from tests.http.test_pages import sign_in

    c = await approved_consultant(client, db)
    conn = await db.connect("owner")
    try:
        email = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()
    assert (await sign_in(client, email, PASSWORD)).status_code == 303
    return c["id"]


async def test_a_new_consultants_dashboard_explains_its_empty_charts(client, db):
    await signed_in_consultant(client, db)
    html = (await client.get("/dashboard", headers={"accept": "text/html"})).text
    charts_html = html.split('id="charts"')[1]
    assert 'class="chart-empty"' in charts_html
    assert re.search(r"No revenue or sessions from \d+ \w{3} \d{4} to \d+ \w{3} \d{4}\.", charts_html)
    assert "No clients yet" in charts_html
    assert "divides between one-to-one sessions, webinars and quotations, less refunds" in charts_html
    assert "<svg" not in charts_html  # no blank boxes


def earlier_today(zone: str = "Asia/Kolkata"):
    """A moment already past and on today's date where the consultant is (the charts' day): halfway between their
    midnight and now. "Now plus five minutes" is tomorrow there in the last minutes before midnight, and a UTC date
    is their yesterday from 18:30 UTC (India's midnight) on: both failed CI runs made at those hours."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(UTC)
    midnight = datetime.combine(now.astimezone(ZoneInfo(zone)).date(), datetime.min.time(), ZoneInfo(zone))
    return midnight + (now - midnight) / 2


async def paid_just_now(db, consultant_id, amount: str) -> None:
    """A session held and paid earlier today where the consultant is (the dashboard's charts count it today)."""
    import uuid

    from tests.db import factories

    cid = uuid.UUID(str(consultant_id))
    conn = await db.connect("owner")
    try:
        client_id = await factories.client(conn, cid)
        when = earlier_today()
        s = await factories.session(conn, cid, client_id, starts_at=when, amount=amount)
        await factories.payment(conn, cid, session_id=s, client_id=client_id, amount=amount, paid_at=when)
    finally:
        await conn.close()


async def test_the_dashboard_draws_axes_dates_and_a_legend(client, db):
    await paid_just_now(db, await signed_in_consultant(client, db), "150000.00")
    html = (await client.get("/dashboard", headers={"accept": "text/html"})).text
    charts_html = html.split('id="charts"')[1]
    assert 'role="img"' in charts_html and 'aria-labelledby="trend-svg-title trend-desc"' in charts_html
    assert ">₹2,00,000</text>" in charts_html  # the revenue scale's top, Indian grouping
    assert re.search(r'<text class="date"[^>]*>\d{1,2} \w{3}( \d{4})?</text>', charts_html)
    assert "Revenue received (left scale)" in charts_html and "Sessions (right scale)" in charts_html
    assert re.search(r"<title>\w{3} \d+ \w{3} \d{4}: Revenue received ₹1,50,000.00, Sessions 1</title>", charts_html)
    assert '<th scope="row">' in charts_html  # the table, the accessible alternative
    assert "One-to-one: ₹1,50,000.00 (100.0%)" in charts_html

# Test: pytest tests/http/test_charts.py
