# tests/jobs/test_booking_jobs.py — booking upkeep run by a real worker: Idempotency-Keys older than a day are pruned, younger ones kept.
from __future__ import annotations

from tests.db import factories
from tests.jobs.test_maintenance import run_worker


async def test_the_nightly_job_prunes_idempotency_keys_older_than_a_day(db):
    conn = await db.connect("owner")
    try:
        cid = await factories.consultant(conn)
        await conn.execute(
            "insert into app.idempotency_keys (consultant_id, scope, key, request_sha256, created_at) values "
            "($1, 'book_slot', 'old', sha256('a'), now() - interval '25 hours'), "
            "($1, 'book_slot', 'new', sha256('b'), now() - interval '23 hours')", cid)
        await conn.execute("select app_private.defer_job('prune_idempotency_keys', '{\"timestamp\": 0}', 'maintenance')")
        await run_worker(db, "maintenance")
        assert [r["key"] for r in await conn.fetch("select key from app.idempotency_keys")] == ["new"]
        assert await conn.fetchval("select status::text from procrastinate_jobs "
                                   "where task_name = 'prune_idempotency_keys'") == "succeeded"
    finally:
        await conn.close()

# Test: pytest tests/jobs/test_booking_jobs.py
