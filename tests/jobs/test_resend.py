# tests/jobs/test_resend.py — the Resend adapter through the official SDK against a fake Resend API (idempotency, rate limits), and Resend's Svix-signed delivery webhook.
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.jobs.test_outbox import owner, queue, run_worker

SECRET = "whsec_" + base64.b64encode(b"resend-test-signing-key-0123456").decode()


class FakeResend:
    """POST /emails like Resend: one id per Idempotency-Key (`ids` is the set really sent); can answer 429
    with retry-after, 500 ("down"), 503 ("unavailable") or "hang" (sleep hang_seconds, then answer), and can
    take `delay` seconds over every request (a slow provider)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.ids: dict[str, str] = {}
        self.failures: list[str] = []
        self.hang_seconds = 3.0
        self.delay = 0.0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                key = self.headers.get("Idempotency-Key")
                with fake.lock:
                    fake.requests.append({"path": self.path, "key": key, "body": body,
                                          "auth": self.headers.get("Authorization")})
                    mode = fake.failures.pop(0) if fake.failures else "ok"
                time.sleep(fake.delay)
                if mode == "hang":
                    time.sleep(fake.hang_seconds)
                if mode == "rate_limited":
                    return self._answer(429, {"statusCode": 429, "name": "rate_limit_exceeded",
                                              "message": "Too many requests"}, {"retry-after": "7"})
                if mode == "down":
                    return self._answer(500, {"statusCode": 500, "name": "application_error", "message": "Down"})
                if mode == "unavailable":
                    return self._answer(503, {"statusCode": 503, "name": "application_error",
                                              "message": "Service unavailable"})
                with fake.lock:
                    email_id = fake.ids.setdefault(key or uuid.uuid4().hex, f"re_{uuid.uuid4().hex[:12]}")
                return self._answer(200, {"id": email_id})

            def _answer(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout) or died (a killed worker): the send still happened

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def resend_api(monkeypatch):
    fake = FakeResend()
    monkeypatch.setenv("RESEND_API_KEY", "re_test_key")
    monkeypatch.setenv("RESEND_API_URL", fake.url)
    monkeypatch.setenv("RESEND_WEBHOOK_SECRET", SECRET)
    yield fake
    fake.server.shutdown()


async def test_mail_goes_through_the_resend_sdk_once_per_idempotency_key(db, resend_api):
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        await run_worker(db)
        [sent] = resend_api.requests
        assert sent["path"] == "/emails" and sent["auth"] == "Bearer re_test_key"
        assert sent["body"]["to"] == ["Asha Verma <asha@example.com>"] and "Confirm your email" in sent["body"]["subject"]
        log = await conn.fetchrow("select status, provider, external_id, idempotency_key from app.email_logs where id = $1",
                                  log_id)
        assert (log["status"], log["provider"]) == ("sent", "resend") and log["external_id"].startswith("re_")
        assert sent["key"] == log["idempotency_key"]
    finally:
        await conn.close()


async def test_a_rate_limit_is_waited_out_as_resend_says(db, resend_api):
    resend_api.failures = ["rate_limited"]
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        before = datetime.now(UTC)
        await run_worker(db)
        job = await conn.fetchrow("select status, scheduled_at, attempts from procrastinate_jobs where task_name = 'send_email'")
        log = await conn.fetchrow("select status, error_message from app.email_logs where id = $1", log_id)
        assert job["status"] == "todo" and log["status"] == "queued" and "Too many requests" in log["error_message"]
        assert job["scheduled_at"] >= before + timedelta(seconds=7)  # not hammered: retried after retry-after
        await conn.execute("update procrastinate_jobs set scheduled_at = now() where task_name = 'send_email'")
        await run_worker(db)
        assert await conn.fetchval("select status from app.email_logs where id = $1", log_id) == "sent"
        assert len(resend_api.requests) == 2 and len({r["key"] for r in resend_api.requests}) == 1
    finally:
        await conn.close()


def signed(body: bytes, msg_id: str | None = None, at: int | None = None, secret: str = SECRET) -> dict:
    """Computed here from Svix's published scheme, not with the app's code."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or int(time.time())
    key = base64.b64decode(secret.removeprefix("whsec_"))
    sig = base64.b64encode(hmac.new(key, f"{msg_id}.{at}.".encode() + body, hashlib.sha256).digest()).decode()
    return {"svix-id": msg_id, "svix-timestamp": str(at), "svix-signature": f"v1,{sig}",
            "content-type": "application/json"}


def event(kind: str, email_id: str) -> bytes:
    return json.dumps({"type": kind, "created_at": "2026-11-24T10:00:00Z",
                       "data": {"email_id": email_id, "to": ["asha@example.com"],
                                "bounce": {"message": "Mailbox does not exist"}}}).encode()


async def test_delivery_reports_move_the_log_and_bounces_suppress_the_address(db, resend_api, client):
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        await run_worker(db)
        email_id = await conn.fetchval("select external_id from app.email_logs where id = $1", log_id)
        body = event("email.delivered", email_id)
        headers = signed(body)
        r = await client.post("/api/v1/webhooks/resend", content=body, headers=headers)
        assert r.status_code == 200 and r.json()["outcome"] == "delivered"
        assert (await client.post("/api/v1/webhooks/resend", content=body, headers=headers)).json()["outcome"] == "duplicate"
        assert await conn.fetchval("select status from app.email_logs where id = $1", log_id) == "delivered"
        bounce = event("email.bounced", email_id)
        assert (await client.post("/api/v1/webhooks/resend", content=bounce, headers=signed(bounce))).status_code == 200
        log = await conn.fetchrow("select status, bounced_at, error_message from app.email_logs where id = $1", log_id)
        assert log["status"] == "bounced" and log["bounced_at"] and "Mailbox does not exist" in log["error_message"]
        # A late "delivered" never hides the bounce; later mail to the address is not sent.
        late = event("email.delivered", email_id)
        await client.post("/api/v1/webhooks/resend", content=late, headers=signed(late))
        assert await conn.fetchval("select status from app.email_logs where id = $1", log_id) == "bounced"
        again = await queue(conn, to="ASHA@example.com")
        await run_worker(db)
        log = await conn.fetchrow("select status, error_message from app.email_logs where id = $1", again)
        assert log["status"] == "failed" and log["error_message"] == "suppressed: bounced earlier"
        assert len(resend_api.requests) == 1
    finally:
        await conn.close()


async def test_forged_stale_and_unknown_reports_change_nothing(db, resend_api, client):
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        await run_worker(db)
        email_id = await conn.fetchval("select external_id from app.email_logs where id = $1", log_id)
        body = event("email.bounced", email_id)
        for headers in (signed(body, secret="whsec_" + base64.b64encode(b"another key").decode()),  # wrong secret
                        signed(body, at=int(time.time()) - 3600),                                 # replayed later
                        {**signed(body), "svix-signature": "v1,AAAA"},                            # forged
                        {k: v for k, v in signed(body).items() if k != "svix-signature"}):        # unsigned
            r = await client.post("/api/v1/webhooks/resend", content=body, headers=headers)
            assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_signature"
        tampered = signed(body)
        r = await client.post("/api/v1/webhooks/resend", content=body.replace(b"bounced", b"delivered"), headers=tampered)
        assert r.status_code == 400
        # Not (yet) ours: refused, so Resend retries it rather than it being lost.
        unknown = event("email.delivered", "re_not_ours")
        assert (await client.post("/api/v1/webhooks/resend", content=unknown, headers=signed(unknown))).status_code == 404
        assert await conn.fetchval("select status from app.email_logs where id = $1", log_id) == "sent"
        assert await conn.fetchval("select count(*) from app.email_suppressions") == 0
        assert await conn.fetchval("select count(*) from app.webhook_events where provider = 'resend'") == 0
    finally:
        await conn.close()


async def test_malformed_svix_headers_are_400_not_500(db, resend_api, client):
    body = event("email.delivered", "re_x")
    for bad in ({**signed(body), "svix-timestamp": "\u00b2"}, {**signed(body), "svix-timestamp": "9" * 5000},
                {**signed(body), "svix-signature": "v1,\u00e9\u00e9"}):
        headers = {k: v.encode("utf-8") for k, v in bad.items()}  # raw bytes, as a client can send them
        r = await client.post("/api/v1/webhooks/resend", content=body, headers=headers)
        assert r.status_code == 400, r.text

# Test: pytest tests/jobs/test_resend.py
