# tests/e2e/test_add_to_calendar.py — a confirmed booking's page in Chromium at 1366 and 390 px: the "add to calendar" links are visible, open in a new tab without a referrer, and axe finds nothing serious.
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.async_api import expect

from tests.e2e.conftest import new_page
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.test_booking import approved_consultant, book, booking, every_day


async def test_a_confirmed_booking_offers_calendar_links_on_desktop_and_phone(browser, site, api, db):
    c = await approved_consultant(api, db, price="0", rules=every_day())
    free = (await api.get(f"/api/v1/public/consultants/{c['slug']}/slots")).json()["items"]
    made = (await book(api, c["slug"], booking(free[0]["slot_id"]))).json()
    manage = "/booking/" + made["manage_url"].rsplit("/", 1)[1] + "?done=booked"
    for width, height in ((1366, 900), (390, 844)):
        page = await new_page(browser, site, viewport={"width": width, "height": height})
        try:
            await page.goto(manage)
            block = page.locator("#add-to-calendar")
            await expect(block.get_by_role("heading", name="Add to your calendar")).to_be_visible()
            google = block.get_by_role("link", name="Google Calendar")
            await expect(google).to_be_visible()
            await expect(block.get_by_role("link", name="Outlook")).to_be_visible()
            assert await google.get_attribute("target") == "_blank"
            assert "noreferrer" in (await google.get_attribute("rel") or "")
            query = parse_qs(urlsplit(await google.get_attribute("href") or "").query)
            assert query["dates"][0].endswith("Z") and "mt_" not in (await google.get_attribute("href") or "")
            # Nothing wider than the phone: no sideways scrolling.
            assert await page.evaluate("document.documentElement.scrollWidth") <= width
            await no_serious_violations(page, f"manage-confirmed-add-to-calendar-{width}")
        finally:
            await page.context.close()

# Test: pytest tests/e2e/test_add_to_calendar.py
