# tests/db/test_public_slots.py — the set-based public slot list agrees with the per-slot rule the booking applies.
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
        "from jsonb_array_elements((api.public_slots($1, null, null, now() + interval '11 days'))->'items') e", slug)}
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

# Test: pytest tests/db/test_public_slots.py
