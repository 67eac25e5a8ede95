# app/adapters/email.py — sending email: Resend (official SDK) when RESEND_API_KEY is set, else the local outbox.
from __future__ import annotations

import asyncio
import os
import re
import unicodedata
from dataclasses import dataclass, field
from email.utils import formataddr
from typing import Protocol

import asyncpg

from app.sql import run


@dataclass(frozen=True)
class EmailMessage:
    to_email: str
    to_name: str | None
    subject: str
    html: str
    text: str
    idempotency_key: str
    email_log_id: str
    attachments: list[dict] = field(default_factory=list)


class InvalidRecipient(ValueError):
    """The address is not one plain address (control characters, brackets, commas, spaces): never sent."""


# One addr-spec and nothing else: no display name, no list, no whitespace or control character.
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+")


def header_text(value: str | None) -> str:
    """Text bound for a mail header (a display name, a subject): control characters (CR, LF, NUL, …) and
    Unicode line separators are dropped, runs of whitespace become one space. Nothing typed into a booking
    form can then start a header of its own."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value or "")
    return " ".join(kept.split())


def recipient(name: str | None, email: str) -> str:
    """"Name <address>" for one address: the name is quoted by formataddr (a comma or brackets in it stay
    part of the name), the address must be one plain ASCII address or the message is refused. Addresses are
    accepted only in their ASCII form (app.schemas.canonical_email: the domain in IDNA); one stored otherwise
    (before that rule, or behind the API's back) would need SMTPUTF8, so it is refused here with that reason."""
    if not _ADDRESS.fullmatch(email or "") or any(unicodedata.category(ch) == "Cc" for ch in email):
        raise InvalidRecipient(f"not one plain email address: {email!r}")
    if not email.isascii():
        raise InvalidRecipient(f"not an ASCII address (it would need SMTPUTF8, which is not used): {email!r}")
    name = header_text(name)
    return formataddr((name, email)) if name else email


class ProviderError(Exception):
    """The provider did not take the message; worth retrying (after retry_after seconds if it said so)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class EmailSender(Protocol):
    name: str

    async def send(self, message: EmailMessage) -> str:
        """Hand the message to the provider; return its id. Same idempotency key -> the same message."""


class LocalOutbox:
    """Stores the message in app.email_outbox (viewable at /dev/outbox); one per idempotency key."""

    name = "local"

    def __init__(self, pool: asyncpg.Pool):
        self.pool = pool

    async def send(self, message: EmailMessage) -> str:
        outbox_id = await run(self.pool, "worker_store_outbox_message", email_log_id=message.email_log_id,
                              idempotency_key=message.idempotency_key, to_email=message.to_email,
                              to_name=message.to_name, subject=message.subject, html_body=message.html,
                              text_body=message.text, attachments=message.attachments)
        return f"local_{outbox_id}"


class ResendSender:
    """The official resend SDK (synchronous: run off the event loop). RESEND_API_URL points it elsewhere
    (a fake on loopback in tests). The idempotency key makes a retried send a no-op at Resend."""

    name = "resend"

    def __init__(self, api_key: str, sender: str, timeout: float = 10.0):
        self.api_key, self.sender, self.timeout = api_key, sender, timeout

    def _send_sync(self, message: EmailMessage) -> str:
        import resend

        resend.api_key = self.api_key
        if os.environ.get("RESEND_API_URL"):
            resend.api_url = os.environ["RESEND_API_URL"]
        params = {"from": self.sender, "to": [recipient(message.to_name, message.to_email)],
                  "subject": header_text(message.subject), "html": message.html,
                  "text": message.text}
        if message.attachments:
            params["attachments"] = message.attachments
        try:
            response = resend.Emails.send(params, {"idempotency_key": message.idempotency_key})
        except resend.exceptions.ResendError as exc:
            retry_after = None
            if str(getattr(exc, "code", "")) == "429" or isinstance(exc, resend.exceptions.RateLimitError):
                # Resend says how long to wait; without a usable header, a minute.
                headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
                try:
                    retry_after = max(1.0, float(headers.get("retry-after", "60")))
                except ValueError:
                    retry_after = 60.0
            raise ProviderError(f"resend: {exc}", retry_after) from exc
        except OSError as exc:
            raise ProviderError(f"resend unreachable: {exc}") from exc
        return response["id"]

    async def send(self, message: EmailMessage) -> str:
        return await asyncio.wait_for(asyncio.to_thread(self._send_sync, message), timeout=self.timeout)


def email_sender(pool: asyncpg.Pool) -> EmailSender:
    key = os.environ.get("RESEND_API_KEY")
    if key:
        # RESEND_TIMEOUT (seconds, like RAZORPAY_TIMEOUT/CALENDAR_TIMEOUT): a hung Resend fails the attempt
        # after this long and the job backs off (tests/faults/test_slow_providers_jobs.py shortens it).
        return ResendSender(key, os.environ.get("EMAIL_FROM", "Nakksha <no-reply@nakksha.in>"),
                            timeout=float(os.environ.get("RESEND_TIMEOUT") or 10))
    return LocalOutbox(pool)

# Test: pytest tests/jobs/test_outbox.py
