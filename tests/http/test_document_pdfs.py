# tests/http/test_document_pdfs.py — GST documents' PDFs over HTTP: the consultant's (page, API), the client's through the manage link, refusals (another consultant, a stranger, a bad token) and the links on the session, payment and Payouts pages.
from __future__ import annotations

import io
import uuid

import pypdf

from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_documents import CLIENT_GSTIN, HOME, make_regular
from tests.http.test_pages import HTML, sign_in
from tests.http.test_payments import VERIFY, signed
from tests.http.test_payments_local import verify_payload

DOCUMENTS = "/api/v1/documents"

# A client in the consultant's own State: CGST + SGST, as when no State was given before addresses were asked.
BENGALURU = {"state_code": "29", "address": "12 MG Road, Bengaluru", "postal_code": "560001"}


def pdf_text(body: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)


async def paid_regular_booking(client, db, billing: dict | None = None, rzp=None) -> tuple[dict, dict, list[dict]]:
    """A regular-scheme consultant (Karnataka) signed in on the pages, a ₹1,180 booking paid through the local
    gateway, or Razorpay's fake when given (with the client's billing details), and the consultant's documents."""
    c = await approved_consultant(client, db, price="1180.00", rules=every_day())
    await make_regular(db, c["id"])
    free = await slots(client, c["slug"], type="personal")
    r = await book(client, c["slug"], booking(free[0]["slot_id"], billing=billing or BENGALURU))
    assert r.status_code == 201, r.text
    b = r.json()
    if rzp is None:
        paid = await client.post(b["checkout"]["checkout_url"], data={"outcome": "success", "method": "upi"})
        answer = verify_payload(paid.text)
    else:
        answer = signed(b["checkout"]["order_id"], rzp.pay(b["checkout"]["order_id"])["id"])
    assert (await client.post(VERIFY, json=answer)).json()["status"] == "confirmed"
    conn = await db.connect("owner")
    try:
        email = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()
    assert (await sign_in(client, email, PASSWORD)).status_code == 303
    documents = (await client.get(DOCUMENTS, headers=c["headers"])).json()["items"]
    return c, b, documents


async def test_the_consultant_downloads_their_documents_and_nobody_else_can(client, db):
    c, b, documents = await paid_regular_booking(client, db, billing={"gstin": CLIENT_GSTIN, **HOME,
                                                                      "billing_name": "Acme Exports LLP"})
    mine = next(d for d in documents if d["issuer"] == "consultant")
    nk = next(d for d in documents if d["issuer"] == "platform")
    # The API: a PDF attachment named after the number.
    r = await client.get(f"{DOCUMENTS}/{mine['id']}/pdf", headers=c["headers"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    filename = mine["number"].replace("/", "-") + ".pdf"
    assert r.headers["content-disposition"] == f'attachment; filename="{filename}"' and filename.startswith("INV-")
    assert r.headers["cache-control"] == "no-store"
    text = pdf_text(r.content)
    for printed in (mine["number"], "Rao Advisory LLP", CLIENT_GSTIN, "Acme Exports LLP", "Maharashtra (State code 27)",
                    "₹1,000.00", "IGST 18%", "₹180.00", "₹1,180.00", "Rupees One Thousand One Hundred Eighty Only",
                    "Reverse charge: No", "998311"):
        assert printed in text, printed
    # Nakksha's commission invoice to the consultant, theirs to download too.
    platform = await client.get(f"{DOCUMENTS}/{nk['id']}/pdf", headers=c["headers"])
    assert platform.status_code == 200 and nk["number"] in pdf_text(platform.content)
    # The pages: the document page links its PDF, the PDF downloads with the page session.
    page = await client.get(f"/dashboard/payouts/documents/{mine['id']}", headers=HTML)
    assert f'href="/dashboard/payouts/documents/{mine["id"]}.pdf"' in page.text
    assert "Rupees One Thousand One Hundred Eighty Only" in page.text
    r = await client.get(f"/dashboard/payouts/documents/{mine['id']}.pdf", headers=HTML)
    assert r.status_code == 200 and r.content.startswith(b"%PDF-") and filename in r.headers["content-disposition"]
    for missing in (uuid.uuid4(), "not-a-uuid"):
        assert (await client.get(f"/dashboard/payouts/documents/{missing}.pdf", headers=HTML)).status_code == 404
        assert (await client.get(f"{DOCUMENTS}/{missing}/pdf", headers=c["headers"])).status_code == 404
    # Another consultant: 404 in the one error shape (the policy hides the row).
    other = await approved_consultant(client, db)
    r = await client.get(f"{DOCUMENTS}/{mine['id']}/pdf", headers=other["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    # A stranger: 401 on the API; the page sends them to sign in, with no PDF.
    assert (await client.get(f"{DOCUMENTS}/{mine['id']}/pdf")).status_code == 401
    client.cookies.clear()
    r = await client.get(f"/dashboard/payouts/documents/{mine['id']}.pdf", headers=HTML)
    assert r.status_code in (302, 303) and not r.content.startswith(b"%PDF")


async def test_the_session_payment_and_payouts_pages_link_each_document_and_its_pdf(client, db):
    c, b, documents = await paid_regular_booking(client, db)
    session = (await client.get("/api/v1/sessions", headers=c["headers"])).json()["items"][0]
    payment = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]
    for path in (f"/dashboard/sessions/{session['id']}", f"/dashboard/payments/{payment['id']}", "/dashboard/payouts"):
        page = await client.get(path, headers=HTML)
        assert page.status_code == 200, (path, page.text)
        for d in documents:
            assert f'href="/dashboard/payouts/documents/{d["id"]}.pdf"' in page.text, (path, d["number"])
            assert d["number"] in page.text


async def test_the_client_downloads_their_own_documents_through_the_manage_link(client, db):
    c, b, documents = await paid_regular_booking(client, db)
    client.cookies.clear()  # the client is nobody signed in
    mine = next(d for d in documents if d["issuer"] == "consultant")
    nk = next(d for d in documents if d["issuer"] == "platform")
    token = b["manage_url"].rsplit("/", 1)[1]
    manage = await client.get(f"/booking/{token}", headers=HTML)
    assert f'href="/booking/{token}/documents/{mine["id"]}.pdf"' in manage.text
    page = await client.get(f"/booking/{token}/documents/{mine['id']}", headers=HTML)
    assert f'href="/booking/{token}/documents/{mine["id"]}.pdf"' in page.text
    r = await client.get(f"/booking/{token}/documents/{mine['id']}.pdf", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    # No billing details: the consultant's State is the place of supply, CGST + SGST inside the price.
    assert mine["number"] in text and "Karnataka (State code 29)" in text and "CGST 9%" in text and "₹90.00" in text
    # Never the platform's invoice to the consultant; a bad token or id is 404.
    assert (await client.get(f"/booking/{token}/documents/{nk['id']}.pdf", headers=HTML)).status_code == 404
    assert (await client.get(f"/booking/{'x' * 43}/documents/{mine['id']}.pdf", headers=HTML)).status_code == 404
    assert (await client.get(f"/booking/{token}/documents/{uuid.uuid4()}.pdf", headers=HTML)).status_code == 404
    assert (await client.get(f"/booking/{token}/documents/nope.pdf", headers=HTML)).status_code == 404

# Test: pytest tests/http/test_document_pdfs.py
