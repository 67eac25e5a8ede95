# tests/db/test_withholding.py — the TCS and TDS fixed on each captured payment from the consultant's tax profile (docs/gst.md §9, §11): rates by scheme and PAN, the TDS threshold under racing captures, refunds in proportion, never more than the payment leaves.
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from tests.db import factories
from tests.db.test_ledger import capture_at_once, entries
from tests.db.test_ledger import pay as pay_with_pan
from tests.db.test_tax_profiles import gstin

CENT = Decimal("0.01")


async def _pay(conn, consultant, amount: str, **kw):
    """A payment of a consultant whose tax profile the test set (or left unset: no PAN)."""
    return await pay_with_pan(conn, consultant, amount, with_pan=False, **kw)


async def taxes(conn, payment) -> tuple:
    return tuple(await conn.fetchrow("select tcs_basis_points, tcs, tds_basis_points, tds from app.payment_transactions "
                                     "where id = $1", payment))


async def test_no_pan_means_the_higher_tds_and_no_tcs_for_an_unregistered_consultant(owner):
    c = await factories.consultant(owner)  # no tax profile at all
    paid = await _pay(owner, c, "1499.50")
    assert await taxes(owner, paid) == (0, Decimal("0.00"), 500, Decimal("74.98"))  # 5% of 1,499.50, half up
    got = await entries(owner, paid)
    assert got["tds"] == Decimal("-74.98") and "tcs" not in got
    assert sum(got.values()) == Decimal("1499.50") - Decimal("149.95") - Decimal("26.99") - Decimal("74.98")


async def test_a_registered_consultant_has_tcs_on_the_taxable_value_and_a_company_tds_from_the_first_rupee(owner):
    c = await factories.consultant(owner)
    await factories.tax_profile(owner, c, pan="ABCCK1234F", gst_scheme="regular", gstin=gstin(pan="ABCCK1234F"),
                                address_line1="1 MG Road", city="Bengaluru", postal_code="560001")
    paid = await _pay(owner, c, "1180.00")
    # Taxable value 1,000.00 (the price less its 18% GST): TCS 0.5% = 5.00; TDS 0.1% of the gross 1,180 = 1.18.
    assert await taxes(owner, paid) == (50, Decimal("5.00"), 10, Decimal("1.18"))
    composition = await factories.consultant(owner)
    await factories.tax_profile(owner, composition, pan="ABCFK1234F", gst_scheme="composition",
                                gstin=gstin(pan="ABCFK1234F"))
    assert (await taxes(owner, await _pay(owner, composition, "1180.00")))[:2] == (0, Decimal("0.00"))
    # Rates changed later apply to payments captured later; the earlier ones keep theirs.
    await owner.execute("update app.platform_settings set value = '100' where key = 'tcs_basis_points'")
    later = await _pay(owner, c, "1180.00")
    assert (await taxes(owner, later))[:2] == (100, Decimal("10.00"))
    assert (await taxes(owner, paid))[:2] == (50, Decimal("5.00"))


async def test_a_person_under_the_threshold_pays_no_tds_until_the_years_gross_passes_it(owner):
    await owner.execute("update app.platform_settings set value = '1000' where key = 'tds_threshold_rupees'")
    c = await factories.consultant(owner)
    await factories.tax_profile(owner, c)  # a person's PAN, unregistered
    first = await _pay(owner, c, "600.00")
    second = await _pay(owner, c, "400.00")  # 1,000 in the year: at the threshold, still none
    third = await _pay(owner, c, "500.00")  # 1,500: past it
    assert [(await taxes(owner, p))[2:] for p in (first, second, third)] == [
        (0, Decimal("0.00")), (0, Decimal("0.00")), (10, Decimal("0.50"))]
    # A payment the platform did not collect neither counts nor is taxed.
    cash = await _pay(owner, c, "5000.00", gateway="cash")
    assert await taxes(owner, cash) == (None, None, None, None)


async def test_racing_captures_cannot_all_slip_under_the_threshold(db, owner):
    await owner.execute("update app.platform_settings set value = '1000' where key = 'tds_threshold_rupees'")
    c = await factories.consultant(owner)
    await factories.tax_profile(owner, c)
    pending = [await _pay(owner, c, "600.00", status="pending") for _ in range(12)]
    await capture_at_once(db, pending)
    rates = [(await taxes(owner, p))[2] for p in pending]
    # Only the first 600 fits under 1,000; whichever it was, every other capture saw it and was taxed.
    assert sorted(rates) == [0] + [10] * 11


async def test_refunds_give_back_tcs_and_tds_in_proportion_and_a_full_refund_nets_to_nothing(owner):
    c = await factories.consultant(owner)
    await factories.tax_profile(owner, c, pan="ABCCK1234F", gst_scheme="regular", gstin=gstin(pan="ABCCK1234F"),
                                address_line1="1 MG Road", city="Bengaluru", postal_code="560001")
    paid = await _pay(owner, c, "999.99")
    for amount in ("333.33", "333.33", "333.33"):
        refund = await factories.refund(owner, c, paid, amount=amount)
        await owner.execute("update app.payment_refunds set status = 'processed', processed_at = now() where id = $1",
                            refund)
    got = await entries(owner, paid)
    assert got["tcs"] + got["tcs_refund"] == 0 and got["tds"] + got["tds_refund"] == 0
    assert sum(got.values()) == 0
    partial = await _pay(owner, c, "2000.00")
    refund = await factories.refund(owner, c, partial, amount="500.00")
    await owner.execute("update app.payment_refunds set status = 'processed', processed_at = now() where id = $1", refund)
    got = await entries(owner, partial)
    tcs, tds = -got["tcs"], -got["tds"]
    assert got["tcs_refund"] == (tcs / 4).quantize(CENT, ROUND_HALF_UP)
    assert got["tds_refund"] == (tds / 4).quantize(CENT, ROUND_HALF_UP)


async def test_the_taxes_never_take_more_than_the_commission_leaves(owner):
    c = await factories.consultant(owner)  # no PAN: 5%
    tiny = await _pay(owner, c, "11.80")  # the ₹10 minimum commission and its GST take it all
    row = await owner.fetchrow("select commission, commission_gst, tcs, tds from app.payment_transactions "
                               "where id = $1", tiny)
    assert (row["commission"], row["commission_gst"], row["tds"]) == (Decimal("10.00"), Decimal("1.80"), Decimal("0.00"))
    assert sum((await entries(owner, tiny)).values()) == 0
    small = await _pay(owner, c, "12.00")
    row = await owner.fetchrow("select commission, commission_gst, tds from app.payment_transactions where id = $1", small)
    assert row["commission"] + row["commission_gst"] + row["tds"] == Decimal("12.00")  # 0.60 due, 0.20 left
    # The consultant who then gives their PAN pays the lower rate on payments captured afterwards.
    await factories.tax_profile(owner, c, pan="ABCCK1234F")
    assert (await taxes(owner, await pay_with_pan(owner, c, "1000.00")))[2:] == (10, Decimal("1.00"))


async def test_tcs_on_a_zero_rated_export_is_on_the_whole_price_the_invoice_shows(owner):
    c = await factories.consultant(owner)
    fy_end = await owner.fetchval("select (app.financial_year_start(now()) + interval '1 year' - interval '1 day')::date")
    await factories.tax_profile(owner, c, pan="ABCCK1234F", gst_scheme="regular", gstin=gstin(pan="ABCCK1234F"),
                                address_line1="1 MG Road", city="Bengaluru", postal_code="560001",
                                lut_reference="AD290326000123A", lut_valid_until=fy_end)
    export = await _pay(owner, c, "1180.00", billing_country="US")
    home = await _pay(owner, c, "1180.00")
    assert (await taxes(owner, export))[:2] == (50, Decimal("5.90"))  # 0.5% of 1,180 (no GST in a zero-rated price)
    assert (await taxes(owner, home))[:2] == (50, Decimal("5.00"))  # 0.5% of the taxable 1,000

# Test: pytest tests/db/test_withholding.py
