# tests/db/test_public_slots.py — the set-based public slot list agrees with the per-slot rule the booking applies, and with the per-slot probes it replaced (issue 20).
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.db import factories


async def test_public_slots_list_exactly_the_slots_booking_would_accept(owner):
    cid = await factories.consultant(owner, min_notice_minutes=60, buffer_minutes=15, max_days_ahead=10)
    client = await factories.client(owner, cid)
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    personal = [await factories.slot(owner, cid, starts_at=base + timedelta(hours=h)) for h in range(0, 30, 1)]
    webinar = await factories.slot(owner, cid, starts_at=base + timedelta(hours=40), session_type="webinar", capacity=3)
    too_soon = await factories.slot(owner, cid, starts_at=datetime.now(UTC) + timedelta(minutes=30))
    too_far = await factories.slot(owner, cid, starts_at=datetime.now(UTC) + timedelta(days=11))
    # A confirmed session (with its buffer), an expired hold, a live hold, a block, a hidden slot, webinar seats.
    await factories.session(owner, cid, client, slot_id=personal[2], buffer_minutes=15)
    expired = await factories.session(owner, cid, client, slot_id=personal[5], status="pending")
    await owner.execute("update app.sessions set hold_expires_at = now() - interval '1 minute' where id = $1", expired)
    await factories.session(owner, cid, client, slot_id=personal[8], status="pending")
    await owner.execute("insert into app.availability_blocks (consultant_id, starts_at, ends_at) values ($1, $2, $3)",
                        cid, base + timedelta(hours=12, minutes=30), base + timedelta(hours=14))
    await owner.execute("update app.availability_slots set is_available = false where id = $1", personal[20])
    await factories.session(owner, cid, client, slot_id=webinar, session_type="webinar")
    await factories.session(owner, cid, client, slot_id=webinar, session_type="webinar")
    slug = await owner.fetchval("select slug from app.consultants where id = $1", cid)

    listed = {r["slot_id"]: r["remaining"] for r in await owner.fetch(
        "select (e->>'slot_id')::uuid as slot_id, (e->>'remaining')::integer as remaining "
        "from json_array_elements((api.public_slots($1, null, null, now() + interval '11 days'))->'items') e", slug)}
    free = {r["id"] for r in await owner.fetch(
        "select s.id from app.availability_slots s, app.consultants c "
        "where c.id = $1 and s.consultant_id = c.id and app_private.slot_is_free(c, s, null)", cid)}
    assert set(listed) == free
    # 2 is booked; its 15 minutes of rest overlap 3, which starts as 2 ends; 4 is free again.
    assert personal[2] not in listed and personal[3] not in listed and personal[4] in listed
    assert personal[5] in listed and personal[8] not in listed and personal[20] not in listed
    assert personal[12] not in listed and personal[13] not in listed       # blocked
    assert too_soon not in listed and too_far not in listed
    assert listed[webinar] == 1


# The definition before issue 20, probe by probe for each slot: what the busy-time summary must still answer (with
# its one fix: a session with no slot blocks an overlapping webinar; `x.slot_id = s.id` was null for it).
REFERENCE = """
select s.id, s.capacity - s.booked_count + coalesce(h.expired, 0)::integer as remaining
from app.consultants c, app.availability_slots s
left join lateral (select count(*) as expired from app.sessions x
                   where x.slot_id = s.id and x.status = 'pending' and x.hold_expires_at <= now()) h on true
where c.id = $1 and s.consultant_id = c.id and s.is_available
  and s.starts_at >= now() + make_interval(mins => c.min_notice_minutes)
  and s.starts_at <= now() + make_interval(days => c.max_days_ahead)
  and s.booked_count - coalesce(h.expired, 0) < s.capacity
  and not exists (select 1 from app.availability_blocks b
                  where b.consultant_id = c.id and tstzrange(b.starts_at, b.ends_at) && tstzrange(s.starts_at, s.ends_at))
  and not exists (select 1 from app.calendar_busy cb
                  where cb.consultant_id = c.id and cb.during && tstzrange(s.starts_at, s.ends_at, '[)'))
  and not exists (select 1 from app.sessions x
                  where x.consultant_id = c.id and x.status in ('pending', 'confirmed', 'completed', 'no_show')
                    and not (x.status = 'pending' and x.hold_expires_at <= now()) and x.id is distinct from $2
                    and x.occupied_during && tstzrange(s.starts_at, s.ends_at + make_interval(mins => c.buffer_minutes), '[)')
                    and not (s.session_type = 'webinar' and x.slot_id is not distinct from s.id))"""


async def test_busy_time_summary_answers_as_the_per_slot_probes(owner):
    cid = await factories.consultant(owner, min_notice_minutes=0, buffer_minutes=30, max_days_ahead=20)
    client = await factories.client(owner, cid)
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    at = [base + timedelta(hours=h) for h in range(0, 12)]
    personal = [await factories.slot(owner, cid, starts_at=t) for t in at]
    # Webinars: one with a live and an expired seat; one overlapped by a personal session's buffer; one whose only
    # overlap is its own seats; a two-day one (past the gathered day) crossing a block.
    web_seats = await factories.slot(owner, cid, starts_at=at[0] + timedelta(minutes=15), session_type="webinar",
                                     capacity=2)
    web_buffer = await factories.slot(owner, cid, starts_at=at[4] + timedelta(minutes=20), session_type="webinar",
                                      capacity=5, minutes=30)
    web_own = await factories.slot(owner, cid, starts_at=base + timedelta(days=2), session_type="webinar",
                                   capacity=5)
    long_one = await factories.slot(owner, cid, starts_at=base + timedelta(days=3), session_type="webinar",
                                    capacity=5, minutes=2 * 24 * 60)
    await factories.session(owner, cid, client, slot_id=web_seats, session_type="webinar")
    expired = await factories.session(owner, cid, client, slot_id=web_seats, session_type="webinar", status="pending")
    await owner.execute("update app.sessions set hold_expires_at = now() - interval '1 minute' where id = $1", expired)
    await factories.session(owner, cid, client, slot_id=personal[3], buffer_minutes=30)   # buffer reaches web_buffer
    await factories.session(owner, cid, client, slot_id=web_own, session_type="webinar")
    await factories.availability_block(owner, cid, starts_at=base + timedelta(days=4, hours=5), minutes=60)  # long_one
    moved = await factories.session(owner, cid, client, starts_at=at[9])  # no slot: 9, and 8 by the buffer
    web_offline = await factories.slot(owner, cid, starts_at=base + timedelta(days=5), session_type="webinar",
                                       capacity=5)
    await factories.session(owner, cid, client, starts_at=base + timedelta(days=5, minutes=30))  # no slot, overlaps
    await factories.availability_block(owner, cid, starts_at=at[6] + timedelta(minutes=59), minutes=2)  # 6 and 7
    connection = await owner.fetchval(
        "insert into app.calendar_connections (consultant_id, provider, account_email, access_token_encrypted, "
        "refresh_token_encrypted, access_expires_at) values ($1, 'google', 'c@gmail.example', 'a', 'r', now()) "
        "returning id", cid)
    await owner.execute("insert into app.calendar_busy (consultant_id, connection_id, during) "
                        "values ($1, $2, tstzrange($3, $4, '(]'))", cid, connection, at[10], at[10] + timedelta(hours=1))

    for ignore in (None, moved):
        expected = {r["id"]: r["remaining"] for r in await owner.fetch(REFERENCE, cid, ignore)}
        listed = {r["slot_id"]: r["remaining"] for r in await owner.fetch(
            "select f.slot_id, f.remaining from app_private.free_slots((select c from app.consultants c where c.id = $1),"
            " null, now(), now() + interval '20 days', 1000, $2) f", cid, ignore)}
        assert listed == expected
        assert (personal[8] in listed) == (personal[9] in listed) == (ignore == moved)
    assert listed[web_seats] == 1 and web_own in listed and web_offline not in listed
    assert web_buffer not in listed and long_one not in listed and personal[4] not in listed   # buffer of 3
    assert personal[6] not in listed and personal[7] not in listed and personal[5] in listed  # block
    assert personal[10] not in listed and personal[11] not in listed   # busy (at 10, at 11]: 11 starts at its end

# Test: pytest tests/db/test_public_slots.py
