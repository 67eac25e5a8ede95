# tests/db/test_local_times.py — local date/time columns follow the consultant's timezone; weekly rules become DST-correct slots.
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.db import factories

NY = "America/New_York"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def slot_local(conn, slot_id):
    row = await conn.fetchrow("select date, start_time, end_time from app.availability_slots where id = $1", slot_id)
    return row["date"], row["start_time"], row["end_time"]


async def session_local(conn, session_id):
    row = await conn.fetchrow("select scheduled_date, scheduled_time, duration_minutes from app.sessions where id = $1",
                              session_id)
    return row["scheduled_date"], row["scheduled_time"], row["duration_minutes"]


async def test_local_columns_are_derived_in_the_consultants_timezone(owner):
    cid = await factories.consultant(owner, timezone=NY)
    client_id = await factories.client(owner, cid)
    winter = await factories.slot(owner, cid, starts_at=utc(2027, 1, 15, 14, 0), minutes=60)        # EST, UTC-5
    summer = await factories.slot(owner, cid, starts_at=utc(2027, 7, 1, 3, 30), minutes=60)         # EDT, UTC-4
    assert await slot_local(owner, winter) == (date(2027, 1, 15), time(9, 0), time(10, 0))
    # 03:30Z on 1 July is still 30 June in New York.
    assert await slot_local(owner, summer) == (date(2027, 6, 30), time(23, 30), time(0, 30))
    evening = await factories.session(owner, cid, client_id, starts_at=utc(2027, 7, 1, 3, 30), minutes=90)
    assert await session_local(owner, evening) == (date(2027, 6, 30), time(23, 30), 90)
    # Across the spring-forward night the wall clock shows 01:00 -> 04:00, but two hours pass.
    night = await factories.session(owner, cid, client_id, starts_at=utc(2027, 3, 14, 6, 0), minutes=120)
    assert await session_local(owner, night) == (date(2027, 3, 14), time(1, 0), 120)
    # The same instants for an Indian consultant read differently.
    india = await factories.consultant(owner, timezone="Asia/Kolkata")
    same = await factories.slot(owner, india, starts_at=utc(2027, 7, 1, 3, 30), minutes=60)
    assert await slot_local(owner, same) == (date(2027, 7, 1), time(9, 0), time(10, 0))


async def test_moving_a_slot_or_session_re_derives_its_local_columns(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner, timezone=NY)
        client_id = await factories.client(owner, cid)
        slot_id = await factories.slot(owner, cid, starts_at=utc(2027, 1, 15, 14, 0))
        session_id = await factories.session(owner, cid, client_id, starts_at=utc(2027, 1, 16, 14, 0))
        await owner.execute("update app.sessions set starts_at = $2, ends_at = $3 where id = $1",
                            session_id, utc(2027, 1, 17, 20, 0), utc(2027, 1, 17, 20, 45))
        assert await session_local(owner, session_id) == (date(2027, 1, 17), time(15, 0), 45)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        await conn.execute("update app.availability_slots set starts_at = $2, ends_at = $3 where id = $1",
                           slot_id, utc(2027, 1, 20, 15, 0), utc(2027, 1, 20, 15, 30))
        assert await slot_local(conn, slot_id) == (date(2027, 1, 20), time(10, 0), time(10, 30))


async def test_changing_timezone_re_derives_slots_and_sessions(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner, timezone=NY)
        bystander = await factories.consultant(owner, timezone=NY)
        client_id = await factories.client(owner, cid)
        slot_id = await factories.slot(owner, cid, starts_at=utc(2027, 7, 1, 3, 30), minutes=60)
        session_id = await factories.session(owner, cid, client_id, starts_at=utc(2027, 1, 15, 14, 0), minutes=90)
        other_slot = await factories.slot(owner, bystander, starts_at=utc(2027, 7, 1, 3, 30), minutes=60)
    finally:
        await owner.close()
    # The consultant moves to India from the settings page: the app role, through its column grant, committed.
    conn = await db.connect("app")
    try:
        async with conn.transaction():
            await conn.execute("select set_config('app.consultant_id', $1, true)", str(cid))
            assert await conn.execute("update app.consultants set timezone = 'Asia/Kolkata'") == "UPDATE 1"
            assert await slot_local(conn, slot_id) == (date(2027, 7, 1), time(9, 0), time(10, 0))
            assert await session_local(conn, session_id) == (date(2027, 1, 15), time(19, 30), 90)
    finally:
        await conn.close()
    owner = await db.connect("owner")
    try:
        assert await slot_local(owner, slot_id) == (date(2027, 7, 1), time(9, 0), time(10, 0))
        assert await session_local(owner, session_id) == (date(2027, 1, 15), time(19, 30), 90)
        # The instants, the truth, did not move.
        row = await owner.fetchrow("select starts_at, ends_at from app.sessions where id = $1", session_id)
        assert (row["starts_at"], row["ends_at"]) == (utc(2027, 1, 15, 14, 0), utc(2027, 1, 15, 15, 30))
        # Another consultant in New York is untouched.
        assert await slot_local(owner, other_slot) == (date(2027, 6, 30), time(23, 30), time(0, 30))
    finally:
        await owner.close()


# --- materialising weekly rules ---------------------------------------------------------------------

async def materialise(conn, consultant_id, start: date, end: date) -> int:
    """The slots the rules call for between two local dates (app_private.desired_slots, what the roll-forward
    stores up to the horizon), stored the way the roll-forward stores them; returns how many were new."""
    return await conn.fetchval(
        "with added as (insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, "
        "capacity, source, rule_id) select $1, d.session_type, d.starts_at, d.ends_at, d.capacity, 'rule', d.rule_id "
        "from app_private.desired_slots($1, $2, $3) d on conflict (consultant_id, session_type, starts_at) do nothing "
        "returning 1) select count(*) from added", consultant_id, start, end)


async def slots_of(conn, consultant_id):
    return [tuple(r) for r in await conn.fetch(
        "select starts_at, ends_at, date, start_time, end_time, source from app.availability_slots "
        "where consultant_id = $1 order by starts_at", consultant_id)]


async def test_monday_rule_stays_at_nine_local_across_the_dst_change(owner):
    cid = await factories.consultant(owner, timezone=NY)
    rule_id = await factories.availability_rule(owner, cid, weekday=1, start_time=time(9), end_time=time(10),
                                                slot_minutes=60)
    # Monday 8 March 2027 is EST (UTC-5); clocks go forward on Sunday 14 March; Monday 15 March is EDT (UTC-4).
    assert await materialise(owner, cid, date(2027, 3, 8), date(2027, 3, 15)) == 2
    assert await slots_of(owner, cid) == [
        (utc(2027, 3, 8, 14, 0), utc(2027, 3, 8, 15, 0), date(2027, 3, 8), time(9), time(10), "rule"),
        (utc(2027, 3, 15, 13, 0), utc(2027, 3, 15, 14, 0), date(2027, 3, 15), time(9), time(10), "rule"),
    ]
    assert await owner.fetchval("select count(*) from app.availability_slots where rule_id = $1", rule_id) == 2
    # Re-running adds nothing.
    assert await materialise(owner, cid, date(2027, 3, 8), date(2027, 3, 15)) == 0
    assert await materialise(owner, cid, date(2027, 3, 1), date(2027, 3, 22)) == 2   # only the 1st and the 22nd
    assert len(await slots_of(owner, cid)) == 4


@pytest.mark.parametrize("session_tz", ["UTC", "Pacific/Kiritimati", "America/Santiago", "Asia/Kolkata"])
async def test_materialised_slots_do_not_depend_on_the_connections_timezone(owner, session_tz):
    cid = await factories.consultant(owner, timezone=NY)
    await factories.availability_rule(owner, cid, weekday=1, start_time=time(9), end_time=time(10), slot_minutes=30)
    await owner.execute(f"set timezone = '{session_tz}'")
    assert await materialise(owner, cid, date(2027, 3, 8), date(2027, 3, 15)) == 4
    starts = [r[0] for r in await slots_of(owner, cid)]
    assert starts == [utc(2027, 3, 8, 14, 0), utc(2027, 3, 8, 14, 30), utc(2027, 3, 15, 13, 0), utc(2027, 3, 15, 13, 30)]


async def test_a_local_time_skipped_by_dst_gets_no_slot(owner):
    # 02:00-03:00 does not exist in New York on 14 March 2027: no slot rather than one at 03:00.
    cid = await factories.consultant(owner, timezone=NY)
    await factories.availability_rule(owner, cid, weekday=7, start_time=time(2), end_time=time(3), slot_minutes=30)
    assert await materialise(owner, cid, date(2027, 3, 7), date(2027, 3, 21)) == 4
    rows = await slots_of(owner, cid)
    assert [(r[2], r[3]) for r in rows] == [
        (date(2027, 3, 7), time(2, 0)), (date(2027, 3, 7), time(2, 30)),
        (date(2027, 3, 21), time(2, 0)), (date(2027, 3, 21), time(2, 30))]


async def test_slots_cut_from_a_rule_fit_inside_it_and_respect_its_validity(owner):
    cid = await factories.consultant(owner, timezone=NY)
    await factories.availability_rule(owner, cid, weekday=1, start_time=time(9), end_time=time(10), slot_minutes=45)
    await factories.availability_rule(owner, cid, weekday=2, start_time=time(9), end_time=time(12), slot_minutes=60,
                                      valid_from=date(2027, 3, 16), valid_until=date(2027, 3, 16))
    await factories.availability_rule(owner, cid, weekday=3, start_time=time(9), end_time=time(12), slot_minutes=60,
                                      is_active=False)
    await factories.availability_rule(owner, cid, weekday=4, start_time=time(18), end_time=time(19, 30),
                                      slot_minutes=90, session_type="webinar", capacity=25)
    assert await materialise(owner, cid, date(2027, 3, 8), date(2027, 3, 18)) == 2 + 3 + 2
    rows = await owner.fetch("select date, start_time, end_time, session_type, capacity from app.availability_slots "
                             "where consultant_id = $1 order by starts_at", cid)
    assert [tuple(r) for r in rows] == [
        (date(2027, 3, 8), time(9), time(9, 45), "personal", 1),       # 45 of 60 minutes: one slot, no stub
        (date(2027, 3, 11), time(18), time(19, 30), "webinar", 25),
        (date(2027, 3, 15), time(9), time(9, 45), "personal", 1),
        (date(2027, 3, 16), time(9), time(10), "personal", 1),         # only on its one valid day
        (date(2027, 3, 16), time(10), time(11), "personal", 1),
        (date(2027, 3, 16), time(11), time(12), "personal", 1),
        (date(2027, 3, 18), time(18), time(19, 30), "webinar", 25),
    ]


async def test_past_days_get_no_slots(owner):
    cid = await factories.consultant(owner, timezone=NY)
    for weekday in range(1, 8):
        await factories.availability_rule(owner, cid, weekday=weekday, start_time=time(0), end_time=time(23),
                                          slot_minutes=60)
    now = await owner.fetchval("select now()")
    today = now.date()
    assert await materialise(owner, cid, today - timedelta(days=14), today - timedelta(days=2)) == 0
    await materialise(owner, cid, today - timedelta(days=2), today + timedelta(days=2))
    first = await owner.fetchval("select min(starts_at) from app.availability_slots where consultant_id = $1", cid)
    assert first > now


async def test_blocked_ranges_suppress_slots(owner):
    cid = await factories.consultant(owner, timezone=NY)
    other = await factories.consultant(owner, timezone=NY)
    for consultant in (cid, other):
        await factories.availability_rule(owner, consultant, weekday=1, start_time=time(9), end_time=time(12),
                                          slot_minutes=60)
    # Holiday on Monday 15 March (the whole local day), a dentist at 10:30-10:45 on 22 March, and a block
    # that ends exactly when the 9:00 slot on 29 March begins.
    await factories.availability_block(owner, cid, starts_at=utc(2027, 3, 15, 4, 0), minutes=24 * 60)
    await factories.availability_block(owner, cid, starts_at=utc(2027, 3, 22, 14, 30), minutes=15)
    await factories.availability_block(owner, cid, starts_at=utc(2027, 3, 29, 12, 0), minutes=60)
    assert await materialise(owner, cid, date(2027, 3, 15), date(2027, 3, 29)) == 0 + 2 + 3
    rows = await owner.fetch("select date, start_time from app.availability_slots where consultant_id = $1 "
                             "order by starts_at", cid)
    assert [tuple(r) for r in rows] == [
        (date(2027, 3, 22), time(9)), (date(2027, 3, 22), time(11)),
        (date(2027, 3, 29), time(9)), (date(2027, 3, 29), time(10)), (date(2027, 3, 29), time(11))]
    # Another consultant's holiday is not this one's.
    assert await materialise(owner, other, date(2027, 3, 15), date(2027, 3, 29)) == 9

# Test: pytest tests/db/test_local_times.py
