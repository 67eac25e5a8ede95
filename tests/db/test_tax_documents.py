# tests/db/test_tax_documents.py — GST documents issued when a payment is captured or a refund processed: types by scheme, numbers and their series, place of supply and the tax split, the platform's commission invoice, credit notes, immutability, replays, races, policies.
from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_ledger import capture_at_once, pay
from tests.db.test_tax_profiles import gstin

NUMBER = re.compile(r"^((INV|BOS|RCT|CN)/\d\d-\d\d/\d{6}|(NK|NC)/\d\d-\d\d/\d{7})$")


async def regular(conn, state: str = "29", pan: str = "ABCCK1234F", **cols):
    c = await factories.consultant(conn)
    await factories.tax_profile(conn, c, pan=pan, gst_scheme="regular", gstin=gstin(state=state, pan=pan),
                                state_code=state, address_line1="1 MG Road", city="Bengaluru", postal_code="560001",
                                **cols)
    return c


async def docs(conn, payment, *, issuer: str | None = None, refund=None) -> list:
    return await conn.fetch(
        "select * from app.tax_documents where payment_id = $1 and ($2::text is null or issuer = $2) "
        "and refund_id is not distinct from $3 order by issuer, issued_at, number", payment, issuer, refund)


async def one(conn, payment, issuer: str = "consultant", refund=None):
    rows = await docs(conn, payment, issuer=issuer, refund=refund)
    assert len(rows) == 1, rows
    return rows[0]


def taxes(d) -> tuple:
    assert d["total"] == d["taxable_value"] + d["cgst"] + d["sgst"] + d["igst"] + d["round_off"]
    return (d["taxable_value"], d["cgst"], d["sgst"], d["igst"], d["total"])


async def process(conn, consultant, payment, amount: str):
    refund = await factories.refund(conn, consultant, payment, amount=amount)
    await conn.execute("update app.payment_refunds set status = 'processed', processed_at = now() where id = $1", refund)
    return refund


async def test_the_document_follows_the_scheme_with_the_platforms_invoice_beside_it(owner):
    reg = await regular(owner)
    comp = await factories.consultant(owner)
    await factories.tax_profile(owner, comp, pan="ABCFK1234F", gst_scheme="composition", gstin=gstin(pan="ABCFK1234F"))
    unreg = await factories.consultant(owner)  # no tax profile at all
    kinds = {}
    for c in (reg, comp, unreg):
        paid = await pay(owner, c, "1180.00")
        d = await one(owner, paid)
        kinds[c] = (d["document_type"], d["number"][:4])
        assert NUMBER.match(d["number"]) and len(d["number"]) <= 16
        assert d["number"].endswith("/000001")  # each consultant's series starts at one
        assert d["total"] == Decimal("1180.00") and d["sac"] == "998311"
        nk = await one(owner, paid, "platform")
        assert nk["document_type"] == "tax_invoice" and nk["number"].startswith("NK/")
    assert kinds == {reg: ("tax_invoice", "INV/"), comp: ("bill_of_supply", "BOS/"), unreg: ("receipt", "RCT/")}
    comp_doc = await one(owner, await pay(owner, comp, "500.00"))
    assert comp_doc["number"].endswith("/000002") and taxes(comp_doc)[1:4] == (0, 0, 0)
    assert "Composition" in comp_doc["legend"]
    # The platform's series is one across consultants: NK/…/000001 to 000004.
    nks = [r["number"] for r in await owner.fetch("select number from app.tax_documents where issuer = 'platform' "
                                                  "order by number")]
    assert [int(n[-6:]) for n in nks] == [1, 2, 3, 4]


async def test_place_of_supply_decides_cgst_and_sgst_or_igst(owner):
    c = await regular(owner)  # Karnataka
    same = await one(owner, await pay(owner, c, "1180.00", billing_state_code="29", billing_country="IN"))
    assert taxes(same) == (Decimal("1000.00"), Decimal("90.00"), Decimal("90.00"), 0, Decimal("1180.00"))
    assert (same["cgst_rate"], same["sgst_rate"], same["igst_rate"]) == (9, 9, 0)
    assert same["place_of_supply_state_code"] == "29" and same["supplier_gstin"] == gstin(pan="ABCCK1234F")
    other = await one(owner, await pay(owner, c, "1180.00", billing_state_code="27", billing_country="IN",
                                       billing_gstin=gstin(state="27", pan="AAPFU0939F"), billing_name="Acme LLP"))
    assert taxes(other) == (Decimal("1000.00"), 0, 0, Decimal("180.00"), Decimal("1180.00"))
    assert (other["igst_rate"], other["recipient_gstin"], other["recipient_billing_name"]) == (
        18, gstin(state="27", pan="AAPFU0939F"), "Acme LLP")
    # No State given: the consultant's own (s.12(2)(b)(ii)). CGST and SGST are each 9% of the taxable value,
    # half up (7.6275 -> 7.63), so always equal; the paisa the price leaves is the round-off line.
    odd = await one(owner, await pay(owner, c, "100.00"))
    assert taxes(odd) == (Decimal("84.75"), Decimal("7.63"), Decimal("7.63"), 0, Decimal("100.00"))
    assert odd["round_off"] == Decimal("-0.01")
    assert odd["place_of_supply_state_code"] == "29"


async def test_a_client_abroad_pays_igst_unless_the_consultant_has_a_current_lut(owner):
    c = await regular(owner)
    abroad = await one(owner, await pay(owner, c, "1180.00", billing_country="US"))
    assert taxes(abroad) == (Decimal("1000.00"), 0, 0, Decimal("180.00"), Decimal("1180.00"))
    assert (abroad["place_of_supply_country"], abroad["place_of_supply_state_code"]) == ("US", None)
    fy_end = await owner.fetchval("select (app.financial_year_start(now()) + interval '1 year' - interval '1 day')::date")
    await owner.execute("update app.consultant_tax_profiles set lut_reference = 'AD290326000123A', "
                        "lut_valid_until = $2 where consultant_id = $1", c, fy_end)
    zero = await one(owner, await pay(owner, c, "1180.00", billing_country="US"))
    assert taxes(zero) == (Decimal("1180.00"), 0, 0, 0, Decimal("1180.00"))
    assert zero["lut_reference"] == "AD290326000123A" and "LUT" in zero["legend"]
    # A letter of undertaking is for its financial year only: last year's (or next year's) does not zero-rate.
    await owner.execute("update app.consultant_tax_profiles set lut_valid_until = $2 where consultant_id = $1", c,
                        date(fy_end.year - 1, 3, 31))
    lapsed = await one(owner, await pay(owner, c, "1180.00", billing_country="US"))
    assert lapsed["igst"] == Decimal("180.00") and lapsed["lut_reference"] is None


async def test_the_platforms_invoice_is_for_the_commission_and_its_gst_split_by_the_consultants_state(owner):
    await owner.execute("update app.platform_settings set value = to_jsonb($1::text) where key = 'platform_gstin'",
                        gstin(state="29", pan="AAPFU0939F"))
    await owner.execute("update app.platform_settings set value = '\"Nakksha Private Limited\"' "
                        "where key = 'platform_legal_name'")
    here, there = await regular(owner), await regular(owner, state="27")
    for c, split in ((here, "intra"), (there, "inter")):
        paid = await pay(owner, c, "2000.00")  # free plan: 10% = 200.00, GST 36.00
        nk = await one(owner, paid, "platform")
        assert (nk["taxable_value"], nk["total"]) == (Decimal("200.00"), Decimal("236.00"))
        assert nk["supplier_name"] == "Nakksha Private Limited" and nk["supplier_state_code"] == "29"
        assert nk["recipient_gstin"] == gstin(state=nk["recipient_state_code"], pan="ABCCK1234F")
        if split == "intra":
            assert (nk["cgst"], nk["sgst"], nk["igst"]) == (Decimal("18.00"), Decimal("18.00"), 0)
        else:
            assert (nk["cgst"], nk["sgst"], nk["igst"]) == (0, 0, Decimal("36.00"))
    # Money the platform did not collect gets no document from it.
    assert await docs(owner, await pay(owner, here, "500.00", gateway="cash")) == []


async def test_the_financial_year_turns_at_midnight_on_31_march_in_india(owner):
    c = await regular(owner)
    before = datetime(2027, 3, 31, 18, 29, 59, tzinfo=UTC)  # 23:59:59 IST
    after = datetime(2027, 3, 31, 18, 30, tzinfo=UTC)  # 00:00 IST, 1 April
    late = await one(owner, await pay(owner, c, "1180.00", paid_at=before))
    early = await one(owner, await pay(owner, c, "1180.00", paid_at=after))
    assert (late["number"], late["financial_year"]) == ("INV/26-27/000001", date(2026, 4, 1))
    assert (early["number"], early["financial_year"]) == ("INV/27-28/000001", date(2027, 4, 1))
    assert (await one(owner, await pay(owner, c, "1180.00", paid_at=after), "platform"))["number"] == "NK/27-28/0000002"


async def test_credit_notes_take_back_each_tax_in_proportion_and_a_full_refund_reverses_exactly(owner):
    c = await regular(owner)
    # 990.33: taxable 839.26, CGST = SGST = 75.53, round off +0.01; the commission 99.03, its GST 17.83 split
    # 8.91 + 8.91 + 0.01 round off: both invoices carry a round-off, and their credit notes take it back.
    paid = await pay(owner, c, "990.33", billing_state_code="29", billing_country="IN")
    invoice, nk = await one(owner, paid), await one(owner, paid, "platform")
    assert (invoice["cgst"], invoice["sgst"], invoice["round_off"]) == (Decimal("75.53"), Decimal("75.53"), Decimal("0.01"))
    assert (nk["cgst"], nk["sgst"], nk["round_off"]) == (Decimal("8.91"), Decimal("8.91"), Decimal("0.01"))
    for _ in range(3):
        await process(owner, c, paid, "330.11")
    notes = await owner.fetch("select * from app.tax_documents where payment_id = $1 and document_type = 'credit_note' "
                              "order by issuer, number", paid)
    mine = [n for n in notes if n["issuer"] == "consultant"]
    theirs = [n for n in notes if n["issuer"] == "platform"]
    assert [n["number"] for n in mine] == ["CN/26-27/000001", "CN/26-27/000002", "CN/26-27/000003"]
    assert all(n["number"].startswith("NC/") and len(n["number"]) <= 16 for n in theirs) and len(theirs) == 3
    for source, credited in ((invoice, mine), (nk, theirs)):
        assert all(n["original_document_id"] == source["id"] and n["original_number"] == source["number"]
                   for n in credited)
        for i, field in enumerate(("taxable_value", "cgst", "sgst", "igst", "total")):
            assert sum(n[field] for n in credited) == taxes(source)[i], field
        assert sum(n["round_off"] for n in credited) == source["round_off"]
        assert all(n["cgst"] == n["sgst"] and taxes(n) for n in credited)  # equal halves stay equal
    # The platform's credit notes are exactly what the ledger gave back.
    ledger = await owner.fetchval("select sum(amount) from app.ledger_entries where payment_id = $1 and kind in "
                                  "('commission_refund', 'commission_gst_refund')", paid)
    assert sum(n["total"] for n in theirs) == ledger
    half = await pay(owner, c, "1180.00", billing_state_code="27", billing_country="IN")
    refund = await process(owner, c, half, "590.00")
    note = await one(owner, half, refund=refund)
    assert taxes(note) == (Decimal("500.00"), 0, 0, Decimal("90.00"), Decimal("590.00"))
    assert (note["place_of_supply_state_code"], note["document_type"]) == ("27", "credit_note")


async def test_a_receipts_refund_has_no_credit_note_but_the_platforms_commission_does(owner):
    c = await factories.consultant(owner)
    paid = await pay(owner, c, "1000.00")
    refund = await process(owner, c, paid, "1000.00")
    assert [d["issuer"] for d in await docs(owner, paid, refund=refund)] == ["platform"]


async def test_documents_and_counters_never_change(owner):
    c = await regular(owner)
    paid = await pay(owner, c, "1180.00")
    for sql in ("update app.tax_documents set total = 0 where payment_id = $1",
                "delete from app.tax_documents where payment_id = $1"):
        await raises_sqlstate(owner, "NK409", sql, paid, message="tax_documents_append_only")
    await raises_sqlstate(owner, "NK409", "delete from app.tax_document_counters where consultant_id = $1", c,
                          message="tax_document_counters_append_only")
    # A change of profile later leaves the issued document as it was.
    await owner.execute("update app.consultant_tax_profiles set legal_name = 'Renamed' where consultant_id = $1", c)
    assert (await one(owner, paid))["supplier_name"] == "Test Consultant"


async def test_replays_issue_nothing_twice_and_a_rollback_leaves_no_gap(db, owner):
    c = await regular(owner)
    paid = await pay(owner, c, "1180.00")
    refund = await process(owner, c, paid, "100.00")
    assert await owner.fetchval("select app.issue_payment_documents($1)", paid) == 0
    assert await owner.fetchval("select app.issue_refund_documents($1)", refund) == 0
    await owner.execute("update app.payment_transactions set last_checked_at = now() where id = $1", paid)
    await owner.execute("update app.payment_refunds set status = 'processed' where id = $1", refund)
    assert len(await docs(owner, paid)) == 2 and len(await owner.fetch(
        "select 1 from app.tax_documents where refund_id = $1", refund)) == 2
    # A capture rolled back takes its number back with it: the next capture gets the one after the last issued.
    conn = await db.connect("owner")
    try:
        tr = conn.transaction()
        await tr.start()
        other = await pay(conn, c, "1180.00")
        assert (await one(conn, other))["number"].endswith("/000002")
        await tr.rollback()
    finally:
        await conn.close()
    assert (await one(owner, await pay(owner, c, "1180.00")))["number"].endswith("/000002")


async def _series(conn, prefix: str) -> list[int]:
    return [int(r["number"].rsplit("/", 1)[1]) for r in await conn.fetch(
        "select number from app.tax_documents where number like $1 || '/%' order by number", prefix)]


async def test_fifty_captures_and_refunds_at_once_leave_no_gap_and_no_repeat(db, owner):
    a, b = await regular(owner), await regular(owner, pan="ABCCL1234F")
    pending = [await pay(owner, c, "1180.00", status="pending") for c in (a, b) for _ in range(25)]
    await capture_at_once(db, pending)
    for c in (a, b):
        numbers = await owner.fetch("select number from app.tax_documents where consultant_id = $1 "
                                    "and issuer = 'consultant' order by number", c)
        assert [int(r["number"][-6:]) for r in numbers] == list(range(1, 26))
    assert await _series(owner, "NK") == list(range(1, 51))
    gate = asyncio.Semaphore(16)

    async def refund(payment, consultant) -> None:
        async with gate:
            conn = await db.connect("owner")
            try:
                async with conn.transaction():
                    await process(conn, consultant, payment, "590.00")
            finally:
                await conn.close()

    await asyncio.gather(*(refund(p, a if i < 25 else b) for i, p in enumerate(pending)))
    assert await _series(owner, "NC") == list(range(1, 51))
    for c in (a, b):
        notes = await owner.fetch("select number from app.tax_documents where consultant_id = $1 "
                                  "and document_type = 'credit_note' and issuer = 'consultant' order by number", c)
        assert [int(r["number"][-6:]) for r in notes] == list(range(1, 26))


async def test_consultants_read_their_own_documents_and_write_none(db, owner):
    a, b = await regular(owner), await factories.consultant(owner)
    pa, pb = await pay(owner, a, "1180.00"), await pay(owner, b, "500.00")
    for me, mine, theirs in ((a, pa, pb), (b, pb, pa)):
        async with db.as_caller("app", consultant_id=me) as conn:
            seen = await conn.fetch("select payment_id, issuer from app.tax_documents")
            assert {r["payment_id"] for r in seen} == {mine} and {r["issuer"] for r in seen} == {"consultant", "platform"}
            await raises_sqlstate(conn, "42501", "delete from app.tax_documents")
            await raises_sqlstate(conn, "42501", "update app.tax_document_counters set last = 0")
            assert await conn.fetchval("select count(*) from app.tax_documents where payment_id = $1", theirs) == 0


async def test_the_worker_settling_a_refund_as_itself_issues_the_credit_notes(db, owner):
    c = await regular(owner)
    pending = await pay(owner, c, "1180.00")  # captured through a definer path (confirm_payment, the webhook)
    worker = await db.connect("worker")
    try:
        refund = await owner.fetchval(
            "insert into app.payment_refunds (consultant_id, transaction_id, amount, initiated_by, processed_at) "
            "values ($1, $2, 1180.00, 'system', now()) returning id", c, pending)
        await worker.execute("update app.payment_refunds set status = 'processed' where id = $1", refund)
    finally:
        await worker.close()
    assert len(await docs(owner, pending)) == 2 and len(await docs(owner, pending, refund=refund)) == 2

# Test: pytest tests/db/test_tax_documents.py
