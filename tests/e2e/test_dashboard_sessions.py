# tests/e2e/test_dashboard_sessions.py — the consultant's Sessions and Clients pages in Chromium: a booking in the list and the calendar, cancelled through its confirmation; the client's profile; axe checks; a phone-size calendar.
from __future__ import annotations

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http import helpers
from tests.http.test_booking import approved_consultant, book, booking, every_day


async def consultant_with_bookings(api, db, n: int = 2) -> tuple[dict, list[dict]]:
    """An approved consultant (free sessions) with n confirmed bookings by the same client."""
    c = await approved_consultant(api, db, price="0", rules=every_day())
    free = (await api.get(f"/api/v1/public/consultants/{c['slug']}/slots")).json()["items"]
    made = []
    for i in range(n):
        r = await book(api, c["slug"], booking(free[i]["slot_id"], email="priya@example.com"))
        assert r.status_code == 201, r.text
        made.append(r.json())
    conn = await db.connect("owner")
    try:
        c["email"] = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()
    return c, made


async def sign_in(page: Page, email: str) -> None:
    await page.goto("/auth/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(helpers.PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(re.compile(r"/dashboard$"))


async def test_a_consultant_finds_a_booking_cancels_it_and_sees_the_client(page, api, db):
    c, made = await consultant_with_bookings(api, db)
    target = made[1]
    sid = target["session_id"]
    await sign_in(page, c["email"])

    # The list: both bookings, each row a link to its session.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    await expect(page.get_by_role("heading", name="Sessions", exact=True)).to_be_visible()
    await expect(page.locator(f'a[href="/dashboard/sessions/{sid}"]')).to_be_visible()
    await expect(page.locator("#totals")).to_contain_text("2 sessions")
    await no_serious_violations(page, "dashboard-sessions")

    # The calendar of that month shows it at its local time; opening it leads to the session.
    start = datetime.fromisoformat(target["starts_at"]).astimezone(ZoneInfo("Asia/Kolkata"))
    await page.goto(f"/dashboard/sessions/calendar?month={start.strftime('%Y-%m')}")
    await expect(page.get_by_role("heading", name=start.strftime("%B %Y"))).to_be_visible()
    entry = page.locator(f'.cal-sessions a[href="/dashboard/sessions/{sid}"]')
    await expect(entry).to_contain_text(start.strftime("%I:%M %p IST"))
    await no_serious_violations(page, "dashboard-calendar")
    await entry.click()

    # The session, then its cancellation through the confirmation step.
    await expect(page.get_by_role("heading", name=re.compile("with Priya Shah"))).to_be_visible()
    await expect(page.locator("#session-when")).to_contain_text(start.strftime("%d %b %Y, %I:%M %p IST"))
    await no_serious_violations(page, "dashboard-session-detail")
    await page.get_by_role("link", name="Cancel session").click()
    await expect(page.get_by_role("heading", name="Cancel this session?")).to_be_visible()
    await expect(page.locator("#refund-due")).to_contain_text("Nothing has been paid")
    await page.get_by_label("Reason").fill("I am travelling that day")
    await shot(page, "dashboard-session-cancel")
    await page.get_by_role("button", name="Yes, cancel the session").click()
    await expect(page.get_by_role("status")).to_contain_text("Session cancelled")
    await expect(page.locator(".badges")).to_contain_text("Cancelled")
    await expect(page.get_by_role("link", name="Cancel session")).to_have_count(0)
    conn = await db.connect("owner")
    try:
        row = await conn.fetchrow("select status, cancellation_reason from app.sessions where id = $1", uuid.UUID(sid))
    finally:
        await conn.close()
    assert tuple(row) == ("cancelled", "I am travelling that day")

    # The client's profile: the one session still held, both in the history.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    await expect(page.get_by_role("heading", name="Clients", exact=True)).to_be_visible()
    await no_serious_violations(page, "dashboard-clients")
    await page.get_by_role("link", name="Priya Shah").click()
    await expect(page.get_by_role("heading", name="Priya Shah", exact=True)).to_be_visible()
    totals = page.locator("#client-totals")
    await expect(totals).to_contain_text("Sessions1")
    await expect(totals).to_contain_text("Total paid₹0.00")
    await expect(page.locator("table.sessions-table tbody tr")).to_have_count(2)
    await no_serious_violations(page, "dashboard-client-profile")


async def test_the_calendar_and_the_list_fit_a_phone(browser, site, api, db):
    c, made = await consultant_with_bookings(api, db, n=1)
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        await sign_in(phone, c["email"])
        start = datetime.fromisoformat(made[0]["starts_at"]).astimezone(ZoneInfo("Asia/Kolkata"))
        await phone.goto(f"/dashboard/sessions/calendar?month={start.strftime('%Y-%m')}")
        # On a phone the month is a list of the days that have something, each with its full date.
        day = phone.locator(".cal-day", has=phone.locator(f'a[href="/dashboard/sessions/{made[0]["session_id"]}"]'))
        await expect(day.locator(".d-full")).to_have_text(re.compile(start.strftime("%A, %d %B")))
        await expect(phone.locator(".cal-weekdays")).to_be_hidden()
        await shot(phone, "dashboard-calendar-phone")
        for path in ("/dashboard/sessions/calendar?month=" + start.strftime("%Y-%m"), "/dashboard/sessions",
                     f"/dashboard/sessions/{made[0]['session_id']}", "/dashboard/sessions/new", "/dashboard/clients"):
            await phone.goto(path)
            width = await phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
        await shot(phone, "dashboard-clients-phone")
    finally:
        await phone.context.close()

# Test: pytest tests/e2e/test_dashboard_sessions.py
