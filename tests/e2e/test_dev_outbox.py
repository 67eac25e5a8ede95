# tests/e2e/test_dev_outbox.py — the development outbox in Chromium: a visitor books, the outbox lists the confirmation's .ics, it downloads, the sandboxed preview frame renders the email and runs none of a hostile one's script; laptop and phone.
from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import icalendar
from playwright.async_api import Frame, Page, expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_booking_flow import choose_first_time, fill_details
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.test_booking import approved_consultant, every_day
from tests.jobs.test_outbox import run_worker

HOSTILE = ("<!doctype html><html lang='en'><head><title>Hostile</title></head><body><p id='said'>Hostile mail body</p>"
           "<script>document.getElementById('said').textContent = 'script ran';"
           "try { parent.document.title = 'framed page taken over'; } catch (e) {}</script></body></html>")


async def preview_frame(page: Page, message_id: uuid.UUID) -> Frame:
    """The message page's HTML part, read through Playwright's frame API once it has loaded."""
    await expect(page.locator("iframe.preview")).to_be_visible()
    handle = await page.locator("iframe.preview").element_handle()
    frame = await handle.content_frame() if handle else None
    assert frame is not None and frame.url.endswith(f"/dev/outbox/{message_id}/html"), frame and frame.url
    await frame.wait_for_load_state()
    return frame


async def no_sideways_scroll(page: Page, width: int) -> None:
    scroll = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways ({scroll}px at {width}px)"


async def test_the_outbox_lists_downloads_and_renders_a_bookings_confirmation(browser, site, api, db):
    c = await approved_consultant(api, db, rules=every_day(), price="0")
    page = await new_page(browser, site, viewport={"width": 1366, "height": 900}, accept_downloads=True)
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        # A visitor books a free session on the consultant's page; the worker sends its mail to the local outbox.
        await choose_first_time(page, c["slug"])
        await fill_details(page)
        await page.get_by_role("button", name="Confirm booking").click()
        await page.wait_for_url(re.compile(r"/booking/mt_"))
        await expect(page.locator("#booking-status")).to_have_text("Confirmed")
        await run_worker(db)
        conn = await db.connect("owner")
        try:
            session = await conn.fetchrow("select starts_at, ends_at from app.sessions where consultant_id = $1",
                                          uuid.UUID(c["id"]))
            ids = {r["email_type"]: r["id"] for r in await conn.fetch(
                "select l.email_type, o.id from app.email_outbox o join app.email_logs l on l.id = o.email_log_id")}
            # A hostile HTML part (as a broken override or a forged row could make one) in the consultant's notice.
            await conn.execute("update app.email_outbox set html_body = $1 where id = $2", HOSTILE, ids["session_booked"])
        finally:
            await conn.close()

        # The listing names the invitation beside the confirmation.
        await page.goto("/dev/outbox")
        row = page.get_by_role("row").filter(has_text="session_confirmation")
        await expect(row.get_by_role("link", name="invite.ics")).to_be_visible()
        await no_serious_violations(page, "outbox-1366")
        await no_sideways_scroll(page, 1366)

        # The message page lists the attachment with its type and size; the link downloads the calendar file.
        await row.get_by_role("link", name=re.compile("^Confirmed: ")).click()
        await page.wait_for_url(f"**/dev/outbox/{ids['session_confirmation']}")
        attachment = page.locator(".attachments li")
        await expect(attachment).to_contain_text("text/calendar")
        await expect(attachment).to_contain_text(re.compile(r"\d+ bytes"))
        async with page.expect_download() as info:
            await attachment.get_by_role("link", name="invite.ics").click()
        download = await info.value
        assert download.suggested_filename == "invite.ics"
        ics = await asyncio.to_thread(Path(await download.path()).read_bytes)
        assert ics.startswith(b"BEGIN:VCALENDAR")
        [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
        assert (event.decoded("dtstart"), event.decoded("dtend")) == (session["starts_at"], session["ends_at"])

        # The preview frame rendered the email itself (not a blocked-frame error page).
        frame = await preview_frame(page, ids["session_confirmation"])
        text = await frame.locator("body").inner_text()
        assert "is confirmed" in text and "Cancel or move this booking" in text, text
        box = await page.locator("iframe.preview").bounding_box()
        assert box and box["height"] >= 500, box  # tall enough to read a message without scrolling the frame
        await no_serious_violations(page, "outbox-message-1366")

        # A hostile HTML part renders as markup only: its script runs neither in the frame nor on its own.
        await page.goto(f"/dev/outbox/{ids['session_booked']}")
        hostile = await preview_frame(page, ids["session_booked"])
        await expect(hostile.locator("#said")).to_have_text("Hostile mail body")
        assert await page.title() != "framed page taken over"
        await page.goto(f"/dev/outbox/{ids['session_booked']}/html")
        await expect(page.locator("#said")).to_have_text("Hostile mail body")

        # On a phone: no sideways scrolling, the attachment link and the frame still there.
        for path, name in (("/dev/outbox", "outbox-390"), (f"/dev/outbox/{ids['session_confirmation']}",
                                                           "outbox-message-390")):
            await phone.goto(path)
            await expect(phone.get_by_role("link", name="invite.ics").first).to_be_visible()
            await no_sideways_scroll(phone, 390)
            await shot(phone, name)
        frame = await preview_frame(phone, ids["session_confirmation"])
        assert "is confirmed" in await frame.locator("body").inner_text()
    finally:
        await page.context.close()
        await phone.context.close()

# Test: pytest tests/e2e/test_dev_outbox.py
