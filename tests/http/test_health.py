# tests/http/test_health.py — liveness and readiness: migrated, migrations pending, database gone and back, no server at all.
from __future__ import annotations

import httpx
import psycopg

from app.config import Settings
from app.database import with_database
from app.main import create_app
from app.migrate import latest_migration_version


def assert_unready(r: httpx.Response, code: str) -> None:
    assert r.status_code == 503, r.text
    assert r.json() == {"error": {"code": code, "message": r.json()["error"]["message"], "field": None}}
    assert r.json()["error"]["message"]


async def test_ready_reports_the_migration_version(client, app):
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "migration": latest_migration_version()}
    assert app.state.expected_migration == latest_migration_version()


async def test_pending_migrations_are_503(client, db):
    newest = latest_migration_version()
    owner = await db.connect("owner")
    try:
        await owner.execute("delete from public.schema_migrations where version = $1", newest)
    finally:
        await owner.close()
    r = await client.get("/readyz")
    assert_unready(r, "migrations_pending")
    assert newest in r.json()["error"]["message"]
    assert (await client.get("/healthz")).status_code == 200


async def test_no_migrations_at_all_is_503(client, db):
    owner = await db.connect("owner")
    try:
        await owner.execute("delete from public.schema_migrations")
    finally:
        await owner.close()
    assert_unready(await client.get("/readyz"), "migrations_pending")


def _allow_connections(db, allow: bool) -> None:
    # From the maintenance database: a database that refuses connections refuses the superuser too.
    with psycopg.connect(with_database(db.url("superuser"), "postgres"), autocommit=True) as conn:
        conn.execute(f"alter database {db.name} with allow_connections {'true' if allow else 'false'}")
        if not allow:
            conn.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                         "where datname = %s and pid <> pg_backend_pid()", (db.name,))


async def test_database_outage_is_503_and_the_pool_recovers(client, db):
    assert (await client.get("/readyz")).status_code == 200  # the pool holds a live connection now
    _allow_connections(db, False)
    try:
        for _ in range(2):  # a dead pooled connection, then a refused new one
            assert_unready(await client.get("/readyz"), "database_unavailable")
        r = await client.get("/healthz")
        assert r.status_code == 200 and r.json() == {"status": "ok"}
    finally:
        _allow_connections(db, True)
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ready"


async def test_app_starts_without_a_database_server(tmp_path):
    missing = tmp_path / "no-server-here"
    settings = Settings.from_env({}, env="test", database_url=f"postgresql://postgres@/x?host={missing}")
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await c.get("/healthz")).status_code == 200
            r = await c.get("/readyz")
            assert_unready(r, "database_unavailable")
            assert r.headers.get("retry-after")

# Test: pytest tests/http/test_health.py
