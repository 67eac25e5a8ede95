# tests/e2e/test_admin_pages.py — the admin pages in Chromium: an admin signs in and approves a pending consultant through the confirmation step; axe checks of the login, list, detail and admins pages; a phone-sized admin.
from __future__ import annotations

import re
import uuid

from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.helpers import make_admin, mark_email_verified, signup_consultant

PASSWORD = "admin password 2026!"


async def an_admin(db, api, role: str = "admin") -> str:
    email = f"admin{uuid.uuid4().hex[:8]}@example.com"
    await make_admin(db, api, role=role, email=email, password=PASSWORD)
    return email


async def sign_in(page: Page, email: str) -> None:
    await page.goto("/admin")
    await page.wait_for_url(re.compile(r"/admin/login\?next=/admin$"))
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Consultants", exact=True)).to_be_visible()


async def fits(page: Page, name: str) -> None:
    """No sideways scrolling of the page itself (wide tables scroll inside their own box)."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    await shot(page, name)
    assert width <= viewport, f"{name}: the page is {width}px wide on a {viewport}px screen"


async def test_an_admin_signs_in_and_approves_a_pending_consultant(page, api, db):
    consultant = (await signup_consultant(api, first_name="Kavya", last_name="Reddy"))["consultant"]
    await mark_email_verified(db, consultant["id"])  # approval needs a confirmed address
    email = await an_admin(db, api)
    await page.goto("/admin/login")
    await no_serious_violations(page, "admin-login")
    await sign_in(page, email)
    await expect(page.get_by_role("status")).to_contain_text("1 application is waiting for review")
    await no_serious_violations(page, "admin-consultants")
    await page.get_by_role("link", name="Kavya Reddy").click()
    await expect(page.get_by_role("heading", name="Kavya Reddy")).to_be_visible()
    await no_serious_violations(page, "admin-consultant-detail")
    # Approving asks first, saying what will happen; nothing changes until confirmed.
    await page.get_by_role("link", name="Approve", exact=True).click()
    await expect(page.get_by_role("heading", name="Approve Kavya Reddy?")).to_be_visible()
    await no_serious_violations(page, "admin-confirm-approve")
    conn = await db.connect("owner")
    try:
        status = "select approval_status from app.consultants where id = $1"
        assert await conn.fetchval(status, uuid.UUID(consultant["id"])) == "pending"
        await page.get_by_role("button", name="Yes, approve").click()
        await expect(page.get_by_role("status")).to_contain_text("Approved.")
        await expect(page.locator(".page-head")).to_contain_text("Approved")
        await shot(page, "admin-consultant-approved")
        assert await conn.fetchval(status, uuid.UUID(consultant["id"])) == "approved"
    finally:
        await conn.close()
    # The history shows who did it, and the list no longer has anyone waiting.
    await expect(page.get_by_role("table").filter(has_text="Approved")).to_contain_text("You")
    await page.get_by_role("link", name="Consultants", exact=True).click()
    await expect(page.get_by_role("link", name="Pending 0")).to_be_visible()
    await expect(page.get_by_role("status")).to_have_count(0)


async def test_a_super_admin_on_a_phone_sees_the_pages_fit_and_the_admins_page(browser, site, api, db):
    await signup_consultant(api, first_name="Lata", last_name="Mangal")
    email = await an_admin(db, api, role="super_admin")
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        await sign_in(phone, email)
        await fits(phone, "admin-consultants-phone")
        await phone.get_by_role("link", name="Lata Mangal").click()
        await expect(phone.get_by_role("heading", name="Lata Mangal")).to_be_visible()
        await fits(phone, "admin-consultant-phone")
        await phone.get_by_role("link", name="Admins").click()
        await expect(phone.get_by_role("heading", name="Admins", exact=True)).to_be_visible()
        await fits(phone, "admin-admins-phone")
        await no_serious_violations(phone, "admin-admins-phone")
    finally:
        await phone.context.close()


async def test_a_plain_admin_refused_a_super_admin_page_reads_why(browser, site, api, db):
    """The 403 page names what it refuses in a heading that fits its card, and says what this admin can do."""
    email = await an_admin(db, api)
    for width in (1366, 390):
        page = await new_page(browser, site, viewport={"width": width, "height": 900})
        try:
            await sign_in(page, email)
            response = await page.goto("/admin/settings")
            assert response.status == 403
            heading = page.get_by_role("heading", level=1)
            await expect(heading).to_have_text("Only super admins change platform settings")
            box = await heading.bounding_box()
            assert box["height"] < 3 * 40, box  # at most two lines, not a poster
            await expect(page.get_by_text("An admin approves, rejects, suspends and reactivates consultants")
                         ).to_be_visible()
            await expect(page.get_by_role("link", name="Back to the consultants")).to_be_visible()
            await no_serious_violations(page, f"admin-forbidden-{width}")
            await fits(page, f"admin-forbidden-{width}")
        finally:
            await page.context.close()

# Test: pytest tests/e2e/test_admin_pages.py
