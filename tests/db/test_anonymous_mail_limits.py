# tests/db/test_anonymous_mail_limits.py — the SQL rules bounding mail anonymous visitors cause (reminders, moves through the manage link, confirmations standing in for reminders) and the range of instants the tables keep, called as the app role.
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate


async def fill_mailbox(owner, email: str) -> None:
    """The address has had every booking mail anonymous visitors may cause it today."""
    await owner.execute("select app_private.count_recipient_mail($1) from generate_series(1, "
                        "app_private.setting_integer('booking_emails_per_recipient_per_day'))", email)


async def mails(owner, session_id, email_type: str) -> int:
    return await owner.fetchval("select count(*) from app.email_logs where session_id = $1 and email_type = $2",
                                session_id, email_type)


async def test_a_free_public_bookings_reminder_counts_against_its_mailbox_and_others_do_not(db, owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid, email="busy@example.com")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    free = await factories.session(owner, cid, client, starts_at=start)
    paid = await factories.session(owner, cid, client, starts_at=start + timedelta(hours=2))
    offline = await factories.session(owner, cid, client, starts_at=start + timedelta(hours=4))
    await owner.execute("update app.sessions set amount = 0, payment_status = 'not_required' where id = $1", free)
    await owner.execute("update app.sessions set payment_status = 'paid' where id = $1", paid)
    await owner.execute("update app.sessions set booked_via = 'consultant' where id = $1", offline)
    await fill_mailbox(owner, "Busy+news@example.com")  # the same mailbox, spelled otherwise
    worker = await db.connect("worker")  # the reminder is a worker step
    try:
        outcomes = [await worker.fetchval("select api.worker_session_reminder($1, $2)", sid,
                                          await owner.fetchval("select starts_at from app.sessions where id = $1",
                                                               sid))
                    for sid in (free, paid, offline)]
    finally:
        await worker.close()
    # Paid for, or booked by the consultant: no anonymous visitor's doing, and the client needs it.
    assert outcomes == ["recipient_limit", "queued", "queued"]
    assert [await mails(owner, s, "session_reminder") for s in (free, paid, offline)] == [0, 1, 1]


async def manage_link(owner, cid, client, *, starts_in: timedelta) -> tuple[bytes, object, object]:
    """A confirmed public booking with a manage token, and a free slot of the same type to move it to."""
    token_hash = hashlib.sha256(b"manage-" + str(client).encode()).digest()
    start = datetime.now(UTC).replace(microsecond=0) + starts_in
    sid = await factories.session(owner, cid, client, starts_at=start)
    await owner.execute("update app.sessions set manage_token_hash = $2 where id = $1", sid, token_hash)
    target = await factories.slot(owner, cid, starts_at=start + timedelta(hours=3))
    return token_hash, sid, target


async def test_a_move_through_the_manage_link_is_refused_past_the_mailboxs_day(db, owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid, email="moved@example.com")
    token_hash, sid, target = await manage_link(owner, cid, client, starts_in=timedelta(days=3))
    await fill_mailbox(owner, "moved@example.com")
    app = await db.connect("app")
    try:
        err = await raises_sqlstate(app, "NK429", "select api.public_reschedule_booking($1, $2)", token_hash, target,
                                    message="rate_limited")
        assert err.hint.startswith("retry_after:") and 1 <= int(err.hint.split(":")[1]) <= 86400
    finally:
        await app.close()
    row = await owner.fetchrow("select slot_id, reschedule_count from app.sessions where id = $1", sid)
    assert (row["slot_id"], row["reschedule_count"]) == (None, 0)
    assert await mails(owner, sid, "session_rescheduled") == 0


async def test_a_move_counts_one_mail_and_inside_the_window_stands_in_for_the_reminder(db, owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid, email="mover@example.com")
    # Starts in 5 hours, moved 3 hours later: the reminder of the new time would be due at once.
    token_hash, sid, target = await manage_link(owner, cid, client, starts_in=timedelta(hours=5))
    app = await db.connect("app")
    try:
        moved = await app.fetchval("select api.public_reschedule_booking($1, $2)", token_hash, target)
    finally:
        await app.close()
    assert moved is not None
    bucket = await owner.fetchval("select app_private.recipient_mail_bucket('mover@example.com')")
    assert await owner.fetchval("select hits from app.rate_limit_hits where bucket = $1", bucket) == 1
    # The notice of the new time is the reminder: the one the move queued for it counts as sent.
    row = await owner.fetchrow("select r.sent_at from app.sessions s join app.session_reminders r "
                               "on r.session_id = s.id and r.starts_at = s.starts_at where s.id = $1", sid)
    assert row["sent_at"] is not None
    jobs = await owner.fetch("select status from procrastinate_jobs where queueing_lock = $1 order by id",
                             f"reminder:{sid}")
    assert jobs and all(j["status"] == "cancelled" for j in jobs)
    assert await mails(owner, sid, "session_rescheduled") == 1


async def test_a_confirmation_outside_the_window_keeps_its_reminder(owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    starts = datetime.now(UTC) + timedelta(days=3)
    sid = await factories.session(owner, cid, client, starts_at=starts)
    await owner.execute("select app_private.queue_session_emails(s, 'confirmed') from app.sessions s where s.id = $1",
                        sid)
    assert await owner.fetchval("select count(*) from app.session_reminders where session_id = $1", sid) == 0
    # Its reminder waits for its day (not queued ahead), and is queued then.
    assert await owner.fetch("select status from procrastinate_jobs where queueing_lock = $1", f"reminder:{sid}") == []
    assert await owner.fetchval("select api.worker_queue_due_reminders(100, $1)", starts - timedelta(hours=24)) == 1
    [job] = await owner.fetch("select status from procrastinate_jobs where queueing_lock = $1", f"reminder:{sid}")
    assert job["status"] == "todo"


@pytest.mark.parametrize("value, plausible", [
    ("1970-01-01T00:00:00Z", True), ("1969-12-31T23:59:59.999999Z", False),
    ("2200-12-31T23:59:59.999999Z", True), ("2201-01-01T00:00:00Z", False),
    ("2200-12-31T23:00:00-05:00", False), ("9999-12-31T23:59:59Z", False), (None, True)])
async def test_the_tables_keep_the_apis_range_of_instants(owner, value, plausible):
    at = datetime.fromisoformat(value) if value else None
    assert await owner.fetchval("select app.is_plausible_instant($1)", at) is plausible


@pytest.mark.parametrize("value, plausible", [
    (date(1970, 1, 1), True), (date(1969, 12, 31), False), (date(2200, 12, 31), True), (date(2201, 1, 1), False),
    (date(9999, 12, 31), False)])
async def test_the_tables_keep_the_apis_range_of_dates(owner, value, plausible):
    assert await owner.fetchval("select app.is_plausible_date($1)", value) is plausible

# Test: pytest tests/db/test_anonymous_mail_limits.py
