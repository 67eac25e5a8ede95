# tests/e2e/test_journeys.py — the three journeys of issue 19 in Chromium, at 1366 and 390 px, through the pages only: a client books, pays and reschedules; a consultant signs up, is approved, publishes and sees the booking; an admin approves and suspends. Screenshots of each step; axe on each page.
from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_journey import finish_setup
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.http.helpers import make_admin
from tests.http.test_auth import link_token
from tests.http.test_booking import approved_consultant, every_day

WIDTHS = {"1366": {"viewport": {"width": 1366, "height": 900}},
          "390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}
PASSWORD = "a long and unusual passphrase 2026"
ADMIN_PASSWORD = "admin password 2026!"


async def no_sideways_scroll(page: Page, width: str) -> None:
    scrolled = await page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= int(width), f"{page.url} scrolls sideways at {width} px ({scrolled} px)"


async def step(page: Page, width: str, name: str) -> None:
    """One step of a journey looked at: no serious axe finding, nothing wider than the screen, a screenshot."""
    await no_serious_violations(page, f"journey-{name}-{width}")
    await no_sideways_scroll(page, width)
    await shot(page, f"journey-{name}-{width}")


async def admin_signed_in(browser, site, api, db, width: str) -> Page:
    email = f"admin{uuid.uuid4().hex[:8]}@example.com"
    await make_admin(db, api, email=email, password=ADMIN_PASSWORD)
    admin = await new_page(browser, site, **WIDTHS[width])
    await admin.goto("/admin/login")
    await admin.get_by_label("Email").fill(email)
    await admin.get_by_label("Password").fill(ADMIN_PASSWORD)
    await admin.get_by_role("button", name="Sign in").click()
    await expect(admin).to_have_url(re.compile(r"/admin(/|$)"))
    return admin


async def sign_up(page: Page, db, first: str, last: str, email: str) -> None:
    """A consultant signs up in the page and confirms their address from the mail's link."""
    await page.goto("/auth/signup")
    await page.get_by_label("First name").fill(first)
    await page.get_by_label("Last name").fill(last)
    await page.get_by_label("Email").fill(email)
    await page.locator("#phone_number").fill("9812345678")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create my account").click()
    await expect(page.get_by_role("heading", name="We are reviewing your account")).to_be_visible()
    token = await link_token(db, "verify_email", email)
    await page.goto(f"/auth/verify-email?token={token}")


async def approve(admin: Page, name: str) -> None:
    await admin.goto("/admin")
    await admin.get_by_role("link", name=name).first.click()
    await admin.get_by_role("link", name="Approve", exact=True).click()
    await admin.get_by_role("button", name="Yes, approve").click()
    await expect(admin.get_by_role("status")).to_contain_text("Approved.")


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_client_books_pays_and_reschedules(browser, site, api, db, width):
    c = await approved_consultant(api, db, rules=every_day(start="07:00", end="21:00", minutes=60), max_days_ahead=30)
    client = await new_page(browser, site, timezone_id="Asia/Dubai", **WIDTHS[width])
    try:
        await client.goto(f"/{c['slug']}")
        # The booking box first: the type cards say length and price, a time is one tap from the top.
        await expect(client.locator(".type-card").first).to_contain_text("₹1,499.50")
        await expect(client.locator(".type-card").first).to_contain_text("60 min")
        await expect(client.locator("#times button").first).to_be_in_viewport()
        await step(client, width, "client-page")
        await client.locator("#times button").first.click()
        await expect(client.locator("#chosen-when")).to_contain_text("your time (Asia/Dubai)")
        await client.get_by_label("Your name").fill("Meera Iyer")
        await client.get_by_label("Email").fill("meera@example.com")
        await step(client, width, "client-details")
        await client.get_by_role("button", name=re.compile("Continue to pay ₹1,499.50")).click()
        await client.get_by_role("button", name=re.compile(r"^Pay ₹1,499\.50")).click()
        await expect(client.locator("#booking-status")).to_have_text("Confirmed")
        await expect(client.locator("#booking-when")).to_contain_text("your time (Asia/Dubai)")
        await step(client, width, "client-confirmed")
        before = await client.locator("#booking-when").inner_text()

        # A week later suits better: the manage link's reschedule page, the client's time first.
        await client.get_by_role("link", name="Change time").click()
        await expect(client.get_by_role("heading", name="Choose a new time")).to_be_visible()
        await expect(client.locator("#reschedule-zones")).to_contain_text("your zone (Asia/Dubai)")
        await client.get_by_role("link", name=re.compile("Later times")).first.click()
        await step(client, width, "client-reschedule")
        await client.locator("input[name=slot_id]").first.check()
        await client.get_by_role("button", name="Move my booking").click()
        await expect(client.get_by_role("status").filter(has_text="moved")).to_be_visible()
        await expect(client.locator("#booking-status")).to_have_text("Confirmed")
        after = await client.locator("#booking-when").inner_text()
        assert after != before and "your time (Asia/Dubai)" in after, (before, after)
        await step(client, width, "client-rescheduled")
    finally:
        await client.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_consultant_signs_up_is_approved_publishes_and_sees_the_booking(browser, site, api, db, width):
    email = f"kavya.{width}@example.com"
    consultant = await new_page(browser, site, **WIDTHS[width])
    client = await new_page(browser, site, **WIDTHS[width])
    admin = await admin_signed_in(browser, site, api, db, width)
    try:
        await sign_up(consultant, db, "Kavya", "Menon", email)
        await approve(admin, "Kavya Menon")

        # Approved, not yet public: the home's checklist says what is left, and Publish waits for it.
        await consultant.goto("/dashboard")
        block = consultant.locator("#page-status")
        await expect(block.get_by_role("heading", name="Get your page ready")).to_be_visible()
        await expect(block.get_by_role("button", name="Publish my page")).to_be_disabled()
        await step(consultant, width, "consultant-checklist")
        slug = (await api.get("/api/v1/public/consultants/kavya-menon"))
        assert slug.status_code == 404, "approval alone publishes nothing"
        # Price and hours in their settings pages; the rest (bio, photo, meeting link, bank) as their own
        # pages' tests fill them.
        await consultant.goto("/dashboard/settings/profile")
        price = consultant.get_by_label(re.compile(r"^One-to-one price"))
        await price.fill("999")
        await consultant.locator("form", has=price).get_by_role("button").first.click()
        await expect(consultant.get_by_role("status")).to_be_visible()
        await consultant.goto("/dashboard/settings/availability")
        form = consultant.locator("form", has=consultant.get_by_role("button", name="Add weekly hours"))
        for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
            await form.get_by_label(day, exact=True).check()
        await form.get_by_label("Start time").fill("07:00")
        await form.get_by_label("End time").fill("21:00")
        await form.get_by_label("Slot length, in minutes").fill("60")
        await form.get_by_role("button", name="Add weekly hours").click()
        await expect(consultant.get_by_role("status")).to_contain_text("Weekly hours added")
        await finish_setup(db, email)
        await consultant.goto("/dashboard")
        await expect(block.get_by_role("heading", name="Your page is ready to publish")).to_be_visible()
        await block.get_by_role("button", name="Publish my page").click()
        await expect(consultant.locator("#page-notice")).to_contain_text("Your page is live.")
        await step(consultant, width, "consultant-published")

        # A client books on the page they published.
        await client.goto("/kavya-menon")
        await client.locator("#times button").first.click()
        await client.get_by_label("Your name").fill("Rohan Das")
        await client.get_by_label("Email").fill("rohan@example.com")
        await client.get_by_role("button", name=re.compile("Continue to pay ₹999.00")).click()
        await client.get_by_role("button", name=re.compile(r"^Pay ₹999\.00")).click()
        await expect(client.locator("#booking-status")).to_have_text("Confirmed")

        # The consultant sees it: the home's figures and upcoming list, the sessions page.
        await consultant.goto("/dashboard")
        await expect(consultant.get_by_text("Rohan Das").first).to_be_visible()
        await step(consultant, width, "consultant-home-booked")
        await consultant.goto("/dashboard/sessions")
        await expect(consultant.get_by_role("link", name=re.compile("Rohan Das")).first).to_be_visible()
        await step(consultant, width, "consultant-sessions")
    finally:
        for p in (consultant, client, admin):
            await p.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_an_admin_approves_and_then_suspends_a_consultant(browser, site, api, db, width):
    email = f"farhan.{width}@example.com"
    consultant = await new_page(browser, site, **WIDTHS[width])
    admin = await admin_signed_in(browser, site, api, db, width)
    try:
        await sign_up(consultant, db, "Farhan", "Qureshi", email)
        await admin.goto("/admin")
        await step(admin, width, "admin-applicants")
        await admin.get_by_role("link", name="Farhan Qureshi").first.click()
        await expect(admin.get_by_role("heading", name="Their page as prepared")).to_be_visible()
        await step(admin, width, "admin-review")
        await approve(admin, "Farhan Qureshi")
        await step(admin, width, "admin-approved")

        await admin.get_by_role("link", name="Suspend…").click()
        await admin.get_by_label("Reason").fill("Payment disputes from three clients.")
        await step(admin, width, "admin-suspend")
        await admin.get_by_role("button", name="Suspend account").click()
        await expect(admin.get_by_role("status")).to_contain_text("Suspended.")

        # Suspension ends their sessions; signed in again, they are told why and where to turn, and keep
        # reading their sessions.
        await consultant.goto("/auth/login?next=/dashboard")
        await consultant.get_by_label("Email").fill(email)
        await consultant.get_by_label("Password").fill(PASSWORD)
        await consultant.get_by_role("button", name="Sign in").click()
        await expect(consultant.get_by_role("heading", name="Your account is suspended")).to_be_visible()
        await expect(consultant.locator("#suspension-reason")).to_have_text("Payment disputes from three clients.")
        await step(consultant, width, "consultant-suspended")
        await consultant.goto("/dashboard/sessions")
        await expect(consultant.get_by_role("heading", level=1)).to_be_visible()
    finally:
        for p in (consultant, admin):
            await p.context.close()

# Test: pytest tests/e2e/test_journeys.py
