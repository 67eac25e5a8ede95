# bench/scale.py — slots, booking and dashboard latency (p50/p99) at 10,000 consultants (a year of slots each, 1,000,000 sessions) against 100 consultants with the same data each: the ratio must stay under 1.3; table and index sizes.
"""Self-contained: one embedded PostgreSQL in a temporary directory with two databases, migrated and seeded
set-based by app.bulk_seed.seed (what `nakksha seed-demo --scale N --sessions 100 --slots` runs): the small one
with --small consultants (default 100), the large one with --consultants (default 10,000), each consultant with
--sessions sessions of history (default 100: a million sessions at 10,000) and a year of slots (~730).

Then one `nakksha serve --no-worker --workers N` per database (development mode: the local payment gateway
and the local outbox), and for each database, against --sample consultants picked at random (the same
positions in both), each request kind alone for --seconds at --concurrency keep-alive connections (the Python
asyncio client, bench/_common.RawHttp, the same for both sizes):

  GET  /api/v1/public/consultants/{slug}/slots          the public slot list;
  POST /api/v1/public/consultants/{slug}/bookings       a paid personal booking of a free slot (distinct slots
                                                        and clients: nothing collides);
  GET  /api/v1/dashboard/metrics and /charts             as the consultant (an access token under the app's
                                                        JWT secret), this month.

The sizes are measured in turn, --rounds times (small, large, small, large…), so load from elsewhere on the
machine falls on both alike; the latencies of all rounds are pooled. Prints the seed time of each database,
p50/p99 per request at both sizes and the ratios large/small (OVER when above --limit, 1.3), the table, index
and TOAST sizes of the large database's biggest tables and its largest indexes. Everything it starts is
stopped on exit, the temporary directory removed.

Seeding 10,000 consultants takes 15–20 minutes on two cores (the slots dominate: 7.3 million rows and four
B-tree indexes); time it first with --consultants 1000 (about ten times faster)."""
from __future__ import annotations

import argparse
import asyncio
import collections
import io
import json
import os
import random
import re
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
from app.database import start_embedded, with_database  # noqa: E402
from app.migrate import migrate  # noqa: E402
from bench._common import (  # noqa: E402
    LIFT_BOOKING_LIMITS,
    Children,
    RawHttp,
    free_port,
    percentile,
    wait_http,
)

PUBLIC = "/api/v1/public/consultants"
KINDS = ("GET …/slots", "POST …/bookings (paid)", "GET /dashboard/metrics", "GET /dashboard/charts")


# --- databases -----------------------------------------------------------------------------------------

def create_database(server, dbname: str) -> str:
    with psycopg.connect(with_database(server.get_uri(), "postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    url = with_database(server.get_uri(), dbname)
    migrate(url, dump=False, dev=True)
    return url


def seed_database(url: str, consultants: int, sessions: int, *, verbose: bool) -> float:
    """bulk_seed with slots (its stage table printed when verbose); the booking limits lifted. Seconds taken."""
    t = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        bulk_seed(conn, consultants, sessions, prefix="scale", slots=True, out=None if verbose else io.StringIO())
        conn.execute(LIFT_BOOKING_LIMITS)
    return time.monotonic() - t


class Target:
    """One database's sample of consultants: slugs, access tokens, and a queue of their free personal slots."""

    def __init__(self, name: str, url: str, positions: list[int], jwt_secret: str):
        self.name, self.url = name, url
        with psycopg.connect(url) as conn:
            rows = conn.execute(
                "select id, email::text, slug from app.consultants order by slug").fetchall()
            chosen = [rows[p % len(rows)] for p in positions]
            self.slugs = [slug for _, _, slug in chosen]
            self.tokens = [issue_access_token(jwt_secret, subject=cid, email=email, role="consultant",
                                              consultant_slug=slug) for cid, email, slug in chosen]
            free = conn.execute(
                "select c.slug, s.id::text from app.availability_slots s join app.consultants c on c.id = s.consultant_id "
                "where c.id = any(%s) and s.session_type = 'personal' and s.booked_count = 0 "
                "and s.starts_at > now() + interval '2 days' and s.starts_at < now() + interval '360 days'",
                ([cid for cid, _, _ in chosen],)).fetchall()
        random.shuffle(free)
        self.free = free
        self.base = ""

    def requests(self, kind: str):
        """An endless supply of (method, path, body, headers) for one request kind, round the sample."""
        n = 0
        while True:
            k = n % len(self.slugs)
            n += 1
            if kind == "GET …/slots":
                yield "GET", f"{PUBLIC}/{self.slugs[k]}/slots", None, None
            elif kind.startswith("GET /dashboard/"):
                what = kind.rsplit("/", 1)[1]
                yield ("GET", f"/api/v1/dashboard/{what}?timeframe=month", None,
                       {"Authorization": f"Bearer {self.tokens[k]}"})
            else:
                if not self.free:
                    return
                slug, slot_id = self.free.pop()
                body = json.dumps({"slot_id": slot_id, "session_type": "personal",
                                   "client": {"name": f"Scale Client {n}",
                                              "email": f"scale-{secrets.token_hex(6)}@example.com"}}).encode()
                yield "POST", f"{PUBLIC}/{slug}/bookings", body, None


ERRORS: dict[tuple[str, str], bytes] = {}  # (database, status) -> the first such answer's body, for the report


async def measure(target: Target, kind: str, concurrency: int, seconds: float,
                  latencies: list[float], statuses: collections.Counter) -> float:
    """`concurrency` connections sending `kind` for `seconds`; appends latencies and counts statuses. Elapsed s."""
    supply = target.requests(kind)
    start = time.perf_counter()
    deadline = start + seconds
    ok = (201,) if kind.startswith("POST") else (200,)

    async def user() -> None:
        conn = RawHttp(target.base)
        try:
            while time.perf_counter() < deadline:
                item = next(supply, None)
                if item is None:
                    return
                method, path, body, headers = item
                t = time.perf_counter()
                try:
                    status, payload = await conn.request(method, path, body, headers)
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    await conn.close()
                    status, payload = 0, b"connection error"
                latencies.append(time.perf_counter() - t)
                statuses["ok" if status in ok else str(status)] += 1
                if status not in ok:
                    ERRORS.setdefault((target.name, f"{kind} {status}"), payload[:300])
        finally:
            await conn.close()

    await asyncio.gather(*(user() for _ in range(concurrency)))
    return time.perf_counter() - start


def booking_sql(url: str, target: Target, *, tries: int = 5, explain: bool = False) -> tuple[list[float], list[str]]:
    """The booking's SQL alone, as the app sends it for a public caller (booking_quote, then book_slot with the
    visitor's address hash), on `tries` free slots of the sample: milliseconds per booking, and with explain
    the plans of the slowest nested statements of the slowest booking (auto_explain, as the superuser acting
    as nakksha_app)."""
    caller = ("select set_config('app.consultant_id', '', true), set_config('app.admin_id', '', true), "
              "set_config('app.actor_label', '', true)")
    times, notices, worst = [], [], (0.0, [])
    with psycopg.connect(url, autocommit=True) as conn:
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        if explain:
            conn.execute("load 'auto_explain'")
            conn.execute("set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; "
                          "set auto_explain.log_analyze = on; set auto_explain.log_level = notice; "
                          "set auto_explain.log_format = json")
        conn.execute("set role nakksha_app")
        for _ in range(min(tries, len(target.free))):
            slug, slot_id = target.free.pop()
            email, ip = f"sql-{secrets.token_hex(6)}@example.com", secrets.token_bytes(32)
            notices.clear()
            t = time.perf_counter()
            with conn.transaction():
                conn.execute(caller)
                quote = conn.execute("select api.booking_quote(%s, %s, 'personal', %s, %s, null, null)",
                                     (slug, slot_id, email, ip)).fetchone()[0]
            with conn.transaction():
                conn.execute(caller)
                sid = quote["session_id"]
                conn.execute("select api.book_slot(%s, %s, 'personal', 'Sql Client', %s, null, null, null, %s, "
                             "'v1.x', null, %s, %s, 'local', %s, %s, null, %s)",
                             (slug, slot_id, email, secrets.token_bytes(32), secrets.token_bytes(32), sid,
                              "order_" + secrets.token_hex(7), quote["amount_paise"], ip))
            times.append((time.perf_counter() - t) * 1000)
            if times[-1] > worst[0]:
                worst = (times[-1], list(notices))

    def ms(text: str) -> float:
        m = re.search(r"duration: ([\d.]+) ms", text)
        return float(m.group(1)) if m else 0.0
    nested = [n for n in worst[1] if '"select api.book' not in n]  # the two calls themselves
    return times, [compact_plan(n) for n in sorted(nested, key=ms, reverse=True)[:4]]


def compact_plan(notice: str) -> str:
    """auto_explain's JSON notice as its duration, the statement's first words and one line per plan node
    (type, relation or index, rows, time): enough to see a sequential scan where an index was meant."""
    head, _, body = notice.partition("plan:")
    try:
        doc = json.loads(body)
    except ValueError:
        return notice[:1500]
    query = " ".join(re.sub(r"--[^\n]*", "", str(doc.get("Query Text", ""))).split())[:160]
    lines = [f"{head.strip()} {query}"]

    def walk(node: dict, depth: int) -> None:
        what = node.get("Node Type", "?")
        on = node.get("Index Name") or node.get("Relation Name") or ""
        lines.append(f"{'  ' * depth}{what}{' on ' + on if on else ''}: rows {node.get('Actual Rows', '?')}, "
                     f"loops {node.get('Actual Loops', '?')}, {node.get('Actual Total Time', '?')} ms"
                     + (f", removed by filter {node['Rows Removed by Filter']}" if node.get("Rows Removed by Filter")
                        else ""))
        for child in node.get("Plans", []):
            walk(child, depth + 1)
    walk(doc.get("Plan", {}), 1)
    return "\n".join(lines[:25])


# --- report --------------------------------------------------------------------------------------------

SIZES = """
select c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid), pg_relation_size(c.oid),
       pg_indexes_size(c.oid), coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)
from pg_class c where c.relnamespace = 'app'::regnamespace and c.relkind in ('r', 'm', 'p')
order by pg_total_relation_size(c.oid) desc limit %s"""
INDEXES = """
select i.relname, t.relname, pg_relation_size(i.oid) from pg_index x join pg_class i on i.oid = x.indexrelid
join pg_class t on t.oid = x.indrelid where t.relnamespace = 'app'::regnamespace
order by pg_relation_size(i.oid) desc limit %s"""


def mb(n: int) -> str:
    return f"{n / 1048576:,.1f} MB"


def print_sizes(url: str, label: str, tables: int = 12, indexes: int = 12) -> None:
    with psycopg.connect(url) as conn:
        db = conn.execute("select pg_database_size(current_database())").fetchone()[0]
        rows = conn.execute(SIZES, (tables,)).fetchall()
        idx = conn.execute(INDEXES, (indexes,)).fetchall()
    print(f"\nsizes, {label}: database {mb(db)}")
    header = f"{'table':<30} {'rows':>12} {'total':>12} {'heap':>12} {'indexes':>12} {'toast':>10}"
    print(header)
    print("-" * len(header))
    for name, n, total, heap, ind, toast in rows:
        print(f"{name:<30} {max(n, 0):>12,} {mb(total):>12} {mb(heap):>12} {mb(ind):>12} {mb(toast):>10}")
    print(f"\n{'largest indexes':<52} {'table':<24} {'size':>12}")
    for name, table, size in idx:
        print(f"{name:<52} {table:<24} {mb(size):>12}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--consultants", type=int, default=10_000, help="consultants in the large database (default 10,000)")
    p.add_argument("--small", type=int, default=100, help="consultants in the small database (default 100)")
    p.add_argument("--sessions", type=int, default=100, help="sessions of history per consultant (default 100)")
    p.add_argument("--sample", type=int, default=5, help="consultants the requests go to, per database (default 5)")
    p.add_argument("--concurrency", type=int, default=8, help="connections per measurement (default 8)")
    p.add_argument("--seconds", type=float, default=8, help="each request kind's time per round (default 8)")
    p.add_argument("--warmup", type=float, default=2, help="warm-up per request kind, first round (default 2)")
    p.add_argument("--rounds", type=int, default=2, help="small, large, small, large… (default 2)")
    p.add_argument("--workers", type=int, default=2, help="nakksha serve --workers, each database (default 2)")
    p.add_argument("--limit", type=float, default=1.3, help="the ratio large/small to stay under (default 1.3)")
    p.add_argument("--log-level", default="WARNING", help="the apps' LOG_LEVEL (default WARNING)")
    p.add_argument("--explain", action="store_true",
                   help="print the plans of the slowest statements of the booking's SQL at each size (auto_explain)")
    args = p.parse_args(argv)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    cores = os.cpu_count() or 1
    print(f"machine: os.cpu_count() = {cores} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp(prefix="nakksha-bench-scale-"))
    children, server = Children(), None
    try:
        server = start_embedded(tmp / "db", cleanup_mode="delete")
        sizes = {"small": args.small, "large": args.consultants}
        urls, seconds = {}, {}
        for name, n in sizes.items():
            urls[name] = create_database(server, f"nakksha_scale_{name}")
            print(f"seeding {name}: {n:,} consultants x {args.sessions} sessions, a year of slots each …", flush=True)
            seconds[name] = seed_database(urls[name], n, args.sessions, verbose=name == "large")
            print(f"seed {name}: {n:,} consultants, {n * args.sessions:,} sessions in {seconds[name]:.0f} s "
                  f"({seconds[name] / n * 1000:.1f} ms per consultant)", flush=True)

        jwt_secret = secrets.token_urlsafe(48)
        positions = random.sample(range(min(sizes.values())), min(args.sample, min(sizes.values())))
        targets = {name: Target(name, url, positions, jwt_secret) for name, url in urls.items()}
        env_base = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DATABASE_URL", "APP_DATABASE_URL", "ANALYTICS_DATABASE_URL", "RAZORPAY_",
                                         "RESEND_", "GOOGLE_", "MICROSOFT_", "DB_"))}
        for name, target in targets.items():
            port = free_port()
            env = {**env_base, "DATABASE_URL": target.url, "NAKKSHA_ENV": "development",
                   "NAKKSHA_DATA_DIR": str(tmp / f"appdata-{name}"), "LOG_LEVEL": args.log_level,
                   "JWT_SECRET": jwt_secret, "PASSWORD_PEPPER": secrets.token_urlsafe(32),
                   "DATA_ENCRYPTION_KEY": secrets.token_urlsafe(32), "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
            proc = children.start(name, [sys.executable, "-m", "app.cli", "serve", "--no-worker", "--workers",
                                         str(args.workers), "--host", "127.0.0.1", "--port", str(port)], env,
                                  tmp / f"app-{name}.log")
            target.base = f"http://127.0.0.1:{port}"
            wait_http(f"{target.base}/healthz", proc, children, name)  # /readyz also wants a job worker
            wait_http(f"{target.base}{PUBLIC}/{target.slugs[0]}/slots", proc, children, name)
        print(f"servers: nakksha serve --workers {args.workers} per database; requests to {len(positions)} random "
              f"consultants, {args.concurrency} connections, {args.seconds:g} s per kind and round, {args.rounds} "
              f"rounds (+{args.warmup:g} s warm-up)", flush=True)

        lat = {(n, k): [] for n in targets for k in KINDS}
        st = {(n, k): collections.Counter() for n in targets for k in KINDS}
        elapsed = collections.Counter()
        for r in range(args.rounds):
            for name, target in targets.items():
                for kind in KINDS:
                    if r == 0 and args.warmup > 0:
                        asyncio.run(measure(target, kind, args.concurrency, args.warmup, [], collections.Counter()))
                    elapsed[(name, kind)] += asyncio.run(measure(target, kind, args.concurrency, args.seconds,
                                                                 lat[(name, kind)], st[(name, kind)]))

        print(f"\nlatency (ms), {args.small:,} vs {args.consultants:,} consultants ({args.sessions} sessions and a year "
              f"of slots each)")
        header = (f"{'request':<26} {'small p50':>10} {'small p99':>10} {'large p50':>10} {'large p99':>10} "
                  f"{'ratio p50':>10} {'ratio p99':>10} {'req/s s/l':>12}  errors")
        print(header)
        print("-" * len(header))
        over = []
        for kind in KINDS:
            s, g = lat[("small", kind)], lat[("large", kind)]
            q = {(n, pc): (percentile(lat[(n, kind)], pc) or 0) * 1000 for n in targets for pc in (50, 99)}
            r50 = q[("large", 50)] / q[("small", 50)] if q[("small", 50)] else None
            r99 = q[("large", 99)] / q[("small", 99)] if q[("small", 99)] else None
            flag = [x for x in (r50, r99) if x is not None and x > args.limit]
            if flag:
                over.append(kind)
            rps = "/".join(f"{len(v) / elapsed[(n, kind)]:.0f}" if elapsed[(n, kind)] else "-"
                           for n, v in (("small", s), ("large", g)))
            errors = {n: {k: v for k, v in st[(n, kind)].items() if k != "ok"} for n in targets}
            print(f"{kind:<26} {q[('small', 50)]:>10.1f} {q[('small', 99)]:>10.1f} {q[('large', 50)]:>10.1f} "
                  f"{q[('large', 99)]:>10.1f} {r50 or 0:>10.2f} {r99 or 0:>10.2f} {rps:>12}  "
                  + ", ".join(f"{n}: {e}" for n, e in errors.items() if e) + ("  OVER" if flag else ""))
        print(f"ratios large/small must stay under {args.limit:g}: "
              + ("all do" if not over else "OVER for " + ", ".join(over)))
        for (name, what), body in ERRORS.items():
            print(f"  first error answer, {name} {what}: {body.decode(errors='replace')}")
            print("    app log: " + " | ".join(children.log_tail(name, 3).splitlines())[:600])
        for name, url in urls.items():
            times, plans = booking_sql(url, targets[name], explain=args.explain)
            print(f"booking SQL alone, {name} (booking_quote + book_slot, no HTTP, no gateway): "
                  + (", ".join(f"{x:.1f}" for x in times) + " ms" if times
                     else "not measured (the HTTP rounds booked every free slot of the sample)"))
            for plan in plans:
                print("    " + plan.replace("\n", "\n    "))
        print_sizes(urls["large"], f"{args.consultants:,} consultants")
        print(f"\nseed time: small {seconds['small']:.0f} s, large {seconds['large']:.0f} s; "
              f"total run time {time.monotonic() - started:.0f} s (os.cpu_count() = {cores}, load average now "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        return 1 if over else 0
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

# Run: .venv/bin/python bench/scale.py                          (10,000 vs 100 consultants; ~20 min, mostly seeding)
#      .venv/bin/python bench/scale.py --consultants 1000        (a tenth of the size: ~3 min)
#      .venv/bin/python bench/scale.py --consultants 300 --small 30 --seconds 3 --rounds 1   (a smoke run, ~1.5 min)
# Test: .venv/bin/python bench/scale.py --consultants 300 --small 30 --seconds 3 --rounds 1   (by hand; not in make test)
