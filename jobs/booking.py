# jobs/booking.py — periodic booking upkeep: expired holds give their slot back; slots roll forward to the horizon; old Idempotency-Keys go.
from __future__ import annotations

import uuid

import procrastinate

from app.sql import run, run_long
from jobs.app import app, pool


@app.periodic(cron="* * * * *", periodic_id="abandon_expired_holds")
@app.task(name="abandon_expired_holds", queue="maintenance")
async def abandon_expired_holds(timestamp: int) -> int:
    """Every minute. Booking transactions also abandon a consultant's expired holds before deciding, so a
    late sweep never blocks a booking; this keeps the dashboards' statuses honest."""
    return await run(await pool(), "abandon_expired_holds")


@app.periodic(cron="5 0 * * *", periodic_id="rematerialise_slots")
@app.task(name="rematerialise_slots", queue="maintenance")
async def rematerialise_slots(timestamp: int) -> int:
    """Daily: queue one roll-forward per consultant with active rules (api.defer_slot_rollforwards), so each
    runs in its own transaction and one consultant's failure never stops the others."""
    return await run_long(await pool(), "defer_slot_rollforwards", ROLLFORWARD_TIMEOUT)


@app.task(name="rematerialise_consultant_slots", queue="maintenance",
          retry=procrastinate.RetryStrategy(max_attempts=5, wait=30, linear_wait=60))
async def rematerialise_consultant_slots(consultant_id: str) -> int:
    """One consultant's rule slots reach their horizon again (booked and one-off slots untouched). At the cap
    (max_future_slots) this writes tens of thousands of rows, so the transaction may run longer than a
    request's 5 s; a failure is logged by the worker and retried alone (after 30 s, 1.5, 2.5 and 3.5 min)."""
    return await run_long(await pool(), "rematerialise_consultant_slots", ROLLFORWARD_TIMEOUT,
                          consultant_id=uuid.UUID(consultant_id))


ROLLFORWARD_TIMEOUT = "2min"


@app.periodic(cron="27 3 * * *", periodic_id="prune_idempotency_keys")
@app.task(name="prune_idempotency_keys", queue="maintenance")
async def prune_idempotency_keys(timestamp: int) -> dict[str, int]:
    """Nightly: Idempotency-Keys older than 24 hours already count as absent, so their rows go; and the keyed
    hash of a visitor's address goes from every session that is no longer an open hold."""
    # A day of keys and every finished hold's address hash may be many rows: the role's 5 s is raised.
    return {"keys": await run_long(await pool(), "prune_idempotency_keys", "5min"),
            "addresses": await run_long(await pool(), "forget_hold_addresses", "5min")}

# Test: pytest tests/jobs/test_maintenance.py tests/jobs/test_booking_jobs.py
