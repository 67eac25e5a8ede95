# tests/e2e/test_journey.py — the whole product in Chromium: sign-up and the emailed confirmation link, approval by an admin, availability and price, publishing, a client books and pays, the consultant sees it, the client cancels and sees the refund.
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.helpers import make_admin
from tests.http.test_auth import link_token

CONSULTANT_PASSWORD = "a long and unusual passphrase 2026"
ADMIN_PASSWORD = "admin password 2026!"


async def finish_setup(db, email: str) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute(
            "update app.consultants set description = 'Careers in product.', consultancy_sector = 'Careers', "
            "profile_photo_url = '/media/p.jpg', zoom_link = 'https://zoom.us/j/5550001', "
            "bank_account_number_encrypted = '\\x01'::bytea where email = $1", email)
    finally:
        await conn.close()


async def test_from_sign_up_to_a_paid_booking_and_a_refunded_cancellation(browser, site, api, db):
    consultant = await new_page(browser, site)
    admin = await new_page(browser, site)
    client = await new_page(browser, site, timezone_id="Europe/London")  # a visitor abroad
    try:
        # 1. A consultant signs up and waits for approval.
        await consultant.goto("/auth/signup")
        await consultant.get_by_label("First name").fill("Nandini")
        await consultant.get_by_label("Last name").fill("Rao")
        await consultant.get_by_label("Email").fill("nandini.rao@example.com")
        await consultant.locator("#phone_number").fill("9812345678")
        await consultant.get_by_label("Password").fill(CONSULTANT_PASSWORD)
        await consultant.get_by_role("button", name="Create my account").click()
        await expect(consultant.get_by_role("heading", name="We are reviewing your account")).to_be_visible()
        # They open the link in the mail we sent (delivered to the local outbox): only a confirmed address is
        # approved.
        token = await link_token(db, "verify_email", "nandini.rao@example.com")
        await consultant.goto(f"/auth/verify-email?token={token}")

        # 2. An admin approves them in the admin pages.
        admin_email = f"admin{uuid.uuid4().hex[:8]}@example.com"
        await make_admin(db, api, email=admin_email, password=ADMIN_PASSWORD)
        await admin.goto("/admin/login")
        await admin.get_by_label("Email").fill(admin_email)
        await admin.get_by_label("Password").fill(ADMIN_PASSWORD)
        await admin.get_by_role("button", name="Sign in").click()
        await admin.get_by_role("link", name="Nandini Rao").click()
        await admin.get_by_role("link", name="Approve", exact=True).click()
        await admin.get_by_role("button", name="Yes, approve").click()
        await expect(admin.get_by_role("status")).to_contain_text("Approved.")

        # 3. The consultant, approved, sets a price and weekly hours for tomorrow.
        await consultant.goto("/dashboard")
        await expect(consultant.get_by_role("heading", name=re.compile("Namaste, Nandini"))).to_be_visible()
        await no_serious_violations(consultant, "dashboard-home")
        await consultant.goto("/dashboard/settings/profile")
        await consultant.get_by_label(re.compile(r"^One-to-one price")).fill("1499.50")
        await consultant.locator("form", has=consultant.get_by_label(re.compile(r"^One-to-one price"))) \
            .get_by_role("button").first.click()
        await expect(consultant.get_by_role("status")).to_be_visible()
        await consultant.goto("/dashboard/settings/availability")
        tomorrow = datetime.now(ZoneInfo("Asia/Kolkata")) + timedelta(days=1)
        form = consultant.locator("form", has=consultant.get_by_role("button", name="Add weekly hours"))
        await form.get_by_label(tomorrow.strftime("%A"), exact=True).check()
        await form.get_by_label("Start time").fill("10:00")
        await form.get_by_label("End time").fill("12:00")
        await form.get_by_label("Slot length, in minutes").fill("60")
        await form.get_by_role("button", name="Add weekly hours").click()
        await expect(consultant.get_by_role("status")).to_contain_text("Weekly hours added")
        slug = await api.get("/api/v1/public/consultants/nandini-rao")
        assert slug.status_code == 404, "approval alone does not publish the page"
        # The rest of the setup checklist (bio and sector, photo, meeting link, bank details; their own pages'
        # tests fill them in Chromium), then they publish from the dashboard.
        await finish_setup(db, "nandini.rao@example.com")
        await consultant.goto("/dashboard")
        await expect(consultant.get_by_role("heading", name="Your page is ready to publish")).to_be_visible()
        await consultant.get_by_role("button", name="Publish my page").click()
        await expect(consultant.locator("#page-notice")).to_contain_text("Your page is live.")
        slug = await api.get("/api/v1/public/consultants/nandini-rao")
        assert slug.status_code == 200, "the page is public once published"

        # 4. A client abroad books and pays on /<slug> through the local checkout.
        await client.goto("/nandini-rao")
        await expect(client.locator("#tz")).to_have_value("Europe/London")
        first = client.locator("#times button").first
        await expect(first).to_have_text(re.compile(r"^4:30\s?am$", re.I))  # 10:00 IST seen from London
        await first.click()
        await client.get_by_label("Your name").fill("Arjun Kapoor")
        await client.get_by_label("Email").fill("arjun@example.com")
        await client.get_by_role("button", name=re.compile("Continue to pay ₹1,499.50")).click()
        await client.get_by_role("button", name=re.compile(r"^Pay ₹1,499\.50")).click()
        await expect(client.locator("#booking-status")).to_have_text("Confirmed")
        manage_url = client.url
        await shot(client, "journey-client-confirmed")

        # 5. The consultant sees the session, the client and the payment.
        await consultant.goto("/dashboard/sessions")
        await expect(consultant.get_by_role("link", name=re.compile("Arjun Kapoor")).first).to_be_visible()
        await consultant.goto("/dashboard/clients")
        await consultant.get_by_role("link", name="Arjun Kapoor").click()
        await expect(consultant.get_by_text("₹1,499.50").first).to_be_visible()
        await consultant.goto("/dashboard/payments")
        await expect(consultant.get_by_role("cell", name="Arjun Kapoor")).to_be_visible()
        await no_serious_violations(consultant, "dashboard-payments")
        await consultant.locator("table a").first.click()
        await expect(consultant.locator("#refundable")).to_have_text("₹1,499.50")
        await no_serious_violations(consultant, "dashboard-payment")

        # 6. The client cancels through the manage link and sees the refund due before confirming.
        await client.goto(manage_url)
        await client.get_by_role("link", name="Cancel booking").click()
        refund_text = await client.locator("#refund-due").inner_text()
        assert re.search(r"₹\s?[\d,]+\.\d\d", refund_text) or "no refund" in refund_text.lower(), refund_text
        await client.get_by_role("button", name="Yes, cancel it").click()
        await expect(client.locator("#booking-status")).to_have_text("Cancelled")
        await shot(client, "journey-client-cancelled")
        conn = await db.connect("owner")
        try:
            row = await conn.fetchrow("select s.status, s.cancelled_by, (select count(*) from app.payment_refunds r "
                                      "join app.payment_transactions t on t.id = r.transaction_id "
                                      "where t.session_id = s.id) as refunds from app.sessions s")
            assert (row["status"], row["cancelled_by"]) == ("cancelled", "client")
            assert row["refunds"] == (0 if "no refund" in refund_text.lower() else 1)
        finally:
            await conn.close()
    finally:
        for p in (consultant, admin, client):
            await p.context.close()

# Test: pytest tests/e2e/test_journey.py
