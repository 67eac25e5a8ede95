# tests/jobs/test_reminders.py — reminders: one scheduled job per confirmed session, moved with it, cancelled with it, checked again when it runs.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import owner, run_jobs, signed, state


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
    [job] = await reminder_jobs(db, b["session_id"])
    starts = datetime.fromisoformat(b["starts_at"])
    assert job["status"] == "todo" and job["args"]["starts_at"] == b["starts_at"]
    assert abs(job["scheduled_at"] - (starts - timedelta(hours=24))) < timedelta(seconds=1)


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
    later = free[-1]
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/reschedule", headers=c["headers"],
                          json={"slot_id": later["slot_id"]})
    assert r.status_code == 200, r.text
    jobs = await reminder_jobs(db, b["session_id"])
    assert [j["status"] for j in jobs] == ["cancelled", "todo"]
    assert datetime.fromisoformat(jobs[1]["args"]["starts_at"]) == datetime.fromisoformat(later["starts_at"])
    assert ("session_rescheduled", "client@example.com") in (await state(db, b["session_id"]))["emails"]
    # The client moving it again through the manage link does the same.
    token = b["manage_url"].rsplit("/", 1)[1]
    again = free[-2]
    r = await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": again["slot_id"]})
    assert r.status_code == 200, r.text
    assert [j["status"] for j in await reminder_jobs(db, b["session_id"])] == ["cancelled", "cancelled", "todo"]


async def test_cancelling_removes_the_reminder(client, db):
    c, b, _ = await free_booking(client, db)
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"], json={})
    assert r.status_code == 200
    assert [j["status"] for j in await reminder_jobs(db, b["session_id"])] == ["cancelled"]


async def test_the_reminder_is_sent_once_and_only_while_it_still_applies(client, db):
    c, b, _ = await free_booking(client, db)
    conn = await owner(db)
    try:
        await conn.execute("update procrastinate_jobs set scheduled_at = now() where task_name = 'send_session_reminder'")
        await run_jobs(db, queues=("emails",))
        mails = (await state(db, b["session_id"]))["emails"]
        assert mails.count(("session_reminder", "client@example.com")) == 1
        assert await conn.fetchval("select reminder_sent_for from app.sessions where id = $1",
                                   uuid.UUID(b["session_id"])) == datetime.fromisoformat(b["starts_at"])
        # A second run of the same job (at least once delivery) mails nobody.
        args = {"session_id": b["session_id"], "starts_at": b["starts_at"]}
        await conn.execute("select app_private.defer_job('send_session_reminder', $1::jsonb, 'emails')", args)
        await run_jobs(db, queues=("emails",))
        assert (await state(db, b["session_id"]))["emails"].count(("session_reminder", "client@example.com")) == 1
        # A job for a time the session no longer has, or for a cancelled session, mails nobody either.
        for starts in ((datetime.fromisoformat(b["starts_at"]) + timedelta(hours=1)).isoformat(), b["starts_at"]):
            await conn.execute("update app.sessions set reminder_sent_for = null where id = $1",
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
    assert await reminder_jobs(db, b["session_id"]) == []  # pending: nothing to remind of yet
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await client.post("/api/v1/payments/verify", json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.json()["status"] == "confirmed"
    assert [j["status"] for j in await reminder_jobs(db, b["session_id"])] == ["todo"]

# Test: pytest tests/jobs/test_reminders.py
