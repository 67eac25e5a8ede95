# tests/faults/test_slot_rollforward_stuck.py — one consultant's roll-forward stuck past its statement timeout fails alone; everyone else's day is rolled.
"""The fault of issue 16: the daily roll-forward ran every consultant in one statement, so one consultant whose
slots took longer than the pool's timeout rolled back everyone's day. Here one consultant's roll-forward is held
(another session keeps that consultant's slot lock, as a long rule edit would) past the job's statement timeout
(lowered for the test): that job fails and is scheduled again, and every other consultant's missing day is added."""
from __future__ import annotations

from datetime import time

import jobs.booking
from app.sql import _init_connection
from tests.db import factories
from tests.jobs.test_slot_rollforward import last_day_removed, run_worker, slot_count


async def test_a_stuck_consultant_times_out_alone_and_the_rest_roll_forward(db, monkeypatch):
    monkeypatch.setattr(jobs.booking, "ROLLFORWARD_TIMEOUT", "300ms")
    owner = await db.connect("owner")
    await _init_connection(owner)
    holder = await db.connect("owner")
    try:
        ids = [await factories.consultant(owner, max_days_ahead=7) for _ in range(4)]
        for cid in ids:
            for weekday in range(1, 8):
                await factories.availability_rule(owner, cid, weekday=weekday, start_time=time(9), end_time=time(11))
            await owner.execute("select app_private.rematerialise_slots($1)", cid)
        full = {cid: await slot_count(owner, cid) for cid in ids}
        assert [await last_day_removed(owner, cid) for cid in ids] == [2, 2, 2, 2]
        stuck = ids[2]
        await holder.execute("begin")
        await holder.execute("select app_private.lock_consultant_slots($1)", stuck)

        assert await owner.fetchval("select api.defer_slot_rollforwards()") == 4
        await run_worker(db)

        assert [await slot_count(owner, cid) for cid in ids] == [full[c] - (2 if c == stuck else 0) for c in ids]
        failed = await owner.fetchrow("select (args->>'consultant_id')::uuid as cid, status::text, attempts from "
                                      "procrastinate_jobs where task_name = 'rematerialise_consultant_slots' "
                                      "and status <> 'succeeded'")
        assert (failed["cid"], failed["status"], failed["attempts"]) == (stuck, "todo", 1)

        await holder.execute("rollback")
        await owner.execute("update procrastinate_jobs set scheduled_at = now() where status = 'todo' "
                            "and task_name = 'rematerialise_consultant_slots'")
        await run_worker(db)
        assert await slot_count(owner, stuck) == full[stuck]
    finally:
        await holder.close()
        await owner.close()

# Test: pytest tests/faults/test_slot_rollforward_stuck.py
