# jobs/maintenance.py — periodic housekeeping of the job queue itself: re-queue jobs whose worker died.
"""Workers heartbeat every few seconds; a worker killed with SIGKILL leaves its jobs in `doing` forever.
Every minute one worker (Procrastinate's periodic deferrer takes a lock per period, so only one) finds
jobs whose worker has been silent for longer than STALLED_AFTER seconds and puts them back in the queue.
Tasks are idempotent, so a job that was in fact half done is safe to run again."""
from __future__ import annotations

import logging
import os

import croniter
import procrastinate

from app.sql import run, run_long
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.maintenance")

# Seconds a worker may stay silent before its `doing` jobs count as stalled (keep it well above the 10 s
# heartbeat), and how often to look (a cron; a sixth field counts seconds). The environment can shorten both:
# tests/faults/test_worker_kill.py does, so a killed worker's jobs come back within seconds, not minutes.
HEARTBEAT_SECONDS = 10  # Procrastinate's worker heartbeat


def stalled_after(value: str | None) -> float:
    """NAKKSHA_STALLED_AFTER_SECONDS, refused at start-up when it could re-queue jobs a live worker still runs
    (below 1.5 heartbeats) or is not a number: duplicate sends are worse than a worker that will not start."""
    try:
        seconds = float(value or "60")
    except ValueError:
        raise SystemExit(f"NAKKSHA_STALLED_AFTER_SECONDS={value!r} is not a number of seconds") from None
    if not seconds >= 1.5 * HEARTBEAT_SECONDS:
        raise SystemExit(f"NAKKSHA_STALLED_AFTER_SECONDS={value!r}: at least {1.5 * HEARTBEAT_SECONDS:g} s "
                         f"(workers heartbeat every {HEARTBEAT_SECONDS} s)")
    return seconds


def stalled_check_cron(value: str | None) -> str:
    """NAKKSHA_STALLED_CHECK_CRON: five fields, or six with seconds last, as Procrastinate's croniter reads it."""
    cron = (value or "").strip() or "* * * * *"
    if not croniter.croniter.is_valid(cron):
        raise SystemExit(f"NAKKSHA_STALLED_CHECK_CRON={value!r} is not a cron expression (5 fields, or 6 with seconds)")
    return cron


STALLED_AFTER = stalled_after(os.environ.get("NAKKSHA_STALLED_AFTER_SECONDS"))
STALLED_CHECK_CRON = stalled_check_cron(os.environ.get("NAKKSHA_STALLED_CHECK_CRON"))


@app.periodic(cron=STALLED_CHECK_CRON, periodic_id="retry_stalled_jobs")
@app.task(name="retry_stalled_jobs", queue="maintenance", pass_context=True)
async def retry_stalled_jobs(context: procrastinate.JobContext, timestamp: int) -> int:
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER))
    for job in stalled:
        log.warning("re-queueing stalled job %s (%s)", job.id, job.task_name)
        await manager.retry_job(job)
    return len(stalled)


@app.periodic(cron="* * * * *", periodic_id="cancel_runaway_analyst_queries")
@app.task(name="cancel_runaway_analyst_queries", queue="maintenance")
async def cancel_runaway_analyst_queries(timestamp: int) -> int:
    """Every minute: an analyst's statement running over two minutes is cancelled even if its session lifted the
    role's one-minute statement_timeout (PostgreSQL lets any session do that; db/functions/watchdog.sql)."""
    cancelled = await run(await pool(), "cancel_runaway_analyst_queries")
    if cancelled:
        log.warning("cancelled %d analyst statement(s) running past their bound", cancelled)
    return cancelled


@app.periodic(cron="17 3 * * *", periodic_id="prune_rate_limits")
@app.task(name="prune_rate_limits", queue="maintenance")
async def prune_rate_limits(timestamp: int) -> int:
    """Rate-limit windows older than a day are dead weight: drop them nightly."""
    return await run_long(await pool(), "prune_rate_limits", "5min")  # a day of counters may be many rows

# Test: pytest tests/jobs/test_maintenance.py
