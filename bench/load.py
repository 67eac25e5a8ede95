# bench/load.py — a realistic mix against `nakksha serve --workers N` beside `nakksha worker`: page and slot reads, paid bookings verified at a fake Razorpay, dashboards, webhooks; with slots and booking measured against pgbench and a bare endpoint.
"""Self-contained: an embedded PostgreSQL in a temporary directory, migrated and seeded with

  * the read consultant of bench/booking.py (six weeks of personal and webinar slots, paid sessions);
  * B booking consultants with a year of 30-minute paid personal slots (06:00–22:00 daily), shuffled into a
    queue (bench_load.slot_queue) so every booking, over HTTP or in pgbench, takes a slot nobody took;
  * D approved consultants with history (app.bulk_seed.seed), whose dashboards are read with access tokens
    minted under the app's JWT secret;

then starts, on loopback: tests/fake_razorpay.py in its own process (orders, payments, captures; the app's
real Razorpay adapter talks to it through the SDK), `nakksha serve --no-worker --workers N`, one
`nakksha worker` (the emails the bookings queue go to the local outbox), and bench/bare_app.py under uvicorn
with N workers (with the TCP_NODELAY listener fix `nakksha serve` applies, so both are measured alike).

1. The mix, for --seconds, C connections in all (--concurrency), each a virtual user on its own keep-alive
   connection:
     browsers:   GET /{slug} (the public page), GET …/slots;
     buyers:     POST …/bookings (an order at the fake Razorpay), the customer pays at the fake, POST
                 /api/v1/payments/verify with a valid checkout signature, and Razorpay's payment.captured
                 webhook signed with the webhook secret (POST /api/v1/payments/webhook);
     consultants: GET /api/v1/dashboard/metrics and /charts as approved consultants with history.
2. References, each for --seconds/6 (at least 2 s) at the same concurrency C: GET …/slots alone, the bare
   endpoint (begin, set the caller, one primary-key read, commit), pgbench running the slots endpoint's SQL,
   POST …/bookings alone, and pgbench running the booking endpoint's SQL (booking_quote and book_slot, each in
   its transaction with the caller set, as app.sql.run sends them, plus one primary-key read of the slot
   queue). Ratios: endpoint/pgbench and endpoint/bare.

One process drives all the HTTP load (a small asyncio HTTP/1.1 client, bench/_common.RawHttp: cheaper per
request than httpx) and shares the cores with the servers; wrk is not used because the mix needs state
(slots, orders, signatures). Prints the machine's core count, a table of requests/s, p50/p99 and errors per
endpoint, the ratios, and database checks. Everything started is stopped on exit, the temporary directory
removed."""
from __future__ import annotations

import argparse
import asyncio
import collections
import io
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.auth import issue_access_token  # noqa: E402
from app.bulk_seed import seed as bulk_seed  # noqa: E402
from app.config import ROLE_APP  # noqa: E402
from app.database import role_url  # noqa: E402
from bench._common import (  # noqa: E402
    LIFT_BOOKING_LIMITS,
    REPO,
    Children,
    RawHttp,
    Result,
    embedded_database,
    fmt,
    free_port,
    percentile,
    pgbench,
    wait_http,
)
from bench.booking import NODELAY_SHIM, PGBENCH_SLOTS, PUBLIC, RUN_UVICORN, SLUG  # noqa: E402
from bench.booking import seed as seed_read_consultant  # noqa: E402
from tests.fake_razorpay import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, checkout_signature, webhook  # noqa: E402

DBNAME = "nakksha_bench_load"
BOOK_PREFIX = "load-book-"
PRICE = "1499.00"

# The fake Razorpay in a process of its own (its threads would otherwise share the load generator's GIL), with
# one route added for the bench: POST /bench/pay/{order_id} is the customer paying at Checkout (captured).
FAKE_CHILD = f"""
import sys, time
sys.path.insert(0, {str(REPO)!r})
from tests.fake_razorpay import FakeRazorpay

class BenchFake(FakeRazorpay):
    def route(self, method, path, body, headers):
        if method == "POST" and path.startswith("/bench/pay/"):
            return 200, self.pay(path.rsplit("/", 1)[1])
        status, payload = super().route(method, path, body, headers)
        return status, payload

fake = BenchFake()
fake.requests = type("Discard", (list,), {{"append": lambda self, item: None}})()  # keep no request log
print(fake.url, flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    fake.close()
"""

# The booking endpoint's SQL as app.sql.run sends it: two transactions (the quote, then the booking with the
# order id the gateway gave), each setting the (public) caller. One primary-key read of the slot queue first
# picks a slot nobody took. The manage link and hashes stand in for what the app computes in Python.
CALLER = ("select set_config('app.consultant_id', '', true), set_config('app.admin_id', '', true), "
          "set_config('app.actor_label', '', true);\n")
PGBENCH_BOOKING = (
    "\\set r random(1, 2000000000)\n"
    "select slug, slot_id from bench_load.slot_queue where n = (select nextval('bench_load.slot_seq')) \\gset\n"
    "begin;\n" + CALLER +
    "select q->>'session_id' as sid, q->>'amount_paise' as amount "
    "from (select api.booking_quote(:slug, :slot_id, 'personal', "
    "'pgb-' || :client_id::text || '-' || :r::text || '@example.com', null, null, null) q) x \\gset\n"
    "commit;\n"
    "begin;\n" + CALLER +
    "select api.book_slot(:slug, :slot_id, 'personal', 'Pgbench Client', "
    "'pgb-' || :client_id::text || '-' || :r::text || '@example.com', null, null, null, "
    "sha256(convert_to(:sid::text || 'manage', 'UTF8')), 'v1.' || repeat('x', 150), null, "
    "sha256(convert_to(:sid::text, 'UTF8')), :sid, 'razorpay', 'order_' || :r::text, :amount, null, null);\n"
    "commit;\n")


# --- data ----------------------------------------------------------------------------------------------

def seed_booking_consultants(admin_url: str, n: int) -> int:
    """n paid consultants with 30-minute personal slots 06:00–22:00 every day for a year, and the shuffled
    queue of their free slots (more than an hour ahead) that bookings take from. Returns the queue length."""
    with psycopg.connect(admin_url) as conn:
        ids = [r[0] for r in conn.execute(
            "insert into app.consultants (email, first_name, last_name, slug, approval_status, approved_at, published_at, "
            "is_email_verified, email_verified_at, personal_session_title, webinar_session_title, "
            "personal_session_price, webinar_session_price, timezone, min_notice_minutes, max_days_ahead, zoom_link) "
            "select 'book' || i || '@example.com', 'Book', 'Consultant ' || i, %s || i, 'approved', now(), now(), true, now(), "
            "'One-to-one', 'Group webinar', %s, %s, 'Asia/Kolkata', 0, 365, 'https://zoom.us/j/2' "
            "from generate_series(1, %s) i returning id", (BOOK_PREFIX, PRICE, PRICE, n)).fetchall()]
        conn.execute("insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, "
                     "slot_minutes, capacity) select c, 'personal', wd, time '06:00', time '22:00', 30, 1 "
                     "from unnest(%s::uuid[]) c, generate_series(1, 7) wd", (ids,))
        for cid in ids:
            conn.execute("select app_private.rematerialise_slots(%s)", (cid,))
        conn.execute(LIFT_BOOKING_LIMITS)
        conn.execute("create schema bench_load")
        conn.execute("create table bench_load.slot_queue (n bigint primary key, slug text not null, slot_id uuid not null)")
        conn.execute("insert into bench_load.slot_queue select row_number() over (order by random()), c.slug, s.id "
                     "from app.availability_slots s join app.consultants c on c.id = s.consultant_id "
                     "where c.id = any(%s) and s.session_type = 'personal' and s.starts_at > now() + interval '1 hour'"
                     " and s.starts_at < now() + interval '364 days'",
                     (ids,))
        conn.execute("create sequence bench_load.slot_seq")
        conn.execute(f"grant usage on schema bench_load to {ROLE_APP}; "
                     f"grant select on bench_load.slot_queue to {ROLE_APP}; "
                     f"grant usage, select, update on sequence bench_load.slot_seq to {ROLE_APP}")
        total = conn.execute("select count(*) from bench_load.slot_queue").fetchone()[0]
        conn.commit()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("vacuum analyze")
    return total


def seed_dashboard_consultants(admin_url: str, n: int, sessions: int, jwt_secret: str) -> list[str]:
    """n approved consultants with `sessions` sessions of history each (app.bulk_seed); their access tokens."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        ids = bulk_seed(conn, n, sessions, prefix="loaddash", out=io.StringIO())
        rows = conn.execute("select id, email::text, slug from app.consultants where id = any(%s)", (ids,)).fetchall()
    return [issue_access_token(jwt_secret, subject=cid, email=email, role="consultant", consultant_slug=slug)
            for cid, email, slug in rows]


class SlotQueue:
    """The shuffled free slots, taken in order by HTTP bookings here and by pgbench through the sequence."""

    def __init__(self, admin_url: str):
        with psycopg.connect(admin_url) as conn:
            self.items = conn.execute("select slug, slot_id::text from bench_load.slot_queue order by n").fetchall()
        self.next = 0

    def take(self) -> tuple[str, str] | None:
        if self.next >= len(self.items):
            return None
        self.next += 1
        return self.items[self.next - 1]

    def hand_to_pgbench(self, admin_url: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("select setval('bench_load.slot_seq', %s, false)", (self.next + 1,))

    def back_from_pgbench(self, admin_url: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            self.next = conn.execute("select last_value from bench_load.slot_seq").fetchone()[0]


# --- load ----------------------------------------------------------------------------------------------

class Stats:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.outcomes: collections.Counter = collections.Counter()
        self.elapsed = 0.0

    async def call(self, name: str, conn: RawHttp, method: str, path: str, body: bytes | None = None,
                   headers: dict[str, str] | None = None, ok: tuple[int, ...] = (200, 201)) -> tuple[int, bytes]:
        t = time.perf_counter()
        try:
            status, payload = await conn.request(method, path, body, headers)
        except (OSError, ValueError, asyncio.IncompleteReadError):
            await conn.close()
            status, payload = 0, b""
        self.latencies[name].append(time.perf_counter() - t)
        if status in ok:
            self.statuses[name]["ok"] += 1
        else:
            try:
                code = json.loads(payload)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = ""
            self.statuses[name][f"{status} {code}".strip() if status else "connection error"] += 1
        return status, payload

    def result(self, name: str) -> Result:
        lat = self.latencies.get(name, [])
        errors = sum(n for k, n in self.statuses[name].items() if k != "ok")
        return Result(name, rps=len(lat) / self.elapsed if self.elapsed else None,
                      p50_ms=(percentile(lat, 50) or 0) * 1000 if lat else None,
                      p99_ms=(percentile(lat, 99) or 0) * 1000 if lat else None, requests=len(lat), errors=errors,
                      note=", ".join(f"{k}: {v}" for k, v in self.statuses[name].items() if k != "ok"))


async def pay_at_fake(fake_url: str, order_id: str) -> dict | None:
    """The customer paying at Checkout (the fake speaks HTTP/1.0: a connection per call)."""
    conn = RawHttp(fake_url)
    try:
        status, payload = await conn.request("POST", f"/bench/pay/{order_id}", b"{}")
        return json.loads(payload) if status == 200 else None
    except (OSError, ValueError, asyncio.IncompleteReadError):
        return None
    finally:
        await conn.close()


def booking_body(slot_id: str, tag: str) -> bytes:
    return json.dumps({"slot_id": slot_id, "session_type": "personal",
                       "client": {"name": f"Load Client {tag}", "email": f"load-{tag}@example.com"}}).encode()


async def mixed(base: str, fake_url: str, slots: SlotQueue, tokens: list[str], *, browsers: int, buyers: int,
                consultants: int, seconds: float) -> Stats:
    stats = Stats()
    start = time.perf_counter()
    deadline = start + seconds
    page, slots_path = f"/{SLUG}", f"{PUBLIC}/{SLUG}/slots"

    async def browser() -> None:
        conn = RawHttp(base)
        try:
            while time.perf_counter() < deadline:
                await stats.call("GET /{slug} (public page)", conn, "GET", page)
                await stats.call("GET …/slots", conn, "GET", slots_path)
        finally:
            await conn.close()

    async def buyer(k: int) -> None:
        conn, n = RawHttp(base), 0
        try:
            while time.perf_counter() < deadline and (slot := slots.take()) is not None:
                n += 1
                status, payload = await stats.call("POST …/bookings (paid: order at Razorpay)", conn, "POST",
                                                   f"{PUBLIC}/{slot[0]}/bookings", booking_body(slot[1], f"{k}-{n}"),
                                                   ok=(201,))
                if status != 201:
                    continue
                order_id = json.loads(payload)["checkout"]["order_id"]
                payment = await pay_at_fake(fake_url, order_id)
                if payment is None:
                    stats.outcomes["fake payment failed"] += 1
                    continue
                status, payload = await stats.call("POST /payments/verify", conn, "POST", "/api/v1/payments/verify",
                                                   json.dumps({"razorpay_order_id": order_id,
                                                               "razorpay_payment_id": payment["id"],
                                                               "razorpay_signature": checkout_signature(
                                                                   order_id, payment["id"], KEY_SECRET)}).encode())
                if status == 200:
                    stats.outcomes["verify: " + json.loads(payload).get("status", "?")] += 1
                body, headers = webhook("payment.captured", {"payment": payment})
                status, payload = await stats.call("POST /payments/webhook (payment.captured)", conn, "POST",
                                                   "/api/v1/payments/webhook", body, headers)
                if status == 200:
                    stats.outcomes["webhook: " + json.loads(payload).get("outcome", "?")] += 1
        finally:
            await conn.close()

    async def consultant(k: int) -> None:
        conn, auth = RawHttp(base), {"Authorization": f"Bearer {tokens[k % len(tokens)]}"}
        frames = ["month", "year", "quarter", "week"]
        try:
            n = 0
            while time.perf_counter() < deadline:
                frame = frames[n % len(frames)]
                n += 1
                await stats.call("GET /dashboard/metrics", conn, "GET", f"/api/v1/dashboard/metrics?timeframe={frame}",
                                 headers=auth)
                await stats.call("GET /dashboard/charts", conn, "GET", f"/api/v1/dashboard/charts?timeframe={frame}",
                                 headers=auth)
        finally:
            await conn.close()

    await asyncio.gather(*(browser() for _ in range(browsers)), *(buyer(k) for k in range(buyers)),
                         *(consultant(k) for k in range(consultants)))
    stats.elapsed = time.perf_counter() - start
    return stats


async def alone(name: str, base: str, concurrency: int, seconds: float, warmup: float,
                request) -> Result:
    """One endpoint, `concurrency` connections, warm-up then `seconds` measured; request(conn, stats, name, k)."""
    for _phase, duration in (("warm-up", warmup), ("measure", seconds)):
        stats = Stats()
        start = time.perf_counter()
        deadline = start + duration

        async def user(k: int, stats: Stats = stats, deadline: float = deadline) -> None:
            conn = RawHttp(base)
            try:
                while time.perf_counter() < deadline:
                    if not await request(conn, stats, name, k):
                        return
            finally:
                await conn.close()

        await asyncio.gather(*(user(k) for k in range(concurrency)))
        stats.elapsed = time.perf_counter() - start
    res = stats.result(name)
    res.note = "python asyncio client" + (f"; {res.note}" if res.note else "")
    return res


def get(path: str):
    async def request(conn: RawHttp, stats: Stats, name: str, k: int) -> bool:
        await stats.call(name, conn, "GET", path)
        return True
    return request


def book(slots: SlotQueue):
    count = collections.Counter()

    async def request(conn: RawHttp, stats: Stats, name: str, k: int) -> bool:
        slot = slots.take()
        if slot is None:
            return False
        count[k] += 1
        await stats.call(name, conn, "POST", f"{PUBLIC}/{slot[0]}/bookings", booking_body(slot[1], f"alone-{k}-{count[k]}"),
                         ok=(201,))
        return True
    return request


# --- report --------------------------------------------------------------------------------------------

def print_table(title: str, rows: list[Result]) -> None:
    print(f"\n{title}")
    header = f"{'endpoint':<46} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'requests':>9} {'errors':>7}  note"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r.name:<46} {fmt(r.rps):>9} {fmt(r.p50_ms, 2):>9} {fmt(r.p99_ms, 2):>9} {r.requests:>9} "
              f"{r.errors:>7}  {r.note}")


def ratio(a: Result, b: Result) -> str:
    return f"{a.rps / b.rps:.2f}" if a.rps and b.rps else "-"


def checks(admin_url: str, stats: Stats) -> None:
    live = "('pending', 'confirmed', 'completed', 'no_show')"
    with psycopg.connect(admin_url) as conn:
        row = conn.execute(f"""
            select
              (select count(*) from app.sessions s join app.consultants c on c.id = s.consultant_id
                where c.slug like '{BOOK_PREFIX}%' and s.status = 'confirmed'),
              (select count(*) from app.sessions a join app.sessions b
                 on a.id < b.id and a.consultant_id = b.consultant_id and a.occupied_during && b.occupied_during
               where a.status in {live} and b.status in {live}),
              (select count(*) from app.webhook_events),
              (select count(*) filter (where status = 'sent') from app.email_logs),
              (select count(*) filter (where status = 'queued') from app.email_logs),
              (select count(*) from procrastinate_jobs where status = 'failed')""").fetchone()
    confirmed = stats.outcomes.get("verify: confirmed", 0)
    print(f"\nchecks: {row[0]} booked sessions confirmed (verify answered 'confirmed' {confirmed} times during the mix), "
          f"{row[1]} overlapping live sessions, {row[2]} webhook events recorded, emails by the worker: {row[3]} sent, "
          f"{row[4]} still queued; {row[5]} failed jobs")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.outcomes.items())))
    if row[1] or row[5]:
        print("CHECK FAILED")


# --- the run -------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=60,
                   help="the mix's duration; each of the five references runs a sixth of it, at least 2 s "
                        "(default 60: about 2.5 min in all with set-up)")
    p.add_argument("--workers", type=int, default=2, help="app processes (nakksha serve --workers; default 2), "
                                                          "and the bare endpoint's uvicorn workers")
    p.add_argument("--job-workers", type=int, default=1, help="`nakksha worker` processes (default 1)")
    p.add_argument("--concurrency", type=int, default=20,
                   help="connections in the mix and in each reference, and pgbench clients (default 20)")
    p.add_argument("--mix", default="10,6,4", help="browsers,buyers,consultants out of --concurrency (default 10,6,4)")
    p.add_argument("--pool", type=int, default=10, help="asyncpg pool max size per app process (default 10)")
    # Bookings of one consultant are serialised until commit (book_slot's lock: the hold caps are exact), so with
    # 20 buyers on 4 pages most of the booking time was that queue (bench/booking_sql.py: Lock:advisory in 70% of
    # the samples); a platform's concurrent bookings are spread over many consultants.
    p.add_argument("--booking-consultants", type=int, default=20,
                   help="consultants whose slots are booked (~11,000 slots each; default 20)")
    p.add_argument("--dashboard-consultants", type=int, default=4, help="consultants with history (default 4)")
    p.add_argument("--history", type=int, default=5000, help="sessions of history per dashboard consultant (default 5000)")
    p.add_argument("--pgbench-threads", type=int, default=2)
    p.add_argument("--log-level", default="INFO", help="the app's LOG_LEVEL (default INFO: an access-log line per request)")
    args = p.parse_args(argv)
    weights = [int(x) for x in args.mix.split(",")]
    if len(weights) != 3 or sum(weights) <= 0:
        p.error("--mix: three counts, browsers,buyers,consultants")
    browsers, buyers, consultants = (round(args.concurrency * w / sum(weights)) for w in weights)
    ref_seconds, warmup = max(2.0, args.seconds / 6), min(2.0, max(0.5, args.seconds / 30))

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    print(f"machine: os.cpu_count() = {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp(prefix="nakksha-bench-load-"))
    children, server = Children(), None
    try:
        t = time.monotonic()
        server, admin_url = embedded_database(tmp, DBNAME)
        jwt_secret = secrets.token_urlsafe(48)
        cid, counts = seed_read_consultant(admin_url, price=PRICE)
        queued = seed_booking_consultants(admin_url, args.booking_consultants)
        tokens = seed_dashboard_consultants(admin_url, args.dashboard_consultants, args.history, jwt_secret)
        slots = SlotQueue(admin_url)
        print(f"database: embedded PostgreSQL, migrated and seeded in {time.monotonic() - t:.1f} s: read consultant "
              f"'{SLUG}' ({counts.get('personal', 0)} personal + {counts.get('webinar', 0)} webinar slots), "
              f"{args.booking_consultants} booking consultants ({queued:,} free paid slots), "
              f"{args.dashboard_consultants} dashboard consultants x {args.history:,} sessions of history")

        fake = children.start("fake-razorpay", [sys.executable, "-u", "-c", FAKE_CHILD], dict(os.environ),
                              tmp / "fake.log")
        deadline = time.monotonic() + 30
        while not (tmp / "fake.log").read_text().strip():
            if fake.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the fake Razorpay did not start:\n" + children.log_tail("fake-razorpay"))
            time.sleep(0.1)
        fake_url = (tmp / "fake.log").read_text().split()[0]

        port, bare_port = free_port(), free_port()
        base_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DATABASE_URL", "APP_DATABASE_URL", "ANALYTICS_DATABASE_URL", "RAZORPAY_",
                                         "RESEND_", "GOOGLE_", "MICROSOFT_", "DB_"))}
        # Development: the mail goes to the local outbox (production refuses to start without Resend's keys).
        env = {**base_env, "DATABASE_URL": admin_url, "NAKKSHA_ENV": "development", "NAKKSHA_DATA_DIR": str(tmp / "appdata"),
               "DB_POOL_MAX": str(args.pool), "DB_POOL_MIN": "0", "LOG_LEVEL": args.log_level, "JWT_SECRET": jwt_secret,
               "PASSWORD_PEPPER": secrets.token_urlsafe(32), "DATA_ENCRYPTION_KEY": secrets.token_urlsafe(32),
               "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET,
               "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "RAZORPAY_API_URL": fake_url}
        app = children.start("app", [sys.executable, "-m", "app.cli", "serve", "--no-worker", "--workers",
                                     str(args.workers), "--host", "127.0.0.1", "--port", str(port)], env, tmp / "app.log")
        for i in range(args.job_workers):
            children.start(f"worker{i}", [sys.executable, "-m", "app.cli", "worker"], env, tmp / f"worker{i}.log")
        bare_env = {**base_env, "BARE_DATABASE_URL": role_url(admin_url, ROLE_APP), "BARE_CONSULTANT_ID": str(cid),
                    "BARE_POOL_MAX": str(args.pool)}
        bare = children.start("bare", [sys.executable, "-c", NODELAY_SHIM + RUN_UVICORN, "--app-dir", str(REPO / "bench"),
                                       "bare_app:app", "--workers", str(args.workers), "--host", "127.0.0.1",
                                       "--port", str(bare_port), "--no-access-log", "--log-level", "warning"],
                              bare_env, tmp / "bare.log")
        base, bare_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        wait_http(f"{base}/readyz", app, children, "app")
        wait_http(f"{base}{PUBLIC}/{SLUG}/slots", app, children, "app")
        wait_http(f"{bare_base}/bare", bare, children, "bare")
        print(f"servers: nakksha serve --workers {args.workers} --no-worker (pool max {args.pool} each), "
              f"{args.job_workers} x nakksha worker, fake Razorpay at {fake_url}, bare endpoint (uvicorn, "
              f"{args.workers} workers); load: python asyncio client, {args.concurrency} connections "
              f"({browsers} browsers, {buyers} buyers, {consultants} consultants) for {args.seconds:g} s, then "
              f"references of {ref_seconds:g} s each (+{warmup:g} s warm-up)")

        stats = asyncio.run(mixed(base, fake_url, slots, tokens, browsers=browsers, buyers=buyers,
                                  consultants=consultants, seconds=args.seconds))
        mix_rows = [stats.result(name) for name in stats.latencies]
        total = Result("all requests", rps=sum(r.requests for r in mix_rows) / stats.elapsed,
                       requests=sum(r.requests for r in mix_rows), errors=sum(r.errors for r in mix_rows))
        all_lat = [x for name in stats.latencies for x in stats.latencies[name]]
        total.p50_ms, total.p99_ms = percentile(all_lat, 50) * 1000, percentile(all_lat, 99) * 1000
        print_table(f"the mix: {stats.elapsed:.1f} s, {args.concurrency} connections", [*mix_rows, total])

        c = args.concurrency
        slots_alone = asyncio.run(alone("GET …/slots", base, c, ref_seconds, warmup, get(f"{PUBLIC}/{SLUG}/slots")))
        bare_alone = asyncio.run(alone("bare endpoint (begin/set caller/pk read)", bare_base, c, ref_seconds, warmup,
                                       get("/bare")))
        pgb_slots = pgbench("pgbench: slots SQL", admin_url, tmp, PGBENCH_SLOTS, clients=c,
                            threads=args.pgbench_threads, duration=ref_seconds)
        book_alone = asyncio.run(alone("POST …/bookings (paid)", base, c, ref_seconds, warmup, book(slots)))
        slots.hand_to_pgbench(admin_url)
        pgb_book = pgbench("pgbench: booking SQL", admin_url, tmp, PGBENCH_BOOKING, clients=c,
                           threads=args.pgbench_threads, duration=ref_seconds)
        slots.back_from_pgbench(admin_url)
        print_table(f"references, each alone: {c} connections / pgbench clients",
                    [slots_alone, bare_alone, pgb_slots, book_alone, pgb_book])
        print(f"\n{'ratio (requests/s, same run, same concurrency)':<46} {'/ pgbench':>10} {'/ bare':>8}")
        print(f"{'GET …/slots':<46} {ratio(slots_alone, pgb_slots):>10} {ratio(slots_alone, bare_alone):>8}")
        print(f"{'POST …/bookings (paid)':<46} {ratio(book_alone, pgb_book):>10} {ratio(book_alone, bare_alone):>8}")
        print(f"slots used: {slots.next:,} of {len(slots.items):,}")
        checks(admin_url, stats)
        print(f"\ntotal run time {time.monotonic() - started:.0f} s (measured with os.cpu_count() = {os.cpu_count()})")
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

# Run: .venv/bin/python bench/load.py                     (2 app processes, 1 job worker, 20 connections, 60 s mix; ~2.5 min)
#      .venv/bin/python bench/load.py --workers 4 --job-workers 2 --seconds 120
# Needs nothing beyond the venv: pgbench comes with the embedded PostgreSQL, the load client is Python (no wrk).
# Test: pytest tests/meta/test_bench_load.py   (its pgbench scripts against the current SQL functions, ~20 s)
#       .venv/bin/python bench/load.py --seconds 6 --history 200 --booking-consultants 1   (a smoke run by hand, ~40 s)
