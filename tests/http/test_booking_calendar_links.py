# tests/http/test_booking_calendar_links.py — a confirmed booking's page offers "add to calendar" links with its UTC times and no secret; a pending one does not.
from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_pages import HTML


def calendar_hrefs(page: str) -> dict[str, str]:
    block = page.split('id="add-to-calendar"', 1)[1].split("</div>", 1)[0]
    return {text: html.unescape(href) for href, text in re.findall(r'<a class="btn secondary" href="([^"]+)"[^>]*>([^<]+)</a>', block)}


async def test_a_confirmed_booking_page_links_to_google_and_outlook_calendars(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    slot = (await slots(client, c["slug"]))[0]
    made = (await book(client, c["slug"], booking(slot["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    page = await client.get(f"/booking/{token}?done=booked", headers=HTML)
    assert page.status_code == 200 and "Your booking is confirmed." in page.text
    links = calendar_hrefs(page.text)
    assert set(links) == {"Google Calendar", "Outlook", "Microsoft 365"}
    start = datetime.fromisoformat(slot["starts_at"]).astimezone(UTC)
    end = datetime.fromisoformat(slot["ends_at"]).astimezone(UTC)
    google = parse_qs(urlsplit(links["Google Calendar"]).query)
    assert google["dates"] == [f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"]
    assert google["text"][0].startswith("One-to-one") and " with " in google["text"][0]
    assert google["location"] == ["https://zoom.us/j/123"]
    outlook = parse_qs(urlsplit(links["Outlook"]).query)
    assert outlook["startdt"] == [f"{start:%Y-%m-%dT%H:%M:%SZ}"] and outlook["location"] == ["https://zoom.us/j/123"]
    for url in links.values():
        assert token not in url and "/booking/" not in url  # the manage link never leaves in a link
    assert page.text.count('rel="noopener noreferrer"') >= 3


async def test_a_booking_waiting_for_payment_offers_no_calendar_links(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    made = (await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"]))).json()
    page = await client.get("/booking/" + made["manage_url"].rsplit("/", 1)[1], headers=HTML)
    assert page.status_code == 200 and "Pay ₹1,499.50" in page.text and "add-to-calendar" not in page.text

# Test: pytest tests/http/test_booking_calendar_links.py
