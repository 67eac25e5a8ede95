# tests/e2e/test_booking_billing.py — the booking form's GST invoice details on a 390 px phone: optional and folded away for a consultant who issues no tax invoice; State, address and PIN asked for one who does; refusals beside their fields; the details kept on the payment.
from __future__ import annotations

import asyncio
import re

from playwright.async_api import expect

from tests.db.test_tax_profiles import gstin
from tests.e2e.conftest import new_page, shot
from tests.e2e.test_booking_phone import PHONE
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.test_booking import approved_consultant, every_day
from tests.http.test_documents import make_regular


async def test_a_phone_asks_for_the_invoices_state_and_gstin_only_when_opened(browser, site, api, db):
    c = await approved_consultant(api, db, rules=every_day())
    phone = await new_page(browser, site, **PHONE)
    try:
        await phone.goto(f"/{c['slug']}")
        await phone.locator("#times button").first.click()
        billing = phone.locator("#billing")
        await expect(billing).to_be_visible()
        await expect(phone.locator("#billing-gstin")).to_be_hidden()  # folded: the form stays short
        await phone.get_by_text("Need a GST invoice? Your State").click()
        await phone.get_by_label("Your name").fill("Priya Shah")
        await phone.get_by_label("Email").fill("priya@example.com")
        await phone.get_by_label("State").select_option(label="Maharashtra")
        wrong = gstin(state="27", pan="AAPFU0939F")
        await phone.get_by_label("GSTIN").fill(wrong[:-1] + ("A" if wrong[-1] != "A" else "B"))
        await phone.get_by_label("Name on the invoice").fill("Acme Exports LLP")
        await phone.get_by_role("button", name=re.compile("Continue|Pay")).click()
        await expect(phone.locator("#billing-gstin-error")).to_contain_text("does not match")
        await expect(phone.get_by_label("GSTIN")).to_have_attribute("aria-invalid", "true")
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways at 390 px: {width}"
        await shot(phone, "booking-billing-phone")
        await no_serious_violations(phone, "booking-billing-phone")
        await phone.get_by_label("GSTIN").fill(wrong)
        await phone.get_by_role("button", name=re.compile("Continue|Pay")).click()
        await expect(phone.locator("#billing-gstin-error")).to_be_hidden()
        conn = await db.connect("owner")
        try:
            for _ in range(50):
                row = await conn.fetchrow("select billing_state_code, billing_country, billing_gstin, billing_name "
                                          "from app.payment_transactions where consultant_id = $1::uuid", c["id"])
                if row:
                    break
                await phone.wait_for_timeout(100)
        finally:
            await conn.close()
        assert tuple(row) == ("27", "IN", wrong, "Acme Exports LLP")
    finally:
        await phone.context.close()


async def payment_billing(db, consultant_id: str):
    conn = await db.connect("owner")
    try:
        for _ in range(50):
            row = await conn.fetchrow("select billing_state_code, billing_address, billing_postal_code "
                                      "from app.payment_transactions where consultant_id = $1::uuid", consultant_id)
            if row:
                return tuple(row)
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    return None


async def test_a_regular_consultants_page_asks_the_phone_for_the_address_the_tax_invoice_names(browser, site, api, db):
    c = await approved_consultant(api, db, price="1180.00", rules=every_day())
    await make_regular(db, c["id"])
    phone = await new_page(browser, site, **PHONE)
    try:
        await phone.goto(f"/{c['slug']}")
        await phone.locator("#times button").first.click()
        await expect(phone.locator("#billing legend")).to_have_text("Your details for the GST invoice")
        await expect(phone.get_by_label("Address")).to_be_visible()  # asked outright, not folded
        await expect(phone.locator("#billing-gstin")).to_be_hidden()  # a business's GSTIN stays folded
        await phone.get_by_label("Your name").fill("Priya Shah")
        await phone.get_by_label("Email").fill("priya@example.com")
        await phone.get_by_role("button", name=re.compile("Continue|Pay")).click()
        # Checked on the phone before anything is sent: each missing detail beside its field.
        await expect(phone.locator("#billing-state_code-error")).to_contain_text("Choose your State")
        await expect(phone.locator("#billing-address-error")).to_contain_text("Enter your address")
        await expect(phone.locator("#billing-postal_code-error")).to_contain_text("PIN code")
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways at 390 px: {width}"
        await shot(phone, "booking-invoice-address-phone")
        await no_serious_violations(phone, "booking-invoice-address-phone")
        # Outside India with no country: the country is asked for, not a PIN; the postcode field takes letters.
        await phone.get_by_label("State").select_option(label="Outside India")
        await expect(phone.get_by_label("PIN code")).to_have_attribute("inputmode", "text")
        await phone.get_by_role("button", name=re.compile("Continue|Pay")).click()
        await expect(phone.locator("#billing-country-error")).to_contain_text("country")
        await expect(phone.locator("#billing-postal_code-error")).to_be_hidden()
        await phone.get_by_label("State").select_option(label="Maharashtra")
        await phone.get_by_label("Address").fill("4th floor, 12 Linking Road, Bandra West, Mumbai")
        await phone.get_by_label("PIN code").fill("400050")
        await phone.get_by_role("button", name=re.compile("Continue|Pay")).click()
        assert await payment_billing(db, c["id"]) == ("27", "4th floor, 12 Linking Road, Bandra West, Mumbai",
                                                      "400050")
    finally:
        await phone.context.close()

# Test: pytest tests/e2e/test_booking_billing.py
