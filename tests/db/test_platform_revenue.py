# tests/db/test_platform_revenue.py — the platform's revenue ledger for plan charges (issue 22): each charge's gross and the GST inside it as on its invoice, written with it, once; append-only; who reads it; the backfill.
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_billing import DAY, MONTH, invoice, state, subscription, worker
from tests.db.test_plan_charge_invoices import platform_in

MIGRATION = Path(__file__).parents[2] / "db/migrations/20261213010000_record_platform_revenue_from_plan_charges.sql"


async def entries(conn, cid) -> dict[str, Decimal]:
    return {r["kind"]: r["amount"] for r in await conn.fetch(
        "select kind, amount from app.platform_revenue_entries where consultant_id = $1", cid)}


async def charged(db, owner, cid, plan="pro", amount=117_900):
    """A subscription charged once through the worker (a replay of the same fetch on top), as the job records it."""
    sub = await subscription(db, owner, cid, plan=plan)
    now = datetime.now(UTC)
    paid, st = invoice(now - DAY, now + MONTH - DAY, amount=amount), state("active", now - DAY, now + MONTH - DAY)
    conn, w = await worker(db)
    try:
        assert (await w.record(sub, st, [paid]))["new_charges"] == 1
        assert (await w.record(sub, st, [paid]))["new_charges"] == 0
    finally:
        await conn.close()
    return sub


async def test_a_charge_writes_its_gross_and_the_gst_of_its_invoice_once(db, owner):
    await platform_in(owner, "29")
    here, there = await factories.consultant(owner), await factories.consultant(owner)
    await factories.tax_profile(owner, here, state_code="29")
    await factories.tax_profile(owner, there, state_code="27")
    for cid in (here, there):
        await charged(db, owner, cid)
    for cid in (here, there):
        doc = await owner.fetchrow("select * from app.tax_documents where consultant_id = $1 "
                                   "and purpose = 'subscription'", cid)
        rows = await owner.fetch("select * from app.platform_revenue_entries where consultant_id = $1", cid)
        assert {r["tax_document_id"] for r in rows} == {doc["id"]}
        assert {r["subscription_charge_id"] for r in rows} == {doc["subscription_charge_id"]}
        charge = await owner.fetchrow("select * from app.subscription_charges where id = $1",
                                      doc["subscription_charge_id"])
        assert {r["occurred_at"] for r in rows} == {charge["charged_at"]}
        got = await entries(owner, cid)
        assert got["plan_charge"] == charge["amount"] == doc["total"] == Decimal("1179.00")
        # Net revenue: what is left of the gross after the GST on the invoice.
        assert sum(got.values()) == doc["taxable_value"] + doc["round_off"]
    # Same State as the platform: CGST and SGST rows; another State: IGST; no zero rows.
    assert set(await entries(owner, here)) == {"plan_charge", "output_cgst", "output_sgst"}
    assert set(await entries(owner, there)) == {"plan_charge", "output_igst"}
    assert (await entries(owner, there))["output_igst"] == -(await owner.fetchval(
        "select igst from app.tax_documents where consultant_id = $1", there))
    # Asked again for the same invoice (a re-run backfill): nothing more.
    assert await owner.fetchval("select sum(app.record_plan_charge_revenue(id)) from app.tax_documents") == 0
    assert await owner.fetchval("select count(*) from app.platform_revenue_entries") == 5


async def test_the_rows_never_change_and_each_reads_only_their_own(db, owner):
    cid, other = await factories.consultant(owner), await factories.consultant(owner)
    for c in (cid, other):
        await charged(db, owner, c, plan="basic", amount=49_900)
    err = await raises_sqlstate(owner, "NK409", "update app.platform_revenue_entries set amount = amount + 1")
    assert err.message == "platform_revenue_entries_append_only"
    await raises_sqlstate(owner, "NK409", "delete from app.platform_revenue_entries")
    await raises_sqlstate(owner, "NK409", "truncate app.platform_revenue_entries")
    # A row of another consultant's charge, a second gross for a charge, a positive tax: refused.
    row = await owner.fetchrow("select * from app.platform_revenue_entries where consultant_id = $1 "
                               "and kind = 'plan_charge'", cid)
    await raises_sqlstate(owner, "23503", "insert into app.platform_revenue_entries (consultant_id, "
                          "subscription_charge_id, tax_document_id, kind, amount, occurred_at) "
                          "values ($1, $2, $3, 'output_igst', -1, now())", other, row["subscription_charge_id"],
                          row["tax_document_id"])
    await raises_sqlstate(owner, "23505", "insert into app.platform_revenue_entries (consultant_id, "
                          "subscription_charge_id, tax_document_id, kind, amount, occurred_at) "
                          "values ($1, $2, $3, 'plan_charge', 1, now())", cid, row["subscription_charge_id"],
                          row["tax_document_id"])
    await raises_sqlstate(owner, "23514", "insert into app.platform_revenue_entries (consultant_id, "
                          "subscription_charge_id, tax_document_id, kind, amount, occurred_at) "
                          "values ($1, $2, $3, 'output_igst', 1, now())", cid, row["subscription_charge_id"],
                          row["tax_document_id"])
    async with db.as_caller("app", consultant_id=cid) as conn:
        assert {r["consultant_id"] for r in await conn.fetch("select * from app.platform_revenue_entries")} == {cid}
        await raises_sqlstate(conn, "42501", "insert into app.platform_revenue_entries (consultant_id, "
                              "subscription_charge_id, tax_document_id, kind, amount, occurred_at) "
                              "select consultant_id, subscription_charge_id, tax_document_id, 'output_igst', -1, now() "
                              "from app.platform_revenue_entries limit 1")
    admin = await factories.admin(owner)
    async with db.as_caller("app", admin_id=admin) as conn:
        assert {r["consultant_id"] for r in await conn.fetch("select * from app.platform_revenue_entries")} == {
            cid, other}
    analyst = await db.connect("analyst")
    try:
        await raises_sqlstate(analyst, "42501", "select * from app.platform_revenue_entries")
        got = await analyst.fetch("select * from analytics.platform_revenue order by id")
        assert len(got) == 6 and {r["plan_code"] for r in got} == {"basic"}  # no tax profile: CGST + SGST
        assert sum(r["amount"] for r in got if r["kind"] == "plan_charge") == Decimal("998.00")
    finally:
        await analyst.close()


async def test_the_backfill_writes_the_rows_of_charges_recorded_before_it(db, owner):
    cid = await factories.consultant(owner)
    await charged(db, owner, cid)
    before = await entries(owner, cid)
    # As if the charge had been recorded before the ledger existed: its rows gone (the owner, triggers off), then
    # the migration's backfill, twice.
    await owner.execute("alter table app.platform_revenue_entries disable trigger platform_revenue_entries_append_only")
    await owner.execute("delete from app.platform_revenue_entries")
    await owner.execute("alter table app.platform_revenue_entries enable trigger platform_revenue_entries_append_only")
    up = MIGRATION.read_text().split("-- migrate:down")[0]  # noqa: ASYNC240 (a small local file)
    backfill = up[up.index("select app.record_plan_charge_revenue"):]
    for _ in range(2):
        await owner.execute(backfill)
    assert await entries(owner, cid) == before

# Test: pytest tests/db/test_platform_revenue.py
