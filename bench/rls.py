# bench/rls.py — what row-level security costs: the main list and dashboard reads as the app role through the policies, against the same reads as the table owner with an explicit consultant filter (pgbench, same concurrency).
"""Self-contained: an embedded PostgreSQL in a temporary directory, migrated, seeded set-based (app.bulk_seed:
--consultants approved consultants with --sessions sessions each, weekly rules and a year of slots, plus
--quotations quotations each).

Each read runs three times under pgbench (-M prepared, --clients clients, --seconds each), a random consultant
per transaction:
  * rls:        as nakksha_app, `set_config('app.consultant_id', …, true)` then the read with NO consultant
                filter: the policies alone decide whose rows it sees;
  * rls+filter: as nakksha_app, the policies and the filter written out too (the policies still decide what
                is visible; the filter is redundant with the consultant's equality policy);
  * owner:      as nakksha_owner (the policies do not bind the table owner), the read with the filter.
It prints transactions/s and the ratios rls ÷ owner and rls+filter ÷ owner (the issue's target is ≥ 0.85).
The reads: the sessions list page (20 newest), upcoming slots (14 days), the quotations list (20 newest), the
clients list (20 by last session), and this month's session count and revenue (the dashboard's headline)."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bulk_seed import seed  # noqa: E402
from app.config import ROLE_APP, ROLE_OWNER  # noqa: E402
from bench._common import embedded_database, fmt, pgbench  # noqa: E402

DBNAME = "nakksha_bench_rls"

# name -> the read, with {filter} where the owner's version says whose rows (the app's says nothing).
READS = {
    "sessions list": """select jsonb_agg(x) from (select s.id, s.starts_at, s.status, s.amount from app.sessions s
                        {where} order by s.starts_at desc limit 20) x;""",
    "upcoming slots": """select count(*), min(s.starts_at) from app.availability_slots s
                         where {and_filter} s.starts_at >= now() and s.starts_at < now() + interval '14 days';""",
    "quotations list": """select jsonb_agg(api.quotation_json(q)) from (select * from app.quotations q {where}
                          order by q.created_at desc limit 20) q;""",
    "clients list": """select jsonb_agg(x) from (select c.id, c.name, c.total_sessions from app.clients c {where}
                       order by c.last_session_at desc nulls last limit 20) x;""",
    "month revenue": """select count(*), coalesce(sum(s.amount), 0) from app.sessions s
                        where {and_filter} s.starts_at >= date_trunc('month', now())
                          and s.status in ('confirmed', 'completed');""",
}

PICK = """\\set n random(1, {count})
begin;
select set_config('app.consultant_id', (select id::text from bench_rls.ids where n = :n), true);
{read}
commit;
"""


def script(read: str, count: int, filtered: bool) -> str:
    who = "(select id from bench_rls.ids where n = :n)"
    body = read.format(where=f"where consultant_id = {who}" if filtered else "",
                       and_filter=f"consultant_id = {who} and" if filtered else "")
    return PICK.format(count=count, read=" ".join(body.split()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--consultants", type=int, default=200)
    p.add_argument("--sessions", type=int, default=500, help="sessions per consultant")
    p.add_argument("--quotations", type=int, default=50, help="quotations per consultant")
    p.add_argument("--clients", type=int, default=2, help="pgbench clients (and threads)")
    p.add_argument("--seconds", type=float, default=10)
    args = p.parse_args(argv)
    started = time.monotonic()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp(prefix="nakksha-bench-rls-"))
    server = None
    try:
        server, admin_url = embedded_database(tmp, DBNAME)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            print(f"seeding {args.consultants} consultants x {args.sessions} sessions, a year of slots and "
                  f"{args.quotations} quotations each:")
            ids = seed(admin, args.consultants, args.sessions, slots=True)
            admin.execute("""
                insert into app.quotations (consultant_id, client_name, client_email, quotation_name, base_amount)
                select c, 'Client ' || i, 'q' || i || '-' || left(c::text, 8) || '@example.com', 'Review ' || i, 1000 + i
                from unnest(%s::uuid[]) c cross join generate_series(1, %s) i""", (ids, args.quotations))
            admin.execute("create schema bench_rls")
            admin.execute("create table bench_rls.ids (n integer primary key, id uuid not null)")
            admin.execute("insert into bench_rls.ids select ord, id from unnest(%s::uuid[]) with ordinality u(id, ord)", (ids,))
            admin.execute(f"grant usage on schema bench_rls to {ROLE_APP}, {ROLE_OWNER}; "
                          f"grant select on bench_rls.ids to {ROLE_APP}, {ROLE_OWNER}")
            admin.execute("analyze")
        print(f"\npgbench -M prepared -c{args.clients} -j{args.clients}, {args.seconds:.0f} s per run, a random "
              f"consultant per transaction\n")
        print(f"{'read':<16} {'rls':>7} {'rls+filter':>11} {'owner':>7}  {'ratio':>6} {'ratio+f':>8}   "
              f"{'p50/p99 ms: rls':>16} {'rls+filter':>12} {'owner':>12}")
        ratios, ratios_f = [], []
        for name, read in READS.items():
            runs = {}
            for mode, role, filtered in (("rls", ROLE_APP, False), ("rls+filter", ROLE_APP, True),
                                         ("owner", ROLE_OWNER, True)):
                runs[mode] = pgbench(f"{name} {mode}", admin_url, tmp, script(read, len(ids), filtered),
                                     clients=args.clients, threads=args.clients, duration=args.seconds, role=role)
                if runs[mode].errors:
                    raise RuntimeError(f"{name} ({mode}): {runs[mode].errors} failed transactions: {runs[mode].note}")
            ratios.append(runs["rls"].rps / runs["owner"].rps)
            ratios_f.append(runs["rls+filter"].rps / runs["owner"].rps)
            lat = "  ".join(f"{fmt(runs[m].p50_ms, 2):>5}/{fmt(runs[m].p99_ms, 2):<6}" for m in ("rls", "rls+filter", "owner"))
            print(f"{name:<16} {runs['rls'].rps:>7.0f} {runs['rls+filter'].rps:>11.0f} {runs['owner'].rps:>7.0f}  "
                  f"{ratios[-1]:>6.2f} {ratios_f[-1]:>8.2f}   {lat}")
        print(f"\nlowest ratio: policies alone {min(ratios):.2f}, policies + filter {min(ratios_f):.2f} (target >= 0.85); "
              f"total run time {time.monotonic() - started:.0f} s")
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

# Test: .venv/bin/python bench/rls.py --consultants 20 --sessions 50 --quotations 5 --seconds 2   (a smoke run)
