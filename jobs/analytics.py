# jobs/analytics.py — keeps daily_analytics current: every minute, the days writes marked dirty are rebuilt.
"""The marks are written by triggers in the writing transaction (migration 20261124102100); this job only
recomputes, in batches, with skip locked so several workers share it. Dashboards combine the stored days
with today's live rows, so a minute's lag never shows."""
from __future__ import annotations

import logging

from app.sql import run
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.analytics")


@app.periodic(cron="* * * * *", periodic_id="refresh_daily_analytics")
@app.task(name="refresh_daily_analytics", queue="maintenance")
async def refresh_daily_analytics(timestamp: int) -> int:
    # Batches of up to 5000 marks until a batch finds none (a batch's count is of distinct days).
    done = 0
    for _ in range(100):
        batch = await run(await pool(), "refresh_daily_analytics", limit=5000)
        done += batch
        if batch == 0:
            break
    return done

# Test: pytest tests/db/test_daily_analytics.py
