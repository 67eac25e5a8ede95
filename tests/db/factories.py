# tests/db/factories.py — rows for tests, inserted as the owner (bypassing RLS) with sensible defaults.
from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import asyncpg

BCRYPT_DUMMY = "$2b$04$" + "a" * 53


async def consultant(conn: asyncpg.Connection, *, approved: bool = True, slug: str | None = None,
                     timezone: str = "Asia/Kolkata", email: str | None = None, **cols) -> uuid.UUID:
    tag = uuid.uuid4().hex[:10]
    values = {
        "email": email or f"c{tag}@example.com", "password_hash": BCRYPT_DUMMY, "first_name": "Test",
        "last_name": "Consultant", "slug": slug or f"c-{tag}", "timezone": timezone,
        "approval_status": "approved" if approved else "pending",
        "approved_at": datetime.now(UTC) if approved else None,
        # Published, as a consultant's page is once they finish the setup checklist (tests/db/test_publishing.py
        # covers the checklist itself; here the page is simply live).
        "published_at": datetime.now(UTC) if approved else None,
        # A confirmed address, so a pending one is approvable (approval refuses an unconfirmed one).
        "is_email_verified": True, "email_verified_at": datetime.now(UTC), **cols,
    }
    # A paid plan is a comp (issue 22: the consultants columns are billing's display copy, never decided with).
    plan, expires = values.pop("subscription_plan", None), values.pop("subscription_expires_at", None)
    names = ", ".join(values)
    params = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    cid = await conn.fetchval(f"insert into app.consultants ({names}) values ({params}) returning id", *values.values())
    if plan:
        await set_plan(conn, cid, plan, expires)
    return cid


async def set_plan(conn: asyncpg.Connection, consultant_id, plan: str, expires_at=None) -> None:
    """As the owner: the consultant's comps end now and, for a paid plan, a comp until expires_at begins (one already
    past: begun the day before it); the display copy follows (what api.admin_set_subscription does, unaudited)."""
    await conn.execute("update app.plan_comps set revoked_at = now() where consultant_id = $1 and revoked_at is null",
                       consultant_id)
    if plan != "free":
        await conn.execute(
            "insert into app.plan_comps (consultant_id, plan_code, starts_at, ends_at, reason) "
            "values ($1, $2, least(now(), $3::timestamptz - interval '1 day'), $3, 'test')",
            consultant_id, plan, expires_at)
    await conn.execute("select app.sync_plan_display($1)", consultant_id)


async def tax_profile(conn: asyncpg.Connection, consultant_id, *, pan: str | None = "ABCPK1234F",
                      gst_scheme: str = "unregistered", gstin: str | None = None, state_code: str = "29",
                      **cols) -> None:
    """A consultant's tax identity. The PAN's ciphertext here is a stand-in (the rules read its last four and its
    holder type; only the app decrypts it): a person's PAN by default, under the TDS threshold."""
    values = {"consultant_id": consultant_id, "gst_scheme": gst_scheme, "gstin": gstin, "state_code": state_code,
              "legal_name": "Test Consultant", "pan_encrypted": pan and b"ciphertext:" + pan.encode(),
              "pan_last4": pan and pan[-4:], "pan_holder_type": pan and pan[3], **cols}
    names = ", ".join(values)
    params = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    await conn.execute(f"insert into app.consultant_tax_profiles ({names}) values ({params})", *values.values())


async def admin(conn: asyncpg.Connection, *, role: str = "admin", active: bool = True) -> uuid.UUID:
    tag = uuid.uuid4().hex[:10]
    return await conn.fetchval(
        "insert into app.admins (email, password_hash, name, role, is_active) values ($1, $2, $3, $4, $5) returning id",
        f"a{tag}@example.com", BCRYPT_DUMMY, "Test Admin", role, active)


async def client(conn: asyncpg.Connection, consultant_id, *, email: str | None = None) -> uuid.UUID:
    return await conn.fetchval(
        "insert into app.clients (consultant_id, name, email) values ($1, 'A Client', $2) returning id",
        consultant_id, email or f"cl{uuid.uuid4().hex[:10]}@example.com")


async def slot(conn: asyncpg.Connection, consultant_id, *, starts_at: datetime | None = None, minutes: int = 60,
               session_type: str = "personal", capacity: int = 1) -> uuid.UUID:
    start = starts_at or datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    return await conn.fetchval(
        "insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity) "
        "values ($1, $2, $3, $4, $5) returning id",
        consultant_id, session_type, start, start + timedelta(minutes=minutes), capacity)


async def session(conn: asyncpg.Connection, consultant_id, client_id, *, starts_at: datetime | None = None,
                  minutes: int = 60, slot_id=None, session_type: str = "personal", status: str = "confirmed",
                  buffer_minutes: int = 0, amount: str = "1499.00") -> uuid.UUID:
    from decimal import Decimal

    if slot_id is not None and starts_at is None:
        row = await conn.fetchrow("select starts_at, ends_at from app.availability_slots where id = $1", slot_id)
        start, end = row["starts_at"], row["ends_at"]
    else:
        start = starts_at or datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        end = start + timedelta(minutes=minutes)
    hold = datetime.now(UTC) + timedelta(minutes=15) if status == "pending" else None
    return await conn.fetchval(
        "insert into app.sessions (consultant_id, client_id, slot_id, session_type, starts_at, ends_at, status, "
        "hold_expires_at, buffer_minutes, amount) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
        consultant_id, client_id, slot_id, session_type, start, end, status, hold, buffer_minutes, Decimal(amount))

async def availability_rule(conn: asyncpg.Connection, consultant_id, *, session_type: str = "personal",
                            weekday: int = 1, start_time: time = time(9), end_time: time = time(10),
                            slot_minutes: int = 60, capacity: int = 1, **cols) -> uuid.UUID:
    values = {"consultant_id": consultant_id, "session_type": session_type, "weekday": weekday,
              "start_time": start_time, "end_time": end_time, "slot_minutes": slot_minutes, "capacity": capacity, **cols}
    return await _insert(conn, "app.availability_rules", values)


async def availability_block(conn: asyncpg.Connection, consultant_id, *, starts_at: datetime | None = None,
                             minutes: int = 24 * 60, reason: str | None = "Holiday") -> uuid.UUID:
    start = starts_at or datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    return await _insert(conn, "app.availability_blocks", {
        "consultant_id": consultant_id, "starts_at": start, "ends_at": start + timedelta(minutes=minutes), "reason": reason})


async def quotation(conn: asyncpg.Connection, consultant_id, *, client_id=None, base_amount: str = "10000.00",
                    discount_percentage: str = "0", **cols) -> uuid.UUID:
    values = {"consultant_id": consultant_id, "client_id": client_id, "client_name": "Quoted Client",
              "client_email": f"q{uuid.uuid4().hex[:10]}@example.com", "quotation_name": "Strategy review",
              "base_amount": Decimal(base_amount), "discount_percentage": Decimal(discount_percentage), **cols}
    return await _insert(conn, "app.quotations", values)


async def payment(conn: asyncpg.Connection, consultant_id, *, purpose: str = "session", session_id=None,
                  quotation_id=None, client_id=None, amount: str = "1499.00", amount_refunded: str = "0",
                  status: str = "completed", gateway: str = "local", **cols) -> uuid.UUID:
    values = {"consultant_id": consultant_id, "purpose": purpose, "session_id": session_id,
              "quotation_id": quotation_id, "client_id": client_id, "amount": Decimal(amount),
              "amount_refunded": Decimal(amount_refunded), "status": status, "gateway": gateway,
              "gateway_order_id": f"order_{uuid.uuid4().hex[:14]}",
              "paid_at": datetime.now(UTC) if status in ("completed", "refunded", "partially_refunded") else None, **cols}
    return await _insert(conn, "app.payment_transactions", values)


async def refund(conn: asyncpg.Connection, consultant_id, transaction_id, *, amount: str = "100.00",
                 initiated_by: str = "consultant") -> uuid.UUID:
    return await _insert(conn, "app.payment_refunds", {
        "consultant_id": consultant_id, "transaction_id": transaction_id, "amount": Decimal(amount),
        "initiated_by": initiated_by})


async def email_log(conn: asyncpg.Connection, consultant_id, *, email_type: str = "session_booked",
                    recipient_email: str | None = None, **cols) -> uuid.UUID:
    return await _insert(conn, "app.email_logs", {
        "consultant_id": consultant_id, "email_type": email_type,
        "recipient_email": recipient_email or f"r{uuid.uuid4().hex[:10]}@example.com", **cols})


async def daily_analytics(conn: asyncpg.Connection, consultant_id, *, day: date | None = None,
                          total_sessions: int = 3, total_revenue: str = "4497.00") -> None:
    await conn.execute(
        "insert into app.daily_analytics (consultant_id, date, total_sessions, total_revenue) values ($1, $2, $3, $4)",
        consultant_id, day or date(2026, 11, 20), total_sessions, Decimal(total_revenue))


async def refresh_token_family(conn: asyncpg.Connection, *, consultant_id=None, admin_id=None) -> uuid.UUID:
    return await _insert(conn, "app.refresh_token_families", {"consultant_id": consultant_id, "admin_id": admin_id})


async def refresh_token(conn: asyncpg.Connection, family_id) -> uuid.UUID:
    return await _insert(conn, "app.refresh_tokens", {
        "family_id": family_id, "token_hash": os.urandom(32), "expires_at": datetime.now(UTC) + timedelta(days=30)})


async def one_time_token(conn: asyncpg.Connection, *, consultant_id=None, admin_id=None,
                         purpose: str = "verify_email", email: str = "someone@example.com") -> uuid.UUID:
    return await _insert(conn, "app.one_time_tokens", {
        "consultant_id": consultant_id, "admin_id": admin_id, "purpose": purpose, "token_hash": os.urandom(32),
        "email": email, "expires_at": datetime.now(UTC) + timedelta(hours=1)})


async def calendar(conn: asyncpg.Connection, consultant_id, session_id) -> uuid.UUID:
    """A connected Google calendar with a cached busy time, an attempt in flight and an event of a session."""
    connection_id = await _insert(conn, "app.calendar_connections", {
        "consultant_id": consultant_id, "provider": "google", "account_email": "someone@gmail.example",
        "access_token_encrypted": "sealed-access", "refresh_token_encrypted": "sealed-refresh",
        "access_expires_at": datetime.now(UTC) + timedelta(hours=1)})
    await conn.execute("insert into app.calendar_busy (consultant_id, connection_id, during) "
                       "values ($1, $2, tstzrange(now() + interval '2 days', now() + interval '50 hours'))",
                       consultant_id, connection_id)
    await conn.execute("insert into app.oauth_states (state_hash, consultant_id, provider, code_verifier, browser_hash) "
                       "values ($1, $2, 'microsoft', 'verifier', $3)", os.urandom(32), consultant_id, os.urandom(32))
    await conn.execute("insert into app.calendar_events (consultant_id, event_key, provider, external_event_id, "
                       "starts_at, ends_at) values ($1, 's:' || $2::uuid::text, 'google', 'evt', now(), now() + interval '1 hour')",
                       consultant_id, session_id)
    return connection_id


async def _insert(conn: asyncpg.Connection, table: str, values: dict) -> uuid.UUID:
    names = ", ".join(values)
    params = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    return await conn.fetchval(f"insert into {table} ({names}) values ({params}) returning id", *values.values())

# Test: pytest tests/db/
