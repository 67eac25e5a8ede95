# tests/http/test_session_start_and_platform.py — a consultant's session starts from now to 2 years ahead (API 422 with its code, the dashboard's forms say it beside the date), and the session page's form preselects the platform the session meets on.
from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.http.test_booking import approved_consultant, every_day
from tests.http.test_dashboard_sessions_pages import HTML, consultant_on_pages, fetch, post
from tests.http.test_form_errors import shown_errors
from tests.http.test_pages import csrf_of

WHEN = [("2020-01-01T10:00:00Z", "session_in_past"), ("2200-12-20T10:00:00Z", "session_too_far_ahead")]


async def counts(db) -> tuple[int, int]:
    row = await fetch(db, "select (select count(*) from app.sessions), (select count(*) from app.email_logs)")
    return row[0], row[1]


@pytest.mark.parametrize("starts_at, code", WHEN)
async def test_the_api_refuses_a_session_in_the_past_or_centuries_ahead_and_mails_nobody(client, db, starts_at, code):
    c = await approved_consultant(client, db, rules=every_day())
    h = c["headers"]
    end = (datetime.fromisoformat(starts_at) + timedelta(hours=1)).isoformat()
    before = await counts(db)
    r = await client.post("/api/v1/sessions", headers=h, json={
        "client": {"name": "Ravi", "email": "ravi@example.com"}, "session_type": "personal",
        "starts_at": starts_at, "ends_at": end, "amount": "0"})
    assert r.status_code == 422, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (code, "starts_at")
    assert await counts(db) == before
    # A session that is fine, then moved to such a time: refused the same way, left where it was.
    start = datetime.now(UTC) + timedelta(days=3)
    made = await client.post("/api/v1/sessions", headers=h, json={
        "client": {"name": "Ravi", "email": "ravi@example.com"}, "session_type": "personal",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "amount": "0"})
    assert made.status_code == 201, made.text
    moved = await client.post(f"/api/v1/sessions/{made.json()['id']}/reschedule", headers=h,
                              json={"starts_at": starts_at, "ends_at": end})
    assert moved.status_code == 422 and moved.json()["error"]["code"] == code
    row = await fetch(db, "select starts_at, reschedule_count from app.sessions where id = $1",
                      uuid.UUID(made.json()["id"]))
    assert (row["starts_at"], row["reschedule_count"]) == (start, 0)


@pytest.mark.parametrize("day, says", [("2020-01-01", "cannot start in the past"), ("2200-12-20", "within the next 2 years")])
async def test_the_dashboard_forms_say_beside_the_date_why_a_date_is_refused(client, db, day, says):
    c, made, _ = await consultant_on_pages(client, db, n=1)
    before = await counts(db)
    r = await post(client, "/dashboard/sessions/new", {
        "client_mode": "new", "client_name": "Ravi", "client_email": "ravi@example.com", "when": "adhoc",
        "session_type": "personal", "start_date": day, "start_time": "10:00", "duration": "45", "amount": "0",
        "payment_status": "pending"})
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert list(beside) == ["start_date"] and says in beside["start_date"] and items == [beside["start_date"]]
    assert f'value="{day}"' in r.text and 'value="ravi@example.com"' in r.text
    assert await counts(db) == before
    sid = made[0]["session_id"]
    page = await client.get(f"/dashboard/sessions/{sid}/reschedule", headers=HTML)
    moved = await client.post(f"/dashboard/sessions/{sid}/reschedule", headers=HTML, data={
        "csrf_token": csrf_of(page.text), "when": "adhoc", "start_date": day, "start_time": "10:00", "duration": "45",
        "confirm": "yes"})
    assert moved.status_code == 422
    assert says in shown_errors(moved.text)[1]["start_date"]
    assert (await fetch(db, "select reschedule_count from app.sessions where id = $1", uuid.UUID(sid)))[0] == 0


def selected_platform(page: str) -> str | None:
    select = re.search(r'<select id="meeting_platform".*?</select>', page, re.S).group(0)
    found = re.findall(r'<option value="([^"]*)" selected>', select)
    assert len(found) <= 1
    return found[0] if found else None


async def test_the_session_form_preselects_the_platform_the_session_meets_on_and_saving_keeps_it(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=1)
    sid = uuid.UUID(made[0]["session_id"])
    # A link on Zoom with no platform stored (as a booking made before the consultant chose one).
    owner = await db.connect("owner")
    try:
        await owner.execute("update app.sessions set meeting_platform = null, meeting_link = "
                            "'https://us02web.zoom.us/j/123456789' where id = $1", sid)
    finally:
        await owner.close()
    page = await client.get(f"/dashboard/sessions/{sid}", headers=HTML)
    assert "On Zoom" in html.unescape(page.text) and selected_platform(page.text) == "zoom"
    saved = await post(client, f"/dashboard/sessions/{sid}/edit", {
        "notes": "", "consultant_notes": "", "meeting_platform": selected_platform(page.text),
        "meeting_link": "https://us02web.zoom.us/j/123456789", "meeting_id": "", "meeting_password": ""},
        page=f"/dashboard/sessions/{sid}")
    assert saved.status_code == 303
    row = await fetch(db, "select meeting_platform, meeting_link from app.sessions where id = $1", sid)
    assert tuple(row) == ("zoom", "https://us02web.zoom.us/j/123456789")
    # A stored platform is what the form shows, whatever host the link has; a custom link with none shows none.
    owner = await db.connect("owner")
    try:
        await owner.execute("update app.sessions set meeting_platform = 'teams' where id = $1", sid)
        assert selected_platform((await client.get(f"/dashboard/sessions/{sid}", headers=HTML)).text) == "teams"
        await owner.execute("update app.sessions set meeting_platform = null, meeting_link = "
                            "'https://example.com/room' where id = $1", sid)
        assert selected_platform((await client.get(f"/dashboard/sessions/{sid}", headers=HTML)).text) is None
    finally:
        await owner.close()

# Test: pytest tests/http/test_session_start_and_platform.py
