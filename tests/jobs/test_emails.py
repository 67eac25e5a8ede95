# tests/jobs/test_emails.py — every email type renders with the fields its reader needs; confirmations carry a valid .ics sent by a real worker.
from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import icalendar
import jinja2
import pytest

from app.email_samples import SAMPLES, sample
from app.emails import email_types, render
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import owner, run_jobs

ISSUE_TYPES = {"session_confirmation", "session_reminder", "session_cancelled_client", "session_rescheduled",
               "refund_processed", "quotation_received", "session_booked", "session_cancelled_consultant",
               "quotation_viewed", "quotation_responded", "account_approved", "account_rejected", "account_suspended",
               "account_reactivated", "verify_email", "password_reset", "session_rescheduled_consultant",
               "quotation_paid", "plan_payment_failed", "plan_grace_ending", "plan_fell_back"}

# What each message must tell its reader, in both parts.
MUST_SAY = {
    "session_confirmation": ["Asha Verma", "Tue, 01 Dec 2026, 10:00 AM IST", "₹1,499.50", "https://zoom.us/j/1234567890",
                             "https://nakksha.in/booking/mt_sample", "04:30 AM GMT for Asha Verma",
                             "https://calendar.google.com/calendar/render?action=TEMPLATE"],
    "session_booked": ["Priya Shah", "priya@example.com", "10:00 AM IST", "₹1,499.50"],
    "session_reminder": ["Asha Verma", "10:00 AM IST", "https://zoom.us/j/1234567890", "mt_sample"],
    "session_rescheduled": ["Tue, 01 Dec 2026, 10:00 AM IST", "Mon, 30 Nov 2026, 10:00 AM IST", "mt_sample"],
    "session_rescheduled_consultant": ["Priya Shah", "priya@example.com", "Tue, 01 Dec 2026, 10:00 AM IST",
                                       "Mon, 30 Nov 2026, 10:00 AM IST", "04:30 AM GMT for Priya Shah"],
    "session_cancelled_client": ["cancelled", "The consultant is unwell", "₹1,499.50"],
    "session_cancelled_consultant": ["Priya Shah", "A clash at work", "₹749.75"],
    "refund_processed": ["₹749.75", "Cancelled by the client"],
    "quotation_received": ["Career plan, three months", "₹13,500.00", "₹15,000.00", "10.00%", "https://nakksha.in/q/qt_sample",
                           "Thu, 31 Dec 2026, 11:59 PM IST"],
    "quotation_viewed": ["Priya Shah", "Career plan, three months", "11:30 AM IST"],
    "quotation_responded": ["accepted", "Looks good, let us start.", "₹13,500.00"],
    "quotation_paid": ["Career plan, three months", "Asha Verma", "₹13,500.00", "Thu, 26 Nov 2026, 02:45 PM IST",
                       "tax invoice", "INV/26-27/000123", "attached", "https://nakksha.in/q/qt_sample"],
    "account_approved": ["Asha", "/asha-verma"],
    "account_reactivated": ["Asha"],
    "account_rejected": ["We could not verify your credentials."],
    "account_suspended": ["Several clients reported missed sessions."],
    "plan_payment_failed": ["Pro", "Wed, 09 Dec 2026, 12:00 AM IST", "https://rzp.io/i/sample", "Free plan"],
    "plan_grace_ending": ["Pro", "Wed, 09 Dec 2026, 12:00 AM IST", "https://rzp.io/i/sample", "Free plan's limits",
                          "Nothing you made is deleted", "subscribe again"],
    "plan_fell_back": ["Pro", "Wed, 09 Dec 2026, 12:00 AM IST", "Free plan's limits", "Nothing you made is deleted",
                       "can be read", "https://rzp.io/i/sample", "To upgrade again"],
    "verify_email": ["https://nakksha.in/auth/verify-email?token=ev_sample", "24"],
    "password_reset": ["https://nakksha.in/auth/reset-password?token=pr_sample", "60"],
}


def test_every_type_the_product_sends_has_a_template_and_sample_data():
    assert set(email_types()) == ISSUE_TYPES == set(SAMPLES) == set(MUST_SAY)


@pytest.mark.parametrize("email_type", sorted(ISSUE_TYPES))
def test_each_template_renders_what_its_reader_needs(email_type):
    rendered = render(email_type, sample(email_type))
    assert rendered.subject and "\n" not in rendered.subject and "None" not in rendered.subject
    for part in (rendered.text, rendered.html):
        assert "None" not in part and "{{" not in part
        for needed in MUST_SAY[email_type]:
            assert needed in part, f"{email_type}: {needed!r} missing"
    assert rendered.html.lstrip().startswith("<!doctype html>") and "<style" not in rendered.html  # inline CSS only


@pytest.mark.parametrize("email_type, field", [("session_confirmation", "title"),
                                               ("quotation_received", "quotation_url"), ("verify_email", "verify_url")])
def test_a_template_missing_its_data_fails_instead_of_sending_holes(email_type, field):
    data = dict(sample(email_type))
    del data[field]
    with pytest.raises(jinja2.TemplateError):
        render(email_type, data)


async def test_a_confirmation_carries_a_calendar_invitation_for_the_right_instant(client, db):
    c = await approved_consultant(client, db, rules=every_day(), price="0")
    free = [s for s in await slots(client, c["slug"])
            if datetime.fromisoformat(s["starts_at"]) > datetime.now(UTC) + timedelta(hours=2)]
    b = (await book(client, c["slug"], booking(free[0]["slot_id"]))).json()
    await run_jobs(db, queues=("emails",))
    conn = await owner(db)
    try:
        row = await conn.fetchrow("select o.attachments, o.text_body from app.email_outbox o "
                                  "join app.email_logs l on l.id = o.email_log_id "
                                  "where l.session_id = $1 and l.email_type = 'session_confirmation'",
                                  uuid.UUID(b["session_id"]))
        booked = await conn.fetchrow("select o.attachments from app.email_outbox o join app.email_logs l "
                                     "on l.id = o.email_log_id where l.email_type = 'session_booked'")
    finally:
        await conn.close()
    [attachment] = row["attachments"]
    assert attachment["filename"] == "invite.ics" and attachment["content_type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(base64.b64decode(attachment["content"]))
    [event] = [e for e in cal.walk("VEVENT")]
    assert event.decoded("dtstart") == datetime.fromisoformat(b["starts_at"])
    assert event.decoded("dtend") == datetime.fromisoformat(b["ends_at"])
    assert str(event["uid"]) == f"session-{b['session_id']}@nakksha.in"
    assert "https://zoom.us/j/123" in str(event["description"]) and b["manage_url"] not in str(event["description"])
    assert b["manage_url"] in row["text_body"]  # the manage link, decrypted only by the worker
    [invite] = booked["attachments"]  # the consultant's notice carries the same event, for their calendar
    booked_event = icalendar.Calendar.from_ical(base64.b64decode(invite["content"])).walk("VEVENT")[0]
    assert str(booked_event["uid"]) == str(event["uid"])


async def test_each_reader_gets_times_in_their_own_zone(client, db):
    c = await approved_consultant(client, db, rules=every_day(), price="0")
    free = await slots(client, c["slug"])
    bad = await book(client, c["slug"], booking(free[0]["slot_id"], timezone="Mars/Olympus_Mons"))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "timezone"
    b = (await book(client, c["slug"], booking(free[0]["slot_id"], timezone="Europe/London"))).json()
    conn = await owner(db)
    try:
        zones = dict(await conn.fetch("select email_type, template_data->>'timezone' from app.email_logs "
                                      "where session_id = $1", uuid.UUID(b["session_id"])))
    finally:
        await conn.close()
    assert zones == {"session_confirmation": "Europe/London", "session_booked": "Asia/Kolkata"}
    await run_jobs(db, queues=("emails",))
    conn = await owner(db)
    try:
        text = await conn.fetchval("select o.text_body from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
                                   "where l.email_type = 'session_confirmation'")
    finally:
        await conn.close()
    # London first; India, the consultant's zone, only on the line after it, named as theirs.
    when = text.split("When: ", 1)[1].splitlines()
    assert (" GMT" in when[0] or " BST" in when[0]) and " IST" not in when[0]
    assert when[1].strip().endswith("IST for Asha Verma")

# Test: pytest tests/jobs/test_emails.py
