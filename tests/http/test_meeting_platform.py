# tests/http/test_meeting_platform.py — the session page names the meeting service actually used, read from the stored link (else the stored platform); the Calendar is in the dashboard menu.
from __future__ import annotations

import uuid

import pytest

from app.web import meeting_platform
from tests.http.test_dashboard_sessions_pages import consultant_on_pages, fetch
from tests.http.test_pages import HTML


@pytest.mark.parametrize(("link", "platform", "shown"), [
    ("https://us02web.zoom.us/j/8123?pwd=x", "teams", "Zoom"),     # the link wins over the field
    ("https://meet.google.com/abc-defg-hij", None, "Google Meet"),
    ("https://teams.microsoft.com/l/meetup-join/19%3a", "zoom", "Microsoft Teams"),
    ("https://teams.live.com/meet/9312", None, "Microsoft Teams"),
    ("https://whereby.com/asha", "zoom", "Custom link (whereby.com)"),
    ("https://notzoom.us/j/1", None, "Custom link (notzoom.us)"),     # a look-alike is not Zoom
    ("https://[not-an-address/x", "zoom", "Custom link"),
    (None, "meet", "Google Meet"),
    (None, None, None),
])
def test_the_platform_is_read_from_the_link(link, platform, shown):
    assert meeting_platform(link, platform) == shown


async def test_the_session_page_shows_the_platform_and_the_menu_the_calendar(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=1)
    sid = made[0]["session_id"]
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.sessions set meeting_link = 'https://meet.google.com/abc-defg-hij', "
                           "meeting_platform = 'zoom' where id = $1", uuid.UUID(sid))
    finally:
        await conn.close()
    page = await client.get(f"/dashboard/sessions/{sid}", headers=HTML)
    assert page.status_code == 200 and 'id="meeting-platform">On Google Meet' in page.text
    assert '<a href="/dashboard/sessions/calendar" >Calendar</a>' in page.text
    calendar = await client.get("/dashboard/sessions/calendar", headers=HTML)
    assert 'href="/dashboard/sessions/calendar" aria-current="page">Calendar</a>' in calendar.text
    assert (await fetch(db, "select meeting_platform from app.sessions where id = $1", uuid.UUID(sid)))[0] == "zoom"

# Test: pytest tests/http/test_meeting_platform.py
