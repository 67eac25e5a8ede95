# tests/http/test_admin_subscriptions.py — the admins' subscriptions over HTTP: GET /api/v1/admin/subscriptions (who may, filters, pages, what a row says) and the /admin/subscriptions page, and the subscription history on the admin's consultant page.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.db import factories
from tests.db.test_subscription_analytics import paid_subscription
from tests.http.helpers import auth, make_admin, signup_consultant
from tests.http.test_admin_pages import admin_sign_in
from tests.http.test_pages import HTML, sign_in

URL = "/api/v1/admin/subscriptions"
DAY = timedelta(days=1)


async def arrange(db) -> dict[str, uuid.UUID]:
    """Five consultants: paying (active), past due (halted, 2 failures), cancelled, comped, and one whose checkout
    never finished (listed under All only)."""
    owner = await db.connect("owner")
    now = datetime.now(UTC)
    try:
        ids = {}
        for key, name in (("active", "Anil"), ("past_due", "Bela"), ("cancelled", "Chitra"), ("comped", "Dev"),
                          ("created", "Esha")):
            ids[key] = await factories.consultant(owner, first_name=name, last_name="Test")
        await paid_subscription(owner, ids["active"], "pro", "monthly", now - 10 * DAY, now + 20 * DAY)
        sub, _ = await paid_subscription(owner, ids["past_due"], "basic", "monthly", now - 40 * DAY, now - 2 * DAY,
                                         status="halted")
        await owner.execute("update app.subscriptions set failures = 2, charge_at = $2 where id = $1", sub, now + DAY)
        await owner.execute("insert into app.subscription_history (subscription_id, consultant_id, from_status, "
                            "to_status, paid_until, source) values ($1, $2, 'active', 'halted', $3, 'webhook')",
                            sub, ids["past_due"], now - 2 * DAY)
        await paid_subscription(owner, ids["cancelled"], "basic", "monthly", now - 70 * DAY, now - 40 * DAY,
                                status="cancelled")
        await owner.execute("insert into app.plan_comps (consultant_id, plan_code, ends_at, reason) "
                            "values ($1, 'pro', $2, 'Launch partner')", ids["comped"], now + 30 * DAY)
        amount = await owner.fetchval("select price_monthly from app.plans where code = 'basic'")
        plan_id = await owner.fetchval("select gateway_plan_id from app.gateway_plans where plan_code = 'basic' "
                                       "and period = 'monthly' limit 1")
        await owner.execute("insert into app.subscriptions (consultant_id, plan_code, period, amount, gateway, "
                            "gateway_plan_id, gateway_subscription_id) values ($1, 'basic', 'monthly', $2, 'razorpay', "
                            "$3, 'sub_NeverAuthorise')", ids["created"], amount, plan_id)
        return ids
    finally:
        await owner.close()


async def test_only_admins_read_the_list(client, db):
    consultant = await signup_consultant(client)
    assert (await client.get(URL)).status_code == 401
    r = await client.get(URL, headers=auth(consultant["access_token"]))
    assert r.status_code == 403, r.text
    r = await client.get(URL, headers=auth(await make_admin(db, client)))
    assert r.status_code == 200, r.text
    assert r.json() == {"items": [], "total": 0, "page": 1, "per_page": 50,
                        "counts": {"active": 0, "past_due": 0, "cancelled": 0, "comped": 0}}


async def test_each_consultant_with_a_subscription_or_comp_past_due_first_and_filters(client, db):
    ids = await arrange(db)
    token = await make_admin(db, client)
    body = (await client.get(URL, headers=auth(token))).json()
    assert body["total"] == 5 and body["counts"] == {"active": 1, "past_due": 1, "cancelled": 1, "comped": 1}
    rows = {r["consultant_id"]: r for r in body["items"]}
    assert body["items"][0]["consultant_id"] == str(ids["past_due"])  # past due first
    due = rows[str(ids["past_due"])]
    assert due["name"] == "Bela Test" and due["plan_in_force"] == "basic"  # within its 7 days' grace
    assert (due["subscription"]["status"], due["subscription"]["failures"]) == ("halted", 2)
    assert due["subscription"]["status_words"] == "Past due: retries over, the invoice is unpaid"
    assert rows[str(ids["active"])]["plan_in_force"] == "pro"
    assert rows[str(ids["cancelled"])]["plan_in_force"] == "free"
    comped = rows[str(ids["comped"])]
    assert comped["subscription"] is None and comped["plan_in_force"] == "pro"
    assert comped["comp"]["plan"] == "pro" and comped["comp"]["reason"] == "Launch partner"
    assert rows[str(ids["created"])]["subscription"]["status"] == "created"
    for status, key in (("active", "active"), ("past_due", "past_due"), ("cancelled", "cancelled"),
                        ("comped", "comped")):
        r = await client.get(URL, params={"status": status}, headers=auth(token))
        assert r.status_code == 200, r.text
        assert [i["consultant_id"] for i in r.json()["items"]] == [str(ids[key])], status
        assert r.json()["total"] == 1 and r.json()["counts"] == body["counts"]
    assert (await client.get(URL, params={"status": "halted"}, headers=auth(token))).status_code == 422


async def test_a_paying_consultant_with_a_plan_change_waiting_is_still_listed_active(client, db):
    """The outside review: a checkout awaiting authorisation beside the paid subscription hid the paid one, so the
    consultant dropped out of Active."""
    ids = await arrange(db)
    owner = await db.connect("owner")
    try:
        amount = await owner.fetchval("select price_monthly from app.plans where code = 'enterprise'")
        await owner.execute("insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, "
                            "verified_at) values ('enterprise', 'monthly', $1, 'razorpay', 'plan_EnterprMonthly', "
                            "now()) on conflict do nothing", amount)
        await owner.execute("insert into app.subscriptions (consultant_id, plan_code, period, amount, gateway, "
                            "gateway_plan_id, gateway_subscription_id) values ($1, 'enterprise', 'monthly', $2, "
                            "'razorpay', 'plan_EnterprMonthly', 'sub_ChangeWaitingX')", ids["active"], amount)
    finally:
        await owner.close()
    token = await make_admin(db, client)
    r = await client.get(URL, params={"status": "active"}, headers=auth(token))
    assert [i["consultant_id"] for i in r.json()["items"]] == [str(ids["active"])], r.text
    row = r.json()["items"][0]
    assert (row["subscription"]["plan"], row["subscription"]["status"]) == ("pro", "active")


async def test_pages_of_the_list(client, db):
    ids = await arrange(db)
    token = await make_admin(db, client)
    seen = []
    for page in (1, 2, 3):
        body = (await client.get(URL, params={"per_page": 2, "page": page}, headers=auth(token))).json()
        assert (body["total"], body["page"], body["per_page"]) == (5, page, 2)
        seen += [i["consultant_id"] for i in body["items"]]
    assert sorted(seen) == sorted(str(i) for i in ids.values())
    assert (await client.get(URL, params={"page": 4, "per_page": 2}, headers=auth(token))).json()["items"] == []
    assert (await client.get(URL, params={"per_page": 101}, headers=auth(token))).status_code == 422


async def test_the_page_lists_filters_and_links_and_the_consultant_page_shows_history(client, db):
    ids = await arrange(db)
    await admin_sign_in(client, db)
    r = await client.get("/admin/subscriptions", headers=HTML)
    assert r.status_code == 200, r.text
    html = r.text
    assert 'href="/admin/subscriptions"' in html and "Subscriptions" in html  # the header's link
    assert "1 subscription is past due" in html and "Past due: retries over, the invoice is unpaid" in html
    assert f'href="/admin/consultants/{ids["past_due"]}"' in html and "Launch partner" in html
    assert "Showing 1–5 of 5." in html
    r = await client.get("/admin/subscriptions?status=comped", headers=HTML)
    assert "Dev Test" in r.text and "Bela Test" not in r.text and "Comped consultants" in r.text
    r = await client.get("/admin/subscriptions?status=past_due&per_page=1&page=2", headers=HTML)
    assert "There is nothing on this page" in r.text
    r = await client.get(f"/admin/consultants/{ids['past_due']}", headers=HTML)
    assert r.status_code == 200 and "Subscription history" in r.text
    assert "Past due: retries over, the invoice is unpaid" in r.text and "From a Razorpay webhook" in r.text


async def test_a_consultant_cannot_open_the_page(client, db):
    password = "correct horse battery staple 42"
    c = (await signup_consultant(client, password=password))["consultant"]
    assert (await sign_in(client, c["email"], password)).status_code == 303
    r = await client.get("/admin/subscriptions", headers=HTML)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/login?next="), r.status_code


# Test: pytest tests/http/test_admin_subscriptions.py
