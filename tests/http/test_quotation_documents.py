# tests/http/test_quotation_documents.py — a paid quotation's GST documents for its client: listed on the public API and the /q page, each page and PDF under the quotation's token (another token, another id, the platform's commission invoice: 404), the "quotation paid" mail queued once with the PDF attached, a refund's credit note listed.
from __future__ import annotations

import base64
import uuid

import jobs.email
from tests.http import test_payments as payments
from tests.http.test_booking import approved_consultant
from tests.http.test_document_pdfs import BENGALURU, pdf_text
from tests.http.test_documents import make_regular
from tests.http.test_pages import HTML
from tests.http.test_payments import VERIFY, run_jobs, signed
from tests.http.test_quotations import PUBLIC, mails, rows, sent_quotation

# The app on the fake Razorpay, as in the payments tests.
app, rzp, razorpay_env = payments.app, payments.rzp, payments.razorpay_env


async def paid_quotation(client, db, rzp, consultant=None) -> tuple[dict, dict, str, dict, list[dict]]:
    """A regular-scheme consultant's ₹1,180 quotation accepted by a client in Karnataka and paid through Razorpay's
    fake: the consultant, the quotation, its token, the captured payment and the consultant's documents."""
    c = consultant or await approved_consultant(client, db)
    if consultant is None:
        await make_regular(db, c["id"])
    q, token = await sent_quotation(client, c, base_amount="1180.00", discount_percentage="0")
    r = await client.post(f"{PUBLIC}/{token}/accept", json={"billing": BENGALURU})
    assert r.status_code == 200, r.text
    order_id = r.json()["checkout"]["order_id"]
    payment = rzp.pay(order_id)
    assert (await client.post(VERIFY, json=signed(order_id, payment["id"]))).json()["status"] == "confirmed"
    documents = (await client.get("/api/v1/documents", headers=c["headers"])).json()["items"]
    return c, q, token, payment, documents


async def test_a_paid_quotation_lists_the_clients_documents_with_a_page_and_a_pdf(client, db, rzp):
    c, q, token, _, documents = await paid_quotation(client, db, rzp)
    mine = next(d for d in documents if d["issuer"] == "consultant")
    nk = next(d for d in documents if d["issuer"] == "platform")
    # The API: the client's tax invoice, as issued; never the platform's commission invoice to the consultant.
    view = (await client.get(f"{PUBLIC}/{token}")).json()
    assert [(d["id"], d["number"], d["document_type"], d["total"]) for d in view["documents"]] == [
        (mine["id"], mine["number"], "tax_invoice", "1180.00")]
    assert nk["id"] not in str(view)
    # The page: the list with a page and a PDF for each, and what happens said plainly.
    page = (await client.get(f"/q/{token}", headers=HTML)).text
    assert 'id="quotation-documents"' in page and f"/q/{token}/documents/{mine['id']}" in page
    assert f'href="/q/{token}/documents/{mine["id"]}.pdf"' in page and f"Tax invoice {mine['number']}" in page
    assert "Your tax invoice is below to open or download" in page and "you get a receipt by email" not in page
    assert nk["id"] not in page and nk["number"] not in page
    one = await client.get(f"/q/{token}/documents/{mine['id']}", headers=HTML)
    assert one.status_code == 200 and mine["number"] in one.text and "₹1,180.00" in one.text
    assert f'href="/q/{token}"' in one.text and f'href="/q/{token}/documents/{mine["id"]}.pdf"' in one.text
    assert one.headers["cache-control"] == "no-store"
    pdf = await client.get(f"/q/{token}/documents/{mine['id']}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="{mine["number"].replace("/", "-")}.pdf"'
    text = pdf_text(pdf.content)
    assert mine["number"] in text and "TAX INVOICE" in text and "₹1,180.00" in text
    # Opening a document is no view of the quotation (only the page's first opening counted).
    [v] = await rows(db, "select view_count from app.quotations where id = $1", uuid.UUID(q["id"]))
    assert v["view_count"] == 1
    # Isolation: the platform's invoice, an unknown id, a bad id, another quotation's token, a booking's link.
    _, other_q, other_token, _, _ = await paid_quotation(client, db, rzp, consultant=c)
    for path in (f"/q/{token}/documents/{nk['id']}", f"/q/{token}/documents/{uuid.uuid4()}",
                 f"/q/{token}/documents/not-a-uuid", f"/q/{other_token}/documents/{mine['id']}",
                 f"/q/qt_{'x' * 40}/documents/{mine['id']}", f"/q/short/documents/{mine['id']}",
                 f"/booking/{token}/documents/{mine['id']}"):
        for suffix in ("", ".pdf"):
            r = await client.get(path + suffix, headers=HTML)
            assert r.status_code == 404, (path + suffix, r.status_code)
    theirs = (await client.get(f"{PUBLIC}/{other_token}")).json()["documents"]
    assert len(theirs) == 1 and theirs[0]["id"] != mine["id"] and theirs[0]["quotation_id"] == other_q["id"]


async def test_an_unpaid_quotation_lists_no_documents(client, db, rzp):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    assert (await client.get(f"{PUBLIC}/{token}")).json()["documents"] == []
    accepted = (await client.post(f"{PUBLIC}/{token}/accept")).json()
    assert accepted["documents"] == [] and accepted["payable"]
    page = (await client.get(f"/q/{token}", headers=HTML)).text
    assert "Your documents" not in page and "your receipt is emailed to you and listed on this page" in page


async def outbox(db, quotation_id: str) -> list:
    return await rows(db, "select l.email_type, l.status, l.recipient_email::text, o.attachments, o.text_body, "
                          "o.html_body, o.subject from app.email_logs l left join app.email_outbox o "
                          "on o.email_log_id = l.id where l.quotation_id = $1 and l.email_type = 'quotation_paid'",
                          uuid.UUID(quotation_id))


async def test_paying_mails_the_client_once_with_the_document_attached(client, db, rzp):
    c, q, token, payment, documents = await paid_quotation(client, db, rzp)
    mine = next(d for d in documents if d["issuer"] == "consultant")
    # Replays: the gateway's webhook (twice) and a second verify find it paid; nothing more is queued.
    for _ in range(2):
        assert (await payments.deliver(client, "payment.captured", payment=payment)).status_code == 200
    order_id = payment["order_id"]
    assert (await client.post(VERIFY, json=signed(order_id, payment["id"]))).json()["status"] == "confirmed"
    assert [m for m in await mails(db, q["id"]) if m[0] == "quotation_paid"] == [("quotation_paid", "meera@example.com")]
    await run_jobs(db, queues=("emails",))
    [mail] = await outbox(db, q["id"])
    assert mail["status"] == "sent" and mail["subject"] == "Payment received: Brand strategy (₹1,180.00)"
    [pdf] = [a for a in mail["attachments"] if a["content_type"] == "application/pdf"]
    assert pdf["filename"] == mine["number"].replace("/", "-") + ".pdf"
    text = pdf_text(base64.b64decode(pdf["content"]))
    assert mine["number"] in text and "TAX INVOICE" in text and "₹1,180.00" in text
    for body in (mail["text_body"], mail["html_body"]):
        assert f"tax invoice {mine['number']}" in body.replace("<strong>", "").replace("</strong>", "")
        assert f"/q/{token}" in body and "₹1,180.00" in body
    # Run again: the mail went once.
    await run_jobs(db, queues=("emails",))
    assert len(await rows(db, "select 1 from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
                              "where l.quotation_id = $1 and l.email_type = 'quotation_paid'", uuid.UUID(q["id"]))) == 1


async def test_a_document_that_does_not_render_still_lets_the_paid_mail_go(client, db, rzp, monkeypatch):
    c, q, token, _, _ = await paid_quotation(client, db, rzp)

    async def broken(document):
        raise RuntimeError("pango fell over")

    monkeypatch.setattr(jobs.email, "document_pdf", broken)
    await run_jobs(db, queues=("emails",))
    [mail] = await outbox(db, q["id"])
    assert mail["status"] == "sent" and mail["attachments"] == [] and f"/q/{token}" in mail["text_body"]


async def test_a_refund_adds_its_credit_note_to_the_clients_list(client, db, rzp):
    c, q, token, _, documents = await paid_quotation(client, db, rzp)
    mine = next(d for d in documents if d["issuer"] == "consultant")
    [listed] = [p for p in (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]]
    r = await client.post(f"/api/v1/payments/{listed['id']}/refund", headers=c["headers"],
                          json={"amount": "590.00", "reason": "Half the work"})
    assert r.status_code == 201, r.text
    await run_jobs(db)
    view = (await client.get(f"{PUBLIC}/{token}")).json()
    assert [(d["document_type"], d["total"]) for d in view["documents"]] == [("tax_invoice", "1180.00"),
                                                                             ("credit_note", "590.00")]
    note = view["documents"][1]
    assert note["number"].startswith("CN/") and all(d["issuer"] == "consultant" for d in view["documents"])
    page = (await client.get(f"/q/{token}", headers=HTML)).text
    assert f"Credit note {note['number']}" in page and f"Tax invoice {mine['number']}" in page
    pdf = await client.get(f"/q/{token}/documents/{note['id']}.pdf")
    assert pdf.status_code == 200 and mine["number"] in pdf_text(pdf.content)  # "against" the invoice
    # The paid mail named the invoice, not the credit note.
    assert len(await outbox(db, q["id"])) == 1

# Test: pytest tests/http/test_quotation_documents.py
