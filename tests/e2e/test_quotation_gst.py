# tests/e2e/test_quotation_gst.py — GST in Chromium: a regular-scheme consultant's quotation on a laptop and a phone (its GST line, the GST invoice's address fields), the client's tax invoice page and its PDF download; axe-core on each.
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_quotation_pages import sent
from tests.http.test_booking import approved_consultant
from tests.http.test_document_pdfs import paid_regular_booking
from tests.http.test_documents import CLIENT_GSTIN, HOME, make_regular


@pytest.mark.parametrize("width", [1366, 390])
async def test_the_quotation_page_shows_its_gst_and_takes_a_gstin(browser, site, api, db, width):
    c = await approved_consultant(api, db)
    await make_regular(db, c["id"])
    _, url = await sent(api, c, base_amount="11800", quotation_name="GST registration and first returns")
    page = await new_page(browser, site, viewport={"width": width, "height": 900})
    try:
        await page.goto(url)
        gst = page.locator("#quotation-gst")
        await expect(gst).to_contain_text("CGST 9% ₹900.00")
        await expect(gst).to_contain_text("Taxable value ₹10,000.00")
        # The tax invoice's recipient: State, address and PIN asked outright (GST rule 46); a GSTIN folded.
        await expect(page.get_by_label("Address")).to_be_visible()
        await expect(page.get_by_label("PIN code")).to_be_visible()
        await page.get_by_text("A business invoice (GSTIN)").click()
        await expect(page.get_by_label("GSTIN")).to_be_visible()
        await no_serious_violations(page, f"quotation with GST at {width}px")
        await shot(page, f"quotation-gst-{width}")
        # No horizontal scroll on a phone: the GST line wraps.
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        await page.context.close()

async def test_the_clients_invoice_page_reads_on_a_phone_and_links_its_pdf(browser, site, api, db):
    c, b, documents = await paid_regular_booking(api, db, billing={"gstin": CLIENT_GSTIN, **HOME,
                                                                   "billing_name": "Acme Exports LLP"})
    mine = next(d for d in documents if d["issuer"] == "consultant")
    token = b["manage_url"].rsplit("/", 1)[1]
    page = await new_page(browser, site, viewport={"width": 390, "height": 900})
    try:
        await page.goto(f"/booking/{token}/documents/{mine['id']}")
        await expect(page.locator("#document-number")).to_have_text(mine["number"])
        await expect(page.locator("#recipient-gstin")).to_have_text(CLIENT_GSTIN)
        await no_serious_violations(page, "the client's tax invoice")
        await shot(page, "tax-invoice-390")
        async with page.expect_download() as download:
            await page.locator("#document-pdf").click()
        assert (await download.value).suggested_filename == mine["number"].replace("/", "-") + ".pdf"
    finally:
        await page.context.close()

# Test: pytest tests/e2e/test_quotation_gst.py
