# app/emails.py — rendering an email (subject, HTML, text) from app/templates/email/ by email type.
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "templates" / "email"

# Missing data is an error, not an empty string: a message must never go out with holes in it.
_html = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                           undefined=jinja2.StrictUndefined)
_text = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=False,
                           undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


class UnknownEmailType(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def email_types() -> list[str]:
    return sorted(p.name.removesuffix(".subject.txt") for p in TEMPLATE_DIR.glob("*.subject.txt"))


def render(email_type: str, data: dict) -> Rendered:
    """Raises UnknownEmailType for a type with no template and jinja2.TemplateError for bad data."""
    if email_type not in email_types():
        raise UnknownEmailType(email_type)
    subject = _text.get_template(f"{email_type}.subject.txt").render(**data).strip()
    return Rendered(subject=" ".join(subject.split()),
                    html=_html.get_template(f"{email_type}.html").render(**data),
                    text=_text.get_template(f"{email_type}.txt").render(**data).lstrip("\n"))

# Test: pytest tests/jobs/test_outbox.py
