# bench/booking.py — the public slots endpoint's requests/s against two references (pgbench on the same SQL, a bare Starlette endpoint), and booking throughput under contention.
"""Self-contained: starts its own embedded PostgreSQL in a temporary directory, migrates it, seeds one
approved consultant with weekly rules (a few hundred personal slots plus webinar slots), starts
`python -m app.cli serve --no-worker --workers N` and bench/bare_app.py under uvicorn with the same worker
count and pool size, then measures, all on loopback and each for a bounded time:

  1. GET /api/v1/public/consultants/{slug}/slots: requests/s, p50, p99 (wrk if installed, else a
     small Python asyncio HTTP/1.1 client with the same fixed concurrency);
  2. the bare endpoint (begin, set the caller, one primary-key read, commit) the same way, and slots/bare;
  3. pgbench running the slots endpoint's four statements as nakksha_app, as many clients as the HTTP
     load has connections, and slots/pgbench;
  4. K clients racing to book M personal slots through POST …/bookings (distinct emails): bookings/s,
     p50/p99 of every booking request, 201/409 counts, and a check in the database that no slot or time
     was booked twice.

With --workers > 1, uvicorn 0.54 leaves TCP_NODELAY off (see NODELAY_SHIM): the script says so, measures
as shipped by default, and --tcp-nodelay-fix patches both servers alike to measure without that 40 ms timer.

Everything it starts is stopped on exit (SIGINT to the servers, then SIGKILL to their process groups if
they linger) and the temporary server and directory are removed.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import ROLE_APP  # noqa: E402
from app.database import role_url, start_embedded, with_database  # noqa: E402
from app.migrate import migrate  # noqa: E402
from bench._common import (  # noqa: E402
    LIFT_BOOKING_LIMITS,
    REPO,
    Children,
    RawHttp,
    Result,
    fmt,
    free_port,
    percentile,
    pgbench,
    run_wrk,
    wait_http,
)

DBNAME = "nakksha_bench"
SLUG = "bench-consultant"
PUBLIC = "/api/v1/public/consultants"

# uvicorn 0.54 binds the --workers N listener with proto 0, so asyncio never sets TCP_NODELAY on accepted
# connections (Kludex/uvicorn#3149): a response written in two sends waits for the client's delayed ACK,
# ~40 ms per keep-alive request. --tcp-nodelay-fix runs both servers with this patch (the listener re-wrapped
# as IPPROTO_TCP before it is handed to the workers) to show what the code costs without that timer.
NODELAY_SHIM = (f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"  # the fix nakksha serve applies
                "from app.cli import tcp_listener_fix\ntcp_listener_fix()\n")
RUN_APP_CLI = "import runpy\nrunpy.run_module('app.cli', run_name='__main__', alter_sys=True)\n"
RUN_UVICORN = "import sys\nfrom uvicorn.main import main\nsys.argv[0] = 'uvicorn'\nmain()\n"


def multiworker_listener_lacks_tcp_proto() -> bool:
    """True when this uvicorn's --workers N listener would leave TCP_NODELAY off (uvicorn#3149)."""
    import uvicorn

    sock = uvicorn.Config("bench:none", host="127.0.0.1", port=0, log_config=None).bind_socket()
    try:
        return sock.proto != socket.IPPROTO_TCP
    finally:
        sock.close()




# --- database ------------------------------------------------------------------------------------------

def seed(admin_url: str, *, price: str) -> tuple[uuid.UUID, dict[str, int]]:
    """One approved consultant (no minimum notice, six weeks ahead) with weekday and Saturday personal
    hours and two evening webinars a week, materialised by the same SQL the app uses."""
    with psycopg.connect(admin_url) as conn:
        cid = conn.execute(
            "insert into app.consultants (email, first_name, last_name, slug, approval_status, approved_at, published_at, "
            "is_email_verified, email_verified_at, personal_session_title, webinar_session_title, "
            "personal_session_price, webinar_session_price, timezone, min_notice_minutes, max_days_ahead, zoom_link) "
            "values ('bench@example.com', 'Bench', 'Consultant', %s, 'approved', now(), now(), true, now(), "
            "'One-to-one', 'Group webinar', %s, %s, 'Asia/Kolkata', 0, 42, 'https://zoom.us/j/1') returning id",
            (SLUG, price, price)).fetchone()[0]
        conn.execute(
            "insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, "
            "slot_minutes, capacity) "
            "select %(c)s, 'personal', wd, time '09:00', time '17:00', 60, 1 from generate_series(1, 5) wd "
            "union all select %(c)s, 'personal', 6, time '10:00', time '14:00', 60, 1 "
            "union all select %(c)s, 'webinar', wd, time '18:00', time '19:30', 90, 20 from (values (2), (4)) w(wd)",
            {"c": cid})
        conn.execute("select app_private.rematerialise_slots(%s)", (cid,))
        conn.execute(LIFT_BOOKING_LIMITS)
        counts = dict(conn.execute("select session_type, count(*) from app.availability_slots "
                                   "where consultant_id = %s group by 1", (cid,)).fetchall())
        conn.commit()
    return cid, counts




def deadlocks(admin_url: str) -> int:
    """Deadlocks PostgreSQL detected in this database so far (the app retries them, so they cost time, not errors)."""
    with psycopg.connect(admin_url) as conn:
        conn.execute("select pg_stat_clear_snapshot()")
        return conn.execute("select deadlocks from pg_stat_database where datname = current_database()").fetchone()[0]


def verify_bookings(admin_url: str, cid: uuid.UUID) -> dict[str, int]:
    live = "('pending', 'confirmed', 'completed', 'no_show')"
    with psycopg.connect(admin_url) as conn:
        row = conn.execute(f"""
            select
              (select count(*) from app.sessions where consultant_id = %(c)s and status in {live}),
              (select count(*) from (select slot_id from app.sessions where consultant_id = %(c)s
                                     and status in {live} group by slot_id having count(*) > 1) x),
              (select count(*) from app.sessions a join app.sessions b
                 on a.id < b.id and a.consultant_id = b.consultant_id and a.occupied_during && b.occupied_during
               where a.consultant_id = %(c)s and a.status in {live} and b.status in {live}),
              (select count(*) from app.availability_slots where consultant_id = %(c)s and booked_count > capacity),
              (select count(*) from app.availability_slots s where s.consultant_id = %(c)s and s.booked_count <>
                 (select count(*) from app.sessions x where x.slot_id = s.id and x.status in {live}))
            """, {"c": cid}).fetchone()
    return dict(zip(("sessions", "slots_with_2+", "overlapping_pairs", "overfull_slots", "seat_count_mismatch"),
                    row, strict=True))






async def _py_load(url: str, concurrency: int, duration: float) -> tuple[list[float], collections.Counter, float]:
    latencies: list[float] = []
    statuses: collections.Counter = collections.Counter()
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    start = time.perf_counter()
    deadline = start + duration

    async def worker() -> None:
        conn = RawHttp(url)
        try:
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                try:
                    status, _ = await conn.request("GET", path)
                    statuses[status] += 1
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    await conn.close()
                    statuses["error"] += 1
                latencies.append(time.perf_counter() - t)
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - start


def run_python_load(name: str, url: str, *, connections: int, duration: float) -> Result:
    latencies, statuses, elapsed = asyncio.run(_py_load(url, connections, duration))
    ok = sum(n for s, n in statuses.items() if isinstance(s, int) and 200 <= s < 400)
    return Result(name, rps=len(latencies) / elapsed, p50_ms=percentile(latencies, 50) * 1000,
                  p99_ms=percentile(latencies, 99) * 1000, requests=len(latencies), errors=len(latencies) - ok,
                  note="python asyncio client")


# What app.sql.run sends for GET …/slots: a public caller's one statement on a direct connection, its own
# transaction (no caller to set: every transaction starts with the settings empty; app/sql.py).
PGBENCH_SLOTS = f"select api.public_slots('{SLUG}', null, null, null)::text;\n"


def run_pgbench(admin_url: str, workdir: Path, *, clients: int, threads: int, duration: float) -> Result:
    return pgbench("pgbench: the same SQL", admin_url, workdir, PGBENCH_SLOTS, clients=clients, threads=threads,
                   duration=duration)


async def _race(base: str, slot_ids: list[str], clients: int, max_seconds: float) -> dict:
    """K clients race for M slots: each walks all M in its own random order and asks for each in turn (a
    409 sends it to the next); a client stops when every slot is booked or it has tried them all. Every
    request is a new person (distinct email). One keep-alive connection per client."""
    latencies: list[float] = []
    statuses: collections.Counter = collections.Counter()
    booked: set[str] = set()
    path = f"{PUBLIC}/{SLUG}/bookings"
    start = time.perf_counter()
    deadline = start + max_seconds

    async def racer(k: int) -> None:
        conn = RawHttp(base)
        try:
            for n, slot_id in enumerate(random.sample(slot_ids, len(slot_ids))):
                if len(booked) == len(slot_ids) or time.perf_counter() > deadline:
                    return
                body = json.dumps({"slot_id": slot_id, "session_type": "personal",
                                   "client": {"name": f"Bench Client {k}-{n}", "email": f"racer{k}-{n}@example.com",
                                              "phone": "+91 98765 43210"}}).encode()
                t = time.perf_counter()
                try:
                    status: int | str = (await conn.request("POST", path, body))[0]
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    await conn.close()
                    status = "error"
                latencies.append(time.perf_counter() - t)
                statuses[status] += 1
                if status == 201:
                    booked.add(slot_id)
        finally:
            await conn.close()

    await asyncio.gather(*(racer(k) for k in range(clients)))
    return {"latencies": latencies, "statuses": statuses, "elapsed": time.perf_counter() - start,
            "booked_slots": len(booked)}


def run_booking_race(base: str, admin_url: str, cid: uuid.UUID, *, clients: int, slots: int,
                     max_seconds: float) -> Result:
    slot_ids: list[str] = []
    params: dict = {"type": "personal"}
    while len(slot_ids) < slots:  # the list is paged by date range: follow `next` to the horizon
        r = httpx.get(f"{base}{PUBLIC}/{SLUG}/slots", params=params, timeout=30)
        r.raise_for_status()
        slot_ids += [s["slot_id"] for s in r.json()["items"]]
        if not r.json()["next"]:
            break
        params = {"type": "personal", **r.json()["next"]}
    slot_ids = slot_ids[:slots]
    deadlocks_before = deadlocks(admin_url)
    race = asyncio.run(_race(base, slot_ids, clients, max_seconds))
    statuses, lat = race["statuses"], race["latencies"]
    created, conflicts = statuses.get(201, 0), statuses.get(409, 0)
    others = {str(k): v for k, v in statuses.items() if k not in (201, 409)}
    check = verify_bookings(admin_url, cid)
    res = Result(f"booking race: K={clients} clients, M={len(slot_ids)} slots", rps=created / race["elapsed"],
                 p50_ms=percentile(lat, 50) * 1000, p99_ms=percentile(lat, 99) * 1000, requests=len(lat),
                 errors=sum(others.values()), note="python asyncio client")
    res.extra = {"created": created, "conflicts": conflicts, "others": others, "elapsed": race["elapsed"],
                 "booked_slots": race["booked_slots"], "target": len(slot_ids), "check": check,
                 "all_rps": len(lat) / race["elapsed"], "deadlocks": deadlocks(admin_url) - deadlocks_before}
    return res


# --- the run -------------------------------------------------------------------------------------------

def measure_get(name: str, url: str, args: argparse.Namespace, use_wrk: bool) -> Result:
    if use_wrk:
        run_wrk(name, url, connections=args.concurrency, threads=args.wrk_threads, duration=args.warmup)
        return run_wrk(name, url, connections=args.concurrency, threads=args.wrk_threads, duration=args.duration)
    run_python_load(name, url, connections=args.concurrency, duration=args.warmup)
    return run_python_load(name, url, connections=args.concurrency, duration=args.duration)


def print_table(results: list[Result], slots: Result, bare: Result, pgb: Result, race: Result) -> None:
    print()
    header = f"{'measurement':<44} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'requests':>9} {'errors':>7}  via"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.name:<44} {fmt(r.rps):>10} {fmt(r.p50_ms, 2):>9} {fmt(r.p99_ms, 2):>9} {r.requests:>9} "
              f"{r.errors:>7}  {r.note}")
    print("-" * len(header))
    if slots.rps and bare.rps:
        print(f"{'ratio slots / bare endpoint':<44} {slots.rps / bare.rps:>10.2f}")
    if slots.rps and pgb.rps:
        print(f"{'ratio slots / pgbench':<44} {slots.rps / pgb.rps:>10.2f}")
    e = race.extra
    print(f"{'booking: bookings/s (201s per second)':<44} {race.rps:>10.1f}   (all booking requests: "
          f"{e['all_rps']:.1f}/s over {e['elapsed']:.2f} s)")
    print(f"{'booking: 201 / 409 / other':<44} {e['created']:>10} / {e['conflicts']} / "
          f"{sum(e['others'].values())} {e['others'] or ''}")
    print(f"{'booking: slots booked / targeted':<44} {e['booked_slots']:>10} / {e['target']}")
    print(f"{'booking: deadlocks detected (retried by app)':<44} {e['deadlocks']:>10}")
    c = e["check"]
    clean = (c["slots_with_2+"] == 0 and c["overlapping_pairs"] == 0 and c["overfull_slots"] == 0
             and c["seat_count_mismatch"] == 0 and c["sessions"] == e["created"])
    print(f"{'booking: database check':<44} {'OK' if clean else 'FAILED':>10}   " +
          ", ".join(f"{k}={v}" for k, v in c.items()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes, app and bare (default 2)")
    p.add_argument("--pool", type=int, default=10, help="asyncpg pool max size per worker (default 10, the app's)")
    p.add_argument("--concurrency", type=int, default=20,
                   help="HTTP connections for the GET measurements, and pgbench clients (default 20)")
    p.add_argument("--duration", type=float, default=10, help="seconds per measurement (default 10)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of warm-up before each HTTP measurement (default 2)")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1: leave the cores to the servers)")
    p.add_argument("--pgbench-threads", type=int, default=2, help="pgbench threads (default 2)")
    p.add_argument("--clients", type=int, default=50, help="K: concurrent booking clients (default 50)")
    p.add_argument("--slots", type=int, default=100, help="M: personal slots raced for (default 100)")
    p.add_argument("--booking-seconds", type=float, default=30, help="time cap of the booking race (default 30)")
    p.add_argument("--price", default="1499.00",
                   help="session price; 0 books confirmed sessions, else pending with a hold (default 1499.00)")
    p.add_argument("--log-level", default="INFO", help="the app's LOG_LEVEL (default INFO: an access-log line per request)")
    p.add_argument("--no-wrk", action="store_true", help="use the Python load generator even if wrk is installed")
    p.add_argument("--tcp-nodelay-fix", action="store_true",
                   help="run both servers with uvicorn's --workers listener patched to set TCP_NODELAY (uvicorn#3149)")
    args = p.parse_args(argv)

    def on_signal(signum, frame):  # SIGTERM cleans up like Ctrl-C; SIGINT even if started with it ignored (`cmd &`)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    use_wrk = bool(shutil.which("wrk")) and not args.no_wrk
    print(f"machine: {cores} cores ({usable} usable), load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not use_wrk:
        print("wrk not used" + ("" if args.no_wrk else " (not installed: `apt-get install -y wrk` on Debian)") +
              "; the Python load generator costs more CPU than wrk and shares the cores with the servers.")

    if args.workers > 1 and multiworker_listener_lacks_tcp_proto():
        print("WARNING: this uvicorn leaves TCP_NODELAY off with --workers > 1 (Kludex/uvicorn#3149): each keep-alive "
              "response waits ~40 ms for a delayed ACK, capping a connection at ~23 requests/s. " +
              ("Both servers run patched here (--tcp-nodelay-fix)." if args.tcp_nodelay_fix else
               "Measuring as shipped; add --tcp-nodelay-fix to patch both servers."))
    tmp = Path(tempfile.mkdtemp(prefix="nakksha-bench-"))
    children = Children()
    server = None
    try:
        t = time.monotonic()
        server = start_embedded(tmp / "db", cleanup_mode="delete")
        base_url = server.get_uri()
        with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as conn:
            conn.execute(f'create database "{DBNAME}"')
        admin_url = with_database(base_url, DBNAME)
        migrate(admin_url, dump=False, dev=True)
        cid, counts = seed(admin_url, price=args.price)
        print(f"database: embedded PostgreSQL in {tmp}, migrated and seeded in {time.monotonic() - t:.1f} s; "
              f"slots: {counts.get('personal', 0)} personal, {counts.get('webinar', 0)} webinar")

        app_port, bare_port = free_port(), free_port()
        base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
        app_env = {**base_env, "DATABASE_URL": admin_url, "NAKKSHA_ENV": "development",  # local gateway and outbox
                   "NAKKSHA_DATA_DIR": str(tmp / "appdata"), "DB_POOL_MAX": str(args.pool), "DB_POOL_MIN": "0",
                   "LOG_LEVEL": args.log_level, "JWT_SECRET": secrets.token_urlsafe(48),
                   "PASSWORD_PEPPER": secrets.token_urlsafe(32), "DATA_ENCRYPTION_KEY": secrets.token_urlsafe(32),
                   "PUBLIC_BASE_URL": f"http://127.0.0.1:{app_port}"}
        app_cmd = ([sys.executable, "-c", NODELAY_SHIM + RUN_APP_CLI] if args.tcp_nodelay_fix
                   else [sys.executable, "-m", "app.cli"])
        app_proc = children.start("app", [*app_cmd, "serve", "--no-worker", "--workers", str(args.workers),
                                          "--host", "127.0.0.1", "--port", str(app_port)], app_env, tmp / "app.log")
        bare_env = {**base_env, "BARE_DATABASE_URL": role_url(admin_url, ROLE_APP), "BARE_CONSULTANT_ID": str(cid),
                    "BARE_POOL_MAX": str(args.pool)}
        bare_cmd = ([sys.executable, "-c", NODELAY_SHIM + RUN_UVICORN] if args.tcp_nodelay_fix
                    else [sys.executable, "-m", "uvicorn"])
        bare_proc = children.start("bare", [*bare_cmd, "--app-dir", str(REPO / "bench"),
                                            "bare_app:app", "--workers", str(args.workers), "--host", "127.0.0.1",
                                            "--port", str(bare_port), "--no-access-log", "--log-level", "warning"],
                                   bare_env, tmp / "bare.log")
        app_base, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}/bare"
        slots_url = f"{app_base}{PUBLIC}/{SLUG}/slots"
        wait_http(f"{app_base}/healthz", app_proc, children, "app")
        first = wait_http(slots_url, app_proc, children, "app")
        bare_first = wait_http(bare_url, bare_proc, children, "bare")
        assert bare_first.json()["slug"] == SLUG, bare_first.text
        print(f"servers: app (nakksha serve) and bare (uvicorn bench/bare_app.py), {args.workers} workers each, "
              f"pool max {args.pool} per worker; slots answer: {len(first.json()['items'])} slots, "
              f"{len(first.content):,} bytes")
        print(f"load: {'wrk' if use_wrk else 'python asyncio client'} with {args.concurrency} connections, "
              f"{args.warmup:g} s warm-up + {args.duration:g} s per HTTP measurement; pgbench {args.concurrency} clients "
              f"for {args.duration:g} s; booking race K={args.clients} M={args.slots} (price {args.price}); "
              f"TCP_NODELAY fix {'on' if args.tcp_nodelay_fix else 'off'}")

        slots = measure_get("GET /…/slots (nakksha serve)", slots_url, args, use_wrk)
        bare = measure_get("GET /bare (begin, set caller, pk read)", bare_url, args, use_wrk)
        pgb = run_pgbench(admin_url, tmp, clients=args.concurrency, threads=args.pgbench_threads, duration=args.duration)
        race = run_booking_race(app_base, admin_url, cid, clients=args.clients, slots=args.slots,
                                max_seconds=args.booking_seconds)
        slots.name, bare.name = "slots endpoint (GET …/slots)", "bare endpoint (begin/set caller/pk read)"
        pgb.name = "pgbench: slots SQL as nakksha_app"
        print_table([slots, bare, pgb, race], slots, bare, pgb, race)
        lat = [r for r in (slots, bare) if r.errors]
        if lat:
            print("note: non-2xx or socket errors during " + ", ".join(r.name for r in lat))
        print(f"\ntotal run time {time.monotonic() - started:.0f} s")
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        children.stop_all()
        if server is not None:
            server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

# Run: .venv/bin/python bench/booking.py            (defaults: 2 workers, pool 10, 20 connections, 10 s each; ~40 s)
#      .venv/bin/python bench/booking.py --tcp-nodelay-fix   (both servers patched for uvicorn#3149)
#      .venv/bin/python bench/booking.py --help     (workers, pool, concurrency, duration, K clients, M slots, price…)
# Needs wrk for the HTTP numbers (`apt-get install -y wrk`; without it a slower Python load generator is used);
# pgbench comes with the embedded PostgreSQL (app.database.pg_bin_dir()).
# Test: .venv/bin/python bench/booking.py --duration 2 --warmup 1 --clients 10 --slots 20   (a quick smoke run, ~15 s);
#       it must print the table with "database check OK" and leave no process or temp directory behind.
