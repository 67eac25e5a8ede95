# tests/jobs/test_outbox.py — the outbox pattern end to end: queue in SQL with its job, a real worker sends it once.
from __future__ import annotations

import procrastinate
import pytest

import jobs.email
from app.adapters.email import ProviderError
from app.sql import _init_connection
from jobs.app import connected

VERIFY = {"verify_url": "https://nakksha.test/auth/verify-email?token=a&b=<c>", "valid_hours": 24}


async def queue(conn, email_type="verify_email", data=None, to="Asha@Example.com") -> str:
    return await conn.fetchval(
        "select app_private.queue_email($1, $2, 'Asha Verma', $3)", email_type, to, data or VERIFY)


async def owner(db):
    conn = await db.connect("owner")
    await _init_connection(conn)  # jsonb <-> Python, as the app has it
    return conn


async def run_worker(db) -> None:
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await job_app.run_worker_async(queues=["emails"], wait=False, install_signal_handlers=False)


async def test_committed_email_has_its_job_and_rolled_back_has_neither(db):
    conn = await owner(db)
    try:
        async with conn.transaction():
            log_id = await queue(conn)
        row = await conn.fetchrow("select status, recipient_email::text, attempts from app.email_logs where id = $1", log_id)
        assert (row["status"], row["recipient_email"], row["attempts"]) == ("queued", "asha@example.com", 0)
        jobs = await conn.fetch("select task_name, queue_name, args, status from procrastinate_jobs")
        assert [(j["task_name"], j["queue_name"], j["status"]) for j in jobs] == [("send_email", "emails", "todo")]
        assert jobs[0]["args"] == {"email_log_id": str(log_id)}

        tr = conn.transaction()
        await tr.start()
        await queue(conn, to="other@example.com")
        await tr.rollback()
        assert await conn.fetchval("select count(*) from app.email_logs") == 1
        assert await conn.fetchval("select count(*) from procrastinate_jobs") == 1
    finally:
        await conn.close()


async def test_app_role_cannot_queue_arbitrary_mail(db):
    import asyncpg

    conn = await db.connect("app")
    try:
        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
            await queue(conn)
    finally:
        await conn.close()


async def test_worker_sends_once_through_the_local_outbox(db):
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        await run_worker(db)
        log = await conn.fetchrow("select * from app.email_logs where id = $1", log_id)
        assert log["status"] == "sent" and log["provider"] == "local" and log["sent_at"] is not None
        assert log["subject"] == "Confirm your email for Nakksha"
        outbox = await conn.fetch("select * from app.email_outbox")
        assert len(outbox) == 1
        assert log["external_id"] == f"local_{outbox[0]['id']}"
        assert outbox[0]["to_email"] == "asha@example.com"
        # The name goes in the To header; a verification mail greets nobody by name (it may be a stranger's inbox).
        assert outbox[0]["to_name"] == "Asha Verma" and outbox[0]["text_body"].startswith("Hello,\n")
        # The link is escaped in HTML and verbatim in text.
        assert "b=&lt;c&gt;" in outbox[0]["html_body"] and "b=<c>" in outbox[0]["text_body"]
        assert await conn.fetchval("select status from procrastinate_jobs where task_name = 'send_email'") == "succeeded"

        # The same log queued again (a duplicate or retried job) sends nothing more.
        await conn.fetchval("select app_private.defer_job('send_email', jsonb_build_object('email_log_id', $1::text), 'emails')",
                            str(log_id))
        await run_worker(db)
        assert await conn.fetchval("select count(*) from app.email_outbox") == 1
        assert await conn.fetchval("select attempts from app.email_logs where id = $1", log_id) == 1
    finally:
        await conn.close()


async def test_unrenderable_email_fails_for_good_without_sending(db):
    conn = await owner(db)
    try:
        unknown = await queue(conn, email_type="no_such_template")
        missing_data = await queue(conn, data={"valid_hours": 24})  # no verify_url
        await run_worker(db)
        for log_id in (unknown, missing_data):
            log = await conn.fetchrow("select status, error_message from app.email_logs where id = $1", log_id)
            assert log["status"] == "failed" and log["error_message"].startswith("render:")
        assert await conn.fetchval("select count(*) from app.email_outbox") == 0
    finally:
        await conn.close()


class FlakySender:
    name = "flaky"

    def __init__(self, failures: int):
        self.failures, self.calls, self.keys = failures, 0, []

    async def send(self, message) -> str:
        self.calls += 1
        self.keys.append(message.idempotency_key)
        if self.calls <= self.failures:
            raise ProviderError("provider answered 503")
        return "ext-123"


@pytest.fixture
def immediate_retries(monkeypatch):
    strategy = procrastinate.RetryStrategy(max_attempts=jobs.email.MAX_ATTEMPTS - 1, wait=0,
                                           retry_exceptions={ProviderError, TimeoutError})
    monkeypatch.setattr(jobs.email.send_email, "retry_strategy", strategy)


async def drain(db, conn, rounds: int = 10) -> None:
    for _ in range(rounds):
        await run_worker(db)
        if not await conn.fetchval("select count(*) from procrastinate_jobs where task_name = 'send_email' and status in ('todo', 'doing')"):
            return


async def test_provider_errors_are_retried_then_succeed(db, monkeypatch, immediate_retries):
    sender = FlakySender(failures=2)
    monkeypatch.setattr(jobs.email, "email_sender", lambda pool: sender)
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        await drain(db, conn)
        log = await conn.fetchrow("select status, attempts, external_id, error_message from app.email_logs where id = $1", log_id)
        assert (log["status"], log["attempts"], log["external_id"]) == ("sent", 3, "ext-123")
        assert log["error_message"] is None
        assert sender.calls == 3 and len(set(sender.keys)) == 1  # every try carried the same idempotency key
    finally:
        await conn.close()


async def test_retries_are_bounded_and_end_failed(db, monkeypatch, immediate_retries):
    sender = FlakySender(failures=1000)
    monkeypatch.setattr(jobs.email, "email_sender", lambda pool: sender)
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        await drain(db, conn, rounds=jobs.email.MAX_ATTEMPTS + 3)
        log = await conn.fetchrow("select status, attempts, error_message, failed_at from app.email_logs where id = $1", log_id)
        assert log["status"] == "failed" and log["failed_at"] is not None
        assert log["attempts"] == jobs.email.MAX_ATTEMPTS == sender.calls
        assert "503" in log["error_message"]
    finally:
        await conn.close()



async def test_dev_outbox_pages_show_sent_mail_in_development_only(db):
    import httpx

    from tests.http.conftest import make_app

    conn = await owner(db)
    try:
        await queue(conn)
        await run_worker(db)
        message_id = await conn.fetchval("select id from app.email_outbox")
    finally:
        await conn.close()
    for env, visible in (("development", True), ("production", False)):
        application = make_app(db, env=env)
        async with application.router.lifespan_context(application), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=application), base_url="http://testserver") as client:
            listing = await client.get("/dev/outbox")
            page = await client.get(f"/dev/outbox/{message_id}")
            html = await client.get(f"/dev/outbox/{message_id}/html")
            if not visible:
                assert (listing.status_code, page.status_code, html.status_code) == (404, 404, 404)
                continue
            assert listing.status_code == 200 and "Confirm your email for Nakksha" in listing.text
            assert "asha@example.com" in listing.text and f"/dev/outbox/{message_id}" in listing.text
            assert page.status_code == 200 and "Please confirm that this is your email address" in page.text
            # The message's own HTML is served sandboxed, never with the app's privileges.
            assert html.status_code == 200 and "sandbox" in html.headers["content-security-policy"]
            assert (await client.get("/dev/outbox/not-a-uuid")).status_code == 404
            assert (await client.get(f"/dev/outbox/{db.name[2:]}00000000000000000000")).status_code == 404

# Test: pytest tests/jobs/test_outbox.py
