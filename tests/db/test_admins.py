# tests/db/test_admins.py — api.create_admin: who may create admins (app caller, psql), what the audit log records, bad input.
from __future__ import annotations

import uuid

import asyncpg
import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate

HASH = "$2b$12$" + "B" * 53
CREATE = "select api.create_admin($1, $2, $3, $4, $5)"


async def admins_and_audit(owner) -> tuple[int, int]:
    return (await owner.fetchval("select count(*) from app.admins"),
            await owner.fetchval("select count(*) from app.admin_audit_log"))


async def test_app_with_no_admin_set_is_refused_even_naming_a_super_admin(db, owner):
    await owner.execute("insert into app.admins (email, password_hash, name, role) "
                        "values ('boss@example.com', $1, 'Boss', 'super_admin')", HASH)
    before = await admins_and_audit(owner)
    async with db.as_caller("app") as conn:
        await raises_sqlstate(conn, "NK403", CREATE, "new@example.com", "New", HASH, "admin", None, message="forbidden")
        # The acting-admin parameter is for psql; over HTTP it must not let anyone borrow an identity.
        await raises_sqlstate(conn, "NK403", CREATE, "new@example.com", "New", HASH, "super_admin", "boss@example.com",
                              message="forbidden")
    # A consultant's transaction is no better.
    cid = await factories.consultant(owner)
    async with db.as_caller("app", consultant_id=cid) as conn:
        await raises_sqlstate(conn, "NK403", CREATE, "new@example.com", "New", HASH, "admin", None, message="forbidden")
    assert await admins_and_audit(owner) == before


async def test_active_super_admin_creates_an_admin_and_is_audited(db, owner):
    boss = await factories.admin(owner, role="super_admin")
    async with db.as_caller("app", admin_id=boss) as conn:
        new_id = await conn.fetchval(CREATE, "  New.Admin@Example.com ", " Nisha ", HASH, None, None)
        row = await conn.fetchrow("select email, name, role, is_active, created_by from app.admins "
                                  "where id = $1", new_id)
        assert dict(row) == {"email": "new.admin@example.com", "name": "Nisha", "role": "admin", "is_active": True,
                             "created_by": boss}
        # The hash is stored, but the app role itself can never read password hashes.
        assert await raises_sqlstate(conn, "42501", "select password_hash from app.admins where id = $1", new_id)
        audit = await conn.fetch("select admin_id, action, target_type, target_id, details, actor_label "
                                 "from app.admin_audit_log")
        assert len(audit) == 1
        assert (audit[0]["admin_id"], audit[0]["action"], audit[0]["target_type"], audit[0]["target_id"]) == (
            boss, "admin.created", "admin", new_id)
        assert audit[0]["actor_label"] is None
        assert '"new.admin@example.com"' in audit[0]["details"] and '"admin"' in audit[0]["details"]
        # A super admin may create another super admin.
        other = await conn.fetchval(CREATE, "deputy@example.com", "Deputy", HASH, "super_admin", None)
        assert await conn.fetchval("select role from app.admins where id = $1", other) == "super_admin"


@pytest.mark.parametrize("kind", ["plain_admin", "inactive_super_admin", "unknown_id"])
async def test_other_admin_callers_are_refused(db, owner, kind):
    if kind == "plain_admin":
        acting, message = await factories.admin(owner, role="admin"), "super_admin_required"
    elif kind == "inactive_super_admin":
        acting, message = await factories.admin(owner, role="super_admin", active=False), "admin_inactive"
    else:
        acting, message = uuid.uuid4(), "admin_inactive"
    before = await admins_and_audit(owner)
    async with db.as_caller("app", admin_id=acting) as conn:
        await raises_sqlstate(conn, "NK403", CREATE, "new@example.com", "New", HASH, "admin", None, message=message)
        # Promoting oneself by creating a super admin fails the same way.
        await raises_sqlstate(conn, "NK403", CREATE, "me2@example.com", "Me", HASH, "super_admin", None, message=message)
    assert await admins_and_audit(owner) == before


@pytest.mark.parametrize("login", ["admin", "superuser"])
async def test_database_administrators_create_admins_from_psql(db, owner, login):
    conn = await asyncpg.connect(db.url(login))
    try:
        db_user = await conn.fetchval("select session_user")
        first = await conn.fetchval(CREATE, "first@example.com", "First", HASH, "super_admin", None)
    finally:
        await conn.close()
    row = await owner.fetchrow("select admin_id, db_user, actor_label, action, target_id from app.admin_audit_log")
    assert dict(row) == {"admin_id": None, "db_user": db_user, "actor_label": "psql", "action": "admin.created",
                         "target_id": first}
    assert await owner.fetchval("select created_by from app.admins where id = $1", first) is None
    if login == "superuser":
        assert db_user not in ("nakksha_admin", "nakksha_app", "nakksha_owner")
    else:
        assert db_user == "nakksha_admin"


async def test_psql_admin_may_act_as_a_named_admin(db, owner):
    boss = await factories.admin(owner, role="super_admin")
    boss_email = await owner.fetchval("select email::text from app.admins where id = $1", boss)
    plain = await factories.admin(owner, role="admin")
    plain_email = await owner.fetchval("select email::text from app.admins where id = $1", plain)
    conn = await db.connect("admin")
    try:
        new_id = await conn.fetchval(CREATE, "named@example.com", "Named", HASH, "admin", boss_email.upper())
        await raises_sqlstate(conn, "NK404", CREATE, "x@example.com", "X", HASH, "admin", "nobody@example.com",
                              message="admin_not_found")
        await raises_sqlstate(conn, "NK403", CREATE, "y@example.com", "Y", HASH, "admin", plain_email,
                              message="super_admin_required")
    finally:
        await conn.close()
    row = await owner.fetchrow("select admin_id, actor_label from app.admin_audit_log where target_id = $1", new_id)
    assert (row["admin_id"], row["actor_label"]) == (boss, None)
    assert await owner.fetchval("select created_by from app.admins where id = $1", new_id) == boss
    assert await owner.fetchval("select count(*) from app.admins") == 3


async def test_duplicate_email_is_refused_and_nothing_is_half_written(db, owner):
    conn = await db.connect("admin")
    try:
        await conn.fetchval(CREATE, "dup@example.com", "One", HASH, "admin", None)
        before = await admins_and_audit(owner)
        await raises_sqlstate(conn, "23505", CREATE, "dup@example.com", "Two", HASH, "admin", None,
                              constraint="admins_email_key")
        await raises_sqlstate(conn, "23505", CREATE, " DUP@Example.com", "Three", HASH, "admin", None,
                              constraint="admins_email_key")
    finally:
        await conn.close()
    assert await admins_and_audit(owner) == before


@pytest.mark.parametrize("password_hash", [
    "hunter2", "", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "pbkdf2_sha256$600000$salt$hash", " $2b$12$x", None,
])
async def test_a_password_that_is_not_a_bcrypt_hash_is_refused(db, owner, password_hash):
    conn = await db.connect("admin")
    try:
        err = await raises_sqlstate(conn, "NK422", CREATE, "new@example.com", "New", password_hash, "admin", None,
                                    message="invalid_password_hash")
        assert err.hint == "field:password"
    finally:
        await conn.close()
    assert await admins_and_audit(owner) == (0, 0)


async def test_bad_role_or_email_is_refused(db, owner):
    conn = await db.connect("admin")
    try:
        await raises_sqlstate(conn, "23514", CREATE, "new@example.com", "New", HASH, "root", None,
                              constraint="admins_role_valid")
        await raises_sqlstate(conn, "23514", CREATE, "not-an-email", "New", HASH, "admin", None,
                              constraint="admins_email_format")
        await raises_sqlstate(conn, "23514", CREATE, "new@example.com", "   ", HASH, "admin", None,
                              constraint="admins_name_length")
    finally:
        await conn.close()
    assert await admins_and_audit(owner) == (0, 0)


async def test_analyst_and_owner_cannot_create_admins(db, owner):
    conn = await db.connect("analyst")
    try:
        await raises_sqlstate(conn, "42501", CREATE, "new@example.com", "New", HASH, "admin", None)
    finally:
        await conn.close()
    # The owner runs migrations; it is not an administrator of the product.
    await raises_sqlstate(owner, "NK403", CREATE, "new@example.com", "New", HASH, "admin", None, message="forbidden")
    assert await admins_and_audit(owner) == (0, 0)


async def test_an_admin_with_history_is_deactivated_never_deleted(db, owner):
    boss = await factories.admin(owner, role="super_admin")
    bystander = await factories.admin(owner)
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute("select set_config('app.admin_id', $1, true)", str(boss))
            await app.fetchval(CREATE, "kept@example.com", "Kept", HASH, None, None)
    finally:
        await app.close()
    # The audit log is append-only, so the admin it names cannot disappear from under it.
    err = await raises_sqlstate(owner, "23001", "delete from app.admins where id = $1", boss)
    assert err.constraint_name == "admin_audit_log_admin_id_fkey"
    assert await owner.fetchval("select count(*) from app.admin_audit_log where admin_id = $1", boss) == 1
    # An admin who never acted can still be removed.
    assert await owner.execute("delete from app.admins where id = $1", bystander) == "DELETE 1"

# Test: pytest tests/db/test_admins.py
