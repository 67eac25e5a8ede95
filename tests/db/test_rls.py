# tests/db/test_rls.py — row-level security and grants per role: tenants see only their own rows, the approval gate, admins, analysts.
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg
import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate, visible_rows

# Every table of schema app with a consultant_id column, and what nakksha_app acting for that (approved)
# consultant may see of it: "own" = exactly the consultant's rows, "none" = no row at all (no consultant
# policy: reached only through security definer functions). A tenant table missing here fails the fixture.
TENANT_TABLES = {
    "availability_rules": "own",
    "availability_blocks": "own",
    "availability_slots": "own",
    "availability_slot_exclusions": "own",
    "clients": "own",
    "sessions": "own",
    "quotations": "own",
    "quotation_items": "own",
    "payment_transactions": "own",
    "payment_refunds": "own",
    "email_logs": "own",
    "daily_analytics": "own",
    "refresh_token_families": "none",
    "one_time_tokens": "none",
    "calendar_events": "own",
    "quotation_views": "own",
    "analytics_dirty": "own",  # which of their days wait for the job (api.live_day; issue 20)
    "consultant_client_counts": "own",
    "ledger_entries": "own",  # what the platform owes them (issue 21); written by the payments' triggers, never by them
    "consultant_tax_profiles": "own",  # their GST scheme, GSTIN, PAN (ciphertext) for their documents (issue 21)
    "payout_accounts": "own",  # their Razorpay Route linked account and its activation (issue 21)
    "route_transfers": "own",  # their share of each payment sent to that account (issue 21)
    "payout_mismatches": "none",  # the reconciliation's findings, for admins only (issue 21)
    "hand_payments": "own",  # what an admin paid them by hand for a transfer that could not be made
    "tax_documents": "own",  # their invoices to clients and the platform's to them; issued by triggers, never by them
    "tax_document_counters": "none",  # the series' last numbers: the issuing triggers' alone
    "calendar_connections": "own",
    "calendar_busy": "none",
    "oauth_states": "none",
    "idempotency_keys": "none",
    "subscriptions": "own",  # their Razorpay subscriptions to platform plans (issue 22); read while pending too
    "subscription_history": "own",  # each observed change of one (append-only)
    "subscription_charges": "own",  # each charged period of one (append-only)
    "platform_revenue_entries": "own",  # the platform's revenue from their plan charges (gross, GST in it; append-only)
    "plan_comps": "own",  # complimentary plans an admin gave them; read while pending too
}
# Visible while pending: a consultant prepares their profile and availability before approval.
UNGATED = {"availability_rules", "availability_blocks", "availability_slots", "availability_slot_exclusions",
           "calendar_connections", "subscriptions", "plan_comps"}
# Dashboard data, visible only once approved.
GATED = {t for t, v in TENANT_TABLES.items() if v == "own"} - UNGATED

TENANT_TABLES_SQL = """
    select c.relname::text from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'consultant_id' and not a.attisdropped
    where n.nspname = 'app' and c.relkind in ('r', 'p')
    order by 1
"""


@dataclass
class Tenant:
    id: object
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows inserted for this consultant
    client_id: object = None
    session_id: object = None
    slot_id: object = None


async def populate(conn: asyncpg.Connection, consultant_id, admin_id=None) -> Tenant:
    """One or more rows in every tenant table for one consultant (as owner, bypassing RLS); a hand payment is an
    admin's (admin_id, or a new one)."""
    t = Tenant(consultant_id)
    t.client_id = await factories.client(conn, consultant_id)
    await factories.client(conn, consultant_id)
    await factories.availability_rule(conn, consultant_id)
    await factories.availability_block(conn, consultant_id)
    await conn.execute("insert into app.availability_slot_exclusions (consultant_id, session_type, starts_at) "
                       "values ($1, 'personal', now() + interval '3 days')", consultant_id)
    t.slot_id = await factories.slot(conn, consultant_id)
    t.session_id = await factories.session(conn, consultant_id, t.client_id, slot_id=t.slot_id)
    quotation_id = await factories.quotation(conn, consultant_id, client_id=t.client_id)
    await conn.execute("insert into app.quotation_items (consultant_id, quotation_id, position, description, unit_price) "
                       "values ($1, $2, 1, 'Strategy review', 10000)", consultant_id, quotation_id)
    await conn.execute("insert into app.quotation_views (consultant_id, quotation_id, user_agent) values ($1, $2, 'test')",
                       consultant_id, quotation_id)
    payment_id = await factories.payment(conn, consultant_id, session_id=t.session_id, client_id=t.client_id)
    await factories.payment(conn, consultant_id, purpose="quotation", quotation_id=quotation_id, amount="10000.00")
    await factories.refund(conn, consultant_id, payment_id)
    await factories.email_log(conn, consultant_id, client_id=t.client_id, session_id=t.session_id)
    await factories.daily_analytics(conn, consultant_id)
    await factories.tax_profile(conn, consultant_id)
    await conn.execute("insert into app.payout_accounts (consultant_id, contact_name, beneficiary_name) "
                       "values ($1, 'Test Consultant', 'Test Consultant')", consultant_id)
    transfer = await conn.fetchval("insert into app.route_transfers (consultant_id, payment_id, source, account_id, "
                                   "amount) values ($1, $2, 'order', 'acc_TestAccount001', 1000) returning id",
                                   consultant_id, payment_id)
    await conn.execute("insert into app.payout_mismatches (consultant_id, transfer_id, kind, ours) "
                       "values ($1, $2, 'amount', '1')", consultant_id, transfer)
    await conn.execute("insert into app.hand_payments (consultant_id, transfer_id, payment_id, amount, reference, "
                       "paid_on, recorded_by) values ($1, $2, $3, 10, $5, current_date, $4)",
                       consultant_id, transfer, payment_id, admin_id or await factories.admin(conn),
                       "UTR" + consultant_id.hex[:12].upper())
    family_id = await factories.refresh_token_family(conn, consultant_id=consultant_id)
    await factories.refresh_token(conn, family_id)
    await factories.one_time_token(conn, consultant_id=consultant_id)
    await factories.calendar(conn, consultant_id, t.session_id)
    await conn.execute("insert into app.idempotency_keys (consultant_id, scope, key, request_sha256) "
                       "values ($1, 'book_slot', 'k', sha256('r'))", consultant_id)
    plan_id = await conn.fetchval(
        "insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, verified_at) values ('pro', "
        "'monthly', 1499, 'razorpay', 'plan_' || substr(md5(random()::text), 1, 14), now()) on conflict (plan_code, "
        "period, amount, gateway) where verified_at is not null and rejected_at is null "
        "do update set plan_code = excluded.plan_code "
        "returning gateway_plan_id")
    sub = await conn.fetchval(
        "insert into app.subscriptions (consultant_id, plan_code, period, amount, gateway, gateway_plan_id, "
        "gateway_subscription_id, status) values ($1, 'pro', 'monthly', 1499, 'razorpay', $2, "
        "'sub_' || substr(md5(random()::text), 1, 14), 'active') returning id", consultant_id, plan_id)
    await conn.execute("insert into app.subscription_history (subscription_id, consultant_id, to_status, source) "
                       "values ($1, $2, 'active', 'fetch')", sub, consultant_id)
    await conn.execute("insert into app.subscription_charges (subscription_id, consultant_id, plan_code, gateway, "
                       "gateway_payment_id, amount, cycle_start, cycle_end, charged_at) values ($1, $2, 'pro', "
                       "'razorpay', 'pay_' || substr(md5(random()::text), 1, 14), 1499, now(), "
                       "now() + interval '1 month', now())", sub, consultant_id)
    await conn.execute("insert into app.plan_comps (consultant_id, plan_code, reason) values ($1, 'basic', 'test')",
                       consultant_id)
    for table in await tenant_tables(conn):
        t.rows[table] = await conn.fetchval(f"select count(*) from app.{table} where consultant_id = $1", consultant_id)
    return t


async def tenant_tables(conn: asyncpg.Connection) -> list[str]:
    return [r[0] for r in await conn.fetch(TENANT_TABLES_SQL)]


@dataclass
class World:
    a: Tenant
    b: Tenant
    admin_id: object
    inactive_admin_id: object
    tables: list[str]


@pytest.fixture
async def world(db) -> World:
    conn = await db.connect("owner")
    try:
        admin_id = await factories.admin(conn)
        a = await populate(conn, await factories.consultant(conn), admin_id)
        b = await populate(conn, await factories.consultant(conn), admin_id)
        inactive_admin_id = await factories.admin(conn, active=False)
        await conn.execute("insert into app.admin_audit_log (admin_id, action, target_type, target_id) "
                           "values ($1, 'consultant.approved', 'consultant', $2)", admin_id, a.id)
        await conn.execute("insert into app.webhook_events (provider, event_id, event_type, payload) "
                           "values ('local', 'evt_1', 'payment.captured', '{}')")
        await conn.execute("insert into app.email_templates (email_type, subject, html_body, text_body) "
                           "values ('session_booked', 'Booked', '<p>Booked</p>', 'Booked')")
        tables = await tenant_tables(conn)
    finally:
        await conn.close()

    unknown = sorted(set(tables) - set(TENANT_TABLES))
    if unknown:
        pytest.fail(f"tenant tables {unknown} are not covered: populate them in populate() and list them in TENANT_TABLES")
    gone = sorted(set(TENANT_TABLES) - set(tables))
    assert not gone, f"TENANT_TABLES lists tables that no longer exist: {gone}"
    for tenant in (a, b):
        empty = sorted(t for t in tables if not tenant.rows[t])
        if empty:
            pytest.fail(f"populate() left tenant tables empty for a consultant: {empty}")
    return World(a, b, admin_id, inactive_admin_id, tables)


async def test_every_tenant_table_has_rls_enabled_and_app_role_cannot_bypass_it(db, world):
    conn = await db.connect("owner")
    try:
        without_rls = await conn.fetch(
            "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'app' and c.relkind in ('r', 'p') and not c.relrowsecurity")
        assert [r[0] for r in without_rls] == []
        app_role = await conn.fetchrow(
            "select rolsuper, rolbypassrls from pg_roles where rolname = 'nakksha_app'")
        assert (app_role["rolsuper"], app_role["rolbypassrls"]) == (False, False)
        owned = await conn.fetchval(
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'app' and pg_get_userbyid(c.relowner) = 'nakksha_app'")
        assert owned == 0
    finally:
        await conn.close()


@pytest.mark.parametrize("who", ["a", "b"])
async def test_approved_consultant_sees_exactly_their_own_rows(db, world, who):
    me, other = (world.a, world.b) if who == "a" else (world.b, world.a)
    async with db.as_caller("app", consultant_id=me.id) as conn:
        consultants = await visible_rows(conn, "select id from app.consultants")
        assert [r["id"] for r in consultants] == [me.id]
        for table in world.tables:
            rows = await visible_rows(conn, f"select consultant_id from app.{table}")
            if TENANT_TABLES[table] == "none":
                assert not rows, f"{table}: the app role must see no row of it, saw {len(rows)}"
                continue
            assert rows is not None, f"{table}: the app role cannot read it at all"
            owners = [r["consultant_id"] for r in rows]
            assert set(owners) == {me.id}, f"{table}: saw rows of other consultants"
            assert len(owners) == me.rows[table], f"{table}: saw {len(owners)} of own {me.rows[table]} rows"
            # Asking for the other tenant's rows by id is no better than scanning.
            leaked = await conn.fetchval(f"select count(*) from app.{table} where consultant_id = $1", other.id)
            assert leaked == 0, f"{table}: {leaked} rows of the other consultant visible by filter"
        assert await conn.fetchval("select count(*) from app.clients where id = $1", other.client_id) == 0
        assert await conn.fetchval("select count(*) from app.sessions where id = $1", other.session_id) == 0
        assert await conn.fetchval("select count(*) from app.consultants where id = $1", other.id) == 0


async def test_no_caller_sees_nothing_anywhere(db, world):
    owner = await db.connect("owner")
    try:
        tables = [r[0] for r in await owner.fetch(
            "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'app' and c.relkind in ('r', 'p') order by 1")]
        populated = {t: await owner.fetchval(f"select count(*) from app.{t}") for t in tables}
    finally:
        await owner.close()
    # Platform settings and the plans are public by design (the pricing page), and so are the GST State codes (the
    # booking form's list); everything else needs a caller.
    tables.remove("platform_settings")
    tables.remove("plans")
    tables.remove("gst_states")
    assert {"consultants", "admins", "admin_audit_log", "webhook_events", "email_templates"} <= set(tables)
    async with db.as_caller("app") as conn:
        for table in tables:
            rows = await visible_rows(conn, f"select * from app.{table}")
            assert not rows, f"{table}: {len(rows)} of {populated[table]} rows visible with no caller set"


async def test_pooled_connection_forgets_the_previous_caller(db, world):
    # PgBouncer in transaction mode hands the connection to the next request: a setting made with
    # set_config(..., true) reads back as '' afterwards, which must mean "nobody", not an error or a leak.
    conn = await db.connect("app")
    try:
        async with conn.transaction():
            await conn.execute("select set_config('app.consultant_id', $1, true)", str(world.a.id))
            assert await conn.fetchval("select count(*) from app.sessions") == world.a.rows["sessions"]
        assert await conn.fetchval("select current_setting('app.consultant_id', true)") == ""
        async with conn.transaction():
            assert await conn.fetchval("select count(*) from app.sessions") == 0
            assert await conn.fetchval("select count(*) from app.consultants") == 0
    finally:
        await conn.close()


async def test_consultant_cannot_update_or_delete_another_consultants_rows(db, world):
    b = world.b
    async with db.as_caller("app", consultant_id=world.a.id) as conn:
        assert await conn.execute("update app.consultants set first_name = 'Hacked' where id = $1", b.id) == "UPDATE 0"
        # An unqualified update touches the caller's own row only.
        assert await conn.execute("update app.consultants set description = 'Mine'") == "UPDATE 1"
        assert await conn.execute("update app.clients set notes = 'x' where consultant_id = $1", b.id) == "UPDATE 0"
        assert await conn.execute("update app.sessions set notes = 'x' where consultant_id = $1", b.id) == "UPDATE 0"
        assert await conn.execute("update app.availability_rules set is_active = false where consultant_id = $1",
                                  b.id) == "UPDATE 0"
        assert await conn.execute("update app.quotations set notes = 'x' where consultant_id = $1", b.id) == "UPDATE 0"
        assert await conn.execute("delete from app.quotations where consultant_id = $1", b.id) == "DELETE 0"
        assert await conn.execute("delete from app.availability_blocks where consultant_id = $1", b.id) == "DELETE 0"
        assert await conn.execute("delete from app.availability_rules where consultant_id = $1", b.id) == "DELETE 0"
    owner = await db.connect("owner")
    try:
        row = await owner.fetchrow("select first_name, description from app.consultants where id = $1", b.id)
        assert (row["first_name"], row["description"]) == ("Test", None)
        assert await owner.fetchval("select count(*) from app.quotations where consultant_id = $1", b.id) == 1
        assert await owner.fetchval("select count(*) from app.availability_rules where consultant_id = $1 and is_active",
                                    b.id) == 1
    finally:
        await owner.close()


async def test_consultant_cannot_write_rows_for_another_consultant(db, world):
    b = world.b
    async with db.as_caller("app", consultant_id=world.a.id) as conn:
        await raises_sqlstate(conn, "42501", "insert into app.clients (consultant_id, name, email) "
                              "values ($1, 'Planted', 'planted@example.com')", b.id)
        await raises_sqlstate(conn, "42501", "insert into app.quotations (consultant_id, client_name, client_email, "
                              "quotation_name, base_amount) values ($1, 'X', 'x@example.com', 'Q', 1)", b.id)
        await raises_sqlstate(conn, "42501", "insert into app.availability_rules (consultant_id, session_type, weekday, "
                              "start_time, end_time, slot_minutes) values ($1, 'personal', 1, '09:00', '10:00', 60)", b.id)
        await raises_sqlstate(conn, "42501", "insert into app.availability_blocks (consultant_id, starts_at, ends_at) "
                              "values ($1, now() + interval '1 day', now() + interval '2 days')", b.id)
        await raises_sqlstate(conn, "42501", "insert into app.availability_slots (consultant_id, session_type, "
                              "starts_at, ends_at) values ($1, 'personal', now() + interval '5 days', "
                              "now() + interval '5 days 1 hour')", b.id)
        # Moving an own row to the other tenant is refused too (consultant_id is not an updatable column).
        await raises_sqlstate(conn, "42501", "update app.clients set consultant_id = $1", b.id)
        # Own rows can be written: the refusals above are about the tenant, not the table.
        await conn.execute("insert into app.clients (consultant_id, name, email) values ($1, 'Mine', 'mine@example.com')",
                           world.a.id)
    owner = await db.connect("owner")
    try:
        assert await owner.fetchval("select count(*) from app.clients where consultant_id = $1", b.id) == b.rows["clients"]
    finally:
        await owner.close()


@pytest.mark.parametrize("status", ["pending", "rejected", "deleted"])
async def test_approval_gate_hides_dashboard_data_until_approved(db, status):
    owner = await db.connect("owner")
    try:
        extra = {"rejected": {"rejection_reason": "Incomplete profile"},
                 "deleted": {"deleted_at": datetime.now(UTC)}}.get(status, {})
        approval = {"approval_status": status} if status in ("rejected", "suspended") else {}
        cid = await factories.consultant(owner, approved=(status == "deleted"), **approval, **extra)
        me = await populate(owner, cid)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        assert [r["id"] for r in await conn.fetch("select id from app.consultants")] == [cid]
        for table in sorted(UNGATED):
            count = await conn.fetchval(f"select count(*) from app.{table}")
            assert count == me.rows[table] > 0, f"{table}: own availability hidden while {status}"
        for table in sorted(GATED):
            assert me.rows[table] > 0
            count = await conn.fetchval(f"select count(*) from app.{table}")
            assert count == 0, f"{table}: {count} rows visible while {status}"
        await raises_sqlstate(conn, "42501", "insert into app.clients (consultant_id, name, email) "
                              "values ($1, 'Early', 'early@example.com')", cid)
        assert await conn.execute("update app.quotations set notes = 'x'") == "UPDATE 0"
        # The profile stays editable, but approving oneself is not a column the app may write.
        assert await conn.execute("update app.consultants set description = 'About me'") == "UPDATE 1"
        await raises_sqlstate(conn, "42501", "update app.consultants set approval_status = 'approved', approved_at = now()")


async def test_a_suspended_consultant_reads_their_records_but_writes_none(db):
    # Suspension keeps read-only access (the read policies name app.current_reading_consultant_id); every write
    # policy still names approved consultants only, and the write functions say why (NK403 consultant_suspended).
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner, approval_status="suspended", rejection_reason="Missed sessions")
        me = await populate(owner, cid)
        session_id = await owner.fetchval("select id from app.sessions where consultant_id = $1 limit 1", cid)
        client_id = await owner.fetchval("select id from app.clients where consultant_id = $1 limit 1", cid)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        for table in sorted(GATED | UNGATED):
            count = await conn.fetchval(f"select count(*) from app.{table}")
            assert count == me.rows[table] > 0, f"{table}: {count} of {me.rows[table]} rows visible while suspended"
        await raises_sqlstate(conn, "42501", "insert into app.clients (consultant_id, name, email) "
                              "values ($1, 'Late', 'late@example.com')", cid)
        assert await conn.execute("update app.clients set notes = 'x'") == "UPDATE 0"
        assert await conn.execute("update app.quotations set notes = 'x'") == "UPDATE 0"
        for sql, args in (("select api.update_session($1, '{\"notes\": \"x\"}')", (session_id,)),
                          ("select api.set_session_status($1, 'cancelled', 'x')", (session_id,)),
                          ("select api.update_client($1, '{\"notes\": \"x\"}', null, null)", (client_id,)),
                          ("select api.create_client('New', 'new@example.com', null, null, null)", ())):
            err = await raises_sqlstate(conn, "NK403", sql, *args, message="consultant_suspended")
            assert "suspended" in err.detail and "read" in err.detail


async def test_approval_gate_opens_on_approval(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner, approved=False)
        me = await populate(owner, cid)
        async with db.as_caller("app", consultant_id=cid) as conn:
            assert await conn.fetchval("select count(*) from app.sessions") == 0
        await owner.execute("update app.consultants set approval_status = 'approved', approved_at = now() where id = $1", cid)
        async with db.as_caller("app", consultant_id=cid) as conn:
            assert await conn.fetchval("select count(*) from app.sessions") == me.rows["sessions"]
            assert await conn.fetchval("select count(*) from app.clients") == me.rows["clients"]
    finally:
        await owner.close()


async def test_active_admin_reads_all_tenants_inactive_or_unknown_admin_reads_nothing(db, world):
    async with db.as_caller("app", admin_id=world.admin_id) as conn:
        ids = {r["id"] for r in await conn.fetch("select id from app.consultants")}
        assert ids == {world.a.id, world.b.id}
        for table in sorted(GATED | UNGATED):
            owners = {r["consultant_id"] for r in await conn.fetch(f"select consultant_id from app.{table}")}
            assert owners == {world.a.id, world.b.id}, f"{table}: admin does not see every tenant"
        assert await conn.fetchval("select count(*) from app.admins") == 2
        assert await conn.fetchval("select count(*) from app.admin_audit_log") == 1
        # Reading is not editing: an admin changes consultants only through audited functions.
        assert await conn.execute("update app.consultants set first_name = 'Edited'") == "UPDATE 0"
    for admin_id in (world.inactive_admin_id, uuid.uuid4()):
        async with db.as_caller("app", admin_id=admin_id) as conn:
            assert await conn.fetchval("select count(*) from app.consultants") == 0
            assert await conn.fetchval("select count(*) from app.admins") == 0
            assert await conn.fetchval("select count(*) from app.admin_audit_log") == 0
            for table in sorted(GATED | UNGATED):
                assert await conn.fetchval(f"select count(*) from app.{table}") == 0, table


@pytest.mark.parametrize("table", ["consultants", "sessions", "clients", "payment_transactions", "admins"])
async def test_analyst_cannot_read_app_tables(db, world, table):
    conn = await db.connect("analyst")
    try:
        await raises_sqlstate(conn, "42501", f"select * from app.{table}")
    finally:
        await conn.close()


async def test_analyst_reads_analytics_views_without_personal_data(db, world):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner, email="priyamvada.q@example.com", first_name="Priyamvada",
                                         last_name="Quixotica", phone_country_code="+91", phone_number="9812345678")
        client_id = await factories.client(owner, cid, email="zanzibar.client@example.com")
        await factories.session(owner, cid, client_id)
        personal = {"priyamvada", "quixotica", "9812345678", "zanzibar", "@example.com", "$2b$"}
        expected = {
            "consultants": await owner.fetchval("select count(*) from app.consultants where deleted_at is null"),
            "sessions": await owner.fetchval("select count(*) from app.sessions"),
            "payments": await owner.fetchval("select count(*) from app.payment_transactions"),
        }
    finally:
        await owner.close()
    conn = await db.connect("analyst")
    try:
        views = {r[0] for r in await conn.fetch(
            "select table_name::text from information_schema.views where table_schema = 'analytics'")}
        assert {"consultants", "sessions", "payments"} <= views
        for view, count in expected.items():
            assert await conn.fetchval(f"select count(*) from analytics.{view}") == count > 0, view
        columns = await conn.fetch(
            "select table_name::text, column_name::text, data_type::text from information_schema.columns "
            "where table_schema = 'analytics'")
        leaky = [(r[0], r[1]) for r in columns if r[2] != "boolean" and any(
            word in r[1] for word in ("email", "name", "phone", "password", "bank", "ifsc", "token", "notes", "feedback"))]
        assert leaky == []
        for view in sorted(views):
            text = " ".join(r[0] for r in await conn.fetch(f"select row_to_json(v)::text from analytics.{view} v")).lower()
            found = sorted(p for p in personal if p in text)
            assert found == [], f"analytics.{view} exposes {found}"
    finally:
        await conn.close()


async def test_app_role_is_denied_tokens_audit_writes_and_machine_columns(db, world):
    # Denied by grants (the audit log by its policies: an admin's transaction writes only a hand payment's own audit
    # row there, tests/db/test_hand_payments.py), so even an active admin's transaction cannot do these.
    for caller in ({"consultant_id": world.a.id}, {"admin_id": world.admin_id}):
        async with db.as_caller("app", **caller) as conn:
            for table in ("refresh_tokens", "one_time_tokens", "refresh_token_families"):
                await raises_sqlstate(conn, "42501", f"select * from app.{table}")
            await raises_sqlstate(conn, "42501", "insert into app.admin_audit_log (action) values ('admin.forged')")
            await raises_sqlstate(conn, "42501", "update app.sessions set status = 'completed'")
            await raises_sqlstate(conn, "42501", "update app.sessions set payment_status = 'paid'")
            await raises_sqlstate(conn, "42501", "update app.sessions set starts_at = starts_at")
            await raises_sqlstate(conn, "42501", "delete from app.sessions")
            await raises_sqlstate(conn, "42501", "update app.clients set total_sessions = 99")
            await raises_sqlstate(conn, "42501", "update app.clients set total_amount_paid = 0")
            await raises_sqlstate(conn, "42501", "update app.availability_slots set booked_count = 0")
            await raises_sqlstate(conn, "42501", "update app.consultants set email = 'taken@example.com'")
            await raises_sqlstate(conn, "42501", "update app.consultants set slug = 'new-slug'")
            await raises_sqlstate(conn, "42501", "update app.quotations set status = 'accepted'")
            await raises_sqlstate(conn, "42501", "update app.payment_transactions set status = 'completed'")
            await raises_sqlstate(conn, "42501", "insert into app.payment_transactions (consultant_id, purpose, amount, "
                                  "gateway) values ($1, 'subscription', 1, 'cash')", world.a.id)
            await raises_sqlstate(conn, "42501", "update app.daily_analytics set total_revenue = 0")
            await raises_sqlstate(conn, "42501", "update app.admins set role = 'super_admin'")
            await raises_sqlstate(conn, "42501", "update app.platform_settings set value = '0'")
    owner = await db.connect("owner")
    try:
        assert await owner.fetchval("select count(*) from app.admin_audit_log") == 1
        assert await owner.fetchval("select count(*) from app.sessions where status = 'confirmed'") == 2
    finally:
        await owner.close()

# Test: pytest tests/db/test_rls.py
