# tests/http/test_plan_page.py — the plan page's forms on the local gateway: subscribe (a created subscription and its authorise step), the local authorise step, "confirming" until the job records the charge, active with the next charge, cancel (ends on the paid period's end), and the refusals shown in the one error shape with nothing stored.
from __future__ import annotations

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML, csrf_of, sign_in
from tests.http.test_plans import owner_do

PAGE = "/dashboard/plan"


async def signed_in_consultant(client, db) -> dict:
    c = await approved_consultant(client, db)
    email = await owner_do(db, "select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    assert (await sign_in(client, email, PASSWORD)).status_code == 303
    return c


async def post(client, path: str, **data):
    token = csrf_of((await client.get(PAGE, headers=HTML)).text)
    return await client.post(path, data={"csrf_token": token, **data}, headers=HTML)


async def subscriptions(db, c) -> list[tuple]:
    conn = await db.connect("owner")
    try:
        rows = await conn.fetch("select plan_code, period, status, cancel_requested_at is not null as cancelled "
                                "from app.subscriptions where consultant_id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()
    return [tuple(r) for r in rows]


def day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo("Asia/Kolkata")).strftime("%d %b %Y")


async def test_subscribe_authorise_confirm_and_cancel_from_the_page(client, app, db):
    from jobs.app import connected
    from jobs.subscriptions import refresh

    c = await signed_in_consultant(client, db)
    page = await client.get(PAGE, headers=HTML)
    assert page.status_code == 200 and "coming" not in page.text
    assert "Pay monthly<span class=\"visually-hidden\"> for Basic</span>" in page.text
    r = await post(client, f"{PAGE}/subscribe", plan="basic", period="monthly")
    assert r.status_code == 303 and r.headers["location"] == f"{PAGE}?done=plan_subscribed"
    assert await subscriptions(db, c) == [("basic", "monthly", "created", False)]
    page = await client.get(r.headers["location"], headers=HTML)
    assert "Your subscription is ready" in page.text and "Waiting for your authorisation" in page.text
    assert "Your plan: Free" in page.text  # nothing charged: nothing changed
    link = re.search(r'id="authorise" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert link.startswith("/dev/subscriptions/sub_") and "return_to=%2Fdashboard%2Fplan%3Fconfirming%3D1" in link
    # The same plan again answers the same subscription (nothing new stored).
    assert (await post(client, f"{PAGE}/subscribe", plan="basic", period="monthly")).status_code == 303
    assert len(await subscriptions(db, c)) == 1

    # The local stand-in for Checkout: authorise, back to the page, which does not claim the plan changed.
    sid = link.split("?")[0].rsplit("/", 1)[1]
    local = await client.get(link, headers=HTML)
    assert local.status_code == 200 and "Authorise and pay" in local.text
    back = await client.post(f"/dev/subscriptions/{sid}", data={"method": "card", "return_to": f"{PAGE}?confirming=1"})
    assert back.status_code == 303 and back.headers["location"] == f"{PAGE}?confirming=1"
    page = await client.get(back.headers["location"], headers=HTML)
    assert "We are confirming your payment" in page.text and "Your plan: Free" in page.text
    assert 'data-confirming="1"' in page.text and "Cancel plan" not in page.text

    with connected(db.url("worker")):  # the webhook's job: fetch and record the charge
        assert (await refresh(app.state.payments, sid, "job"))["plan"] == "basic"
    mine = (await client.get("/api/v1/consultants/me/plan", headers=c["headers"])).json()
    paid_until, charge_at = mine["subscription"]["paid_until"], mine["subscription"]["charge_at"]
    page = await client.get(f"{PAGE}?confirming=1", headers=HTML)
    assert "Your plan: Basic" in page.text and "We are confirming" not in page.text
    assert f"<strong>Active</strong> until {day(paid_until)}" in page.text
    assert f"Next charge: ₹499.00 on {day(charge_at)}" in page.text
    changes = "Change to<span class=\"visually-hidden\"> {},</span> {}"
    assert "Current: monthly" in page.text and changes.format("Basic", "yearly") in page.text
    assert changes.format("Pro", "monthly") in page.text and "Pay monthly" not in page.text

    r = await post(client, f"{PAGE}/cancel")
    assert r.status_code == 303 and r.headers["location"] == f"{PAGE}?done=plan_cancelled"
    page = await client.get(r.headers["location"], headers=HTML)
    assert f"Your Basic plan ends on {day(paid_until)}" in page.text and "Your subscription is cancelled" in page.text
    assert "Your plan: Basic" in page.text  # until the paid period ends
    assert await subscriptions(db, c) == [("basic", "monthly", "active", True)]


async def test_refusals_are_shown_on_the_page_and_nothing_is_stored(client, db):
    c = await signed_in_consultant(client, db)
    r = await post(client, f"{PAGE}/subscribe", plan="platinum", period="monthly")
    assert r.status_code == 422 and "There is a problem" in r.text and "No such plan." in r.text
    assert 'href="#subscribe-plan"' in r.text and 'id="subscribe-plan"' in r.text
    r = await post(client, f"{PAGE}/subscribe", plan="free", period="monthly")
    assert r.status_code == 422 and "The free plan needs no subscription" in r.text
    r = await post(client, f"{PAGE}/subscribe", plan="basic", period="weekly")
    assert r.status_code == 422 and "There is a problem" in r.text and 'href="#subscribe-period"' in r.text
    r = await post(client, f"{PAGE}/cancel")
    assert r.status_code == 404 and "You have no subscription to cancel." in r.text
    r = await client.post(f"{PAGE}/subscribe", data={"plan": "basic", "period": "monthly"}, headers=HTML)
    assert r.status_code == 403  # no CSRF token: nothing done
    assert await subscriptions(db, c) == []
    # Another consultant's subscription is not theirs to authorise through the page, and an unknown one is not found.
    assert (await client.get("/dev/subscriptions/sub_Unknown0000000", headers=HTML)).status_code == 404

# Test: pytest tests/http/test_plan_page.py
