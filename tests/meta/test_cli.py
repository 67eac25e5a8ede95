# tests/meta/test_cli.py — the `nakksha` command as a user runs it: help, create-admin, seed-demo, db-url, serve with a worker.
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from app.bulk_seed import chunks, seed
from app.database import pg_bin_dir

NAKKSHA = [sys.executable, "-m", "app.cli"]
COMMANDS = ["serve", "worker", "migrate", "db-url", "create-admin", "approve-consultant", "seed-demo", "refresh-views"]


def cli_env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL", "WORKER_DATABASE_URL")}
    # Development, as `make run` asks for it (the default is production, which needs real providers' keys).
    env.update(NAKKSHA_DATA_DIR=str(tmp_path / "data"), BCRYPT_ROUNDS="4", LOG_LEVEL="WARNING",
               NAKKSHA_ENV="development")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def nakksha(env: dict, *args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*NAKKSHA, *args], env=env, capture_output=True, text=True, input=stdin, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60, proc: subprocess.Popen | None = None) -> httpx.Response:
    """The first answer from url; with proc, fail at once (with its output) if the server exits first, so a
    crash is told apart from a slow start on a loaded machine."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"the server exited ({proc.returncode}) before answering:\n"
                                     f"{proc.communicate()[0]}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
            time.sleep(0.2)


def test_every_command_has_help(tmp_path):
    env = cli_env(tmp_path, None)
    top = nakksha(env, "--help")
    assert top.returncode == 0
    for command in COMMANDS:
        assert command in top.stdout
        done = nakksha(env, command, "--help")
        assert done.returncode == 0 and "usage: nakksha " + command in done.stdout, done.stderr


def test_create_admin_from_arguments_and_from_stdin(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    done = nakksha(env, "create-admin", "--email", " Root@Example.com ", "--name", "Root", "--password",
                   "a-long-password-1", "--role", "super_admin")
    assert done.returncode == 0, done.stderr
    again = nakksha(env, "create-admin", "--email", "root@example.com", "--name", "Root", "--password", "another-password")
    assert again.returncode == 1 and "already exists" in again.stderr
    short = nakksha(env, "create-admin", "--email", "x@example.com", "--name", "X", "--password", "short")
    assert short.returncode == 2 and "at least 10" in short.stderr
    piped = nakksha(env, "create-admin", "--email", "ops@example.com", "--name", "Ops", "--as", "root@example.com",
                    stdin="piped-password-123\n")
    assert piped.returncode == 0, piped.stderr
    # No --role: a plain admin, and the command says what such an admin cannot do (and how to get a super admin).
    assert "ops@example.com is a plain admin. Only a super admin adds or deactivates admins, edits email templates " \
           "and changes platform settings" in piped.stdout
    assert "--role super_admin" in piped.stdout
    assert "plain admin" not in done.stdout  # asked for by name: nothing to explain
    with psycopg.connect(db.url("owner")) as conn:
        admins = dict(conn.execute("select email::text, role from app.admins").fetchall())
        assert admins == {"root@example.com": "super_admin", "ops@example.com": "admin"}
        audit = conn.execute("select a.email::text, l.actor_label, l.db_user from app.admin_audit_log l "
                             "left join app.admins a on a.id = l.admin_id order by l.id").fetchall()
        assert audit[0][0] is None and audit[0][1] == "cli:create-admin" and audit[0][2] == "postgres"
        assert audit[1][0] == "root@example.com"
        hashed = conn.execute("select password_hash from app.admins where email = 'ops@example.com'").fetchone()[0]
    assert hashed.startswith("$2b$") and "piped-password-123" not in hashed


def test_approve_consultant_from_the_shell_is_audited(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    assert nakksha(env, "create-admin", "--email", "boss@example.com", "--name", "Boss", "--password",
                   "a-long-password-1").returncode == 0
    with psycopg.connect(db.url("owner")) as conn:
        for email, verified in (("p1@example.com", True), ("p2@example.com", True), ("p3@example.com", False)):
            conn.execute("insert into app.consultants (email, first_name, last_name, slug, is_email_verified, "
                         "email_verified_at) values (%s, 'P', 'Q', %s, %s, case when %s then now() end)",
                         (email, "pending-" + email.split("@")[0], verified, verified))
        conn.commit()
    unconfirmed = nakksha(env, "approve-consultant", "p3@example.com")
    assert unconfirmed.returncode == 1 and unconfirmed.stderr.strip() == (
        "Refused: email_unverified: p3@example.com has not confirmed their email address yet; approve them once they "
        "have (they can send themselves a new link).")
    plain = nakksha(env, "approve-consultant", "P1@example.com")
    assert plain.returncode == 0 and "approved p1@example.com" in plain.stdout, plain.stderr
    named = nakksha(env, "approve-consultant", "p2@example.com", "--as", "boss@example.com")
    assert named.returncode == 0, named.stderr
    again = nakksha(env, "approve-consultant", "p2@example.com")
    assert again.returncode == 1 and "invalid_transition" in again.stderr
    missing = nakksha(env, "approve-consultant", "nobody@example.com")
    assert missing.returncode == 1 and "No consultant" in missing.stderr
    with psycopg.connect(db.url("owner")) as conn:
        rows = conn.execute("select c.email::text, l.actor_label, a.email::text, l.db_user from app.admin_audit_log l "
                            "join app.consultants c on c.id = l.target_id left join app.admins a on a.id = l.admin_id "
                            "where l.action = 'consultant.approve' order by l.id").fetchall()
        statuses = conn.execute("select approval_status from app.consultants where is_email_verified").fetchall()
        mails = conn.execute("select count(*) from app.email_logs where email_type = 'account_approved'").fetchone()[0]
    assert rows == [("p1@example.com", "cli:approve-consultant", None, "postgres"),
                    ("p2@example.com", None, "boss@example.com", "postgres")]
    assert {s for (s,) in statuses} == {"approved"} and mails == 2


def test_seed_demo_only_into_an_empty_database(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    first = nakksha(env, "seed-demo")
    assert first.returncode == 0, first.stderr
    assert "demo@nakksha.in" in first.stdout and "/demo" in first.stdout
    with psycopg.connect(db.url("owner")) as conn:
        row = conn.execute("select approval_status, slug, personal_session_price from app.consultants").fetchone()
        assert row[:2] == ("approved", "demo") and row[2] > 0
        rules = conn.execute("select count(*) from app.availability_rules").fetchone()[0]
        # Slots up to the booking horizon, exactly what the daily roll-forward keeps (it changes nothing after);
        # the past ones are the demo history's webinars.
        slots = conn.execute("select count(*), min(starts_at) > now(), max(starts_at) <= now() + "
                             "make_interval(days => (select max_days_ahead + 1 from app.consultants)), "
                             "count(*) filter (where starts_at < now() + interval '7 days') "
                             "from app.availability_slots where starts_at > now()").fetchone()
        history = conn.execute("select count(*) filter (where starts_at < now()), count(*) filter (where starts_at > now()), "
                               "min(starts_at) < now() - interval '80 days' from app.sessions").fetchone()
        assert conn.execute("select api.rematerialise_consultant_slots(id) from app.consultants").fetchone()[0] == 0
    assert rules >= 5 and slots[0] > 10 and slots[1] and slots[2]
    assert f"({slots[3]} slots this week)" in first.stdout
    assert history[0] > 100 and history[1] >= 1 and history[2], history  # 90 days of practice, and this week
    second = nakksha(env, "seed-demo")
    assert second.returncode == 0 and "nothing seeded" in second.stdout
    with psycopg.connect(db.url("owner")) as conn:
        assert conn.execute("select count(*) from app.consultants").fetchone()[0] == 1


def test_refresh_views_refreshes_the_dashboard_views_on_demand(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    assert nakksha(env, "seed-demo").returncode == 0
    done = nakksha(env, "refresh-views")
    assert done.returncode == 0, done.stderr
    assert "refreshed analytics.consultant_dashboard_stats" in done.stdout and "daily_analytics" in done.stdout
    with psycopg.connect(db.url("owner")) as conn:
        assert conn.execute("select count(*) from analytics.consultant_dashboard_stats").fetchone()[0] == 1
        assert conn.execute("select refreshed_at > now() - interval '1 minute' from app.view_refreshes "
                            "where view_name = 'analytics.consultant_dashboard_stats'").fetchone()[0]


def test_seed_demo_at_scale_loads_history_with_its_derived_data(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    done = nakksha(env, "seed-demo", "--scale", "3", "--sessions", "40")
    assert done.returncode == 0, done.stderr
    assert "seed: sessions" in done.stdout and "rows/s" in done.stdout and "100%" in done.stdout
    with psycopg.connect(db.url("owner")) as conn:
        assert conn.execute("select count(*) from app.consultants where approval_status = 'approved'").fetchone()[0] == 3
        assert conn.execute("select count(*) from app.sessions").fetchone()[0] == 120
        stored, truth = conn.execute(
            "select (select sum(total_sessions + abandoned_sessions) from app.daily_analytics), "
            "(select count(*) from app.sessions)").fetchone()
        assert stored == truth
        assert conn.execute("select count(*) from app.analytics_dirty").fetchone()[0] == 0


def test_seed_demo_at_scale_with_slots_stores_exactly_what_the_roll_forward_makes(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    done = nakksha(env, "seed-demo", "--scale", "3", "--sessions", "10", "--slots")
    assert done.returncode == 0, done.stderr
    assert "availability slots, a year (--slots)" in done.stdout
    with psycopg.connect(db.url("owner")) as conn:
        before = conn.execute("select id, consultant_id, session_type, starts_at, ends_at, capacity, rule_id, date, "
                              "start_time, end_time from app.availability_slots order by id").fetchall()
        per = conn.execute("select count(*), min(max_days_ahead) from app.consultants c join app.availability_slots s "
                           "on s.consultant_id = c.id group by c.id").fetchall()
        assert len(per) == 3 and all(n > 600 and horizon == 365 for n, horizon in per), per
        # The roll-forward, run now, finds nothing to add or remove and keeps every slot's id.
        assert [r[0] for r in conn.execute(
            "select api.rematerialise_consultant_slots(id) from app.consultants order by id")] == [0, 0, 0]
        # The local columns are what the insert trigger derives (re-deriving them changes nothing).
        conn.execute("update app.availability_slots set starts_at = starts_at")
        after = conn.execute("select id, consultant_id, session_type, starts_at, ends_at, capacity, rule_id, date, "
                             "start_time, end_time from app.availability_slots order by id").fetchall()
        conn.rollback()
    assert after == before


def test_the_bulk_load_in_chunks_keeps_every_derived_row_and_shows_its_progress(db):
    assert chunks([40, 40, 40, 100, 5], 90) == [(0, [40, 40]), (2, [40]), (3, [100]), (4, [5])]
    assert chunks([], 10) == []
    out = io.StringIO()
    with psycopg.connect(db.admin_url) as conn:
        ids = seed(conn, 5, [40, 40, 40, 100, 5], prefix="chunked", chunk_sessions=90, out=out)
    bars = [line for line in out.getvalue().splitlines() if "[" in line and "sessions" in line]
    assert [b.split("%")[0].rsplit(" ", 1)[-1] for b in bars] == ["35", "53", "97", "100"], bars
    assert "daily analytics" in out.getvalue() and "total stored (base + derived rows)" in out.getvalue()
    with psycopg.connect(db.url("owner")) as conn:
        assert len(set(ids)) == 5 and conn.execute("select count(*) from app.sessions").fetchone()[0] == 225
        assert conn.execute("select count(distinct slug) from app.consultants").fetchone()[0] == 5
        # What the triggers would have kept: client totals and daily_analytics match the base rows.
        assert conn.execute("""select count(*) from app.clients c where total_sessions <> (
                                 select count(*) from app.sessions s where s.client_id = c.id
                                 and s.status in ('confirmed', 'completed', 'no_show'))""").fetchone()[0] == 0
        stored, truth = conn.execute(
            "select (select sum(total_sessions + abandoned_sessions) from app.daily_analytics), "
            "(select count(*) from app.sessions)").fetchone()
        assert stored == truth
        assert conn.execute("select count(*) from app.analytics_dirty").fetchone()[0] == 0


def test_serve_with_only_the_app_roles_url_never_needs_the_superuser(db, tmp_path):
    """compose.yaml's app service: APP_DATABASE_URL alone, no DATABASE_URL (and so no embedded server)."""
    env = {**cli_env(tmp_path, None), "APP_DATABASE_URL": db.url("app")}
    port = free_port()
    proc = subprocess.Popen([*NAKKSHA, "serve", "--no-worker", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        # Reachable and migrated; not ready until a job worker (run elsewhere with --no-worker) sends a heartbeat.
        r = httpx.get(f"http://127.0.0.1:{port}/readyz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "no_worker", r.text
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            conn.execute("insert into procrastinate_workers default values")
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/pricing").status_code == 200  # plans, read from the database
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert not list((tmp_path / "data").rglob("PG_VERSION")), "an embedded server was started"


def test_a_worker_given_only_the_apps_url_logs_in_as_the_worker_role(db, tmp_path):
    """A deployment whose processes never hold the superuser's URL (APP_DATABASE_URL alone, as compose.yaml had it
    before WORKER_DATABASE_URL): the worker takes that server and database as nakksha_worker, and starts no
    embedded server of its own (an outside review found it starting one and failing for ever)."""
    from app.config import Settings
    from app.database import Database

    settings = Settings.from_env({"APP_DATABASE_URL": db.url("app"), "NAKKSHA_DATA_DIR": str(tmp_path / "data")})
    url = Database(settings).worker_url()
    psql = subprocess.run([str(pg_bin_dir() / "psql"), url, "-Atc", "select current_user, current_database()"],
                          capture_output=True, text=True)
    assert psql.stdout.strip() == f"nakksha_worker|{db.name}", psql.stderr
    assert not (tmp_path / "data").exists(), "an embedded server was started"


def test_db_url_prints_a_url_psql_can_use(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    done = nakksha(env, "db-url")
    assert done.returncode == 0 and done.stdout.strip() == db.admin_url
    for role in ("app", "worker"):
        url = nakksha(env, "db-url", "--role", role).stdout.strip()
        psql = subprocess.run([str(pg_bin_dir() / "psql"), url, "-Atc", "select current_user"],
                              capture_output=True, text=True)
        assert psql.stdout.strip() == f"nakksha_{role}", psql.stderr
    missing = nakksha(cli_env(tmp_path, None), "db-url")
    assert missing.returncode == 1 and "make run" in missing.stderr


def test_serve_runs_the_app_and_a_worker(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    port = free_port()
    proc = subprocess.Popen([*NAKKSHA, "serve", "--port", str(port), "--migrate", "--seed-demo"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        deadline = time.monotonic() + 60  # ready once the worker started beside it sends its first heartbeat
        while (r := httpx.get(f"http://127.0.0.1:{port}/readyz")).status_code != 200:
            assert time.monotonic() < deadline, r.text
            time.sleep(0.2)
        # The worker started beside the app sends what is queued.
        with psycopg.connect(db.url("owner"), autocommit=True) as conn:
            log_id = conn.execute("select app_private.queue_email('verify_email', 'w@example.com', 'W', "
                                  "'{\"verify_url\": \"https://x.test/v\", \"valid_hours\": 24}')").fetchone()[0]
            deadline = time.monotonic() + 30
            while conn.execute("select status from app.email_logs where id = %s", (log_id,)).fetchone()[0] != "sent":
                assert time.monotonic() < deadline, "the worker did not send the queued email"
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert "Demo consultant: demo@nakksha.in" in out
    # --port says where links point when PUBLIC_BASE_URL is not set (an outside review found them at :8000).
    assert f"Public page:     http://127.0.0.1:{port}/" in out
    assert proc.returncode == 0, out


def test_serve_with_the_embedded_database_and_db_url_alongside(tmp_path):
    """`make run` on a fresh machine: no DATABASE_URL, an embedded server under the data dir, kept while
    serving, reachable through `nakksha db-url`, stopped when serve exits."""
    env = cli_env(tmp_path, None)
    port = free_port()
    proc = subprocess.Popen([*NAKKSHA, "serve", "--port", str(port), "--migrate", "--seed-demo", "--no-worker"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # initdb + migrate + seed: minutes on a machine shared with other test processes
        assert wait_for(f"http://127.0.0.1:{port}/healthz", seconds=240, proc=proc).status_code == 200
        url = nakksha(env, "db-url").stdout.strip()
        assert url.startswith("postgresql://") and str(tmp_path / "data") in url
        psql = subprocess.run([str(pg_bin_dir() / "psql"), url, "-Atc", "select slug from app.consultants"],
                              capture_output=True, text=True)
        assert psql.stdout.strip() == "demo", psql.stderr
        # db-url attached to the server; it must not have stopped it on exit (ready but for a job worker).
        r = httpx.get(f"http://127.0.0.1:{port}/readyz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "no_worker", r.text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    assert not (tmp_path / "data" / "pg" / "postmaster.pid").exists(), "the embedded server was left running"


def test_the_multi_worker_listener_is_a_tcp_socket():
    """With TCP_NODELAY off every keep-alive answer waits for a delayed ACK (uvicorn #3149)."""
    import socket

    import uvicorn

    from app.cli import tcp_listener_fix

    tcp_listener_fix()
    tcp_listener_fix()  # idempotent
    config = uvicorn.Config("app.main:create_app", host="127.0.0.1", port=free_port(), workers=2)
    sock = config.bind_socket()
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()

# Test: pytest tests/meta/test_cli.py
