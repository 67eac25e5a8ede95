# bench/slots_sql.py — the SQL of GET …/slots (api.public_slots) before and after issue 20, side by side under pgbench: transactions/s, the ratio, and a check that both answer the same.
"""Self-contained: an embedded PostgreSQL in a temporary directory, migrated and seeded by bench/booking.py's
seed() (one consultant, weekly personal hours and two webinars a week; the default 7-day page holds ~46 slots).
The functions as they were before issue 20 (app_private.free_slots with three probes and a hold count per
slot, api.public_slots building jsonb per slot) are created in a schema bench_old of that temporary database
only. Both answers are compared first (items, from, to, next: the same slots, counts and instants; the new one
states its instants in UTC), with and without a block and a booked slot. Then pgbench runs the endpoint's one
statement as nakksha_app (PGBENCH_SLOTS, the same against bench_old, and bench_old as the endpoint sent it
before issue 20: begin, the caller, the query, commit), old and new interleaved
(A/B/A/B…, --rounds each), and the median of each and their ratio are printed: the machine's cores are shared,
so only figures measured side by side in one run mean anything."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import ROLE_APP  # noqa: E402
from bench._common import embedded_database, interruptible, pgbench, scratch  # noqa: E402
from bench.booking import DBNAME, PGBENCH_SLOTS, SLUG, seed  # noqa: E402

PGBENCH_OLD = PGBENCH_SLOTS.replace("api.public_slots(", "bench_old.public_slots(")
# What GET …/slots sent before issue 20 (app.sql.run: begin, the public caller set, the query, commit) to the old
# functions: the endpoint's SQL then, against PGBENCH_SLOTS, the endpoint's SQL now (one statement).
PGBENCH_OLD_AS_SENT = ("begin;\n"
                       "select set_config('app.consultant_id', '', true), set_config('app.admin_id', '', true), "
                       "set_config('app.actor_label', '', true);\n"
                       + PGBENCH_OLD + "commit;\n")

# The functions as they were before issue 20 (db/functions/booking.sql at 6f15d07), renamed into bench_old.
OLD_SQL = """create schema bench_old;
create or replace function bench_old.free_slots(p_c app.consultants, p_session_type text, p_from timestamptz,
                                                  p_to timestamptz, p_limit integer, p_ignore_session uuid default null)
returns table (slot_id uuid, session_type text, starts_at timestamptz, ends_at timestamptz, capacity integer,
               remaining integer)
language sql stable
set search_path = ''
as $$
  -- The one definition of a free slot: the slot list asks it for a range, and slot_is_free (booking, a paid
  -- booking whose hold lapsed, a move) for one slot. Bookable now: within the consultant's notice and horizon,
  -- offered, not full, not blocked, not busy on a connected calendar, and overlapping no live occupancy (buffer
  -- included) other than its own webinar seats and p_ignore_session (the booking being moved). An expired hold
  -- counts for nothing: it is abandoned at booking. Set-based, so the list costs one query, not one per slot.
  select s.id, s.session_type, s.starts_at, s.ends_at, s.capacity,
         s.capacity - s.booked_count + coalesce(h.expired, 0)::integer
  from app.availability_slots s
  left join lateral (select count(*) as expired from app.sessions x
                     where x.slot_id = s.id and x.status = 'pending' and x.hold_expires_at <= now()) h on true
  where s.consultant_id = p_c.id
    and (p_session_type is null or s.session_type = p_session_type)
    and s.is_available
    and s.starts_at >= greatest(p_from, now() + make_interval(mins => p_c.min_notice_minutes))
    and s.starts_at < p_to
    and s.starts_at <= now() + make_interval(days => p_c.max_days_ahead)
    and s.booked_count - coalesce(h.expired, 0) < s.capacity
    and not exists (select 1 from app.availability_blocks b
                    where b.consultant_id = p_c.id and tstzrange(b.starts_at, b.ends_at) && tstzrange(s.starts_at, s.ends_at))
    -- Busy on a connected Google or Microsoft calendar (cached by the refresh_calendar_busy job).
    and not exists (select 1 from app.calendar_busy cb
                    where cb.consultant_id = p_c.id and cb.during && tstzrange(s.starts_at, s.ends_at, '[)'))
    and not exists (select 1 from app.sessions x
                    where x.consultant_id = p_c.id
                      and x.status in ('pending', 'confirmed', 'completed', 'no_show')
                      and not (x.status = 'pending' and x.hold_expires_at <= now())
                      and x.id is distinct from p_ignore_session
                      and x.occupied_during && tstzrange(s.starts_at, s.ends_at + make_interval(mins => p_c.buffer_minutes), '[)')
                      and not (s.session_type = 'webinar' and x.slot_id = s.id))
  order by s.starts_at, s.session_type
  limit p_limit
$$;

create or replace function bench_old.public_slots(p_slug text, p_session_type text, p_from timestamptz, p_to timestamptz)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
  -- One answer covers at most 31 days (a wider range is clamped: the answer says its own end) and 1000 slots.
  v_widest constant interval := interval '31 days';
  v_most constant integer := 1000;
  v_from timestamptz := coalesce(p_from, now());
  v_to timestamptz;
  v_width interval;
  v_items jsonb;
  v_count integer;
  v_last timestamptz;
begin
  if p_to is not null and p_to <= v_from then
    raise exception using errcode = 'NK422', message = 'validation_error', detail = 'to must be after from.',
      hint = 'field:to';
  end if;
  v_to := least(coalesce(p_to, v_from + interval '7 days'), v_from + v_widest);
  v_width := v_to - v_from;
  -- One slot more than a page says whether the range holds more: then the answer ends where that slot's start
  -- time begins (a personal slot and a webinar may share it), and `next` carries on from there. Never a silent cut.
  select coalesce(jsonb_agg(to_jsonb(f) order by f.starts_at, f.session_type), '[]'), count(*), max(f.starts_at)
  into v_items, v_count, v_last
  from bench_old.free_slots(v_c, p_session_type, v_from, v_to, v_most + 1) f;
  if v_count > v_most and v_last > v_from then
    v_to := v_last;
    select coalesce(jsonb_agg(e.item order by e.n), '[]') into v_items
    from jsonb_array_elements(v_items) with ordinality as e(item, n)
    where (e.item->>'starts_at')::timestamptz < v_last;
  end if;
  -- Nothing starting after the booking horizon can be booked: there the paging ends.
  return jsonb_build_object('from', v_from, 'to', v_to, 'items', v_items,
    'next', case when v_to <= now() + make_interval(days => v_c.max_days_ahead)
                 then jsonb_build_object('from', v_to, 'to', v_to + v_width) end);
end;
$$;
grant usage on schema bench_old to {role};
grant execute on all functions in schema bench_old to {role};
"""

# Pages compared: (session_type, from, to) as SQL expressions.
PAGES = [("null", "null", "null"), ("'personal'", "null", "null"), ("'webinar'", "null", "null"),
         ("null", "now() + interval '3 days'", "now() + interval '34 days'"),
         ("null", "now() + interval '40 days'", "null")]


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _normal(page: dict) -> dict:
    """The same answer whatever offset its instants are written in."""
    return {"from": _instant(page["from"]), "to": _instant(page["to"]),
            "next": page["next"] and {k: _instant(v) for k, v in page["next"].items()},
            "items": [{**i, "starts_at": _instant(i["starts_at"]), "ends_at": _instant(i["ends_at"])}
                      for i in page["items"]]}


def compare(admin_url: str) -> int:
    """Old and new answers for PAGES, as the app role, now and with a block and a confirmed booking; returns how
    many pages were compared (raises on a difference)."""
    compared = 0
    with psycopg.connect(admin_url) as conn:
        cid = conn.execute("select id from app.consultants where slug = %s", (SLUG,)).fetchone()[0]
        for busy in (False, True):
            if busy:  # a block over a morning and one slot taken (rolled back at the end)
                conn.execute("insert into app.availability_blocks (consultant_id, starts_at, ends_at) "
                             "select consultant_id, starts_at - interval '30 minutes', starts_at + interval '2 hours' "
                             "from app.availability_slots where consultant_id = %s order by starts_at offset 3 limit 1",
                             (cid,))
                conn.execute("update app.availability_slots set booked_count = 1 where id = (select id from "
                             "app.availability_slots where consultant_id = %s and session_type = 'personal' "
                             "order by starts_at offset 9 limit 1)", (cid,))
            conn.execute(f"set local role {ROLE_APP}")
            for kind, start, end in PAGES:
                args = f"'{SLUG}', {kind}, {start}, {end}"
                old, new = conn.execute(f"select bench_old.public_slots({args})::text, api.public_slots({args})::text"
                                        ).fetchone()
                if _normal(json.loads(old)) != _normal(json.loads(new)):
                    raise SystemExit(f"different answers for public_slots({args}) (busy={busy}):\n{old}\n{new}")
                compared += 1
            conn.execute("reset role")
        conn.rollback()
    return compared


@interruptible
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="pgbench runs of each, interleaved (default 3)")
    ap.add_argument("--duration", type=float, default=8, help="seconds per pgbench run (default 8)")
    ap.add_argument("--clients", type=int, default=20, help="pgbench clients (default 20)")
    ap.add_argument("--threads", type=int, default=2, help="pgbench threads (default 2)")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with scratch("nakksha-bench-slots-") as run:
        tmp = run.dir
        server, admin_url = embedded_database(tmp, DBNAME)
        run.keep(server)
        _, counts = seed(admin_url, price="500.00")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(OLD_SQL.format(role=ROLE_APP))
            conn.execute("vacuum analyze")  # both read the same freshly seeded tables with fresh statistics
            page = conn.execute(f"select json_array_length(api.public_slots('{SLUG}', null, null, null)->'items')"
                                ).fetchone()[0]
        print(f"seeded: {counts.get('personal', 0)} personal and {counts.get('webinar', 0)} webinar slots; "
              f"the default page lists {page}")
        print(f"same answers: {compare(admin_url)} pages compared, old = new")
        runs: dict[str, list[float]] = {"old": [], "new": [], "old as sent": []}
        for n in range(args.rounds):
            for name, script in (("old", PGBENCH_OLD), ("new", PGBENCH_SLOTS), ("old as sent", PGBENCH_OLD_AS_SENT)):
                res = pgbench(f"{name.replace(' ', '_')} {n}", admin_url, tmp, script, clients=args.clients, threads=args.threads,
                              duration=args.duration)
                if res.errors:
                    raise SystemExit(f"pgbench {name}: {res.errors} errors ({res.note})")
                runs[name].append(res.rps)
                print(f"  round {n + 1} {name}: {res.rps:9,.0f} tps  p50 {res.p50_ms:.2f} ms  p99 {res.p99_ms:.2f} ms")
        old, new = statistics.median(runs["old"]), statistics.median(runs["new"])
        print(f"median tps: old {old:,.0f}, new {new:,.0f}; new/old = {new / old:.2f}x "
              f"(per round: {', '.join(f'{b / a:.2f}' for a, b in zip(runs['old'], runs['new'], strict=True))})")
        sent = statistics.median(runs["old as sent"])
        print(f"the endpoint's SQL as sent: before issue 20 (begin, caller, old query, commit) {sent:,.0f} tps; now "
              f"(the one statement) {new:,.0f} tps; now/before = {new / sent:.2f}x")
        return 0


if __name__ == "__main__":
    sys.exit(main())

# Run: .venv/bin/python bench/slots_sql.py    (3 rounds of 8 s each way, ~1 min; --rounds, --duration, --clients)
# Test: .venv/bin/python bench/slots_sql.py --rounds 1 --duration 2   (must print "old = new" and a ratio)
