# tests/jobs/test_booking_jobs.py — booking upkeep run by a real worker: Idempotency-Keys older than a day are pruned, and address hashes leave sessions that are no longer open holds.
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.db import factories
from tests.jobs.test_maintenance import run_worker


async def test_the_nightly_job_prunes_old_keys_and_forgets_addresses_of_closed_holds(db):
    conn = await db.connect("owner")
    try:
        cid = await factories.consultant(conn)
        await conn.execute(
            "insert into app.idempotency_keys (consultant_id, scope, key, request_sha256, created_at) values "
            "($1, 'book_slot', 'old', sha256('a'), now() - interval '25 hours'), "
            "($1, 'book_slot', 'new', sha256('b'), now() - interval '23 hours')", cid)
        # An open hold keeps its address hash (its holds are counted); a session paid or abandoned does not.
        client = await factories.client(conn, cid)
        held = await factories.session(conn, cid, client, status="pending")
        paid = await factories.session(conn, cid, client, starts_at=datetime.now(UTC) + timedelta(days=5))
        await conn.execute("update app.sessions set client_ip_hash = sha256('203.0.113.1'::bytea)")
        await conn.execute("select app_private.defer_job('prune_idempotency_keys', '{\"timestamp\": 0}', 'maintenance')")
        await run_worker(db, "maintenance")
        assert [r["key"] for r in await conn.fetch("select key from app.idempotency_keys")] == ["new"]
        kept = dict(await conn.fetch("select id, client_ip_hash is not null from app.sessions"))
        assert kept == {held: True, paid: False}
        assert await conn.fetchval("select status::text from procrastinate_jobs "
                                   "where task_name = 'prune_idempotency_keys'") == "succeeded"
    finally:
        await conn.close()

# Test: pytest tests/jobs/test_booking_jobs.py
