# tests/db/test_booking_rules.py — the public booking's rules in SQL, called as the app role: an existing client is never rewritten, unpaid holds are capped (NK429 with retry_after), Idempotency-Keys are claimed per consultant before any order, the slot list is paged; the per-mailbox hold cap reads one index probe.
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.db import factories

QUOTE = "select api.booking_quote($1, $2, 'personal', $3, $4, $5, $6)"
BOOK = ("select api.book_slot($1, $2, 'personal', $3, $4, null, null, null, $5, 'v1.link', $6, $7, $8, 'local', $9, "
        "$10, null, $11)")


def sha(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


async def published(owner, price: str = "1499.50", slots: int = 10) -> tuple[uuid.UUID, str, list[uuid.UUID]]:
    cid = await factories.consultant(owner, personal_session_price=price, min_notice_minutes=0)
    slug = await owner.fetchval("select slug from app.consultants where id = $1", cid)
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    ids = [await factories.slot(owner, cid, starts_at=start + timedelta(hours=2 * i)) for i in range(slots)]
    return cid, slug, ids


async def book(app, slug: str, slot_id, email: str, *, name: str = "Priya Shah", ip: bytes | None = None,
               key: str | None = None, request: str = "r") -> dict:
    """As app/routes/public.py does it: the quote (limits, key claimed), then the booking with an order."""
    quote = json.loads(await app.fetchval(QUOTE, slug, slot_id, email, ip, key, sha(request)))
    if "replay" in quote:
        return quote
    return json.loads(await app.fetchval(BOOK, slug, slot_id, name, email, sha(str(uuid.uuid4())), key, sha(request),
                                         uuid.UUID(quote["session_id"]), "order_" + uuid.uuid4().hex[:14],
                                         quote["amount_paise"], ip))


async def test_a_booking_creates_a_new_client_but_never_changes_an_existing_one(db, owner):
    cid, slug, slots = await published(owner, price="0")
    existing = await factories.client(owner, cid, email="known@example.com")
    await owner.execute("update app.clients set is_active = false, phone_hash = $2, phone_encrypted = 'x' where id = $1",
                        existing, sha("+911111111111"))
    before = dict(await owner.fetchrow("select name, email, phone_hash, phone_encrypted, is_active from app.clients "
                                       "where id = $1", existing))
    app = await db.connect("app")
    try:
        made = await book(app, slug, slots[0], " Known@Example.com ", name="Someone Else")
        fresh = await book(app, slug, slots[1], "fresh@example.com", name="Fresh Client")
    finally:
        await app.close()
    after = dict(await owner.fetchrow("select name, email, phone_hash, phone_encrypted, is_active from app.clients "
                                      "where id = $1", existing))
    assert after == before
    typed = await owner.fetchrow("select client_id, client_name, client_email::text from app.sessions where id = $1",
                                 uuid.UUID(made["session_id"]))
    assert tuple(typed) == (existing, "Someone Else", "known@example.com")
    assert made["client"] == {"name": "Someone Else", "email": "known@example.com"}
    new = await owner.fetchrow("select c.name, c.is_active from app.sessions s join app.clients c on c.id = s.client_id "
                               "where s.id = $1", uuid.UUID(fresh["session_id"]))
    assert tuple(new) == ("Fresh Client", True)


async def test_unpaid_holds_are_capped_per_address_under_the_lock(db, owner):
    cid, slug, slots = await published(owner)
    await owner.execute("update app.platform_settings set value = '2' where key = 'unpaid_holds_per_ip'")
    ip = sha("203.0.113.1")
    app = await db.connect("app")
    try:
        for i in range(2):
            await book(app, slug, slots[i], f"a{i}@example.com", ip=ip)
        # The quote refuses before any order is made...
        with pytest.raises(asyncpg.PostgresError) as refused:
            await app.fetchval(QUOTE, slug, slots[2], "a2@example.com", ip, None, sha("q"))
        assert (refused.value.sqlstate, refused.value.message) == ("NK429", "too_many_holds")
        hold = await owner.fetchval("select min(hold_expires_at) from app.sessions where status = 'pending'")
        wait = int(refused.value.hint.removeprefix("retry_after:"))
        assert abs(wait - (hold - datetime.now(UTC)).total_seconds()) <= 2
        # ...and book_slot itself, under the consultant's lock, whatever the quote said.
        with pytest.raises(asyncpg.PostgresError) as again:
            await app.fetchval(BOOK, slug, slots[2], "Priya", "a2@example.com", sha("t"), None, sha("q"),
                               uuid.uuid4(), "order_x", 149950, ip)
        assert (again.value.sqlstate, again.value.message) == ("NK429", "too_many_holds")
        # Another address is not affected; a lapsed hold frees a place.
        await book(app, slug, slots[3], "b@example.com", ip=sha("198.51.100.1"))
        await owner.execute("update app.sessions set hold_expires_at = now() - interval '1 second' "
                            "where client_ip_hash = $1 and slot_id = $2", ip, slots[0])
        await book(app, slug, slots[2], "a2@example.com", ip=ip)
    finally:
        await app.close()
    assert await owner.fetchval("select count(*) from app.sessions where status = 'pending' and client_ip_hash = $1",
                                ip) == 2


async def test_unpaid_holds_are_capped_per_mailbox_by_an_index_probe_not_a_look_at_every_hold(db, owner):
    # Issue 20: the cap hashed the address of every open hold on the page (each booking cost as much as the holds
    # open, under the consultant's lock). Now it finds the mailbox's clients by clients_consultant_mailbox_idx,
    # and still folds every spelling of one inbox into one count.
    cid, slug, slots = await published(owner, slots=40)
    await owner.execute("update app.platform_settings set value = '2' where key = 'unpaid_holds_per_email'")
    app = await db.connect("app")
    try:
        for i in range(30):  # other visitors' open holds on the page
            await book(app, slug, slots[i], f"other{i}@example.com")
        await book(app, slug, slots[30], "Victim.Person+1@gmail.com")
        await book(app, slug, slots[31], "victimperson+2@googlemail.com")
        for email in ("v.i.c.t.i.m.person@gmail.com", "victimperson@gmail.com"):
            with pytest.raises(asyncpg.PostgresError) as refused:
                await app.fetchval(QUOTE, slug, slots[32], email, None, None, sha("q"))
            assert (refused.value.sqlstate, refused.value.message) == ("NK429", "too_many_holds")
        await book(app, slug, slots[32], "victim.person2@gmail.com")  # another inbox
    finally:
        await app.close()
    # The cap's own query matches the index's expression (a table this small might be read whole anyway).
    async with owner.transaction():
        await owner.execute("set local enable_seqscan = off")
        plan = "\n".join(r[0] for r in await owner.fetch(
            "explain select count(*), min(s.hold_expires_at) from app.clients cl join app.sessions s "
            "on s.consultant_id = cl.consultant_id and s.client_id = cl.id where cl.consultant_id = $1 "
            "and app.mailbox_key(cl.email::text) = app.mailbox_key('victimperson@gmail.com') "
            "and s.status = 'pending' and s.hold_expires_at > now()", cid))
    assert "clients_consultant_mailbox_idx" in plan, plan


async def test_keys_are_claimed_per_consultant_before_the_order_and_replay_the_first_answer(db, owner):
    cid, slug, slots = await published(owner)
    _, other_slug, other_slots = await published(owner)
    app = await db.connect("app")
    try:
        # The quote claims the key: the same key with another request, or while the first is unanswered, is refused.
        await app.fetchval(QUOTE, slug, slots[0], "k@example.com", None, "key-1", sha("first"))
        assert await owner.fetchval("select response is null from app.idempotency_keys where consultant_id = $1", cid)
        with pytest.raises(asyncpg.PostgresError) as other:
            await app.fetchval(QUOTE, slug, slots[1], "k@example.com", None, "key-1", sha("second"))
        assert (other.value.sqlstate, other.value.message) == ("NK422", "idempotency_key_reused")
        with pytest.raises(asyncpg.PostgresError) as busy:
            await app.fetchval(QUOTE, slug, slots[0], "k@example.com", None, "key-1", sha("first"))
        assert (busy.value.sqlstate, busy.value.message) == ("NK409", "idempotency_key_in_use")
        # Released (the order failed), the same request books; then it replays: status 201, the same body.
        await app.execute("select api.release_idempotency_key($1, 'key-1', $2)", slug, sha("first"))
        first = await book(app, slug, slots[0], "k@example.com", key="key-1", request="first")
        replay = await book(app, slug, slots[0], "k@example.com", key="key-1", request="first")
        assert replay["replay"]["status_code"] == 201 and replay["replay"]["response"] == first
        assert replay["replay"]["manage_link_encrypted"] == "v1.link"
        # The same key on another consultant's page is another key.
        elsewhere = await book(app, other_slug, other_slots[0], "k@example.com", key="key-1", request="first")
        assert "replay" not in elsewhere and elsewhere["session_id"] != first["session_id"]
    finally:
        await app.close()
    # The app role cannot read the keys' table itself (only the definer functions can).
    app = await db.connect("app")
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app.fetch("select * from app.idempotency_keys")
    finally:
        await app.close()


async def test_the_slot_list_is_a_page_cut_between_start_times(db, owner):
    cid = await factories.consultant(owner, min_notice_minutes=0, max_days_ahead=365)
    slug = await owner.fetchval("select slug from app.consultants where id = $1", cid)
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    # 999 personal slots, then a personal slot and a webinar starting at the same instant: 1001 in all.
    await owner.execute("insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at) "
                        "select $1, 'personal', $2::timestamptz + i * interval '30 minutes', $2::timestamptz + i * interval '30 minutes' "
                        "+ interval '15 minutes' from generate_series(0, 999) i", cid, start)
    shared = start + timedelta(minutes=30 * 999)
    await owner.execute("insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity) "
                        "values ($1, 'webinar', $2, $2::timestamptz + interval '15 minutes', 5)", cid, shared)
    app = await db.connect("app")
    try:
        page = json.loads(await app.fetchval("select api.public_slots($1, null, $2, $3)", slug, start,
                                             start + timedelta(days=30)))
        assert len(page["items"]) == 999
        assert datetime.fromisoformat(page["to"]) == shared == datetime.fromisoformat(page["next"]["from"])
        rest = json.loads(await app.fetchval("select api.public_slots($1, null, $2, $3)", slug, shared,
                                             start + timedelta(days=30)))
        assert [(i["session_type"], datetime.fromisoformat(i["starts_at"])) for i in rest["items"]] == \
            [("personal", shared), ("webinar", shared)]
        # A range wider than 31 days is clamped; one ending past the horizon has no next.
        wide = json.loads(await app.fetchval("select api.public_slots($1, null, $2, $3)", slug, start,
                                             start + timedelta(days=400)))
        assert datetime.fromisoformat(wide["to"]) - start <= timedelta(days=31)
        far = json.loads(await app.fetchval("select api.public_slots($1, null, $2, null)", slug,
                                            datetime.now(UTC) + timedelta(days=360)))
        assert far["next"] is None
        with pytest.raises(asyncpg.PostgresError) as backwards:
            await app.fetchval("select api.public_slots($1, null, $2, $3)", slug, start, start)
        assert (backwards.value.sqlstate, backwards.value.hint) == ("NK422", "field:to")
    finally:
        await app.close()

# Test: pytest tests/db/test_booking_rules.py
