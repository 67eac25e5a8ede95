# app/middleware.py — pure ASGI middleware: security headers, request ids and the access line, last-resort errors; the body size limit.
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body
from app.logs import RequestIdFilter, access_line, configure_logging, request_id_var

__all__ = ["BodySizeLimitMiddleware", "EdgeMiddleware", "RequestIdFilter", "SECURITY_HEADERS", "configure_logging"]

log = logging.getLogger("nakksha.http")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _json(status: int, code: str, message: str, headers: list | None = None) -> tuple[Message, Message]:
    body = json.dumps(error_body(code, message)).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         *(headers or [])]}
    return start, {"type": "http.response.body", "body": body}


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(self)"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
     b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"),
]


class EdgeMiddleware:
    """Outermost: security headers on every response (HSTS outside development, where there is TLS; a header the
    response sets itself is kept); a request id (the caller's X-Request-ID if sane, else a new one) on the response
    and in every log line; one access-log line per request; any exception escaping the app becomes a 500 in the
    error shape (logged with its traceback and the request id). One layer, not two: each layer's send wrapper
    and bookkeeping was paid per message of every request."""

    def __init__(self, app: ASGIApp, *, hsts: bool):
        self.app = app
        self.headers = SECURITY_HEADERS + ([(b"strict-transport-security", b"max-age=63072000; includeSubDomains")]
                                           if hsts else [])
        self.names = frozenset(k for k, _ in self.headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _VALID_REQUEST_ID.match(incoming) else os.urandom(16).hex()  # uuid4().hex's form
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = list(message.get("headers") or ())  # ASGI allows any iterable: read it once
                # ASGI header names are lower case (Starlette's responses write them so).
                own = self.names.intersection(k for k, _ in headers)
                message["headers"] = [*headers, (b"x-request-id", rid.encode()),
                                      *((k, v) for k, v in self.headers if k not in own)]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not response_started:
                start, body = _json(500, "internal_error", "Something went wrong on our side.")
                await send_wrapper(start)
                await send(body)
        except asyncio.CancelledError:
            # uvicorn cancels the requests still running when its graceful shutdown times out (an upload
            # waiting for the decoders, a slow client's body); it would log each as an error and answer a
            # bare 500. Answer in the error shape instead: nothing was done, try again (another process, or
            # this one restarted, will serve it). A response already under way can only be cut off.
            if response_started:
                raise
            log.warning("%s %s cancelled by the server shutting down", scope.get("method"), scope.get("path"))
            start, body = _json(503, "shutting_down", "The server is restarting; try again in a moment.",
                                [(b"retry-after", b"5"), (b"connection", b"close")])
            await send_wrapper(start)
            await send(body)
        finally:
            access_line(scope.get("method"), scope.get("path"), status, started)
            request_id_var.reset(token)


class TooLarge(Exception):
    """Raised inside the app's receive when the body passes the limit (caught by BodySizeLimitMiddleware)."""


class BodySizeLimitMiddleware:
    """Refuse bodies over the limit with 413: at once when Content-Length says so, and while streaming
    when it lies or is absent (chunked), before the app has read more than the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, overrides: dict[str, int] | None = None):
        self.app = app
        self.default_max = max_bytes
        self.overrides = overrides or {}  # exact paths that take more (uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", ""):  # %00: no route holds it, and no database text could
            start, body = _json(404, "not_found", "No such page.")
            await send(start)
            await send(body)
            return
        max_bytes = self.overrides.get(scope.get("path", ""), self.default_max)
        length = dict(scope["headers"]).get(b"content-length")
        too_big = f"The request body is larger than {max_bytes} bytes."
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0:
                start, body = _json(400, "bad_request", "Invalid Content-Length.")
                await send(start)
                await send(body)
                return
            if declared > max_bytes:
                start, body = _json(413, "payload_too_large", too_big, [(b"connection", b"close")])
                await send(start)
                await send(body)
                return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise TooLarge
            return message

        async def send_wrapper(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, send_wrapper)
        except TooLarge:
            if not response_started:
                start, body = _json(413, "payload_too_large", too_big, [(b"connection", b"close")])
                await send(start)
                await send(body)

# Test: pytest tests/http/test_app.py tests/http/test_logs.py
