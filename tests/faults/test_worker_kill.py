# tests/faults/test_worker_kill.py — a worker SIGKILLed while sending mail: another worker retries the stalled jobs and each email reaches the provider once.
from __future__ import annotations

import re
import signal
import time

import psycopg

from tests.faults.conftest import process_log, start_worker, stop
from tests.jobs.test_resend import FakeResend

EMAILS = 24
# A heartbeat comes every 10 s; a worker silent for 15 s is dead. Look every 3 s (the default is every minute
# for a minute's silence); that is what keeps this test short.
STALL_ENV = {"NAKKSHA_STALLED_AFTER_SECONDS": "15", "NAKKSHA_STALLED_CHECK_CRON": "* * * * * */3"}


def wait(condition, seconds: float, what) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what()
        time.sleep(0.1)


def test_mail_of_a_killed_worker_is_sent_once_by_another(db, tmp_path):
    resend = FakeResend()
    resend.delay = 0.6  # a slow provider: the kill lands with sends in flight
    env = {"RESEND_API_KEY": "re_test_key", "RESEND_API_URL": resend.url, "LOG_LEVEL": "WARNING", **STALL_ENV}
    with psycopg.connect(db.url("owner"), autocommit=True) as conn:
        logs = [conn.execute("select app_private.queue_email('verify_email', %s, 'Reader', %s)",
                             (f"reader{i}@example.com",
                              '{"verify_url": "https://x.test/v", "valid_hours": 24}')).fetchone()[0]
                for i in range(EMAILS)]
        keys = dict(conn.execute("select id, idempotency_key from app.email_logs").fetchall())
        first = start_worker(tmp_path, db.admin_url, "first", "--concurrency", "4", **env)
        second = None
        try:
            wait(lambda: len(resend.requests) >= 6, 60, lambda: "the first worker sent nothing:\n" + process_log(tmp_path, "worker"))
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            killed = [r[0] for r in conn.execute(
                "select id from procrastinate_jobs where task_name = 'send_email' and status = 'doing'").fetchall()]
            unsent = conn.execute("select count(*) from app.email_logs where status = 'queued'").fetchone()[0]
            assert killed and unsent > len(killed), (killed, unsent)  # mid-batch: some in flight, more waiting

            second = start_worker(tmp_path, db.admin_url, "second", "--concurrency", "4", **env)

            def all_sent() -> bool:
                return conn.execute("select count(*) from app.email_logs where status = 'sent'").fetchone()[0] == EMAILS

            def killed_jobs() -> dict:
                return dict(conn.execute("select id, status::text from procrastinate_jobs where id = any(%s)",
                                         (killed,)).fetchall())

            wait(all_sent, 90, lambda: "not every email was sent after the kill:\n" + process_log(tmp_path, "worker"))
            # A send the killed worker finished (its email marked sent) still leaves its job `doing` until the
            # stall check puts it back and the other worker runs it again (a no-op for a sent email).
            wait(lambda: set(killed_jobs().values()) <= {"succeeded", "failed"}, 60,
                 lambda: f"the killed worker's jobs were not taken over: {killed_jobs()}\n"
                         + process_log(tmp_path, "worker"))
            statuses = killed_jobs()
        finally:
            for proc in (first, second):
                if proc is not None:
                    stop(proc)
            resend.server.shutdown()

    # The jobs the dead worker held were put back by the periodic recovery and done by the other worker.
    assert set(statuses.values()) == {"succeeded"}, statuses
    requeued = {int(i) for i in re.findall(r"re-queueing stalled job (\d+)", process_log(tmp_path, "worker-second"))}
    assert set(killed) <= requeued, (killed, requeued)
    # Each email reached the provider under its own key, and the provider delivered each exactly once:
    # a repeat of a send the kill interrupted carried the same key, so Resend (the fake) took it as the same email.
    assert {r["key"] for r in resend.requests} == {keys[i] for i in logs}
    assert len(resend.ids) == EMAILS
    sent_to = sorted(r["body"]["to"][0] for r in resend.requests)
    assert sorted(set(sent_to)) == sorted(f"Reader <reader{i}@example.com>" for i in range(EMAILS))

# Test: pytest tests/faults/test_worker_kill.py
