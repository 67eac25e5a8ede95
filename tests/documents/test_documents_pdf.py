# tests/documents/test_documents_pdf.py — a GST document's PDF (WeasyPrint) read back as text: rule 46's contents, the credit note's reference, the export's LUT, a safe file name.
from __future__ import annotations

import io

import pypdf  # a test extra (pyproject.toml): reads the PDF's text back through its fonts' ToUnicode maps

from app.documents_pdf import document_pdf, pdf_filename, print_html, render_pdf
from tests.documents.sample import CREDIT_NOTE, EXPORT, INTRA_STATE, INVOICE, RECEIPT, variant


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_an_inter_state_invoice_prints_what_rule_46_asks():
    pdf = render_pdf(INVOICE)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for printed in ("TAX INVOICE", "INV/26-27/000123", "11 Dec 2026", "Rao Advisory LLP", "1 MG Road, Bengaluru",
                    "GSTIN 29ABCFK1234F1Z5", "Acme Exports LLP", "GSTIN 27AAPFU0939F1ZV",
                    "Maharashtra (State code 27)", "998311", "₹1,000.00", "IGST 18%", "₹180.00", "₹1,180.00",
                    "Reverse charge: No", "Rupees One Thousand One Hundred Eighty Only"):
        assert printed in text, printed
    assert "CGST" not in text


def test_an_intra_state_invoice_splits_cgst_and_sgst_and_a_union_territory_says_utgst():
    text = text_of(render_pdf(INTRA_STATE))
    # (Labels and amounts are separate runs of text: the extraction order is the PDF's drawing order.)
    assert all(s in text for s in ("CGST 9%", "₹75.53", "SGST 9%", "Round off", "₹0.01", "₹990.33"))
    assert "IGST" not in text and "22 Residency Road, Bengaluru, PIN 560025" in text
    assert "Karnataka (State code 29)" in text and "Thirty-Three Paise" in text
    ut = variant(**{**INTRA_STATE, "sgst_label": "UTGST",
                    "place_of_supply": {"state_code": "04", "state_name": "Chandigarh", "country": "IN"}})
    assert "UTGST 9%" in text_of(render_pdf(ut))


def test_a_credit_note_names_the_invoice_it_reverses():
    text = text_of(render_pdf(CREDIT_NOTE))
    assert "CREDIT NOTE" in text and "CN/26-27/000007" in text
    assert "Credit note against INV/26-27/000123, 11 Dec 2026" in text and "₹590.00" in text


def test_a_zero_rated_export_prints_the_lut_and_a_receipt_charges_no_tax():
    text = text_of(render_pdf(EXPORT))
    assert "Supply meant for export under LUT without payment of IGST" in text and "AD290326000123X" in text
    assert "US (outside India)" in text
    receipt = text_of(render_pdf(RECEIPT))
    assert "RECEIPT" in receipt and "Supplier not registered under GST" in receipt
    assert "GSTIN 29" not in receipt and "Reverse charge" not in receipt and "Prices include GST" not in receipt


async def test_rendering_runs_off_the_event_loop_and_a_long_document_breaks_across_pages():
    many = variant(lines=[{**INVOICE["lines"][0], "description": f"Session {i}"} for i in range(60)])
    pdf = await document_pdf(many)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    second = reader.pages[1].extract_text()
    assert "Taxable value" in second and "Page 2 of" in second  # the table's head repeats; pages are numbered


def test_text_from_a_booking_form_is_escaped_and_nothing_is_fetched():
    hostile = variant(recipient={**INVOICE["recipient"], "billing_name": '<img src="http://example.com/x">Acme'})
    html = print_html(hostile)
    assert "<img" not in html and "&lt;img" in html
    assert "Acme" in text_of(render_pdf(hostile))


def test_file_names_keep_letters_digits_and_dashes():
    assert pdf_filename("INV/26-27/000123") == "INV-26-27-000123.pdf"
    assert pdf_filename('NKC/26-27/"x"\r\n') == "NKC-26-27-x.pdf"


def test_rendering_leaves_pillow_refusing_truncated_images():
    """WeasyPrint's import turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process; after a PDF, a truncated
    photo must still be refused (app/images.py), so the renderer turns it back off."""
    from PIL import ImageFile

    render_pdf(INVOICE)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_names_in_indias_scripts_print_with_a_font_that_has_them(caplog):
    """A client or supplier may write their name in Devanagari, Tamil, Bengali…: WeasyPrint logs a .notdef glyph
    (an empty box on the page) for every character no installed font has (the outside review saw seven for
    "अनिल क्‍ष"); with the Indic fonts `make test` and the Dockerfile install, none."""
    names = ("अनिल क्‍ष", "சுப்பிரமணியன்", "সৌমিত্র", "ಕಿರಣ್", "ഗീത", "ગીતા", "ਹਰਪ੍ਰੀਤ", "తేజ")
    d = variant(recipient={**INVOICE["recipient"], "name": " / ".join(names), "billing_name": None})
    with caplog.at_level("WARNING", logger="weasyprint"):
        text = text_of(render_pdf(d))
    assert not [r for r in caplog.records if "notdef" in r.getMessage()], [r.getMessage() for r in caplog.records]
    assert "Bill to" in text or "BILL TO" in text

# Test: pytest tests/documents/test_documents_pdf.py
