# tests/jobs/test_document_mail.py — the client's confirmation mail carries the GST document of the payment that confirmed the booking, as a PDF rendered by the worker at send time; a failed render still sends the mail.
from __future__ import annotations

import base64
import io
import logging
import uuid

import pypdf

import jobs.email
from tests.http.test_document_pdfs import paid_regular_booking
from tests.http.test_payments import owner, run_jobs


async def sent(db, session_id: str) -> dict[str, list]:
    """Each mail the local outbox received for a session, by type: its attachments."""
    conn = await owner(db)
    try:
        rows = await conn.fetch("select l.email_type, l.status, o.attachments from app.email_logs l "
                                "left join app.email_outbox o on o.email_log_id = l.id where l.session_id = $1",
                                uuid.UUID(session_id))
    finally:
        await conn.close()
    return {r["email_type"]: (r["status"], r["attachments"]) for r in rows}


async def test_the_confirmation_mail_attaches_the_clients_invoice_as_a_pdf(client, db, rzp):
    c, b, documents = await paid_regular_booking(client, db, rzp=rzp)
    await run_jobs(db, queues=("emails",))
    mails = await sent(db, b["session_id"])
    status, attachments = mails["session_confirmation"]
    mine = next(d for d in documents if d["issuer"] == "consultant")
    assert status == "sent"
    pdfs = [a for a in attachments if a["content_type"] == "application/pdf"]
    assert [a["filename"] for a in pdfs] == [mine["number"].replace("/", "-") + ".pdf"]
    text = pypdf.PdfReader(io.BytesIO(base64.b64decode(pdfs[0]["content"]))).pages[0].extract_text()
    assert mine["number"] in text and "₹1,180.00" in text and "TAX INVOICE" in text
    assert any(a["content_type"].startswith("text/calendar") for a in attachments)  # the invitation still goes
    # The consultant's notice carries no document: it is the client's.
    status, attachments = mails["session_booked"]
    assert status == "sent" and all(a["content_type"] != "application/pdf" for a in attachments)


async def test_a_document_that_does_not_render_is_logged_and_the_mail_goes_without_it(client, db, rzp, monkeypatch,
                                                                                       caplog):
    c, b, documents = await paid_regular_booking(client, db, rzp=rzp)

    async def broken(document):
        raise RuntimeError("pango fell over")

    monkeypatch.setattr(jobs.email, "document_pdf", broken)
    with caplog.at_level(logging.ERROR, logger="nakksha.jobs.email"):
        await run_jobs(db, queues=("emails",))
    status, attachments = (await sent(db, b["session_id"]))["session_confirmation"]
    assert status == "sent" and [a["content_type"].split(";")[0] for a in attachments] == ["text/calendar"]
    assert any("could not be made" in r.getMessage() and "pango fell over" in (r.exc_text or "")
               for r in caplog.records)


async def test_a_free_booking_mails_no_document(client, db):
    from tests.http.test_booking import approved_consultant, book, booking, every_day, slots

    c = await approved_consultant(client, db, price="0", rules=every_day())
    free = await slots(client, c["slug"], type="personal")
    b = (await book(client, c["slug"], booking(free[0]["slot_id"]))).json()
    await run_jobs(db, queues=("emails",))
    status, attachments = (await sent(db, b["session_id"]))["session_confirmation"]
    assert status == "sent" and all(a["content_type"] != "application/pdf" for a in attachments)

# Test: pytest tests/jobs/test_document_mail.py
