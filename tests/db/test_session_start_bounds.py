# tests/db/test_session_start_bounds.py — a consultant books or moves a session only from a few minutes ago up to 2 years ahead (api.create_session, api.reschedule_session), refused with its reason and nothing stored or mailed.
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate

CREATE = ("select api.create_session(null, 'Ravi', 'ravi@example.com', null, null, null, 'personal', $1, $2, 0, "
          "'pending', null, null)")
MOVE = "select api.reschedule_session($1, null, $2, $3)"
OUTSIDE = [(timedelta(days=-365 * 7), "session_in_past"), (timedelta(minutes=-11), "session_in_past"),
           (timedelta(days=740), "session_too_far_ahead"), (timedelta(days=365 * 174), "session_too_far_ahead")]


@pytest.mark.parametrize("offset, code", OUTSIDE)
async def test_a_session_outside_now_to_two_years_is_refused_and_nothing_is_written(db, offset, code):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
        client = await factories.client(owner, cid)
        sid = await factories.session(owner, cid, client, starts_at=datetime.now(UTC) + timedelta(days=3))
    finally:
        await owner.close()
    start = datetime.now(UTC) + offset
    async with db.as_caller("app", consultant_id=cid) as conn:
        err = await raises_sqlstate(conn, "NK422", CREATE, start, start + timedelta(hours=1), message=code)
        assert err.hint == "field:starts_at"
        assert ("past" if code == "session_in_past" else "2 years") in err.detail
        await raises_sqlstate(conn, "NK422", MOVE, sid, start, start + timedelta(hours=1), message=code)
        assert await conn.fetchval("select count(*) from app.sessions") == 1
        assert await conn.fetchval("select reschedule_count from app.sessions where id = $1", sid) == 0
        assert await conn.fetchval("select count(*) from app.email_logs") == 0


async def test_a_session_just_started_or_just_under_two_years_ahead_is_booked_and_moved(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
    finally:
        await owner.close()
    now = datetime.now(UTC)
    async with db.as_caller("app", consultant_id=cid) as conn:
        # Entered as it starts (within the grace): a record, nobody mailed.
        made = await conn.fetchval(CREATE, now - timedelta(minutes=5), now + timedelta(minutes=55))
        assert made is not None
        far = now + timedelta(days=729)
        sid = await conn.fetchval("select (api.create_session(null, 'Mira', 'mira@example.com', null, null, null, "
                                  "'personal', $1, $2, 0, 'pending', null, null))->>'id'", far, far + timedelta(hours=1))
        await conn.execute(MOVE, sid, now + timedelta(days=2), now + timedelta(days=2, hours=1))
        assert await conn.fetchval("select reschedule_count from app.sessions where id = $1::uuid", sid) == 1
        assert await conn.fetchval("select count(*) from app.sessions") == 2

# Test: pytest tests/db/test_session_start_bounds.py
