# tests/db/test_analytics_views.py — docs/analytics.md's examples run as nakksha_analyst on populated data; the analyst reads every analytics view, no app table, no personal column.
from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.analytics_docs import SQL_FILE, comments_sql, descriptions, plain
from app.migrate import DB_DIR
from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_subscription_analytics import paid_subscription

DOC = DB_DIR.parent / "docs" / "analytics.md"
PERSONAL_WORDS = ("name", "email", "phone", "notes", "description", "reason", "token")


def doc_examples(doc: Path = DOC) -> list[tuple[str, str]]:
    """Every ```sql block of the doc, with the view section (## analytics.x) it appears under."""
    examples, section = [], ""
    for heading, block in re.findall(r"^## (\S+)|^```sql\n(.*?)^```", doc.read_text(), flags=re.M | re.S):
        if heading:
            section = heading
        else:
            examples.append((section, block.strip()))
    return examples


def documented_views(doc: Path = DOC) -> set[str]:
    return set(re.findall(r"^## analytics\.([a-z_]+)\s*$", doc.read_text(), flags=re.M))


async def populate(owner) -> dict:
    """Two consultants (IST and UTC) with clients, sessions in several states, payments, a processed
    refund and quotations along the funnel; then the daily_analytics job, as it runs every minute."""
    now = datetime.now(UTC).replace(microsecond=0)
    ids = {}
    for tz in ("Asia/Kolkata", "UTC"):
        cid = await factories.consultant(owner, timezone=tz)
        clients = [await factories.client(owner, cid) for _ in range(3)]
        sessions = []
        for i, status in enumerate(("confirmed", "completed", "cancelled", "abandoned", "no_show")):
            sessions.append(await factories.session(
                owner, cid, clients[i % 3], starts_at=now - timedelta(days=5 - i, hours=1), status=status,
                session_type="webinar" if i == 1 else "personal", amount="1500.00"))
        p1 = await factories.payment(owner, cid, session_id=sessions[0], client_id=clients[0], amount="1500.00",
                                     paid_at=now - timedelta(days=2))
        await factories.payment(owner, cid, session_id=sessions[1], client_id=clients[1], amount="1500.00",
                                paid_at=now - timedelta(days=1))
        refund = await factories.refund(owner, cid, p1, amount="500.00")
        await owner.execute("update app.payment_refunds set status = 'processed', processed_at = $2 where id = $1",
                            refund, now - timedelta(hours=3))
        for i, status in enumerate(("accepted", "accepted", "rejected", "viewed", "sent")):
            q = await factories.quotation(owner, cid, client_id=clients[i % 3], base_amount="10000.00",
                                          discount_percentage="10" if i == 0 else "0")
            await owner.execute("update app.quotations set status = 'sent', sent_at = $2, public_token_hash = $3 "
                                "where id = $1", q, now - timedelta(days=3), os.urandom(32))
            if status != "sent":
                await owner.execute("update app.quotations set status = $2, view_count = 1 + $3, "
                                    "last_viewed_at = $4 where id = $1", q, status, i, now - timedelta(days=2))
            if status in ("accepted", "rejected"):
                await owner.execute("update app.quotations set responded_at = $2 where id = $1",
                                    q, now - timedelta(days=1))
            if i == 0:
                await owner.execute("update app.quotations set paid_at = $2 where id = $1", q, now - timedelta(hours=5))
        await factories.quotation(owner, cid)  # a draft: in analytics.quotations, not in the funnel
        # A platform plan paid for two months and running (analytics.subscriptions, subscription_mrr_monthly).
        await paid_subscription(owner, cid, "basic", "monthly", now - timedelta(days=40), now + timedelta(days=20))
        ids[tz] = cid
    assert await owner.fetchval("select api.refresh_daily_analytics()") > 0
    await owner.execute("refresh materialized view analytics.consultant_dashboard_stats")
    return ids


@pytest.fixture
async def consultants(db) -> dict:
    """The populated database's consultants by time zone."""
    owner = await db.connect("owner")
    try:
        return await populate(owner)
    finally:
        await owner.close()


@pytest.fixture
async def analyst(db, consultants):
    conn = await db.connect("analyst")
    try:
        yield conn
    finally:
        await conn.close()


def test_the_doc_has_examples_for_every_section():
    examples = doc_examples()
    assert len(examples) >= 10
    sections = {section for section, _ in examples}
    assert {f"analytics.{v}" for v in documented_views()} <= sections, "a view section without an example"


async def test_every_view_in_analytics_is_documented_and_readable(db, analyst):
    views = {r[0] for r in await analyst.fetch(
        "select c.relname::text from pg_class c where c.relnamespace = 'analytics'::regnamespace "
        "and c.relkind in ('v', 'm')")}
    assert {"consultants", "sessions", "payments", "revenue_daily", "consultant_daily_stats", "clients",
            "quotations", "quotation_funnel", "session_funnel"} <= views
    assert documented_views() == views, "docs/analytics.md must have a section per analytics view, and no other"
    for view in sorted(views):
        assert await analyst.fetchval(f"select count(*) from analytics.{view}") > 0, view
    # Every analytics view has a comment.
    owner = await db.connect("owner")
    try:
        uncommented = [r[0] for r in await owner.fetch(
            "select c.relname::text from pg_class c where c.relnamespace = 'analytics'::regnamespace "
            "and c.relkind in ('v', 'm') and obj_description(c.oid, 'pg_class') is null")]
    finally:
        await owner.close()
    assert uncommented == []


async def test_every_column_of_every_analytics_view_is_described_as_the_doc_says(analyst):
    """BI tools show a column's COMMENT: each is the meaning docs/analytics.md gives it (one source), and no
    column goes without one."""
    rows = await analyst.fetch(
        "select c.relname::text as view, a.attname::text as col, col_description(c.oid, a.attnum) as comment "
        "from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
        "where c.relnamespace = 'analytics'::regnamespace and c.relkind in ('v', 'm')")
    described = descriptions()
    assert [f"{r['view']}.{r['col']}" for r in rows if not r["comment"]] == []
    assert {(r["view"], r["col"]): r["comment"] for r in rows} == {
        (view, col): meaning for view, columns in described.items() for col, meaning in columns.items()}


async def test_the_demo_gives_every_view_and_every_documented_example_rows(db):
    """A fresh `make run` (seed-demo) shows data in every view, and each example in docs/analytics.md answers
    rows: the demo consultant has 90 days of history."""
    owner = await db.connect("owner")
    try:
        await owner.execute("select app_private.seed_demo('demo@nakksha.in', 'not-a-real-hash')")
        await owner.execute("select api.refresh_views()")
        assert await owner.fetchval("select count(*) from app.sessions where starts_at < now() - interval '60 days'") > 0
    finally:
        await owner.close()
    analyst = await db.connect("analyst")
    try:
        for view in sorted(documented_views()):
            assert await analyst.fetchval(f"select count(*) from analytics.{view}") > 0, view
        for section, query in doc_examples():
            assert await analyst.fetch(query), f"{section}: no rows on the demo\n{query}"
    finally:
        await analyst.close()


def test_the_comments_file_is_generated_from_the_doc():
    assert SQL_FILE.read_text() == comments_sql(descriptions()), "run: python -m app.analytics_docs"
    assert plain("Refunds (see [metrics](metrics.md)): `amount`") == "Refunds (see metrics): amount"


@pytest.mark.parametrize(("section", "query"), doc_examples(), ids=lambda v: v if v.startswith("analytics.") else "")
async def test_doc_example_runs_as_the_analyst(analyst, section, query):
    async with analyst.transaction(readonly=True):
        rows = await analyst.fetch(query)
    # The fixture has something for every view, so every example answers with rows.
    assert rows, f"{section}: example returned nothing:\n{query}"


async def test_revenue_and_funnels_add_up(analyst, consultants):
    ist = consultants["Asia/Kolkata"]
    revenue = await analyst.fetchrow(
        "select sum(gross_received) as gross, sum(refunds_processed) as refunds, sum(net_received) as net "
        "from analytics.revenue_daily where consultant_id = $1", ist)
    assert (revenue["gross"], revenue["refunds"], revenue["net"]) == (
        Decimal("3000.00"), Decimal("500.00"), Decimal("2500.00"))
    stats = await analyst.fetchrow(
        "select sum(total_sessions) as total, sum(abandoned_sessions) as abandoned, sum(net_received) as net, "
        "sum(new_clients) as new_clients, sum(quotations_sent) as sent, sum(quotations_accepted) as accepted "
        "from analytics.consultant_daily_stats where consultant_id = $1", ist)
    assert dict(stats) == {"total": 4, "abandoned": 1, "net": Decimal("2500.00"), "new_clients": 3,
                           "sent": 5, "accepted": 2}
    funnel = await analyst.fetch("select * from analytics.quotation_funnel where consultant_id = $1", ist)
    assert len(funnel) == 1
    f = dict(funnel[0])
    assert {k: f[k] for k in ("sent", "viewed", "accepted", "rejected", "expired", "paid")} == {
        "sent": 5, "viewed": 4, "accepted": 2, "rejected": 1, "expired": 0, "paid": 1}
    assert f["value_sent"] == Decimal("49000.00") and f["value_accepted"] == Decimal("19000.00")
    assert f["conversion_rate"] == Decimal("40.0")
    sessions = await analyst.fetch("select * from analytics.session_funnel where consultant_id = $1", ist)
    assert [(r["booked"], r["abandoned"], r["confirmed_or_later"], r["cancelled"], r["completed"])
            for r in sessions] == [(5, 1, 3, 1, 1)]
    assert await analyst.fetchval("select count(*) from analytics.quotations where consultant_id = $1", ist) == 6
    assert await analyst.fetchval("select count(*) from analytics.clients where consultant_id = $1", ist) == 3


@pytest.mark.parametrize("table", ["sessions", "clients", "quotations", "daily_analytics", "payment_refunds"])
async def test_analyst_is_refused_app_tables(analyst, table):
    await raises_sqlstate(analyst, "42501", f"select * from app.{table}")


async def test_no_analytics_view_exposes_a_personal_column(analyst):
    columns = await analyst.fetch(
        "select table_name::text, column_name::text, data_type::text from information_schema.columns "
        "where table_schema = 'analytics'")
    assert {r[0] for r in columns} >= {"clients", "quotations", "quotation_funnel"}
    # information_schema.columns leaves materialized views out: pg_attribute has them all.
    columns += await analyst.fetch(
        "select c.relname::text, a.attname::text, format_type(a.atttypid, null) from pg_class c "
        "join pg_attribute a on a.attrelid = c.oid "
        "where c.relnamespace = 'analytics'::regnamespace and c.relkind = 'm' and a.attnum > 0 and not a.attisdropped")
    # A yes/no flag about a person (is_email_verified) is not their data; any other such column is.
    leaky = sorted({(r[0], r[1]) for r in columns
                    if r[2] != "boolean" and any(word in r[1] for word in PERSONAL_WORDS)})
    assert leaky == []

# Test: pytest tests/db/test_analytics_views.py
