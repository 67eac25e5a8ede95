# tests/e2e/test_quotation_items.py — quotation lines in Chromium: the items editor (add, remove, live totals; and without JavaScript), every error beside its field, one-click copy of the client link (and its fallback), accept and pay in one step, views by device; axe-core and both widths.
from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_quotation_pages import DETAIL, me
from tests.e2e.test_settings_pages import sign_in
from tests.http.test_booking import approved_consultant

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")
LINES = [{"description": "Discovery workshop", "quantity": "2", "unit_price": "7500"},
         {"description": "Written plan", "quantity": "1.5", "unit_price": "3333.33"}]


async def sent(api, c: dict, **fields) -> tuple[dict, str]:
    made = await api.post("/api/v1/quotations", headers=c["headers"], json={
        "client_name": "Priya Shah", "client_email": "priya@example.com", "quotation_name": "Growth plan",
        "items": LINES, **fields})
    assert made.status_code == 201, made.text
    r = await api.post(f"/api/v1/quotations/{made.json()['id']}/send", headers=c["headers"])
    assert r.status_code == 200, r.text
    return made.json(), r.json()["public_url"]


async def both_widths(page: Page, name: str) -> None:
    """The page checked by axe and kept as a screenshot at 1366 px, then at a 390 px phone."""
    for width in (1366, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        await no_serious_violations(page, f"{name}-{width}")
    await page.set_viewport_size({"width": 1366, "height": 900})


async def test_the_items_editor_adds_and_removes_lines_and_keeps_the_total(page, api, db):
    c = await approved_consultant(api, db)
    await sign_in(page, (await me(api, c))["email"], "/dashboard/quotations/new")
    await page.get_by_role("button", name="Save draft").click()  # empty: every missing field said at once
    # The shared summary (templates/_form.html): every problem listed at once, each linking to its field.
    await expect(page.locator("#form-error")).to_contain_text("There is a problem")
    await expect(page.locator("#form-error li")).to_have_count(4)
    await expect(page.locator("#err-items")).to_have_text("Add at least one line: a description and a price.")
    await both_widths(page, "quotation-items-errors")
    await page.get_by_label("Client name").fill("Priya Shah")
    await expect(page.locator("#err-client_name")).to_be_hidden()  # fixed: its error goes until the next save
    await expect(page.get_by_label("Client name")).not_to_have_attribute("aria-invalid", "true")
    await page.get_by_label("Client email").fill("priya@example.com")
    await page.get_by_label("Quotation name").fill("Growth plan")
    await expect(page.locator(".remove-line")).to_be_hidden()  # one line: nothing to remove
    await page.get_by_label("Line 1: description").fill("Discovery workshop")
    await page.locator("#item-0-quantity").fill("2")
    await page.locator("#item-0-unit_price").fill("7500")
    await page.get_by_role("button", name="+ Add a line").click()
    await expect(page.get_by_label("Line 2: description")).to_be_focused()  # added here, no reload
    await page.get_by_label("Line 2: description").fill("A line to drop")
    await page.locator("#item-1-unit_price").fill("999")
    await page.get_by_role("button", name="+ Add a line").press("Enter")  # from the keyboard too
    await page.get_by_label("Line 3: description").fill("Written plan")
    await page.locator("#item-2-quantity").fill("1.5")
    await page.locator("#item-2-unit_price").fill("3333.33")
    await expect(page.locator("#subtotal")).to_have_text("₹20,999.00")
    await page.get_by_role("button", name="Remove line 2").click()
    await expect(page.get_by_label("Line 2: description")).to_have_value("Written plan")  # renumbered
    await expect(page.get_by_label("Line 2: description")).to_be_focused()
    await expect(page.locator(".line-row")).to_have_count(2)
    await expect(page.locator(".line-total").nth(1)).to_have_text("₹5,000.00")  # 4999.995, half up
    await page.get_by_label("Discount (%)").fill("10")
    await expect(page.locator("#subtotal")).to_have_text("₹20,000.00")
    await expect(page.locator("#final-amount")).to_have_text("₹18,000.00")
    await both_widths(page, "quotation-items-editor")
    await page.get_by_role("button", name="Save draft").click()
    await page.wait_for_url(DETAIL)
    rows = page.locator("#quotation-items tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("Discovery workshop")
    await expect(rows.nth(1)).to_contain_text("₹5,000.00")
    await expect(page.locator("#items-total")).to_have_text("₹18,000.00")  # the database's number
    await expect(page.locator("#quotation-items tfoot")).to_contain_text("Discount (10%)−₹2,000.00")


async def test_without_javascript_lines_are_added_by_the_server_and_every_error_shows_beside_its_field(browser, site, api,
                                                                                                       db):
    c = await approved_consultant(api, db)
    page = await new_page(browser, site, java_script_enabled=False)
    try:
        await sign_in(page, (await me(api, c))["email"], "/dashboard/quotations/new")
        await page.get_by_label("Client name").fill("Priya Shah")
        await page.get_by_label("Client email").fill("not-an-email")
        await page.get_by_label("Quotation name").fill("Growth plan")
        await page.get_by_label("Line 1: description").fill("Discovery workshop")
        await page.locator("#item-0-unit_price").fill("7500")
        await page.get_by_role("button", name="+ Add a line").click()  # a round trip: one more row, nothing saved
        await expect(page.get_by_label("Line 1: description")).to_have_value("Discovery workshop")
        await expect(page.get_by_label("Line 2: description")).to_have_value("")
        await page.get_by_label("Line 2: description").fill("Written plan")
        await page.locator("#item-1-quantity").fill("0")
        await page.locator("#item-1-unit_price").fill("abc")
        await page.get_by_role("button", name="Save draft").click()
        await expect(page.locator("#form-error")).to_contain_text("There is a problem")
        await expect(page.locator("#form-error li")).to_have_count(3)
        for name, text in (("client_email", "email"), ("item-1-quantity", "more than zero"),
                           ("item-1-unit_price", "two decimals")):
            field = page.locator(f"#{name}")
            await expect(field).to_have_attribute("aria-invalid", "true")
            described = (await field.get_attribute("aria-describedby")).split()[0]
            await expect(page.locator(f"#{described}")).to_contain_text(text)
        await expect(page.locator("#item-1-unit_price")).to_have_value("abc")  # typed values kept
        await expect(page.get_by_label("Client email")).to_have_value("not-an-email")
        await shot(page, "quotation-items-errors-without-js")  # (axe needs JavaScript: the JS test runs it)
        # Fixed, and the second line cleared: cleared rows are no lines.
        await page.get_by_label("Client email").fill("priya@example.com")
        for name in ("description", "quantity", "unit_price"):
            await page.locator(f"#item-1-{name}").fill("")
        await page.get_by_role("button", name="Save draft").click()
        await page.wait_for_url(DETAIL)
        await expect(page.locator("#quotation-items tbody tr")).to_have_count(1)
        await expect(page.locator("#items-total")).to_have_text("₹7,500.00")
    finally:
        await page.context.close()


async def test_the_consultant_copies_the_client_link_with_one_click_or_the_fallback(page, browser, site, api, db):
    c = await approved_consultant(api, db)
    q, link = await sent(api, c)
    email = (await me(api, c))["email"]
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    await sign_in(page, email, f"/dashboard/quotations/{q['id']}")
    copy = page.get_by_role("button", name="Copy link")
    await copy.focus()
    await page.keyboard.press("Enter")  # keyboard first
    await expect(page.locator("#copy-status")).to_have_text("Copied — the link is on your clipboard.")
    await expect(page.locator("#copy-link")).to_have_text("Copied ✓")
    assert await page.evaluate("navigator.clipboard.readText()") == link
    await both_widths(page, "quotation-detail-copied")

    # No clipboard API (an http page, an old browser): the link is selected and copied the old way.
    old = await new_page(browser, site)
    try:
        await old.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});")
        await sign_in(old, email, f"/dashboard/quotations/{q['id']}")
        await old.get_by_role("button", name="Copy link").click()
        await expect(old.locator("#copy-status")).to_have_text(re.compile(r"^(Copied|Press Ctrl\+C)"))
        selected = await old.evaluate("(() => { const i = document.getElementById('public-url');"
                                      " return [i.selectionStart, i.selectionEnd, document.activeElement.id]; })()")
        assert selected == [0, len(link), "public-url"], selected
    finally:
        await old.context.close()


async def test_the_client_reads_the_lines_accepts_and_pays_in_one_step_and_reloads_count_once(page, browser, site, api,
                                                                                                db):
    c = await approved_consultant(api, db)
    q, link = await sent(api, c, discount_percentage="10")
    client = await new_page(browser, site, user_agent=IPHONE)
    try:
        await client.goto(link)
        await client.reload()
        await client.reload()  # the same phone within minutes: one view
        rows = client.locator("#quotation-items tbody tr")
        await expect(rows).to_have_count(2)
        await expect(rows.nth(0)).to_contain_text("Discovery workshop")
        await expect(client.locator("#items-total")).to_have_text("₹18,000.00")
        await both_widths(client, "quotation-public-items")
        await client.get_by_role("button", name="Accept and pay ₹18,000.00").click()
        await expect(client.get_by_role("heading", name="Local checkout")).to_be_visible()  # no second click
        await client.get_by_role("button", name=re.compile(r"^Pay ₹18,000\.00")).click()
        await client.wait_for_url(re.compile(r"/q/qt_[^?]+\?done=paid$"))
        await expect(client.locator("#paid")).to_contain_text("Accepted and paid")
        await shot(client, "quotation-public-paid")
    finally:
        await client.context.close()

    await sign_in(page, (await me(api, c))["email"], f"/dashboard/quotations/{q['id']}")
    views = page.locator("#views-list li")
    await expect(views).to_have_count(1)
    await expect(views.first).to_have_text(re.compile(r"^iPhone · Safari — \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} IST$"))
    await expect(page.get_by_role("heading", name="Views (1)")).to_be_visible()


async def test_an_accepted_unpaid_quotation_opens_its_payment_when_sent_back_to_pay(page, api, db):
    # Razorpay's path: accepting comes back to the page with pay=now and the page opens Checkout at once (the local
    # gateway's page stands in for it here); without pay=now the page waits for its "Pay" button.
    c = await approved_consultant(api, db)
    _, link = await sent(api, c)
    r = await api.post(f"/api/v1/public/quotations/{link.rsplit('/', 1)[1]}/accept")
    assert r.status_code == 200 and r.json()["payable"], r.text
    await page.goto(link + "?done=paying&pay=now")
    await expect(page.get_by_role("heading", name="Local checkout")).to_be_visible()
    await page.goto(link)
    await expect(page.get_by_role("button", name="Pay ₹20,000.00")).to_be_visible()
    await expect(page.get_by_role("heading", name="Local checkout")).to_have_count(0)


# Test: pytest tests/e2e/test_quotation_items.py
