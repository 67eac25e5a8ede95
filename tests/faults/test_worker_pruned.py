# tests/faults/test_worker_pruned.py — a worker that was paused (its heartbeat late) while another one started keeps running and sends the next email; it never dies on procrastinate_jobs_worker_id_fkey.
"""Issue 16: "the job worker that `nakksha serve` starts died at start-up with ForeignKeyViolation …
procrastinate_jobs_worker_id_fkey while the web app kept serving, so no email went out for the whole run". A
starting worker deletes the rows of workers whose heartbeat is older than its stalled_worker_timeout (Procrastinate's
default: 30 s); a live worker that had been silent that long (paused here with SIGSTOP, as a busy machine, a
database restart or an orphan of an earlier run would) then fetched with a deleted id and died. Two real
`nakksha worker` processes: the paused one serves the emails queue only, the starting one the maintenance queue."""
from __future__ import annotations

import signal
import time

import psycopg
import pytest

from tests.faults.conftest import process_log, start_worker, stop
from tests.jobs.test_resend import FakeResend


def wait(condition, seconds: float, what) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what()
        time.sleep(0.1)


# 45 s: past Procrastinate's 30 s default but inside our stall threshold (60 s), so no longer pruned at all;
# 5 minutes: pruned, and registered again by its next fetch.
@pytest.mark.parametrize("silent_for", ["45 seconds", "5 minutes"])
def test_a_worker_silent_while_another_starts_sends_the_next_email(db, tmp_path, silent_for):
    resend = FakeResend()
    env = {"RESEND_API_KEY": "re_test_key", "RESEND_API_URL": resend.url, "LOG_LEVEL": "WARNING"}
    logs = lambda: process_log(tmp_path, "worker")  # noqa: E731
    with psycopg.connect(db.url("owner"), autocommit=True) as conn:
        paused = start_worker(tmp_path, db.admin_url, "paused", "--queue", "emails", **env)
        starting = None
        try:
            wait(lambda: conn.execute("select count(*) from procrastinate_workers").fetchone()[0] == 1, 60,
                 lambda: "the first worker did not register\n" + logs())
            first_id = conn.execute("select id from procrastinate_workers").fetchone()[0]
            paused.send_signal(signal.SIGSTOP)
            conn.execute(f"update procrastinate_workers set last_heartbeat = now() - interval '{silent_for}'")
            starting = start_worker(tmp_path, db.admin_url, "starting", "--queue", "maintenance", **env)
            wait(lambda: conn.execute("select count(*) from procrastinate_workers where id > %s",
                                      (first_id,)).fetchone()[0] == 1, 60,
                 lambda: "the second worker did not register\n" + logs())
            # The starting worker prunes only past our stall threshold (NAKKSHA_STALLED_AFTER_SECONDS, 60 s), the
            # same silence after which retry_stalled_jobs takes a worker's jobs back: not at Procrastinate's 30 s.
            kept = conn.execute("select count(*) from procrastinate_workers where id = %s", (first_id,)).fetchone()[0]
            assert kept == (1 if silent_for == "45 seconds" else 0), (silent_for, kept)
            paused.send_signal(signal.SIGCONT)
            log_id = conn.execute("select app_private.queue_email('verify_email', 'late@example.com', 'Late', "
                                  "'{\"verify_url\": \"https://x.test/v\", \"valid_hours\": 24}')").fetchone()[0]
            wait(lambda: conn.execute("select status from app.email_logs where id = %s", (log_id,)).fetchone()[0]
                 == "sent", 60, lambda: f"the paused worker did not send (exit {paused.poll()})\n" + logs())
            assert paused.poll() is None, logs()
            assert "ForeignKeyViolation" not in logs() and "worker_id_fkey" not in logs()
            # Registered (again) and heartbeating: what /readyz counts.
            assert conn.execute("select now() - last_heartbeat < interval '15 seconds' from procrastinate_workers "
                                "where id = %s", (first_id,)).fetchone() == (True,)
        finally:
            if paused.poll() is None:
                paused.send_signal(signal.SIGCONT)
            stop(paused)
            if starting is not None:
                stop(starting)
            resend.server.shutdown()

# Test: pytest tests/faults/test_worker_pruned.py
