# app/bulk_seed.py — realistic history at scale, set-based (nakksha seed-demo --scale, bench/dashboard.py): approved consultants, clients, years of sessions, payments, refunds, quotations, and the derived data (client totals, daily_analytics, views).
"""seed(conn, consultants, sessions_per_consultant) loads everything with a handful of
`insert … select … from generate_series` statements (no row-by-row inserts), as the superuser with
session_replication_role = replica so the per-row triggers (and foreign-key triggers) stay out of the bulk load;
what those triggers would have derived is then built set-based here:

  * sessions' scheduled_date / scheduled_time / duration_minutes / occupied_during (derive_session_times);
  * clients' total_sessions, first/last_session_at (refresh_client_session_totals) and total_amount_paid
    (refresh_client_amount_paid);
  * analytics marks for every (consultant, local day) touched, then api.refresh_daily_analytics and
    api.refresh_views, so daily_analytics and the materialized views are what the app would have kept.

The shape: every consultant in Asia/Kolkata; one 60-minute session every 3 hours, the last eight on today's
local date (those not yet over are confirmed), the rest going back in time (100k sessions reach ~34 years back:
same density, longer history); ~80% completed, 8% cancelled (refunded), 5% no-show, 7% abandoned; a quarter
webinars; one client per ~5 sessions (10 clients per block of 50 sessions); a completed payment per booked
session paid two days ahead (today's sessions: paid today), a processed full refund per cancellation; one
quotation per 50 sessions (draft, sent, accepted, rejected). The exclusion constraint, unique keys and checks
stay enforced.

With slots=True (`seed-demo --scale N --slots`) each consultant also gets a weekly schedule (SLOT_RULES: Mon/Wed/Fri
10:00–13:00 and Tue/Thu 16:00–18:00 one-to-one hours, a Saturday webinar; ~730 slots a year) with a booking horizon of
365 days and its slots for that year, made by app_private.desired_slots itself (the function the daily
roll-forward uses), so a roll-forward right after the load changes nothing (tests/meta/test_cli.py checks it).

The load runs in chunks of consultants (about CHUNK_SESSIONS sessions each, committed one by one when the
connection is not in autocommit), so memory and temp tables stay bounded at a million sessions, a progress bar
advances with every chunk and with every batch of daily_analytics, and a table of stages (rows, seconds,
rows/s) is printed at the end."""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import psycopg

TZ = "Asia/Kolkata"
BCRYPT_DUMMY = "$2b$12$C6UzMDM.H6dfI/f/IKxGhu9u1pQd8wE0sY4Ek9p4v6Xb4cQ1r8gW."


CHUNK_SESSIONS = 200_000
# The weekly schedule of --slots: (session_type, ISO weekday, start, end, slot minutes, capacity).
SLOT_RULES = [*(("personal", wd, "10:00", "13:00", 60, 1) for wd in (1, 3, 5)),
              *(("personal", wd, "16:00", "18:00", 60, 1) for wd in (2, 4)),
              ("webinar", 6, "11:00", "12:30", 90, 25)]
SLOT_HORIZON_DAYS = 365
ANALYTICS_BATCH = 20_000  # dirty (consultant, day) marks recomputed per call


class Progress:
    """Stage timings summed over chunks, and a progress bar (redrawn in place on a terminal, a line per
    step otherwise, so a log file shows it too)."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.started = time.perf_counter()
        self.stages: dict[str, list[float]] = {}  # name -> [rows, seconds]
        self.scratch: set[str] = set()

    def stage(self, name: str, fn: Callable[[], Any], *, stored: bool = True) -> Any:
        """Time fn; its rows join the total only when stored (a temp table's are not)."""
        t = time.perf_counter()
        rows = fn()
        if not stored:
            self.scratch.add(name)
        entry = self.stages.setdefault(name, [0, 0.0])
        entry[0] += rows if isinstance(rows, int) else 0
        entry[1] += time.perf_counter() - t
        return rows

    def bar(self, label: str, done: int, total: int, unit: str) -> None:
        width = 30
        filled = width * done // total if total else width
        dt = time.perf_counter() - self.started
        line = (f"  seed: {label:<18} [{'#' * filled}{'.' * (width - filled)}] {100 * done // max(total, 1):>3}% "
                f"{done:>11,}/{total:,} {unit}  {dt:7.1f} s")
        if self.out.isatty():
            self.out.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.out.write(line + "\n")
        self.out.flush()

    def done(self) -> None:
        total_rows = 0
        for name, (rows, dt) in self.stages.items():
            total_rows += int(rows) if name not in self.scratch else 0
            rate = f"{rows / dt:>11,.0f} rows/s" if rows and dt > 0 else ""
            count = f"{int(rows):>11,} rows" if rows else " " * 16
            print(f"  seed: {name:<44} {count} {dt:>7.2f} s {rate}", file=self.out, flush=True)
        dt = time.perf_counter() - self.started
        print(f"  seed: {'total stored (base + derived rows)':<44} {total_rows:>11,} rows {dt:>7.2f} s "
              f"{total_rows / dt:>11,.0f} rows/s", file=self.out, flush=True)


def chunks(counts: list[int], limit: int = CHUNK_SESSIONS) -> list[tuple[int, list[int]]]:
    """Consecutive runs of consultants with about `limit` sessions in all (at least one consultant each), as
    (offset of the first, their counts)."""
    out: list[tuple[int, list[int]]] = []
    start, part, total = 0, [], 0
    for i, n in enumerate(counts):
        if part and total + n > limit:
            out.append((start, part))
            start, part, total = i, [], 0
        part.append(n)
        total += n
    if part:
        out.append((start, part))
    return out


def seed(conn: psycopg.Connection, consultants: int, sessions_per_consultant: list[int] | int, *,
         prefix: str = "bench", today_sessions: int = 8, chunk_sessions: int = CHUNK_SESSIONS,
         slots: bool = False, out: TextIO | None = None) -> list:
    """Insert `consultants` approved consultants; sessions_per_consultant is one count for all or a list (one per
    consultant); with `slots`, weekly rules and a year of their slots each. Returns the consultant ids in order.
    conn must be a superuser connection (autocommit or not; this commits)."""
    counts = ([sessions_per_consultant] * consultants if isinstance(sessions_per_consultant, int)
              else list(sessions_per_consultant))
    if len(counts) != consultants:
        raise ValueError("sessions_per_consultant: one count per consultant")
    p = Progress(out)
    x = conn.execute
    x("set synchronous_commit = off")
    tag = f"{prefix}-{int(time.time())}"
    ids: list = []
    total, loaded = sum(counts), 0
    for offset, part in chunks(counts, chunk_sessions):
        x("set session_replication_role = replica")
        ids += _load_chunk(conn, p, part, offset, tag, today_sessions, slots)
        x("set session_replication_role = origin")
        if not conn.autocommit:
            conn.commit()
        loaded += sum(part)
        p.bar("sessions", loaded, total, "sessions")
    p.stage("analyze", lambda: x("analyze") and None)
    # daily_analytics in batches, so the bar moves; each batch is its own transaction.
    dirty = left = x("select count(*) from app.analytics_dirty").fetchone()[0]
    while left:
        p.stage("daily_analytics (api.refresh_daily_analytics)",
                lambda: x("select api.refresh_daily_analytics(%s)", (ANALYTICS_BATCH,)).fetchone()[0])
        if not conn.autocommit:
            conn.commit()
        left = x("select count(*) from app.analytics_dirty").fetchone()[0]
        p.bar("daily analytics", dirty - left, dirty, "marks")
    p.stage("views (api.refresh_views)", lambda: x("select api.refresh_views()") and None)
    if not conn.autocommit:
        conn.commit()
    if conn.autocommit:
        p.stage("vacuum analyze", lambda: x("vacuum analyze") and None)
    p.done()
    print(f"  seed: {consultants:,} consultants, {total:,} sessions", file=p.out, flush=True)
    return ids


def _load_chunk(conn: psycopg.Connection, p: Progress, counts: list[int], offset: int, tag: str,
                today_sessions: int, slots: bool = False) -> list:
    """One run of consultants with their whole history, base rows then what triggers would derive."""
    x = conn.execute
    # Local midnight today (every consultant is in TZ); session i starts at t0 + 3 h * (today_sessions - 1 - i).
    x("drop table if exists seed_c, seed_s, seed_cl")
    x("create temp table seed_c as select (ord + %s)::int as ord, n::int, gen_random_uuid() as id, "
      f"(date_trunc('day', now() at time zone '{TZ}') at time zone '{TZ}') as t0 "
      "from unnest(%s::int[]) with ordinality u(n, ord)", (offset, counts))

    p.stage("consultants", lambda: x(
        "insert into app.consultants (id, email, password_hash, first_name, last_name, slug, timezone, approval_status, "
        "approved_at, published_at, is_email_verified, email_verified_at, personal_session_title, webinar_session_title, "
        "personal_session_price, webinar_session_price, zoom_link, created_at) "
        f"select id, '{tag}-' || ord || '@example.com', %s, 'Bench', 'Consultant ' || ord, '{tag}-' || ord, '{TZ}', "
        "'approved', t0 - interval '40 years', t0 - interval '40 years', true, t0 - interval '40 years', 'One-to-one', 'Group webinar', 1499, 499, "
        "'https://zoom.us/j/1', t0 - interval '40 years' from seed_c", (BCRYPT_DUMMY,)).rowcount)
    if slots:
        _load_slots(p, x)

    def sessions_table() -> int:
        x(f"""create temp table seed_s as
        with g as (
          select c.id as consultant_id, c.ord, i, c.t0 + interval '3 hours' * ({today_sessions} - 1 - i) as starts_at,
                 abs(hashint8(c.ord::bigint * 1000003 + i)::bigint) % 100 as r,
                 abs(hashint8(c.ord::bigint * 7919 + i * 31)::bigint) % 4 as r2,
                 (i / 50) * 10 + i % 10 as client_no, c.t0
          from seed_c c, generate_series(0, c.n - 1) i)
        select gen_random_uuid() as id, consultant_id, ord, i, client_no, starts_at, starts_at + interval '1 hour' as ends_at,
               case when r2 = 0 then 'webinar' else 'personal' end as session_type,
               case when r2 = 0 then 499.00 else 1499.00 end::numeric(10,2) as amount,
               case when starts_at + interval '1 hour' > now() then 'confirmed'
                    when r < 80 then 'completed' when r < 88 then 'cancelled' when r < 93 then 'no_show'
                    else 'abandoned' end as status,
               starts_at >= t0 as today, t0
        from g""")
        return x("select count(*) from seed_s").fetchone()[0]
    p.stage("sessions (generated into a temp table)", sessions_table, stored=False)

    x("create temp table seed_cl as select consultant_id, ord, client_no, gen_random_uuid() as id, "
      "min(starts_at) - interval '2 days' as created_at from seed_s group by 1, 2, 3")
    p.stage("clients", lambda: x(
        "insert into app.clients (id, consultant_id, name, email, created_at, updated_at) "
        "select id, consultant_id, 'Client ' || client_no, 'client' || ord || '-' || client_no || '@example.com', "
        "least(created_at, now()), least(created_at, now()) from seed_cl").rowcount)

    p.stage("sessions", lambda: x(f"""
        insert into app.sessions (id, consultant_id, client_id, session_type, title, starts_at, ends_at, scheduled_date,
          scheduled_time, duration_minutes, buffer_minutes, occupied_during, amount, status, payment_status,
          payment_method, meeting_platform, meeting_link, booked_via, is_repeat_client, confirmed_at, completed_at,
          cancelled_at, cancelled_by, cancellation_reason, client_timezone, created_at, updated_at, reminder_next_at)
        select s.id, s.consultant_id, cl.id, s.session_type,
               case when s.session_type = 'webinar' then 'Group webinar' else 'One-to-one' end,
               s.starts_at, s.ends_at, (s.starts_at at time zone '{TZ}')::date, (s.starts_at at time zone '{TZ}')::time,
               60, 0, tstzrange(s.starts_at, s.ends_at, '[)'), s.amount, s.status,
               case s.status when 'cancelled' then 'refunded' when 'abandoned' then 'failed' else 'paid' end,
               case when s.status <> 'abandoned' then 'upi' end, 'zoom', 'https://zoom.us/j/1', 'public',
               row_number() over (partition by s.consultant_id, s.client_no order by s.starts_at) > 1,
               case when s.status <> 'abandoned' then least(s.starts_at - interval '2 days', now()) end,
               case when s.status = 'completed' then s.ends_at end,
               case when s.status = 'cancelled' then s.starts_at - interval '1 day' end,
               case when s.status = 'cancelled' then 'client' end,
               case when s.status = 'cancelled' then 'Cannot make it' end, '{TZ}',
               least(s.starts_at - interval '2 days', now()), least(s.ends_at, now()),
               -- Seeded sessions are no one's bookings: no reminder is queued for them (the sweep skips them).
               null::timestamptz
        from seed_s s join seed_cl cl on cl.consultant_id = s.consultant_id and cl.client_no = s.client_no""").rowcount)

    p.stage("payments (completed; refunded when cancelled)", lambda: x("""
        insert into app.payment_transactions (consultant_id, purpose, session_id, client_id, amount, amount_refunded,
          gateway, gateway_order_id, gateway_payment_id, payment_method, status, paid_at, created_at, updated_at)
        select s.consultant_id, 'session', s.id, cl.id, s.amount,
               case when s.status = 'cancelled' then s.amount else 0 end, 'local',
               'order_' || replace(s.id::text, '-', ''), 'pay_' || replace(s.id::text, '-', ''), 'upi',
               case when s.status = 'cancelled' then 'refunded' else 'completed' end,
               case when s.today then greatest(s.t0, now() - interval '1 minute' * (s.i + 1))
                    else s.starts_at - interval '2 days' end,
               least(s.starts_at - interval '2 days', now()), least(s.starts_at, now())
        from seed_s s join seed_cl cl on cl.consultant_id = s.consultant_id and cl.client_no = s.client_no
        where s.status <> 'abandoned'""").rowcount)

    p.stage("refunds (processed, cancellations)", lambda: x("""
        insert into app.payment_refunds (consultant_id, transaction_id, amount, reason, initiated_by, status,
          gateway_refund_id, processed_at, created_at, updated_at)
        select t.consultant_id, t.id, t.amount, 'Cancelled by the client', 'client_policy', 'processed',
               'rfnd_' || replace(t.id::text, '-', ''), s.starts_at - interval '1 day',
               s.starts_at - interval '1 day', s.starts_at - interval '1 day'
        from app.payment_transactions t join seed_s s on s.id = t.session_id where t.status = 'refunded'""").rowcount)

    # What the payment triggers write (off in this replica-mode load): each payment's commission from its
    # consultant's plan, and the ledger entries of the captures and the full refunds (db/functions/app/ledger.sql).
    p.stage("commissions (what the capture trigger fixes)", lambda: x("""
        update app.payment_transactions t set commission_plan = v.code, commission_percent = v.commission_percent,
          commission_min = v.commission_min, commission_gst_percent = v.gst, commission = v.commission,
          commission_gst = v.commission_gst
        from (select t2.id, p.code, p.commission_percent, p.commission_min, g.gst, x.commission, x.commission_gst
              from app.payment_transactions t2 join seed_c c on c.id = t2.consultant_id
              join app.consultants k on k.id = t2.consultant_id join app.plans p on p.code = k.subscription_plan
              cross join (select coalesce((select (s.value #>> '{}')::numeric from app.platform_settings s
                                           where s.key = 'commission_gst_percent'), 18) as gst) g
              cross join lateral app.commission_split(t2.amount, p.commission_percent, p.commission_min, g.gst) x
              where t2.commission is null and t2.status in ('completed', 'partially_refunded', 'refunded')
                and app.platform_collects(t2.gateway, t2.purpose)) v
        where t.id = v.id""").rowcount)
    p.stage("ledger entries (what the payment and refund triggers write)", lambda: x("""
        insert into app.ledger_entries (consultant_id, kind, amount, payment_id, refund_id, occurred_at)
        select t.consultant_id, e.kind, e.amount, t.id, null, t.paid_at
        from app.payment_transactions t join seed_c c on c.id = t.consultant_id
        cross join lateral (values ('captured', t.amount), ('commission', -t.commission),
                                   ('commission_gst', -t.commission_gst)) e(kind, amount)
        where t.commission is not null
        union all
        select r.consultant_id, e.kind, e.amount, t.id, r.id, r.processed_at
        from app.payment_refunds r join seed_c c on c.id = r.consultant_id
        join app.payment_transactions t on t.id = r.transaction_id
        -- Seeded refunds are whole (one per payment): the cumulative give-back is the whole commission's share.
        cross join lateral (values ('refund', -r.amount),
                                   ('commission_refund', round(t.commission * r.amount / t.amount, 2)),
                                   ('commission_gst_refund', round(t.commission_gst * r.amount / t.amount, 2)))
          e(kind, amount)
        where r.status = 'processed' and t.commission is not null""").rowcount)

    p.stage("quotations (1 per 50 sessions)", lambda: x("""
        insert into app.quotations (consultant_id, client_id, client_name, client_email, quotation_name, base_amount,
          discount_percentage, status, public_token_hash, sent_at, responded_at, expires_at, created_at, updated_at)
        select q.consultant_id, cl.id, 'Client ' || cl.client_no, 'client' || q.ord || '-' || cl.client_no || '@example.com',
               'Strategy review ' || q.k, 10000 + (q.r * 250), (q.r % 4) * 5,
               q.status, case when q.status <> 'draft' then sha256(convert_to(q.consultant_id::text || q.k, 'UTF8')) end,
               case when q.status <> 'draft' then q.created_at + interval '1 hour' end,
               case when q.status in ('accepted', 'rejected') then least(q.created_at + interval '2 days', now()) end,
               q.created_at + interval '30 days', q.created_at, q.created_at
        from (select c.id as consultant_id, c.ord, k, abs(hashint8(c.ord::bigint * 104729 + k)::bigint) % 100 as r,
                     case when abs(hashint8(c.ord::bigint * 104729 + k)::bigint) % 100 < 20 then 'draft'
                          when abs(hashint8(c.ord::bigint * 104729 + k)::bigint) % 100 < 50 then 'sent'
                          when abs(hashint8(c.ord::bigint * 104729 + k)::bigint) % 100 < 85 then 'accepted' else 'rejected' end as status,
                     least(c.t0 - interval '150 hours' * k, now() - interval '2 hours') as created_at
              from seed_c c, generate_series(0, c.n / 50) k) q
        join (select consultant_id, max(client_no) + 1 as clients from seed_cl group by 1) m
          on m.consultant_id = q.consultant_id
        join seed_cl cl on cl.consultant_id = q.consultant_id and cl.client_no = (q.k * 10) % m.clients""").rowcount)

    p.stage("client totals (what the triggers keep)", lambda: x("""
        update app.clients c set total_sessions = coalesce(s.n, 0), first_session_at = s.first,
               last_session_at = s.last, total_amount_paid = coalesce(t.paid, 0)
        from seed_cl k
        left join (select client_id, count(*)::int as n, min(starts_at) as first, max(starts_at) as last
                   from app.sessions where status in ('confirmed', 'completed', 'no_show')
                     and consultant_id in (select id from seed_c) group by 1) s
          on s.client_id = k.id
        left join (select client_id, sum(amount - amount_refunded) as paid from app.payment_transactions
                   where status in ('completed', 'partially_refunded', 'refunded')
                     and consultant_id in (select id from seed_c) group by 1) t on t.client_id = k.id
        where c.id = k.id""").rowcount)

    p.stage("client counts per consultant (what the trigger keeps)", lambda: x("""
        insert into app.consultant_client_counts as k (consultant_id, clients)
        select c.consultant_id, count(*) from app.clients c join seed_c s on s.id = c.consultant_id group by 1
        on conflict (consultant_id) do update set clients = excluded.clients""").rowcount)

    p.stage("analytics marks (consultant, local day)", lambda: x(f"""
        insert into app.analytics_dirty (consultant_id, day)
        select distinct consultant_id, (i at time zone '{TZ}')::date from (
          select s.consultant_id, s.starts_at from seed_s s
          union all select t.consultant_id, t.paid_at from app.payment_transactions t join seed_c c on c.id = t.consultant_id
          union all select r.consultant_id, r.processed_at from app.payment_refunds r join seed_c c on c.id = r.consultant_id
          union all select k.consultant_id, k.created_at from app.clients k join seed_c c on c.id = k.consultant_id
          union all select q.consultant_id, q.sent_at from app.quotations q join seed_c c on c.id = q.consultant_id
          union all select q.consultant_id, q.responded_at from app.quotations q join seed_c c on c.id = q.consultant_id
        ) t(consultant_id, i) where i is not null""").rowcount)
    ids = [r[0] for r in x("select id from seed_c order by ord")]
    x("drop table seed_c, seed_s, seed_cl")
    return ids


def _load_slots(p: Progress, x: Callable) -> None:
    """The chunk's consultants get SLOT_RULES, a 365-day horizon and the slots those rules call for, from
    app_private.desired_slots (the roll-forward's own function), with the local columns the insert trigger
    (derive_slot_local_times, off in this replica-mode load) would have set."""
    x("update app.consultants set max_days_ahead = %s where id in (select id from seed_c)", (SLOT_HORIZON_DAYS,))
    p.stage("availability rules (--slots)", lambda: x(
        "insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, "
        "capacity) select c.id, r.session_type, r.weekday, r.start_time::time, r.end_time::time, r.slot_minutes, "
        "r.capacity from seed_c c cross join unnest(%s::text[], %s::int[], %s::text[], %s::text[], %s::int[], "
        "%s::int[]) r(session_type, weekday, start_time, end_time, slot_minutes, capacity)",
        [list(col) for col in zip(*SLOT_RULES, strict=True)]).rowcount)
    p.stage("availability slots, a year (--slots)", lambda: x(f"""
        insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity, source, rule_id,
          date, start_time, end_time)
        select c.id, d.session_type, d.starts_at, d.ends_at, d.capacity, 'rule', d.rule_id,
               (d.starts_at at time zone '{TZ}')::date, (d.starts_at at time zone '{TZ}')::time,
               (d.ends_at at time zone '{TZ}')::time
        from seed_c c
        cross join lateral app_private.desired_slots(c.id, (now() at time zone '{TZ}')::date,
                                                     (now() at time zone '{TZ}')::date + {SLOT_HORIZON_DAYS}) d""").rowcount)


# Test: pytest tests/meta/test_cli.py -k scale; .venv/bin/python bench/dashboard.py (checks the derived data)
