# tests/db/test_constraints.py — the table checks: emails, slugs, timezones, money, quotation arithmetic, payment consistency, the audit log.
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate

CONSULTANT_INSERT = ("insert into app.consultants (email, first_name, last_name, slug, timezone) "
                     "values ($1, 'Asha', 'Verma', $2, $3)")
ADMIN_INSERT = "insert into app.admins (email, password_hash, name) values ($1, '$2b$04$x', 'Ops')"


# --- emails -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("email, constraint", [
    ("Asha@Example.com", "{t}_email_lowercase"),
    ("ASHA@EXAMPLE.COM", "{t}_email_lowercase"),
    ("not-an-email", "{t}_email_format"),
    ("asha@localhost", "{t}_email_format"),
    ("asha verma@example.com", "{t}_email_format"),
    ("asha@@example.com", "{t}_email_format"),
    ("@example.com", "{t}_email_format"),
    ("a" * 250 + "@example.com", "{t}_email_format"),
])
@pytest.mark.parametrize("table", ["consultants", "admins"])
async def test_bad_emails_are_refused(owner, table, email, constraint):
    query = CONSULTANT_INSERT if table == "consultants" else ADMIN_INSERT
    args = (email, "asha-verma", "Asia/Kolkata") if table == "consultants" else (email,)
    await raises_sqlstate(owner, "23514", query, *args, constraint=constraint.format(t=table))
    assert await owner.fetchval(f"select count(*) from app.{table}") == 0


@pytest.mark.parametrize("table", ["consultants", "admins"])
async def test_email_is_unique_whatever_the_case(owner, table):
    query = CONSULTANT_INSERT if table == "consultants" else ADMIN_INSERT

    def args(email, n):
        return (email, f"asha-{n}", "Asia/Kolkata") if table == "consultants" else (email,)

    await owner.execute(query, *args("asha.verma@example.com", 1))
    await raises_sqlstate(owner, "23505", query, *args("asha.verma@example.com", 2), constraint=f"{table}_email_key")
    # A differently-cased duplicate never gets in (stored lowercase; compared case-insensitively).
    with pytest.raises(asyncpg.PostgresError) as info:
        await owner.execute(query, *args("Asha.Verma@Example.COM", 3))
    assert info.value.sqlstate in ("23505", "23514")
    # Logging in with any casing finds the one account (citext comparison).
    assert await owner.fetchval(f"select count(*) from app.{table} where email = $1", "ASHA.VERMA@EXAMPLE.COM") == 1
    assert await owner.fetchval(f"select count(*) from app.{table}") == 1


async def test_consultant_and_admin_may_share_an_email(owner):
    # Two separate identities: the same person may be both.
    await owner.execute(CONSULTANT_INSERT, "same@example.com", "same-person", "Asia/Kolkata")
    await owner.execute(ADMIN_INSERT, "same@example.com")


# --- slugs ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", [
    "Asha", "asha verma", "asha_verma", "-asha", "asha-", "asha--verma", "ab", "a" * 61, "asha.verma", "आशा", "",
])
async def test_malformed_slugs_are_refused(owner, slug):
    await raises_sqlstate(owner, "23514", CONSULTANT_INSERT, "x@example.com", slug, "Asia/Kolkata",
                          constraint="consultants_slug_format")


@pytest.mark.parametrize("slug", ["admin", "api", "dashboard", "auth", "login", "static", "healthz", "booking", "docs",
                                  "nakksha", "pricing", "settings"])
async def test_reserved_slugs_are_refused(owner, slug):
    await raises_sqlstate(owner, "23514", CONSULTANT_INSERT, "x@example.com", slug, "Asia/Kolkata",
                          constraint="consultants_slug_not_reserved")


async def test_good_slugs_are_accepted_unique_and_cannot_become_reserved(owner):
    for n, slug in enumerate(["asha", "asha-verma-2", "a" * 60, "admin-asha", "api2", "dashboard-pro"]):
        await owner.execute(CONSULTANT_INSERT, f"c{n}@example.com", slug, "Asia/Kolkata")
    await raises_sqlstate(owner, "23505", CONSULTANT_INSERT, "other@example.com", "asha", "Asia/Kolkata",
                          constraint="consultants_slug_key")
    await raises_sqlstate(owner, "23514", "update app.consultants set slug = 'admin' where slug = 'asha'",
                          constraint="consultants_slug_not_reserved")


# --- timezones --------------------------------------------------------------------------------------

@pytest.mark.parametrize("tz", ["Mars/Olympus", "EST", "PST", "IST", "+05:30", "UTC+5", "EST5EDT", "asia/kolkata",
                                "Asia/Kolkata ", "America/New_York/Extra/Bits", "", "Europe/Atlantis"])
async def test_invalid_timezones_are_refused(owner, tz):
    await raises_sqlstate(owner, "23514", CONSULTANT_INSERT, "x@example.com", "asha-verma", tz,
                          constraint="consultants_timezone_valid")


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Kolkata", "UTC", "Europe/London",
                                "America/Argentina/Buenos_Aires", "Australia/Lord_Howe"])
async def test_iana_timezones_are_accepted(owner, tz):
    await owner.execute(CONSULTANT_INSERT, "x@example.com", "asha-verma", tz)
    assert await owner.fetchval("select timezone from app.consultants") == tz


async def test_consultant_cannot_set_an_invalid_timezone_in_settings(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        await raises_sqlstate(conn, "23514", "update app.consultants set timezone = 'EST'",
                              constraint="consultants_timezone_valid")
        await conn.execute("update app.consultants set timezone = 'America/New_York'")
        assert await conn.fetchval("select timezone from app.consultants") == "America/New_York"


# --- money ------------------------------------------------------------------------------------------

async def test_negative_prices_and_amounts_are_refused(owner):
    await raises_sqlstate(owner, "23514", CONSULTANT_INSERT.replace("timezone)", "timezone, personal_session_price)")
                          .replace("$3)", "$3, -1)"), "x@example.com", "asha-verma", "UTC",
                          constraint="consultants_personal_session_price_range")
    await raises_sqlstate(owner, "23514", CONSULTANT_INSERT.replace("timezone)", "timezone, webinar_session_price)")
                          .replace("$3)", "$3, -0.01)"), "x@example.com", "asha-verma", "UTC",
                          constraint="consultants_webinar_session_price_range")
    cid = await factories.consultant(owner)
    client_id = await factories.client(owner, cid)
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.session(owner, cid, client_id, amount="-1.00")
    assert info.value.constraint_name == "sessions_amount_range"
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.quotation(owner, cid, base_amount="-0.01")
    assert info.value.constraint_name == "quotations_base_amount_range"
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.payment(owner, cid, purpose="subscription", amount="-5.00")
    assert info.value.constraint_name == "payment_transactions_amount_range"
    # Free is a price.
    await raises_sqlstate(owner, "23514", "update app.consultants set personal_session_price = -100 where id = $1", cid,
                          constraint="consultants_personal_session_price_range")
    await owner.execute("update app.consultants set personal_session_price = 0 where id = $1", cid)


@pytest.mark.parametrize("discount", ["-0.01", "100.01", "-5", "150"])
async def test_quotation_discount_outside_0_to_100_is_refused(owner, discount):
    cid = await factories.consultant(owner)
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.quotation(owner, cid, base_amount="1000.00", discount_percentage=discount)
    assert info.value.constraint_name == "quotations_discount_range"


@pytest.mark.parametrize("base, discount, final", [
    ("999.99", "12.5", "874.99"),    # 874.99125
    ("2.05", "50", "1.03"),          # 1.025: half up, not half to even
    ("10.01", "50", "5.01"),         # 5.005
    ("1.25", "10", "1.13"),          # 1.125
    ("100.00", "33.33", "66.67"),
    ("1000.00", "0", "1000.00"),
    ("1000.00", "100", "0.00"),
    ("99999999.99", "0.01", "99989999.99"),  # 99989999.990001
])
async def test_quotation_final_amount_is_computed_half_up(owner, base, discount, final):
    cid = await factories.consultant(owner)
    qid = await factories.quotation(owner, cid, base_amount=base, discount_percentage=discount)
    assert await owner.fetchval("select final_amount from app.quotations where id = $1", qid) == Decimal(final)


async def test_quotation_final_amount_cannot_be_written_and_follows_its_inputs(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
        qid = await factories.quotation(owner, cid, base_amount="1000.00", discount_percentage="10")
        await raises_sqlstate(owner, "428C9", "insert into app.quotations (consultant_id, client_name, client_email, "
                              "quotation_name, base_amount, final_amount) values ($1, 'X', 'x@example.com', 'Q', 1000, 1)", cid)
        await raises_sqlstate(owner, "428C9", "update app.quotations set final_amount = 1 where id = $1", qid)
        await owner.execute("update app.quotations set discount_percentage = 25 where id = $1", qid)
        assert await owner.fetchval("select final_amount from app.quotations where id = $1", qid) == Decimal("750.00")
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        with pytest.raises(asyncpg.PostgresError) as info:
            async with conn.transaction():
                await conn.execute("update app.quotations set final_amount = 1 where id = $1", qid)
        assert info.value.sqlstate in ("42501", "428C9")
        await conn.execute("update app.quotations set base_amount = 2000 where id = $1", qid)
        assert await conn.fetchval("select final_amount from app.quotations where id = $1", qid) == Decimal("1500.00")


# --- time ranges ------------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [0, -30])
async def test_session_and_slot_must_end_after_they_start(owner, minutes):
    cid = await factories.consultant(owner)
    client_id = await factories.client(owner, cid)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await owner.execute("insert into app.sessions (consultant_id, client_id, session_type, starts_at, ends_at, status) "
                            "values ($1, $2, 'personal', $3, $4, 'confirmed')",
                            cid, client_id, start, start + timedelta(minutes=minutes))
    assert info.value.constraint_name == "sessions_end_after_start"
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.slot(owner, cid, starts_at=start, minutes=minutes)
    assert info.value.constraint_name == "availability_slots_end_after_start"
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.availability_block(owner, cid, starts_at=start, minutes=minutes)
    assert info.value.constraint_name == "availability_blocks_end_after_start"
    assert await owner.fetchval("select count(*) from app.sessions") == 0


# --- payments ---------------------------------------------------------------------------------------

async def test_refunded_amount_stays_between_zero_and_the_amount(owner):
    cid = await factories.consultant(owner)
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.payment(owner, cid, purpose="subscription", amount="100.00", amount_refunded="100.01")
    assert info.value.constraint_name == "payment_transactions_amount_refunded_range"
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.payment(owner, cid, purpose="subscription", amount="100.00", amount_refunded="-1.00")
    assert info.value.constraint_name == "payment_transactions_amount_refunded_range"
    pid = await factories.payment(owner, cid, purpose="subscription", amount="100.00", amount_refunded="100.00",
                                  status="refunded")
    await raises_sqlstate(owner, "23514", "update app.payment_transactions set amount_refunded = amount_refunded + 0.01 "
                          "where id = $1", pid, constraint="payment_transactions_amount_refunded_range")
    await raises_sqlstate(owner, "23514", "update app.payment_transactions set amount = 99.99 where id = $1", pid,
                          constraint="payment_transactions_amount_refunded_range")


async def test_payment_purpose_matches_its_target(owner):
    cid = await factories.consultant(owner)
    client_id = await factories.client(owner, cid)
    session_id = await factories.session(owner, cid, client_id)
    quotation_id = await factories.quotation(owner, cid)
    bad = [
        {"purpose": "session"},
        {"purpose": "session", "session_id": session_id, "quotation_id": quotation_id},
        {"purpose": "quotation"},
        {"purpose": "quotation", "quotation_id": quotation_id, "session_id": session_id},
        {"purpose": "subscription", "session_id": session_id},
        {"purpose": "subscription", "quotation_id": quotation_id},
    ]
    for cols in bad:
        with pytest.raises(asyncpg.CheckViolationError) as info:
            await factories.payment(owner, cid, **cols)
        assert info.value.constraint_name == "payment_transactions_purpose_target", cols
    with pytest.raises(asyncpg.CheckViolationError) as info:
        await factories.payment(owner, cid, purpose="donation")
    assert info.value.constraint_name in ("payment_transactions_purpose_valid", "payment_transactions_purpose_target")
    await factories.payment(owner, cid, purpose="session", session_id=session_id)
    await factories.payment(owner, cid, purpose="quotation", quotation_id=quotation_id)
    await factories.payment(owner, cid, purpose="subscription")
    assert await owner.fetchval("select count(*) from app.payment_transactions") == 3


async def test_payment_cannot_point_at_another_consultants_session_or_quotation(owner):
    a = await factories.consultant(owner)
    b = await factories.consultant(owner)
    b_session = await factories.session(owner, b, await factories.client(owner, b))
    b_quotation = await factories.quotation(owner, b)
    with pytest.raises(asyncpg.ForeignKeyViolationError) as info:
        await factories.payment(owner, a, purpose="session", session_id=b_session)
    assert info.value.constraint_name == "payment_transactions_session_id_fkey"
    with pytest.raises(asyncpg.ForeignKeyViolationError) as info:
        await factories.payment(owner, a, purpose="quotation", quotation_id=b_quotation)
    assert info.value.constraint_name == "payment_transactions_quotation_id_fkey"
    # Nor may a session be booked for another consultant's client.
    with pytest.raises(asyncpg.ForeignKeyViolationError) as info:
        await factories.session(owner, a, await factories.client(owner, b))
    assert info.value.constraint_name == "sessions_client_id_fkey"


# --- audit log --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["owner", "superuser"])
async def test_admin_audit_log_is_append_only(db, role):
    conn = await asyncpg.connect(db.url(role))
    try:
        admin_id = await factories.admin(conn)
        await conn.execute("insert into app.admin_audit_log (admin_id, action, target_type) values ($1, 'admin.created', 'admin')",
                           admin_id)
        await conn.execute("insert into app.admin_audit_log (action) values ('consultant.approved')")
        err = await raises_sqlstate(conn, "NK403", "update app.admin_audit_log set action = 'nothing.happened'")
        assert err.message == "audit_log_append_only"
        await raises_sqlstate(conn, "NK403", "update app.admin_audit_log set admin_id = null where admin_id is not null")
        await raises_sqlstate(conn, "NK403", "delete from app.admin_audit_log")
        await raises_sqlstate(conn, "NK403", "delete from app.admin_audit_log where action = 'admin.created'")
        await raises_sqlstate(conn, "NK403", "truncate app.admin_audit_log")
        await raises_sqlstate(conn, "NK403", "truncate app.admins cascade")
        rows = await conn.fetch("select action, db_user from app.admin_audit_log order by id")
        assert [r["action"] for r in rows] == ["admin.created", "consultant.approved"]
        assert rows[0]["db_user"] == await conn.fetchval("select session_user")
    finally:
        await conn.close()


async def test_every_append_only_table_refuses_through_the_one_trigger_function(owner):
    # The ledger, GST documents and the audit log once had a trigger function each, alike but for their answers;
    # app.refuse_change takes the answer as arguments (the ledger's and the audit log's are kept: NK409
    # ledger_append_only, NK403 audit_log_append_only).
    rows = await owner.fetch("select tgrelid::regclass::text as t, tgname, tgfoid::regproc::text as f "
                             "from pg_trigger where not tgisinternal and tgname ~ '(append_only|no_truncate|no_delete)$'")
    assert {r["t"] for r in rows} >= {"app.ledger_entries", "app.tax_documents", "app.tax_document_counters",
                                      "app.admin_audit_log"}
    assert {r["f"] for r in rows} == {"app.refuse_change"}, rows
    assert await owner.fetchval("select count(*) from pg_proc where pronamespace = 'app'::regnamespace and "
                                "proname in ('refuse_ledger_change', 'forbid_audit_change')") == 0

# Test: pytest tests/db/test_constraints.py
