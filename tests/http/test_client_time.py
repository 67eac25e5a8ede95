# tests/http/test_client_time.py — the public page's session lengths, and the client's own time first on the manage, cancel and reschedule pages (app/client_time.py).
from __future__ import annotations

from datetime import UTC, datetime

from app.client_time import two_zones
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots


def test_the_clients_time_comes_first_and_the_consultants_day_is_named_when_it_differs():
    at = datetime(2027, 1, 4, 20, 0, tzinfo=UTC)  # Tue 02:00 in Kolkata, Mon 15:00 in New York
    assert two_zones(at, "America/New_York", "Asia/Kolkata", "Asha") == (
        "Mon 4 Jan 2027, 3:00 PM your time (America/New_York) · Tue 5 Jan 2027, 1:30 AM for Asha (Asia/Kolkata)")
    assert two_zones(at.isoformat(), "Asia/Dubai", "Asia/Kolkata", "Asha") == (
        "Tue 5 Jan 2027, 12:00 AM your time (Asia/Dubai) · 1:30 AM for Asha (Asia/Kolkata)")
    # No zone from the client (a booking the consultant made), or not a known one: the consultant's, said once.
    for unknown in (None, "", "Mars/Olympus"):
        assert two_zones(at, unknown, "Asia/Kolkata", "Asha") == "Tue 5 Jan 2027, 1:30 AM (Asia/Kolkata, Asha's time too)"


async def test_the_public_page_gives_each_kind_of_session_its_lengths(client, db):
    c = await approved_consultant(client, db, rules=[*every_day(minutes=45), *every_day("webinar", "15:00", "17:00", 90, 20)])
    profile = (await client.get(f"/api/v1/public/consultants/{c['slug']}")).json()
    assert profile["personal_session_minutes"] == [45]
    assert profile["webinar_session_minutes"] == [90]
    page = await client.get(f"/{c['slug']}")
    assert page.status_code == 200
    assert "45 min" in page.text and "90 min" in page.text and "₹1,499.50" in page.text
    assert page.text.index('id="booking"') < page.text.index('class="card about"'), "the booking box before the bio"
    assert '<option value="Asia/Kathmandu">' in page.text and page.text.count("<option value=") >= 500
    bare = await approved_consultant(client, db, rules=[])
    assert (await client.get(f"/api/v1/public/consultants/{bare['slug']}")).json()["personal_session_minutes"] == []


async def test_manage_cancel_and_reschedule_pages_show_the_clients_time_first(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    free = await slots(client, c["slug"])
    made = (await book(client, c["slug"], booking(free[0]["slot_id"], timezone="America/New_York"))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    answer = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert answer["client_timezone"] == "America/New_York" and answer["refunds"] == []
    name = (await client.get(f"/api/v1/public/consultants/{c['slug']}")).json()["first_name"]
    expected = two_zones(free[0]["starts_at"], "America/New_York", "Asia/Kolkata", name)
    for path in ("", "/cancel", "/reschedule"):
        page = await client.get(f"/booking/{token}{path}")
        assert page.status_code == 200, path
        assert expected.replace("'", "&#39;") in page.text, path
    reschedule = (await client.get(f"/booking/{token}/reschedule")).text
    assert "your zone (America/New_York)" in reschedule and f"for {name}</span>" in reschedule

# Test: pytest tests/http/test_client_time.py
