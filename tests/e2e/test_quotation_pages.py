# tests/e2e/test_quotation_pages.py — quotations in Chromium: the consultant builds (live final amount), lists, previews and sends one; the client opens the link, accepts and pays at the local checkout in one step (then finds their receipt on the page), or declines; axe-core on each page.
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
from playwright.async_api import expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_settings_pages import sign_in
from tests.http.test_booking import approved_consultant

DETAIL = re.compile(r"/dashboard/quotations/[0-9a-f-]{36}(\?.*)?$")


async def me(api, consultant: dict) -> dict:
    return (await api.get("/api/v1/auth/me", headers=consultant["headers"])).json()["consultant"]


async def draft(api, consultant: dict, **fields) -> dict:
    made = await api.post("/api/v1/quotations", headers=consultant["headers"], json={
        "client_name": "Rahul Mehta", "client_email": "rahul@example.com", "quotation_name": "Tax filing",
        "base_amount": "5000", "discount_percentage": "0", **fields})
    assert made.status_code == 201, made.text
    return made.json()


async def sent(api, consultant: dict, **fields) -> tuple[dict, str]:
    q = await draft(api, consultant, **fields)
    r = await api.post(f"/api/v1/quotations/{q['id']}/send", headers=consultant["headers"])
    assert r.status_code == 200, r.text
    return q, r.json()["public_url"]


async def test_a_consultant_builds_and_sends_a_quotation_the_client_accepts_and_pays(browser, site, page, api, db):
    c = await approved_consultant(api, db)
    who = await me(api, c)
    name = f"{who['first_name']} {who['last_name']}"
    await sign_in(page, who["email"], "/dashboard/quotations")
    await expect(page.get_by_role("heading", name="Quotations", exact=True)).to_be_visible()
    await expect(page.get_by_text("No quotations yet")).to_be_visible()
    await no_serious_violations(page, "quotations-empty")

    # The builder: the final amount follows what is typed (half up to the paisa, in the browser).
    await page.get_by_role("link", name="New quotation").click()
    await expect(page.get_by_role("heading", name="New quotation")).to_be_visible()
    await page.get_by_label("Client name").fill("Priya Shah")
    await page.get_by_label("Client email").fill("priya@example.com")
    await page.get_by_label("Quotation name").fill("Career plan, three months")
    await page.locator("#description").fill("Twelve weekly sessions and a written plan.")
    await page.locator("#item-0-description").fill("Twelve weekly sessions")
    await page.locator("#item-0-unit_price").fill("10000")
    await page.get_by_label("Discount (%)").fill("12.5")
    await expect(page.locator("#final-amount")).to_have_text("₹8,750.00")
    await page.get_by_label("Validity").fill("30 days")
    await page.get_by_label("Expires on").fill((date.today() + timedelta(days=30)).isoformat())
    await no_serious_violations(page, "quotation-builder")
    await page.get_by_role("button", name="Save draft").click()
    await page.wait_for_url(DETAIL)
    await expect(page.locator("#notice")).to_have_text("Draft saved.")
    await expect(page.locator("#quotation-status")).to_have_text("Draft")
    await expect(page.locator("#final-amount")).to_have_text("₹8,750.00")  # the database's number

    # In the list, with its amount and status.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Quotations").click()
    row = page.locator("#quotations-table tbody tr").filter(has_text="Career plan, three months")
    await expect(row).to_contain_text("₹8,750.00")
    await expect(row).to_contain_text("Draft")
    await no_serious_violations(page, "quotations-list")
    await row.get_by_role("link", name="Career plan, three months").click()
    await page.wait_for_url(DETAIL)

    # Send: the client's email is previewed first.
    await page.get_by_role("link", name="Send…").click()
    await expect(page.locator("#preview-subject")).to_contain_text(f"{name} sent you a quotation")
    await expect(page.locator("#preview-text")).to_contain_text("₹8,750.00")
    await page.get_by_role("button", name="Send to priya@example.com").click()
    await page.wait_for_url(DETAIL)
    await expect(page.locator("#notice")).to_contain_text("Quotation sent")
    await expect(page.locator("#quotation-status")).to_have_text("Sent")
    link = await page.locator("#public-url").input_value()
    assert re.fullmatch(re.escape(site) + r"/q/qt_\S+", link), link
    await no_serious_violations(page, "quotation-detail")

    # The client, in another browser: reads it, accepts and pays at the local checkout.
    client = await new_page(browser, site)
    try:
        await client.goto(link)
        await expect(client.locator("#consultant-name")).to_have_text(name)
        await expect(client.locator("#final-amount")).to_have_text("₹8,750.00")
        await expect(client.locator("#quotation-items")).to_contain_text("Discount (12.5%)")
        await no_serious_violations(client, "quotation-public")
        await client.get_by_role("button", name="Accept and pay ₹8,750.00").click()  # one step: on to the payment
        await expect(client.get_by_role("heading", name="Local checkout")).to_be_visible()
        await client.get_by_role("button", name=re.compile(r"^Pay ₹8,750\.00")).click()
        await client.wait_for_url(re.compile(r"/q/qt_[^?]+\?done=paid$"))
        await expect(client.locator("#paid")).to_contain_text("Accepted and paid")
        await shot(client, "quotation-paid")
        # The GST document issued to the client (an unregistered consultant's receipt): listed, on a phone too,
        # with its page (and PDF) under the quotation's link.
        await expect(client.locator("#paid")).to_contain_text("Your receipt is below to open or download")
        await expect(client.locator("#quotation-documents li")).to_have_count(1)
        await expect(client.locator("#quotation-documents")).to_contain_text("Receipt RCT/")
        await client.set_viewport_size({"width": 390, "height": 844})
        await no_serious_violations(client, "quotation-paid")
        await shot(client, "quotation-paid-390")
        await client.locator("#quotation-documents a").first.click()
        await client.wait_for_url(re.compile(r"/q/qt_[^/]+/documents/[0-9a-f-]{36}$"))
        await expect(client.locator("#tax-document")).to_contain_text("RCT/")
        await expect(client.locator("#document-pdf")).to_have_attribute("href", re.compile(r"/documents/[0-9a-f-]{36}\.pdf$"))
    finally:
        await client.context.close()

    # Back with the consultant: accepted, paid, the client's views and the payment on the page.
    await page.reload()
    await expect(page.locator("#quotation-status")).to_have_text("Accepted")
    await expect(page.locator("#quotation-paid")).to_be_visible()
    await expect(page.locator("#views-list li")).to_have_count(1)  # the opening; not the returns after answering
    await expect(page.locator("#views-list li")).to_contain_text("Linux PC · Headless Chrome — ")
    await expect(page.locator("#quotation-payments")).to_contain_text("₹8,750.00")
    await expect(page.locator("#quotation-payments")).to_contain_text("Completed")
    await shot(page, "quotation-detail-paid")


async def test_the_client_declines_with_a_reason_and_the_consultant_sees_it(page, browser, site, api, db):
    c = await approved_consultant(api, db)
    q, link = await sent(api, c)

    client = await new_page(browser, site)
    try:
        await client.goto(link)
        await expect(client.locator("#final-amount")).to_have_text("₹5,000.00")
        await client.get_by_text("Decline this quotation").click()
        await client.get_by_label("Reason").fill("We found someone closer to home.")
        await client.get_by_role("button", name="Decline").click()
        await expect(client.locator("#declined")).to_contain_text("declined")
        await expect(client.get_by_role("button", name=re.compile("Accept"))).to_have_count(0)
    finally:
        await client.context.close()

    await sign_in(page, (await me(api, c))["email"], f"/dashboard/quotations/{q['id']}")
    await expect(page.locator("#quotation-status")).to_have_text("Rejected")
    await expect(page.locator("#response-reason")).to_have_text("We found someone closer to home.")


async def test_a_draft_is_edited_duplicated_and_deleted(page, api, db):
    c = await approved_consultant(api, db)
    q = await draft(api, c)
    r = await api.post("/api/v1/clients", headers=c["headers"], json={"name": "Meera Iyer", "email": "meera@example.com"})
    assert r.status_code == 201, r.text
    await sign_in(page, (await me(api, c))["email"], f"/dashboard/quotations/{q['id']}")
    await page.get_by_role("link", name="Edit").click()
    await expect(page.locator("#final-amount")).to_have_text("₹5,000.00")
    await page.get_by_label("An existing client").select_option(label="Meera Iyer (meera@example.com)")
    await page.get_by_label("Discount (%)").fill("10")
    await expect(page.locator("#final-amount")).to_have_text("₹4,500.00")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator("#notice")).to_have_text("Changes saved.")
    await expect(page.locator("#final-amount")).to_have_text("₹4,500.00")
    await expect(page.locator("#quotation-facts")).to_contain_text("Meera Iyer (meera@example.com)")

    # A mistake is shown on the form, with what was typed kept.
    await page.get_by_role("link", name="Edit").click()
    await page.get_by_label("Discount (%)").fill("120")
    await expect(page.locator("#final-amount")).to_have_text("—")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator("#form-error")).to_be_visible()
    await expect(page.get_by_label("Discount (%)")).to_have_value("120")
    await expect(page.get_by_label("Discount (%)")).to_have_attribute("aria-invalid", "true")

    await page.goto(f"/dashboard/quotations/{q['id']}")
    await page.get_by_role("button", name="Duplicate").click()
    await expect(page.locator("#notice")).to_have_text("Copied into this new draft.")
    assert q["id"] not in page.url
    copy = page.url.split("?")[0]
    await page.get_by_role("link", name="Send…").click()  # a preview without an expiry date
    await expect(page.locator("#preview-subject")).to_contain_text("Tax filing (copy) (₹4,500.00)")
    frame = await page.request.get(copy + "/send/frame")
    assert frame.status == 200 and "Tax filing" in await frame.text()
    await no_serious_violations(page, "quotation-send")
    await page.goto(copy)
    await page.get_by_role("link", name="Delete…").click()
    await page.get_by_role("button", name="Yes, delete the draft").click()
    await page.wait_for_url(re.compile(r"/dashboard/quotations\?done=deleted$"))
    await expect(page.locator("#quotations-table tbody tr")).to_have_count(1)  # the original is left


async def expire(db, quotation_id: str) -> None:
    """Move a sent quotation's expiry into the past (its content is frozen once sent; this goes around the guard)."""
    conn = await asyncpg.connect(db.admin_url)  # a superuser: only it may switch triggers off
    try:
        async with conn.transaction():
            await conn.execute("set local session_replication_role = replica")
            await conn.execute("update app.quotations set expires_at = $2 where id = $1", uuid.UUID(quotation_id),
                               datetime.now(UTC) - timedelta(minutes=1))
    finally:
        await conn.close()


async def test_an_expired_quotation_says_so_without_buttons_and_an_unknown_link_is_404(page, api, db):
    c = await approved_consultant(api, db)
    q, link = await sent(api, c)
    await expire(db, q["id"])
    await page.goto(link)
    await expect(page.locator("#expired")).to_contain_text("This quotation has expired")
    await expect(page.get_by_role("button", name=re.compile("Accept|Decline|Pay"))).to_have_count(0)
    r = await page.goto("/q/qt_this_is_not_a_real_token")
    assert r is not None and r.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()

# Test: pytest tests/e2e/test_quotation_pages.py
