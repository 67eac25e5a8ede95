# tests/e2e/test_charts.py — the dashboard's charts in Chromium at 1366 and 390 px: legible scales and dates that never overlap, a legend, the numbers, an empty period explained; styles and icons load (no 4xx).
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_settings_pages import email_of, sign_in
from tests.http.test_booking import approved_consultant
from tests.http.test_charts import earlier_today, paid_just_now


async def visible_boxes(page: Page, selector: str) -> list[dict]:
    """The on-screen boxes of the elements matching selector that are displayed."""
    return await page.eval_on_selector_all(selector, """els => els
        .filter(e => getComputedStyle(e).display !== 'none')
        .map(e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; })""")


async def test_the_charts_read_on_a_laptop_and_a_phone(browser, site, api, db):
    c = await approved_consultant(api, db)
    await paid_just_now(db, c["id"], "150000.00")
    today = earlier_today().date()  # the consultant's today (India), not UTC's
    # Forty days always cross a month's edge: one bar a day, dates under them.
    period = f"/dashboard?timeframe=custom&from={(today - timedelta(days=40)).isoformat()}&to={today.isoformat()}"
    for width in (1366, 390):
        page = await new_page(browser, site, viewport={"width": width, "height": 900})
        failed: list[str] = []
        page.on("response", lambda r, failed=failed: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        try:
            await sign_in(page, await email_of(api, c), "/dashboard")
            await page.goto(period)
            chart = page.get_by_role("img", name="Sessions and revenue")
            await expect(chart).to_be_visible()
            await expect(chart.locator("text.tick", has_text="₹2,00,000")).to_have_count(1)  # Indian grouping
            frame = await chart.bounding_box()
            dates = await visible_boxes(page, "#trend-svg-title ~ g text.date")
            assert len(dates) >= 3, dates
            months = await page.eval_on_selector_all(
                "#trend-svg-title ~ g text.date", "els => new Set(els.map(e => e.textContent.split(' ')[1])).size")
            assert months >= 2  # the labels name both months either side of the edge
            for a, b in zip(dates, dates[1:], strict=False):
                assert a["x"] + a["w"] <= b["x"], (width, a, b)  # never overlapping
            for box in dates:
                assert frame["x"] - 1 <= box["x"] and box["x"] + box["w"] <= frame["x"] + frame["width"] + 1, box
                assert box["h"] >= 11, box  # CSS pixels at every width, not a shrunken drawing
            await expect(page.get_by_text("Revenue received (left scale)")).to_be_visible()
            await expect(page.get_by_text("Sessions (right scale)")).to_be_visible()
            await page.locator("#charts summary", has_text="The numbers").first.click()
            await expect(page.locator("#charts").get_by_role("cell", name="₹1,50,000.00")).to_be_visible()
            await no_serious_violations(page, f"dashboard-charts-{width}")
            assert not failed, failed  # fingerprinted styles, scripts and the icon all load
        finally:
            await page.context.close()


async def paid_on(db, consultant_id, when: datetime, amount: str) -> None:
    """A client added and a session paid at `when` (a past day), the stored days recomputed."""
    import uuid

    from tests.db import factories

    cid = uuid.UUID(str(consultant_id))
    conn = await db.connect("owner")
    try:
        client_id = await factories.client(conn, cid)
        await conn.execute("update app.clients set created_at = $2 where id = $1", client_id, when)
        s = await factories.session(conn, cid, client_id, starts_at=when, amount=amount)
        await factories.payment(conn, cid, session_id=s, client_id=client_id, amount=amount, paid_at=when)
        await conn.fetchval("select api.refresh_daily_analytics(100000)")
    finally:
        await conn.close()


async def test_date_labels_never_overlap_for_any_period_at_either_width(browser, site, api, db):
    # The reviewer saw "Jan 20Mar" (a year running into the next month) at 1366 px and "29 Dec 20256 Apr" at
    # 390 px. Every period the picker offers, with something to draw: this year, the financial year, and chosen
    # dates across a year's edge (weeks, days, and three years of months).
    c = await approved_consultant(api, db)
    today = earlier_today().date()  # the consultant's today (India), not UTC's
    await paid_just_now(db, c["id"], "1500.00")
    for when in (datetime(today.year, 1, 2, 6, tzinfo=UTC), datetime(today.year - 1, 12, 30, 6, tzinfo=UTC),
                 datetime(today.year - 1, 4, 10, 6, tzinfo=UTC)):
        await paid_on(db, c["id"], when, "700.00")
    y = today.year
    periods = {"year": "timeframe=year", "fy": "timeframe=fy",
               "weeks": f"timeframe=custom&from={y - 1}-10-15&to={y}-02-10",
               "days": f"timeframe=custom&from={y - 1}-12-20&to={y}-01-20",
               "months": f"timeframe=custom&from={y - 2}-06-01&to={today.isoformat()}"}
    for width in (1366, 390):
        page = await new_page(browser, site, viewport={"width": width, "height": 900})
        try:
            await sign_in(page, await email_of(api, c), "/dashboard")
            for name, query in periods.items():
                await page.goto(f"/dashboard?{query}")
                charts = page.locator("#charts svg.chart:not(.split)")
                assert await charts.count() >= 1, name
                for k in range(await charts.count()):
                    chart = charts.nth(k)
                    frame = await chart.bounding_box()
                    boxes = await chart.evaluate("""svg => [...svg.querySelectorAll('text.date')]
                        .filter(e => getComputedStyle(e).display !== 'none')
                        .map(e => { const r = e.getBoundingClientRect();
                                    return {t: e.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })""")
                    assert len(boxes) >= 2, (name, width, boxes)
                    for i, a in enumerate(boxes):
                        assert frame["x"] - 1 <= a["x"] and a["x"] + a["w"] <= frame["x"] + frame["width"] + 1, (
                            name, width, a)
                        for b in boxes[i + 1:]:  # no two labels (dates or years) share a pixel
                            apart = (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
                                     or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])
                            assert apart, (name, width, a, b)
                if name == "year" and (today - date(y, 1, 1)).days >= 62:  # weekly: the first week is the year's own: 1 Jan, never the Monday before
                    first = page.locator("#trend-svg-title ~ g text.date").first
                    await expect(first).to_have_text("1 Jan")
                    await page.locator("#charts summary", has_text="The numbers").first.click()
                    await expect(page.locator("#charts").get_by_role("rowheader").first).to_contain_text(
                        "(part week)" if date(y, 1, 1).weekday() else "Week of 1 Jan")
        finally:
            await page.context.close()


async def test_an_empty_period_says_what_will_appear(browser, site, api, db):
    c = await approved_consultant(api, db)
    page = await new_page(browser, site, viewport={"width": 390, "height": 900})
    try:
        await sign_in(page, await email_of(api, c), "/dashboard")
        charts = page.locator("#charts")
        await expect(charts.locator(".chart-empty")).to_have_count(3)
        await expect(charts.get_by_text("When clients book and pay, the revenue received each day shows here")
                     ).to_be_visible()
        await expect(charts.get_by_role("img")).to_have_count(0)  # no blank boxes
        await no_serious_violations(page, "dashboard-charts-empty-phone")
    finally:
        await page.context.close()

# Test: pytest tests/e2e/test_charts.py
