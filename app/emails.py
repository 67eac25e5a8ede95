# app/emails.py — rendering an email (subject, HTML, text) from app/templates/email/ by email type.
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import markupsafe

from app.calendar_invite import calendar_links

TEMPLATE_DIR = Path(__file__).parent / "templates" / "email"

# Missing data is an error, not an empty string: a message must never go out with holes in it.
_html = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                           undefined=jinja2.StrictUndefined)
_text = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=False,
                           undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def inr(amount: object, currency: str = "INR") -> str:
    """Indian grouping, two decimals: 149999.5 -> ₹1,49,999.50. Amounts arrive as text (never floats)."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise jinja2.TemplateError(f"not an amount: {amount!r}") from exc
    sign, whole, paise = ("-" if value < 0 else ""), *f"{abs(value):.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    symbol = "₹" if currency == "INR" else f"{currency} "
    return f"{sign}{symbol}{','.join([*groups, tail])}.{paise}"


def local_time(instant: object, timezone: str) -> str:
    """An instant (ISO 8601 text or datetime) in a zone, with the zone shown: Mon, 30 Nov 2026, 10:00 AM IST."""
    value = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    if not isinstance(value, datetime):
        raise jinja2.TemplateError(f"not an instant: {instant!r}")
    local = value.astimezone(ZoneInfo(timezone))
    return local.strftime("%a, %d %b %Y, %I:%M %p ") + (local.tzname() or timezone)


def other_time(instant: object, timezone: str, other_timezone: str | None) -> str:
    """The same instant in the other party's zone, for the line under the reader's own time; empty when there
    is no other zone or it reads the same (the same clock time and zone name)."""
    if not other_timezone:
        return ""
    theirs = local_time(instant, other_timezone)
    return "" if theirs == local_time(instant, timezone) else theirs


FILTERS = {"inr": inr, "local_time": local_time, "other_time": other_time, "calendar_links": calendar_links}
for _env in (_html, _text):
    _env.filters.update(FILTERS)


class UnknownEmailType(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def email_types() -> list[str]:
    return sorted(p.name.removesuffix(".subject.txt") for p in TEMPLATE_DIR.glob("*.subject.txt"))


# Super admins' overrides are rendered only in app/template_sandbox.py (a bounded sandbox in a child process
# that is killed when it runs too long); FILTERS and in_layout give it the same filters and the same frame.


def in_layout(body: str, subject: str, data: dict | None = None) -> str:
    """An override's rendered HTML body inside the shared layout (the same frame as every built-in message, signed
    the same way: the data's `branding` and `consultant_name`)."""
    frame = {k: data[k] for k in ("branding", "consultant_name") if data and k in data}
    return _html.get_template("_override.html").render(body=markupsafe.Markup(body), subject=subject, **frame)


def render(email_type: str, data: dict) -> Rendered:
    """A built-in template. Raises UnknownEmailType for a type with no template and jinja2.TemplateError for
    bad data."""
    if email_type not in email_types():
        raise UnknownEmailType(email_type)
    subject = _text.get_template(f"{email_type}.subject.txt").render(**data).strip()
    return Rendered(subject=" ".join(subject.split()),
                    html=_html.get_template(f"{email_type}.html").render(**data),
                    text=_text.get_template(f"{email_type}.txt").render(**data).lstrip("\n"))

# Test: pytest tests/jobs/test_outbox.py tests/jobs/test_emails.py tests/http/test_email_template_bounds.py
