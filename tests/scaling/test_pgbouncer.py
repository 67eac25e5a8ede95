# tests/scaling/test_pgbouncer.py — the app and the worker through PgBouncer 1.18 in transaction mode: queries pooled, every LISTEN direct.
"""The whole HTTP suite also runs through PgBouncer (`make test` runs tests/http a second time with
NAKKSHA_TEST_PGBOUNCER=1). These tests pin what that run cannot see: that the queries really went through
the pooler, that the live-dashboard LISTEN connection and Procrastinate's do not (and why they must not:
a LISTEN through a transaction pooler never hears anything), and that a worker's tasks run through it."""
from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest

from app.config import ROLE_WORKER
from app.database import pg_bin_dir, role_url
from app.sql import _init_connection
from jobs.app import connected
from tests.http.conftest import make_app
from tests.http.test_booking import approved_consultant
from tests.jobs.test_outbox import queue
from tests.scaling.pgbouncer import available, start_pgbouncer

pytestmark = pytest.mark.skipif(not available(), reason="needs /usr/sbin/pgbouncer (make test installs it)")


@pytest.fixture(scope="module")
def bouncer(pg_server):
    b = start_pgbouncer(pg_server.server_url, port=6433)
    yield b
    b.stop()


def _xacts(bouncer, dbname: str) -> int:
    return sum(int(r["total_xact_count"]) for r in bouncer.show("stats", pg_bin_dir() / "psql")
               if r["database"] == dbname)


async def test_the_app_queries_through_pgbouncer_and_listens_directly(bouncer, db):
    app = make_app(db, pooler_url=bouncer.url(db.url("app")), statement_cache_size=100)
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        assert app.state.pool._connect_kwargs["statement_cache_size"] == 0  # whatever DB_STATEMENT_CACHE_SIZE says
        before = _xacts(bouncer, db.name)
        c = await approved_consultant(client, db)
        assert _xacts(bouncer, db.name) > before  # the requests' transactions went through PgBouncer

        async with app.state.live.subscribe(c["id"]) as changes:
            # The hub's LISTEN connection is the server's own socket, not PgBouncer's.
            assert str(bouncer.socket_dir) not in str(app.state.live.conn._addr)
            r = await client.post("/api/v1/clients", headers=c["headers"],
                                  json={"name": "Pooled Client", "email": "pooled@example.com"})
            assert r.status_code == 201, r.text  # written through PgBouncer, notified on commit
            assert await asyncio.wait_for(changes.get(), 10) == c["id"]
        r = await client.get("/api/v1/dashboard/metrics", headers=c["headers"], params={"timeframe": "today"})
        assert r.status_code == 200 and r.json()["new_clients_today"] == 1


async def test_listen_through_a_transaction_pooler_hears_nothing(bouncer, db):
    """Why LISTEN connections bypass PgBouncer: the session that listened is handed to someone else."""
    heard: list[str] = []
    pooled = await asyncpg.connect(bouncer.url(db.url("app")), statement_cache_size=0)
    direct = await asyncpg.connect(db.url("app"))
    try:
        await pooled.add_listener("nakksha_probe", lambda *args: heard.append(args[-1]))
        await direct.execute("notify nakksha_probe, 'hello'")
        await asyncio.sleep(0.5)
        assert heard == []
    finally:
        await pooled.close()
        await direct.close()


async def test_a_worker_runs_its_tasks_through_pgbouncer(bouncer, db):
    owner = await db.connect("owner")
    await _init_connection(owner)
    try:
        log_id = await queue(owner)
        before = _xacts(bouncer, db.name)
        worker_url = role_url(db.admin_url, ROLE_WORKER)
        # Procrastinate (it LISTENs) on the direct URL, the tasks' named queries through PgBouncer.
        with connected(worker_url, bouncer.url(worker_url), 0) as job_app:
            async with job_app.open_async():
                await job_app.run_worker_async(queues=["emails"], wait=False, install_signal_handlers=False)
        assert await owner.fetchval("select status from app.email_logs where id = $1", log_id) == "sent"
        assert await owner.fetchval("select count(*) from app.email_outbox") == 1
        assert _xacts(bouncer, db.name) > before
    finally:
        await owner.close()
        from jobs.app import close_pool

        await close_pool()


async def test_the_app_recovers_from_a_database_outage_through_pgbouncer(bouncer, db):
    """Like tests/http/test_health.py's outage, allowing for PgBouncer: after failed server logins it turns
    clients away (server_login_retry) until a new login succeeds, so readiness returns within moments."""
    from tests.http.test_health import _allow_connections, assert_unready, live_worker

    await live_worker(db)  # readiness also wants a live job worker, read through the pooler too
    app = make_app(db, pooler_url=bouncer.url(db.url("app")))
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        assert (await client.get("/readyz")).status_code == 200
        _allow_connections(db, False)
        try:
            assert_unready(await client.get("/readyz"), "database_unavailable")
        finally:
            _allow_connections(db, True)
        deadline = asyncio.get_running_loop().time() + 10
        while (r := await client.get("/readyz")).status_code != 200:
            assert asyncio.get_running_loop().time() < deadline, r.text
            await asyncio.sleep(0.2)
        assert r.json()["status"] == "ready"


def test_settings_send_queries_to_the_pooler_and_listen_directly():
    from app.config import Settings
    from app.database import Database

    direct = f"postgresql://nakksha_app@db.internal/nakksha?x={uuid.uuid4().hex}"
    pooled = "postgresql://nakksha_app@pgbouncer.internal:6432/nakksha"
    s = Settings.from_env({"DATABASE_URL": "postgresql://postgres@db.internal/nakksha", "APP_DATABASE_URL": direct,
                           "DATABASE_POOLER_URL": pooled, "DB_STATEMENT_CACHE_SIZE": "100"})
    d = Database(s)
    assert (d.query_url(), d.app_url(), d.statement_cache_size()) == (pooled, direct, 0)
    plain = Database(Settings.from_env({"DATABASE_URL": "postgresql://postgres@db.internal/nakksha"}))
    assert plain.query_url() == plain.app_url() and plain.statement_cache_size() == 100

# Test: pytest tests/scaling/test_pgbouncer.py
