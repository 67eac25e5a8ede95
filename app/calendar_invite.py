# app/calendar_invite.py — the .ics invitation attached to a session's confirmation (and its new time when moved).
"""Built with `icalendar` (RFC 5545 folding and escaping). The UID is the session's, and SEQUENCE its
reschedule count, so a calendar that imported the first invitation updates the event when it moves."""
from __future__ import annotations

import base64
from datetime import UTC, datetime

import icalendar


def session_invite(data: dict) -> bytes:
    """An invitation for the session described by a session mail's template data."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Nakksha//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"session-{data['session_id']}@nakksha.in")
    event.add("sequence", int(data.get("reschedule_count") or 0))
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", datetime.fromisoformat(data["starts_at"]).astimezone(UTC))
    event.add("dtend", datetime.fromisoformat(data["ends_at"]).astimezone(UTC))
    event.add("summary", f"{data['title']} with {data['consultant_name']}")
    lines = [f"{data['title']} with {data['consultant_name']}, booked on Nakksha."]
    if data.get("meeting_link"):
        lines.append(f"Join: {data['meeting_link']}")
        event.add("location", data["meeting_link"])
        event.add("url", data["meeting_link"])
    if data.get("manage_url"):
        lines.append(f"Change or cancel: {data['manage_url']}")
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()


def invite_attachment(data: dict) -> dict:
    """As the email adapters take attachments: base64 content (Resend's format; the outbox keeps the same)."""
    return {"filename": "session.ics", "content_type": "text/calendar; charset=utf-8; method=PUBLISH",
            "content": base64.b64encode(session_invite(data)).decode()}

# Test: pytest tests/jobs/test_emails.py
