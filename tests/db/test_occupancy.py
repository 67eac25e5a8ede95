# tests/db/test_occupancy.py — a consultant's time is never double-booked: sessions_no_overlap, webinar seats, booked_count, races.
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate

T0 = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)  # a Monday, well in the future
LIVE = ["pending", "confirmed", "completed", "no_show"]


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
async def tenant(owner):
    cid = await factories.consultant(owner)
    return cid, await factories.client(owner, cid)


async def book(conn, consultant_id, client_id, start: int, minutes: int = 60, **kw):
    return await factories.session(conn, consultant_id, client_id, starts_at=at(start), minutes=minutes, **kw)


async def refused(coro) -> asyncpg.PostgresError:
    with pytest.raises(asyncpg.PostgresError) as info:
        await coro
    return info.value


def assert_overlap(err: asyncpg.PostgresError) -> None:
    assert (err.sqlstate, err.constraint_name) == ("23P01", "sessions_no_overlap"), err


async def seats(conn, slot_id) -> int:
    return await conn.fetchval("select booked_count from app.availability_slots where id = $1", slot_id)


async def live_sessions(conn, consultant_id) -> int:
    return await conn.fetchval("select count(*) from app.sessions where consultant_id = $1 and status = any($2)",
                               consultant_id, LIVE)


# --- personal sessions ------------------------------------------------------------------------------

@pytest.mark.parametrize("first_status", LIVE)
async def test_overlapping_live_personal_sessions_are_refused(owner, tenant, first_status):
    cid, client_id = tenant
    await book(owner, cid, client_id, 0, 60, status=first_status)   # 10:00-11:00
    # Later, earlier, identical, inside, around, and the last minute.
    for start, minutes in [(30, 60), (-30, 60), (0, 60), (15, 30), (-60, 180), (59, 1)]:
        assert_overlap(await refused(book(owner, cid, client_id, start, minutes)))
    assert await live_sessions(owner, cid) == 1


async def test_touching_sessions_are_allowed(owner, tenant):
    cid, client_id = tenant
    await book(owner, cid, client_id, 0, 60)
    await book(owner, cid, client_id, 60, 60)    # starts when the first ends
    await book(owner, cid, client_id, -45, 45)   # ends when the first starts
    assert await live_sessions(owner, cid) == 3


async def test_buffer_minutes_keep_the_next_session_away(owner, tenant):
    cid, client_id = tenant
    # The buffer is rest after a session: 09:00-10:00 with 15 minutes occupies 09:00-10:15.
    await book(owner, cid, client_id, 0, 60, buffer_minutes=15)
    assert_overlap(await refused(book(owner, cid, client_id, 70, 50)))       # 10:10 is inside the rest
    await book(owner, cid, client_id, 75, 45)                                # 10:15 is free
    # A newcomer's own buffer reaches forward: 08:30-08:50 plus 15 minutes runs into 09:00.
    assert_overlap(await refused(book(owner, cid, client_id, -30, 20, buffer_minutes=15)))
    await book(owner, cid, client_id, -30, 20, buffer_minutes=10)            # 08:30-09:00 exactly
    row = await owner.fetchrow("select lower(occupied_during) as lo, upper(occupied_during) as hi from app.sessions "
                               "where starts_at = $1", at(0))
    assert (row["lo"], row["hi"]) == (at(0), at(75))


@pytest.mark.parametrize("dead_status", ["cancelled", "abandoned", "returned"])
async def test_dead_sessions_do_not_block(owner, tenant, dead_status):
    cid, client_id = tenant
    await book(owner, cid, client_id, 0, 60, status=dead_status)
    await book(owner, cid, client_id, 0, 60, status=dead_status)
    live = await book(owner, cid, client_id, 0, 60, status="pending" if dead_status == "abandoned" else "confirmed")
    assert await live_sessions(owner, cid) == 1
    # Dying through the lifecycle frees the time.
    steps = {"cancelled": ["cancelled"], "abandoned": ["abandoned"], "returned": ["cancelled", "returned"]}
    for step in steps[dead_status]:
        await owner.execute("update app.sessions set status = $2 where id = $1", live, step)
    await book(owner, cid, client_id, 30, 60)
    # A late payment may revive an abandoned hold, but not onto a time now taken; the others stay dead.
    if dead_status == "abandoned":
        assert_overlap(await refused(owner.execute("update app.sessions set status = 'confirmed' where id = $1", live)))
    else:
        err = await refused(owner.execute("update app.sessions set status = 'confirmed' where id = $1", live))
        assert (err.sqlstate, err.message) == ("NK409", "invalid_transition")
    assert await live_sessions(owner, cid) == 1


async def test_moving_a_session_onto_a_taken_time_is_refused(owner, tenant):
    cid, client_id = tenant
    await book(owner, cid, client_id, 0, 60)
    other = await book(owner, cid, client_id, 120, 60)
    assert_overlap(await refused(owner.execute(
        "update app.sessions set starts_at = $2, ends_at = $3 where id = $1", other, at(30), at(90))))
    assert await owner.fetchval("select starts_at from app.sessions where id = $1", other) == at(120)


async def test_two_consultants_may_overlap(owner, tenant):
    cid, client_id = tenant
    other = await factories.consultant(owner)
    await book(owner, cid, client_id, 0, 60)
    await book(owner, other, await factories.client(owner, other), 0, 60)
    assert await live_sessions(owner, cid) == 1
    assert await live_sessions(owner, other) == 1


# --- webinars ---------------------------------------------------------------------------------------

async def webinar_slot(conn, consultant_id, start: int, minutes: int = 90, capacity: int = 10):
    return await factories.slot(conn, consultant_id, starts_at=at(start), minutes=minutes, session_type="webinar",
                                capacity=capacity)


async def seat(conn, consultant_id, slot_id, *, status: str = "confirmed", client_id=None):
    client_id = client_id or await factories.client(conn, consultant_id)
    return await factories.session(conn, consultant_id, client_id, slot_id=slot_id, session_type="webinar",
                                   status=status, amount="499.00")


async def test_seats_of_one_webinar_coexist_but_block_other_bookings(owner, tenant):
    cid, client_id = tenant
    webinar = await webinar_slot(owner, cid, 480)   # 18:00-19:30
    for _ in range(3):
        await seat(owner, cid, webinar)
    assert await live_sessions(owner, cid) == 3
    # A personal session in the webinar's time is refused; right after it, fine.
    assert_overlap(await refused(book(owner, cid, client_id, 540, 60)))
    await book(owner, cid, client_id, 570, 60)
    # Another webinar overlapping the first is refused once it takes a seat.
    other = await webinar_slot(owner, cid, 510)
    assert_overlap(await refused(seat(owner, cid, other)))
    assert await seats(owner, other) == 0
    assert await seats(owner, webinar) == 3


async def test_an_empty_webinar_slot_does_not_occupy_time(owner, tenant):
    cid, client_id = tenant
    webinar = await webinar_slot(owner, cid, 0)
    await book(owner, cid, client_id, 30, 60)
    # ...but then its first seat is refused, since the time is taken.
    assert_overlap(await refused(seat(owner, cid, webinar)))
    assert await seats(owner, webinar) == 0


async def test_booked_count_follows_seat_holding_sessions(owner, tenant):
    cid, _ = tenant
    webinar = await webinar_slot(owner, cid, 0, capacity=3)
    later = await webinar_slot(owner, cid, 240, capacity=3)
    first = await seat(owner, cid, webinar)
    second = await seat(owner, cid, webinar)
    assert await seats(owner, webinar) == 2
    await owner.execute("update app.sessions set status = 'cancelled' where id = $1", first)
    assert await seats(owner, webinar) == 1
    held = await seat(owner, cid, webinar, status="pending")
    assert await seats(owner, webinar) == 2                 # a hold takes a seat
    await owner.execute("update app.sessions set status = 'abandoned' where id = $1", held)
    assert await seats(owner, webinar) == 1                 # an abandoned hold gives it back
    await owner.execute("update app.sessions set status = 'completed' where id = $1", second)
    assert await seats(owner, webinar) == 1                 # still a seat
    await seat(owner, cid, webinar, status="cancelled")
    assert await seats(owner, webinar) == 1                 # a dead session never took one
    # Moving a seat to another slot moves the count.
    await owner.execute("update app.sessions set slot_id = $2, starts_at = $3, ends_at = $4 where id = $1",
                        second, later, at(240), at(330))
    assert (await seats(owner, webinar), await seats(owner, later)) == (0, 1)
    await owner.execute("delete from app.sessions where id = $1", second)
    assert await seats(owner, later) == 0
    # The count never goes below zero or above capacity, whatever happens to sessions.
    count = await owner.fetchval("select count(*) from app.sessions where slot_id = $1 and status = any($2)", webinar, LIVE)
    assert count == await seats(owner, webinar)


async def test_a_full_webinar_refuses_one_more_seat(owner, tenant):
    cid, _ = tenant
    webinar = await webinar_slot(owner, cid, 0, capacity=2)
    await seat(owner, cid, webinar)
    lapsed = await seat(owner, cid, webinar, status="pending")
    await owner.execute("update app.sessions set status = 'abandoned' where id = $1", lapsed)
    await seat(owner, cid, webinar)
    err = await refused(seat(owner, cid, webinar))
    assert (err.sqlstate, err.constraint_name) == ("23514", "availability_slots_booked_count_range")
    # A late payment reviving the lapsed hold would overbook too.
    err = await refused(owner.execute("update app.sessions set status = 'confirmed' where id = $1", lapsed))
    assert (err.sqlstate, err.constraint_name) == ("23514", "availability_slots_booked_count_range")
    assert await seats(owner, webinar) == 2
    assert await live_sessions(owner, cid) == 2
    # Nor can the consultant shrink the webinar below the seats sold.
    err = await refused(owner.execute("update app.availability_slots set capacity = 1 where id = $1", webinar))
    assert (err.sqlstate, err.constraint_name) == ("23514", "availability_slots_booked_count_range")


async def test_a_personal_slot_counts_its_booking(owner, tenant):
    cid, client_id = tenant
    slot_id = await factories.slot(owner, cid, starts_at=at(0))
    await factories.session(owner, cid, client_id, slot_id=slot_id)
    assert await seats(owner, slot_id) == 1
    assert_overlap(await refused(factories.session(owner, cid, client_id, slot_id=slot_id)))
    assert await seats(owner, slot_id) == 1



async def test_a_booked_slot_is_neither_deleted_nor_moved(db, owner, tenant):
    cid, client = tenant
    webinar = await webinar_slot(owner, cid, 0, capacity=3)
    await seat(owner, cid, webinar)
    personal = await factories.slot(owner, cid, starts_at=at(600))
    await factories.session(owner, cid, client, slot_id=personal)
    free = await factories.slot(owner, cid, starts_at=at(900))
    async with db.as_caller("app", consultant_id=cid) as conn:
        for slot_id in (webinar, personal):
            for sql in ("delete from app.availability_slots where id = $1",
                        "update app.availability_slots set starts_at = starts_at + interval '1 hour', "
                        "ends_at = ends_at + interval '1 hour' where id = $1"):
                await raises_sqlstate(conn, "NK409", sql, slot_id, message="slot_booked")
        # Capacity may grow; an unbooked slot may be moved or deleted.
        await conn.execute("update app.availability_slots set capacity = 5 where id = $1", webinar)
        await conn.execute("update app.availability_slots set starts_at = starts_at + interval '1 hour', "
                           "ends_at = ends_at + interval '1 hour' where id = $1", free)
        assert await conn.execute("delete from app.availability_slots where id = $1", free) == "DELETE 1"
    assert await owner.fetchval("select count(*) from app.sessions where slot_id is null") == 0

# --- races ------------------------------------------------------------------------------------------

async def race(db, n: int, insert) -> list[str]:
    """n transactions on n connections run insert(conn, i) at the same moment and commit; returns
    'ok' or the SQLSTATE of each."""
    conns = await asyncio.gather(*(db.connect("owner") for _ in range(n)))
    barrier = asyncio.Barrier(n)

    async def attempt(conn, i):
        tr = conn.transaction()
        await tr.start()
        await barrier.wait()
        try:
            await insert(conn, i)
            await asyncio.sleep(0.1)  # hold the booking uncommitted while the others arrive
            await tr.commit()
            return "ok"
        except asyncpg.PostgresError as exc:
            await tr.rollback()
            return exc.sqlstate

    try:
        return list(await asyncio.gather(*(attempt(c, i) for i, c in enumerate(conns))))
    finally:
        await asyncio.gather(*(c.close() for c in conns))


async def test_race_for_overlapping_personal_sessions_books_exactly_one(db, owner, tenant):
    cid, client_id = tenant
    n = 10
    outcomes = await race(db, n, lambda conn, i: book(conn, cid, client_id, i * 5, 60))
    assert outcomes.count("ok") == 1, outcomes
    # The losers are refused as overlaps (or, when two losers waited on each other, as a deadlock victim).
    assert set(outcomes) - {"ok"} <= {"23P01", "40P01"}, outcomes
    assert await live_sessions(owner, cid) == 1


async def test_race_for_webinar_seats_sells_exactly_capacity(db, owner, tenant):
    cid, _ = tenant
    webinar = await webinar_slot(owner, cid, 0, capacity=5)
    clients = [await factories.client(owner, cid) for _ in range(20)]
    outcomes = await race(db, 20, lambda conn, i: seat(conn, cid, webinar, client_id=clients[i]))
    assert outcomes.count("ok") == 5, outcomes
    assert set(outcomes) - {"ok"} == {"23514"}, outcomes
    assert await seats(owner, webinar) == 5
    assert await owner.fetchval("select count(*) from app.sessions where slot_id = $1", webinar) == 5

# Test: pytest tests/db/test_occupancy.py
