# jobs/maintenance.py — periodic housekeeping of the job queue itself: re-queue jobs whose worker died.
"""Workers heartbeat every few seconds; a worker killed with SIGKILL leaves its jobs in `doing` forever.
Every minute one worker (Procrastinate's periodic deferrer takes a lock per period, so only one) finds
jobs whose worker has been silent for longer than STALLED_AFTER seconds and puts them back in the queue.
Tasks are idempotent, so a job that was in fact half done is safe to run again."""
from __future__ import annotations

import logging

import procrastinate

from app.sql import run
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.maintenance")

STALLED_AFTER = 60


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(name="retry_stalled_jobs", queue="maintenance", pass_context=True)
async def retry_stalled_jobs(context: procrastinate.JobContext, timestamp: int) -> int:
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER))
    for job in stalled:
        log.warning("re-queueing stalled job %s (%s)", job.id, job.task_name)
        await manager.retry_job(job)
    return len(stalled)


@app.periodic(cron="17 3 * * *", periodic_id="prune_rate_limits")
@app.task(name="prune_rate_limits", queue="maintenance")
async def prune_rate_limits(timestamp: int) -> int:
    """Rate-limit windows older than a day are dead weight: drop them nightly."""
    return await run(await pool(), "prune_rate_limits")

# Test: pytest tests/jobs/test_maintenance.py
