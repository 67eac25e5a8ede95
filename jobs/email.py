# jobs/email.py — send_email: render a queued email_logs row and hand it to the email adapter, exactly once.
"""Idempotent by construction: the log row is claimed only while `queued`, the provider gets the row's
idempotency key (a re-sent message is the same message), and the log is marked sent afterwards. A job
run twice, or retried after a crash between sending and marking, never mails twice."""
from __future__ import annotations

import logging
import uuid

import jinja2
import procrastinate

from app.adapters.email import EmailMessage, ProviderError, email_sender
from app.emails import UnknownEmailType, render
from app.sql import run
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.email")

MAX_ATTEMPTS = 6


@app.task(name="send_email", queue="emails", pass_context=True,
          retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=2, exponential_wait=3,
                                            retry_exceptions={ProviderError, TimeoutError}))
async def send_email(context: procrastinate.JobContext, email_log_id: str) -> None:
    db = await pool()
    log_id = uuid.UUID(email_log_id)
    claimed = await run(db, "worker_claim_email", email_log_id=log_id)
    if claimed is None:
        return  # already sent or failed: a duplicate run does nothing
    data = {"recipient_name": claimed["recipient_name"] or claimed["recipient_email"], **claimed["template_data"]}
    try:
        rendered = render(claimed["email_type"], data)
    except (UnknownEmailType, jinja2.TemplateError) as exc:
        # A message that cannot be rendered will not render on retry either: fail it for good.
        await run(db, "worker_mark_email_failed", email_log_id=log_id, error=f"render: {exc!r}", final=True)
        log.error("email %s (%s) cannot be rendered: %r", log_id, claimed["email_type"], exc)
        return
    sender = email_sender(db)
    message = EmailMessage(to_email=claimed["recipient_email"], to_name=claimed["recipient_name"],
                           subject=rendered.subject, html=rendered.html, text=rendered.text,
                           idempotency_key=claimed["idempotency_key"], email_log_id=str(log_id))
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

# Test: pytest tests/jobs/test_outbox.py
