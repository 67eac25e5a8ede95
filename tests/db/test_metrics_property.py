# tests/db/test_metrics_property.py — every dashboard, charts, admin and analysts' figure against a plain recomputation from the base tables, over random histories (Hypothesis).
"""Histories are generated around period edges (instants a few minutes either side of local midnight in the
consultant's zone, in UTC and in IST; periods across DST changes) for consultants east and west of UTC:
bookings in every status, captured, failed, failed-then-paid and given-up payments, full, partial and pending
refunds, cancellations by client or consultant (refunded ones become `returned`), quotations sent, accepted,
paid or not, a subscription payment that is not revenue. Each example runs in one transaction that is rolled
back, so examples never see each other. The recomputation below reads the base tables and follows
docs/metrics.md in plain Python; SQL answers are compared field by field."""
from __future__ import annotations

import json
import os
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.db import factories

IST = ZoneInfo("Asia/Kolkata")
ZONES = ("Asia/Kolkata", "America/New_York", "Pacific/Auckland", "UTC")
# (from, to) local dates: a month across the US DST start, a week across Europe's and the US's DST end, one day,
# and a quarter across NZ's DST end.
PERIODS = ((date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 10, 26), date(2026, 11, 2)),
           (date(2026, 3, 8), date(2026, 3, 8)), (date(2026, 3, 1), date(2026, 5, 31)),
           # and the week to today, so today's live figures (revenue_today, new_clients_today) meet stored days.
           (datetime.now(UTC).date() - timedelta(days=6), datetime.now(UTC).date()))
CAPTURED = ("completed", "partially_refunded", "refunded")
LIVE = ("confirmed", "completed", "no_show")
AMOUNTS = ("500.00", "999.99", "1499.00", "2500.50", "21874.00")


def rate(part, whole) -> float | None:
    return None if not whole else float((Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


def money(x: Decimal) -> str:
    return str(Decimal(x).quantize(Decimal("0.01"), ROUND_HALF_UP))


# --- generated histories ------------------------------------------------------------------------------------

@st.composite
def instants(draw, period: tuple[date, date], zone: str) -> datetime:
    """An instant near a period edge or inside it: a local day around the period (and the one before it), at a
    time near midnight in the consultant's zone, UTC or IST, or anywhere in the day."""
    start, end = period
    length = (end - start).days + 1
    day = draw(st.sampled_from([start - timedelta(days=length), start - timedelta(days=1), start, end,
                                end + timedelta(days=1)]) | st.integers(-length - 1, length + 1).map(
        lambda d: start + timedelta(days=d)))
    tz = ZoneInfo(draw(st.sampled_from([zone, "UTC", "Asia/Kolkata"])))
    minute = draw(st.sampled_from([0, 1, 29, 30, 23 * 60 + 30, 23 * 60 + 59]) | st.integers(0, 24 * 60 - 1))
    return datetime.combine(day, time(0), tz) + timedelta(minutes=minute)


@st.composite
def payment_specs(draw, period, zone) -> dict | None:
    kind = draw(st.sampled_from(["none", "paid", "paid", "paid", "failed", "failed_then_paid", "given_up", "pending"]))
    if kind == "none":
        return None
    at = draw(instants(period, zone))
    refund = draw(st.sampled_from(["none", "none", "partial", "full", "pending", "partial_twice"])) \
        if kind in ("paid", "failed_then_paid") else "none"
    later = timedelta(minutes=draw(st.sampled_from([5, 60 * 20, 60 * 24 * 3, 60 * 24 * 40])))
    return {"kind": kind, "at": at, "refund": refund, "refund_at": at + later}


@st.composite
def consultant_history(draw, period) -> dict:
    zone = draw(st.sampled_from(ZONES))
    n_clients = draw(st.integers(1, 4))
    clients = [draw(instants(period, zone)) for _ in range(n_clients)]
    sessions = draw(st.lists(st.fixed_dictionaries({
        "client": st.integers(0, n_clients - 1), "type": st.sampled_from(["personal", "webinar"]),
        "starts_at": instants(period, zone),
        "status": st.sampled_from(["pending", "confirmed", "confirmed", "completed", "completed", "no_show",
                                   "cancelled", "cancelled", "refunded_cancellation", "abandoned"]),
        "cancelled_by": st.sampled_from(["client", "consultant"]),
        "amount": st.sampled_from(AMOUNTS), "payment": payment_specs(period, zone)}), max_size=10))
    quotations = draw(st.lists(st.fixed_dictionaries({
        "status": st.sampled_from(["draft", "sent", "viewed", "accepted", "accepted", "rejected", "expired"]),
        "sent_at": instants(period, zone), "paid": st.booleans(), "paid_at": instants(period, zone),
        "amount": st.sampled_from(AMOUNTS), "refund": st.sampled_from(["none", "partial", "full"])}), max_size=3))
    return {"zone": zone, "created_at": draw(instants(period, zone)), "clients": clients, "sessions": sessions,
            "quotations": quotations, "subscription_at": draw(st.none() | instants(period, zone))}


def insert(cur, table: str, values: dict):
    names = ", ".join(values)
    return cur.execute(f"insert into {table} ({names}) values ({', '.join(['%s'] * len(values))}) returning id",
                       list(values.values())).fetchone()[0]


def pay(cur, consultant, spec: dict, amount: str, **target) -> None:
    kind, at = spec["kind"], spec["at"]
    status = {"paid": "completed", "failed_then_paid": "completed", "failed": "failed", "given_up": "cancelled",
              "pending": "pending"}[kind]
    meta = {"last_failed_payment_id": "pay_x"} if kind in ("failed", "failed_then_paid") else {}
    t = insert(cur, "app.payment_transactions", {
        "consultant_id": consultant, "amount": Decimal(amount), "status": status, "gateway": "local",
        "gateway_order_id": f"order_{uuid.uuid4().hex[:14]}", "paid_at": at if status == "completed" else None,
        "created_at": at - timedelta(minutes=10), "metadata": json.dumps(meta), **target})
    parts = {"none": [], "partial": ["0.40"], "full": ["1"], "pending": ["pending"], "partial_twice": ["0.25", "0.50"]}
    for i, part in enumerate(parts[spec["refund"]]):
        share = Decimal("0.3") if part == "pending" else Decimal(part)
        r = insert(cur, "app.payment_refunds", {
            "consultant_id": consultant, "transaction_id": t, "initiated_by": "consultant",
            "amount": (Decimal(amount) * share).quantize(Decimal("0.01"))})
        if part != "pending":
            cur.execute("update app.payment_refunds set status = 'processed', processed_at = %s where id = %s",
                        (spec["refund_at"] + timedelta(days=i), r))


QUOTATION_PATH = {"draft": [], "sent": ["sent"], "viewed": ["sent", "viewed"], "accepted": ["sent", "accepted"],
                  "rejected": ["sent", "rejected"], "expired": ["sent", "expired"]}


def build(cur, h: dict) -> uuid.UUID:
    c = insert(cur, "app.consultants", {
        "email": f"c{uuid.uuid4().hex[:10]}@example.com", "password_hash": factories.BCRYPT_DUMMY, "first_name": "P",
        "last_name": "Q", "slug": f"p-{uuid.uuid4().hex[:10]}", "timezone": h["zone"], "approval_status": "approved",
        "approved_at": h["created_at"], "is_email_verified": True, "email_verified_at": h["created_at"]})
    cur.execute("update app.consultants set created_at = %s where id = %s", (h["created_at"], c))
    clients = []
    for at in h["clients"]:
        k = insert(cur, "app.clients", {"consultant_id": c, "name": "A Client", "created_at": at,
                                        "email": f"cl{uuid.uuid4().hex[:10]}@example.com"})
        clients.append(k)
    # Sessions never overlap (the exclusion constraint): a start within 31 minutes of a kept one is dropped.
    kept, last = [], None
    for s in sorted(h["sessions"], key=lambda s: s["starts_at"]):
        if last is None or s["starts_at"] >= last + timedelta(minutes=31):
            kept.append(s)
            last = s["starts_at"]
    for s in kept:
        if s["status"] == "refunded_cancellation":  # cancelled, then paid back in full: the trigger makes it `returned`
            at = s["payment"]["at"] if s["payment"] else s["starts_at"] - timedelta(days=2)
            s = {**s, "status": "cancelled", "payment": {"kind": "paid", "at": at, "refund": "full",
                                                         "refund_at": at + timedelta(days=1)}}
        sid = insert(cur, "app.sessions", {
            "consultant_id": c, "client_id": clients[s["client"]], "session_type": s["type"],
            "starts_at": s["starts_at"], "ends_at": s["starts_at"] + timedelta(minutes=30), "status": s["status"],
            "hold_expires_at": datetime.now(UTC) + timedelta(minutes=15) if s["status"] == "pending" else None,
            "amount": Decimal(s["amount"]), "cancelled_by": s["cancelled_by"] if s["status"] == "cancelled" else None})
        if s["payment"]:
            pay(cur, c, s["payment"], s["amount"], purpose="session", session_id=sid, client_id=clients[s["client"]])
    for q in h["quotations"]:
        qid = insert(cur, "app.quotations", {
            "consultant_id": c, "client_id": clients[0], "client_name": "Quoted", "quotation_name": "Review",
            "client_email": f"q{uuid.uuid4().hex[:10]}@example.com", "base_amount": Decimal(q["amount"]),
            "discount_percentage": Decimal(0)})
        for step in QUOTATION_PATH[q["status"]]:
            if step == "sent":
                cur.execute("update app.quotations set status = 'sent', sent_at = %s, public_token_hash = %s "
                            "where id = %s", (q["sent_at"], os.urandom(32), qid))
            elif step == "viewed":
                cur.execute("update app.quotations set status = 'viewed' where id = %s", (qid,))
            else:
                cur.execute("update app.quotations set status = %s, responded_at = %s where id = %s",
                            (step, q["sent_at"] + timedelta(hours=2), qid))
        if q["status"] == "accepted" and q["paid"]:
            pay(cur, c, {"kind": "paid", "at": max(q["paid_at"], q["sent_at"] + timedelta(hours=3)),
                         "refund": q["refund"], "refund_at": q["paid_at"] + timedelta(days=2)},
                q["amount"], purpose="quotation", quotation_id=qid, client_id=clients[0])
    if h["subscription_at"]:
        pay(cur, c, {"kind": "paid", "at": h["subscription_at"], "refund": "none", "refund_at": None}, "999.00",
            purpose="subscription")
    return c


# --- the plain recomputation --------------------------------------------------------------------------------

class Base:
    """The base tables as they are after the triggers (status `returned`, clients' totals), read plainly."""

    def __init__(self, cur):
        def rows(sql: str) -> list[dict]:
            cur.execute(sql)
            names = [d.name for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

        self.consultants = rows("select id, timezone, created_at, approval_status from app.consultants "
                                "where deleted_at is null")
        self.sessions = rows("select id, consultant_id, client_id, session_type, status, starts_at from app.sessions")
        self.payments = rows("select id, consultant_id, purpose, session_id, amount, status, paid_at, created_at, "
                             "metadata from app.payment_transactions")
        self.refunds = rows("select consultant_id, transaction_id, amount, status, processed_at from app.payment_refunds")
        self.clients = rows("select id, consultant_id, created_at from app.clients")
        self.quotations = rows("select consultant_id, status, sent_at from app.quotations")
        self.by_id = {p["id"]: p for p in self.payments}
        self.session_type = {s["id"]: s["session_type"] for s in self.sessions}


def local_day(at: datetime | None, zone: str) -> date | None:
    return None if at is None else at.astimezone(ZoneInfo(zone)).date()


def day_figures(b: Base, consultant, zone: str, start: date, end: date) -> dict:
    """docs/metrics.md's per-period sums for one consultant, local dates [start, end]."""
    def inside(at):
        d = local_day(at, zone)
        return d is not None and start <= d <= end

    ss = [s for s in b.sessions if s["consultant_id"] == consultant and inside(s["starts_at"])]
    paid = [p for p in b.payments if p["consultant_id"] == consultant and p["purpose"] in ("session", "quotation")
            and p["status"] in CAPTURED and inside(p["paid_at"])]
    refunds = [r for r in b.refunds if r["consultant_id"] == consultant and r["status"] == "processed"
               and b.by_id[r["transaction_id"]]["purpose"] in ("session", "quotation") and inside(r["processed_at"])]
    status = [s["status"] for s in ss]
    by = defaultdict(Decimal)
    for p in paid:
        by["quotation" if p["purpose"] == "quotation" else b.session_type[p["session_id"]]] += p["amount"]
    sent = [q for q in b.quotations if q["consultant_id"] == consultant and inside(q["sent_at"])]
    return {"total": sum(x != "abandoned" for x in status), "completed": status.count("completed"),
            "cancelled": status.count("cancelled") + status.count("returned"), "abandoned": status.count("abandoned"),
            "no_show": status.count("no_show"), "gross": sum((p["amount"] for p in paid), Decimal(0)),
            "refunded": sum((r["amount"] for r in refunds), Decimal(0)), "personal": by["personal"],
            "webinar": by["webinar"], "quotation": by["quotation"],
            "session_payments": sum(p["purpose"] == "session" for p in paid),
            "new_clients": sum(k["consultant_id"] == consultant and inside(k["created_at"]) for k in b.clients),
            "sent": len(sent), "accepted": sum(q["status"] == "accepted" for q in sent)}


def live_sessions(b: Base, client_id) -> int:
    return sum(s["client_id"] == client_id and s["status"] in LIVE for s in b.sessions)


def expected_metrics(b: Base, consultant, zone: str, start: date, end: date, today: date) -> dict:
    length = (end - start).days + 1
    cur = day_figures(b, consultant, zone, start, end)
    prev = day_figures(b, consultant, zone, start - timedelta(days=length), start - timedelta(days=1))
    now = day_figures(b, consultant, zone, today, today)
    revenue, prev_revenue = cur["gross"] - cur["refunded"], prev["gross"] - prev["refunded"]
    active = {s["client_id"] for s in b.sessions if s["consultant_id"] == consultant and s["status"] in LIVE
              and start <= local_day(s["starts_at"], zone) <= end}
    repeat = sum(live_sessions(b, k) > 1 for k in active)
    session_revenue = cur["personal"] + cur["webinar"]
    return {
        "from": start.isoformat(), "to": end.isoformat(), "timezone": zone,
        "total_sessions": cur["total"], "completed_sessions": cur["completed"], "cancelled_sessions": cur["cancelled"],
        "abandoned_sessions": cur["abandoned"], "no_show_sessions": cur["no_show"],
        "pending_sessions": cur["total"] - cur["completed"] - cur["cancelled"] - cur["no_show"],
        "completion_rate": rate(cur["completed"], cur["completed"] + cur["no_show"]),
        "total_revenue": money(revenue), "gross_revenue": money(cur["gross"]), "refunded_amount": money(cur["refunded"]),
        "session_revenue": money(session_revenue), "quotation_revenue": money(cur["quotation"]),
        "session_payments": cur["session_payments"],
        "revenue_today": money(now["gross"] - now["refunded"]),
        "average_session_value": money(session_revenue / cur["session_payments"]) if cur["session_payments"] else None,
        "previous_revenue": money(prev_revenue),
        "revenue_growth": None if prev_revenue == 0 else rate(revenue - prev_revenue, abs(prev_revenue)),
        "total_clients": sum(k["consultant_id"] == consultant for k in b.clients),
        "new_clients": cur["new_clients"], "new_clients_today": now["new_clients"],
        "active_clients": len(active), "repeat_clients": repeat, "repeat_client_rate": rate(repeat, len(active)),
        "quotations_sent": cur["sent"], "quotations_accepted": cur["accepted"],
        "quotation_conversion_rate": rate(cur["accepted"], cur["sent"])}


def bucket(d: date, unit: str) -> date:
    return d - timedelta(days=d.weekday()) if unit == "week" else d.replace(day=1) if unit == "month" else d


def days(start: date, end: date):
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def expected_charts(b: Base, consultant, zone: str, start: date, end: date) -> dict:
    unit = "day" if (end - start).days < 62 else "week" if (end - start).days < 366 else "month"
    trend = defaultdict(lambda: [0, Decimal(0)])
    for d in days(start, end):
        f = day_figures(b, consultant, zone, d, d)
        first_day = max(bucket(d, unit), start)  # a week or month that began earlier starts with the period
        trend[first_day][0] += f["total"]
        trend[first_day][1] += f["gross"] - f["refunded"]
    f = day_figures(b, consultant, zone, start, end)
    first = datetime.combine(start, time(0), ZoneInfo(zone))
    total = sum(k["consultant_id"] == consultant and k["created_at"] < first for k in b.clients)
    growth = []
    for m in sorted({max(d.replace(day=1), start) for d in days(start, end)}):
        new = sum(day_figures(b, consultant, zone, d, d)["new_clients"] for d in days(start, end)
                  if max(d.replace(day=1), start) == m)
        total += new
        growth.append({"month": m.isoformat(), "new": new, "total": total})
    return {"unit": unit,
            "sessionsTrend": [{"period": k.isoformat(), "sessions": v[0], "revenue": money(v[1])}
                              for k, v in sorted(trend.items())],
            "clientsGrowth": growth,
            "revenueBreakdown": [{"type": t, "amount": money(f[t]), "percentage": rate(f[t], f["gross"])}
                                 for t in ("personal", "webinar", "quotation")],
            "gross_revenue": money(f["gross"]), "refunded_amount": money(f["refunded"]),
            "total_revenue": money(f["gross"] - f["refunded"])}


def expected_admin(b: Base, start: date, end: date) -> dict:
    lo, hi = datetime.combine(start, time(0), IST), datetime.combine(end + timedelta(days=1), time(0), IST)
    per = {c["id"]: day_figures(b, c["id"], c["timezone"], start, end) for c in b.consultants}
    tot = {k: sum(f[k] for f in per.values()) for k in next(iter(per.values()))}
    orders = [p for p in b.payments if lo <= p["created_at"] < hi]
    succeeded = sum(p["status"] in CAPTURED for p in orders)
    unpaid = sum(p["status"] in ("failed", "cancelled") for p in orders)
    top = sorted(((f["gross"] - f["refunded"], str(c), f["total"]) for c, f in per.items()
                  if f["gross"] or f["refunded"] or f["total"]), key=lambda t: (-t[0], t[1]))[:10]
    return {
        "revenue": {"gross": money(tot["gross"]), "refunded": money(tot["refunded"]),
                    "net": money(tot["gross"] - tot["refunded"]), "sessions": money(tot["personal"] + tot["webinar"]),
                    "quotations": money(tot["quotation"])},
        "sessions": {"total": tot["total"], "completed": tot["completed"], "cancelled": tot["cancelled"],
                     "abandoned": tot["abandoned"], "no_show": tot["no_show"],
                     "pending": tot["total"] - tot["completed"] - tot["cancelled"] - tot["no_show"]},
        "payments": {"succeeded": succeeded, "unpaid": unpaid, "success_rate": rate(succeeded, succeeded + unpaid),
                     "failed": sum(p["status"] == "failed" or "last_failed_payment_id" in p["metadata"] for p in orders)},
        "new_signups": sum(lo <= c["created_at"] < hi for c in b.consultants),
        "top": [(str(Decimal(r).quantize(Decimal("0.01"))), cid, n) for r, cid, n in top]}


# --- the property -------------------------------------------------------------------------------------------

@pytest.fixture
def owner_conn(db):
    with psycopg.connect(db.admin_url) as conn:
        conn.execute("set role nakksha_owner")
        conn.commit()
        yield conn


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_figure_matches_a_plain_recomputation(owner_conn, data):
    period = data.draw(st.sampled_from(PERIODS), label="period")
    histories = data.draw(st.lists(consultant_history(period), min_size=1, max_size=3), label="histories")
    start, end = period
    cur = owner_conn.cursor()
    try:
        ids = [build(cur, h) for h in histories]
        cur.execute("select api.refresh_daily_analytics(100000)")
        b = Base(cur)
        today_utc = cur.execute("select now()").fetchone()[0]
        for c, h in zip(ids, histories, strict=True):
            args = (c, "custom", start, end)
            m = cur.execute("select api.dashboard_metrics_for(%s, %s, %s, %s)", args).fetchone()[0]
            want = expected_metrics(b, c, h["zone"], start, end, local_day(today_utc, h["zone"]))
            assert {k: m[k] for k in want} == want
            for seen, what in ((m["revenue_today"] != "0.00", "money today"), (m["cancelled_sessions"], "cancelled"),
                               (m["repeat_clients"], "repeat clients"), (m["quotation_revenue"] != "0.00", "quotation paid"),
                               (m["refunded_amount"] != "0.00", "refunds")):
                if seen:
                    event(what)  # pytest --hypothesis-show-statistics: how often each kind of history came up
            ch = cur.execute("select api.dashboard_charts_for(%s, %s, %s, %s)", args).fetchone()[0]
            want = expected_charts(b, c, h["zone"], start, end)
            assert {k: ch[k] for k in want} == want
            # The split adds up: its parts are the gross, and gross less refunds is the revenue received.
            assert sum(Decimal(p["amount"]) for p in ch["revenueBreakdown"]) == Decimal(ch["gross_revenue"])
            assert ch["total_revenue"] == m["total_revenue"]
            # "Repeat" on the Clients page is the dashboard's repeat: one definition.
            cur.execute("select (api.client_json(k)->>'is_repeat_client')::boolean, k.id from app.clients k "
                        "where k.consultant_id = %s", (c,))
            for flag, k in cur.fetchall():
                assert flag == (live_sessions(b, k) > 1)
        # The admin overview, as an admin.
        admin = insert(cur, "app.admins", {"email": f"a{uuid.uuid4().hex[:8]}@example.com", "name": "A",
                                           "password_hash": factories.BCRYPT_DUMMY, "role": "admin"})
        cur.execute("select set_config('app.admin_id', %s, true)", (str(admin),))
        a = cur.execute("select api.admin_analytics('custom', %s, %s)", (start, end)).fetchone()[0]
        want = expected_admin(b, start, end)
        if any(s["status"] == "returned" for s in b.sessions):
            event("returned session")
        if want["payments"]["failed"]:
            event("failed attempt")
        assert a["revenue"] == want["revenue"] and a["sessions"] == want["sessions"]
        assert a["payments"] == want["payments"] and a["new_signups"] == want["new_signups"]
        assert [(t["revenue"], t["consultant_id"], t["sessions"]) for t in a["top_consultants"]
                if Decimal(t["revenue"]) or t["sessions"]] == [t for t in want["top"] if Decimal(t[0]) or t[2]]
        assert sum(p["sessions"] for p in a["trend"]) == want["sessions"]["total"]
        assert sum(Decimal(p["revenue"]) for p in a["trend"]) == Decimal(want["revenue"]["net"])
        # The analysts' daily view says the same.
        row = cur.execute("select coalesce(sum(gross_received), 0), coalesce(sum(refunds_processed), 0), "
                          "coalesce(sum(personal_revenue + webinar_revenue), 0), coalesce(sum(quotation_revenue), 0) "
                          "from analytics.revenue_daily where day between %s and %s", (start, end)).fetchone()
        assert [money(x) for x in row] == [want["revenue"][k] for k in ("gross", "refunded", "sessions", "quotations")]
        # The analysts' all-time totals (materialized) and the quotation funnel use the same rules.
        cur.execute("refresh materialized view analytics.consultant_dashboard_stats")
        for c in ids:
            every = day_figures(b, c, "UTC", date.min, date.max)
            stats = cur.execute("select cancelled_sessions, total_revenue, repeat_clients from "
                                "analytics.consultant_dashboard_stats where consultant_id = %s", (c,)).fetchone()
            repeat = sum(live_sessions(b, k["id"]) > 1 for k in b.clients if k["consultant_id"] == c)
            assert (stats[0], money(stats[1]), stats[2]) == (every["cancelled"], money(every["gross"] - every["refunded"]),
                                                             repeat)
        cur.execute("select sent, accepted, conversion_rate from analytics.quotation_funnel")
        for sent, accepted, conversion in cur.fetchall():
            assert conversion == (None if rate(accepted, sent) is None else Decimal(str(rate(accepted, sent))))
    finally:
        owner_conn.rollback()

# Test: pytest tests/db/test_metrics_property.py
