# tests/http/test_dashboard_figures_pages.py — the figure tiles print what SQL returned: "—" for a rate with nothing to divide by, the revenue split adding up, failed payments on the admin overview (docs/metrics.md).
from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

from tests.db import factories
from tests.db.test_daily_analytics import D
from tests.http.helpers import PASSWORD, auth, make_admin
from tests.http.test_admin_analytics import fixture_consultant
from tests.http.test_admin_overview_pages import PERIOD
from tests.http.test_admin_pages import admin_sign_in, owner_fetch
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML, sign_in


def tiles(html: str) -> dict[str, str]:
    """Each figure tile's term and its text (tags dropped, spaces folded)."""
    out = {}
    for term, rest in re.findall(r"<div><dt>(.*?)</dt>(.*?)</div>", html, re.S):
        out[term] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rest)).strip()
    return out


async def signed_in_as(client, db, c) -> None:
    email = (await owner_fetch(db, "select email from app.consultants where id = $1", uuid.UUID(c["id"])))["email"]
    assert (await sign_in(client, email, PASSWORD)).status_code == 303


async def test_rates_with_nothing_to_divide_by_show_a_dash_not_zero(client, db):
    c = await approved_consultant(client, db)
    m = (await client.get("/api/v1/dashboard/metrics", headers=c["headers"])).json()
    assert [m[k] for k in ("completion_rate", "repeat_client_rate", "quotation_conversion_rate",
                           "average_session_value")] == [None, None, None, None]
    await signed_in_as(client, db, c)
    home = await client.get("/dashboard", headers=HTML)
    assert home.status_code == 200, home.text
    t = tiles(home.text)
    assert t["Completion rate"].startswith("— ") and "no session has an outcome yet" in t["Completion rate"]
    assert t["Average session value"].startswith("— ") and "no session payment" in t["Average session value"]
    assert "— repeat" in t["Clients"] and "— conversion" in t["Quotations"]
    assert "0.0%" not in home.text and "0%" not in re.sub(r"<[^>]+>", "", home.text)


async def test_the_tiles_and_the_split_print_what_sql_returned(client, db):
    c = await fixture_consultant(client, db)
    conn = await db.connect("owner")
    try:
        # A paid quotation in the period: it is revenue received, so the split shows it and still adds up.
        cid = uuid.UUID(c["id"])
        q = await factories.quotation(conn, cid, base_amount="21874.00")
        await factories.payment(conn, cid, purpose="quotation", quotation_id=q, amount="21874.00",
                                paid_at=await conn.fetchval("select $1::date + time '12:00' at time zone "
                                                            "'Asia/Kolkata'", D))
        await conn.fetchval("select api.refresh_daily_analytics()")
    finally:
        await conn.close()
    m = (await client.get("/api/v1/dashboard/metrics", headers=c["headers"], params=PERIOD)).json()
    ch = (await client.get("/api/v1/dashboard/charts", headers=c["headers"], params=PERIOD)).json()
    assert (m["total_revenue"], m["quotation_revenue"], ch["total_revenue"]) == ("23874.00", "21874.00", "23874.00")
    await signed_in_as(client, db, c)
    page = (await client.get("/dashboard", headers=HTML, params=PERIOD)).text
    t = tiles(page)
    assert t["Revenue received"].startswith("₹23,874.00 ₹24,174.00 paid − ₹300.00 refunded")
    assert t["Completion rate"].startswith("50.0% of 2 completed or no-show")
    assert t["Average session value"].startswith("₹766.67 over 3 session payments received")
    assert "1 with sessions · 100.0% repeat (1 of 1)" in t["Clients"]
    assert "1 cancelled" in t["Sessions"] and "1 no-show" in t["Sessions"]
    assert "Revenue by source" in page
    legend = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('class="plain legend"')[1].split("</ul>")[0]))
    assert "One-to-one: ₹1,800.00 (7.4%)" in legend and "Webinars: ₹500.00 (2.1%)" in legend
    assert "Quotations: ₹21,874.00 (90.5%)" in legend
    assert "Refunds: −₹300.00" in legend and "Revenue received: ₹23,874.00" in legend


async def test_the_admin_overview_counts_a_failed_attempt_even_when_a_retry_paid(client, db):
    c = await approved_consultant(client, db)
    conn = await db.connect("owner")
    try:
        cid = uuid.UUID(c["id"])
        k = await factories.client(conn, cid)
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        s1 = await factories.session(conn, cid, k, starts_at=later)
        s2 = await factories.session(conn, cid, k, starts_at=later + timedelta(hours=2))
        # One order failed and was paid on a second attempt; another failed and stayed unpaid.
        await factories.payment(conn, cid, session_id=s1, client_id=k,
                                metadata=json.dumps({"last_failed_payment_id": "pay_1"}))
        await factories.payment(conn, cid, session_id=s2, client_id=k, status="failed", failure_reason="Declined",
                                metadata=json.dumps({"last_failed_payment_id": "pay_2"}))
    finally:
        await conn.close()
    a = (await client.get("/api/v1/admin/analytics", headers=auth(await make_admin(db, client)),
                          params={"timeframe": "today"})).json()
    assert a["payments"] == {"succeeded": 1, "failed": 2, "unpaid": 1, "success_rate": 50.0}
    await admin_sign_in(client, db)
    t = tiles((await client.get("/admin/overview", headers=HTML, params={"timeframe": "today"})).text)
    assert t["Payment success"] == "50.0% 1 paid · 1 unpaid · 2 with a failed attempt"

# Test: pytest tests/http/test_dashboard_figures_pages.py
