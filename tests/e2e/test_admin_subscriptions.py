# tests/e2e/test_admin_subscriptions.py — the admin's subscriptions page in Chromium at 1366 and 390 px: reached from the header, past due first, filtered, no serious axe violations, no sideways scrolling.
from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.conftest import new_page
from tests.e2e.test_admin_pages import an_admin, fits, sign_in
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.test_admin_subscriptions import arrange


async def test_the_subscriptions_page_at_desktop_and_phone_widths(browser, site, api, db):
    await arrange(db)
    email = await an_admin(db, api)
    for width in (1366, 390):
        page = await new_page(browser, site, viewport={"width": width, "height": 900})
        try:
            await sign_in(page, email)
            await page.get_by_role("link", name="Subscriptions", exact=True).click()
            await expect(page.get_by_role("heading", name="Subscriptions", level=1)).to_be_visible()
            await expect(page.get_by_role("status")).to_contain_text("1 subscription is past due")
            first = page.get_by_role("row").nth(1)
            await expect(first).to_contain_text("Bela Test")
            await expect(first).to_contain_text("Past due: retries over, the invoice is unpaid")
            await no_serious_violations(page, f"admin-subscriptions-{width}")
            await fits(page, f"admin-subscriptions-{width}")
            await page.get_by_role("link", name="Comped").click()
            await expect(page.get_by_role("heading", name="Comped consultants")).to_be_visible()
            await expect(page.get_by_role("row")).to_have_count(2)
            await page.get_by_role("link", name="Dev Test").click()
            await expect(page.get_by_role("heading", name="Dev Test")).to_be_visible()
        finally:
            await page.context.close()

# Test: pytest tests/e2e/test_admin_subscriptions.py
