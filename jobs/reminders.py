# jobs/reminders.py — send_session_reminder: the scheduled job that queues a session's reminder mail, if it still applies.
"""Deferred by the database (app.schedule_session_reminder) at the session's start minus the platform's
reminder_hours_before, under the queueing lock `reminder:<session id>`; moving or cancelling the session
cancels it. Whether to mail is decided again in SQL when it runs, so a job that slipped through (already
running when the session moved) mails nobody."""
from __future__ import annotations

import logging
from datetime import datetime

from app.sql import run
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.reminders")


@app.task(name="send_session_reminder", queue="emails")
async def send_session_reminder(session_id: str, starts_at: str) -> str:
    outcome = await run(await pool(), "worker_session_reminder", session_id=session_id,
                        starts_at=datetime.fromisoformat(starts_at))
    if outcome != "queued":
        log.info("reminder for session %s not sent: %s", session_id, outcome)
    return outcome

# Test: pytest tests/jobs/test_reminders.py
