# bench/dashboard_sql.py — the dashboard's SQL before and after issue 20 side by side: pgbench tps/latency of dashboard_metrics and dashboard_charts against the bare read, their answers compared, and where the time goes (auto_explain).
"""Self-contained: an embedded PostgreSQL in a temporary directory, migrated (the functions of this checkout, in
schema api), then seeded by app.bulk_seed like bench/load.py (4 consultants with 5,000 sessions of history each,
plus small ones). The functions as they were before issue 20 (BASE, read from git) are loaded into a bench-only
schema, bench_old, beside them: the same tables, the same data, the same role.

For each call pgbench runs one transaction the way app/sql.py sends it (begin; SET_CALLER; the call; commit) as
nakksha_app, for a random one of the 4 consultants; the reference is the bare endpoint's SQL (the same with one
primary-key read of app.consultants). Old and new alternate in rounds in one run, so load on the machine hits
both alike; the table prints each one's tps and latency and tps ÷ bare. Before measuring, every timeframe's
answer of the old and the new function is compared for every consultant (they must be equal). --explain prints
the nested statements (auto_explain) of one warm call each, old and new."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bulk_seed import TZ, seed  # noqa: E402
from app.config import ROLE_APP  # noqa: E402
from app.database import role_url  # noqa: E402
from bench._common import REPO, Result, embedded_database, fmt, interruptible, pgbench, scratch  # noqa: E402

DBNAME = "nakksha_bench_dashboard_sql"
BASE = "6f15d07d37b3f431d2ec73e1409e244dc8c0f5d1"  # main before issue 20's dashboard work
OLD_FILES = ("db/functions/dashboard.sql", "db/functions/analytics.sql", "db/functions/app/clients.sql")
OLD_NAMES = ("period_bounds", "rate", "period_totals", "dashboard_metrics_for", "dashboard_metrics", "period_days",
             "chart_unit", "bucket_start", "dashboard_charts_for", "dashboard_charts", "compute_daily_analytics",
             "live_day", "is_repeat_client")
FUNCTION = re.compile(r"^create or replace function (?:api|app)\.(\w+)\(.*?^\$\$;$", re.S | re.M)
TIMEFRAMES = ("today", "week", "month", "quarter", "year", "fy")


def old_functions_sql() -> str:
    """BASE's definitions of OLD_NAMES, renamed into schema bench_old (calls between them included)."""
    blocks = []
    for path in OLD_FILES:
        text = subprocess.run(["git", "show", f"{BASE}:{path}"], cwd=REPO, check=True, capture_output=True,
                              text=True).stdout
        blocks += [m.group(0) for m in FUNCTION.finditer(text) if m.group(1) in OLD_NAMES]
    sql = "\n\n".join(blocks)
    sql = re.sub(r"\b(?:api|app)\.(" + "|".join(OLD_NAMES) + r")\(", r"bench_old.\1(", sql)
    return ("drop schema if exists bench_old cascade;\ncreate schema bench_old;\n" + sql +
            f"\ngrant usage on schema bench_old to {ROLE_APP};\n"
            f"grant execute on all functions in schema bench_old to {ROLE_APP};\n")


def caller_sql(cid_expr: str) -> str:
    return (f"select set_config('app.consultant_id', {cid_expr}, true), set_config('app.admin_id', '', true), "
            "set_config('app.actor_label', 'bench', true), set_config('role', 'none', true);\n")


def script(call: str) -> str:
    """One transaction as app/sql.py runs a named query, for a random consultant of bench_ids."""
    return ("\\set k random(1, 4)\n"
            "select id::text as cid from public.bench_ids where ord = :k \\gset\n"
            "begin;\n" + caller_sql(":cid") + call + ";\ncommit;\n")


BARE = "select id, slug, first_name, last_name, timezone from app.consultants where id = :cid"


def calls(timeframe: str) -> list[tuple[str, str]]:
    return [("bare endpoint SQL (pk read)", BARE),
            (f"metrics {timeframe} old", f"select bench_old.dashboard_metrics('{timeframe}', null, null)"),
            (f"metrics {timeframe} new", f"select api.dashboard_metrics('{timeframe}', null, null)"),
            (f"charts {timeframe} old", f"select bench_old.dashboard_charts('{timeframe}', null, null)"),
            (f"charts {timeframe} new", f"select api.dashboard_charts('{timeframe}', null, null)")]


def compare(app_url: str, ids: list) -> int:
    """Every timeframe (and custom periods around today and in the past), old and new, for each consultant:
    the answers must be equal."""
    compared = 0
    with psycopg.connect(app_url) as conn:
        today = conn.execute(f"select (now() at time zone '{TZ}')::date").fetchone()[0]
        periods = [(tf, None, None) for tf in TIMEFRAMES] + [
            ("custom", today - timedelta(days=d), today + timedelta(days=e)) for d, e in ((89, 0), (400, 3), (0, 0))
        ] + [("custom", today - timedelta(days=800), today - timedelta(days=700)),
             ("custom", today - timedelta(days=3000), today - timedelta(days=1))]
        for cid in ids:
            for tf, a, b in periods:
                for fn in ("dashboard_metrics", "dashboard_charts"):
                    with conn.transaction():
                        conn.execute(caller_sql("%s"), (str(cid),))
                        old = conn.execute(f"select bench_old.{fn}(%s, %s, %s)", (tf, a, b)).fetchone()[0]
                        new = conn.execute(f"select api.{fn}(%s, %s, %s)", (tf, a, b)).fetchone()[0]
                    if old != new:
                        diff = {k: (old.get(k), new.get(k)) for k in set(old) | set(new) if old.get(k) != new.get(k)}
                        raise SystemExit(f"{fn}({tf}, {a}, {b}) differs for {cid}: {diff}")
                    compared += 1
    return compared


def explain(admin_url: str, cid, sql: str, top: int) -> None:
    """The 10th call on a connection (plans cached, as in the app), its nested statements by duration (rows and
    buffers counted, per-node timing off: on this kind of machine the clock costs more than the nodes)."""
    notices: list[str] = []
    with psycopg.connect(admin_url) as conn:
        conn.execute("load 'auto_explain'")
        for s in ("auto_explain.log_analyze = on", "auto_explain.log_timing = off", "auto_explain.log_nested_statements = on",
                  "auto_explain.log_buffers = on", "auto_explain.log_level = notice", "client_min_messages = notice"):
            conn.execute(f"set {s}")
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        for run in range(10):
            conn.execute("set auto_explain.log_min_duration = %s" % (0 if run == 9 else -1))
            notices.clear()
            with conn.transaction():
                conn.execute(caller_sql("%s"), (str(cid),))
                conn.execute(sql).fetchone()
    stmts = []
    for msg in notices:
        if m := re.match(r"duration: ([\d.]+) ms\s+plan:\s*Query Text: (.*)", msg, re.S):
            hits = sum(int(h) for h in re.findall(r"shared hit=(\d+)", msg.split("\n", 3)[-1][:400]))
            stmts.append((float(m.group(1)), " ".join(m.group(2).split()), hits))
    print(f"\n-- {sql}: {len(stmts)} statements (nested included; a caller's time includes its callees'), "
          f"slowest {top}:")
    for ms, text, hits in sorted(stmts, key=lambda r: -r[0])[:top]:
        print(f"   {ms:>8.3f} ms  {hits:>5} buffers  {text[:100]}")


def table(rows: list[Result], bare: Result) -> None:
    print(f"\n{'call (pgbench -M prepared, one transaction each)':<40} {'tps':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'÷ bare':>7} {'errors':>6}")
    for r in rows:
        print(f"{r.name:<40} {fmt(r.rps, 0):>9} {fmt(r.p50_ms, 3):>8} {fmt(r.p99_ms, 3):>8} "
              f"{(r.rps or 0) / (bare.rps or 1):>7.2f} {r.errors:>6}")


@interruptible
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--history", type=int, default=5000, help="sessions of history per measured consultant")
    p.add_argument("--small", type=int, default=50, help="small consultants (100 sessions each) for realism")
    p.add_argument("--timeframes", default="month,year", help="timeframes measured (month is the default call)")
    p.add_argument("--seconds", type=float, default=5, help="pgbench duration per call and round")
    p.add_argument("--rounds", type=int, default=2, help="rounds of all calls (alternating old and new)")
    p.add_argument("--clients", type=int, default=2, help="pgbench clients (= threads)")
    p.add_argument("--explain", action="store_true", help="nested statements of one warm call, old and new")
    args = p.parse_args(argv)
    started = time.monotonic()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with scratch("nakksha-bench-dashsql-") as run:
        tmp = run.dir
        server, admin_url = embedded_database(tmp, DBNAME)
        run.keep(server)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            ids = seed(admin, 4 + args.small, [args.history] * 4 + [100] * args.small, out=open(os.devnull, "w"))[:4]
            admin.execute("create table public.bench_ids as "
                          "select ord::int, id from unnest(%s::uuid[]) with ordinality u(id, ord)", (ids,))
            admin.execute(f"grant select on public.bench_ids to {ROLE_APP}")
            admin.execute(old_functions_sql())
            admin.execute("vacuum analyze")
        print(f"database: embedded PostgreSQL; 4 consultants x {args.history:,} sessions + {args.small} x 100; "
              f"old functions from {BASE[:7]} in schema bench_old")
        app_url = role_url(admin_url, ROLE_APP)
        print(f"compared old and new answers: {compare(app_url, ids)} calls, all equal")
        results: dict[str, list[Result]] = {}
        for rnd in range(args.rounds):
            for tf in args.timeframes.split(","):
                for name, call in calls(tf):
                    if name.startswith("bare") and tf != args.timeframes.split(",")[0]:
                        continue
                    r = pgbench(name, admin_url, tmp, script(call), clients=args.clients, threads=args.clients,
                                duration=args.seconds)
                    results.setdefault(name, []).append(r)
            print(f"round {rnd + 1}/{args.rounds} done")
        best = {name: max(rs, key=lambda r: r.rps or 0) for name, rs in results.items()}  # each one's best round
        print(f"\nbest of {args.rounds} rounds, {args.clients} pgbench clients, {args.seconds:.0f} s each; "
              f"load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        table(list(best.values()), best["bare endpoint SQL (pk read)"])
        if args.explain:
            for tf in args.timeframes.split(","):
                for _name, call in calls(tf)[1:]:
                    explain(admin_url, ids[0], call, top=8)
        print(f"\ntotal run time {time.monotonic() - started:.0f} s")
        return 0


if __name__ == "__main__":
    sys.exit(main())

# Run: .venv/bin/python bench/dashboard_sql.py            (month and year, 2 rounds of 5 s per call)
#      .venv/bin/python bench/dashboard_sql.py --explain  (adds the nested statements of a warm call, old and new)
# Test: .venv/bin/python bench/dashboard_sql.py --history 500 --small 2 --seconds 1 --rounds 1   (a smoke run)
