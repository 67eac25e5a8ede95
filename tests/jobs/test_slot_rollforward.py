# tests/jobs/test_slot_rollforward.py — the daily roll-forward through a real worker: one job per consultant, so one consultant's failure is retried alone and never stops the others.
from __future__ import annotations

from datetime import time

from app.sql import _init_connection
from jobs.app import connected
from tests.db import factories


async def run_worker(db) -> None:
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await job_app.run_worker_async(queues=["maintenance"], wait=False, install_signal_handlers=False)


async def last_day_removed(owner, cid) -> int:
    """As a day passing leaves it: the horizon's last local day has no slots yet."""
    return int((await owner.execute(
        "delete from app.availability_slots s using app.consultants c where c.id = s.consultant_id and c.id = $1 "
        "and s.date = (now() at time zone c.timezone)::date + c.max_days_ahead", cid)).split()[-1])


async def slot_count(owner, cid) -> int:
    return await owner.fetchval("select count(*) from app.availability_slots where consultant_id = $1", cid)


async def test_one_consultants_failing_roll_forward_is_retried_alone_and_the_others_roll(db):
    owner = await db.connect("owner")
    await _init_connection(owner)
    try:
        ids = [await factories.consultant(owner, max_days_ahead=10, approved=i != 1) for i in range(3)]
        for cid in ids:
            for weekday in range(1, 8):
                await factories.availability_rule(owner, cid, weekday=weekday, start_time=time(9), end_time=time(12))
            await owner.execute("select app_private.rematerialise_slots($1)", cid)
        full = {cid: await slot_count(owner, cid) for cid in ids}
        assert [await last_day_removed(owner, cid) for cid in ids] == [3, 3, 3]
        # One consultant's roll-forward fails (a fault put in this test database only): any error at all.
        await owner.execute(f"""
            create function public.trap() returns trigger language plpgsql as $$
            begin
              if new.consultant_id = '{ids[1]}' then raise exception 'injected failure'; end if;
              return new;
            end $$;
            create trigger trap before insert on app.availability_slots for each row execute function public.trap();""")
        # A deactivated consultant and one without rules get no job.
        gone = await factories.consultant(owner, is_active=False)
        await factories.availability_rule(owner, gone)
        await factories.consultant(owner)

        worker = await db.connect("worker")
        try:
            assert await worker.fetchval("select api.defer_slot_rollforwards()") == 3
            assert await worker.fetchval("select api.defer_slot_rollforwards()") == 0  # yesterday's still waiting
        finally:
            await worker.close()
        await run_worker(db)

        assert await slot_count(owner, ids[0]) == full[ids[0]] and await slot_count(owner, ids[2]) == full[ids[2]]
        assert await slot_count(owner, ids[1]) == full[ids[1]] - 3
        jobs = {r["cid"]: r for r in await owner.fetch(
            "select (args->>'consultant_id')::uuid as cid, status::text, attempts, scheduled_at > now() as later "
            "from procrastinate_jobs where task_name = 'rematerialise_consultant_slots'")}
        assert {cid: jobs[cid]["status"] for cid in ids} == {ids[0]: "succeeded", ids[1]: "todo", ids[2]: "succeeded"}
        assert (jobs[ids[1]]["attempts"], jobs[ids[1]]["later"]) == (1, True)  # retried later, alone

        # The fault is gone by the retry: that consultant's day is added then.
        await owner.execute("drop trigger trap on app.availability_slots")
        await owner.execute("update procrastinate_jobs set scheduled_at = now() where status = 'todo' "
                            "and task_name = 'rematerialise_consultant_slots'")
        await run_worker(db)
        assert await slot_count(owner, ids[1]) == full[ids[1]]
        assert await owner.fetchval("select count(*) from procrastinate_jobs where task_name = "
                                    "'rematerialise_consultant_slots' and status <> 'succeeded'") == 0
    finally:
        await owner.close()


async def test_the_daily_periodic_task_fans_out_and_the_jobs_roll_every_consultant(db):
    owner = await db.connect("owner")
    await _init_connection(owner)
    try:
        ids = [await factories.consultant(owner, max_days_ahead=7) for _ in range(2)]
        for cid in ids:
            await factories.availability_rule(owner, cid, weekday=1, start_time=time(9), end_time=time(11))
        # The periodic task as Procrastinate defers it at 00:05: it queues the per-consultant jobs, which run.
        await owner.execute("select app_private.defer_job('rematerialise_slots', '{\"timestamp\": 0}', 'maintenance')")
        await run_worker(db)
        for cid in ids:
            assert await owner.fetchval("select count(*) from app.availability_slots where consultant_id = $1 and "
                                        "source = 'rule'", cid) > 0
        assert await owner.fetchval("select count(*) from procrastinate_jobs where task_name = "
                                    "'rematerialise_consultant_slots' and status = 'succeeded'") == 2
        # Behind everything else in the queue (a lower priority), so mails are never queued behind thousands.
        assert await owner.fetchval("select min(priority) from procrastinate_jobs where task_name = "
                                    "'rematerialise_consultant_slots'") < 0
    finally:
        await owner.close()

# Test: pytest tests/jobs/test_slot_rollforward.py
