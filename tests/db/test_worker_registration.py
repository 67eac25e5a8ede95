# tests/db/test_worker_registration.py — a job worker whose row another worker pruned while it was alive takes its next job instead of dying on procrastinate_jobs_worker_id_fkey.
"""The cause of issue 16's "ForeignKeyViolation … procrastinate_jobs_worker_id_fkey" at worker start-up, in SQL, as
the worker role the workers log in as: a starting worker deletes the rows of workers silent for longer than its
stalled_worker_timeout (procrastinate_prune_stalled_workers_v1); a worker that was only paused then fetched with
its deleted id and the foreign key killed it. The fetch now registers its worker again."""
from __future__ import annotations

import asyncio

import asyncpg

DEFER = ("select procrastinate_defer_jobs_v1(array[row('emails', 'send_email', 0, null, null, "
         "'{\"email_log_id\": \"00000000-0000-0000-0000-000000000000\"}'::jsonb, null)::procrastinate_job_to_defer_v1])")


async def registered_then_pruned(conn: asyncpg.Connection) -> int:
    worker = await conn.fetchval("select worker_id from procrastinate_register_worker_v1()")
    await conn.execute(DEFER)
    # Silent for five minutes (paused, or cut off by a database restart), then a new worker starts and prunes.
    await conn.execute("update procrastinate_workers set last_heartbeat = now() - interval '5 minutes' where id = $1",
                       worker)
    pruned = await conn.fetch("select worker_id from procrastinate_prune_stalled_workers_v1(30)")
    assert [r["worker_id"] for r in pruned] == [worker]
    return worker


async def test_a_pruned_live_worker_takes_its_next_job_and_is_registered_again(db):
    conn = await db.connect("worker")
    try:
        worker = await registered_then_pruned(conn)
        job = await conn.fetchrow("select * from procrastinate_fetch_job_v2(array['emails']::varchar[], $1)", worker)
        assert job["id"] is not None and job["worker_id"] == worker and job["status"] == "doing"
        alive = await conn.fetchrow("select id, now() - last_heartbeat < interval '1 second' as fresh "
                                    "from procrastinate_workers")
        assert (alive["id"], alive["fresh"]) == (worker, True)
        # And its job is not someone else's stalled job: the heartbeat lookup does not return it.
        stalled = await conn.fetch("""
            select j.id from procrastinate_jobs j left join procrastinate_workers w on w.id = j.worker_id
            where j.status = 'doing' and (j.worker_id is null or w.last_heartbeat < now() - interval '30 seconds')""")
        assert stalled == []
    finally:
        await conn.close()


async def test_a_fetch_with_no_job_leaves_the_table_alone(db):
    conn = await db.connect("worker")
    try:
        worker = await registered_then_pruned(conn)
        await conn.execute("delete from procrastinate_jobs")
        job = await conn.fetchrow("select * from procrastinate_fetch_job_v2(array['emails']::varchar[], $1)", worker)
        assert job["id"] is None
        assert await conn.fetchval("select count(*) from procrastinate_workers") == 0
    finally:
        await conn.close()


async def test_a_prune_racing_a_fetch_waits_and_then_keeps_the_worker(db):
    """The fetch holds its worker's row until it commits; the prune that arrives meanwhile waits for it, then finds
    a fresh heartbeat and deletes nothing, so the job just taken keeps its worker."""
    fetcher, pruner = await db.connect("worker"), await db.connect("worker")
    try:
        worker = await fetcher.fetchval("select worker_id from procrastinate_register_worker_v1()")
        await fetcher.execute(DEFER)
        await fetcher.execute("update procrastinate_workers set last_heartbeat = now() - interval '5 minutes'")
        tr = fetcher.transaction()
        await tr.start()
        job = await fetcher.fetchrow("select * from procrastinate_fetch_job_v2(array['emails']::varchar[], $1)", worker)
        prune = asyncio.create_task(pruner.fetch("select worker_id from procrastinate_prune_stalled_workers_v1(30)"))
        await asyncio.sleep(0.3)
        assert not prune.done(), "the prune did not wait for the fetch"
        await tr.commit()
        assert await asyncio.wait_for(prune, 10) == []
        row = await pruner.fetchrow("select worker_id, status::text from procrastinate_jobs where id = $1", job["id"])
        assert (row["worker_id"], row["status"]) == (worker, "doing")
    finally:
        await fetcher.close()
        await pruner.close()


async def test_procrastinates_own_functions_are_the_ones_this_relies_on(db):
    """Pinned internals: an upgrade of Procrastinate that changes how a worker registers, fetches or prunes fails here."""
    conn = await db.connect("owner")
    try:
        defs = dict(await conn.fetch(
            "select p.proname, pg_get_functiondef(p.oid) from pg_proc p where p.proname in "
            "('procrastinate_fetch_job_v2', 'procrastinate_prune_stalled_workers_v1', 'procrastinate_register_worker_v1')"))
        assert "SET status = 'doing', worker_id = p_worker_id" in defs["procrastinate_fetch_job_v2"]
        assert "DELETE FROM procrastinate_workers" in defs["procrastinate_prune_stalled_workers_v1"]
        fk = await conn.fetchval("select pg_get_constraintdef(oid) from pg_constraint "
                                 "where conname = 'procrastinate_jobs_worker_id_fkey'")
        assert fk == "FOREIGN KEY (worker_id) REFERENCES procrastinate_workers(id) ON DELETE SET NULL"
    finally:
        await conn.close()



# Test: pytest tests/db/test_worker_registration.py
