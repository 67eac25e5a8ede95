# tests/db/test_lifecycle.py — the session state machine (every pair of statuses) and client totals kept by the database.
from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate

STATUSES = ["pending", "confirmed", "completed", "cancelled", "abandoned", "no_show", "returned"]
ALLOWED = {("pending", "confirmed"), ("pending", "abandoned"), ("pending", "cancelled"),
           ("abandoned", "confirmed"), ("abandoned", "cancelled"),
           ("confirmed", "completed"), ("confirmed", "no_show"), ("confirmed", "cancelled"),
           ("cancelled", "returned")}
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("old, new", [p for p in itertools.product(STATUSES, STATUSES) if p[0] != p[1]])
async def test_only_the_lifecycle_table_moves_a_session(owner, old, new):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    sid = await factories.session(owner, cid, client, starts_at=T0, status=old)
    sql = "update app.sessions set status = $2 where id = $1"
    if (old, new) in ALLOWED:
        await owner.execute(sql, sid, new)
        row = await owner.fetchrow("select status, confirmed_at, completed_at, cancelled_at from app.sessions where id = $1", sid)
        assert row["status"] == new
        stamp = {"confirmed": "confirmed_at", "completed": "completed_at", "no_show": "completed_at",
                 "cancelled": "cancelled_at"}.get(new)
        if stamp:
            assert row[stamp] is not None
    else:
        await raises_sqlstate(owner, "NK409", sql, sid, new, message="invalid_transition")
        assert await owner.fetchval("select status from app.sessions where id = $1", sid) == old


async def test_client_totals_follow_sessions(owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    totals = "select total_sessions, first_session_at, last_session_at from app.clients where id = $1"
    held = await factories.session(owner, cid, client, starts_at=T0, status="pending")
    assert tuple(await owner.fetchrow(totals, client)) == (0, None, None)   # a hold is not a session yet
    await owner.execute("update app.sessions set status = 'confirmed' where id = $1", held)
    later = await factories.session(owner, cid, client, starts_at=T0 + timedelta(days=7))
    assert tuple(await owner.fetchrow(totals, client)) == (2, T0, T0 + timedelta(days=7))
    await owner.execute("update app.sessions set status = 'cancelled' where id = $1", held)
    assert tuple(await owner.fetchrow(totals, client)) == (1, T0 + timedelta(days=7), T0 + timedelta(days=7))
    await owner.execute("update app.sessions set starts_at = $2, ends_at = $3 where id = $1", later,
                        T0 + timedelta(days=9), T0 + timedelta(days=9, hours=1))
    assert tuple(await owner.fetchrow(totals, client)) == (1, T0 + timedelta(days=9), T0 + timedelta(days=9))


async def test_racing_bookings_of_many_clients_keep_exact_totals(db, owner):
    cid = await factories.consultant(owner)
    clients = [await factories.client(owner, cid) for _ in range(4)]

    async def book(i: int) -> None:
        conn = await db.connect("owner")
        try:
            await factories.session(conn, cid, clients[i % 4], starts_at=T0 + timedelta(hours=2 * i))
        finally:
            await conn.close()

    await asyncio.gather(*(book(i) for i in range(24)))
    rows = await owner.fetch("select total_sessions from app.clients where consultant_id = $1", cid)
    assert sorted(r["total_sessions"] for r in rows) == [6, 6, 6, 6]


async def test_client_amount_paid_is_net_of_refunds(owner):
    from decimal import Decimal

    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    sid = await factories.session(owner, cid, client, starts_at=T0)
    paid = "select total_amount_paid from app.clients where id = $1"
    pay = await owner.fetchval(
        "insert into app.payment_transactions (consultant_id, purpose, session_id, client_id, amount, gateway, status, paid_at) "
        "values ($1, 'session', $2, $3, 1499.50, 'razorpay', 'pending', null) returning id", cid, sid, client)
    assert await owner.fetchval(paid, client) == Decimal("0")            # not received yet
    await owner.execute("update app.payment_transactions set status = 'completed', paid_at = now() where id = $1", pay)
    assert await owner.fetchval(paid, client) == Decimal("1499.50")
    await owner.execute("update app.payment_transactions set amount_refunded = 500, status = 'partially_refunded' where id = $1", pay)
    assert await owner.fetchval(paid, client) == Decimal("999.50")
    await owner.execute("update app.payment_transactions set amount_refunded = amount, status = 'refunded' where id = $1", pay)
    assert await owner.fetchval(paid, client) == Decimal("0.00")

# Test: pytest tests/db/test_lifecycle.py
