# tests/db/test_reminder_schedules.py — a consultant's own client reminder schedule in SQL: saved only on a plan with custom_reminders (as the app role), kept through a downgrade, and the sweep sending one reminder per entry per start time (moves, cancels, races, a lapsing plan).
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_plans import UPGRADE, acting, set_plan
from tests.http.test_payments import run_jobs


async def sweep(db, at: datetime) -> int:
    worker = await db.connect("worker")
    try:
        return await worker.fetchval("select api.worker_queue_due_reminders(1000, $1)", at)
    finally:
        await worker.close()


async def reminders(owner, sid) -> list[tuple]:
    return [tuple(r) for r in await owner.fetch(
        "select starts_at, minutes_before, sent_at is not null from app.session_reminders where session_id = $1 "
        "order by starts_at, minutes_before desc", sid)]


async def with_schedule(db, owner, minutes: list[int], plan: str = "basic", expires_at=None):
    cid = await factories.consultant(owner)
    await set_plan(owner, cid, plan, expires_at)
    async with acting(db, cid) as me:
        saved = json.loads(await me.fetchval("select api.set_my_reminder_schedule($1::jsonb)", json.dumps(minutes)))
    return cid, saved


def start_in(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


async def test_only_a_plan_with_custom_reminders_saves_a_schedule_and_a_downgrade_keeps_it(db, owner):
    cid = await factories.consultant(owner)
    async with acting(db, cid) as me:
        mine = json.loads(await me.fetchval("select api.my_reminder_schedule()"))
        assert mine == {"minutes_before": None, "in_force": [1440], "platform_minutes_before": [1440],
                        "custom_reminders": False, "plan": "Free", "upgrade_plan": "Basic"}
        err = await me.refused("NK403", "select api.set_my_reminder_schedule('[60]')", message="plan_limit")
        assert err.detail == "Your Free plan does not include your own reminder schedule; Basic does." + UPGRADE
        assert err.hint == "field:minutes_before"
        await me.fetchval("select api.set_my_reminder_schedule('null')")  # the platform's: always allowed
        await set_plan(owner, cid, "basic")
        mine = json.loads(await me.fetchval("select api.set_my_reminder_schedule('[60, 2880, 15]')"))
        assert mine["minutes_before"] == mine["in_force"] == [2880, 60, 15]  # kept earliest first
        assert mine["custom_reminders"] is True and mine["upgrade_plan"] is None
        # The table's check has the last word: 1 to 3 distinct offsets of 15 minutes to 7 days.
        for bad in ("[60, 60]", "[10]", "[10081]", "[]", "[1440, 120, 60, 30]"):
            await me.refused("23514", "select api.set_my_reminder_schedule($1::jsonb)", bad)
        # Downgraded: the saved schedule stays, unused; the platform's applies; saving again is refused.
        await set_plan(owner, cid, "free")
        mine = json.loads(await me.fetchval("select api.my_reminder_schedule()"))
        assert mine["minutes_before"] == [2880, 60, 15] and mine["in_force"] == [1440]
        assert mine["custom_reminders"] is False and mine["upgrade_plan"] == "Basic"
        await me.refused("NK403", "select api.set_my_reminder_schedule('[120]')", message="plan_limit")
        # Nobody else's schedule is reachable: the row is the caller's own (RLS), the column not the app's to write.
        await me.refused("42501", "update app.consultants set reminder_minutes_before = '{60}'")
    assert await owner.fetchval("select reminder_minutes_before from app.consultants where id = $1", cid) == [2880, 60, 15]


async def test_the_sweep_sends_one_reminder_per_entry_once_and_only_those_in_force(db, owner):
    cid, _ = await with_schedule(db, owner, [2880, 60])
    client = await factories.client(owner, cid)
    start = start_in(5)
    sid = await factories.session(owner, cid, client, starts_at=start)
    # It waits for the first of any reminder it may get: two days before.
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) == \
        start - timedelta(days=2)
    assert await sweep(db, start - timedelta(days=2, minutes=5)) == 0
    assert await sweep(db, start - timedelta(days=2, seconds=30)) == 1
    assert await sweep(db, start - timedelta(days=2)) == 0  # once per start time and offset
    await owner.execute("update procrastinate_jobs set scheduled_at = now() where queueing_lock = $1", f"reminder:{sid}")
    await run_jobs(db, queues=("emails",))
    # The platform's day-before reminder is not in force for this consultant: the sweep looks, and sends nothing.
    assert await sweep(db, start - timedelta(hours=24)) == 0
    assert await sweep(db, start - timedelta(minutes=60)) == 1
    await owner.execute("update procrastinate_jobs set scheduled_at = now() where queueing_lock = $1", f"reminder:{sid}")
    await run_jobs(db, queues=("emails",))
    assert await reminders(owner, sid) == [(start, 2880, True), (start, 60, True)]
    assert await owner.fetchval("select count(*) from app.email_logs where session_id = $1 "
                                "and email_type = 'session_reminder'", sid) == 2
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) is None
    # A job delivered twice mails nobody the second time.
    await owner.execute("select app_private.defer_job('send_session_reminder', $1::jsonb, 'emails')",
                        json.dumps({"session_id": str(sid), "starts_at": start.isoformat(), "minutes_before": 60}))
    await run_jobs(db, queues=("emails",))
    assert await owner.fetchval("select count(*) from app.email_logs where session_id = $1 "
                                "and email_type = 'session_reminder'", sid) == 2


async def test_racing_sweeps_queue_each_reminder_once(db, owner):
    cid, _ = await with_schedule(db, owner, [120, 30])
    client = await factories.client(owner, cid)
    starts = [start_in(3) + timedelta(minutes=15 * i) for i in range(4)]
    sids = [await factories.session(owner, cid, client, starts_at=s, minutes=10) for s in starts]
    at = max(starts) - timedelta(hours=2)  # every session's two-hour reminder is due (or overdue), none of the others
    counts = await asyncio.gather(*(sweep(db, at) for _ in range(4)))
    assert sum(counts) == 4
    assert await owner.fetchval("select count(*) from app.session_reminders where session_id = any($1)", sids) == 4
    assert await owner.fetchval("select count(*) from procrastinate_jobs where task_name = 'send_session_reminder' "
                                "and queueing_lock = any($1)", [f"reminder:{s}" for s in sids]) == 4


async def test_a_moved_session_gets_new_reminders_and_a_cancelled_one_none(db, owner):
    cid, _ = await with_schedule(db, owner, [1440, 60])
    client = await factories.client(owner, cid)
    start = start_in(4)
    sid = await factories.session(owner, cid, client, starts_at=start)
    assert await sweep(db, start - timedelta(hours=24)) == 1
    moved = start + timedelta(days=1)
    await owner.execute("update app.sessions set starts_at = $2, ends_at = $2::timestamptz + interval '1 hour' "
                        "where id = $1", sid, moved)
    assert [j["status"] for j in await owner.fetch(
        "select status from procrastinate_jobs where queueing_lock = $1 order by id", f"reminder:{sid}")] == ["cancelled"]
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) == \
        moved - timedelta(hours=24)
    assert await sweep(db, moved - timedelta(hours=24)) == 1
    assert await reminders(owner, sid) == [(start, 1440, False), (moved, 1440, False)]
    await owner.execute("update app.sessions set status = 'cancelled' where id = $1", sid)
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) is None
    assert await sweep(db, moved - timedelta(hours=1)) == 0
    assert {j["status"] for j in await owner.fetch(
        "select status from procrastinate_jobs where queueing_lock = $1", f"reminder:{sid}")} == {"cancelled"}


async def test_a_plan_lapsing_before_a_reminder_brings_the_platforms_back(db, owner):
    start = start_in(5)
    # Basic until 30 hours before the session: its two-day reminder is the consultant's, the rest the platform's.
    cid, _ = await with_schedule(db, owner, [2880, 60], expires_at=start - timedelta(hours=30))
    client = await factories.client(owner, cid)
    sid = await factories.session(owner, cid, client, starts_at=start)
    assert await sweep(db, start - timedelta(days=2)) == 1
    assert await sweep(db, start - timedelta(hours=24)) == 1  # lapsed: the platform's day-before reminder
    assert await sweep(db, start - timedelta(hours=1)) == 0  # the consultant's hour-before one is not in force
    assert await reminders(owner, sid) == [(start, 2880, False), (start, 1440, False)]


async def test_a_reminder_queued_under_the_plan_goes_even_if_the_plan_lapses_before_it_runs(db, owner):
    cid, _ = await with_schedule(db, owner, [2880])
    client = await factories.client(owner, cid)
    start = start_in(5)
    sid = await factories.session(owner, cid, client, starts_at=start)
    assert await sweep(db, start - timedelta(days=2)) == 1
    await set_plan(owner, cid, "free")  # the rule in force when it was queued decides (docs/payments.md)
    await owner.execute("update procrastinate_jobs set scheduled_at = now() where queueing_lock = $1", f"reminder:{sid}")
    await run_jobs(db, queues=("emails",))
    assert await reminders(owner, sid) == [(start, 2880, True)]


async def test_a_schedule_change_applies_to_reminders_not_yet_due(db, owner):
    cid = await factories.consultant(owner)
    await set_plan(owner, cid, "basic")
    client = await factories.client(owner, cid)
    start = start_in(3)
    sid = await factories.session(owner, cid, client, starts_at=start)
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) == \
        start - timedelta(hours=24)
    async with acting(db, cid) as me:
        await me.fetchval("select api.set_my_reminder_schedule('[10080, 120]')")
    # A week before has passed: not sent late. The sweep wakes for the next one it may get (the platform's, in case
    # the plan lapses), and sends the two-hours-before one.
    assert await sweep(db, datetime.now(UTC)) == 0
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) == \
        start - timedelta(hours=24)
    assert await sweep(db, start - timedelta(hours=24)) == 0
    assert await sweep(db, start - timedelta(hours=2)) == 1
    assert await reminders(owner, sid) == [(start, 120, False)]
    # Back to the platform's: the sessions ahead wake for it again.
    async with acting(db, cid) as me:
        await me.fetchval("select api.set_my_reminder_schedule('null')")
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) == \
        start - timedelta(hours=24)


async def test_a_session_booked_inside_its_window_has_the_confirmation_stand_in_only_for_the_due_one(db, owner):
    cid, _ = await with_schedule(db, owner, [1440, 30])
    client = await factories.client(owner, cid)
    start = start_in(0.5)  # twelve hours ahead: the day-before reminder is due at once
    sid = await factories.session(owner, cid, client, starts_at=start)
    await owner.execute("select app_private.queue_session_emails(s, 'confirmed') from app.sessions s where s.id = $1",
                        sid)
    assert await reminders(owner, sid) == [(start, 1440, True)]  # the confirmation said it all
    assert await owner.fetchval("select reminder_next_at from app.sessions where id = $1", sid) == \
        start - timedelta(minutes=30)
    assert await sweep(db, start - timedelta(minutes=30)) == 1  # the half-hour one still goes
    await raises_sqlstate(owner, "23505", "insert into app.session_reminders (session_id, starts_at, minutes_before) "
                                          "values ($1, $2, 30)", sid, start)


async def test_a_change_that_leaves_a_session_no_reminder_at_all_sends_the_nearest_now(db, owner):
    """Not sent late, unless nothing else would come: the platform's reminder moved from a day to two days before
    leaves a session 30 hours ahead none; a consultant's schedule of a week before alone leaves one 3 days ahead none.
    Each gets the nearest reminder of its schedule now (the old code sent the platform's at once)."""
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    soon, later = start_in(1.25), start_in(3)
    a = await factories.session(owner, cid, client, starts_at=soon)
    await owner.execute("update app.platform_settings set value = '48' where key = 'reminder_hours_before'")
    await owner.execute("select app_private.rewake_reminders()")
    assert await reminders(owner, a) == [(soon, 2880, False)]
    assert await owner.fetchval("select count(*) from procrastinate_jobs where queueing_lock = $1 "
                                "and status = 'todo' and scheduled_at <= now()", f"reminder:{a}") == 1
    await owner.execute("update app.platform_settings set value = '24' where key = 'reminder_hours_before'")

    other = await factories.consultant(owner)
    await set_plan(owner, other, "basic")
    b = await factories.session(owner, other, await factories.client(owner, other), starts_at=later)
    c = await factories.session(owner, other, await factories.client(owner, other), starts_at=start_in(10))
    async with acting(db, other) as me:
        await me.fetchval("select api.set_my_reminder_schedule('[10080]')")
    assert await reminders(owner, b) == [(later, 10080, False)]  # its only reminder had passed: now
    assert await reminders(owner, c) == []  # ten days ahead: its week-before reminder is still to come


async def test_a_plan_lapsing_between_two_reminders_still_leaves_the_client_one(db, owner):
    """The outside review: own schedule [60, 15] on a plan that ends between the day-before mark (the platform's
    reminder, not in force then) and the hour-before one (the consultant's, not in force any more): none went."""
    start = start_in(3)
    cid, _ = await with_schedule(db, owner, [60, 15], expires_at=start - timedelta(hours=12))
    client = await factories.client(owner, cid)
    sid = await factories.session(owner, cid, client, starts_at=start)
    assert await sweep(db, start - timedelta(hours=24)) == 0  # the consultant's schedule: nothing due yet
    assert await sweep(db, start - timedelta(hours=1)) == 1  # lapsed: the platform's, late rather than never
    assert await reminders(owner, sid) == [(start, 1440, False)]
    assert await sweep(db, start - timedelta(minutes=15)) == 0  # one reminder, not one per wake

# Test: pytest tests/db/test_reminder_schedules.py
