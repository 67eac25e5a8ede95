# tests/db/test_admin_role.py — admins read every tenant through the policies of their own role (nakksha_app_admin), which the app takes only for an admin's transaction.
"""Issue 17: admin powers are policies, not bypasses. A transaction acting for an admin runs as nakksha_app_admin
(app/sql.py's SET_CALLER sets the role with the caller); that role's read policies cover every tenant while an
active admin is set, and it holds exactly the app role's grants (copied by nakksha migrate), so the policies are
the only difference. The app role may SET the admin role but never inherits it: the admin policies must not apply
to a consultant's transaction, whose own policy is one equality on its id."""
from __future__ import annotations

import json
import uuid

from app.config import ROLE_ADMIN, ROLE_APP, ROLE_APP_ADMIN
from tests.db import factories
from tests.db.assertions import raises_sqlstate


def parsed(value):
    return json.loads(value) if isinstance(value, str) else value


async def test_the_app_role_may_set_the_admin_role_but_never_inherits_it(owner):
    row = await owner.fetchrow(
        "select pg_has_role($1, $2, 'set') as can_set, pg_has_role($1, $2, 'usage') as inherits, "
        "       pg_has_role($3, $2, 'member') as dba_member, r.rolcanlogin, r.rolbypassrls "
        "from pg_roles r where r.rolname = $2", ROLE_APP, ROLE_APP_ADMIN, ROLE_ADMIN)
    assert row["can_set"] and not row["inherits"], "the app role must only SET the admin role"
    # It holds every grant of the app role: a database administrator in it could sign in as anyone (credentials,
    # sessions), fake webhooks and touch the job queue, all outside the audit log (the outside review found it).
    assert not row["dba_member"], "database administrators must not hold the app's grants"
    assert not row["rolcanlogin"] and not row["rolbypassrls"]


async def test_the_admin_role_holds_exactly_the_app_roles_grants(owner):
    # Every grant to the app role by name is copied to the admin role, and it has none of its own (its one extra,
    # the system page's analytics backlog, the app role holds too since issue 20: a consultant reads their own
    # marks). Schema dev (development only) is not copied.
    rows = await owner.fetch("""
        with acl as (
          select 'relation ' || c.oid::regclass::text as object, a.privilege_type, a.grantee
          from pg_class c cross join lateral aclexplode(c.relacl) a
          union all
          select 'column ' || att.attrelid::regclass::text || '.' || att.attname, a.privilege_type, a.grantee
          from pg_attribute att cross join lateral aclexplode(att.attacl) a where not att.attisdropped
          union all
          select 'function ' || p.oid::regprocedure::text, a.privilege_type, a.grantee
          from pg_proc p cross join lateral aclexplode(p.proacl) a
          where p.pronamespace <> 'dev'::regnamespace  -- development's local gateway: no admin page uses it
          union all
          select 'schema ' || n.nspname, a.privilege_type, a.grantee
          from pg_namespace n cross join lateral aclexplode(n.nspacl) a where n.nspname <> 'dev')
        select object, privilege_type, array_agg(grantee::regrole::text order by grantee::regrole::text) as roles
        from acl where grantee in ($1::regrole, $2::regrole) group by 1, 2
        having count(*) filter (where grantee = $1::regrole) <> count(*) filter (where grantee = $2::regrole)
        order by 1, 2""", ROLE_APP, ROLE_APP_ADMIN)
    extra = {(r["object"], r["privilege_type"]) for r in rows if r["roles"] == [ROLE_APP_ADMIN]}
    assert [tuple(r) for r in rows if r["roles"] != [ROLE_APP_ADMIN]] == [], "grants of the app role not copied"
    assert extra == set()


async def test_an_admin_id_without_the_admin_role_reads_nothing_of_any_tenant(db, owner):
    # The app role's policies are the consultant's alone: an admin id set by hand, without the role, opens nothing.
    a = await factories.consultant(owner)
    await factories.client(owner, a)
    admin = await factories.admin(owner)
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute("select set_config('app.admin_id', $1, true)", str(admin))
            assert await app.fetchval("select count(*) from app.consultants") == 0
            assert await app.fetchval("select count(*) from app.clients") == 0
            assert await app.fetchval("select count(*) from app.admins") == 0
    finally:
        await app.close()


async def test_the_admin_role_without_an_active_admin_reads_nothing(db, owner):
    a = await factories.consultant(owner)
    await factories.client(owner, a)
    inactive = await factories.admin(owner, active=False)
    for admin_id in (None, inactive, uuid.uuid4()):
        app = await db.connect("app")
        try:
            async with app.transaction():
                await app.execute(f"set local role {ROLE_APP_ADMIN}")
                if admin_id:
                    await app.execute("select set_config('app.admin_id', $1, true)", str(admin_id))
                assert await app.fetchval("select count(*) from app.consultants") == 0
                assert await app.fetchval("select count(*) from app.clients") == 0
                await raises_sqlstate(app, "NK403", "select api.admin_list_consultants(null, null, 1, 10)")
        finally:
            await app.close()


async def test_an_admin_reads_every_tenant_and_writes_none(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    for cid in (a, b):
        await factories.client(owner, cid)
    admin = await factories.admin(owner)
    async with db.as_caller("app", admin_id=admin) as conn:
        assert await conn.fetchval("select current_user") == ROLE_APP_ADMIN
        assert {r["consultant_id"] for r in await conn.fetch("select consultant_id from app.clients")} == {a, b}
        listed = parsed(await conn.fetchval("select api.admin_list_consultants(null, null, 1, 10)"))
        assert {c["id"] for c in listed["items"]} == {str(a), str(b)}
        assert await conn.execute("update app.clients set notes = 'edited by an admin'") == "UPDATE 0"
        await raises_sqlstate(conn, "42501", "delete from app.clients")  # no grant, as for the app role
        await raises_sqlstate(conn, "42501", "insert into app.clients (consultant_id, name, email) "
                                             "values ($1, 'X', 'x@example.com')", a)
    # A consultant's transaction keeps the app role and its own rows.
    async with db.as_caller("app", consultant_id=a) as conn:
        assert await conn.fetchval("select current_user") == ROLE_APP
        assert {r["consultant_id"] for r in await conn.fetch("select consultant_id from app.clients")} <= {a}


async def test_a_database_administrator_reads_what_the_admin_functions_show_and_nothing_else(db, owner):
    a = await factories.consultant(owner)
    await factories.client(owner, a)
    conn = await db.connect("admin")
    try:
        listed = parsed(await conn.fetchval("select api.admin_list_consultants(null, null, 1, 10)"))
        assert [c["id"] for c in listed["items"]] == [str(a)]
        got = parsed(await conn.fetchval("select api.admin_get_consultant($1)", a))
        assert got["id"] == str(a) and got["audit"] == []
        # What the web admin sees of sessions and bank details is not theirs to read from psql.
        assert got["setup"] is None and got["upcoming_paid_sessions"] is None
        for sql in ("select api.consultant_credentials('x@example.com')", "select * from app.clients",
                    "select * from app.sessions", "select password_hash from app.consultants",
                    "select bank_account_number_encrypted from app.consultants",
                    "select * from public.procrastinate_jobs",
                    "select api.handle_payment_webhook('razorpay', 'evt_x', '{}')"):
            await raises_sqlstate(conn, "42501", sql)
    finally:
        await conn.close()

# Test: pytest tests/db/test_admin_role.py
