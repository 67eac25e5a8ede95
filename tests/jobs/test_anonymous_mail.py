# tests/jobs/test_anonymous_mail.py — what a stranger's inbox receives from anonymous actions (free bookings, their reminders, reschedules and cancellations through the manage link), counted in the outbox after a real worker ran.
"""The per-recipient cap (`booking_emails_per_recipient_per_day`) bounds every mail an anonymous visitor can send to
an address without paying, whatever the path: a free booking's confirmation, the reminder that follows it, a move
through the manage link. Each test makes the attacker's moves through the app, runs a real worker on the `emails`
queue, and counts what the local outbox delivered to the address."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from tests.http.helpers import reminders_due_now
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_booking_limits import fetch, from_ip, retry_after, set_limits
from tests.http.test_pages import HTML, csrf_of
from tests.http.test_payments import owner, run_jobs, signed

STRANGER = "stranger@example.com"
ROUND_THE_CLOCK = every_day(start="00:00", end="23:30", minutes=30)


async def daily_cap(db) -> int:
    [row] = await fetch(db, "select (value #>> '{}')::integer as n from app.platform_settings "
                            "where key = 'booking_emails_per_recipient_per_day'")
    return row["n"]


async def delivered(db, email: str = STRANGER) -> list[str]:
    """The types of the mails the worker delivered to an address (the local outbox), oldest first."""
    await run_jobs(db, queues=("emails",))
    rows = await fetch(db, "select l.email_type from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
                           "where o.to_email = $1 order by o.created_at, o.id", email)
    return [r["email_type"] for r in rows]


def within(free: list[dict], earliest: timedelta, latest: timedelta) -> list[dict]:
    now = datetime.now(UTC)
    return [s for s in free if now + earliest < datetime.fromisoformat(s["starts_at"]) < now + latest]


def token_of(answer: dict) -> str:
    return answer["manage_url"].rsplit("/", 1)[1]


async def test_free_bookings_inside_the_reminder_window_mail_the_stranger_once_each(client, db, app):  # noqa: F811
    # The attack: the earliest free slots booked for a stranger. Each booking also queued a reminder due at once
    # (the session starts within the reminder window), so the cap of confirmations let through twice its mails.
    cap = await daily_cap(db)
    pages = [await approved_consultant(client, db, price="0", rules=ROUND_THE_CLOCK) for _ in range(2)]
    answers = []
    for i in range(cap + 2):
        c = pages[i % 2]
        free = within(await slots(client, c["slug"]), timedelta(minutes=5), timedelta(hours=20))
        async with from_ip(app, f"198.51.100.{i + 1}") as attacker:
            answers.append(await book(attacker, c["slug"], booking(free[0]["slot_id"], email=STRANGER)))
    assert [r.status_code for r in answers] == [201] * cap + [429, 429]
    mails = await delivered(db)
    assert mails == ["session_confirmation"] * cap, mails
    # The confirmation said when it is: no "reminder" follows it seconds later, and none is waiting.
    [waiting] = await fetch(db, "select count(*) as n from procrastinate_jobs "
                                "where task_name = 'send_session_reminder' and status = 'todo'")
    assert waiting["n"] == 0


async def test_reschedules_through_the_manage_link_count_against_the_recipients_mails(client, db, app):  # noqa: F811
    # The attack: one free booking, then its manage link (the attacker has it from the 201 answer) moves it again
    # and again; each move mailed the stranger (and queued another reminder due at once).
    cap = await daily_cap(db)
    c = await approved_consultant(client, db, price="0", rules=ROUND_THE_CLOCK,
                                  cancellation_policy={"client_cutoff_hours": 2, "max_reschedules": 20,
                                                       "refund_ladder": []})
    free = within(await slots(client, c["slug"]), timedelta(hours=3), timedelta(hours=20))
    assert len(free) > cap + 1
    async with from_ip(app, "203.0.113.9") as attacker:
        made = await book(attacker, c["slug"], booking(free[0]["slot_id"], email=STRANGER))
        assert made.status_code == 201, made.text
        token = token_of(made.json())
        moves = [await attacker.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": s["slot_id"]})
                 for s in free[1:cap + 1]]
    assert [r.status_code for r in moves] == [200] * (cap - 1) + [429]
    refused = moves[-1]
    assert refused.json()["error"]["code"] == "rate_limited" and retry_after(refused) <= 86400
    # The refused move changed nothing: the booking stays where the last allowed move put it.
    [row] = await fetch(db, "select starts_at, reschedule_count from app.sessions where manage_token_hash is not null")
    assert row["reschedule_count"] == cap - 1
    assert row["starts_at"] == datetime.fromisoformat(free[cap - 1]["starts_at"])
    mails = await delivered(db)
    assert mails == ["session_confirmation"] + ["session_rescheduled"] * (cap - 1), mails


async def test_the_manage_page_refuses_a_move_past_the_cap_with_a_page(client, db, app):  # noqa: F811
    await set_limits(db, booking_emails_per_recipient_per_day=1)
    c = await approved_consultant(client, db, price="0", rules=ROUND_THE_CLOCK,
                                  cancellation_policy={"client_cutoff_hours": 0, "max_reschedules": 5,
                                                       "refund_ladder": []})
    free = within(await slots(client, c["slug"]), timedelta(hours=30), timedelta(days=5))
    made = (await book(client, c["slug"], booking(free[0]["slot_id"], email=STRANGER))).json()
    path = f"/booking/{token_of(made)}/reschedule"
    form = await client.get(path, headers=HTML)
    assert form.status_code == 200
    r = await client.post(path, headers=HTML, data={"csrf_token": csrf_of(form.text), "slot_id": free[1]["slot_id"]})
    assert r.status_code == 429 and "text/html" in r.headers["content-type"]
    assert "booking emails allowed today" in r.text
    assert await delivered(db) == ["session_confirmation"]


async def test_racing_reschedules_never_pass_the_recipients_cap(client, db, app):  # noqa: F811
    await set_limits(db, booking_emails_per_recipient_per_day=4)
    policy = {"client_cutoff_hours": 0, "max_reschedules": 20, "refund_ladder": []}
    pages = [await approved_consultant(client, db, price="0", rules=ROUND_THE_CLOCK, cancellation_policy=policy)
             for _ in range(2)]
    tokens, free = [], {}
    for i, c in enumerate(pages):
        free[c["slug"]] = within(await slots(client, c["slug"]), timedelta(hours=30), timedelta(days=20))
        async with from_ip(app, f"192.0.2.{i + 1}") as attacker:
            made = await book(attacker, c["slug"], booking(free[c["slug"]][0]["slot_id"], email=STRANGER))
        assert made.status_code == 201, made.text
        tokens.append(token_of(made.json()))

    async def move(i: int):
        c = pages[i % 2]
        async with from_ip(app, f"192.0.2.{10 + i}") as attacker:
            return await attacker.post(f"/api/v1/public/bookings/{tokens[i % 2]}/reschedule",
                                       json={"slot_id": free[c["slug"]][1 + i]["slot_id"]})

    codes = sorted(r.status_code for r in await asyncio.gather(*(move(i) for i in range(8))))
    assert codes == [200, 200] + [429] * 6, codes  # 2 confirmations + 2 moves = the 4 mails of the day
    assert len(await delivered(db)) == 4


async def test_reminders_of_earlier_free_bookings_count_in_the_day_they_go(client, db, app):  # noqa: F811
    # Booked days ahead, reminders land later: sessions booked on several days for one date would each send
    # their reminder on the day before it, past the day's cap. The reminder counts when it goes; over the cap
    # it is not sent (the client has the confirmation).
    await set_limits(db, booking_emails_per_recipient_per_day=3)
    c = await approved_consultant(client, db, price="0", rules=ROUND_THE_CLOCK)
    later = within(await slots(client, c["slug"]), timedelta(days=3), timedelta(days=4))
    async with from_ip(app, "203.0.113.20") as attacker:
        made = [await book(attacker, c["slug"], booking(s["slot_id"], email=STRANGER)) for s in later[:2]]
    assert [r.status_code for r in made] == [201, 201]
    conn = await owner(db)
    try:
        # The reminders' day has come (their jobs are due) and the stranger already had 2 mails in it.
        await reminders_due_now(db)
        mails = await delivered(db)
        assert sorted(mails) == ["session_confirmation", "session_confirmation", "session_reminder"], mails
        outcomes = await conn.fetch("select status from procrastinate_jobs where task_name = 'send_session_reminder'")
        assert [o["status"] for o in outcomes] == ["succeeded", "succeeded"]
        # A client booked by their consultant is no anonymous visitor's doing: their reminder always goes.
        start = datetime.now(UTC) + timedelta(days=5)
        r = await client.post("/api/v1/sessions", headers=c["headers"], json={
            "client": {"name": "Known", "email": STRANGER}, "session_type": "personal",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "amount": "0"})
        assert r.status_code == 201, r.text
        await reminders_due_now(db)
        assert (await delivered(db)).count("session_reminder") == 2
    finally:
        await conn.close()


async def test_a_paid_booking_confirmed_inside_the_window_gets_its_confirmation_only(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=ROUND_THE_CLOCK)
    free = within(await slots(client, c["slug"]), timedelta(hours=1), timedelta(hours=20))
    b = (await book(client, c["slug"], booking(free[0]["slot_id"], email=STRANGER))).json()
    payment = rzp.pay(b["checkout"]["order_id"])
    r = await client.post("/api/v1/payments/verify", json=signed(b["checkout"]["order_id"], payment["id"]))
    assert r.json()["status"] == "confirmed", r.text
    assert await delivered(db) == ["session_confirmation"]


async def test_a_free_booking_outside_the_window_is_reminded_once_later(client, db):
    c = await approved_consultant(client, db, price="0", rules=ROUND_THE_CLOCK)
    [first] = within(await slots(client, c["slug"]), timedelta(hours=30), timedelta(days=3))[:1]
    b = (await book(client, c["slug"], booking(first["slot_id"], email=STRANGER))).json()
    assert await delivered(db) == ["session_confirmation"]
    await reminders_due_now(db)
    assert await delivered(db) == ["session_confirmation", "session_reminder"]
    [row] = await fetch(db, "select starts_at, minutes_before, sent_at from app.session_reminders where session_id = $1",
                        uuid.UUID(b["session_id"]))
    assert row["starts_at"] == datetime.fromisoformat(b["starts_at"]) and row["minutes_before"] == 24 * 60
    assert row["sent_at"] is not None


async def test_cancelling_through_the_manage_link_mails_the_calendar_cancel_within_the_cap(client, db, app):  # noqa: F811
    # The client's calendar holds the invitation until a cancellation withdraws it, so the cancel is mailed; but a
    # stranger's mailbox counts it like a move: past the day's cap the booking is cancelled and not mailed.
    c = await approved_consultant(client, db, price="0", rules=ROUND_THE_CLOCK)
    free = within(await slots(client, c["slug"]), timedelta(hours=30), timedelta(days=3))
    async with from_ip(app, "203.0.113.30") as attacker:
        made = (await book(attacker, c["slug"], booking(free[0]["slot_id"], email=STRANGER))).json()
        r = await attacker.post(f"/api/v1/public/bookings/{token_of(made)}/cancel", json={"reason": "spam"})
        assert r.status_code == 200, r.text
        await set_limits(db, booking_emails_per_recipient_per_day=2)  # the two mails above fill the day
        again = (await book(attacker, c["slug"], booking(free[1]["slot_id"], email=STRANGER)))
        assert again.status_code == 429  # no third mail by booking...
        await set_limits(db, booking_emails_per_recipient_per_day=3)
        third = (await book(attacker, c["slug"], booking(free[1]["slot_id"], email=STRANGER))).json()
        r = await attacker.post(f"/api/v1/public/bookings/{token_of(third)}/cancel", json={})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"  # ...and none by cancelling: still cancelled
    assert await delivered(db) == ["session_confirmation", "session_cancelled_client", "session_confirmation"]
    [row] = await fetch(db, "select count(*) as n from app.email_logs where email_type = 'session_cancelled_consultant'")
    assert row["n"] == 2

# Test: pytest tests/jobs/test_anonymous_mail.py
