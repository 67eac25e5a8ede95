# tests/e2e/test_publishing.py — in Chromium at 1366 and 390 px: an approved consultant's checklist and Publish on the dashboard home, the live page; a suspended consultant's home (why, support) and read-only session; the admin's applicant review and suspend page with the upcoming paid sessions. Axe-clean, screenshots of each.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from tests.db import factories
from tests.e2e.conftest import new_page
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_settings_pages import email_of, sign_in
from tests.http.helpers import make_admin
from tests.http.test_booking import approved_consultant

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
ADMIN_PASSWORD = "admin password 2026!"


async def owner_execute(db, sql: str, *args) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_consultant_completes_the_checklist_and_publishes(browser, site, api, db, width):
    c = await approved_consultant(api, db)
    cid = uuid.UUID(c["id"])
    await owner_execute(db, "update app.consultants set published_at = null, description = 'Tax for founders.', "
                            "consultancy_sector = 'Tax', bank_account_number_encrypted = '\\x01'::bytea where id = $1", cid)
    page = await new_page(browser, site, viewport=WIDTHS[width])
    try:
        await sign_in(page, await email_of(api, c), "/dashboard")
        block = page.locator("#page-status")
        await expect(block.get_by_role("heading", name="Get your page ready")).to_be_visible()
        await expect(block.get_by_text("4 of 6 steps done.")).to_be_visible()
        await expect(block.get_by_role("button", name="Publish my page")).to_be_disabled()
        await no_serious_violations(page, f"publish-checklist-{width}")
        # The last steps: a photo and weekly hours (their own pages' tests fill them in Chromium).
        await owner_execute(db, "update app.consultants set profile_photo_url = '/media/p.jpg' where id = $1", cid)
        conn = await db.connect("owner")
        try:
            await factories.availability_rule(conn, cid)
        finally:
            await conn.close()
        await page.reload()
        await expect(block.get_by_role("heading", name="Your page is ready to publish")).to_be_visible()
        await block.get_by_role("button", name="Publish my page").click()
        await expect(page.locator("#page-notice")).to_contain_text("Your page is live.")
        await expect(block.get_by_role("heading", name="Your page is public")).to_be_visible()
        await no_serious_violations(page, f"publish-live-{width}")
        await page.goto(f"/{c['slug']}")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Asha Verma")
        await page.goto("/dashboard")
        await block.get_by_role("button", name="Take my page offline").click()
        await expect(page.locator("#page-notice")).to_contain_text("Your page is offline")
        response = await page.goto(f"/{c['slug']}")
        assert response is not None and response.status == 404
    finally:
        await page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_suspended_consultant_reads_their_sessions_and_an_admin_suspends(browser, site, api, db, width):
    c = await approved_consultant(api, db)
    cid = uuid.UUID(c["id"])
    conn = await db.connect("owner")
    try:
        client_id = await factories.client(conn, cid)
        sid = await factories.session(conn, cid, client_id, starts_at=datetime.now(UTC).replace(microsecond=0)
                                      + timedelta(days=2), amount="1499.50")
        await factories.payment(conn, cid, session_id=sid, client_id=client_id, amount="1499.50")
        await conn.execute("update app.sessions set payment_status = 'paid', meeting_link = 'https://acme.zoom.us/j/42' "
                           "where id = $1", sid)
        await conn.execute("update app.consultants set description = 'I help founders with tax.', "
                           "consultancy_sector = 'Tax', experience_months = 84 where id = $1", cid)
    finally:
        await conn.close()
    email = f"admin{uuid.uuid4().hex[:8]}@example.com"
    await make_admin(db, api, email=email, password=ADMIN_PASSWORD)
    admin = await new_page(browser, site, viewport=WIDTHS[width])
    consultant = await new_page(browser, site, viewport=WIDTHS[width])
    try:
        await admin.goto("/admin/login")
        await admin.get_by_label("Email").fill(email)
        await admin.get_by_label("Password").fill(ADMIN_PASSWORD)
        await admin.get_by_role("button", name="Sign in").click()
        await admin.goto(f"/admin/consultants/{cid}")
        await expect(admin.get_by_role("heading", name="Their page as prepared")).to_be_visible()
        await expect(admin.locator("#profile-bio")).to_have_text("I help founders with tax.")
        await no_serious_violations(admin, f"admin-applicant-review-{width}")
        await admin.get_by_role("link", name="Suspend…").click()
        await expect(admin.locator("#upcoming-paid")).to_contain_text("₹1,499.50")
        await admin.get_by_label("Reason").fill("Two clients reported missed sessions.")
        await no_serious_violations(admin, f"admin-suspend-upcoming-{width}")
        await admin.get_by_role("button", name="Suspend account").click()  # sessions kept: not ticked
        await expect(admin.get_by_role("status")).to_contain_text("Suspended.")

        await sign_in(consultant, await email_of_db(db, cid), "/dashboard")
        await expect(consultant.get_by_role("heading", name="Your account is suspended")).to_be_visible()
        await expect(consultant.locator("#suspension-reason")).to_have_text("Two clients reported missed sessions.")
        await expect(consultant.locator("#support-email")).to_have_text("support@nakksha.in")
        await no_serious_violations(consultant, f"suspended-home-{width}")
        await consultant.goto(f"/dashboard/sessions/{sid}")
        await expect(consultant.locator("#read-only-actions")).to_be_visible()
        await expect(consultant.locator("#meeting-platform")).to_contain_text("On Zoom")
        await expect(consultant.get_by_role("button", name="Save notes and meeting details")).to_have_count(0)
        await expect(consultant.get_by_role("note")).to_contain_text("Your account is suspended.")
        await no_serious_violations(consultant, f"suspended-session-{width}")
    finally:
        await admin.context.close()
        await consultant.context.close()


async def email_of_db(db, cid) -> str:
    conn = await db.connect("owner")
    try:
        return await conn.fetchval("select email::text from app.consultants where id = $1", cid)
    finally:
        await conn.close()

# Test: pytest tests/e2e/test_publishing.py
