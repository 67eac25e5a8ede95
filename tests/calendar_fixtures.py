# tests/calendar_fixtures.py — fixtures and steps shared by the calendar tests: the fake providers, an app pointed at them, connecting.
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlparse

import pytest
from starlette.applications import Starlette

from app.config import Settings
from app.main import create_app
from tests.conftest import TEST_DATA_DIR
from tests.fake_calendar import FakeCalendar


@pytest.fixture
def cal() -> FakeCalendar:
    fake = FakeCalendar()
    yield fake
    fake.close()


@pytest.fixture
def calendar_env(cal, monkeypatch) -> dict:
    """The worker reads the providers from the environment, the app from its Settings: both see the fake."""
    for k, v in cal.env().items():
        monkeypatch.setenv(k, v)
    return cal.env()


@pytest.fixture
async def calendar_app(db, cal, calendar_env) -> AsyncIterator[Starlette]:
    """The app with both providers pointed at the fake (a test module uses it as its `app`)."""
    settings = Settings.from_env(calendar_env, database_url=db.admin_url, env="test", data_dir=TEST_DATA_DIR)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


async def connect(client, consultant: dict, cal: FakeCalendar, provider: str = "google") -> None:
    r = await client.post(f"/api/v1/integrations/{provider}/connect", headers=consultant["headers"])
    assert r.status_code == 200, r.text
    back = urlparse(cal.consent(r.json()["authorization_url"]))
    r = await client.get(f"{back.path}?{back.query}")
    assert r.status_code == 303 and "done=calendar_connected" in r.headers["location"], r.text


async def use_platform(client, consultant: dict, platform: str) -> None:
    r = await client.patch("/api/v1/consultants/me", headers=consultant["headers"], json={
        "default_meeting_platform": platform, "meet_link": "https://meet.google.com/personal-room",
        "teams_link": "https://teams.microsoft.com/l/personal-room"})
    assert r.status_code == 200, r.text


async def run_calendar_jobs(db) -> None:
    from tests.http.test_payments import run_jobs  # a test module: imported when used, not at plugin load
    await run_jobs(db, queues=("calendar",))


async def fetch(db, sql: str, *args) -> list:
    from tests.http.test_payments import owner
    conn = await owner(db)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def session_row(db, session_id: str):
    return (await fetch(db, "select * from app.sessions where id = $1", uuid.UUID(session_id)))[0]


async def mail_jobs(db, session_id: str) -> list:
    """The session's mails with their log status and their live job's schedule."""
    return await fetch(db, """
        select l.email_type, l.status, l.template_data, j.status as job_status,
               coalesce(j.scheduled_at, now()) as scheduled_at
        from app.email_logs l
        left join procrastinate_jobs j on j.task_name = 'send_email' and j.args->>'email_log_id' = l.id::text
                                      and j.status in ('todo', 'doing', 'succeeded')
        where l.session_id = $1 order by l.email_type""", uuid.UUID(session_id))

# Test: pytest tests/jobs/test_calendar.py tests/http/test_calendar_connect.py
