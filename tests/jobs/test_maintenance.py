# tests/jobs/test_maintenance.py — a job left in `doing` by a dead worker is re-queued and then done exactly once.
from __future__ import annotations

import pytest

from app.sql import _init_connection
from jobs.app import connected
from jobs.maintenance import stalled_after, stalled_check_cron


async def run_worker(db, queue: str) -> None:
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await job_app.run_worker_async(queues=[queue], wait=False, install_signal_handlers=False)


async def test_stalled_job_of_a_dead_worker_is_retried_once(db):
    conn = await db.connect("owner")
    await _init_connection(conn)
    try:
        log_id = await conn.fetchval(
            "select app_private.queue_email('verify_email', 'dead@example.com', 'D', $1)",
            {"verify_url": "https://x.test/v", "valid_hours": 24})
        # A worker that took the job and then died (SIGKILL): its heartbeat stopped five minutes ago. (Taking a
        # job refreshes a worker's heartbeat, so it is aged after.)
        dead = await conn.fetchval("insert into procrastinate_workers default values returning id")
        await conn.execute("update procrastinate_jobs set status = 'doing', worker_id = $1 where task_name = 'send_email'",
                           dead)
        await conn.execute("update procrastinate_workers set last_heartbeat = now() - interval '5 minutes' "
                           "where id = $1", dead)
        # A live worker's job is left alone.
        alive = await conn.fetchval("insert into procrastinate_workers default values returning id")
        other = await conn.fetchval(
            "select app_private.defer_job('send_email', '{\"email_log_id\": \"00000000-0000-0000-0000-000000000000\"}', 'emails')")
        await conn.execute("update procrastinate_jobs set status = 'doing', worker_id = $1 where id = $2", alive, other)

        await conn.execute("select app_private.defer_job('retry_stalled_jobs', '{\"timestamp\": 0}', 'maintenance')")
        await run_worker(db, "maintenance")
        statuses = dict(await conn.fetch("select id, status::text from procrastinate_jobs where task_name = 'send_email'"))
        assert statuses[other] == "doing"
        assert sorted(statuses.values()) == ["doing", "todo"]

        await run_worker(db, "emails")
        assert await conn.fetchval("select status from app.email_logs where id = $1", log_id) == "sent"
        assert await conn.fetchval("select count(*) from app.email_outbox") == 1
    finally:
        await conn.close()

def test_stall_settings_that_could_duplicate_work_stop_the_worker_at_start():
    assert stalled_after(None) == 60 and stalled_after("") == 60 and stalled_after("15") == 15
    for bad in ("abc", "0", "-5", "9", "nan"):
        with pytest.raises(SystemExit, match="NAKKSHA_STALLED_AFTER_SECONDS"):
            stalled_after(bad)
    assert stalled_check_cron(None) == "* * * * *" and stalled_check_cron("* * * * * */3") == "* * * * * */3"
    for bad in ("every minute", "* * *", "61 * * * *"):
        with pytest.raises(SystemExit, match="NAKKSHA_STALLED_CHECK_CRON"):
            stalled_check_cron(bad)


# Test: pytest tests/jobs/test_maintenance.py
