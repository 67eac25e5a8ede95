# bench/booking_sql.py — the paid booking's SQL alone (bench/load.py's PGBENCH_BOOKING) under pgbench, 1 client and C clients, this checkout against a base revision in the same run.
"""Self-contained: one embedded PostgreSQL in a temporary directory with two databases, `new` migrated from
this checkout and `base` migrated from --base (a revision extracted with `git archive`, migrated by its own
code), each seeded as bench/load.py seeds its booking consultants (B consultants with a year of paid
30-minute slots, the shuffled queue bench_load.slot_queue, the abuse limits lifted). Then, --rounds times and
interleaved (base, new, base, new …) so both see the same machine, pgbench runs PGBENCH_BOOKING (a slot from
the queue, api.booking_quote in one transaction, api.book_slot in another, each with the caller set) for
--seconds with 1 client and with C clients.

Prints for each run: transactions/s (one transaction = one booking), p50/p99, the mean latency of the quote,
of the booking and of each commit (pgbench -r, 1 client), the open unpaid holds per consultant when it
started (pgbench pays for nothing, so every booking leaves a 15-minute hold), and with C clients where the
backends spent their time (pg_stat_activity sampled every 10 ms: CPU, Lock/advisory, Lock/transactionid,
IO/WALSync …). Then the medians per database and the ratios new/base. --base '' measures this checkout alone.
Everything started is stopped and removed on exit."""
from __future__ import annotations

import argparse
import collections
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import ROLE_APP  # noqa: E402
from app.database import start_embedded, with_database  # noqa: E402
from app.migrate import migrate  # noqa: E402
from bench._common import REPO, Result, fmt, interruptible, pgbench, scratch  # noqa: E402
from bench.load import BOOK_PREFIX, PGBENCH_BOOKING, seed_booking_consultants  # noqa: E402

# Before issue 20's fix: the per-email hold cap hashed the address of every open hold on the page.
DEFAULT_BASE = "6f15d07"


def migrate_base(tree: Path, admin_url: str) -> None:
    """Migrate with the base revision's own migrations, functions and migrate code."""
    code = "from app.migrate import migrate; import sys; migrate(sys.argv[1], dump=False, dev=True)"
    env = {**os.environ, "PYTHONPATH": str(tree), "NAKKSHA_ENV": "development"}
    subprocess.run([sys.executable, "-c", code, admin_url], cwd=tree, env=env, check=True, capture_output=True,
                   timeout=600)


def open_holds(admin_url: str) -> list[int]:
    with psycopg.connect(admin_url) as conn:
        return [r[0] for r in conn.execute(
            "select count(s.id) from app.consultants c left join app.sessions s on s.consultant_id = c.id "
            "and s.status = 'pending' and s.hold_expires_at > now() where c.slug like %s group by c.slug order by c.slug",
            (BOOK_PREFIX + "%",)).fetchall()]


class WaitSampler:
    """pg_stat_activity of the app role's backends in one database, every 10 ms, while running: what each
    backend inside a transaction was doing (CPU when active and not waiting)."""

    def __init__(self, admin_url: str, dbname: str):
        self.admin_url, self.dbname = admin_url, dbname
        self.counts: collections.Counter = collections.Counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self.stop.is_set():
                for state, kind, event in conn.execute(
                        "select state, wait_event_type, wait_event from pg_stat_activity "
                        "where datname = %s and usename = %s and pid <> pg_backend_pid()",
                        (self.dbname, ROLE_APP)).fetchall():
                    if state == "active":
                        self.counts[f"{kind}:{event}" if kind else "CPU"] += 1
                    elif state == "idle in transaction":
                        self.counts["idle in transaction (client's turn)"] += 1
                time.sleep(0.01)

    def __enter__(self) -> WaitSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def summary(self, top: int = 5) -> str:
        total = sum(self.counts.values()) or 1
        return ", ".join(f"{k} {100 * n / total:.0f}%" for k, n in self.counts.most_common(top))


def step_ms(res: Result) -> str:
    """The quote, the booking and the two commits from pgbench -r (mean ms per command)."""
    found = {}
    commits = []
    for ms, command in res.extra.get("statements", []):
        if "api.booking_quote" in command:
            found["quote"] = ms
        elif "api.book_slot" in command:
            found["book_slot"] = ms
        elif command.startswith("commit"):
            commits.append(ms)
    if len(commits) == 2:
        found["commit(quote)"], found["commit(book)"] = commits
    return ", ".join(f"{k} {v:.1f}" for k, v in found.items())


@interruptible
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", default=DEFAULT_BASE,
                   help=f"revision to compare with (default {DEFAULT_BASE}, before issue 20's fix); '' for none")
    p.add_argument("--consultants", type=int, default=4, help="booking consultants (default 4, as bench/load.py)")
    p.add_argument("--clients", type=int, default=20, help="pgbench clients of the concurrent runs (default 20)")
    p.add_argument("--threads", type=int, default=2, help="pgbench threads (default 2)")
    p.add_argument("--seconds", type=float, default=8, help="each pgbench run (default 8)")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    args = p.parse_args(argv)

    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with scratch("nakksha-bench-booking-sql-") as run:
        tmp = run.dir
        t = time.monotonic()
        server = run.keep(start_embedded(tmp / "db", cleanup_mode="delete"))
        dbs: dict[str, str] = {}
        for name in (["base"] if args.base else []) + ["new"]:
            with psycopg.connect(with_database(server.get_uri(), "postgres"), autocommit=True) as conn:
                conn.execute(f'create database "{name}"')
            dbs[name] = with_database(server.get_uri(), name)
        if args.base:
            tree = tmp / "base-tree"
            tree.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.base], check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
            migrate_base(tree, dbs["base"])
        migrate(dbs["new"], dump=False, dev=True)
        for url in dbs.values():
            queued = seed_booking_consultants(url, args.consultants)
        print(f"databases: {', '.join(dbs)} (base = {args.base or '-'}), each {args.consultants} booking consultants, "
              f"{queued:,} free paid slots; ready in {time.monotonic() - t:.0f} s")
        print(f"runs: pgbench -M prepared -T {args.seconds:g}, 1 client and {args.clients} clients (-j {args.threads}), "
              f"{args.rounds} round(s), databases interleaved\n")

        results: dict[tuple[str, int], list[Result]] = collections.defaultdict(list)
        header = f"{'run':<22} {'tps':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>6}  open holds at start / where the time went"
        print(header)
        print("-" * len(header))
        for rnd in range(1, args.rounds + 1):
            for clients in (1, args.clients):
                for name, url in dbs.items():
                    holds = open_holds(url)
                    with WaitSampler(url, name) as sampler:
                        res = pgbench(f"{name} c{clients}", url, tmp, PGBENCH_BOOKING, clients=clients,
                                      threads=min(args.threads, clients), duration=args.seconds,
                                      statements=clients == 1)
                    results[(name, clients)].append(res)
                    detail = step_ms(res) if clients == 1 else sampler.summary()
                    print(f"{f'r{rnd} {name} c{clients}':<22} {fmt(res.rps):>8} {fmt(res.p50_ms, 1):>8} "
                          f"{fmt(res.p99_ms, 1):>8} {res.errors:>6}  holds {'/'.join(map(str, holds))}; {detail}")

        print(f"\n{'median over rounds':<22} {'tps':>8} {'p50 ms':>8} {'p99 ms':>8}")
        med = {}
        for (name, clients), runs in results.items():
            med[(name, clients)] = tuple(statistics.median(getattr(r, a) or 0 for r in runs)
                                         for a in ("rps", "p50_ms", "p99_ms"))
            tps, p50, p99 = med[(name, clients)]
            print(f"{f'{name} c{clients}':<22} {fmt(tps):>8} {fmt(p50, 1):>8} {fmt(p99, 1):>8}")
        if args.base:
            for clients in (1, args.clients):
                new, base = med[("new", clients)], med[("base", clients)]
                print(f"ratio new/base, {clients} client(s): tps x{new[0] / base[0]:.2f}, p50 x{new[1] / base[1]:.2f}"
                      if base[0] and base[1] else f"ratio new/base, {clients} client(s): -")
        return 0


if __name__ == "__main__":
    sys.exit(main())

# Run: .venv/bin/python bench/booking_sql.py                      (base 6f15d07 against this checkout, ~2.5 min)
#      .venv/bin/python bench/booking_sql.py --base '' --consultants 40 --seconds 15
# Test: .venv/bin/python bench/booking_sql.py --seconds 2 --rounds 1 --base ''   (a smoke run, ~40 s)
