# bench/slots_rollforward.py — the daily slot roll-forward: one consultant at 1k, 10k and the cap of future slots, profile and timezone changes at each, and the whole daily job over a fleet of consultants.
"""Self-contained: an embedded PostgreSQL in a temporary directory, migrated.

Part 1, one consultant at a time. For each size (about 1k, 10k and max_future_slots slots over a 365-day horizon,
made by seven weekday rules through api.create_availability_rule as the consultant, as the settings page does), as
the app role the way the app and the worker call them:

  * create the rules (seven calls; the last one builds the slots);
  * the roll-forward with nothing to do (api.rematerialise_consultant_slots, what each daily job runs);
  * the roll-forward after a day passed (the horizon's last day removed first, so the job adds it back);
  * a profile change that re-derives slots (max_days_ahead 365 -> 364 -> 365, api.update_my_profile);
  * a timezone change (Asia/Kolkata -> Asia/Dubai -> back): every slot's instant moves;
  * the first version of the roll-forward (a correlated `not exists … is not distinct from`), for comparison, at
    the sizes where it finishes (--old-max, default 10k).

Part 2, the daily job over --fleet consultants (default 10,000), seeded set-based by app.bulk_seed with --slots (a
year of a weekly schedule each, ~730 slots): the horizon's last day is removed from every consultant (as a day
passing would leave it missing), then api.defer_slot_rollforwards() queues one job per consultant and
--job-workers `nakksha worker --queue maintenance` processes run them; prints the fan-out's time, the wall time
until every job is done, jobs/s, failures, and the same work as one SQL statement over everyone (the old shape of
the job, run here only as the table owner without a statement timeout, to show what the fan-out costs)."""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import time as clock
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bulk_seed import SLOT_HORIZON_DAYS, TZ, seed  # noqa: E402
from app.config import ROLE_APP  # noqa: E402
from app.database import role_url  # noqa: E402
from app.sql import SET_CALLER_LONG  # noqa: E402
from bench._common import Children, embedded_database, fmt, percentile  # noqa: E402

DBNAME = "nakksha_bench_rollforward"
SET_CALLER_PG = SET_CALLER_LONG.replace("$1", "%s").replace("$2", "%s").replace("$3", "%s").replace("$4", "%s")

# The first version of app_private.rematerialise_slots (before issue 16), kept here only to compare with.
OLD_ROLLFORWARD = """
create schema if not exists bench_old;
create or replace function bench_old.rematerialise_slots(p_consultant_id uuid) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_c app.consultants; v_today date; v_removed integer; v_added integer;
begin
  select * into v_c from app.consultants where id = p_consultant_id;
  v_today := (now() at time zone v_c.timezone)::date;
  with desired as materialized (
    select * from app_private.desired_slots(p_consultant_id, v_today, v_today + v_c.max_days_ahead))
  delete from app.availability_slots s
  where s.consultant_id = p_consultant_id and s.booked_count = 0 and s.starts_at > now()
    and ((s.source = 'rule' and not exists (
            select 1 from desired d
            where d.session_type = s.session_type and d.starts_at = s.starts_at and d.ends_at = s.ends_at
              and d.capacity = s.capacity and d.rule_id is not distinct from s.rule_id))
         or (s.source = 'rule' and exists (select 1 from app.availability_blocks b
                    where b.consultant_id = s.consultant_id
                      and tstzrange(b.starts_at, b.ends_at) && tstzrange(s.starts_at, s.ends_at))));
  get diagnostics v_removed = row_count;
  insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity, source, rule_id)
  select p_consultant_id, d.session_type, d.starts_at, d.ends_at, d.capacity, 'rule', d.rule_id
  from app_private.desired_slots(p_consultant_id, v_today, v_today + v_c.max_days_ahead) d
  on conflict (consultant_id, session_type, starts_at) do nothing;
  get diagnostics v_added = row_count;
  return v_removed + v_added;
end $$;
grant usage on schema bench_old to nakksha_app;
grant execute on function bench_old.rematerialise_slots(uuid) to nakksha_app;
"""

# Seven rules (every weekday) per size: (start, end, slot minutes); with a 365-day horizon they make about
# 3 x 366 = 1,098, 27 x 366 = 9,882 and 54 x 366 = 19,764 slots (the default cap is 20,000).
SIZES = {"1k": (clock(9), clock(12), 60), "10k": (clock(8), clock(21, 30), 30), "cap": (clock(8), clock(21, 30), 15)}


def timed(conn: psycopg.Connection, caller: str, sql: str, args: tuple = ()) -> tuple[float, object]:
    """One call in its own transaction, as the app does it: the caller set and the statement timeout raised
    (the worker's run_long), then the statement; milliseconds and the first value."""
    with conn.transaction():
        conn.execute(SET_CALLER_PG, (caller, "", "bench", "10min"))
        t = time.perf_counter()
        value = conn.execute(sql, args or None).fetchone()[0]
        return (time.perf_counter() - t) * 1000, value


def one_consultant(admin: psycopg.Connection, app: psycopg.Connection, label: str, repeat: int,
                   old: bool) -> list[tuple[str, str, float | None, str]]:
    start, end, minutes = SIZES[label]
    cid = str(admin.execute(
        "insert into app.consultants (email, password_hash, first_name, last_name, slug, timezone, max_days_ahead) "
        "values (%s, 'x', 'Bench', %s, %s, %s, %s) returning id",
        (f"{label}@bench.example", label, f"bench-{label}", TZ, SLOT_HORIZON_DAYS)).fetchone()[0])
    admin.commit()
    rows: list[tuple[str, str, float | None, str]] = []
    t = time.perf_counter()
    for weekday in range(1, 8):
        timed(app, cid, "select api.create_availability_rule('personal', %s, %s, %s, %s, 1, null, null) is not null",
              (weekday, start, end, minutes))
    made = admin.execute("select count(*) from app.availability_slots where consultant_id = %s", (cid,)).fetchone()[0]
    rows.append((label, "create 7 rules (builds every slot)", (time.perf_counter() - t) * 1000, f"{made:,} slots"))

    def series(name: str, sql: str, args: tuple = (), before: str | None = None, n: int = repeat) -> None:
        times, values = [], []
        for _ in range(n):
            if before:
                admin.execute(before, {"c": cid})
                admin.commit()
            ms, value = timed(app, cid, sql, args)
            times.append(ms)
            values.append(value)
        rows.append((label, name, percentile(times, 50), f"p50 of {n}; changed {values[-1]}"))

    rollforward = "select api.rematerialise_consultant_slots(%s)"
    series("roll-forward, nothing to do", rollforward, (cid,))
    series("roll-forward, a day passed (one day added)", rollforward, (cid,),
           before="delete from app.availability_slots where consultant_id = %(c)s and date = "
                  "(select max(date) from app.availability_slots where consultant_id = %(c)s)")
    for days in (364, 365):
        ms, _ = timed(app, cid, "select api.update_my_profile(%s) is not null", (f'{{"max_days_ahead": {days}}}',))
        rows.append((label, f"profile: max_days_ahead -> {days}", ms, ""))
    for zone in ("Asia/Dubai", TZ):
        ms, _ = timed(app, cid, "select api.update_my_profile(%s) is not null", (f'{{"timezone": "{zone}"}}',))
        rows.append((label, f"profile: timezone -> {zone}", ms, "every slot re-made"))
    if old:
        series("first version of the roll-forward, nothing to do", "select bench_old.rematerialise_slots(%s)", (cid,),
               n=1)
    return rows


def fleet(admin_url: str, tmp: Path, consultants: int, job_workers: int, concurrency: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    with psycopg.connect(admin_url, autocommit=True) as admin:
        t = time.perf_counter()
        seed(admin, consultants, 1, prefix="fleet", today_sessions=1, slots=True, out=open(os.devnull, "w"))
        slots = admin.execute("select count(*) from app.availability_slots s join app.consultants c "
                              "on c.id = s.consultant_id where c.slug like 'fleet-%'").fetchone()[0]
        out.append(("seed (bulk_seed --slots)", f"{consultants:,} consultants, {slots:,} slots in "
                                                  f"{time.perf_counter() - t:.1f} s"))
        # The last day that has slots (the schedule has none on Sundays), per consultant, as if not made yet.
        drop_last_day = ("delete from app.availability_slots s using (select s.consultant_id, max(s.date) as day "
                         "from app.availability_slots s join app.consultants c on c.id = s.consultant_id "
                         "where c.slug like 'fleet-%' group by 1) l where s.consultant_id = l.consultant_id "
                         "and s.date = l.day")
        removed = admin.execute(drop_last_day).rowcount
        admin.execute("vacuum analyze app.availability_slots")

        with psycopg.connect(role_url(admin_url, ROLE_APP), autocommit=True) as app:
            t = time.perf_counter()
            queued = app.execute("select api.defer_slot_rollforwards()").fetchone()[0]
            out.append(("fan-out: api.defer_slot_rollforwards()", f"{queued:,} jobs queued in "
                                                                   f"{(time.perf_counter() - t) * 1000:,.0f} ms"))
        env = {**os.environ, "DATABASE_URL": admin_url, "NAKKSHA_ENV": "development",
               "NAKKSHA_DATA_DIR": str(tmp / "appdata"), "JWT_SECRET": secrets.token_urlsafe(48),
               "PASSWORD_PEPPER": secrets.token_urlsafe(32), "DATA_ENCRYPTION_KEY": secrets.token_urlsafe(32),
               "LOG_LEVEL": "WARNING"}
        children = Children()
        try:
            t = time.perf_counter()
            for i in range(job_workers):
                children.start(f"worker{i}", [sys.executable, "-m", "app.cli", "worker", "--queue", "maintenance",
                                              "--concurrency", str(concurrency)], env, tmp / f"worker{i}.log")
            left = queued
            while left:
                time.sleep(0.5)
                left = admin.execute("select count(*) from procrastinate_jobs where task_name = "
                                     "'rematerialise_consultant_slots' and status in ('todo', 'doing')").fetchone()[0]
                if time.perf_counter() - t > 3600:
                    raise RuntimeError("the roll-forward jobs did not finish within an hour")
            wall = time.perf_counter() - t
        finally:
            children.stop_all()
        done = dict(admin.execute("select status::text, count(*) from procrastinate_jobs where task_name = "
                                  "'rematerialise_consultant_slots' group by 1").fetchall())
        back = admin.execute("select count(*) from app.availability_slots s join app.consultants c "
                             "on c.id = s.consultant_id where c.slug like 'fleet-%'").fetchone()[0]
        out.append((f"daily job: {job_workers} worker(s) x concurrency {concurrency}",
                    f"{queued:,} jobs in {wall:.1f} s ({queued / wall:,.0f} jobs/s, worker start included); "
                    f"statuses {done}; slots re-added {back - (slots - removed):,} of {removed:,}"))

        admin.execute(drop_last_day)
        t = time.perf_counter()
        admin.execute("select sum(app_private.rematerialise_slots(id)) from app.consultants where slug like 'fleet-%'")
        out.append(("the same work as one statement (owner, no timeout)", f"{time.perf_counter() - t:.1f} s"))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=5, help="timed runs of each roll-forward (default 5)")
    p.add_argument("--fleet", type=int, default=10_000, help="consultants in the daily-job part (0 skips it)")
    p.add_argument("--job-workers", type=int, default=2, help="`nakksha worker` processes for the daily job")
    p.add_argument("--concurrency", type=int, default=4, help="each worker's concurrency (default 4)")
    p.add_argument("--old-max", choices=["none", "1k", "10k", "cap"], default="10k",
                   help="largest size the first version is timed at (default 10k; at the cap it takes minutes)")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nakksha-bench-rollforward-"))
    server = None
    try:
        server, admin_url = embedded_database(tmp, DBNAME)
        with psycopg.connect(admin_url) as admin, psycopg.connect(role_url(admin_url, ROLE_APP)) as app:
            admin.execute(OLD_ROLLFORWARD)
            admin.commit()
            cap = admin.execute("select app_private.setting_integer('max_future_slots')").fetchone()[0]
            print(f"one consultant (365-day horizon, seven weekday rules; cap max_future_slots = {cap:,})")
            order = list(SIZES)
            old_upto = -1 if args.old_max == "none" else order.index(args.old_max)
            rows = []
            for i, label in enumerate(order):
                rows += one_consultant(admin, app, label, args.repeat, old=i <= old_upto)
            for label, name, ms, note in rows:
                print(f"  {label:>4}  {name:<50} {fmt(ms):>10} ms  {note}")
        if args.fleet:
            print(f"\nthe daily job over {args.fleet:,} consultants")
            for name, note in fleet(admin_url, tmp, args.fleet, args.job_workers, args.concurrency):
                print(f"  {name:<52} {note}")
    finally:
        if server is not None:
            server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

# Run: .venv/bin/python bench/slots_rollforward.py                 (~10 min: part 1, then 10,000 consultants)
#      .venv/bin/python bench/slots_rollforward.py --fleet 0       (part 1 only, ~1 min)
# Test: pytest tests/meta/test_bench_load.py (the bench's SQL still runs)
