# app/client_time.py — a booking's time as its client reads it: their own zone first, the consultant's second (pages).
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.schemas_tz import is_iana_timezone
from app.web import templates


def client_zone(client_tz: str | None, consultant_tz: str) -> str:
    """The zone to show a client first: the one they booked in, else the consultant's (an offline booking)."""
    return client_tz if client_tz and is_iana_timezone(client_tz) else consultant_tz


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def clock(value: Any, zone: str) -> str:
    """10:00 AM in a zone."""
    return _instant(value).astimezone(ZoneInfo(zone)).strftime("%-I:%M %p")


def day(value: Any, zone: str) -> str:
    """Tue 8 Dec 2026 in a zone."""
    return _instant(value).astimezone(ZoneInfo(zone)).strftime("%a %-d %b %Y")


def two_zones(value: Any, client_tz: str | None, consultant_tz: str, consultant_name: str) -> str:
    """"Tue 8 Dec 2026, 10:00 AM your time (Asia/Dubai) · 11:30 AM for Asha (Asia/Kolkata)"; one zone when both
    are the same. The consultant's day is named too when it is another day there."""
    if value is None:
        return "—"
    mine = client_zone(client_tz, consultant_tz)
    first = f"{day(value, mine)}, {clock(value, mine)}"
    if mine == consultant_tz:
        return f"{first} ({mine}, {consultant_name}'s time too)"
    theirs = clock(value, consultant_tz)
    if day(value, consultant_tz) != day(value, mine):
        theirs = f"{day(value, consultant_tz)}, {theirs}"
    return f"{first} your time ({mine}) · {theirs} for {consultant_name} ({consultant_tz})"


templates.env.globals.update(two_zones=two_zones, client_zone=client_zone, clock=clock)

# Test: pytest tests/http/test_client_time.py tests/e2e/test_booking_phone.py
