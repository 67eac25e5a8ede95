# tests/scaling/test_replica.py — dashboards and admin analytics read from a streaming replica (ANALYTICS_DATABASE_URL); writes stay on the primary.
"""A dedicated primary (not the session's shared server) and a hot standby made from it with
`pg_basebackup -R`, both from the embedded PostgreSQL binaries. The app gets the standby as its analytics
database: the dashboard metrics and charts and the admin analytics must answer there (they only read: the
live "today" row is computed without being stored) and equal the primary's once replay has caught up,
while every write still goes to the primary. Replay is paused on the standby to show which server
answered. About 15 s."""
from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import psycopg
import pytest

from app.config import DATABASE_NAME, ROLE_APP
from app.database import pg_bin_dir, role_url, start_embedded, with_database
from app.migrate import migrate
from tests import conftest
from tests.db import factories
from tests.db.test_daily_analytics import D, build_fixture
from tests.http.conftest import make_app
from tests.http.helpers import PASSWORD, make_admin
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML, sign_in


@dataclass
class Pair:
    primary_url: str  # superuser, database nakksha
    standby_url: str
    standby_dir: Path


def _run_as(owner: str | None) -> dict:
    return {"user": owner} if owner else {}


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    base = Path(tempfile.mkdtemp(prefix="nkrepl-"))
    base.chmod(0o755)
    primary = start_embedded(base / "p", cleanup_mode="delete")
    server_url = primary.get_uri()
    with psycopg.connect(server_url, autocommit=True) as conn:
        # PostgreSQL 18's defaults already stream (wal_level replica, 10 WAL senders, local replication
        # trusted by the embedded initdb): check rather than assume.
        assert conn.execute("show wal_level").fetchone()[0] in ("replica", "logical")
        assert int(conn.execute("show max_wal_senders").fetchone()[0]) > 0
        conn.execute(f"create database {DATABASE_NAME}")
    primary_url = with_database(server_url, DATABASE_NAME)
    migrate(primary_url, dump=False)

    socket_dir = Path(dict(p.split("=", 1) for p in server_url.split("?", 1)[1].split("&"))["host"])
    owner = pwd.getpwuid(socket_dir.stat().st_uid).pw_name if os.geteuid() == 0 else None
    standby = base / "standby"
    standby.mkdir(mode=0o700)
    if owner:
        shutil.chown(standby, owner, owner)
    bin_dir = pg_bin_dir()
    subprocess.run([str(bin_dir / "pg_basebackup"), "-D", str(standby), "-R", "-X", "stream", "-c", "fast",
                    "-d", f"host={socket_dir} user=postgres"], check=True, capture_output=True, timeout=120,
                   **_run_as(owner))
    for stale in standby.glob(".s.PGSQL.*"):  # the primary's socket lock, copied with its data directory
        stale.unlink()
    started = subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(standby), "-w", "-t", "60", "-l",
                              str(standby / "standby.log"), "-o", '-h "" -k ' + str(standby), "start"],
                             capture_output=True, text=True, timeout=90, **_run_as(owner))
    if started.returncode:
        log = (standby / "standby.log").read_text() if (standby / "standby.log").exists() else ""
        primary.cleanup()
        raise RuntimeError(f"the standby did not start: {started.stderr}{log}")
    try:
        yield Pair(primary_url, f"postgresql://postgres@/{DATABASE_NAME}?host={standby}", standby)
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(standby), "-w", "-m", "fast", "stop"],
                       capture_output=True, timeout=60, **_run_as(owner))
        primary.cleanup()
        shutil.rmtree(base, ignore_errors=True)


async def caught_up(pair: Pair, seconds: float = 30) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    p = await asyncpg.connect(pair.primary_url)
    s = await asyncpg.connect(pair.standby_url)
    try:
        target = await p.fetchval("select pg_current_wal_lsn()")
        deadline = asyncio.get_running_loop().time() + seconds
        while not await s.fetchval("select pg_last_wal_replay_lsn() >= $1::pg_lsn", target):
            assert asyncio.get_running_loop().time() < deadline, "the standby did not catch up"
            await asyncio.sleep(0.05)
    finally:
        await p.close()
        await s.close()


async def _standby(pair: Pair, sql: str):
    conn = await asyncpg.connect(pair.standby_url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def test_dashboards_read_from_the_replica_and_writes_go_to_the_primary(pair):
    assert await _standby(pair, "select pg_is_in_recovery()")
    db = conftest.TestDatabase(DATABASE_NAME, pair.primary_url)
    replica_app = make_app(db, analytics_database_url=role_url(pair.standby_url, ROLE_APP))
    primary_app = make_app(db)
    async with replica_app.router.lifespan_context(replica_app), \
            primary_app.router.lifespan_context(primary_app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=replica_app), base_url="http://testserver") as rc, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=primary_app), base_url="http://testserver") as pc:
        c = await approved_consultant(rc, db)  # writes through the replica-configured app land on the primary
        owner = await db.connect("owner")
        try:
            cid = uuid.UUID(c["id"])
            await build_fixture(owner, cid)  # a worked history, stored by the job below
            await owner.fetchval("select api.refresh_daily_analytics()")
            client_id = await factories.client(owner, cid)  # and today, computed live on each read
            now = datetime.now(UTC)
            s = await factories.session(owner, cid, client_id, starts_at=now + timedelta(minutes=1), amount="750.00")
            await factories.payment(owner, cid, session_id=s, client_id=client_id, amount="750.00", paid_at=now)
        finally:
            await owner.close()
        admin = {"Authorization": f"Bearer {await make_admin(db, rc)}"}
        reads = [("/api/v1/dashboard/metrics", c["headers"]), ("/api/v1/dashboard/charts", c["headers"]),
                 ("/api/v1/admin/analytics", admin), (f"/api/v1/admin/consultants/{cid}/analytics", admin),
                 (f"/api/v1/admin/consultants/{cid}/charts", admin)]
        periods = [{"timeframe": "today"}, {"timeframe": "month"},
                   {"timeframe": "custom", "from": (D - timedelta(days=3)).isoformat(),
                    "to": (D + timedelta(days=3)).isoformat()}]

        async def answers(client: httpx.AsyncClient) -> list:
            out = []
            for path, headers in reads:
                for params in periods:
                    r = await client.get(path, headers=headers, params=params)
                    assert r.status_code == 200, (path, params, r.text)
                    out.append(r.json())
            return out

        await caught_up(pair)
        from_replica, from_primary = await answers(rc), await answers(pc)
        assert from_replica == from_primary
        today = from_replica[0]
        assert today["revenue_today"] == "750.00" and today["new_clients_today"] == 1

        # Which server answered: with replay paused, a write (through the replica-configured app: it goes to
        # the primary) shows on the primary's dashboard at once and on the replica's only after resuming.
        await _standby(pair, "select pg_wal_replay_pause()")
        try:
            r = await rc.post("/api/v1/clients", headers=c["headers"],
                              json={"name": "Late Client", "email": "late@example.com"})
            assert r.status_code == 201, r.text
            m = {"timeframe": "today"}
            on_primary = (await pc.get("/api/v1/dashboard/metrics", headers=c["headers"], params=m)).json()
            on_replica = (await rc.get("/api/v1/dashboard/metrics", headers=c["headers"], params=m)).json()
            assert on_primary["new_clients_today"] == 2 and on_replica["new_clients_today"] == 1
            # The dashboard page reads the replica, but its live refresh (dashboard.js, after a NOTIFY from
            # the primary) reads the primary: a replica a moment behind must not redraw the old figures.
            owner = await db.connect("owner")
            try:
                email = await owner.fetchval("select email from app.consultants where id = $1", cid)
            finally:
                await owner.close()
            assert (await sign_in(rc, email, PASSWORD)).status_code == 303
            page = await rc.get("/dashboard", headers=HTML, params=m)
            live = await rc.get("/dashboard", headers={**HTML, "x-nakksha-live": "1"}, params=m)
            assert "(1 today)" in page.text and "(2 today)" in live.text
        finally:
            await _standby(pair, "select pg_wal_replay_resume()")
        await caught_up(pair)
        assert await answers(rc) == await answers(pc)
    await dashboard_functions_only_read(pair)


async def dashboard_functions_only_read(pair: Pair) -> None:
    """On the standby itself (a read-only transaction), as the app role with a consultant set, every
    timeframe (one test with the one above: a replica is too dear to build twice under xdist)."""
    conn = await asyncpg.connect(pair.primary_url)
    try:
        cid = await factories.consultant(conn)
        await factories.client(conn, cid)
    finally:
        await conn.close()
    await caught_up(pair)
    conn = await asyncpg.connect(role_url(pair.standby_url, ROLE_APP))
    try:
        async with conn.transaction():
            assert await conn.fetchval("show transaction_read_only") == "on"
            await conn.execute("select set_config('app.consultant_id', $1, true)", str(cid))
            for fn in ("dashboard_metrics", "dashboard_charts"):
                for timeframe in ("today", "week", "month", "quarter", "year", "fy"):
                    assert await conn.fetchval(f"select api.{fn}($1, null, null)", timeframe)
    finally:
        await conn.close()

# Test: pytest tests/scaling/test_replica.py
