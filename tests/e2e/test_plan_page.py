# tests/e2e/test_plan_page.py — the plan page in Chromium, offline on the local gateway: a consultant on Free subscribes to Basic monthly, authorises at the local step, the worker records the charge, the page shows Basic active and the 6th quotation of the month goes out; then cancels ("ends on"). axe-core clean; screenshots at 1366 and 390 px.
from __future__ import annotations

import csv
import io
import os
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from tests.e2e.conftest import new_page, shot
from tests.e2e.test_admin_pages import fits
from tests.e2e.test_pages_a11y import no_serious_violations
from tests.e2e.test_settings_pages import email_of, sign_in
from tests.http.test_booking import approved_consultant
from tests.http.test_payments import run_jobs
from tests.http.test_plans import owner_do

PAGE = "/dashboard/plan"


def day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo("Asia/Kolkata")).strftime("%d %b %Y")


async def five_sent_and_a_draft(api, db, c) -> str:
    for _ in range(5):  # Free's month is used up
        await owner_do(db, "insert into app.quotations (consultant_id, client_name, client_email, quotation_name, "
                           "base_amount, status, sent_at, public_token_hash) values ($1, 'C', 'c@example.com', 'Q', "
                           "100, 'sent', now(), $2)", uuid.UUID(c["id"]), os.urandom(32))
    q = await api.post("/api/v1/quotations", headers=c["headers"], json={
        "client_name": "Meera Iyer", "client_email": "meera@example.com", "quotation_name": "Brand strategy",
        "base_amount": "10000.00"})
    assert q.status_code == 201, q.text
    return q.json()["id"]


async def test_a_consultant_on_free_subscribes_to_basic_offline_and_cancels(page, api, db, browser, site):
    c = await approved_consultant(api, db)
    qid = await five_sent_and_a_draft(api, db, c)
    send = f"/api/v1/quotations/{qid}/send"
    assert (await api.post(send, headers=c["headers"])).json()["error"]["code"] == "plan_limit"
    email = await email_of(api, c)
    await page.set_viewport_size({"width": 1366, "height": 900})
    await sign_in(page, email, PAGE)
    await expect(page.get_by_role("heading", name="Your plan: Free")).to_be_visible()
    await no_serious_violations(page, "plan-free-1366")

    await page.get_by_role("button", name="Pay monthly for Basic").click()
    await expect(page.get_by_text("Waiting for your authorisation.")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("authorise the payment below")
    await no_serious_violations(page, "plan-authorise-1366")
    await fits(page, "plan-authorise-1366")
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844})
    try:
        await sign_in(phone, email, PAGE)
        await expect(phone.get_by_text("Waiting for your authorisation.")).to_be_visible()
        await no_serious_violations(phone, "plan-authorise-390")
        await fits(phone, "plan-authorise-390")
    finally:
        await phone.context.close()

    # The local stand-in for Checkout, then back: the page waits for the worker, never claims the plan changed.
    await page.get_by_role("link", name="Authorise payment").click()
    await page.get_by_label("Method").select_option("upi")
    await page.get_by_role("button", name="Authorise and pay").click()
    await page.wait_for_url(f"**{PAGE}?confirming=1")
    await expect(page.get_by_text("We are confirming your payment.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Your plan: Free")).to_be_visible()
    await no_serious_violations(page, "plan-confirming-1366")

    await run_jobs(db)  # the local webhooks, delivered; their refresh fetches and records the charge
    await expect(page.get_by_role("heading", name="Your plan: Basic")).to_be_visible(timeout=15_000)
    sub = (await api.get("/api/v1/consultants/me/plan", headers=c["headers"])).json()["subscription"]
    await expect(page.get_by_text(f"Active until {day(sub['paid_until'])}.")).to_be_visible()
    await expect(page.get_by_text(f"Next charge: ₹499.00 on {day(sub['charge_at'])}.")).to_be_visible()
    await expect(page.get_by_role("button", name="Change to Pro, monthly")).to_be_visible()
    await no_serious_violations(page, "plan-active-1366")
    await fits(page, "plan-active-1366")
    r = await api.post(send, headers=c["headers"])  # the 6th of the month: Basic allows 50
    assert r.status_code == 200 and r.json()["status"] == "sent", r.text
    phone = await new_page(browser, site, viewport={"width": 390, "height": 844})
    try:
        await sign_in(phone, email, PAGE)
        await expect(phone.get_by_role("heading", name="Your plan: Basic")).to_be_visible()
        await phone.get_by_text("Cancel plan").click()
        await no_serious_violations(phone, "plan-active-390")
        await fits(phone, "plan-active-390")
    finally:
        await phone.context.close()

    await page.get_by_text("Cancel plan").click()
    await page.get_by_role("button", name="Yes, cancel my plan").click()
    await expect(page.get_by_text(f"Your Basic plan ends on {day(sub['paid_until'])}")).to_be_visible()
    await expect(page.get_by_role("heading", name="Your plan: Basic")).to_be_visible()
    await no_serious_violations(page, "plan-cancelled-1366")
    await shot(page, "plan-cancelled-1366")


async def authorise_locally(page, method: str = "card") -> None:
    """The local stand-in for Razorpay Checkout, then back to the plan page, confirming."""
    await page.get_by_role("link", name="Authorise payment").click()
    await page.get_by_label("Method").select_option(method)
    await page.get_by_role("button", name="Authorise and pay").click()
    await page.wait_for_url(f"**{PAGE}?confirming=1")


async def test_a_failed_renewal_keeps_the_plan_through_grace_then_falls_back_and_the_consultant_subscribes_again(
        page, api, db, site):
    """The issue's story to the end: upgraded and charged, a limit lifted; the renewal fails (retried, halted) and the
    plan holds through the grace; then the Free plan's limits apply, nothing deleted; the consultant subscribes again
    with another card and is charged. The app reads the real clock, so the month is simulated in the past: the local
    gateway's clock starts 34 days ago (the first charge pays a month of 28 to 31 days that ends 3 to 6 days ago,
    inside the default 7 days' grace whatever the month; the three failed attempts, a day apart, end 1 to 4 days ago,
    so the new subscription's charge is not ahead of the real clock; 35 would fail when that month is February). The
    grace running out is the admin's grace setting set to 0 rather than a week's wait."""
    c = await approved_consultant(api, db)
    cid = uuid.UUID(c["id"])
    qid = await five_sent_and_a_draft(api, db, c)
    await owner_do(db, "select dev.local_sub_start_clock(now() - interval '34 days')")
    email = await email_of(api, c)
    await page.set_viewport_size({"width": 1366, "height": 900})
    await sign_in(page, email, PAGE)
    await page.get_by_role("button", name="Pay monthly for Basic").click()
    await authorise_locally(page, "upi")
    await run_jobs(db)
    await expect(page.get_by_role("heading", name="Your plan: Basic")).to_be_visible(timeout=15_000)
    assert (await api.post(f"/api/v1/quotations/{qid}/send", headers=c["headers"])).status_code == 200  # lifted
    first = (await api.get("/api/v1/consultants/me/plan", headers=c["headers"])).json()["subscription"]

    # The renewal fails three times (Razorpay retries daily, then halts): the plan holds through the grace.
    for _ in range(3):
        await owner_do(db, "select dev.local_sub_charge($1, 'failure')::text", first["gateway_subscription_id"])
    await run_jobs(db)
    mine = (await api.get("/api/v1/consultants/me/plan", headers=c["headers"])).json()
    assert mine["subscription"]["status"] == "halted" and mine["plan"]["code"] == "basic"
    await page.goto(site + PAGE)
    await expect(page.get_by_role("heading", name="Your plan: Basic")).to_be_visible()
    await expect(page.get_by_text(f"Your Basic plan stays until {day(mine['grace_until'])}")).to_be_visible()
    await no_serious_violations(page, "plan-halted-1366")
    await fits(page, "plan-halted-1366")
    assert await owner_do(db, "select count(*) from app.email_logs where email_type = 'plan_payment_failed' "
                              "and consultant_id = $1", cid) >= 1

    # The grace runs out: the Free plan's limits, nothing deleted (the six sent this month stay; a seventh is refused).
    await owner_do(db, "update app.platform_settings set value = '0' where key = 'subscription_grace_days'")
    await page.reload()
    await expect(page.get_by_role("heading", name="Your plan: Free")).to_be_visible()
    await expect(page.get_by_text("Your Basic plan has ended")).to_be_visible()
    q = await api.post("/api/v1/quotations", headers=c["headers"], json={
        "client_name": "Arjun Rao", "client_email": "arjun@example.com", "quotation_name": "Audit",
        "base_amount": "5000.00"})
    r = await api.post(f"/api/v1/quotations/{q.json()['id']}/send", headers=c["headers"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "plan_limit", r.text
    assert await owner_do(db, "select count(*) from app.quotations where consultant_id = $1 and sent_at is not null",
                          cid) == 6
    await no_serious_violations(page, "plan-lapsed-1366")
    await shot(page, "plan-lapsed-1366")

    # Subscribed again with another card: charged, Basic again; the halted one cancelled at once.
    await page.get_by_role("button", name="Subscribe again to Basic, monthly").click()
    await authorise_locally(page, "card")
    await run_jobs(db)
    await expect(page.get_by_role("heading", name="Your plan: Basic")).to_be_visible(timeout=15_000)
    assert (await api.post(f"/api/v1/quotations/{q.json()['id']}/send", headers=c["headers"])).status_code == 200
    assert await owner_do(db, "select status from dev.local_subscriptions where id = $1",
                          first["gateway_subscription_id"]) == "cancelled"
    # Two charges, two invoices from the platform, for the same amounts.
    assert await owner_do(db, "select array_agg(amount order by charged_at)::text from app.subscription_charges "
                              "where consultant_id = $1", cid) == "{499.00,499.00}"
    assert await owner_do(db, "select array_agg(total order by issued_at)::text from app.tax_documents "
                              "where purpose = 'subscription' and consultant_id = $1",
                          cid) == "{499.00,499.00}"
    # And in the consultant's monthly GST report (the month or months, in India, the two were issued in).
    months = await owner_do(db, "select array_agg(distinct to_char(issued_at at time zone 'Asia/Kolkata', "
                                "'YYYY-MM')) from app.tax_documents where purpose = 'subscription' and consultant_id = $1",
                            cid)
    rows = []
    for month in months:
        r = await page.request.get(f"{site}/dashboard/payouts/gst-report.csv?month={month}")
        assert r.status == 200, await r.text()
        rows += list(csv.reader(io.StringIO(await r.text())))[1:]
    assert [(row[2], row[-2]) for row in rows if row[2] == "Nakksha (plan)"] == [("Nakksha (plan)", "499.00")] * 2

# Test: pytest tests/e2e/test_plan_page.py
