# tests/e2e/test_form_errors.py — forms that help, in Chromium at 1366 and 390 px: every problem at once in a summary linking to its field and beside the field, typed values kept, the password not, axe-core clean; sign-up and the profile.
from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_settings_pages import email_of, sign_in
from tests.http.test_booking import approved_consultant

WIDTHS = {"wide": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


async def fits(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= (await page.evaluate("window.innerWidth")), width  # no sideways scrolling


async def follow_summary_link(page: Page, text: str, field_id: str) -> None:
    """The summary's link moves the focus to its field, whose accessible description is the message."""
    await page.locator(".error-summary").get_by_role("link", name=text).click()
    await expect(page.locator(f"#{field_id}")).to_be_focused()
    described = await page.locator(f"#{field_id}").get_attribute("aria-describedby")
    assert f"{field_id}-error" in described.split(), described
    await expect(page.locator(f"#{field_id}-error")).to_contain_text(text)


@pytest.mark.parametrize("size", WIDTHS)
async def test_sign_up_shows_every_problem_at_once_and_keeps_what_was_typed(browser, site, db, size):
    page = await new_page(browser, site, viewport=WIDTHS[size], is_mobile=size == "phone", has_touch=size == "phone")
    try:
        await page.goto("/auth/signup")
        await page.get_by_label("Last name").fill("Iyer")
        await page.get_by_label("Email").fill("meera@example")
        await page.locator("#phone_number").fill("98")
        await page.get_by_label("Password").fill("short")
        await page.get_by_role("button", name="Create my account").click()
        summary = page.locator(".error-summary")
        await expect(summary).to_be_visible()
        await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
        await expect(summary.locator("li")).to_have_count(4)
        for field, text in (("first_name", "Enter your first name."),
                            ("email", "Enter an email address like name@example.com."),
                            ("phone_number", "Enter a mobile number of 6 to 14 digits"),
                            ("password", "Password must have at least 10 characters.")):
            await expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
            await expect(page.locator(f"#{field}-error")).to_contain_text(text)
        await expect(page.get_by_label("Last name")).to_have_value("Iyer")
        await expect(page.get_by_label("Email")).to_have_value("meera@example")
        await expect(page.get_by_label("Password")).to_have_value("")  # never sent back
        await expect(page).to_have_title("Error: Create your page · Nakksha")
        await fits(page)
        await no_serious_violations(page, f"form-errors-signup-{size}")
        await follow_summary_link(page, "Enter an email address like name@example.com.", "email")
        # Fixing them all signs the consultant up.
        await page.get_by_label("First name").fill("Meera")
        await page.get_by_label("Email").fill(f"meera.{size}@example.com")
        await page.locator("#phone_number").fill("9876543210")
        await page.get_by_label("Password").fill("a long and unusual passphrase 2026")
        await page.get_by_role("button", name="Create my account").click()
        await expect(page.get_by_role("heading", name="We are reviewing your account")).to_be_visible()
    finally:
        await page.context.close()


@pytest.mark.parametrize("size", WIDTHS)
async def test_the_profile_refuses_bad_values_visibly_in_years(browser, site, api, db, size):
    c = await approved_consultant(api, db)
    page = await new_page(browser, site, viewport=WIDTHS[size], is_mobile=size == "phone", has_touch=size == "phone")
    try:
        await sign_in(page, await email_of(api, c), "/dashboard/settings/profile")
        await page.get_by_label("Experience, in years").fill("150")
        await page.get_by_label("Page address").fill("Meera Iyer!")
        await page.get_by_label("LinkedIn").fill("linkedin.com/in/meera")
        await page.get_by_label("X (Twitter)").fill("https://facebook.com/meera")
        await page.get_by_role("button", name="Save profile").click()
        summary = page.locator(".error-summary")
        await expect(summary.locator("li")).to_have_count(4)
        for field in ("experience_years", "linkedin_url", "twitter_url", "slug"):
            await expect(page.locator(f"#main-{field}")).to_have_attribute("aria-invalid", "true")
        await expect(page.locator("#main-experience_years-error")).to_have_text(
            "Error: Experience must be a number of years from 0 to 100, like 7 or 2.5.")
        await expect(page.get_by_label("Page address")).to_have_value("Meera Iyer!")
        await fits(page)
        await no_serious_violations(page, f"form-errors-profile-{size}")
        await follow_summary_link(page, "Page address can use lowercase letters", "main-slug")
        # Nothing was saved; fixed, it saves, and the page speaks years.
        await page.get_by_label("Experience, in years").fill("7")
        await page.get_by_label("Page address").fill(c["slug"])
        await page.get_by_label("LinkedIn").fill("https://www.linkedin.com/in/meera")
        await page.get_by_label("X (Twitter)").fill("")
        await page.get_by_role("button", name="Save profile").click()
        await expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
        await expect(page.get_by_label("Experience, in years")).to_have_value("7")
        await expect(page.get_by_text("7+ years of experience")).to_be_visible()
    finally:
        await page.context.close()


async def test_the_policy_form_speaks_hours_and_minutes(page, api, db):
    c = await approved_consultant(api, db)
    await sign_in(page, await email_of(api, c), "/dashboard/settings/policy")
    await page.locator("#main-min_notice_hours").fill("800")
    await page.get_by_label("How far ahead, in days").fill("0")
    await page.get_by_role("button", name="Save policy").click()
    await expect(page.locator(".error-summary li")).to_have_count(2)
    await expect(page.locator("#main-min_notice_hours-error")).to_contain_text("between 0 and 720 hours")
    await no_serious_violations(page, "form-errors-policy")
    await page.locator("#main-min_notice_hours").fill("2")
    await page.locator("#main-min_notice_mins").fill("30")
    await page.get_by_label("How far ahead, in days").fill("60")
    await page.get_by_role("button", name="Save policy").click()
    await expect(page.get_by_role("status")).to_contain_text("policy is saved")
    await expect(page.get_by_text("Now: 2 hours 30 minutes.")).to_be_visible()

async def test_every_other_form_s_error_state_is_axe_clean(page, api, db):
    c = await approved_consultant(api, db)
    await sign_in(page, await email_of(api, c), "/dashboard/sessions/new")
    await page.get_by_role("radio", name="A new client").check()
    await page.get_by_role("radio", name="Another date and time").check()
    await page.locator("#client_email").fill("ravi@")
    await page.locator("#amount").fill("lots")
    await page.get_by_role("button", name="Book the session").click()
    await expect(page.locator(".error-summary li")).to_have_count(5)  # name, email, date, time, amount
    await no_serious_violations(page, "form-errors-session-new")
    await follow_summary_link(page, "Enter the client's email address, like name@example.com.", "client_email")
    await page.goto("/dashboard/clients/new")
    await page.get_by_label("Email").fill("x")
    await page.get_by_role("button", name="Add client").click()
    await expect(page.locator(".error-summary li")).to_have_count(2)
    await no_serious_violations(page, "form-errors-client-new")
    for path, button, count in (("/dashboard/settings/account", "Change password", 2),
                                ("/dashboard/settings/bank", "Save bank details", 3),
                                ("/dashboard/settings/availability", "Add weekly hours", 1)):
        await page.goto(path)
        await page.get_by_role("button", name=button).click()
        await expect(page.locator(".error-summary li")).to_have_count(count)
        await no_serious_violations(page, "form-errors-" + path.rsplit("/", 1)[1])

# Test: pytest tests/e2e/test_form_errors.py
