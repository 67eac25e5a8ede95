# tests/e2e/test_admin_overview_pages.py — the admin's platform pages in Chromium: overview with chosen dates, a consultant's analytics, sessions filtered, system, settings saved and refused; axe-core clean; fits a phone.
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from playwright.async_api import expect

from tests.db.test_daily_analytics import D
from tests.e2e.conftest import new_page, shot
from tests.e2e.test_admin_pages import an_admin, fits, sign_in
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.test_admin_analytics import fixture_consultant


async def test_a_super_admin_reads_the_platform_and_changes_a_setting(page, api, db):
    await fixture_consultant(api, db)
    await sign_in(page, await an_admin(db, api, role="super_admin"))
    # Overview, for the fixture's two days.
    await page.get_by_role("link", name="Overview", exact=True).click()
    await expect(page.get_by_role("heading", name="Platform overview")).to_be_visible()
    await page.get_by_label("Period").select_option("custom")
    await page.get_by_label("From").fill(D.isoformat())
    await page.get_by_label("To", exact=True).fill((D + timedelta(days=1)).isoformat())
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_role("heading", name="Chosen dates")).to_be_visible()
    revenue = page.locator(".metrics div").filter(has_text="Revenue received")
    await expect(revenue).to_contain_text("₹2,000.00")
    for name in ("Revenue and sessions", "Sessions by status"):
        await expect(page.get_by_role("img", name=name)).to_be_visible()
    # Labelled axes: rupee scale, dates under the bars, a legend; an empty chart says what will appear.
    trend = page.get_by_role("img", name="Revenue and sessions")
    await expect(trend.locator("text.tick").first).to_have_text("₹500")
    await expect(trend.locator("text.date").first).to_have_text(f"{D.day} {D.strftime('%b')}")
    await expect(page.get_by_text("Revenue received (left scale)")).to_be_visible()
    await expect(page.get_by_text("No one signed up from")).to_be_visible()
    await page.locator("summary", has_text="The numbers").first.click()
    await expect(page.get_by_role("row", name="Tue 10 Nov 2026 ₹1,200.00 3")
                 ).to_be_visible()
    await no_serious_violations(page, "admin-overview")
    await shot(page, "admin-overview")
    # The top consultant's analytics, for the same dates, as they see them.
    await page.get_by_role("link", name="Analytics for Asha Verma").click()
    await expect(page.get_by_role("heading", name="Asha Verma: analytics")).to_be_visible()
    await expect(page.locator(".metrics div").filter(has_text="Revenue received")).to_contain_text("₹2,000.00")
    await expect(page.get_by_text("One-to-one: ₹1,800.00")).to_be_visible()
    await no_serious_violations(page, "admin-consultant-analytics")
    # Their sessions, then everyone's cancelled ones.
    await page.get_by_role("link", name="Their sessions").click()
    await expect(page.get_by_role("heading", name="5 sessions")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("Only Asha Verma's sessions")
    await page.get_by_role("link", name="Show everyone's").click()
    await page.get_by_label("Status").select_option("cancelled")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.get_by_role("heading", name="1 session", exact=True)).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text="Asha Verma")).to_contain_text("Cancelled")
    await no_serious_violations(page, "admin-sessions")
    # The system page.
    await page.get_by_role("link", name="System", exact=True).click()
    await expect(page.get_by_role("heading", name="System", exact=True)).to_be_visible()
    await expect(page.get_by_role("cell", name="analytics.consultant_dashboard_stats")).to_be_visible()
    await no_serious_violations(page, "admin-system")
    # Settings: a value out of range is refused in place, then a good one is saved.
    await page.get_by_role("link", name="Settings", exact=True).click()
    hold = page.get_by_label("Minutes a pending paid booking holds its slot")
    await expect(hold).to_have_value("15")
    await hold.fill("1000")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("alert")).to_contain_text("Minutes a pending paid booking holds its slot: a whole number from 5 to 120.")
    await expect(hold).to_have_attribute("aria-invalid", "true")
    await no_serious_violations(page, "admin-settings-error")
    await hold.fill("25")
    await page.get_by_label("Plan 5 code").fill("team")
    await page.get_by_label("Plan 5 name").fill("Team")
    await page.get_by_label("Plan 5 price per month").fill("2999")
    await page.get_by_label("Plan 5 commission percent").fill("4.5")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("status")).to_contain_text("Settings saved.")
    await expect(hold).to_have_value("25")
    await no_serious_violations(page, "admin-settings")
    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select value from app.platform_settings where key = 'default_hold_minutes'") == "25"
        team = await conn.fetchrow("select * from app.plans where code = 'team'")
        assert (team["name"], team["price_monthly"], team["commission_percent"], team["commission_min"]) == (
            "Team", 2999, Decimal("4.5"), 10)  # no minimum given: the default
    finally:
        await conn.close()


async def test_the_platform_pages_fit_a_phone(browser, site, api, db):
    await fixture_consultant(api, db)
    email = await an_admin(db, api, role="super_admin")
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        await sign_in(phone, email)
        for path, heading in (("/admin/overview", "Platform overview"), ("/admin/sessions", "Sessions"),
                              ("/admin/system", "System"), ("/admin/settings", "Platform settings")):
            await phone.goto(path)
            await expect(phone.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            await fits(phone, f"admin-{path.rsplit('/', 1)[1]}-phone")
    finally:
        await phone.context.close()

# Test: pytest tests/e2e/test_admin_overview_pages.py
