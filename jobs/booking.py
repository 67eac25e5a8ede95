# jobs/booking.py — periodic booking upkeep: expired holds give their slot back; slots roll forward to the horizon; old Idempotency-Keys go.
from __future__ import annotations

from app.sql import run
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
    """Daily: every consultant's rule slots reach their booking horizon again (booked slots untouched)."""
    return await run(await pool(), "rematerialise_all_slots")

@app.periodic(cron="27 3 * * *", periodic_id="prune_idempotency_keys")
@app.task(name="prune_idempotency_keys", queue="maintenance")
async def prune_idempotency_keys(timestamp: int) -> dict[str, int]:
    """Nightly: Idempotency-Keys older than 24 hours already count as absent, so their rows go; and the keyed
    hash of a visitor's address goes from every session that is no longer an open hold."""
    return {"keys": await run(await pool(), "prune_idempotency_keys"),
            "addresses": await run(await pool(), "forget_hold_addresses")}

# Test: pytest tests/jobs/test_maintenance.py tests/jobs/test_booking_jobs.py
