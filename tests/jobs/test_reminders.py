# tests/jobs/test_reminders.py — reminders: one job per confirmed session, queued when it falls due (at once, or by the every-minute sweep), moved with it, cancelled with it, checked again when it runs.
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from tests.http.helpers import reminders_due_now
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import owner, run_jobs, signed, state


async def sweep(db, at: datetime | None = None) -> int:
    """The every-minute sweep, as the worker runs it, for the instant `at` (now by default)."""
    worker = await db.connect("worker")
    try:
        return await worker.fetchval("select api.worker_queue_due_reminders(1000, $1)", at)
    finally:
        await worker.close()


async def reminder_jobs(db, session_id: str) -> list:
    conn = await owner(db)
    try:
        return await conn.fetch("select status, scheduled_at, args from procrastinate_jobs "
                                "where task_name = 'send_session_reminder' and args->>'session_id' = $1 order by id",
                                session_id)
    finally:
        await conn.close()


async def free_booking(client, db, *, later_than: timedelta = timedelta(hours=30), email="client@example.com"):
    c = await approved_consultant(client, db, rules=every_day(), price="0")
    free = [s for s in await slots(client, c["slug"])
            if datetime.fromisoformat(s["starts_at"]) > datetime.now(UTC) + later_than]
    r = await book(client, c["slug"], booking(free[0]["slot_id"], email=email))
    assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
    return c, r.json(), free


async def test_a_confirmed_session_gets_one_reminder_a_day_before(client, db):
    c, b, _ = await free_booking(client, db)
    starts = datetime.fromisoformat(b["starts_at"])
    # Not queued ahead: it waits in the sessions table until it falls due.
    assert await reminder_jobs(db, b["session_id"]) == []
    assert await sweep(db) == 0
    assert await sweep(db, starts - timedelta(hours=24, minutes=5)) == 0  # five minutes early: not yet
    assert await sweep(db, starts - timedelta(hours=24, seconds=30)) == 1  # due within the minute: queued
    [job] = await reminder_jobs(db, b["session_id"])
    assert job["status"] == "todo" and job["args"]["starts_at"] == b["starts_at"]
    assert abs(job["scheduled_at"] - (starts - timedelta(hours=24))) < timedelta(seconds=1)
    # Once per start time, however often the sweep runs.
    assert await sweep(db, starts - timedelta(hours=23)) == 0
    assert len(await reminder_jobs(db, b["session_id"])) == 1


async def within_a_day(client, db, count: int, prefix: str) -> list[datetime]:
    """`count` free bookings of one consultant more than 30 hours ahead, all starting within 20 hours of the first.

    Sixteen hours of slots a day (06:00–22:00 in the consultant's zone): with the default four, a first slot later than
    the day's first left fewer than `count` within 20 hours (CI ran when now + 30 h fell in that day's first hour)."""
    c = await approved_consultant(client, db, rules=every_day(start="06:00", end="22:00"), price="0")
    ahead = [s for s in await slots(client, c["slug"])
             if datetime.fromisoformat(s["starts_at"]) > datetime.now(UTC) + timedelta(hours=30)]
    first = datetime.fromisoformat(ahead[0]["starts_at"])
    chosen = [s for s in ahead if datetime.fromisoformat(s["starts_at"]) < first + timedelta(hours=20)][:count]
    assert len(chosen) == count
    for i, s in enumerate(chosen):
        r = await book(client, c["slug"], booking(s["slot_id"], email=f"{prefix}{i}@example.com"))
        assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
    return [datetime.fromisoformat(s["starts_at"]) for s in chosen]


async def test_far_ahead_sessions_queue_no_job_until_due(client, db):
    """The job queue holds no reminder queued ahead (Procrastinate's fetch walks them all); a sweep that runs late
    (the worker was down) queues every reminder due by then, each for its own due time."""
    starts = await within_a_day(client, db, 4, "far")
    conn = await owner(db)
    try:
        assert await conn.fetchval("select count(*) from procrastinate_jobs where task_name = 'send_session_reminder' "
                                   "and status = 'todo'") == 0
        assert await sweep(db, min(starts) - timedelta(hours=1)) == 4
        scheduled = sorted(r["scheduled_at"] for r in await conn.fetch(
            "select scheduled_at from procrastinate_jobs where task_name = 'send_session_reminder' and status = 'todo'"))
        assert [abs(at - (start - timedelta(hours=24))) < timedelta(seconds=1)
                for at, start in zip(scheduled, sorted(starts), strict=True)] == [True] * 4
    finally:
        await conn.close()


async def test_racing_sweeps_queue_each_reminder_once(client, db):
    starts = await within_a_day(client, db, 4, "race")
    counts = await asyncio.gather(*(sweep(db, min(starts) - timedelta(hours=1)) for _ in range(4)))
    assert sum(counts) == 4
    conn = await owner(db)
    try:
        assert await conn.fetchval("select count(*) from procrastinate_jobs where task_name = 'send_session_reminder'") == 4
    finally:
        await conn.close()


async def test_the_minutes_job_queues_batch_after_batch_until_none_is_left(client, db, monkeypatch):
    from jobs import reminders
    from tests.http.test_payments import run_jobs as run_worker

    starts = await within_a_day(client, db, 3, "batch")
    conn = await owner(db)
    try:
        # A week ahead, as if booked under it: all three fall due now, for the sweep (a booking inside the window
        # would queue at once).
        await conn.execute("update app.platform_settings set value = '168' where key = 'reminder_hours_before'")
        await conn.execute("update app.sessions set reminder_next_at = starts_at - interval '168 hours' "
                           "where reminder_next_at is not null")
        await conn.execute("select app_private.defer_job('queue_due_reminders', '{\"timestamp\": 0}', 'maintenance')")
        monkeypatch.setattr(reminders, "REMINDER_BATCH", 1)
        await run_worker(db, queues=("maintenance",))
        queued = await conn.fetchval("select count(*) from procrastinate_jobs where task_name = 'send_session_reminder'")
        assert queued == len(starts) == 3  # one job run, three batches of one
    finally:
        await conn.close()


async def test_a_session_sooner_than_a_day_is_reminded_at_once(client, db):
    c = await approved_consultant(client, db, price="0")
    start = datetime.now(UTC) + timedelta(hours=3)
    r = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client": {"name": "Rohan", "email": "rohan@example.com"}, "session_type": "personal",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "amount": "0"})
    assert r.status_code == 201
    [job] = await reminder_jobs(db, r.json()["id"])
    assert job["scheduled_at"] <= datetime.now(UTC) + timedelta(seconds=5)
    # The client their consultant books gets the confirmation (with its invitation); sent inside the reminder window,
    # it stands in for the reminder, as a public booking's does (tests/jobs/test_anonymous_mail.py): one mail.
    await run_jobs(db, queues=("emails",))
    assert (await state(db, r.json()["id"]))["emails"] == [("session_confirmation", "rohan@example.com")]
    assert [j["status"] for j in await reminder_jobs(db, r.json()["id"])] == ["cancelled"]


async def test_moving_the_session_moves_its_reminder_and_tells_the_client(client, db):
    c, b, free = await free_booking(client, db)
    assert await reminders_due_now(db) == 1
    later = free[-1]
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/reschedule", headers=c["headers"],
                          json={"slot_id": later["slot_id"]})
    assert r.status_code == 200, r.text
    assert [j["status"] for j in await reminder_jobs(db, b["session_id"])] == ["cancelled"]
    assert await reminders_due_now(db) == 1  # the new time's reminder, when it falls due
    jobs = await reminder_jobs(db, b["session_id"])
    assert [j["status"] for j in jobs] == ["cancelled", "todo"]
    assert datetime.fromisoformat(jobs[1]["args"]["starts_at"]) == datetime.fromisoformat(later["starts_at"])
    assert ("session_rescheduled", "client@example.com") in (await state(db, b["session_id"]))["emails"]
    # The client moving it again through the manage link does the same.
    token = b["manage_url"].rsplit("/", 1)[1]
    again = free[-2]
    r = await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": again["slot_id"]})
    assert r.status_code == 200, r.text
    assert await reminders_due_now(db) == 1
    assert [j["status"] for j in await reminder_jobs(db, b["session_id"])] == ["cancelled", "cancelled", "todo"]


async def test_cancelling_removes_the_reminder(client, db):
    c, b, _ = await free_booking(client, db)
    assert await reminders_due_now(db) == 1
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"], json={})
    assert r.status_code == 200
    assert [j["status"] for j in await reminder_jobs(db, b["session_id"])] == ["cancelled"]
    assert await reminders_due_now(db) == 0  # a cancelled session is not reminded later either


async def test_the_reminder_is_sent_once_and_only_while_it_still_applies(client, db):
    c, b, _ = await free_booking(client, db)
    conn = await owner(db)
    try:
        await reminders_due_now(db)
        await run_jobs(db, queues=("emails",))
        mails = (await state(db, b["session_id"]))["emails"]
        assert mails.count(("session_reminder", "client@example.com")) == 1
        assert await conn.fetchval("select starts_at from app.session_reminders where session_id = $1 "
                                   "and sent_at is not null", uuid.UUID(b["session_id"])) \
            == datetime.fromisoformat(b["starts_at"])
        # A second run of the same job (at least once delivery) mails nobody.
        args = {"session_id": b["session_id"], "starts_at": b["starts_at"]}
        await conn.execute("select app_private.defer_job('send_session_reminder', $1::jsonb, 'emails')", args)
        await run_jobs(db, queues=("emails",))
        assert (await state(db, b["session_id"]))["emails"].count(("session_reminder", "client@example.com")) == 1
        # A job for a time the session no longer has, or for a cancelled session, mails nobody either.
        for starts in ((datetime.fromisoformat(b["starts_at"]) + timedelta(hours=1)).isoformat(), b["starts_at"]):
            await conn.execute("update app.session_reminders set sent_at = null where session_id = $1",
                               uuid.UUID(b["session_id"]))
            if starts == b["starts_at"]:
                await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"], json={})
            await conn.execute("select app_private.defer_job('send_session_reminder', $1::jsonb, 'emails')",
                               {"session_id": b["session_id"], "starts_at": starts})
            await run_jobs(db, queues=("emails",))
        assert (await state(db, b["session_id"]))["emails"].count(("session_reminder", "client@example.com")) == 1
        outcomes = await conn.fetch("select status from procrastinate_jobs where task_name = 'send_session_reminder'")
        assert all(o["status"] in ("succeeded", "cancelled") for o in outcomes)
    finally:
        await conn.close()


async def test_a_paid_booking_gets_its_reminder_when_the_payment_confirms_it(client, db, rzp):
    c = await approved_consultant(client, db, rules=every_day())
    free = [s for s in await slots(client, c["slug"])
            if datetime.fromisoformat(s["starts_at"]) > datetime.now(UTC) + timedelta(hours=30)]
    b = (await book(client, c["slug"], booking(free[0]["slot_id"]))).json()
    assert await reminders_due_now(db) == 0  # pending: nothing to remind of yet
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await client.post("/api/v1/payments/verify", json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.json()["status"] == "confirmed"
    assert await reminders_due_now(db) == 1
    assert [j["status"] for j in await reminder_jobs(db, b["session_id"])] == ["todo"]

# Test: pytest tests/jobs/test_reminders.py
