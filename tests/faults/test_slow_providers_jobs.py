# tests/faults/test_slow_providers_jobs.py — Resend and Google down (503) or hanging past the client timeout: the jobs back off, then succeed once it returns, nothing lost or doubled.
from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from tests.calendar_fixtures import connect, fetch, run_calendar_jobs, session_row, use_platform
from tests.http.conftest import client  # noqa: F401
from tests.jobs.test_calendar import book_free, free_consultant, outbox, send_due_mail
from tests.jobs.test_outbox import owner, queue, run_worker
from tests.jobs.test_resend import FakeResend


@pytest.fixture
def app(calendar_app):
    """The app talks to the fake Google and Microsoft."""
    return calendar_app


@pytest.fixture
def resend_api(monkeypatch):
    fake = FakeResend()
    monkeypatch.setenv("RESEND_API_KEY", "re_test_key")
    monkeypatch.setenv("RESEND_API_URL", fake.url)
    monkeypatch.setenv("RESEND_TIMEOUT", "1")
    yield fake
    fake.server.shutdown()


async def test_mail_backs_off_while_resend_is_down_or_hangs_then_goes_once(db, resend_api):
    resend_api.failures = ["unavailable", "hang"]
    resend_api.hang_seconds = 4.0  # past RESEND_TIMEOUT; the fake still takes the email when it wakes
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        for failure in ("unavailable", "hang"):
            started = time.monotonic()
            await run_worker(db)
            assert time.monotonic() - started < resend_api.hang_seconds, failure  # the timeout, not the hang
            job = await conn.fetchrow("select status, attempts, scheduled_at from procrastinate_jobs "
                                      "where task_name = 'send_email'")
            log = await conn.fetchrow("select status, error_message from app.email_logs where id = $1", log_id)
            assert job["status"] == "todo" and job["scheduled_at"] > datetime.now(UTC), (failure, job)  # backs off
            assert log["status"] == "queued" and log["error_message"], (failure, log)
            await conn.execute("update procrastinate_jobs set scheduled_at = now() where task_name = 'send_email'")
        # Resend is back: the next attempt sends it.
        await run_worker(db)
        log = await conn.fetchrow("select status, external_id, idempotency_key from app.email_logs where id = $1",
                                  log_id)
        assert log["status"] == "sent"
        # Three requests, one key: the one that hung and the one that went through are the same email.
        await asyncio.sleep(resend_api.hang_seconds)  # let the hung request finish at the fake
        assert len(resend_api.requests) == 3 and {r["key"] for r in resend_api.requests} == {log["idempotency_key"]}
        assert list(resend_api.ids.values()) == [log["external_id"]]
        # Two failed attempts and the one that sent (of the 6 the task allows).
        assert await conn.fetchval("select attempts from procrastinate_jobs where task_name = 'send_email'") == 3
    finally:
        await conn.close()


async def test_a_hanging_calendar_is_retried_and_the_session_gets_one_event_and_its_link(client, db, cal):  # noqa: F811
    c = await free_consultant(client, db)
    await use_platform(client, c, "meet")
    await connect(client, c, cal)
    await run_calendar_jobs(db)  # the initial busy fetch
    b = await book_free(client, c)
    cal.hang_seconds = 5.0  # past CALENDAR_TIMEOUT (2 s); the fake still makes the event when it wakes
    cal.failures = ["hang"]
    started = time.monotonic()
    await run_calendar_jobs(db)
    assert time.monotonic() - started < cal.hang_seconds
    [job] = await fetch(db, "select status, attempts, scheduled_at from procrastinate_jobs "
                            "where task_name = 'sync_calendar_event' order by id desc limit 1")
    assert job["status"] == "todo" and job["attempts"] == 1 and job["scheduled_at"] > datetime.now(UTC)
    assert (await session_row(db, b["session_id"]))["meeting_source"] is None
    await asyncio.sleep(cal.hang_seconds)  # the provider made the event after the client had given up
    await fetch(db, "update procrastinate_jobs set scheduled_at = now() "
                    "where task_name = 'sync_calendar_event' and status = 'todo'")
    await run_calendar_jobs(db)
    s = await session_row(db, b["session_id"])
    [event] = cal.live_events("google")  # the retry found it rather than making a second one
    assert s["meeting_source"] == "google" and s["meeting_link"] == event["hangoutLink"]
    await send_due_mail(db)
    assert event["hangoutLink"] in (await outbox(db, b["session_id"]))["session_confirmation"]

# Test: pytest tests/faults/test_slow_providers_jobs.py
