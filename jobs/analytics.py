# jobs/analytics.py — keeps daily_analytics current: every minute, the days writes marked dirty are rebuilt.
"""The marks are written by triggers in the writing transaction (db/functions/app/analytics.sql); this job only
recomputes, in batches, with skip locked so several workers share it. Dashboards combine the stored days
with today's live rows, so a minute's lag never shows."""
from __future__ import annotations

import logging

from app.sql import run_long
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.analytics")
# Both may run longer than a request's 5 s on a big platform (a batch of 5000 days, a concurrent refresh of the
# views): their own transaction gets this bound instead (app.sql.run_long).
LONG_JOB_TIMEOUT = "10min"


@app.periodic(cron="* * * * *", periodic_id="refresh_daily_analytics")
@app.task(name="refresh_daily_analytics", queue="maintenance")
async def refresh_daily_analytics(timestamp: int) -> int:
    # Batches of up to 5000 marks until a batch finds none (a batch's count is of distinct days).
    done = 0
    for _ in range(100):
        batch = await run_long(await pool(), "refresh_daily_analytics", LONG_JOB_TIMEOUT, limit=5000)
        done += batch
        if batch == 0:
            break
    return done

@app.periodic(cron="*/5 * * * *", periodic_id="refresh_views")
@app.task(name="refresh_views", queue="maintenance", queueing_lock="refresh_views")
async def refresh_views(timestamp: int) -> list:
    """The analytics materialized views, every five minutes (platform setting view_refresh_minutes documents
    it; the cron is fixed here), CONCURRENTLY so dashboards and analysts keep reading meanwhile."""
    return await run_long(await pool(), "refresh_views", LONG_JOB_TIMEOUT)

# Test: pytest tests/db/test_daily_analytics.py tests/meta/test_cli.py
