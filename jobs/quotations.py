# jobs/quotations.py — the periodic expiry of quotations (sent or viewed, past expires_at → expired).
"""Reads already show a quotation past its expiry as expired and refuse to accept it; this job records the
status (so lists, stats and analysts agree) every five minutes. It skips rows an acceptance holds, and
the acceptance re-checks the expiry under the same row lock, so the two never both win."""
from __future__ import annotations

import logging

from app.sql import run
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.quotations")


@app.periodic(cron="*/5 * * * *", periodic_id="expire_quotations")
@app.task(name="expire_quotations", queue="maintenance")
async def expire_quotations(timestamp: int) -> int:
    moved = await run(await pool(), "expire_quotations")
    if moved:
        log.info("%s quotation(s) expired", moved)
    return moved

# Test: pytest tests/http/test_quotations.py
