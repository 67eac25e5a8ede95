# tests/conftest.py — one embedded PostgreSQL per test session (per xdist worker), a migrated template, a fresh database per test.
from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import psycopg
import pytest

from app.config import ROLE_ADMIN, ROLE_ANALYST, ROLE_APP, ROLE_OWNER, ROLE_WORKER
from app.database import role_url, start_embedded, with_database
from app.migrate import migrate
from app.sql import SET_CALLER

TEMPLATE = "nakksha_template"

# Secrets the app and the in-process worker share in tests (never the developer's .data/secrets.json),
# and a cheap bcrypt cost: hashing speed is not what these tests measure.
TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="nkdata-"))
os.environ.setdefault("JWT_SECRET", "test-jwt-secret-" + "x" * 40)
os.environ.setdefault("PASSWORD_PEPPER", "test-pepper")
os.environ.setdefault("DATA_ENCRYPTION_KEY", "test-data-key")
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("NAKKSHA_DATA_DIR", str(TEST_DATA_DIR))
# The in-process worker and adapters read the mode from the environment; the default is production (issue 16).
os.environ.setdefault("NAKKSHA_ENV", "test")
ROLES = {"owner": ROLE_OWNER, "app": ROLE_APP, "admin": ROLE_ADMIN, "analyst": ROLE_ANALYST, "worker": ROLE_WORKER}


@dataclass
class PgServer:
    server_url: str  # superuser, database postgres
    data_dir: Path

    def url(self, dbname: str) -> str:
        return with_database(self.server_url, dbname)


@dataclass
class TestDatabase:
    """A fresh database cloned from the migrated template. admin_url is the superuser's (like DATABASE_URL)."""

    name: str
    admin_url: str

    def url(self, role: str = "owner") -> str:
        return self.admin_url if role == "superuser" else role_url(self.admin_url, ROLES[role])

    async def connect(self, role: str = "app") -> asyncpg.Connection:
        return await asyncpg.connect(self.url(role))

    @asynccontextmanager
    async def as_caller(self, role: str = "app", consultant_id=None, admin_id=None) -> AsyncIterator[asyncpg.Connection]:
        """A connection inside a transaction with the caller set the way the app sets it; rolled back after."""
        conn = await self.connect(role)
        try:
            tr = conn.transaction()
            await tr.start()
            await conn.execute(SET_CALLER, str(consultant_id) if consultant_id else "",
                               str(admin_id) if admin_id else "", "")
            try:
                yield conn
            finally:
                await tr.rollback()
        finally:
            await conn.close()


# The session's cluster lives in memory when the machine has room for it (NAKKSHA_TEST_PG_DIR names another
# parent folder). Every test clones the 15 MB template (a file per relation and fork, ~800 relations) and drops
# it: on ext4 that was 0.4-0.6 s of the kernel's CPU per test (creating and removing files, not the disk: fsync is
# off), most of what a test cost; on tmpfs about 0.05 s. A cluster needs about a quarter of a GB there (its WAL is
# bounded by max_wal_size below). A session killed outright leaves its folder behind, as under /tmp before.
MEMORY_DIRS = ("/dev/shm",)
MEMORY_NEEDED = 2 * 1024**3  # free bytes a memory folder must have (two workers' clusters and margin) to be used


def cluster_parent() -> str | None:
    """Where the session's cluster goes: NAKKSHA_TEST_PG_DIR, else a tmpfs with room, else the temp folder."""
    if os.environ.get("NAKKSHA_TEST_PG_DIR"):
        return os.environ["NAKKSHA_TEST_PG_DIR"]
    for folder in MEMORY_DIRS:
        try:
            stat = os.statvfs(folder)
        except OSError:
            continue
        if os.access(folder, os.W_OK) and stat.f_bavail * stat.f_frsize >= MEMORY_NEEDED:
            return folder
    return None


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    data_dir = Path(tempfile.mkdtemp(prefix="nkpg-", dir=cluster_parent()))
    server = start_embedded(data_dir / "d", cleanup_mode="delete")
    base = server.get_uri()
    with psycopg.connect(base, autocommit=True) as conn:
        # A throwaway cluster: nothing in it must survive a crash of the machine, so it never waits for the disk
        # (every test creates and drops a database and commits dozens of times; with fsync on, the suite spent a
        # large share of its time in fsync). Its WAL is kept small (it may be in memory; every clone of the
        # template writes 15 MB of it). Reloadable settings, so no restart.
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off",
                        "max_wal_size = '160MB'", "min_wal_size = '32MB'"):
            conn.execute(f"alter system set {setting}")
        conn.execute("select pg_reload_conf()")
        conn.execute(f"create database {TEMPLATE}")
    migrate(with_database(base, TEMPLATE), dump=False)
    yield PgServer(base, data_dir)
    server.cleanup()
    shutil.rmtree(data_dir, ignore_errors=True)


def create_database(pg: PgServer, template: str = TEMPLATE) -> TestDatabase:
    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(pg.server_url, autocommit=True) as conn:
        conn.execute(f"create database {name} template {template} owner {ROLE_OWNER}")
    return TestDatabase(name, pg.url(name))


def drop_database(pg: PgServer, name: str) -> None:
    with psycopg.connect(pg.server_url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


@pytest.fixture
def db(pg_server: PgServer) -> TestDatabase:
    database = create_database(pg_server)
    yield database
    drop_database(pg_server, database.name)


@pytest.fixture
def empty_db(pg_server: PgServer) -> TestDatabase:
    """A database with nothing in it (for migration round trips)."""
    name = "e_" + uuid.uuid4().hex[:16]
    with psycopg.connect(pg_server.server_url, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    yield TestDatabase(name, pg_server.url(name))
    drop_database(pg_server, name)

@pytest.fixture
def clear_of_window_edge() -> None:
    """Rate limits count in fixed windows (900 s and 3,600 s, and minutes inside them): a test that fills a bucket
    and expects the next request refused fails if a window ends between the two. Start it at least 60 s before
    the next quarter hour (waiting at most that long, 1 run in 15): no test here fills a bucket for longer."""
    left = 900 - time.time() % 900
    if left < 60:
        time.sleep(left + 0.5)


# The fake calendar providers' fixtures (cal, calendar_env, calendar_app), for any test that asks for them.
pytest_plugins = ["tests.calendar_fixtures"]

# Test: pytest tests/
