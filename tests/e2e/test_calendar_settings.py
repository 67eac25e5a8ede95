# tests/e2e/test_calendar_settings.py — Connect Google / Microsoft from the settings page in Chromium, through the fake consent screen, and disconnect.
from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.async_api import expect

from tests.e2e.conftest import free_port, new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_settings_pages import email_of, sign_in
from tests.http.conftest import make_app
from tests.http.test_booking import approved_consultant


@pytest.fixture
def site(db, cal, monkeypatch) -> Iterator[str]:
    """The app on loopback with both calendar providers pointed at the fake."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    for k, v in cal.env().items():
        monkeypatch.setenv(k, v)
    settings = {k.lower(): v for k, v in cal.env().items() if k != "CALENDAR_TIMEOUT"}
    server = uvicorn.Server(uvicorn.Config(make_app(db, public_base_url=base, **settings), host="127.0.0.1",
                                          port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield base
    server.should_exit = True
    thread.join(timeout=10)


async def test_a_consultant_connects_and_disconnects_calendars(browser, site, api, db, cal):
    c = await approved_consultant(api, db)
    page = await new_page(browser, site)
    try:
        await sign_in(page, await email_of(api, c), "/dashboard/settings/meetings")
        section = page.get_by_role("region", name="Connected calendars")
        await expect(section.get_by_text("Not connected")).to_have_count(2)
        await no_serious_violations(page, "settings-calendars")

        # Google: the consent screen answers yes; back on the page, connected as the account.
        await section.get_by_role("button", name="Connect Google").click()
        await expect(page.get_by_role("status")).to_contain_text("Calendar connected")
        await expect(section.get_by_text("As asha@gmail.example")).to_be_visible()
        await expect(section.get_by_role("button", name="Disconnect Google")).to_be_visible()

        # Microsoft: the consultant says no at the consent screen; nothing is connected and the page says why.
        cal.deny = True
        await section.get_by_role("button", name="Connect Microsoft").click()
        await expect(section.get_by_role("alert")).to_contain_text("access was not granted")
        await expect(section.get_by_role("button", name="Connect Microsoft")).to_be_visible()
        await shot(page, "settings-calendars")

        await section.get_by_role("button", name="Disconnect Google").click()
        await expect(page.get_by_role("status")).to_contain_text("Calendar disconnected")
        await expect(section.get_by_role("button", name="Connect Google")).to_be_visible()
    finally:
        await page.context.close()

# Test: pytest tests/e2e/test_calendar_settings.py
