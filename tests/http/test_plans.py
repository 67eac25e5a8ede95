# tests/http/test_plans.py — plans over HTTP: the public list and the pricing page from the rows, the consultant's plan (API and page), limits answered 403 plan_limit with nothing written, lifted by a plan change, and a downgrade keeping data.
from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

from tests.db import factories
from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML, form, sign_in

AVAIL = "/api/v1/consultants/me/availability"
Q = "/api/v1/quotations"


async def owner_do(db, sql: str, *args):
    conn = await db.connect("owner")
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def on_plan(db, c, plan: str, expires_at=None) -> None:
    conn = await db.connect("owner")
    try:
        await factories.set_plan(conn, uuid.UUID(c["id"]), plan, expires_at)  # a comp (issue 22)
    finally:
        await conn.close()


async def test_the_plans_list_and_the_pricing_page_are_the_rows(client, db):
    r = await client.get("/api/v1/plans")
    assert r.status_code == 200
    plans = r.json()["plans"]
    assert [p["code"] for p in plans] == ["free", "basic", "pro", "enterprise"]
    assert plans[1]["price_yearly"] == "4990.00" and plans[0]["quotations_per_month"] == 5
    page = await client.get("/pricing", headers=HTML)
    assert "₹4,990.00 a year" in page.text and "5 quotations sent a month" in page.text
    await owner_do(db, "update app.plans set name = 'Starter', quotations_per_month = 40, price_yearly = 4500 "
                       "where code = 'basic'")
    assert (await client.get("/api/v1/plans")).json()["plans"][1]["name"] == "Starter"
    page = await client.get("/pricing", headers=HTML)
    assert "Starter" in page.text and "40 quotations sent a month" in page.text and "₹4,500.00 a year" in page.text
    # Each yearly price above UPI AutoPay's ₹15,000 says the payer approves every debit; no other does.
    def above_upi_limit(plans: list[dict]) -> int:
        return sum(float(p["price_yearly"]) > 15000 for p in plans)

    upi = "your UPI app asks you to approve it"
    before = above_upi_limit((await client.get("/api/v1/plans")).json()["plans"])
    assert page.text.count(upi) == before
    await owner_do(db, "update app.plans set price_monthly = 2499, price_yearly = 24990 where code = 'basic'")
    page = await client.get("/pricing", headers=HTML)
    after = above_upi_limit((await client.get("/api/v1/plans")).json()["plans"])
    assert page.text.count(upi) == after == before + 1


async def test_a_quotation_past_the_month_is_refused_with_the_plan_that_lifts_it(client, db):
    c = await approved_consultant(client, db)
    cid = uuid.UUID(c["id"])
    for _ in range(5):
        await owner_do(db, "insert into app.quotations (consultant_id, client_name, client_email, quotation_name, "
                           "base_amount, status, sent_at, public_token_hash) values ($1, 'C', 'c@example.com', 'Q', 100, "
                           "'sent', now(), $2)", cid, os.urandom(32))
    q = await client.post(Q, headers=c["headers"], json={"client_name": "Meera Iyer", "client_email": "meera@example.com",
                                                          "quotation_name": "Brand strategy", "base_amount": "10000.00"})
    assert q.status_code == 201, q.text
    qid = q.json()["id"]
    r = await client.post(f"{Q}/{qid}/send", headers=c["headers"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "plan_limit"
    assert r.json()["error"]["message"] == ("Your Free plan allows 5 quotations a month; Basic allows 50 quotations a "
                                            "month. Upgrade: /dashboard/plan")
    assert (await client.get(f"{Q}/{qid}", headers=c["headers"])).json()["status"] == "draft"
    assert await owner_do(db, "select count(*) from app.email_logs where quotation_id = $1", uuid.UUID(qid)) == 0
    mine = (await client.get("/api/v1/consultants/me/plan", headers=c["headers"])).json()
    assert mine["plan"]["code"] == "free" and mine["usage"]["quotations_sent_this_month"] == 5
    # The page that hit it says so, with the way to the plan page.
    email = await owner_do(db, "select email::text from app.consultants where id = $1", cid)
    assert (await sign_in(client, email, PASSWORD)).status_code == 303
    token = await form(client, f"/dashboard/quotations/{qid}/send")
    page = await client.post(f"/dashboard/quotations/{qid}/send", data={"csrf_token": token}, headers=HTML)
    assert page.status_code == 403 and "allows 5 quotations a month" in page.text
    assert '<a href="/dashboard/plan">Upgrade your plan</a>' in page.text
    # Lifted once the plan changes; back on Free the six stay sent.
    await on_plan(db, c, "basic", datetime.now(UTC) + timedelta(days=30))
    r = await client.post(f"{Q}/{qid}/send", headers=c["headers"])
    assert r.status_code == 200 and r.json()["status"] == "sent"
    await on_plan(db, c, "basic", datetime.now(UTC) - timedelta(minutes=1))  # expired: free again
    mine = (await client.get("/api/v1/consultants/me/plan", headers=c["headers"])).json()
    assert (mine["plan"]["code"], mine["subscribed_plan"], mine["expired"]) == ("free", "basic", True)
    assert mine["usage"]["over_limit"] == ["quotations_per_month"] and mine["usage"]["quotations_sent_this_month"] == 6
    page = await client.get("/dashboard/plan", headers=HTML)
    assert page.status_code == 200 and "Your plan: Free" in page.text and "6 of 5" in page.text
    assert "Nothing was deleted" in page.text and "Pro" in page.text


async def test_webinar_seats_past_the_plan_are_refused_and_nothing_is_written(client, db):
    c = await approved_consultant(client, db)
    start = (datetime.now(UTC) + timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
    body = {"session_type": "webinar", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 31}
    r = await client.post(f"{AVAIL}/slots", headers=c["headers"], json=body)
    assert r.status_code == 403, r.text
    assert r.json()["error"] == {"code": "plan_limit", "field": "capacity", "message":
                                 "Your Free plan allows 30 seats in a webinar; Basic allows 100 seats in a webinar. "
                                 "Upgrade: /dashboard/plan"}
    assert await owner_do(db, "select count(*) from app.availability_slots where consultant_id = $1 and "
                              "session_type = 'webinar'", uuid.UUID(c["id"])) == 0
    await on_plan(db, c, "basic")
    r = await client.post(f"{AVAIL}/slots", headers=c["headers"], json=body)
    assert r.status_code == 201, r.text
    slot = r.json()
    await on_plan(db, c, "free")
    # Kept after the downgrade; raising it is refused, lowering it is not.
    r = await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=c["headers"], json={"capacity": 40})
    assert r.status_code == 403 and r.json()["error"]["code"] == "plan_limit"
    r = await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=c["headers"], json={"capacity": 31})
    assert r.status_code == 200 and r.json()["capacity"] == 31


async def test_the_public_page_says_powered_by_nakksha_unless_the_plan_removes_it(client, db):
    c = await approved_consultant(client, db)
    client.cookies.clear()  # a visitor
    page = await client.get(f"/{c['slug']}", headers=HTML)
    assert page.status_code == 200 and 'Powered by <a href="/">Nakksha</a>' in page.text
    assert " · Nakksha</title>" in page.text and 'href="/auth/signup"' in page.text
    assert (await client.get(f"/api/v1/public/consultants/{c['slug']}")).json()["branded"] is True
    await on_plan(db, c, "pro", datetime.now(UTC) + timedelta(days=30))
    page = await client.get(f"/{c['slug']}", headers=HTML)
    # Nothing of Nakksha for the visitor: no header links, no title suffix, no footer line; the name instead.
    assert "Nakksha" not in page.text.split("<body>")[1].split("<script")[0]
    assert "Nakksha</title>" not in page.text and 'href="/auth/signup"' not in page.text
    profile = (await client.get(f"/api/v1/public/consultants/{c['slug']}")).json()
    assert profile["branded"] is False
    assert f'<span class="logo">{profile["first_name"]} {profile["last_name"]}</span>' in page.text

# Test: pytest tests/http/test_plans.py
