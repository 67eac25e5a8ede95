# bench/dashboard.py — dashboard latency (p50/p95) for consultants with 1k, 10k and 100k sessions of history: the dashboard must not grow with history.
"""Self-contained: an embedded PostgreSQL in a temporary directory, migrated, then seeded set-based by
bench/seed.py with three consultants of 1,000, 10,000 and 100,000 sessions (same density, one every 3 hours,
so only the length of history differs; today's sessions and payments included so the live part runs) plus a
few hundred small consultants. For each of the three, as the app does it (role nakksha_app, a transaction,
app/sql.py's SET_CALLER, the API function), W warm-up then N timed calls of

  api.dashboard_metrics('month' | 'year' | 'custom' last 90 days), and api.dashboard_charts('year');

prints p50/p95 per consultant and call, and the ratio p50(largest)/p50(smallest) per call: close to 1 means
the dashboard does not grow with history. --explain prints EXPLAIN ANALYZE of the slowest call's statements
for the largest consultant (auto_explain, nested statements)."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bulk_seed import TZ, seed  # noqa: E402
from app.config import ROLE_APP  # noqa: E402
from app.database import role_url, start_embedded, with_database  # noqa: E402
from app.migrate import migrate  # noqa: E402
from app.sql import SET_CALLER  # noqa: E402
from bench._common import percentile  # noqa: E402

DBNAME = "nakksha_bench_dashboard"


def calls(today: date) -> list[tuple[str, str, tuple]]:
    custom = (today - timedelta(days=89), today)
    return [("metrics month", "select api.dashboard_metrics('month', null, null)", ()),
            ("metrics year", "select api.dashboard_metrics('year', null, null)", ()),
            ("metrics custom 90 days", "select api.dashboard_metrics('custom', %s, %s)", custom),
            ("charts year", "select api.dashboard_charts('year', null, null)", ())]


# asyncpg's $n as psycopg's %(pn)s (a parameter may appear more than once)
SET_CALLER_PG = re.sub(r"\$(\d)", r"%(p\1)s", SET_CALLER)


def caller(cid) -> dict[str, str]:
    return {"p1": str(cid), "p2": "", "p3": "bench"}


def measure(conn: psycopg.Connection, cids: list, sql: str, args: tuple, warmup: int, n: int) -> list[list[float]]:
    """Interleaved: each round calls once per consultant, so drifting load on the machine hits all alike."""
    out: list[list[float]] = [[] for _ in cids]
    for k in range(warmup + n):
        for j, cid in enumerate(cids):
            with conn.transaction():
                conn.execute(SET_CALLER_PG, caller(cid))
                t = time.perf_counter()
                conn.execute(sql, args or None).fetchone()
                dt = (time.perf_counter() - t) * 1000
            if k >= warmup:
                out[j].append(dt)
    return out


def check(admin: psycopg.Connection, ids: list, counts: list[int]) -> None:
    """The derived data is what the app would have kept: daily_analytics equals a recount from the base tables,
    client totals equal their sessions, no marks left."""
    for cid, n in zip(ids, counts, strict=True):
        da = admin.execute("select coalesce(sum(total_sessions + abandoned_sessions), 0), coalesce(sum(total_revenue), 0), "
                           "coalesce(sum(refunded_amount), 0), count(*) from app.daily_analytics where consultant_id = %s",
                           (cid,)).fetchone()
        base = admin.execute(
            "select (select count(*) from app.sessions where consultant_id = %(c)s),"
            " (select coalesce(sum(amount), 0) from app.payment_transactions where consultant_id = %(c)s"
            "   and status in ('completed', 'refunded', 'partially_refunded')),"
            " (select coalesce(sum(amount), 0) from app.payment_refunds where consultant_id = %(c)s and status = 'processed'),"
            " (select count(*) from app.clients where consultant_id = %(c)s),"
            " (select count(*) from app.clients c where consultant_id = %(c)s and total_sessions <> (select count(*)"
            "   from app.sessions s where s.client_id = c.id and s.status in ('confirmed', 'completed', 'no_show'))),"
            " (select count(*) from app.sessions where consultant_id = %(c)s"
            f"   and starts_at >= date_trunc('day', now() at time zone '{TZ}') at time zone '{TZ}'),"
            " (select min(starts_at)::date from app.sessions where consultant_id = %(c)s)",
            {"c": cid}).fetchone()
        ok = base[0] == n and da[0] == base[0] and da[1] == base[1] and da[2] == base[2] and base[4] == 0
        print(f"  check {n:>7,} sessions: daily_analytics {da[3]:,} days, {da[0]:,} sessions, revenue {da[1]:,}, "
              f"refunds {da[2]:,}; {base[3]:,} clients, {base[5]} sessions today, history from {base[6]} "
              f"-> {'OK' if ok else 'MISMATCH'}")
        if not ok:
            raise SystemExit(f"derived data mismatch: {da} vs {base}")
    left = admin.execute("select count(*) from app.analytics_dirty").fetchone()[0]
    print(f"  check: {left} analytics marks left")


def explain(admin_url: str, cid, name: str, sql: str, args: tuple, top: int, plans_over_ms: float) -> None:
    """auto_explain needs the superuser to LOAD: the same call as the superuser with the same caller settings.
    Prints every nested statement's duration (the slowest `top`), and the plans of table-reading statements
    slower than plans_over_ms."""
    notices: list[str] = []
    with psycopg.connect(admin_url) as conn:
        conn.execute("load 'auto_explain'")
        for setting in ("auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on",
                        "auto_explain.log_nested_statements = on", "auto_explain.log_buffers = on",
                        "auto_explain.log_level = notice", "client_min_messages = notice"):
            conn.execute(f"set {setting}")
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        for run in range(1, 11):  # run 1: a fresh connection's custom plans; run 10: the steady state
            notices.clear()
            with conn.transaction():
                conn.execute(SET_CALLER_PG, caller(cid))
                conn.execute(sql, args or None).fetchone()
            if run in (1, 10):
                report(f"{name}, call {run} on the connection", list(notices), top, plans_over_ms)


def report(title: str, notices: list[str], top: int, plans_over_ms: float) -> None:
    stmts = []
    for msg in notices:
        m = re.match(r"duration: ([\d.]+) ms\s+plan:\s*Query Text: (.*)", msg, re.S)
        if m:
            stmts.append((float(m.group(1)), " ".join(m.group(2).split("\n")[0].split()), msg))
    print(f"\n-- {title}: {len(stmts)} statements (nested included; callers include their callees), slowest {top}:")
    for ms, text, _ in sorted(stmts, key=lambda r: -r[0])[:top]:
        print(f"   {ms:>8.3f} ms  {text[:110]}")
    shown: set[str] = set()
    for ms, text, msg in stmts:
        if (ms >= plans_over_ms and re.search(r"Scan (?:using \S+ )?on (?!\"\*SELECT)", msg)
                and not text.lower().startswith("select api.") and text not in shown):
            shown.add(text)
            print(f"\n   plan ({ms:.3f} ms):")
            print("\n".join("     " + line for line in msg.splitlines()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000", help="sessions of the measured consultants")
    p.add_argument("--small", type=int, default=300, help="small consultants (100 sessions each) for realism")
    p.add_argument("--iterations", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--explain", action="store_true",
                   help="per call, the largest consultant's nested statements by duration, and plans of the slow ones")
    p.add_argument("--plans-over", type=float, default=0.3, help="--explain: plans of statements over this many ms")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.monotonic()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp(prefix="nakksha-bench-dash-"))
    server = None
    try:
        server = start_embedded(tmp / "db", cleanup_mode="delete")
        with psycopg.connect(with_database(server.get_uri(), "postgres"), autocommit=True) as conn:
            conn.execute(f'create database "{DBNAME}"')
        admin_url = with_database(server.get_uri(), DBNAME)
        t = time.monotonic()
        migrate(admin_url, dump=False, dev=True)
        print(f"database: embedded PostgreSQL, migrated in {time.monotonic() - t:.1f} s")
        with psycopg.connect(admin_url, autocommit=True) as admin:
            print(f"seeding {len(sizes)} measured consultants ({', '.join(f'{s:,}' for s in sizes)} sessions) "
                  f"and {args.small} small ones (100 sessions each):")
            counts = sizes + [100] * args.small
            ids = seed(admin, len(counts), counts)[:len(sizes)]
            check(admin, ids, sizes)
            today = admin.execute(f"select (now() at time zone '{TZ}')::date").fetchone()[0]
        app_url = role_url(admin_url, ROLE_APP)
        results: dict[tuple[int, str], list[float]] = {}
        print(f"\nmeasuring as {ROLE_APP}: {args.warmup} warm-up + {args.iterations} timed calls each "
              f"(statement time, in a transaction after SET_CALLER); today is {today} ({TZ})")
        with psycopg.connect(app_url) as conn:
            for name, sql, cargs in calls(today):
                for size, ms in zip(sizes, measure(conn, ids, sql, cargs, args.warmup, args.iterations), strict=True):
                    results[(size, name)] = ms
        names = [c[0] for c in calls(today)]
        print(f"\n{'sessions':>9}  {'call':<24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for size in sizes:
            for name in names:
                ms = results[(size, name)]
                print(f"{size:>9,}  {name:<24} {percentile(ms, 50):>8.2f} {percentile(ms, 95):>8.2f} {max(ms):>8.2f}")
        lo, hi = sizes[0], sizes[-1]
        print(f"\nratio p50({hi:,}) / p50({lo:,}) per call (1.0 = does not grow with history):")
        for name in names:
            r = percentile(results[(hi, name)], 50) / percentile(results[(lo, name)], 50)
            r95 = percentile(results[(hi, name)], 95) / percentile(results[(lo, name)], 95)
            print(f"  {name:<24} p50 x{r:.2f}   p95 x{r95:.2f}")
        if args.explain:
            print(f"\nEXPLAIN ANALYZE (auto_explain, nested statements) for the {hi:,}-session consultant:")
            for name, sql, cargs in calls(today):
                explain(admin_url, ids[-1], name, sql, cargs, top=8, plans_over_ms=args.plans_over)
        print(f"\ntotal run time {time.monotonic() - started:.0f} s")
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

# Run: .venv/bin/python bench/dashboard.py            (1k/10k/100k sessions + 300 small consultants; 200 calls each)
#      .venv/bin/python bench/dashboard.py --explain  (adds EXPLAIN ANALYZE of the call that grows most)
# Test: .venv/bin/python bench/dashboard.py --sizes 100,1000 --small 5 --iterations 20 --warmup 2   (a smoke run)
