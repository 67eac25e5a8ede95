# tests/http/test_health.py — liveness and readiness: migrated, a job worker alive, migrations pending, no worker, database gone and back, no server at all.
from __future__ import annotations

import httpx
import psycopg

from app.config import Settings
from app.database import with_database
from app.main import create_app
from app.migrate import latest_migration_version
from tests.http.conftest import make_app


async def live_worker(db, *, silent_for: float = 0) -> int:
    """A job worker's registration as Procrastinate writes it, its last heartbeat `silent_for` seconds ago: what
    /readyz looks for (a worker anywhere on the database, like one started by `nakksha worker` elsewhere)."""
    conn = await db.connect("owner")
    try:
        return await conn.fetchval("insert into procrastinate_workers (last_heartbeat) values "
                                   "(now() - make_interval(secs => $1)) returning id", float(silent_for))
    finally:
        await conn.close()


def assert_unready(r: httpx.Response, code: str) -> None:
    assert r.status_code == 503, r.text
    assert r.json() == {"error": {"code": code, "message": r.json()["error"]["message"], "field": None}}
    assert r.json()["error"]["message"]


async def test_ready_reports_the_migration_version_and_the_live_workers(client, app, db):
    await live_worker(db)
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "migration": latest_migration_version(), "workers": 1}
    assert app.state.expected_migration == latest_migration_version()


async def test_no_live_job_worker_is_503_with_the_reason(client, db):
    """Issue 16: a worker that died left an app serving whose emails never went; readiness now says so. Any worker
    on the database counts (serve --no-worker runs them elsewhere); one silent past NAKKSHA_STALLED_AFTER_SECONDS
    (60 s) does not."""
    r = await client.get("/readyz")
    assert_unready(r, "no_worker")
    assert "60" in r.json()["error"]["message"]
    await live_worker(db, silent_for=61)
    assert_unready(await client.get("/readyz"), "no_worker")
    await live_worker(db, silent_for=5)
    r = await client.get("/readyz")
    assert r.status_code == 200 and r.json()["workers"] == 1, r.text


async def test_the_worker_threshold_follows_the_stall_setting(db):
    application = make_app(db, worker_stale_seconds=120)
    await live_worker(db, silent_for=90)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as c:
            assert (await c.get("/readyz")).status_code == 200
    assert Settings.from_env({"NAKKSHA_STALLED_AFTER_SECONDS": "90"}).worker_stale_seconds == 90
    assert Settings.from_env({"NAKKSHA_STALLED_AFTER_SECONDS": "soon"}).worker_stale_seconds == 60  # the worker refuses it


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
    await live_worker(db)
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


async def test_a_server_never_migrated_says_so_instead_of_unreachable(db):
    # `nakksha serve` on a fresh data directory without --migrate: the server is up, the app role does not exist.
    # /readyz said "cannot be reached" for ever; it says what to do.
    from app.database import with_user

    settings = Settings.from_env({}, env="test", database_url=db.admin_url,
                                 app_database_url=with_user(db.admin_url, "nakksha_never_created"))
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            r = await c.get("/readyz")
    assert_unready(r, "migrations_pending")
    assert "nakksha migrate" in r.json()["error"]["message"]


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
