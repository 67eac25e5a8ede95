# tests/e2e/test_settings_pages.py — the settings pages in Chromium: a consultant adds weekly hours and clients see the times on the public page; axe-core on the main settings pages; the availability page at phone size; the client reminders page on Free (read-only, upgrade link) and on Basic (saved), at 1366 and 390 px.
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Page, expect

from tests.db import factories
from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant


async def sign_in(page: Page, email: str, to: str) -> None:
    await page.goto(f"/auth/login?next={to}")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(re.compile(re.escape(to) + "$"))


async def email_of(api, consultant: dict) -> str:
    return (await api.get("/api/v1/auth/me", headers=consultant["headers"])).json()["consultant"]["email"]


async def test_a_consultant_sets_weekly_hours_and_clients_see_the_times_on_the_page(page, api, db):
    c = await approved_consultant(api, db)  # approved as the database owner; no availability yet
    await sign_in(page, await email_of(api, c), "/dashboard/settings")
    await expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    await expect(page.get_by_text("2 of 6 done.")).to_be_visible()  # only the price and the Zoom link so far
    await no_serious_violations(page, "settings-overview")

    # Nothing to book yet.
    await page.goto(f"/{c['slug']}")
    await expect(page.get_by_text("No free times in the coming weeks")).to_be_visible()

    await page.goto("/dashboard/settings")
    await page.get_by_role("navigation", name="Settings").get_by_role("link", name="Availability").click()
    await expect(page.get_by_role("heading", name="Availability", exact=True)).to_be_visible()
    await expect(page.get_by_text("Asia/Kolkata (IST, UTC+05:30)")).to_be_visible()
    day = (datetime.now(ZoneInfo("Asia/Kolkata")) + timedelta(days=1)).strftime("%A")  # tomorrow, in their zone
    form = page.locator("form", has=page.get_by_role("button", name="Add weekly hours"))
    await form.get_by_label(day, exact=True).check()
    await form.get_by_label("Start time").fill("10:00")
    await form.get_by_label("End time").fill("13:00")
    await form.get_by_label("Slot length, in minutes").fill("30")
    await form.get_by_role("button", name="Add weekly hours").click()
    await expect(page.get_by_role("status")).to_contain_text("Weekly hours added for 1 day(s)")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=day))
    await expect(row).to_contain_text("10:00 AM – 1:00 PM")
    await expect(row).to_contain_text("30 minutes")
    await no_serious_violations(page, "settings-availability")

    # The client's view: tomorrow's times, from 10:00 in the consultant's (and here the visitor's) zone.
    await page.goto(f"/{c['slug']}")
    first = page.locator("#times button").first
    await expect(first).to_be_visible()
    await expect(first).to_have_text(re.compile(r"^10:00\s?am$", re.I))
    await expect(page.locator("#times button")).to_have_count(6)
    await shot(page, "settings-public-page-with-new-hours")

    # Deleting the rule asks first, then says what happened; the times are gone.
    await page.goto("/dashboard/settings/availability")
    await row.get_by_role("link", name=re.compile("^Delete")).click()
    await expect(page.get_by_role("heading", name="Delete these weekly hours?")).to_be_visible()
    await shot(page, "settings-confirm-delete-rule")
    await page.get_by_role("button", name="Yes, delete these hours").click()
    await expect(page.get_by_role("status")).to_contain_text("The weekly rule is deleted")
    await page.goto(f"/{c['slug']}")
    await expect(page.get_by_text("No free times in the coming weeks")).to_be_visible()

    for path, name in (("/dashboard/settings/profile", "settings-profile"),
                       ("/dashboard/settings/account", "settings-account")):
        await page.goto(path)
        await no_serious_violations(page, name)


async def test_settings_work_at_phone_size_without_sideways_scrolling(browser, site, api, db):
    c = await approved_consultant(api, db)
    phone = await new_page(browser, site, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    try:
        await sign_in(phone, await email_of(api, c), "/dashboard/settings/availability")
        for path, name in (("/dashboard/settings/availability", "settings-availability-phone"),
                           ("/dashboard/settings/profile", "settings-profile-phone"),
                           ("/dashboard/settings/policy", "settings-policy-phone")):
            await phone.goto(path)
            width = await phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, (path, width)
            await shot(phone, name)
        # A plain form: Enter in a field submits it, no script needed.
        await phone.get_by_label("Buffer between sessions, in minutes").fill("10")
        await phone.keyboard.press("Enter")
        await expect(phone.get_by_role("status")).to_contain_text("policy is saved")
    finally:
        await phone.context.close()


async def test_client_reminders_read_only_on_free_and_saved_on_basic_at_desktop_and_phone(browser, site, api, db):
    c = await approved_consultant(api, db)
    email = await email_of(api, c)
    for width, height, suffix in ((1366, 900, ""), (390, 844, "-phone")):
        page = await new_page(browser, site, viewport={"width": width, "height": height},
                              **({"is_mobile": True, "has_touch": True} if suffix else {}))
        try:
            await sign_in(page, email, "/dashboard/settings/reminders")
            await expect(page.get_by_role("heading", name="Client reminders", exact=True)).to_be_visible()
            if not suffix:  # on Free: the platform's reminder, the form read-only, the plan that includes it named
                await expect(page.locator("#in-force")).to_contain_text("1 day before the session starts")
                await expect(page.locator("#upgrade")).to_contain_text("Basic does")
                await expect(page.get_by_label("Reminder 1", exact=True)).to_be_disabled()
                await no_serious_violations(page, "settings-reminders-free")
                await shot(page, "settings-reminders-free")
                owner = await db.connect("owner")
                try:
                    await factories.set_plan(owner, uuid.UUID(c["id"]), "basic")
                finally:
                    await owner.close()
                await page.reload()
                await page.get_by_label("Reminder 1", exact=True).fill("2")
                await page.get_by_label("Reminder 1: unit").select_option("days")
                await page.get_by_label("Reminder 2", exact=True).fill("30")
                await page.get_by_label("Reminder 2: unit").select_option("minutes")
                await page.get_by_role("button", name="Save schedule").click()
                await expect(page.get_by_role("status")).to_contain_text("Reminder schedule saved")
                await expect(page.locator("#in-force")).to_contain_text("2 days before the session starts")
                await no_serious_violations(page, "settings-reminders-basic")
            scroll = await page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, scroll
            await shot(page, "settings-reminders-basic" + suffix)
        finally:
            await page.context.close()

# Test: pytest tests/e2e/test_settings_pages.py
