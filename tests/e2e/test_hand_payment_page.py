# tests/e2e/test_hand_payment_page.py — /admin/payouts in Chromium: a failed transfer's hand-payment form refused then recorded, axe-core clean, at 1366 and 390 px.
from __future__ import annotations

from playwright.async_api import expect

from tests.db import factories
from tests.db.test_ledger import pay
from tests.e2e.conftest import new_page, shot
from tests.e2e.test_admin_pages import an_admin, fits, sign_in
from tests.e2e.test_pages_a11y import no_serious_violations


async def flag(db) -> None:
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
        paid = await pay(owner, cid, "1000.00")
    finally:
        await owner.close()
    worker = await db.connect("worker")
    try:
        await worker.execute("select api.worker_refuse_transfer($1, 'acc_RefusedAccnt01', 882, "
                             "'refund_started: Razorpay allows no transfer once a refund started')", paid)
    finally:
        await worker.close()


async def test_an_admin_records_a_hand_payment_on_the_payouts_page(page, api, db, browser, site):
    await flag(db)
    email = await an_admin(db, api)
    await page.set_viewport_size({"width": 1366, "height": 900})
    await sign_in(page, email)
    await page.goto("/admin/payouts")
    await page.get_by_text("Record a hand payment").click()
    await page.get_by_label("Amount (₹)").fill("900.00")
    await page.get_by_label("Bank reference (UTR)").fill("HDFCN26120600001")
    await page.get_by_role("button", name="Record payment").click()
    await expect(page.get_by_role("alert")).to_contain_text("At most 882.00")
    await no_serious_violations(page, "admin-payouts-hand-payment-error")
    await fits(page, "admin-payouts-hand-payment-error")
    await page.get_by_label("Amount (₹)").fill("882.00")
    await page.get_by_role("button", name="Record payment").click()
    await expect(page.get_by_text("Hand payment recorded.")).to_be_visible()
    await expect(page.get_by_role("cell", name="HDFCN26120600001")).to_be_visible()
    await no_serious_violations(page, "admin-payouts-hand-paid")
    await fits(page, "admin-payouts-hand-paid")
    await flag(db)  # another one, for the phone
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844})
    try:
        await sign_in(phone, email)
        await phone.goto("/admin/payouts")
        await phone.get_by_text("Record a hand payment").click()
        await no_serious_violations(phone, "admin-payouts-phone")
        await fits(phone, "admin-payouts-phone")
        await shot(phone, "admin-payouts-phone-form")
    finally:
        await phone.context.close()

# Test: pytest tests/e2e/test_hand_payment_page.py
