# tests/db/test_daily_analytics.py — daily_analytics against a hand-computed fixture (local days in IST), kept current by marks and the job, re-cut on a time-zone change, safe under racing writes.
from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.db import factories

IST = ZoneInfo("Asia/Kolkata")
D = date(2026, 11, 10)


def ist(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=IST)


async def day_row(conn, consultant, day: date) -> dict | None:
    row = await conn.fetchrow("select * from app.daily_analytics where consultant_id = $1 and date = $2", consultant, day)
    return None if row is None else {k: v for k, v in dict(row).items() if k not in ("consultant_id", "date", "updated_at")}


async def build_fixture(conn, consultant) -> None:
    nxt = D + timedelta(days=1)
    clients = [await factories.client(conn, consultant) for _ in range(3)]
    for cid, at in zip(clients, (ist(D, 9, 0), ist(D, 18, 0), ist(nxt, 1, 0)), strict=True):
        await conn.execute("update app.clients set created_at = $2 where id = $1", cid, at)
    c = clients[0]
    s1 = await factories.session(conn, consultant, c, starts_at=ist(D, 0, 10), amount="1000.00")  # 18:40 UTC the day before
    s2 = await factories.session(conn, consultant, c, starts_at=ist(D, 23, 0), session_type="webinar",
                                 status="completed", amount="500.00")
    s3 = await factories.session(conn, consultant, c, starts_at=ist(nxt, 0, 5), status="cancelled", amount="800.00")
    await factories.session(conn, consultant, c, starts_at=ist(D, 12, 0), status="abandoned")
    s5 = await factories.session(conn, consultant, c, starts_at=ist(D, 15, 0), status="no_show")
    await conn.execute("update app.sessions set is_repeat_client = true where id = $1", s5)
    p1 = await factories.payment(conn, consultant, session_id=s1, client_id=c, amount="1000.00",
                                 paid_at=ist(D, 1, 30))  # 20:00 UTC the day before
    await factories.payment(conn, consultant, session_id=s2, client_id=c, amount="500.00", paid_at=ist(D, 10, 0))
    await factories.payment(conn, consultant, session_id=s3, client_id=c, amount="800.00", paid_at=ist(nxt, 0, 30))
    r1 = await factories.refund(conn, consultant, p1, amount="300.00")
    await conn.execute("update app.payment_refunds set status = 'processed', processed_at = $2 where id = $1",
                       r1, ist(D, 22, 0))
    q = await factories.quotation(conn, consultant)
    await conn.execute("update app.quotations set status = 'sent', sent_at = $2, public_token_hash = $3 where id = $1",
                       q, ist(D, 11, 0), os.urandom(32))
    await conn.execute("update app.quotations set status = 'accepted', responded_at = $2 where id = $1", q, ist(nxt, 9, 0))


EXPECTED_D = {"total_sessions": 3, "completed_sessions": 1, "cancelled_sessions": 0, "abandoned_sessions": 1,
              "no_show_sessions": 1, "total_revenue": Decimal("1500.00"), "refunded_amount": Decimal("300.00"),
              "personal_revenue": Decimal("1000.00"), "webinar_revenue": Decimal("500.00"), "new_clients": 2,
              "returning_clients": 1, "quotations_sent": 1, "quotations_accepted": 1,  # accepted the next day, sent on D
              "quotation_revenue": Decimal("0.00"), "session_payments": 2}
EXPECTED_NEXT = {"total_sessions": 1, "completed_sessions": 0, "cancelled_sessions": 1, "abandoned_sessions": 0,
                 "no_show_sessions": 0, "total_revenue": Decimal("800.00"), "refunded_amount": Decimal("0.00"),
                 "personal_revenue": Decimal("800.00"), "webinar_revenue": Decimal("0.00"), "new_clients": 1,
                 "returning_clients": 0, "quotations_sent": 0, "quotations_accepted": 0,
                 "quotation_revenue": Decimal("0.00"), "session_payments": 1}


async def test_local_days_match_the_hand_computed_fixture(db):
    conn = await db.connect("owner")
    try:
        consultant = await factories.consultant(conn)
        await build_fixture(conn, consultant)
        assert await day_row(conn, consultant, D) is None  # nothing until the job runs
        assert await conn.fetchval("select api.refresh_daily_analytics()") >= 2
        assert await day_row(conn, consultant, D) == EXPECTED_D
        assert await day_row(conn, consultant, D + timedelta(days=1)) == EXPECTED_NEXT
        assert await day_row(conn, consultant, D - timedelta(days=1)) is None  # UTC's date is not the day
        assert await conn.fetchval("select count(*) from app.analytics_dirty") == 0
        assert await conn.fetchval("select api.refresh_daily_analytics()") == 0

        # A change marks its day; the next run brings the row in line.
        await conn.execute("update app.sessions set status = 'completed' where consultant_id = $1 "
                           "and status = 'confirmed'", consultant)
        assert await conn.fetchval("select api.refresh_daily_analytics()") == 1
        assert (await day_row(conn, consultant, D))["completed_sessions"] == 2

        # Another time zone cuts the days differently: everything is recomputed.
        await conn.execute("update app.consultants set timezone = 'UTC' where id = $1", consultant)
        await conn.fetchval("select api.refresh_daily_analytics()")
        earlier = await day_row(conn, consultant, D - timedelta(days=1))
        assert earlier["total_sessions"] == 1 and earlier["total_revenue"] == Decimal("1000.00")  # s1, p1 by UTC
    finally:
        await conn.close()


async def test_the_dashboard_view_sums_each_table_on_its_own(db):
    """consultant_dashboard_stats: three clients, three payments and five sessions joined naively would
    multiply revenue; each total must be what its own table says. Refreshed concurrently, read as analyst."""
    conn = await db.connect("owner")
    try:
        consultant = await factories.consultant(conn)
        other = await factories.consultant(conn)
        await build_fixture(conn, consultant)
        await conn.fetchval("select api.refresh_views()")
        row = await conn.fetchrow("select * from analytics.consultant_dashboard_stats where consultant_id = $1", consultant)
        assert (row["total_sessions"], row["completed_sessions"], row["cancelled_sessions"]) == (4, 1, 1)
        assert (row["gross_revenue"], row["refunded_amount"], row["total_revenue"]) == (
            Decimal("2300.00"), Decimal("300.00"), Decimal("2000.00"))
        assert (row["total_clients"], row["quotations_sent"], row["quotations_accepted"]) == (3, 1, 1)
        empty = await conn.fetchrow("select * from analytics.consultant_dashboard_stats where consultant_id = $1", other)
        assert empty["total_revenue"] == 0 and empty["total_sessions"] == 0
        # Concurrently: a second refresh while a reader holds the view open does not block the reader.
        reader = await db.connect("analyst")
        try:
            async with reader.transaction():
                assert await reader.fetchval("select count(*) from analytics.consultant_dashboard_stats") == 2
                await conn.fetchval("select api.refresh_views()")
                assert await reader.fetchval("select count(*) from analytics.consultant_dashboard_stats") == 2
        finally:
            await reader.close()
        assert await conn.fetchval("select count(*) from app.view_refreshes") == 1
    finally:
        await conn.close()


async def book_and_pay(db, consultant, client, starts: list[datetime]) -> None:
    """One writer's bookings (a minute each, paid ₹100 when they start), each in its own transaction."""
    conn = await db.connect("owner")
    try:
        for start in starts:
            s = await factories.session(conn, consultant, client, starts_at=start, minutes=1, amount="100.00")
            await factories.payment(conn, consultant, session_id=s, client_id=client, amount="100.00", paid_at=start)
    finally:
        await conn.close()


async def test_racing_writes_and_runs_leave_every_day_exact(db):
    """Bookings on one day written from many connections while the job runs: afterwards each stored day
    equals a recomputation from scratch."""
    setup = await db.connect("owner")
    try:
        consultant = await factories.consultant(setup)
        client = await factories.client(setup, consultant)
    finally:
        await setup.close()
    base = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)

    async def writer(n: int) -> None:
        await book_and_pay(db, consultant, client, [base + timedelta(hours=(n * 5 + k) % 20, minutes=n) for k in range(5)])

    async def runner() -> None:
        conn = await db.connect("owner")
        try:
            for _ in range(15):
                await conn.fetchval("select api.refresh_daily_analytics()")
                await asyncio.sleep(0.01)
        finally:
            await conn.close()

    await asyncio.gather(runner(), *(writer(n) for n in range(6)))
    conn = await db.connect("owner")
    try:
        await conn.fetchval("select api.refresh_daily_analytics()")
        stored = {r["date"]: (r["total_sessions"], r["total_revenue"])
                  for r in await conn.fetch("select * from app.daily_analytics where consultant_id = $1 "
                                            "and total_sessions > 0", consultant)}
        truth = {r["day"]: (r["n"], r["revenue"]) for r in await conn.fetch(
            "select (s.starts_at at time zone 'Asia/Kolkata')::date as day, count(*) as n, sum(t.amount) as revenue "
            "from app.sessions s join app.payment_transactions t on t.session_id = s.id "
            "where s.consultant_id = $1 group by 1", consultant)}
        assert stored == truth and sum(n for n, _ in stored.values()) == 30
    finally:
        await conn.close()

LIVE_DAY = ("select to_jsonb(x) - 'updated_at' from api.live_day($1, $2) x")
COMPUTED = ("select to_jsonb(x) - 'updated_at' from api.compute_daily_analytics($1, $2) x")


async def live_day_as(db, consultant, day: date) -> dict | None:
    """api.live_day as the dashboard calls it: the app role, acting for the consultant (their policies apply)."""
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true)", str(consultant))
            value = await app.fetchval(LIVE_DAY, consultant, day)
            return None if value is None else json.loads(value, parse_float=Decimal)
    finally:
        await app.close()


def figures(row: dict | None) -> dict | None:
    """A day's figures (JSON numbers as Decimal), or None for no day (NULL, or a row of NULLs)."""
    return None if row is None or row.get("consultant_id") is None else {
        k: v for k, v in row.items() if k not in ("consultant_id", "date")}


async def test_a_live_day_reads_the_stored_day_unless_a_write_marked_it(db):
    """Issue 20: api.live_day computes a day from the base tables only while a write's mark waits for the job;
    otherwise the stored row is exact and is what it reads (shown by altering the stored row behind its back)."""
    conn = await db.connect("owner")
    try:
        consultant = await factories.consultant(conn)
        await build_fixture(conn, consultant)
        assert figures(await live_day_as(db, consultant, D)) == EXPECTED_D  # marked: computed
        await conn.fetchval("select api.refresh_daily_analytics()")
        assert figures(await live_day_as(db, consultant, D)) == EXPECTED_D  # stored
        assert figures(await live_day_as(db, consultant, D - timedelta(days=1))) is None  # nothing that day
        await conn.execute("update app.daily_analytics set total_sessions = 99 where consultant_id = $1 and date = $2",
                           consultant, D)
        assert figures(await live_day_as(db, consultant, D))["total_sessions"] == 99  # read, not recomputed
        # A write marks the day: computed again, exact before the job has run.
        await conn.execute("update app.sessions set status = 'completed' where consultant_id = $1 "
                           "and status = 'confirmed' and starts_at < $2", consultant, ist(D + timedelta(days=1), 0, 0))
        assert figures(await live_day_as(db, consultant, D)) == {**EXPECTED_D, "completed_sessions": 2}
        # Another consultant's marks and days are not theirs to read.
        other = await factories.consultant(conn)
        assert figures(await live_day_as(db, other, D)) is None
    finally:
        await conn.close()


async def test_a_live_day_raced_by_writes_and_the_job_equals_its_computation(db):
    """Whatever the job and the writers are doing, a live day read in one snapshot equals the day computed from
    the base tables in that snapshot (a mark and the stored row change together)."""
    setup = await db.connect("owner")
    try:
        consultant = await factories.consultant(setup)
        client = await factories.client(setup, consultant)
        day = await setup.fetchval("select (now() at time zone 'Asia/Kolkata')::date")
    finally:
        await setup.close()
    done = asyncio.Event()

    async def writer(n: int) -> None:
        await book_and_pay(db, consultant, client, [ist(day, 1 + (n * 6 + k) % 20, n) for k in range(6)])

    async def job() -> None:
        conn = await db.connect("owner")
        try:
            while not done.is_set():
                await conn.fetchval("select api.refresh_daily_analytics()")
                await asyncio.sleep(0.005)
        finally:
            await conn.close()

    async def reader() -> int:
        conn = await db.connect("owner")
        compared = 0
        try:
            while not done.is_set():
                async with conn.transaction(isolation="repeatable_read", readonly=True):
                    live = await conn.fetchval(LIVE_DAY, consultant, day)
                    computed = await conn.fetchval(COMPUTED, consultant, day)
                assert figures(live and json.loads(live, parse_float=Decimal)) == \
                    figures(computed and json.loads(computed, parse_float=Decimal))
                compared += 1
        finally:
            await conn.close()
        return compared

    async def writers() -> None:
        await asyncio.gather(*(writer(n) for n in range(4)))
        await asyncio.sleep(0.05)
        done.set()

    results = await asyncio.gather(job(), reader(), writers())
    assert results[1] > 5

# Test: pytest tests/db/test_daily_analytics.py
