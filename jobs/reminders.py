# jobs/reminders.py — session reminders: the every-minute sweep that queues those falling due, and send_session_reminder, which queues the mail if it still applies.
"""A session's client gets one reminder per offset of the schedule in force (app.reminder_schedule: the consultant's
own while their plan includes custom_reminders, else the platform's reminder_hours_before), each due that long
before the start. Its job is queued when it falls due, under the queueing lock `reminder:<session id>`: at once by
the database (app.queue_session_reminder) when a session is confirmed or moved inside that minute, else by
queue_due_reminders below (app.sessions.reminder_next_at says when to look); each once per start time and offset
(app.session_reminders); moving or cancelling the session cancels a queued one. Reminders are not queued ahead: Procrastinate's fetch walks every job queued
ahead, so a year of them made each fetch of every worker slow (issue 20). Whether to mail is decided again in SQL
when the job runs, so a job that slipped through (already running when the session moved) mails nobody."""
from __future__ import annotations

import logging
from datetime import datetime

from app.sql import run
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.reminders")


@app.periodic(cron="* * * * *", periodic_id="queue_due_reminders")
@app.task(name="queue_due_reminders", queue="maintenance")
async def queue_due_reminders(timestamp: int) -> int:
    """Every minute: queue the reminders falling due by the next run (api.worker_queue_due_reminders), a batch per
    transaction until a batch comes back short: sessions cluster on the hour, and a minute's reminders past one
    batch would otherwise wait a minute a batch."""
    queued = 0
    for _ in range(REMINDER_BATCHES_PER_RUN):
        batch = await run(await pool(), "worker_queue_due_reminders", limit=REMINDER_BATCH)
        queued += batch
        if batch < REMINDER_BATCH:
            break
    return queued


REMINDER_BATCH = 1000  # one transaction's worth
REMINDER_BATCHES_PER_RUN = 60  # 60,000 a minute at most (a batch takes ~0.8 s); the rest the next minute


@app.task(name="send_session_reminder", queue="emails")
async def send_session_reminder(session_id: str, starts_at: str, minutes_before: int | None = None) -> str:
    # minutes_before: which reminder of the schedule (jobs queued before schedules carried none: the platform's).
    outcome = await run(await pool(), "worker_session_reminder", session_id=session_id,
                        starts_at=datetime.fromisoformat(starts_at), minutes_before=minutes_before)
    if outcome != "queued":
        log.info("reminder for session %s not sent: %s", session_id, outcome)
    return outcome

# Test: pytest tests/jobs/test_reminders.py
