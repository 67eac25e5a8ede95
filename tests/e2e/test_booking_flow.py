# tests/e2e/test_booking_flow.py — a visitor books and pays on /<slug> through the local checkout, in Chromium; a slot taken meanwhile; a phone; the manage page.
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page, shot
from tests.http.test_booking import approved_consultant, book, booking, every_day


async def choose_first_time(page: Page, slug: str) -> str:
    await page.goto(f"/{slug}")
    await expect(page.get_by_role("heading", name="Book a session")).to_be_visible()
    first = page.locator("#times button").first
    await expect(first).to_be_visible()
    label = await first.get_attribute("aria-label") or ""
    await first.click()
    return label


async def fill_details(page: Page, name: str = "Priya Shah", email: str = "priya@example.com") -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Mobile number").fill("+91 98765 43210")


async def pay_locally(page: Page) -> None:
    await expect(page.get_by_role("heading", name="Local checkout")).to_be_visible()
    await page.get_by_role("button", name=re.compile(r"^Pay ₹1,499\.50")).click()


async def test_a_visitor_books_pays_and_lands_on_a_confirmed_booking(page, api, db):
    c = await approved_consultant(api, db, rules=every_day())
    when = await choose_first_time(page, c["slug"])
    assert re.search(r"(IST|GMT\+5:30)$", when), when  # the visitor's zone, shown
    await expect(page.locator("#chosen")).to_contain_text("₹1,499.50")
    await fill_details(page)
    await shot(page, "booking-details")
    await page.get_by_role("button", name=re.compile("Continue to pay")).click()
    await pay_locally(page)
    # Back on the manage page: the signed answer is verified, the page shows the confirmed booking.
    await page.wait_for_url(re.compile(r"/booking/mt_[^?]+\?done=paid$"))
    await expect(page.locator("#booking-status")).to_have_text("Confirmed")
    confirmation = page.locator("#confirmation")
    await expect(confirmation).to_contain_text("Payment received")
    await expect(confirmation).to_contain_text(page.url.split("?")[0])  # the manage link, to keep
    await expect(page.get_by_text("https://zoom.us/j/123")).to_be_visible()
    await shot(page, "booking-confirmed")
    # The client cancels through the manage page and sees the refund before confirming.
    await page.get_by_role("link", name="Cancel booking").click()
    await expect(page.locator("#refund-due")).to_contain_text("₹")
    await shot(page, "booking-cancel")
    await page.get_by_role("button", name="Yes, cancel it").click()
    await expect(page.get_by_role("status").filter(has_text="cancelled")).to_be_visible()
    await expect(page.locator("#booking-status")).to_have_text("Cancelled")
    # At once, without a reload: the refund under way (not "payment completed"), and the way to book again.
    await expect(page.locator("#cancelled-notice")).to_contain_text(re.compile(r"₹[\d,]+\.\d\d (is being|has been) refunded"))
    await expect(page.locator("#payment-state")).to_contain_text(re.compile(r"paid, (refund of ₹[\d,]+\.\d\d on its way|₹[\d,]+\.\d\d refunded)"))
    await expect(page.locator("#payment-state")).not_to_contain_text("completed")
    await expect(page.get_by_role("link", name=re.compile("^Book again with"))).to_have_attribute("href", re.compile(r"^/[a-z0-9-]+$"))
    await shot(page, "booking-cancelled-refund")


async def test_a_time_taken_meanwhile_gives_a_message_and_fresh_times(page, api, db):
    c = await approved_consultant(api, db, rules=every_day())
    await choose_first_time(page, c["slug"])
    # Someone else books that very time while this visitor types.
    free = (await api.get(f"/api/v1/public/consultants/{c['slug']}/slots", params={"type": "personal"})).json()["items"]
    taken = await book(api, c["slug"], booking(free[0]["slot_id"], email="quick@example.com"))
    assert taken.status_code == 201
    await fill_details(page)
    await page.get_by_role("button", name=re.compile("Continue to pay")).click()
    await expect(page.locator("#book-message")).to_contain_text("just taken")
    await expect(page.locator("#times button").first).to_be_visible()
    await shot(page, "booking-slot-taken")
    assert page.url.endswith(f"/{c['slug']}")  # never an error page


async def test_booking_works_at_phone_size(browser, site, api, db):
    c = await approved_consultant(api, db, rules=every_day(), price="0")
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        await choose_first_time(phone, c["slug"])
        await fill_details(phone, email="phone@example.com")
        await phone.get_by_role("button", name="Confirm booking").click()
        await phone.wait_for_url(re.compile(r"/booking/mt_"))
        await expect(phone.locator("#booking-status")).to_have_text("Confirmed")
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        await shot(phone, "booking-phone")
    finally:
        await phone.context.close()


async def test_the_client_moves_a_booking_a_week_at_a_time_on_a_laptop_and_a_phone(browser, site, api, db):
    # The reschedule page shows one week of free times with links to the weeks around it (it once showed 30
    # days' worth, silently cut at the page size).
    c = await approved_consultant(api, db, rules=every_day(start="07:00", end="21:00", minutes=30), price="0",
                                  max_days_ahead=30)
    first = (await api.get(f"/api/v1/public/consultants/{c['slug']}/slots", params={"type": "personal"})).json()
    made = (await book(api, c["slug"], booking(first["items"][-1]["slot_id"], email="mover@example.com"))).json()
    manage = urlsplit(made["manage_url"]).path
    for name, viewport in (("reschedule", {"width": 1366, "height": 900}), ("reschedule-phone",
                                                                          {"width": 390, "height": 844})):
        page = await new_page(browser, site, viewport=viewport)
        try:
            await page.goto(manage)
            await page.get_by_role("link", name="Change time").click()
            await expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
            await expect(page.get_by_role("link", name=re.compile("Earlier times"))).to_have_count(0)
            await page.get_by_role("link", name=re.compile("Later times")).first.click()
            await expect(page.get_by_role("link", name=re.compile("Earlier times")).first).to_be_visible()
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"the page scrolls sideways ({width}px)"
            await shot(page, name)
            if name == "reschedule-phone":
                await page.locator("input[name=slot_id]").first.check()
                await page.get_by_role("button", name="Move my booking").click()
                await expect(page.get_by_role("status").filter(has_text="moved")).to_be_visible()
        finally:
            await page.context.close()


def asked_range(url: str) -> tuple[datetime, datetime]:
    query = parse_qs(urlsplit(url).query)
    return datetime.fromisoformat(query["from"][0].replace("Z", "+00:00")), \
        datetime.fromisoformat(query["to"][0].replace("Z", "+00:00"))


async def test_the_booking_page_fetches_the_days_it_shows_a_week_at_a_time(page, api, db):
    c = await approved_consultant(api, db, rules=every_day(), max_days_ahead=60)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/slots?" in r.url else None)
    await page.set_viewport_size({"width": 1366, "height": 900})
    await page.goto(f"/{c['slug']}")
    await expect(page.locator("#times button").first).to_be_visible()
    [first] = [asked_range(u) for u in asked]
    assert timedelta(days=7) - timedelta(hours=1) <= first[1] - first[0] <= timedelta(days=7) + timedelta(hours=1)
    assert first[0] <= datetime.now(UTC) < first[1]  # from the visitor's midnight today
    assert 1 <= await page.locator("#days button").count() <= 7
    await expect(page.get_by_role("button", name="Earlier days")).to_be_disabled()
    await shot(page, "booking-week")
    # On a laptop the whole week fits the strip: Later is the next week only, starting where the first ended.
    assert await page.locator("#days").evaluate("el => el.scrollWidth <= el.clientWidth"), "the week fits"
    await page.get_by_role("button", name="Later days").click()
    await expect(page.get_by_role("button", name="Earlier days")).to_be_enabled()
    await expect(page.locator("#times button").first).to_be_visible()
    second = asked_range(asked[-1])
    assert len(asked) == 2 and second[0] == first[1]
    await shot(page, "booking-week-later")
    # Earlier: back to this week.
    await page.get_by_role("button", name="Earlier days").click()
    await expect(page.get_by_role("button", name="Earlier days")).to_be_disabled()
    assert asked_range(asked[-1]) == first


async def test_the_booking_page_moves_on_to_the_first_week_with_free_times(browser, site, api, db):
    c = await approved_consultant(api, db, rules=every_day(), max_days_ahead=60, min_notice_minutes=20 * 24 * 60)
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        asked: list[str] = []
        phone.on("request", lambda r: asked.append(r.url) if "/slots?" in r.url else None)
        await phone.goto(f"/{c['slug']}")
        await expect(phone.locator("#times button").first).to_be_visible()
        ranges = [asked_range(u) for u in asked]
        assert 3 <= len(ranges) <= 4 and all(b[0] == a[1] for a, b in zip(ranges, ranges[1:], strict=False))
        first_time = await phone.locator("#times button").first.get_attribute("aria-label") or ""
        assert first_time, "a free time is offered"
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        await shot(phone, "booking-week-phone")
    finally:
        await phone.context.close()


async def test_unknown_pages_and_slugs_get_a_proper_404_page(page, api, db):
    response = await page.goto("/no-such-consultant")
    assert response.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    await shot(page, "not-found")

# Test: pytest tests/e2e/test_booking_flow.py
