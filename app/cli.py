# app/cli.py — the `nakksha` command: serve, worker, migrate, db-url, create-admin, approve-consultant, seed-demo.
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import signal
import sys

import psycopg

from app.cli_accounts import cmd_approve_consultant, cmd_create_admin, refused
from app.config import ROLE_ADMIN, ROLE_ANALYST, ROLE_APP, ROLE_OWNER, ROLE_WORKER, Settings
from app.database import Database, role_url, running_embedded_url
from app.middleware import configure_logging

log = logging.getLogger("nakksha.cli")

DEMO_EMAIL = "demo@nakksha.in"
DEMO_PASSWORD = "demo-password-2026"
# How long a stopping worker lets running jobs finish before aborting them (serve waits 4 s more, then kills).
GRACEFUL_SECONDS = 8.0


def _database(settings: Settings) -> Database:
    return Database(settings)


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def refuse_unsafe_start(settings: Settings, host: str | None = None, *, worker: bool = False) -> int | None:
    """Exit status 2 with the reason on stderr when this process must not start, else None (issue 16).
    Production needs its secrets and real providers; development (its /dev/outbox shows every email, its
    /dev/checkout marks any order paid) listens on loopback only, unless NAKKSHA_ALLOW_DEV_ON_NETWORK=1."""
    from app.secrets import MIN_SECRET_LENGTH, missing_for_production, weak_for_production

    if not settings.is_development:
        missing = missing_for_production(worker=worker)
        if missing:
            print(f"nakksha: refusing to start in production (NAKKSHA_ENV={settings.env}): set "
                  f"{', '.join(missing)} in the environment. The local payment gateway and the mail outbox are "
                  "for development only; to try Nakksha on this machine, run it with NAKKSHA_ENV=development "
                  "(`make run` does).", file=sys.stderr)
            return 2
        weak = weak_for_production(worker=worker)
        if weak:
            print(f"nakksha: refusing to start in production (NAKKSHA_ENV={settings.env}): {', '.join(weak)} "
                  f"{'is' if len(weak) == 1 else 'are'} not random enough (at least {MIN_SECRET_LENGTH} characters, "
                  "not a few repeated): generate each with python3 -c 'import secrets; print(secrets.token_hex(32))'.",
                  file=sys.stderr)
            return 2
        return None
    if host is not None and not _is_loopback(host):
        if not settings.allow_dev_on_network:
            print(f"nakksha: refusing to listen on {host} in {settings.env} mode: /dev/outbox would show every "
                  "email (password resets included) and /dev/checkout would mark any order paid, to anyone who can "
                  "reach it. Listen on 127.0.0.1, use NAKKSHA_ENV=production, or set NAKKSHA_ALLOW_DEV_ON_NETWORK=1 "
                  "on a network you trust (a container on your own machine).", file=sys.stderr)
            return 2
        message = (f"WARNING: {settings.env} mode listening beyond loopback on {host} "
                   "(NAKKSHA_ALLOW_DEV_ON_NETWORK=1): /dev/outbox and /dev/checkout are open to that network.")
        print(message, file=sys.stderr, flush=True)
    return None


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from app.migrate import migrate

    db = _database(settings)
    migrate(db.admin_url(), dump=not args.no_dump)
    print("migrated")
    return 0


def seed_demo(admin_url: str, settings: Settings) -> dict | None:
    from app.passwords import hash_password
    from app.secrets import get_secret

    pepper = get_secret(settings, "PASSWORD_PEPPER")
    with psycopg.connect(admin_url) as conn:
        if conn.execute("select exists (select 1 from app.consultants)").fetchone()[0]:
            return None
        row = conn.execute("select app_private.seed_demo(%s, %s)",
                           (DEMO_EMAIL, hash_password(DEMO_PASSWORD, pepper))).fetchone()
        if row[0] is not None:
            # Photo, bank details (the checklist done, as the page is published) and the local gateway's payments.
            from app.demo_seed import finish_demo
            finish_demo(conn, row[0]["consultant_id"], settings)
        conn.commit()
        # The analysts' materialized view shows the demo's history at once, not at the worker's next refresh.
        conn.execute("select api.refresh_views()")
        conn.commit()
    return row[0]


def _print_demo(result: dict | None, settings: Settings) -> None:
    if result is None:
        print("seed-demo: the database already has consultants; nothing seeded.")
        return
    print(f"Demo consultant: {result['email']} / {DEMO_PASSWORD}")
    print(f"Public page:     {settings.public_base_url}/{result['slug']}  ({result['slots']} slots this week)")


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    db = _database(settings)
    if args.scale:
        # Benchmark data: set-based bulk load (app/bulk_seed.py prints each stage with its rows/s).
        from app.bulk_seed import seed
        try:
            with psycopg.connect(db.admin_url()) as conn:
                seed(conn, args.scale, args.sessions, prefix="scale", slots=args.slots)
        except psycopg.Error as exc:
            return refused(exc)
        return 0
    _print_demo(seed_demo(db.admin_url(), settings), settings)
    return 0


def cmd_db_url(args: argparse.Namespace, settings: Settings) -> int:
    role = {"superuser": None, "owner": ROLE_OWNER, "app": ROLE_APP, "admin": ROLE_ADMIN,
            "analyst": ROLE_ANALYST, "worker": ROLE_WORKER}[args.role]
    if settings.database_url:
        base = settings.database_url
    else:
        base = running_embedded_url(settings.data_dir)
        if base is None:
            print(f"No embedded PostgreSQL is running for {settings.data_dir}; start it with `make run` "
                  "(or set DATABASE_URL).", file=sys.stderr)
            return 1
    print(base if role is None else role_url(base, role))
    return 0


def cmd_refresh_views(args: argparse.Namespace, settings: Settings) -> int:
    """Refresh the analytics materialized views now (the job does it every five minutes)."""
    db = _database(settings)
    try:
        with psycopg.connect(db.admin_url()) as conn:
            done = conn.execute("select api.refresh_views()").fetchone()[0]
            days = conn.execute("select api.refresh_daily_analytics(100000)").fetchone()[0]
            conn.commit()
    except psycopg.Error as exc:
        return refused(exc)
    for view in done:
        print(f"refreshed {view['view']} in {view['duration_ms']} ms")
    print(f"recomputed {days} day(s) of daily_analytics")
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    if (refusal := refuse_unsafe_start(settings, worker=True)) is not None:
        return refusal
    from procrastinate.worker import Worker

    from app.supervise import exit_with_serve
    from jobs.app import close_pool, connected
    from jobs.maintenance import STALLED_AFTER

    exit_with_serve()  # started by `nakksha serve`: stop when it does, however it ends

    db = _database(settings)

    async def main() -> None:
        # Procrastinate (which LISTENs) goes direct; tasks' queries go through the pooler when configured.
        # A starting worker prunes the workers silent for longer than stalled_worker_timeout: the same threshold
        # as retry_stalled_jobs (Procrastinate's own default, 30 s, deleted live workers that were merely late).
        # On SIGTERM/SIGINT running jobs get GRACEFUL_SECONDS to finish, then are aborted (they are idempotent).
        # The signals are ours, not Procrastinate's: it installs its handlers only once its loop runs, one turn after
        # the worker's row is committed, and a SIGTERM in between (serve killed just then) ended the process with its
        # registration left behind. Ours are in place before the worker registers and ask it to stop
        # (Worker.stop), which it honours wherever it is: a worker told to stop while registering still reaches its
        # shutdown, which unregisters it (cancelling the task instead could land inside the registering query, after
        # the row was committed and before the worker knew its id). Its run() clears stop requests older than itself,
        # so the handlers go in once it has begun; a signal before that finds nothing registered and ends the process.
        # A second SIGINT (Ctrl-C again) ends the process at once. A second SIGTERM is logged and ignored: a stop is
        # already under way and its unregistering must not be cut off (a worker killed by a repeated SIGTERM right
        # after its first left its registration behind on a loaded CI machine); a supervisor that will not wait
        # sends SIGKILL.
        loop = asyncio.get_running_loop()
        with connected(db.worker_url(), db.worker_query_url(), db.statement_cache_size()) as job_app:
            async with job_app.open_async():
                job_app.perform_import_paths()
                worker = Worker(app=job_app, queues=args.queues or None, concurrency=args.concurrency,
                                install_signal_handlers=False, stalled_worker_timeout=STALLED_AFTER,
                                shutdown_graceful_timeout=GRACEFUL_SECONDS)
                running = asyncio.create_task(worker.run())
                await asyncio.sleep(0)  # run() has begun: a stop from here on is not cleared

                def again() -> None:
                    log.warning("SIGTERM again while stopping: ignored (running jobs get %s s; SIGKILL ends the "
                                "worker at once)", GRACEFUL_SECONDS)

                def on_signal() -> None:
                    loop.remove_signal_handler(signal.SIGINT)
                    loop.add_signal_handler(signal.SIGTERM, again)
                    worker.stop()

                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, on_signal)
                await running
        await close_pool()

    asyncio.run(main())
    return 0


def tcp_listener_fix() -> None:
    """uvicorn 0.54 binds the shared listener of `--workers N` (N > 1) without IPPROTO_TCP, so asyncio
    never turns TCP_NODELAY on for accepted connections and every keep-alive response waits ~40 ms for a
    delayed ACK (uvicorn issue #3149; measured by bench/booking.py: 460 instead of 8,400 requests/s).
    Re-wrap the socket with its protocol until the upstream fix is released. Idempotent."""
    import socket

    import uvicorn.config

    original = uvicorn.config.Config.bind_socket
    if getattr(original, "_nakksha_tcp_fix", False):
        return

    def bind_socket(self):
        sock = original(self)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock

    bind_socket._nakksha_tcp_fix = True  # type: ignore[attr-defined]
    uvicorn.config.Config.bind_socket = bind_socket


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from app.supervise import STOP_SIGNALS, Stop, WorkerSupervisor, raise_stop

    host, port = args.host or settings.host, args.port or settings.port
    if (refusal := refuse_unsafe_start(settings, host)) is not None:
        return refusal
    if "PUBLIC_BASE_URL" not in os.environ and (args.host or args.port):
        # The flags say where this server listens, so links in mails and the local gateway's webhooks follow
        # them as HOST and PORT would (the app and the worker read PUBLIC_BASE_URL from the environment).
        os.environ["PUBLIC_BASE_URL"] = f"http://{host}:{port}"
        settings = dataclasses.replace(settings, public_base_url=os.environ["PUBLIC_BASE_URL"])
    # From here SIGTERM and SIGINT unwind through the `finally` below, whatever is running: migrating, or after
    # uvicorn's own graceful shutdown (it puts these handlers back, then raises the signal it caught again).
    previous = {sig: signal.signal(sig, raise_stop) for sig in STOP_SIGNALS}
    db = _database(settings)
    supervisor: WorkerSupervisor | None = None
    try:
        env = dict(os.environ)
        # With only APP_DATABASE_URL (a deployment where the web and worker processes never hold the superuser's
        # credentials: compose.yaml), serving needs no administrative URL; otherwise this starts the embedded
        # server when DATABASE_URL is unset, and the children reach the same server through DATABASE_URL.
        if args.migrate or args.seed_demo or not settings.app_database_url:
            admin_url = db.admin_url()
            if args.migrate:
                from app.migrate import migrate

                migrate(admin_url, dump=False)
            if args.seed_demo:
                _print_demo(seed_demo(admin_url, settings), settings)
            env["DATABASE_URL"] = os.environ["DATABASE_URL"] = admin_url
        if not args.no_worker:
            # Kept running; if it keeps failing at start, serve stops itself (uvicorn shuts down on the SIGTERM).
            supervisor = WorkerSupervisor(env, lambda: os.kill(os.getpid(), signal.SIGTERM))
            supervisor.start()
        print(f"Serving on http://{host}:{port}  (health: /healthz, API docs: /api/docs)", flush=True)
        tcp_listener_fix()
        # proxy_headers off: uvicorn would otherwise believe X-Forwarded-For from loopback peers by default;
        # the app reads it itself, only from TRUSTED_PROXIES (app/auth.py client_ip).
        uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=args.workers,
                    access_log=False, log_config=None, proxy_headers=False, timeout_graceful_shutdown=10)
    except Stop:
        pass
    finally:
        # Clean-up is bounded (the worker gets GRACEFUL_SECONDS, then SIGKILL); a second signal must not cut it short.
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        if supervisor is not None:
            supervisor.stop(timeout=GRACEFUL_SECONDS + 4)
        db.close()  # the embedded server stops here if this process started it and nobody else holds it
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if supervisor is not None and supervisor.gave_up:
        print("nakksha serve: stopped because the job worker kept failing at start (see its errors above).",
              file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nakksha", description="Nakksha: consulting-business platform.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="Serve the web app (and a job worker unless --no-worker).")
    p.add_argument("--host", help="Interface to bind (default $HOST or 127.0.0.1).")
    p.add_argument("--port", type=int, help="Port (default $PORT or 8000).")
    p.add_argument("--workers", type=int, default=1, help="Web app processes (default 1).")
    p.add_argument("--no-worker", action="store_true", help="Do not start a job worker (run `nakksha worker` apart).")
    p.add_argument("--migrate", action="store_true", help="Migrate before serving.")
    p.add_argument("--seed-demo", action="store_true", help="Seed the demo consultant if the database is empty.")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="Run a Procrastinate job worker.")
    p.add_argument("--queue", dest="queues", action="append", help="Queue to listen to (repeatable; default all).")
    p.add_argument("--concurrency", type=int, default=4, help="Jobs run at once (default 4).")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="Create roles, run migrations, apply functions and views, dump db/schema.sql.")
    p.add_argument("--no-dump", action="store_true", help="Do not write db/schema.sql.")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("db-url", help="Print the URL of the database in use (for psql).")
    p.add_argument("--role", choices=["superuser", "owner", "app", "admin", "analyst", "worker"], default="superuser",
                   help="Log in as this role (default: the administrative URL).")
    p.set_defaults(func=cmd_db_url)

    p = sub.add_parser("create-admin", help="Create an admin (the first one, or more as a database administrator).")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--password", help="Prompted for when omitted (read from stdin when not a terminal).")
    p.add_argument("--role", choices=["admin", "super_admin"], default=None,
                   help="admin (the default) runs consultants, sessions and figures; super_admin may also manage "
                        "admins, email templates and platform settings.")
    p.add_argument("--as", dest="as_admin", metavar="ADMIN_EMAIL", help="The admin this action is done as (audited).")
    p.set_defaults(func=cmd_create_admin)

    p = sub.add_parser("approve-consultant", help="Approve a pending consultant (audited; emails them).")
    p.add_argument("email", help="The consultant's email.")
    p.add_argument("--as", dest="as_admin", metavar="ADMIN_EMAIL",
                   help="The admin this is done as (default: the command line, named in the audit log).")
    p.set_defaults(func=cmd_approve_consultant)

    p = sub.add_parser("refresh-views", help="Refresh the dashboard materialized views and daily_analytics now.")
    p.set_defaults(func=cmd_refresh_views)

    p = sub.add_parser("seed-demo", help="Load the demo consultant into an empty database, or with --scale N "
                                         "N consultants with years of realistic history (benchmark data).")
    p.add_argument("--scale", type=int, default=0, metavar="N",
                   help="Bulk-load N approved consultants with history (set-based; prints progress and rows/s).")
    p.add_argument("--sessions", type=int, default=1000, metavar="M",
                   help="Sessions per consultant with --scale (default 1000).")
    p.add_argument("--slots", action="store_true",
                   help="With --scale: weekly availability rules and a year of their slots per consultant "
                        "(booking horizon 365 days; ~730 slots each).")
    p.set_defaults(func=cmd_seed_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # a setting the app refuses (TRUSTED_PROXIES, CORS_ORIGINS…): its message names it
        print(f"nakksha: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    return args.func(args, settings)


if __name__ == "__main__":
    sys.exit(main())

# Test: pytest tests/meta/test_cli.py
