# app/routes/email_webhooks.py — Resend's delivery reports (POST /api/v1/webhooks/resend), signed the Svix way.
"""Svix signs `{svix-id}.{svix-timestamp}.{raw body}` with HMAC-SHA256 under the secret's bytes (the part
after `whsec_`, base64); `svix-signature` lists `v1,<base64>` signatures separated by spaces (several
during a secret rotation). A timestamp more than five minutes away is refused, so a captured request
cannot be replayed later; a genuine redelivery carries the same svix-id and is acknowledged once."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import time
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.sql import run
from app.validation import Answer, load_json

TOLERANCE_SECONDS = 5 * 60


def svix_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify_svix(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    msg_id, timestamp, signatures = (headers.get("svix-id"), headers.get("svix-timestamp"),
                                     headers.get("svix-signature"))
    if not (secret and msg_id and timestamp and signatures) or not re.fullmatch(r"[0-9]{1,12}", timestamp):
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    try:
        expected = svix_signature(secret, msg_id, timestamp, body)
    except (binascii.Error, ValueError):
        return False
    return any(hmac.compare_digest(expected.encode(), sig.split(",", 1)[1].encode("utf-8", "replace"))
               for sig in signatures.split() if sig.startswith("v1,") and "," in sig)


def webhook_secret() -> str:
    return os.environ.get("RESEND_WEBHOOK_SECRET", "")


class ResendAnswer(Answer):
    status: Literal["ok"]
    outcome: str = Field(description="What the event did: delivered, bounced, …; duplicate (seen before); "
                                     "ignored_event (not one we act on).")


RESEND_EVENT = {"type": "object", "required": ["type", "data"],
                "description": "A Resend webhook event (Svix-signed over its raw bytes).",
                "properties": {"type": {"type": "string"}, "data": {"type": "object"}}}
SVIX_HEADERS = tuple({"name": name, "in": "header", "required": True, "schema": {"type": "string"},
                      "description": description} for name, description in (
    ("svix-id", "The message id (a redelivery carries the same one)."),
    ("svix-timestamp", "Unix seconds; more than five minutes off is refused."),
    ("svix-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body under the webhook secret>, space-separated.")))


@endpoint(named="handle_resend_webhook", tags=("email",), body=RESEND_EVENT, headers=SVIX_HEADERS,
          responses={200: ResendAnswer, 400: None, 404: None, 422: None})
async def resend_webhook(request: Request) -> JSONResponse:
    raw = await request.body()
    secret = webhook_secret()
    if not all(request.headers.get(name) for name in ("svix-id", "svix-timestamp", "svix-signature")):
        # Unsigned is unsigned, configured here or not (the document requires the three headers).
        raise ApiError(400, "invalid_signature", "The webhook carries no Svix signature headers.")
    if not secret:
        raise ApiError(404, "not_found", "Resend webhooks are not configured here.")
    if not verify_svix(secret, {k.lower(): v for k, v in request.headers.items()}, raw):
        raise ApiError(400, "invalid_signature", "The webhook signature or its timestamp is not valid.")
    payload = load_json(raw)  # after the signature: a forged body is refused as forged, unread
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise ApiError(400, "invalid_payload", "The webhook body names no event type.")
    result = await run(request.app.state.pool, "handle_resend_webhook", event_id=request.headers["svix-id"][:200],
                       payload=payload)
    return JSONResponse({"status": "ok", **result})


api_routes = [Route("/webhooks/resend", resend_webhook, methods=["POST"], name="resend_webhook")]

# Test: pytest tests/jobs/test_resend.py
