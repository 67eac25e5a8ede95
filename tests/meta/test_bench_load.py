# tests/meta/test_bench_load.py — bench/load.py's pgbench scripts still run against the current SQL functions (the cheap part of a smoke run).
"""The full benchmark is run by hand (it takes minutes); what rots silently is the SQL it hands pgbench when a
function's signature changes, so that part runs here for a second on the test database."""
from __future__ import annotations

import psycopg

from bench._common import pgbench
from bench.booking import PGBENCH_SLOTS
from bench.booking import seed as seed_read_consultant
from bench.load import BOOK_PREFIX, PGBENCH_BOOKING, SlotQueue, seed_booking_consultants


def test_the_load_benchmarks_pgbench_scripts_run_without_errors(db, tmp_path):
    seed_read_consultant(db.admin_url, price="1499.00")
    queued = seed_booking_consultants(db.admin_url, 1)
    assert queued > 10_000  # a year of 30-minute slots, 06:00–22:00 every day
    slots = SlotQueue(db.admin_url)
    slots.next = 5  # as if HTTP bookings had taken the first five
    slots.hand_to_pgbench(db.admin_url)
    booked = pgbench("booking", db.admin_url, tmp_path, PGBENCH_BOOKING, clients=2, threads=1, duration=1)
    assert booked.errors == 0 and booked.requests > 0, booked
    slots.back_from_pgbench(db.admin_url)
    assert slots.next >= 5 + booked.requests
    with psycopg.connect(db.admin_url) as conn:
        sessions = conn.execute(
            "select count(*), count(*) filter (where s.status = 'pending'), count(distinct s.slot_id), "
            "count(p.id) from app.sessions s join app.consultants c on c.id = s.consultant_id "
            "left join app.payment_transactions p on p.session_id = s.id where c.slug like %s",
            (BOOK_PREFIX + "%",)).fetchone()
    assert sessions[0] >= booked.requests and sessions[0] == sessions[1] == sessions[2] == sessions[3], sessions
    read = pgbench("slots", db.admin_url, tmp_path, PGBENCH_SLOTS, clients=2, threads=1, duration=1)
    assert read.errors == 0 and read.requests > 0, read

# Test: pytest tests/meta/test_bench_load.py
