# tests/meta/test_processes.py — several processes on one database: `nakksha serve --workers 2 --no-worker` beside two `nakksha worker`s.
"""What running beyond one process needs, observed from outside as an operator would: both app processes
accept and answer requests (which process holds which client connection is read from /proc: the app does not
expose its pid), queued jobs are run exactly once across the two workers, a booking made through the app gets
its confirmation emails from the workers, and every process stops cleanly on SIGINT or SIGTERM."""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psycopg

from app.adapters.payments import checkout_signature, derived_secret, razorpay_id
from tests.meta.test_cli import NAKKSHA, cli_env, free_port, wait_for

EMAILS = 24
CONNECTIONS = 24


def children_of(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:["):-1]))
    return inodes


def accepted_connections(port: int) -> set[int]:
    """Inodes of the server side of established TCP connections on the app's port."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "01":
                inodes.add(int(f[9]))
    return inodes


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited child reparented to an init that has not reaped it yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:160]
    except OSError:
        return "?"


def start(env: dict, *args: str, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen([*NAKKSHA, *args], env=env, stdout=out, stderr=subprocess.STDOUT)


def test_two_app_processes_and_two_workers_share_one_database(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    assert subprocess.run([*NAKKSHA, "seed-demo"], env=env, capture_output=True, timeout=60).returncode == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = start({**env, "LOG_LEVEL": "INFO"}, "serve", "--workers", "2", "--no-worker", "--port", str(port),
                  log=tmp_path / "serve.log")  # INFO: each request's access line
    workers = [start(env, "worker", log=tmp_path / f"worker{i}.log") for i in (1, 2)]
    procs = [serve, *workers]

    def logs() -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(tmp_path.glob("*.log")))

    try:
        assert wait_for(f"{base}/healthz").status_code == 200, logs()
        deadline = time.monotonic() + 60  # ready once a worker (started alongside) has sent a heartbeat
        while httpx.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() < deadline, logs()
            time.sleep(0.2)
        # Both workers registered with Procrastinate before any job is queued, so either may take each one.
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while conn.execute("select count(*) from procrastinate_workers").fetchone()[0] < 2:
                assert time.monotonic() < deadline, "the two workers did not register\n" + logs()
                time.sleep(0.2)

        # 1. Both app processes serve: keep-alive connections, one at a time, each answered; then read which
        #    process holds the server side of each (a worker that wakes first accepts, so both get some).
        #    The kernel does not promise to spread accepts, so open connections in batches until both
        #    processes hold some (CONNECTIONS at first, up to ten times that).
        clients: list[httpx.Client] = []
        app_pids = children_of(serve.pid)
        try:
            while True:
                batch = [httpx.Client(base_url=base, timeout=10) for _ in range(CONNECTIONS)]
                clients += batch
                for c in batch:
                    assert c.get("/readyz").status_code == 200
                    time.sleep(0.02)
                held = accepted_connections(port)
                per_process = {pid: len(socket_inodes(pid) & held) for pid in app_pids}
                if sum(1 for n in per_process.values() if n) >= 2 or len(clients) >= 10 * CONNECTIONS:
                    break
            for c in clients:  # every connection is still served after the count
                assert c.get("/api/v1/public/consultants/demo").status_code == 200
            # Both processes write the access log with each request's id (uvicorn's spawned workers once wrote none).
            sent = [f"processes-{i:04d}-log" for i in range(len(clients))]
            for c, rid in zip(clients, sent, strict=True):
                assert c.get("/healthz", headers={"X-Request-ID": rid}).headers["x-request-id"] == rid
        finally:
            for c in clients:
                c.close()
        serving = {pid: n for pid, n in per_process.items() if n}
        # (serve's own supervisor process holds none; connections of an earlier batch may have been closed
        # by the keep-alive timeout, and were reopened for the second round of requests above.)
        assert len(serving) == 2 and 0 < sum(serving.values()) <= len(clients), per_process
        deadline = time.monotonic() + 10
        while not all(f"[{rid}] nakksha.http: GET /healthz 200" in (tmp_path / "serve.log").read_text() for rid in sent):
            assert time.monotonic() < deadline, "an app process logged no access line\n" + logs()
            time.sleep(0.2)

        # 2. Jobs queued in SQL run exactly once across the two workers.
        with psycopg.connect(db.url("owner"), autocommit=True) as conn:
            ids = [conn.execute("select app_private.queue_email('verify_email', %s, 'W', "
                                "'{\"verify_url\": \"https://x.test/v\", \"valid_hours\": 24}')",
                                (f"w{i}@example.com",)).fetchone()[0] for i in range(EMAILS)]
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while conn.execute("select count(*) from app.email_logs where id = any(%s) and status = 'sent'",
                               (ids,)).fetchone()[0] < EMAILS:
                assert time.monotonic() < deadline, "the workers did not send every queued email\n" + logs()
                time.sleep(0.2)
            outbox = conn.execute("select email_log_id, count(*) from app.email_outbox where email_log_id = any(%s) "
                                  "group by 1", (ids,)).fetchall()
            assert len(outbox) == EMAILS and all(n == 1 for _, n in outbox)
            # A job is marked succeeded just after its task committed the mail as sent: wait for that too (CI
            # once read one job still 'doing' the moment after the last mail was sent).
            while True:
                jobs = conn.execute("select status::text, attempts, worker_id from procrastinate_jobs "
                                    "where task_name = 'send_email' and args->>'email_log_id' = any(%s)",
                                    ([str(i) for i in ids],)).fetchall()
                if all(s not in ("todo", "doing") for s, _, _ in jobs) or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert len(jobs) == EMAILS and {(s, a) for s, a, _ in jobs} == {("succeeded", 1)}, jobs
            registered = {w for (w,) in conn.execute("select id from procrastinate_workers").fetchall()}
            by_worker = {w for _, _, w in jobs}
            print("send_email jobs per worker:", dict(collections.Counter(w for _, _, w in jobs)))
            assert by_worker <= registered and len(by_worker) >= 1, (by_worker, registered)

        # 3. A paid booking through the app (local gateway), confirmed by verify: its emails go out via the workers.
        http = httpx.Client(base_url=base, timeout=30)
        slot = http.get("/api/v1/public/consultants/demo/slots", params={"type": "personal"}).json()["items"][0]
        booked = http.post("/api/v1/public/consultants/demo/bookings", json={
            "slot_id": slot["slot_id"], "session_type": "personal",
            "client": {"name": "Multi Process", "email": "mp@example.com"}})
        assert booked.status_code == 201, booked.text
        order_id = booked.json()["checkout"]["order_id"]
        with psycopg.connect(db.url("app")) as conn:  # the client pays at the local gateway
            payment = conn.execute("select dev.local_gateway_pay(%s, %s, 'success', 'upi')",
                                   (order_id, razorpay_id("pay"))).fetchone()[0]
            conn.commit()
        secret = derived_secret(os.environ["DATA_ENCRYPTION_KEY"], "key secret")
        verified = http.post("/api/v1/payments/verify", json={
            "razorpay_order_id": order_id, "razorpay_payment_id": payment["id"],
            "razorpay_signature": checkout_signature(order_id, payment["id"], secret)})
        http.close()
        assert verified.status_code == 200 and verified.json()["status"] == "confirmed", verified.text
        session_id = booked.json()["session_id"]
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while True:
                mails = conn.execute("select email_type, recipient_email::text, status from app.email_logs "
                                     "where session_id = %s", (session_id,)).fetchall()
                if mails and all(s == "sent" for _, _, s in mails):
                    break
                assert time.monotonic() < deadline, f"booking emails not sent: {mails}\n" + logs()
                time.sleep(0.2)
        assert ("session_confirmation", "mp@example.com") in {(t, r) for t, r, _ in mails}, mails

        # 4. Clean shutdown: the app on SIGTERM, one worker on SIGINT and the other on SIGTERM.
        app_pids = children_of(serve.pid)
        names = {pid: cmdline(pid) for pid in app_pids}
        serve.send_signal(signal.SIGTERM)
        workers[0].send_signal(signal.SIGINT)
        workers[1].send_signal(signal.SIGTERM)
        codes = [p.wait(timeout=30) for p in procs]
        assert codes == [0, 0, 0], f"exit codes {codes}\n" + logs()
        deadline = time.monotonic() + 10
        while (alive := [pid for pid in app_pids if running(pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive, f"processes of serve outlived it: {alive} {names}"
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            assert conn.execute("select count(*) from procrastinate_workers").fetchone()[0] == 0
            deadline = time.monotonic() + 10  # backends of exited processes take a moment to go
            while (left := conn.execute("select count(*) from pg_stat_activity where datname = current_database() "
                                        "and pid <> pg_backend_pid()").fetchone()[0]) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert left == 0, f"{left} connections left open"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)

# Test: pytest tests/meta/test_processes.py
