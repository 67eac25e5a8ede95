# tests/e2e/test_pages_a11y.py — the main pages in Chromium: axe-core finds no serious or critical violation; screenshots of each; sign-up to the approval screen; a forged form refused.
from __future__ import annotations

import re

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from tests.e2e.conftest import shot
from tests.http.test_booking import approved_consultant, book, booking, every_day

AXE = Axe()  # axe-core's script ships inside the package: injected locally, never from a CDN


async def no_serious_violations(page: Page, name: str) -> None:
    results = await AXE.run(page)
    assert results.response["testEngine"]["name"] == "axe-core"  # it ran, on this page
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    await shot(page, name)
    assert not serious, name + ": " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in serious)


async def test_main_pages_have_no_serious_accessibility_violations(page, api, db):
    c = await approved_consultant(api, db, rules=every_day())
    free = (await api.get(f"/api/v1/public/consultants/{c['slug']}/slots")).json()["items"]
    made = (await book(api, c["slug"], booking(free[1]["slot_id"]))).json()
    manage = "/booking/" + made["manage_url"].rsplit("/", 1)[1]
    for path, name in (("/", "home"), ("/pricing", "pricing"), ("/auth/login", "login"), ("/auth/signup", "signup"),
                       ("/auth/forgot-password", "forgot-password"), (f"/{c['slug']}", "consultant-page"),
                       (manage, "manage-booking"), (manage + "/cancel", "manage-cancel"),
                       ("/nothing-here-at-all", "not-found")):
        await page.goto(path)
        if name == "consultant-page":
            await expect(page.locator("#times button").first).to_be_visible()
        await no_serious_violations(page, name)


async def test_a_new_consultant_signs_up_and_sees_the_approval_screen(page, db):
    await page.goto("/")
    await page.get_by_role("link", name="Start free").click()
    await page.get_by_label("First name").fill("Meera")
    await page.get_by_label("Last name").fill("Iyer")
    await page.get_by_label("Email").fill("meera.iyer@example.com")
    await page.locator("#phone_number").fill("9876543210")
    await page.get_by_label("Password").fill("a long and unusual passphrase 2026")
    await page.get_by_role("button", name="Create my account").click()
    await page.wait_for_url(re.compile(r"/dashboard"))
    await expect(page.get_by_role("heading", name="We are reviewing your account")).to_be_visible()
    await no_serious_violations(page, "dashboard-awaiting-approval")
    # Signing out and back in lands on the same screen.
    await page.get_by_role("button", name="Sign out").click()
    await page.get_by_label("Email").fill("meera.iyer@example.com")
    await page.get_by_label("Password").fill("a long and unusual passphrase 2026")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="We are reviewing your account")).to_be_visible()


async def test_the_check_finds_a_real_violation(page, db):
    # The check can fail: an unlabelled field and an image without alternative text are caught.
    await page.goto("/auth/login")
    await page.evaluate("""document.querySelector('label[for=email]').remove();
                           document.body.insertAdjacentHTML('beforeend', '<img src="/static/none.png">')""")
    ids = {v["id"] for v in (await AXE.run(page)).response["violations"]}
    assert {"label", "image-alt"} <= ids, ids


async def test_a_form_with_a_forged_csrf_token_is_refused(page, db):
    await page.goto("/auth/login")
    await page.evaluate("document.querySelector('input[name=csrf_token]').value = 'forged-token-forged-token'")
    await page.get_by_label("Email").fill("someone@example.com")
    await page.get_by_label("Password").fill("whatever it is")
    async with page.expect_response(lambda r: r.url.endswith("/auth/login") and r.request.method == "POST") as info:
        await page.get_by_role("button", name="Sign in").click()
    assert (await info.value).status == 403
    await expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()

# Test: pytest tests/e2e/test_pages_a11y.py
