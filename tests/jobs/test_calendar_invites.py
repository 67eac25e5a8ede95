# tests/jobs/test_calendar_invites.py — .ics invitations are RFC 5545 iTIP REQUEST/CANCEL a calendar can act on, and every session event sends the right one.
"""The unit half checks the bytes (RFC 5545: CRLF, 75-octet folding, escaping, UTC DTSTAMP/DTSTART, iTIP's
ORGANIZER/ATTENDEE) and parses them back with `icalendar`; the other half drives bookings, cancellations and
moves through the app and a real worker, and reads what the local outbox received."""
from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from app.calendar_invite import calendar_links, invite_attachment, session_invite
from app.email_samples import SESSION
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import owner, run_jobs

TRICKY = {**SESSION, "title": "Plan, review; and \\ think — a long title that must be folded over lines " * 2,
          "meeting_password": "p;w,d"}


def lines_of(raw: bytes) -> list[bytes]:
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF, no bare LF"
    return raw.split(b"\r\n")[:-1]


def event_of(raw: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(raw)
    [event] = list(cal.walk("VEVENT"))
    return cal, event


def test_an_invitation_is_an_rfc_5545_request_with_organizer_and_the_recipient_as_attendee():
    raw = session_invite(TRICKY, attendee_email="priya@example.com", attendee_name="Priya Shah")
    lines = lines_of(raw)
    assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
    assert any(line.startswith(b" ") for line in lines)  # this long title was folded
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert "SUMMARY:Plan\\, review\\; and \\\\ think" in unfolded  # TEXT escaping (RFC 5545 3.3.11)
    assert re.search(r"^DTSTAMP:\d{8}T\d{6}Z\r$", unfolded, re.M) and re.search(r"^DTSTART:\d{8}T\d{6}Z\r$", unfolded, re.M)
    cal, event = event_of(raw)
    assert (str(cal["method"]), str(cal["version"])) == ("REQUEST", "2.0") and cal["prodid"]
    assert str(event["summary"]).startswith("Plan, review; and \\ think")
    assert event.decoded("dtstart") == datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 12, 1, 5, 30, tzinfo=UTC)
    assert event.decoded("dtstamp").tzinfo is not None and int(event["sequence"]) == 0
    assert str(event["organizer"]) == "mailto:no-reply@nakksha.in" and event["organizer"].params["CN"] == "Asha Verma"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:priya@example.com"
    assert (attendee.params["RSVP"], attendee.params["CN"]) == ("FALSE", "Priya Shah")
    assert str(event["status"]) == "CONFIRMED" and str(event["location"]) == SESSION["meeting_link"]
    description = str(event["description"])
    assert SESSION["meeting_link"] in description and "p;w,d" in description
    assert "mt_sample" not in raw.decode() and "/booking/" not in raw.decode()  # the manage link is a bearer secret


def test_a_cancellation_has_the_same_uid_a_higher_sequence_and_the_cancel_method():
    moved = {**SESSION, "reschedule_count": 2}
    _, request = event_of(session_invite(moved, attendee_email="priya@example.com"))
    cal, cancel = event_of(session_invite(moved, method="CANCEL", attendee_email="priya@example.com"))
    assert str(cal["method"]) == "CANCEL" and str(cancel["status"]) == "CANCELLED"
    assert str(cancel["uid"]) == str(request["uid"]) == f"session-{SESSION['session_id']}@nakksha.in"
    assert int(cancel["sequence"]) == int(request["sequence"]) + 1 == 3
    assert "CN" not in cancel["attendee"].params  # no name known: none invented
    attachment = invite_attachment(moved, method="CANCEL", attendee_email="priya@example.com")
    assert attachment["content_type"] == "text/calendar; charset=utf-8; method=CANCEL"
    assert attachment["filename"] == "cancel.ics"
    with pytest.raises(ValueError):
        session_invite(moved, method="PUBLISH", attendee_email="priya@example.com")


def test_add_to_calendar_links_carry_utc_times_title_location_and_no_secret():
    links = calendar_links(SESSION)
    google = parse_qs(urlsplit(links["google"]).query)
    assert urlsplit(links["google"]).netloc == "calendar.google.com"
    assert google["dates"] == ["20261201T043000Z/20261201T053000Z"]  # 10:00 IST is 04:30 UTC
    assert google["text"] == ["One-to-one career consultation with Asha Verma"]
    assert google["location"] == [SESSION["meeting_link"]]
    for key in ("outlook", "office365"):
        outlook = parse_qs(urlsplit(links[key]).query)
        assert (outlook["startdt"], outlook["enddt"]) == (["2026-12-01T04:30:00Z"], ["2026-12-01T05:30:00Z"])
        assert outlook["location"] == [SESSION["meeting_link"]]
    for url in links.values():
        assert "mt_sample" not in url and "Xy3abc" not in url  # neither the manage link nor the passcode


FUNCTIONS = Path(__file__).resolve().parents[2] / "db" / "functions"
CANCELS = re.compile(r"update\s+app\.sessions\s+set\s+status\s*=\s*'cancelled'", re.I)


def test_every_sql_function_that_cancels_a_session_mails_the_client_its_cancellation():
    """A guard for paths added later (an admin's cancel-and-refund, say): a function that cancels a session queues the
    client's cancellation mail (which carries the calendar's CANCEL) in the same body."""
    cancelling = {}
    for path in FUNCTIONS.rglob("*.sql"):
        if path.name == "seed.sql":  # demo history, written as it happened: nobody to mail
            continue
        for body in re.split(r"(?=create or replace function )", path.read_text()):
            if CANCELS.search(body):
                name = re.match(r"create or replace function ([\w.]+)", body)
                cancelling[name.group(1) if name else path.name] = body
    assert len(cancelling) >= 3  # the client's, the refund's, the account closing's
    silent = [name for name, body in cancelling.items()
              if not re.search(r"queue_session_emails\([^)]*'cancelled_(for|by)_client'", body)]
    assert silent == []


# --- the events, end to end through a worker ---------------------------------------------------------

async def outbox(db, session_id: str) -> dict[str, dict]:
    """What the local outbox received for a session, by email type: recipient and the parsed invitation."""
    conn = await owner(db)
    try:
        rows = await conn.fetch("select l.email_type, o.to_email, o.attachments, o.text_body, o.html_body "
                                "from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
                                "where l.session_id = $1 order by o.created_at", uuid.UUID(session_id))
    finally:
        await conn.close()
    found = {}
    for r in rows:
        # (A paid confirmation carries the GST document's PDF as well: tests/jobs/test_document_mail.py.)
        invites = [icalendar.Calendar.from_ical(base64.b64decode(a["content"])) for a in r["attachments"]
                   if a["content_type"].startswith("text/calendar")]
        found.setdefault(r["email_type"], []).append({"to": r["to_email"], "invites": invites, "text": r["text_body"],
                                                       "html": r["html_body"]})
    return found


def only_event(mail: dict) -> tuple[str, icalendar.Event]:
    [cal] = mail["invites"]
    [event] = list(cal.walk("VEVENT"))
    return str(cal["method"]), event


async def future_slots(client, slug, hours=4):
    return [s for s in await slots(client, slug)
            if datetime.fromisoformat(s["starts_at"]) > datetime.now(UTC) + timedelta(hours=hours)]


async def consultant_email(db, consultant_id: str) -> str:
    conn = await owner(db)
    try:
        return await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(consultant_id))
    finally:
        await conn.close()


async def test_a_booking_invites_client_and_consultant_and_the_clients_cancel_withdraws_it(client, db):
    c = await approved_consultant(client, db, rules=every_day(), price="0")
    free = await future_slots(client, c["slug"])
    b = (await book(client, c["slug"], booking(free[0]["slot_id"], email="priya@example.com",
                                               timezone="Europe/London"))).json()
    await run_jobs(db, queues=("emails",))
    mails = await outbox(db, b["session_id"])
    method, invite = only_event(mails["session_confirmation"][0])
    assert method == "REQUEST" and str(invite["attendee"]) == "mailto:priya@example.com"
    assert b["manage_url"] not in str(invite["description"]) and b["manage_url"] in mails["session_confirmation"][0]["text"]
    assert "calendar.google.com" in mails["session_confirmation"][0]["html"]
    me = await consultant_email(db, c["id"])
    booked_method, booked = only_event(mails["session_booked"][0])
    assert booked_method == "REQUEST" and str(booked["attendee"]) == f"mailto:{me}"
    assert str(booked["uid"]) == str(invite["uid"])
    # Times: the client reads London first and India second; the consultant the other way round.
    client_text, consultant_text = mails["session_confirmation"][0]["text"], mails["session_booked"][0]["text"]
    assert re.search(r"When: .* (GMT|BST) .*\n\s+.* IST for ", client_text)
    assert re.search(r"When: .* IST .*\n\s+.* (GMT|BST) for Priya Shah", consultant_text)

    token = b["manage_url"].rsplit("/", 1)[1]
    r = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={"reason": "Clash"})
    assert r.status_code == 200, r.text
    await run_jobs(db, queues=("emails",))
    mails = await outbox(db, b["session_id"])
    [to_client] = mails["session_cancelled_client"]
    assert to_client["to"] == "priya@example.com" and "You cancelled" in to_client["text"]
    method, cancel = only_event(to_client)
    assert method == "CANCEL" and str(cancel["uid"]) == str(invite["uid"])
    assert int(cancel["sequence"]) > int(invite["sequence"])
    consultant_method, _ = only_event(mails["session_cancelled_consultant"][0])
    assert consultant_method == "CANCEL"


async def test_a_consultant_cancellation_sends_the_client_a_cancel(client, db):
    c = await approved_consultant(client, db, rules=every_day(), price="0")
    b = (await book(client, c["slug"], booking((await future_slots(client, c["slug"]))[0]["slot_id"]))).json()
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"], json={"reason": "Ill"})
    assert r.status_code == 200, r.text
    await run_jobs(db, queues=("emails",))
    [mail] = (await outbox(db, b["session_id"]))["session_cancelled_client"]
    method, cancel = only_event(mail)
    assert (method, int(cancel["sequence"]), str(cancel["status"])) == ("CANCEL", 1, "CANCELLED")
    assert "is cancelled" in mail["text"] and "You cancelled" not in mail["text"]


async def test_a_client_move_tells_the_consultant_unless_they_turned_it_off(client, db):
    c = await approved_consultant(client, db, rules=every_day(), price="0")
    a, b_slot, d = (await future_slots(client, c["slug"]))[:3]
    made = (await book(client, c["slug"], booking(a["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    moved = await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": b_slot["slot_id"]})
    assert moved.status_code == 200, moved.text
    await run_jobs(db, queues=("emails",))
    mails = await outbox(db, made["session_id"])
    [notice] = mails["session_rescheduled_consultant"]
    assert notice["to"] == await consultant_email(db, c["id"])
    method, event = only_event(notice)
    assert (method, int(event["sequence"])) == ("REQUEST", 1)
    assert event.decoded("dtstart") == datetime.fromisoformat(b_slot["starts_at"])
    client_method, client_event = only_event(mails["session_rescheduled"][0])
    assert (client_method, int(client_event["sequence"])) == ("REQUEST", 1)

    account = (await client.get("/api/v1/consultants/me", headers=c["headers"])).json()
    assert account["consultant"]["notification_preferences"]["session_rescheduled"] is True  # on by default
    r = await client.patch("/api/v1/consultants/me", headers=c["headers"],
                           json={"notification_preferences": {"session_rescheduled": False}})
    assert r.status_code == 200, r.text
    again = await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": d["slot_id"]})
    assert again.status_code == 200, again.text
    await run_jobs(db, queues=("emails",))
    mails = await outbox(db, made["session_id"])
    assert len(mails["session_rescheduled_consultant"]) == 1 and len(mails["session_rescheduled"]) == 2


async def test_an_offline_booking_sends_the_client_a_confirmation_with_its_invite(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    free = await future_slots(client, c["slug"])
    r = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client": {"name": "Walk In", "email": "walkin@example.com", "phone": "+91 90000 00001"},
        "slot_id": free[0]["slot_id"], "payment_status": "pending"})
    assert r.status_code == 201, r.text
    await run_jobs(db, queues=("emails",))
    mails = await outbox(db, r.json()["id"])
    assert set(mails) == {"session_confirmation"}  # the consultant booked it: no notice to themselves
    [mail] = mails["session_confirmation"]
    method, event = only_event(mail)
    assert mail["to"] == "walkin@example.com" and method == "REQUEST"
    assert str(event["attendee"]) == "mailto:walkin@example.com"
    assert "To pay: ₹1,499.50" in mail["text"] and "Paid:" not in mail["text"]  # owed, not paid

# Test: pytest tests/jobs/test_calendar_invites.py
