# tests/jobs/test_calendar.py — meeting links and calendar sync, run by a real worker against the fake Google and Microsoft APIs.
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.calendar_fixtures import (
    connect,
    fetch,
    mail_jobs,
    run_calendar_jobs,
    session_row,
    use_platform,
)
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import run_jobs


@pytest.fixture
def app(calendar_app):
    """This module's app talks to the fake Google and Microsoft."""
    return calendar_app


async def free_consultant(client, db, **kw):
    return await approved_consultant(client, db, rules=every_day(), price="0", webinar_price="0", **kw)


async def book_free(client, c, *, slot=0, session_type="personal", email="client@example.com") -> dict:
    free = await slots(client, c["slug"], type=session_type)
    r = await book(client, c["slug"], booking(free[slot]["slot_id"], session_type, email=email))
    assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
    return {**r.json(), "slot_id": free[slot]["slot_id"]}


async def refresh_busy(db) -> None:
    """Fetch every connection's busy times now (what the periodic job does every few minutes)."""
    for conn in await fetch(db, "select id from app.calendar_connections"):
        await fetch(db, "select app_private.defer_job('refresh_calendar_busy', "
                        "jsonb_build_object('connection_id', $1::text), 'calendar')", str(conn["id"]))
    await run_calendar_jobs(db)


async def outbox(db, session_id: str) -> dict:
    rows = await fetch(db, """select l.email_type, o.text_body from app.email_outbox o join app.email_logs l
                               on l.id = o.email_log_id where l.session_id = $1""", uuid.UUID(session_id))
    return {r["email_type"]: r["text_body"] for r in rows}


async def send_due_mail(db) -> None:
    await run_jobs(db, queues=("emails",))


async def test_a_meet_session_gets_its_own_meet_link_and_the_mail_waits_for_it(client, db, cal):
    c = await free_consultant(client, db)
    await use_platform(client, c, "meet")
    await connect(client, c, cal)
    b = await book_free(client, c)
    waiting = await mail_jobs(db, b["session_id"])
    assert {m["email_type"] for m in waiting} == {"session_confirmation", "session_booked"}
    for m in waiting:  # held back for the link, for at most the configured wait
        assert m["job_status"] == "todo"
        assert timedelta(seconds=100) < m["scheduled_at"] - datetime.now(UTC) <= timedelta(seconds=120)
    await send_due_mail(db)
    assert await outbox(db, b["session_id"]) == {}  # nothing went with the personal link
    await run_calendar_jobs(db)
    [event] = cal.live_events("google")
    assert event["id"] == "nk0" + uuid.UUID(b["session_id"]).hex
    assert datetime.fromisoformat(event["start"]["dateTime"]) == datetime.fromisoformat(b["starts_at"])
    s = await session_row(db, b["session_id"])
    assert s["meeting_link"] == event["hangoutLink"] and s["meeting_source"] == "google"
    assert s["meeting_id"] == event["conferenceData"]["conferenceId"]
    released = await mail_jobs(db, b["session_id"])
    assert all(m["scheduled_at"] <= datetime.now(UTC) and m["template_data"]["meeting_link"] == event["hangoutLink"]
               for m in released)
    await send_due_mail(db)
    sent = await outbox(db, b["session_id"])
    assert event["hangoutLink"] in sent["session_confirmation"] and event["hangoutLink"] in sent["session_booked"]
    assert "personal-room" not in sent["session_confirmation"]
    # Running the job again changes nothing at the provider.
    posts = len(cal.calls("POST", "/events"))
    await fetch(db, "select app_private.queue_calendar_sync_key($1)", "s:" + b["session_id"])
    await run_calendar_jobs(db)
    assert len(cal.calls("POST", "/events")) == posts and len(cal.live_events("google")) == 1


async def test_a_teams_session_gets_a_graph_online_meeting_with_its_passcode(client, db, cal):
    c = await free_consultant(client, db)
    await use_platform(client, c, "teams")
    await connect(client, c, cal, "microsoft")
    b = await book_free(client, c)
    await run_calendar_jobs(db)
    [meeting] = cal.meetings.values()
    assert meeting["externalId"] == "s:" + b["session_id"]
    [event] = cal.live_events("microsoft")
    assert event["transactionId"] == "s:" + b["session_id"] and meeting["joinWebUrl"] in event["body"]["content"]
    s = await session_row(db, b["session_id"])
    assert (s["meeting_link"], s["meeting_id"], s["meeting_password"], s["meeting_source"]) == (
        meeting["joinWebUrl"], meeting["joinMeetingIdSettings"]["joinMeetingId"],
        meeting["joinMeetingIdSettings"]["passcode"], "microsoft")
    await send_due_mail(db)
    mail = (await outbox(db, b["session_id"]))["session_confirmation"]
    assert meeting["joinWebUrl"] in mail and "Passcode: " + meeting["joinMeetingIdSettings"]["passcode"] in mail


async def test_the_periodic_job_refreshes_only_stale_busy_caches(client, db, cal):
    c = await free_consultant(client, db)
    await connect(client, c, cal)
    await connect(client, c, cal, "microsoft")
    await run_calendar_jobs(db)
    fresh = len(cal.calls("POST", "/freeBusy")) + len(cal.calls("POST", "/getSchedule"))
    assert fresh == 2
    from jobs.app import connected
    from jobs.calendar import refresh_stale_calendar_busy
    await fetch(db, "update app.calendar_connections set busy_synced_at = now() - interval '10 minutes' "
                    "where provider = 'google'")
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await refresh_stale_calendar_busy.defer_async(timestamp=0)
            await job_app.run_worker_async(queues=["calendar"], wait=False, install_signal_handlers=False)
    assert len(cal.calls("POST", "/freeBusy")) == 2 and len(cal.calls("POST", "/getSchedule")) == 1


async def test_zoom_keeps_the_personal_link_and_mails_at_once_but_the_calendar_still_gets_the_event(client, db, cal):
    c = await free_consultant(client, db)
    await connect(client, c, cal)
    b = await book_free(client, c)
    assert all(m["scheduled_at"] <= datetime.now(UTC) for m in await mail_jobs(db, b["session_id"]))
    await run_calendar_jobs(db)
    [event] = cal.live_events("google")
    assert "hangoutLink" not in event and "conferenceData" not in event
    s = await session_row(db, b["session_id"])
    assert s["meeting_link"] == "https://zoom.us/j/123" and s["meeting_source"] is None


async def test_moving_and_cancelling_the_session_moves_and_removes_its_events(client, db, cal):
    c = await free_consultant(client, db)
    await connect(client, c, cal)
    await connect(client, c, cal, "microsoft")
    b = await book_free(client, c)
    await run_calendar_jobs(db)
    assert len(cal.live_events("google")) == len(cal.live_events("microsoft")) == 1
    later = (await slots(client, c["slug"], type="personal"))[-1]
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/reschedule", headers=c["headers"],
                          json={"slot_id": later["slot_id"]})
    assert r.status_code == 200, r.text
    await run_calendar_jobs(db)
    for provider in ("google", "microsoft"):
        [event] = cal.live_events(provider)
        start = datetime.fromisoformat(event["start"]["dateTime"])
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
        assert start == datetime.fromisoformat(later["starts_at"])
    rows = await fetch(db, "select starts_at from app.calendar_events where event_key = $1", "s:" + b["session_id"])
    assert {r["starts_at"] for r in rows} == {datetime.fromisoformat(later["starts_at"])}
    r = await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"], json={})
    assert r.status_code == 200
    await run_calendar_jobs(db)
    assert cal.live_events("google") == [] and cal.live_events("microsoft") == []
    assert await fetch(db, "select 1 from app.calendar_events") == []


async def test_webinar_seats_share_one_event_and_one_meeting(client, db, cal):
    c = await approved_consultant(client, db, rules=every_day("webinar", "18:00", "19:30", 90, 5), webinar_price="0")
    await use_platform(client, c, "meet")
    await connect(client, c, cal)
    first = await book_free(client, c, session_type="webinar", email="w1@example.com")
    await run_calendar_jobs(db)
    link = (await session_row(db, first["session_id"]))["meeting_link"]
    assert link.startswith("https://meet.google.com/")
    # A later seat joins the same meeting at once: its confirmation does not wait.
    second = await book_free(client, c, session_type="webinar", email="w2@example.com")
    assert (await session_row(db, second["session_id"]))["meeting_link"] == link
    assert all(m["scheduled_at"] <= datetime.now(UTC) for m in await mail_jobs(db, second["session_id"]))
    await run_calendar_jobs(db)
    assert len(cal.live_events("google")) == 1
    # The meeting's own event (busy in free/busy) does not count against its own further seats.
    await refresh_busy(db)
    assert await fetch(db, "select 1 from app.calendar_busy") == []
    assert first["slot_id"] in {s["slot_id"] for s in await slots(client, c["slug"], type="webinar")}
    # One seat cancelled: the event stays for the other; both cancelled: it goes.
    for n, b in enumerate((first, second)):
        r = await client.post(f"/api/v1/sessions/{b['session_id']}/cancel", headers=c["headers"], json={})
        assert r.status_code == 200
        await run_calendar_jobs(db)
        assert len(cal.live_events("google")) == (1 if n == 0 else 0)


async def test_busy_times_hide_slots_and_the_booking_sql_refuses_them(client, db, cal):
    c = await free_consultant(client, db)
    await connect(client, c, cal)
    free = await slots(client, c["slug"], type="personal")
    target = free[1]
    start = datetime.fromisoformat(target["starts_at"])
    cal.busy["google"].append((start + timedelta(minutes=15), start + timedelta(minutes=45)))
    await run_calendar_jobs(db)  # the fetch queued on connecting
    [busy] = await fetch(db, "select during from app.calendar_busy")
    assert busy["during"].lower == start + timedelta(minutes=15)
    listed = {s["slot_id"] for s in await slots(client, c["slug"], type="personal")}
    assert target["slot_id"] not in listed and free[0]["slot_id"] in listed and free[2]["slot_id"] in listed
    r = await book(client, c["slug"], booking(target["slot_id"]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "slot_taken"
    # Our own confirmed session shows up in free/busy too, but never blocks anything of its own.
    b = await book_free(client, c, slot=0)
    await run_calendar_jobs(db)
    assert len(cal.live_events("google")) == 1
    await refresh_busy(db)
    spans = [r["during"] for r in await fetch(db, "select during from app.calendar_busy")]
    assert len(spans) == 1 and spans[0].lower > datetime.fromisoformat(b["starts_at"])
    # The busy time ends: the next refresh gives the slot back.
    cal.busy["google"].clear()
    await refresh_busy(db)
    assert target["slot_id"] in {s["slot_id"] for s in await slots(client, c["slug"], type="personal")}


async def test_a_provider_outage_is_retried_and_the_mail_still_gets_the_link(client, db, cal):
    c = await free_consultant(client, db)
    await use_platform(client, c, "meet")
    await connect(client, c, cal)
    await run_calendar_jobs(db)  # the initial busy fetch
    b = await book_free(client, c)
    cal.failures = ["down", "down"]  # token still fresh: the first event call fails
    await run_calendar_jobs(db)
    [job] = await fetch(db, "select status, attempts, scheduled_at from procrastinate_jobs "
                            "where task_name = 'sync_calendar_event' order by id desc limit 1")
    assert job["status"] == "todo" and job["attempts"] == 1 and job["scheduled_at"] > datetime.now(UTC)
    assert (await session_row(db, b["session_id"]))["meeting_source"] is None
    await fetch(db, "update procrastinate_jobs set scheduled_at = now() where task_name = 'sync_calendar_event' and status = 'todo'")
    await run_calendar_jobs(db)  # second failure
    await fetch(db, "update procrastinate_jobs set scheduled_at = now() where task_name = 'sync_calendar_event' and status = 'todo'")
    await run_calendar_jobs(db)
    assert (await session_row(db, b["session_id"]))["meeting_source"] == "google"
    assert len(cal.live_events("google")) == 1
    await send_due_mail(db)
    assert "meet.google.com" in (await outbox(db, b["session_id"]))["session_confirmation"]


async def test_a_revoked_grant_falls_back_to_the_personal_link_when_the_wait_ends(client, db, cal):
    c = await free_consultant(client, db)
    await use_platform(client, c, "meet")
    await connect(client, c, cal)
    await run_calendar_jobs(db)
    b = await book_free(client, c)
    cal.revoke_all("google")
    cal.expire_access_tokens()
    await fetch(db, "update app.calendar_connections set access_expires_at = now()")
    await run_calendar_jobs(db)
    [conn] = await fetch(db, "select status from app.calendar_connections")
    assert conn["status"] == "revoked"
    assert await fetch(db, "select 1 from procrastinate_jobs where task_name = 'sync_calendar_event' and status = 'todo'") == []
    # The bounded wait ends: the mail goes with the personal Meet link.
    await fetch(db, "update procrastinate_jobs set scheduled_at = now() where task_name = 'send_email' and status = 'todo'")
    await send_due_mail(db)
    assert "https://meet.google.com/personal-room" in (await outbox(db, b["session_id"]))["session_confirmation"]
    # A booking made while revoked does not wait at all.
    later = await book_free(client, c, slot=2, email="later@example.com")
    assert all(m["scheduled_at"] <= datetime.now(UTC) for m in await mail_jobs(db, later["session_id"]))

# Test: pytest tests/jobs/test_calendar.py


async def test_two_transactions_queueing_one_event_take_turns(db):
    """Two seats of one webinar confirmed at the same moment both queue the slot's event sync: the second
    waits for the first and replaces its job, instead of failing on the queueing lock (and with it the
    payment)."""
    from tests.http.test_payments import owner
    key = f"w:{uuid.uuid4()}"
    first, second = await owner(db), await owner(db)
    try:
        t1, t2 = first.transaction(), second.transaction()
        await t1.start()
        await t2.start()
        await first.execute("select app_private.queue_calendar_sync_key($1)", key)
        waiting = asyncio.ensure_future(second.execute("select app_private.queue_calendar_sync_key($1)", key))
        await asyncio.sleep(0.2)
        assert not waiting.done()  # it waits for the first transaction
        await t1.commit()
        await waiting
        await t2.commit()
    finally:
        await first.close()
        await second.close()
    jobs = await fetch(db, "select status from procrastinate_jobs where queueing_lock = $1 order by id", "calendar:" + key)
    assert [j["status"] for j in jobs] == ["cancelled", "todo"]


async def test_a_link_that_comes_after_the_mail_went_does_not_replace_the_one_given(client, db, cal):
    c = await free_consultant(client, db)
    await use_platform(client, c, "meet")
    await connect(client, c, cal)
    await run_calendar_jobs(db)
    b = await book_free(client, c)
    cal.failures = ["down"]
    await run_calendar_jobs(db)  # the provider is down: the job will retry
    await fetch(db, "update procrastinate_jobs set scheduled_at = now() where task_name = 'send_email' and status = 'todo'")
    await send_due_mail(db)  # the wait ran out: the confirmation goes with the personal link
    assert "personal-room" in (await outbox(db, b["session_id"]))["session_confirmation"]
    await fetch(db, "update procrastinate_jobs set scheduled_at = now() where task_name = 'sync_calendar_event' and status = 'todo'")
    await run_calendar_jobs(db)
    [event] = cal.live_events("google")
    assert event["hangoutLink"]  # the event has its Meet...
    s = await session_row(db, b["session_id"])
    assert s["meeting_link"] == "https://meet.google.com/personal-room"  # ...but the session keeps the link mailed
