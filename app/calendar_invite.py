# app/calendar_invite.py — a session's calendar invitation (.ics: REQUEST, or CANCEL) and its "add to calendar" links.
"""Built with `icalendar` (RFC 5545: CRLF line ends, lines folded at 75 octets, text escaped, times in UTC).

An invitation is `METHOD:REQUEST` with an ORGANIZER and the recipient as ATTENDEE (RSVP=FALSE): calendars
(Google, Outlook, Apple) treat only such an invitation as one they may later update or cancel, by the same
UID. SEQUENCE is the session's reschedule count, so a move (a REQUEST with a higher SEQUENCE) replaces the
event, and a cancellation (`METHOD:CANCEL`, SEQUENCE one above the last REQUEST's) removes it. The ORGANIZER
is the address the mail is sent from (a calendar trusts an invitation whose organizer sent it), named for the
consultant; the consultant's own address is not given to the client.

The manage link is never in the invitation: it is a bearer secret (whoever holds it can cancel the booking),
and a calendar event is shared, synced and shown to assistants. It stays in the mail alone."""
from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlencode

import icalendar

DEFAULT_SENDER = "Nakksha <no-reply@nakksha.in>"


def organizer_address() -> str:
    """The address mail is sent from (EMAIL_FROM, as the Resend adapter uses it), without its display name."""
    return parseaddr(os.environ.get("EMAIL_FROM") or DEFAULT_SENDER)[1] or parseaddr(DEFAULT_SENDER)[1]


def _instant(value: object) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ValueError(f"not an instant: {value!r}")
    return moment.astimezone(UTC)


def summary(data: dict) -> str:
    return f"{data['title']} with {data['consultant_name']}"


def details(data: dict, *, passcode: bool = True) -> str:
    """What the event's description says: how to join, nothing that acts on the booking. The links leave the
    passcode out (they travel as URLs through a browser's history and the calendar site's logs)."""
    # A plan without Nakksha's branding (data["branding"] == "none", jobs/email.py) leaves the platform unnamed.
    lines = [f"{summary(data)}." if data.get("branding") == "none" else f"{summary(data)}, booked on Nakksha."]
    if data.get("meeting_link"):
        lines.append(f"Join: {data['meeting_link']}")
        if data.get("meeting_id"):
            lines.append(f"Meeting ID: {data['meeting_id']}")
        if passcode and data.get("meeting_password"):
            lines.append(f"Passcode: {data['meeting_password']}")
    return "\n".join(lines)


def _address(email: str, name: str | None, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = icalendar.vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = icalendar.vText(value)
    return address


def session_invite(data: dict, *, method: str = "REQUEST", attendee_email: str, attendee_name: str | None = None,
                   organizer_email: str | None = None) -> bytes:
    """The invitation (REQUEST) or its cancellation (CANCEL) for the session a session mail describes."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method: {method}")
    sequence = int(data.get("reschedule_count") or 0) + (1 if method == "CANCEL" else 0)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Nakksha//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", f"session-{data['session_id']}@nakksha.in")
    event.add("sequence", sequence)
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", _instant(data["starts_at"]))
    event.add("dtend", _instant(data["ends_at"]))
    event.add("summary", summary(data))
    event.add("description", details(data))
    if data.get("meeting_link"):
        event.add("location", data["meeting_link"])
        event.add("url", data["meeting_link"])
    event.add("organizer", _address(organizer_email or organizer_address(), data["consultant_name"]))
    event.add("attendee", _address(attendee_email, attendee_name or None, role="REQ-PARTICIPANT",
                                   partstat="ACCEPTED", rsvp="FALSE"))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    cal.add_component(event)
    return cal.to_ical()


def invite_attachment(data: dict, *, method: str = "REQUEST", attendee_email: str,
                      attendee_name: str | None = None) -> dict:
    """As the email adapters take attachments: base64 content (Resend's format; the outbox keeps the same)."""
    content = session_invite(data, method=method, attendee_email=attendee_email, attendee_name=attendee_name)
    return {"filename": "cancel.ics" if method == "CANCEL" else "invite.ics",
            "content_type": f"text/calendar; charset=utf-8; method={method}",
            "content": base64.b64encode(content).decode()}


def calendar_links(data: dict) -> dict[str, str]:
    """"Add to calendar" links (Google, Outlook.com, Microsoft 365) for a session: UTC times, the title, details
    without secrets, the meeting link as location. Keys: google, outlook, office365."""
    start, end = _instant(data["starts_at"]), _instant(data["ends_at"])
    title, body, location = summary(data), details(data, passcode=False), data.get("meeting_link") or ""
    google = {"action": "TEMPLATE", "text": title,
              "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}", "details": body}
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title,
               "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}", "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}", "body": body}
    if location:
        google["location"] = location
        outlook["location"] = location
    return {"google": "https://calendar.google.com/calendar/render?" + urlencode(google),
            "outlook": "https://outlook.live.com/calendar/0/action/compose?" + urlencode(outlook),
            "office365": "https://outlook.office.com/calendar/0/action/compose?" + urlencode(outlook)}

# Test: pytest tests/jobs/test_calendar_invites.py tests/jobs/test_emails.py
