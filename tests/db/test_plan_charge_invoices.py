# tests/db/test_plan_charge_invoices.py — each plan charge the worker records issues the platform's GST tax invoice to the consultant (issue 22): once, GST inside the price, split by the consultant's State, in the platform's one gapless series.
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_billing import DAY, MONTH, invoice, state, subscription, worker
from tests.db.test_tax_documents import gstin, pay


async def platform_in(owner, state_code: str) -> None:
    await owner.execute("update app.platform_settings set value = to_jsonb($1::text) where key = 'platform_gstin'",
                        gstin(state=state_code, pan="AAPFU0939F"))


async def invoices_of(owner, cid) -> list:
    return await owner.fetch("select d.* from app.tax_documents d where d.consultant_id = $1 and "
                             "d.purpose = 'subscription' order by d.issued_at, d.number", cid)


async def test_a_charge_issues_one_platform_invoice_with_the_gst_inside_the_price(db, owner):
    await platform_in(owner, "29")
    here = await factories.consultant(owner)
    await factories.tax_profile(owner, here, state_code="29")
    there = await factories.consultant(owner)
    await factories.tax_profile(owner, there, state_code="27")
    now = datetime.now(UTC)
    conn, w = await worker(db)
    try:
        for cid in (here, there):
            sub = await subscription(db, owner, cid, plan="pro")
            paid = invoice(now - DAY, now + MONTH - DAY, amount=117_900)  # ₹1,179.00, GST included
            st = state("active", now - DAY, now + MONTH - DAY)
            assert (await w.record(sub, st, [paid]))["new_charges"] == 1
            assert (await w.record(sub, st, [paid]))["new_charges"] == 0  # a replay issues nothing more
    finally:
        await conn.close()
    (intra,), (inter,) = await invoices_of(owner, here), await invoices_of(owner, there)
    for d in (intra, inter):
        assert (d["issuer"], d["document_type"], d["payment_id"]) == ("platform", "tax_invoice", None)
        assert d["number"].startswith("NK/") and d["sac"] == "998315" and d["total"] == Decimal("1179.00")
        assert d["taxable_value"] == Decimal("999.15")  # 1179 / 1.18, half up
        assert d["taxable_value"] + d["cgst"] + d["sgst"] + d["igst"] + d["round_off"] == d["total"]
        assert "plan" in d["description"] and d["supplier_state_code"] == "29"
    # Same State as the platform: CGST + SGST, equal halves; another State: IGST.
    assert intra["cgst"] == intra["sgst"] > 0 and intra["igst"] == 0 and intra["place_of_supply_state_code"] == "29"
    assert inter["igst"] > 0 and inter["cgst"] == inter["sgst"] == 0 and inter["place_of_supply_state_code"] == "27"
    # One series with the commission invoices: consecutive, no gap.
    numbers = sorted(int(r["number"].rsplit("/", 1)[1]) for r in await owner.fetch(
        "select number from app.tax_documents where issuer = 'platform'"))
    assert numbers == [1, 2]


async def test_the_invoice_sits_beside_the_commission_invoices_and_the_consultant_reads_it(db, owner):
    await platform_in(owner, "29")
    cid = await factories.consultant(owner)
    await factories.tax_profile(owner, cid, state_code="29")
    await pay(owner, cid, "2000.00")  # a booking's payment: its commission invoice is NK/…/1
    now = datetime.now(UTC)
    sub = await subscription(db, owner, cid, plan="basic")
    conn, w = await worker(db)
    try:
        await w.record(sub, state("active", now, now + MONTH), [invoice(now, now + MONTH, amount=49_900)])
    finally:
        await conn.close()
    numbers = [r["number"] for r in await owner.fetch(
        "select number from app.tax_documents where issuer = 'platform' order by number")]
    assert [int(n.rsplit("/", 1)[1]) for n in numbers] == [1, 2]
    # The consultant lists it with their documents and reads its snapshot (the app role, their own only).
    app = await db.connect("app")
    try:
        async with app.transaction():
            from app.sql import SET_CALLER

            await app.execute(SET_CALLER, str(cid), "", "")
            items = json.loads(await app.fetchval("select api.my_documents()"))["items"]
            plan_doc = next(i for i in items if i["subscription_charge_id"])
            assert plan_doc["payment_id"] is None and plan_doc["total"] == "499.00"
            full = json.loads(await app.fetchval("select api.my_document($1)", plan_doc["id"]))
            assert full["purpose"] == "subscription" and full["recipient"]["state_code"] == "29"
    finally:
        await app.close()
    # A document stands for a payment or a plan charge, never both or neither; issued documents never change.
    await raises_sqlstate(owner, "23514", """
        insert into app.tax_documents
        select (jsonb_populate_record(null::app.tax_documents, to_jsonb(d) || jsonb_build_object(
          'id', gen_random_uuid(), 'number', 'NK/26-27/9999999',
          'payment_id', (select t.id from app.payment_transactions t limit 1)))).*
        from app.tax_documents d where d.subscription_charge_id is not null""")
    await raises_sqlstate(owner, "NK409", "update app.tax_documents set total = total "
                                          "where subscription_charge_id is not null")

# Test: pytest tests/db/test_plan_charge_invoices.py
