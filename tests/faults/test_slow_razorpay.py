# tests/faults/test_slow_razorpay.py — Razorpay hanging while clients book: answers come within the client timeout, not the hang, and nothing is half-written.
from __future__ import annotations

import asyncio
import time

from tests.http.conftest import client  # noqa: F401
from tests.http.test_booking import approved_consultant, book, booking, every_day, lift_booking_limits, slots
from tests.http.test_payments import app, owner, razorpay_env, rzp  # noqa: F401

HANG = 30.0  # far past RAZORPAY_TIMEOUT (1 s in these fixtures)


async def test_a_hanging_razorpay_fails_bookings_fast_and_writes_nothing(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    await lift_booking_limits(db)  # six holds at once from the test client's one address
    free = await slots(client, c["slug"])
    conn = await owner(db)
    try:
        jobs_before = await conn.fetchval("select count(*) from procrastinate_jobs")  # the signup's own mail
    finally:
        await conn.close()
    rzp.hang_seconds = HANG
    rzp.failures = ["hang"] * 6
    started = time.monotonic()
    *answers, reads = await asyncio.gather(
        *(book(client, c["slug"], booking(free[i]["slot_id"], email=f"waiting{i}@example.com")) for i in range(6)),
        slots(client, c["slug"]))  # the public page still reads while the orders hang
    took = time.monotonic() - started
    # Bounded by the client timeout, not by the hang: every one answered long before Razorpay would have.
    assert took < HANG / 3, took
    assert [r.status_code for r in answers] == [502] * 6
    assert {r.json()["error"]["code"] for r in answers} == {"payment_gateway_unavailable"}
    assert len(reads) == len(free)
    assert sum(1 for r in rzp.requests if r["path"] == "/v1/orders") == 6
    conn = await owner(db)
    try:
        for table in ("sessions", "clients", "payment_transactions"):
            assert await conn.fetchval(f"select count(*) from app.{table}") == 0, table
        assert await conn.fetchval("select count(*) from app.email_logs where session_id is not null") == 0
        assert await conn.fetchval("select count(*) from procrastinate_jobs") == jobs_before
    finally:
        await conn.close()
    # Razorpay answers again: the same slots book at once (they were never held).
    again = await asyncio.gather(*(book(client, c["slug"], booking(free[i]["slot_id"], email=f"waiting{i}@example.com"))
                                   for i in range(6)))
    assert [r.status_code for r in again] == [201] * 6, [r.text for r in again]
    assert len({r.json()["checkout"]["order_id"] for r in again}) == 6

# Test: pytest tests/faults/test_slow_razorpay.py
