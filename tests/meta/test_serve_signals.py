# tests/meta/test_serve_signals.py — `nakksha serve` stops everything it started on SIGTERM or SIGINT, and keeps its job worker running while it serves.
"""Issue 16: `kill -TERM` on serve left its worker and the embedded PostgreSQL running (uvicorn re-raises the
signal after its own shutdown, so serve's clean-up never ran); a worker that died left an app serving whose jobs
never ran. Real processes, observed from outside as an operator would: /proc for the process tree, the embedded
server's postmaster.pid, the database for the worker's registration."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.meta.test_cli import NAKKSHA, cli_env, free_port, nakksha, wait_for
from tests.meta.test_processes import children_of, cmdline, running


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = children_of(todo.pop())
        out += kids
        todo += kids
    return out


def postmaster(data: Path) -> int | None:
    pidfile = data / "pg" / "postmaster.pid"
    return int(pidfile.read_text().split()[0]) if pidfile.exists() else None


def until(condition, seconds: float, what) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what()
        time.sleep(0.2)


def gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (alive := [p for p in pids if running(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def workers_registered(admin_url: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return conn.execute("select count(*) from procrastinate_workers").fetchone()[0]


@pytest.mark.parametrize(("sig", "web_workers"), [(signal.SIGTERM, 1), (signal.SIGINT, 1), (signal.SIGTERM, 2)])
def test_a_signal_stops_the_worker_the_web_processes_and_the_database_serve_started(tmp_path, sig, web_workers):
    """`make run`'s set-up (embedded database, a worker): nothing of it outlives serve."""
    env = cli_env(tmp_path, None)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*NAKKSHA, "serve", "--port", str(port), "--migrate", "--workers", str(web_workers)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", seconds=120).status_code == 200, log.read_text()
        url = nakksha(env, "db-url").stdout.strip()
        until(lambda: workers_registered(url) == 1, 60, lambda: "no worker registered\n" + log.read_text())
        tree = descendants(proc.pid)
        names = {pid: cmdline(pid) for pid in tree}
        assert any("app.cli worker" in n for n in names.values()), names
        pg = postmaster(tmp_path / "data")
        assert pg and running(pg)
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
        assert code == 0, f"exit status {code}\n" + log.read_text()[-3000:]
        left = gone([*tree, pg])
        assert not left, f"outlived serve: {[(p, names.get(p, 'postgres')) for p in left]}\n" + log.read_text()[-3000:]
        assert postmaster(tmp_path / "data") is None, "the embedded server was left running"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in descendants(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_a_worker_that_dies_is_started_again_and_runs_the_jobs(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*NAKKSHA, "serve", "--port", str(port)], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/healthz").status_code == 200
        until(lambda: httpx.get(f"{base}/readyz").status_code == 200, 60, lambda: log.read_text())
        [first] = [p for p in descendants(proc.pid) if "app.cli worker" in cmdline(p)]
        os.kill(first, signal.SIGKILL)  # the worker dies (as it did on the foreign key)
        until(lambda: [p for p in descendants(proc.pid) if "app.cli worker" in cmdline(p) and p != first], 30,
              lambda: "the worker was not started again\n" + log.read_text())
        assert "exited with status -9; starting it again" in log.read_text()
        with psycopg.connect(db.url("owner"), autocommit=True) as conn:
            log_id = conn.execute("select app_private.queue_email('verify_email', 'again@example.com', 'A', "
                                  "'{\"verify_url\": \"https://x.test/v\", \"valid_hours\": 24}')").fetchone()[0]
            until(lambda: conn.execute("select status from app.email_logs where id = %s", (log_id,)).fetchone()[0]
                  == "sent", 60, lambda: "the new worker did not send\n" + log.read_text())
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode == 0


def test_a_worker_that_cannot_start_stops_serve_with_an_error(db, tmp_path):
    """Never a running app whose jobs silently never run: the worker refuses this setting at every start."""
    env = {**cli_env(tmp_path, db.admin_url), "NAKKSHA_STALLED_AFTER_SECONDS": "5"}
    port = free_port()
    done = subprocess.run([*NAKKSHA, "serve", "--port", str(port)], env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.count("NAKKSHA_STALLED_AFTER_SECONDS") >= 5 and "kept failing" in done.stderr, done.stderr


def test_a_worker_outlives_no_serve_killed_without_clean_up(db, tmp_path):
    """SIGKILL runs no clean-up at all: the worker still stops, told by the kernel."""
    env = {**cli_env(tmp_path, db.admin_url), "LOG_LEVEL": "INFO"}  # the worker's account of its stop, in the log
    port = free_port()
    log = tmp_path / "serve.log"  # the worker writes here too: its account of the stop, should it fail
    with log.open("wb") as out:
        proc = subprocess.Popen([*NAKKSHA, "serve", "--port", str(port)], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz").status_code == 200
        until(lambda: workers_registered(db.admin_url) == 1, 60, lambda: "no worker")
        tree = descendants(proc.pid)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert not gone(tree, 30), [cmdline(p) for p in tree if running(p)]
    # Its running jobs get GRACEFUL_SECONDS before they are aborted; on a loaded machine the rest of the stop (the
    # start-up's periodic jobs cancelled, the unregistering) has taken longer than the margin allowed before.
    until(lambda: workers_registered(db.admin_url) == 0, 60,
          lambda: "the worker did not unregister\n" + log.read_text()[-6000:])


def test_a_worker_stopped_the_moment_it_registers_unregisters(db, tmp_path):
    """The flake CI caught: Procrastinate installs its signal handlers one loop turn after the worker's row is
    committed, and a SIGTERM in between (serve killed just then) ended the worker with its row left behind. The
    worker's own handlers now hold from its first line: stopped the moment its row appears, it still unregisters
    and exits cleanly. The signal is sent from a tight poll, so it lands as close to the registration as an
    operator's (or the kernel's parent-death) signal can."""
    env = cli_env(tmp_path, db.admin_url)
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        for _ in range(3):
            proc = subprocess.Popen([*NAKKSHA, "worker"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            try:
                deadline = time.monotonic() + 60
                while not conn.execute("select count(*) from procrastinate_workers").fetchone()[0]:
                    assert proc.poll() is None and time.monotonic() < deadline, "the worker did not register"
                proc.send_signal(signal.SIGTERM)
                code = proc.wait(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
            assert code == 0, proc.stderr.read()[-3000:]
            assert conn.execute("select count(*) from procrastinate_workers").fetchone()[0] == 0

# Test: pytest tests/meta/test_serve_signals.py
