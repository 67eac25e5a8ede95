# app/documents_pdf.py — a GST document's PDF: its JSON snapshot (api.document_json) through documents/print.html and WeasyPrint; the text filters its templates share with the page.
"""The page (pages/tax_document.html) and the PDF include the same documents/_tax_document.html, so what a
document says is written once. WeasyPrint is synchronous and CPU-bound (tens of milliseconds to a few hundred per
document): `document_pdf` runs it in a thread, and only the download routes and the mail worker call it."""
from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import jinja2

from app.amount_words import rupees_in_words
from app.emails import inr

TEMPLATE_DIR = Path(__file__).parent / "templates"
TYPE_LABELS = {"tax_invoice": "Tax invoice", "bill_of_supply": "Bill of supply", "receipt": "Receipt",
               "credit_note": "Credit note"}


def doc_date(value: object) -> str:
    """An issue date as documents print it: 2026-12-11 -> 11 Dec 2026 (no ambiguity between day and month)."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(day, date):
        raise jinja2.TemplateError(f"not a date: {value!r}")
    return f"{day.day} {day:%b %Y}"


def pct(value: object) -> str:
    """A tax rate: 9.0 -> 9%, 2.5 -> 2.5%."""
    return f"{float(value):g}%"


def css_string(value: object) -> str:
    """Text placed inside a CSS string in the print template's @page rules: quotes, backslashes and line breaks out."""
    return re.sub(r'["\\\n\r<>]', "", str(value))


FILTERS = {"inr": inr, "doc_date": doc_date, "pct": pct, "rupees_words": rupees_in_words, "css_string": css_string}

# Missing data is an error (a document never prints a hole), as in the emails.
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                          undefined=jinja2.StrictUndefined)
_env.filters.update(FILTERS)


def print_html(document: dict) -> str:
    """The document as the print template lays it out (also what a browser would print)."""
    return _env.get_template("documents/print.html").render(d=document, labels=TYPE_LABELS)


def render_pdf(document: dict) -> bytes:
    """Synchronous: the PDF of one document snapshot. Nothing is fetched (no base URL, no external resources)."""
    from PIL import ImageFile
    from weasyprint import HTML  # imported here: the web process pays for it only at the first download

    # WeasyPrint's import turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would let a truncated
    # photo or quotation image through app/images.py's checks after the first PDF. Our documents load no images
    # (the fetcher below refuses every URL): the flag goes back off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    def refuse(url: str, *args, **kwargs):
        raise ValueError(f"documents load nothing from outside: {url}")

    return HTML(string=print_html(document), url_fetcher=refuse).write_pdf()


# At most two renders at once per process (the machine's cores): a burst of downloads queues here rather than
# taking every thread of the default pool from the rest of the app.
_RENDERS = asyncio.Semaphore(2)


async def document_pdf(document: dict) -> bytes:
    """The PDF, rendered off the event loop."""
    async with _RENDERS:
        return await asyncio.to_thread(render_pdf, document)


def pdf_filename(number: str) -> str:
    """A file name from a document number: INV/26-27/000123 -> INV-26-27-000123.pdf (only letters, digits, -)."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", number).strip("-") + ".pdf"

# Test: pytest tests/documents/test_documents_pdf.py tests/documents/test_amount_words.py
