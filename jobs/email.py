# jobs/email.py — send_email: render a queued email_logs row and hand it to the email adapter, exactly once.
"""Idempotent by construction: the log row is claimed only while `queued`, the provider gets the row's
idempotency key (a re-sent message is the same message), and the log is marked sent afterwards. A job
run twice, or retried after a crash between sending and marking, never mails twice."""
from __future__ import annotations

import base64
import logging
import uuid
from datetime import UTC, datetime, timedelta

import jinja2
import procrastinate

from app.adapters.email import (
    EmailMessage,
    InvalidRecipient,
    ProviderError,
    email_sender,
    header_text,
    recipient,
)
from app.calendar_invite import invite_attachment
from app.config import Settings
from app.crypto import DecryptionError, decrypt_text
from app.documents_pdf import document_pdf, pdf_filename
from app.emails import UnknownEmailType, render
from app.secrets import data_key
from app.sql import run
from app.template_sandbox import TemplateRefused, render_override
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.email")

MAX_ATTEMPTS = 6
# The mails that carry the session's calendar invitation, and its iTIP method: an invitation (or its new time)
# for a live session, a cancellation (same UID, higher SEQUENCE) for one that was called off.
INVITE_METHODS = {"session_confirmation": "REQUEST", "session_booked": "REQUEST", "session_rescheduled": "REQUEST",
                  "session_rescheduled_consultant": "REQUEST", "session_cancelled_client": "CANCEL",
                  "session_cancelled_consultant": "CANCEL"}
LINK_PURPOSE = "email_link"
# The mails that carry the client's GST document (tax invoice, bill of supply or receipt) as a PDF, and the field of
# their data naming what was paid: the booking's confirmation, sent when their payment confirmed it, and the
# quotation's "paid" mail.
DOCUMENT_MAILS = {"session_confirmation": "session_id", "quotation_paid": "quotation_id"}


def decrypt_fields(data: dict) -> dict:
    """Links carrying secrets (verification, password reset) are stored encrypted in template_data as
    `<name>_encrypted`; only here, at send time, do they become `<name>` again."""
    key = data_key(Settings.from_env()) if any(k.endswith("_encrypted") for k in data) else ""
    out = {}
    for name, value in data.items():
        if name.endswith("_encrypted") and isinstance(value, str):
            out[name.removesuffix("_encrypted")] = decrypt_text(key, LINK_PURPOSE, value)
        else:
            out[name] = value
    return out


def invite_attachments(email_type: str, data: dict, to_email: str, to_name: str | None) -> list[dict]:
    """A confirmed or moved session's invitation, or the cancellation of one the recipient was invited to, with
    the recipient as its attendee. A booking cancelled before it was ever confirmed (`invited` false) sent no
    invitation, so it sends no cancellation."""
    method = INVITE_METHODS.get(email_type)
    if method is None or "session_id" not in data or (method == "CANCEL" and data.get("invited") is False):
        return []
    return [invite_attachment(data, method=method, attendee_email=to_email, attendee_name=header_text(to_name))]


async def document_attachments(db, log_id: uuid.UUID, email_type: str, data: dict) -> list[dict]:
    """The PDF of the document the confirming payment issued to the client, rendered now from its snapshot. A
    document that cannot be read or rendered is logged and the mail goes without it: the confirmation matters
    more than its attachment, and the client can download it from their manage link or quotation page."""
    field = DOCUMENT_MAILS.get(email_type)
    if field is None or not data.get(field):
        return []
    paid = {"session_id": None, "quotation_id": None, field: uuid.UUID(str(data[field]))}
    try:
        document = await run(db, "worker_paid_document", **paid)
        if document is None:
            return []  # free, paid to the consultant directly, or captured before documents existed
        pdf = await document_pdf(document)
    except Exception:
        log.exception("email %s (%s): the GST document's PDF could not be made; sending without it", log_id,
                      email_type)
        return []
    return [{"filename": pdf_filename(document["number"]), "content_type": "application/pdf",
             "content": base64.b64encode(pdf).decode()}]


class ProviderBackoff(procrastinate.RetryStrategy):
    """Exponential backoff on provider errors, but never sooner than a rate limit's retry-after."""

    def get_retry_decision(self, *, exception: BaseException, job) -> procrastinate.RetryDecision | None:
        decision = super().get_retry_decision(exception=exception, job=job)
        retry_after = getattr(exception, "retry_after", None)
        if decision is None or not retry_after:
            return decision
        told = datetime.now(UTC) + timedelta(seconds=retry_after)
        return procrastinate.RetryDecision(retry_at=max(told, decision.retry_at or told))


@app.task(name="send_email", queue="emails", pass_context=True,
          retry=ProviderBackoff(max_attempts=MAX_ATTEMPTS - 1, wait=2, exponential_wait=3,
                                retry_exceptions={ProviderError, TimeoutError}))
async def send_email(context: procrastinate.JobContext, email_log_id: str) -> None:
    db = await pool()
    log_id = uuid.UUID(email_log_id)
    claimed = await run(db, "worker_claim_email", email_log_id=log_id)
    if claimed is None:
        return  # already sent or failed: a duplicate run does nothing
    try:
        # No stored name means nobody is to be greeted by one (a mail to an address nobody has proven carries no
        # text its requester typed): templates greet "Hello," then, never with the address.
        data = {"recipient_name": claimed["recipient_name"] or "", **decrypt_fields(claimed["template_data"]),
                "branding": claimed.get("branding") or "nakksha"}  # the layout's signature (email/_layout.html)
        rendered = None
        if claimed.get("override"):
            # A super admin's override runs in the bounded sandbox (a child process killed after a few
            # seconds), like at preview and save: one that cannot render this message, or not within those
            # bounds, is logged and the built-in template goes out instead; the worker is never held.
            try:
                (rendered,) = await render_override(claimed["email_type"], [data], claimed["override"])
            except TemplateRefused as exc:
                log.error("email %s: the %s override did not render (%s in %s: %s); sending the built-in one",
                          log_id, claimed["email_type"], exc.code, exc.field, exc.message)
        if rendered is None:
            rendered = render(claimed["email_type"], data)
    except (UnknownEmailType, jinja2.TemplateError, DecryptionError) as exc:
        # A message that cannot be rendered will not render on retry either: fail it for good.
        await run(db, "worker_mark_email_failed", email_log_id=log_id, error=f"render: {exc!r}", final=True)
        log.error("email %s (%s) cannot be rendered: %r", log_id, claimed["email_type"], exc)
        return
    try:
        recipient(claimed["recipient_name"], claimed["recipient_email"])
    except InvalidRecipient as exc:
        # An address that could carry more recipients or headers is never handed to a provider.
        await run(db, "worker_mark_email_failed", email_log_id=log_id, error=f"address refused: {exc}", final=True)
        log.error("email %s (%s) not sent: %s", log_id, claimed["email_type"], exc)
        return
    sender = email_sender(db)
    attachments = [*invite_attachments(claimed["email_type"], data, claimed["recipient_email"], claimed["recipient_name"]),
                   *await document_attachments(db, log_id, claimed["email_type"], data)]
    message = EmailMessage(to_email=claimed["recipient_email"], to_name=header_text(claimed["recipient_name"]) or None,
                           subject=header_text(rendered.subject), html=rendered.html, text=rendered.text,
                           idempotency_key=claimed["idempotency_key"], email_log_id=str(log_id),
                           attachments=attachments)
    try:
        external_id = await sender.send(message)
    except (ProviderError, TimeoutError) as exc:
        final = context.job.attempts + 1 >= MAX_ATTEMPTS
        await run(db, "worker_mark_email_failed", email_log_id=log_id, error=str(exc) or repr(exc), final=final)
        if final:
            log.error("email %s failed for good after %s attempts: %s", log_id, MAX_ATTEMPTS, exc)
            return
        raise
    await run(db, "worker_mark_email_sent", email_log_id=log_id, subject=rendered.subject, provider=sender.name,
              external_id=external_id)

# Test: pytest tests/jobs/test_outbox.py tests/http/test_email_template_bounds.py tests/jobs/test_document_mail.py
