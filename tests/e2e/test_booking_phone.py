# tests/e2e/test_booking_phone.py — the public page first on a 390 px phone: booking on the first screen, type cards with length and price, the day strip's arrows, zone search, the client's time first (page, manage, reschedule), details errors all at once.
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.test_booking import approved_consultant, book, booking, every_day

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "reduced_motion": "reduce"}


async def within_first_screen(page: Page, selector: str) -> None:
    box = await page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, f"{selector} is not on the first screen: {box}"


def clock(iso: str, zone: str) -> re.Pattern:
    """The button text for an instant in a zone, as Chromium's en-IN words it (10:30 am)."""
    local = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    return re.compile(rf"^{local:%-I:%M}\s?{local:%p}$".replace("AM", "am").replace("PM", "pm"), re.I)


async def scroll_left(page: Page) -> float:
    return await page.locator("#days").evaluate("el => el.scrollLeft")


async def test_on_a_phone_the_booking_box_comes_first_with_cards_arrows_and_zone_search(browser, site, api, db):
    c = await approved_consultant(api, db, rules=[*every_day(minutes=45), *every_day("webinar", "15:00", "17:00", 90, 20)],
                                  max_days_ahead=30)
    first = (await api.get(f"/api/v1/public/consultants/{c['slug']}/slots",
                           params={"type": "personal"})).json()["items"][0]["starts_at"]
    phone = await new_page(browser, site, timezone_id="Asia/Dubai", **PHONE)
    try:
        await phone.goto(f"/{c['slug']}")
        book_first = phone.get_by_role("button", name=re.compile(r"^Book ")).first
        await expect(book_first).to_be_visible()
        # The slot picker and a Book action on the first screen; the bio and policy below the booking box.
        await within_first_screen(phone, "#days button")
        await within_first_screen(phone, "#times button")
        about = await phone.locator(".about").bounding_box()
        box = await phone.locator("#booking").bounding_box()
        assert about and box and about["y"] > box["y"], "the bio comes after the booking box"
        # Type cards: each shows its length and price.
        cards = phone.locator(".type-card")
        await expect(cards).to_have_count(2)
        await expect(cards.nth(0)).to_contain_text("45 min")
        await expect(cards.nth(0)).to_contain_text("₹1,499.50")
        await expect(cards.nth(1)).to_contain_text("90 min")
        await expect(cards.nth(1)).to_contain_text("₹499.00")
        # The browser's zone is preselected with clear words; times are the visitor's, the consultant's second.
        await expect(phone.locator("#tz")).to_have_value("Asia/Dubai")
        await expect(phone.get_by_label("Your time zone")).to_have_value("Dubai — Gulf Standard Time (UTC+04:00)")
        note = phone.locator("#times-zone")
        await expect(note).to_contain_text("Times in your zone: Dubai")
        await expect(note).to_contain_text("Kolkata (Asia/Kolkata)")
        await expect(phone.locator("#times button").first).to_have_text(clock(first, "Asia/Dubai"))
        await shot(phone, "booking-phone-first-screen")
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

        # The day strip is wider than the phone: its arrows scroll it, by tap and by keyboard; at its end the
        # next arrow moves on to the next week.
        assert await scroll_left(phone) == 0
        assert await phone.locator("#days").evaluate("el => el.scrollWidth > el.clientWidth"), "a week overflows"
        await expect(phone.get_by_role("button", name="Earlier days")).to_be_disabled()
        await phone.get_by_role("button", name="Later days").click()
        await phone.wait_for_function("() => document.getElementById('days').scrollLeft > 0")
        await expect(phone.get_by_role("button", name="Earlier days")).to_be_enabled()
        await phone.get_by_role("button", name="Earlier days").focus()
        await phone.keyboard.press("Enter")
        await phone.wait_for_function("() => document.getElementById('days').scrollLeft === 0")
        await expect(phone.get_by_role("button", name="Earlier days")).to_be_disabled()
        await phone.get_by_role("button", name="Later days").focus()
        await phone.keyboard.press("Enter")
        await phone.wait_for_function("() => document.getElementById('days').scrollLeft > 0")
        week = await phone.locator("#week-label").inner_text()
        for _ in range(6):
            if await phone.locator("#week-label").inner_text() != week:
                break
            await phone.keyboard.press("Enter")
            await phone.wait_for_timeout(150)
        await expect(phone.locator("#week-label")).not_to_have_text(week)
        await expect(phone.locator("#times button").first).to_be_visible()
        # Back: at the strip's start the arrow returns to the week before, its last days in view.
        await phone.get_by_role("button", name="Earlier days").click()
        await expect(phone.locator("#week-label")).to_have_text(week)
        await phone.wait_for_function("() => { const d = document.getElementById('days'); "
                                      "return d.scrollLeft + d.clientWidth >= d.scrollWidth - 1; }")

        # Any IANA zone, searched by name: Kathmandu (UTC+05:45) by keyboard, Dubai again by a tap.
        zone = phone.get_by_role("combobox", name="Your time zone")
        await zone.fill("kathm")
        option = phone.get_by_role("option", name="Kathmandu — Nepal Time (UTC+05:45)")
        await expect(option).to_be_visible()
        await expect(phone.get_by_role("option")).to_have_count(1)
        await no_serious_violations(phone, "booking-phone-zone-search")
        await zone.press("Enter")
        await expect(phone.locator("#tz")).to_have_value("Asia/Kathmandu")
        await expect(phone.locator("#times button").first).to_have_text(clock(first, "Asia/Kathmandu"))
        await zone.fill("Dubai")
        await phone.get_by_role("option", name="Dubai — Gulf Standard Time (UTC+04:00)").click()
        await expect(phone.locator("#tz")).to_have_value("Asia/Dubai")
        await expect(phone.locator("#times button").first).to_have_text(clock(first, "Asia/Dubai"))
        await zone.fill("no such place")
        await expect(phone.get_by_role("option")).to_have_text("No time zone matches “no such place”.")
        await zone.press("Escape")
        await expect(zone).to_have_value("Dubai — Gulf Standard Time (UTC+04:00)")

        # Choosing a time: the summary says the client's time first, then the consultant's.
        await phone.locator("#times button").first.click()
        when = await phone.locator("#chosen-when").inner_text()
        mine, theirs = clock(first, "Asia/Dubai").pattern[1:-1], clock(first, "Asia/Kolkata").pattern[1:-1]
        assert re.search(rf"{mine} your time \(Asia/Dubai\) · {theirs} for \w+ \(Asia/Kolkata\)", when, re.I), when
        await expect(phone.locator("#chosen")).to_contain_text("45 min")
        await no_serious_violations(phone, "booking-phone-details")
    finally:
        await phone.context.close()


async def test_the_details_show_every_error_at_once_beside_its_field_and_keep_what_was_typed(page, api, db):
    c = await approved_consultant(api, db, rules=every_day(), price="0")
    await page.goto(f"/{c['slug']}")
    await page.locator("#times button").first.click()
    await page.get_by_label("Email").fill("priya.example.com")
    await page.get_by_label("Mobile number").fill("12")
    await page.get_by_label("Anything").fill("About my CV")
    await page.get_by_role("button", name="Confirm booking").click()
    await expect(page.locator("#client-name-error")).to_have_text("Please enter your name.")
    await expect(page.locator("#client-email-error")).to_contain_text("name@example.com")
    await expect(page.locator("#client-phone-error")).to_contain_text("6 to 15 digits")
    await expect(page.locator("#book-message")).to_contain_text("3 details need fixing")
    await expect(page.get_by_label("Your name")).to_be_focused()
    await expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Email")).to_have_value("priya.example.com")
    await expect(page.get_by_label("Mobile number")).to_have_value("12")
    await expect(page.get_by_label("Anything")).to_have_value("About my CV")
    await shot(page, "booking-details-errors")
    await no_serious_violations(page, "booking-details-errors")
    # Fixed but for an address the server refuses: its words beside the email, the rest cleared, nothing lost.
    await page.get_by_label("Your name").fill("Priya Shah")
    await page.get_by_label("Email").fill("priya@example.invalid")
    await page.get_by_label("Mobile number").fill("+91 98765 43210")
    await page.get_by_role("button", name="Confirm booking").click()
    await expect(page.locator("#client-email-error")).to_contain_text("cannot receive mail")
    await expect(page.locator("#client-name-error")).to_be_hidden()
    await expect(page.locator("#client-phone-error")).to_be_hidden()
    await expect(page.get_by_label("Your name")).to_have_value("Priya Shah")
    await page.get_by_label("Email").fill("priya@example.com")
    await page.get_by_role("button", name="Confirm booking").click()
    await page.wait_for_url(re.compile(r"/booking/mt_"))
    await expect(page.locator("#booking-status")).to_have_text("Confirmed")


async def test_manage_cancel_and_reschedule_show_the_clients_time_first_and_a_cancel_offers_book_again(
        browser, site, api, db):
    c = await approved_consultant(api, db, rules=every_day(), price="0")
    free = (await api.get(f"/api/v1/public/consultants/{c['slug']}/slots", params={"type": "personal"})).json()
    made = (await book(api, c["slug"], booking(free["items"][0]["slot_id"], timezone="Asia/Dubai"))).json()
    manage = urlsplit(made["manage_url"]).path
    name = (await api.get(f"/api/v1/public/consultants/{c['slug']}")).json()["first_name"]
    phone = await new_page(browser, site, timezone_id="Asia/Dubai", **PHONE)
    try:
        await phone.goto(manage + "?done=booked")
        when = await phone.locator("#booking-when").inner_text()
        assert re.search(rf"your time \(Asia/Dubai\) · .* for {name} \(Asia/Kolkata\)$", when), when
        assert when.index("your time") < when.index(f"for {name}")
        await shot(phone, "booking-confirmed-phone")
        await phone.get_by_role("link", name="Change time").click()
        await expect(phone.locator("#reschedule-zones")).to_contain_text("your zone (Asia/Dubai)")
        first = phone.locator("fieldset label").first
        await expect(first).to_contain_text(re.compile(rf"^\s*\d+:\d\d [AP]M\s+\d+:\d\d [AP]M for {name}"))
        await no_serious_violations(phone, "booking-reschedule-phone")
        await phone.goto(manage + "/cancel")
        await expect(phone.locator("#booking-when")).to_contain_text("your time (Asia/Dubai)")
        await phone.get_by_role("button", name="Yes, cancel it").click()
        # At once, no reload: cancelled, and the way back to the consultant's page.
        await expect(phone.locator("#booking-status")).to_have_text("Cancelled")
        await expect(phone.locator("#cancelled-notice")).to_contain_text("Your booking is cancelled.")
        again = phone.get_by_role("link", name=f"Book again with {name}")
        await expect(again).to_have_attribute("href", f"/{c['slug']}")
        await expect(phone.get_by_role("link", name="Cancel booking")).to_have_count(0)
        await no_serious_violations(phone, "booking-cancelled-phone")
        await again.click()
        await expect(phone.get_by_role("heading", name="Book a session")).to_be_visible()
        # A booking that did not say the client's zone: the viewer's own time is put first on the page.
        other = (await book(api, c["slug"], booking(free["items"][1]["slot_id"], email="no-zone@example.com"))).json()
        await phone.goto(urlsplit(other["manage_url"]).path)
        when = await phone.locator("dl.facts dd").first.inner_text()
        assert re.search(r"^\w{3}, \d+ \w{3}, .* your time \(Asia/Dubai\) · .*\(Asia/Kolkata", when), when
    finally:
        await phone.context.close()

# Test: pytest tests/e2e/test_booking_phone.py
