# tests/e2e/test_dashboard_home.py — the dashboard home in Chromium: metric cards, the timeframe picker, the three charts with their numbers, axe-core clean.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from playwright.async_api import expect

from tests.db import factories
from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_settings_pages import email_of, sign_in
from tests.http.test_booking import approved_consultant


async def test_the_home_shows_metrics_and_charts_for_a_chosen_period(browser, site, api, db):
    c = await approved_consultant(api, db)
    conn = await db.connect("owner")
    try:
        cid = uuid.UUID(c["id"])
        client_id = await factories.client(conn, cid)
        now = datetime.now(UTC)
        s = await factories.session(conn, cid, client_id, starts_at=now + timedelta(minutes=5), amount="2500.00")
        await factories.payment(conn, cid, session_id=s, client_id=client_id, amount="2500.00", paid_at=now)
    finally:
        await conn.close()
    page = await new_page(browser, site)
    try:
        await sign_in(page, await email_of(api, c), "/dashboard")
        await expect(page.get_by_text("Revenue received", exact=True)).to_be_visible()
        await expect(page.locator(".metrics").get_by_text("₹2,500.00").first).to_be_visible()
        for name in ("Sessions and revenue", "Clients", "Revenue by source"):
            await expect(page.get_by_role("img", name=name)).to_be_visible()
        await expect(page.get_by_text("One-to-one: ₹2,500.00 (100.0%)")).to_be_visible()
        await page.locator("summary", has_text="The numbers").first.click()
        await expect(page.get_by_role("cell", name="₹2,500.00").first).to_be_visible()
        await no_serious_violations(page, "dashboard-home-metrics")
        await shot(page, "dashboard-home-metrics")
        await page.get_by_label("Period").select_option("year")
        await page.get_by_role("button", name="Show").click()
        await expect(page.get_by_role("heading", name="This year")).to_be_visible()
        assert "timeframe=year" in page.url
    finally:
        await page.context.close()

async def test_the_home_updates_itself_when_a_payment_lands(browser, site, api, db):
    c = await approved_consultant(api, db)
    page = await new_page(browser, site)
    try:
        await sign_in(page, await email_of(api, c), "/dashboard")
        received_today = page.locator(".metrics div").filter(has_text="Received today")
        await expect(received_today).to_contain_text("₹0.00")
        await page.wait_for_timeout(500)  # the event stream is open
        conn = await db.connect("owner")
        try:
            cid = uuid.UUID(c["id"])
            client_id = await factories.client(conn, cid)
            now = datetime.now(UTC)
            s = await factories.session(conn, cid, client_id, starts_at=now + timedelta(minutes=5), amount="1234.00")
            await factories.payment(conn, cid, session_id=s, client_id=client_id, amount="1234.00", paid_at=now)
        finally:
            await conn.close()
        # No reload: the page hears of the commit and swaps in the new figures.
        await expect(received_today).to_contain_text("₹1,234.00", timeout=10_000)
        await expect(page.get_by_role("status").filter(has_text="Updated just now")).to_be_visible()
    finally:
        await page.context.close()


async def test_the_home_counts_every_session_coming_up_and_links_to_them(browser, site, api, db):
    """The "Coming up" figure is the database's total, not the 8 the list shows; the list links to all of them.
    Looked at on a laptop and a phone."""
    c = await approved_consultant(api, db)
    conn = await db.connect("owner")
    try:
        cid = uuid.UUID(c["id"])
        client_id = await factories.client(conn, cid)
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
        for i in range(11):
            await factories.session(conn, cid, client_id, starts_at=start + timedelta(hours=3 * i), amount="900.00")
    finally:
        await conn.close()
    for width, name in ((1366, "dashboard-home-coming-up"), (390, "dashboard-home-coming-up-phone")):
        page = await new_page(browser, site, viewport={"width": width, "height": 900})
        try:
            await sign_in(page, await email_of(api, c), "/dashboard")
            card = page.locator("section.card").filter(has=page.get_by_role("heading", name="Coming up"))
            await expect(card.locator(".stat")).to_have_text("11")
            link = page.get_by_role("link", name="See all 11 coming up")
            await expect(link).to_be_visible()
            await no_serious_violations(page, name)
            await shot(page, name)
            await link.click()
            await expect(page.get_by_role("heading", name="Sessions")).to_be_visible()
            assert "status=confirmed" in page.url
        finally:
            await page.context.close()

# Test: pytest tests/e2e/test_dashboard_home.py
