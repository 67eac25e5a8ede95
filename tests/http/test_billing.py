# tests/http/test_billing.py — subscribing to a plan over the API against the fake Razorpay: the checkout answer, the plan changing only once the job records a fetched charge (webhooks repeated and out of order), a plan change (cancel-and-create), cancelling at the cycle's end, and the refusals.
from __future__ import annotations

import uuid

from tests.fake_razorpay import KEY_ID
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML
from tests.http.test_payments import WEBHOOK, app, owner, razorpay_env, run_jobs, rzp  # noqa: F401 (fixtures)
from tests.http.test_plan_page import signed_in_consultant

SUB = "/api/v1/consultants/me/subscription"
PLAN = "/api/v1/consultants/me/plan"


async def plan_code(client, c) -> str:
    r = await client.get(PLAN, headers=c["headers"])
    assert r.status_code == 200, r.text
    return r.json()["plan"]["code"]


async def deliver_all(client, rzp, sub_id: str, order=lambda d: d) -> None:  # noqa: F811
    for body, headers in order(rzp.deliveries(sub_id)):
        r = await client.post(WEBHOOK, content=body, headers=headers)
        assert r.status_code == 200, r.text


async def test_subscribing_changes_the_plan_only_once_a_fetched_charge_is_recorded(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db)
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 201, r.text
    sub, checkout = r.json()["subscription"], r.json()["checkout"]
    assert sub["status"] == "created" and sub["plan"] == "pro" and sub["amount"] == "1499.00"
    assert checkout["key_id"] == KEY_ID and checkout["subscription_id"] == sub["gateway_subscription_id"]
    plan = rzp.plans[rzp.subscriptions[sub["gateway_subscription_id"]]["plan_id"]]
    assert (plan["period"], plan["item"]["amount"]) == ("monthly", 149900)
    # Asked again before authorising: the same subscription, no second Razorpay plan or subscription.
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 200 and r.json()["subscription"]["id"] == sub["id"]
    assert (len(rzp.plans), len(rzp.subscriptions)) == (1, 1)

    sid = sub["gateway_subscription_id"]
    rzp.authenticate(sid, "upi")
    assert await plan_code(client, c) == "free"  # the browser's return changes nothing
    # Every delivery twice and in reverse order: the job fetches, so the order does not matter.
    await deliver_all(client, rzp, sid, order=lambda d: list(reversed(d)) * 2)
    await run_jobs(db)
    assert await plan_code(client, c) == "pro"
    mine = (await client.get(PLAN, headers=c["headers"])).json()
    assert mine["subscription"]["status"] == "active" and mine["subscription"]["paid_until"]
    conn = await owner(db)
    try:
        cid = uuid.UUID(c["id"])
        assert await conn.fetchval("select count(*) from app.subscription_charges where consultant_id = $1", cid) == 1
        assert [r["to_status"] for r in await conn.fetch(
            "select to_status from app.subscription_history where consultant_id = $1 order by id", cid)] == [
            "created", "active"]
    finally:
        await conn.close()
    # The plan already paid for: refused.
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_subscribed"

    # Cancelled: at the cycle's end at Razorpay; the plan stays until the paid period ends.
    r = await client.delete(SUB, headers=c["headers"])
    assert r.status_code == 200, r.text
    assert r.json()["cancel_requested_at"] and rzp.sub_private[sid]["cancel_at_cycle_end"]
    assert rzp.subscriptions[sid]["status"] == "active"
    assert await plan_code(client, c) == "pro"
    r = await client.delete(SUB, headers=c["headers"])  # again: the same answer, Razorpay not asked twice
    assert r.status_code == 200


async def test_the_checkout_return_racing_the_webhooks_and_the_job_makes_one_subscription_and_one_charge(
        client, db, rzp):  # noqa: F811
    """Back from Checkout the consultant reloads and clicks again while Razorpay's webhooks arrive and the worker
    records them: whatever the order, one subscription, one charge, one invoice, and the plan once recorded."""
    import asyncio

    c = await approved_consultant(client, db)
    sub = (await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})).json()[
        "subscription"]
    sid = sub["gateway_subscription_id"]
    rzp.authenticate(sid, "card")
    deliveries = rzp.deliveries(sid)

    async def deliver(body, headers):
        return (await client.post(WEBHOOK, content=body, headers=headers)).status_code

    async def click_again():
        return (await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})).status_code

    outs = await asyncio.gather(*(deliver(b, h) for b, h in deliveries * 2), click_again(), click_again(),
                                client.get(PLAN, headers=c["headers"]), run_jobs(db))
    assert set(outs[:len(deliveries) * 2]) == {200}
    assert all(code in (200, 409) for code in outs[len(deliveries) * 2:len(deliveries) * 2 + 2]), outs
    await run_jobs(db)
    assert await plan_code(client, c) == "pro"
    conn = await owner(db)
    try:
        cid = uuid.UUID(c["id"])
        assert await conn.fetchval("select count(*) from app.subscriptions where consultant_id = $1", cid) == 1
        assert await conn.fetchval("select count(*) from app.subscription_charges where consultant_id = $1", cid) == 1
        assert await conn.fetchval("select count(*) from app.tax_documents where consultant_id = $1 "
                                   "and purpose = 'subscription'", cid) == 1
    finally:
        await conn.close()
    assert len(rzp.subscriptions) == 1


async def test_another_plan_cancels_and_creates_and_the_higher_plan_holds(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db)
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    old = r.json()["subscription"]["gateway_subscription_id"]
    rzp.authenticate(old, "card")
    await deliver_all(client, rzp, old)
    await run_jobs(db)
    # A change started and abandoned (the outside review: the paid plan was cancelled at once): the paid
    # subscription is untouched, and withdrawing the new one leaves it the live one.
    r = await client.post(SUB, headers=c["headers"], json={"plan": "enterprise", "period": "monthly"})
    assert r.status_code == 201, r.text
    abandoned = r.json()["subscription"]["gateway_subscription_id"]
    assert not rzp.sub_private[old].get("cancel_at_cycle_end") and rzp.subscriptions[old]["status"] == "active"
    assert (await client.get(PLAN, headers=c["headers"])).json()["subscription"]["gateway_subscription_id"] == abandoned
    assert (await client.delete(SUB, headers=c["headers"])).status_code == 200
    assert rzp.subscriptions[abandoned]["status"] == "cancelled" and rzp.subscriptions[old]["status"] == "active"
    mine = (await client.get(PLAN, headers=c["headers"])).json()
    assert mine["subscription"]["gateway_subscription_id"] == old and mine["subscription"]["cancel_requested_at"] is None
    # The plan already paid for, picked while a change waits (the outside review: a second subscription was made and
    # charged for the same period): refused, and the waiting change is left as it was.
    r = await client.post(SUB, headers=c["headers"], json={"plan": "enterprise", "period": "monthly"})
    waiting = r.json()["subscription"]["gateway_subscription_id"]
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_subscribed", r.text
    mine = (await client.get(PLAN, headers=c["headers"])).json()
    assert mine["subscription"]["gateway_subscription_id"] == waiting and rzp.subscriptions[waiting]["status"] == "created"
    assert mine["replacing"]["gateway_subscription_id"] == old and mine["replacing"]["status"] == "active"
    assert (await client.delete(SUB, headers=c["headers"])).status_code == 200
    # Changed for real: the old one is cancelled at its cycle's end only once the new one is authorised.
    r = await client.post(SUB, headers=c["headers"], json={"plan": "basic", "period": "yearly"})
    assert r.status_code == 201, r.text
    new = r.json()["subscription"]["gateway_subscription_id"]
    assert new != old and not rzp.sub_private[old].get("cancel_at_cycle_end")
    rzp.authenticate(new, "card")
    await deliver_all(client, rzp, new)
    await run_jobs(db)
    assert rzp.sub_private[old]["cancel_at_cycle_end"]  # the old one is not renewed, not refunded
    conn = await owner(db)
    try:  # ...and the job recorded it (the outside review: its named query was missing, the job failed after)
        assert await conn.fetchval("select cancel_requested_at is not null from app.subscriptions "
                                   "where gateway_subscription_id = $1", old)
        assert await conn.fetchval("select count(*) from procrastinate_jobs where status = 'failed'") == 0
    finally:
        await conn.close()
    assert await plan_code(client, c) == "pro"  # the old paid month (the higher plan) holds until its end
    mine = (await client.get(PLAN, headers=c["headers"])).json()
    assert mine["subscription"]["gateway_subscription_id"] == new and mine["subscription"]["plan"] == "basic"


async def test_a_halted_subscription_is_replaced_by_the_same_plan_paid_another_way(client, db, rzp):  # noqa: F811
    """The failure mail and the page say: subscribe again with another card or UPI account. The same plan is taken
    (not already_subscribed), the halted one is left alone until the new one is authorised, then cancelled at once —
    a cycle-end cancel would leave its unpaid invoice payable (and a pending one retried) beside the new charge."""
    c = await signed_in_consultant(client, db)
    old = (await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})).json()[
        "subscription"]["gateway_subscription_id"]
    rzp.authenticate(old, "upi")
    for _ in range(rzp.halt_after):
        rzp.fail_charge(old)
    await deliver_all(client, rzp, old)
    await run_jobs(db)
    mine = (await client.get(PLAN, headers=c["headers"])).json()
    assert mine["subscription"]["status"] == "halted" and mine["plan"]["code"] == "pro"  # grace: never mid-period
    # The page: pay the halted invoice on Razorpay's page, or subscribe again another way.
    unpaid = [i for i in rzp.invoices.values() if i["subscription_id"] == old and i["status"] == "issued"]
    assert mine["subscription"]["pay_url"] == unpaid[-1]["short_url"]
    page = (await client.get("/dashboard/plan", headers=HTML)).text
    assert f'href="{unpaid[-1]["short_url"]}"' in page and "Pay ₹1,499.00 now" in page
    assert "Subscribe again<span class=\"visually-hidden\"> to Pro,</span> monthly" in page
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 201, r.text
    new = r.json()["subscription"]["gateway_subscription_id"]
    assert new != old and rzp.subscriptions[old]["status"] == "halted"  # untouched until the new one is authorised
    rzp.authenticate(new, "card")
    await deliver_all(client, rzp, new)
    await run_jobs(db)
    assert rzp.subscriptions[old]["status"] == "cancelled" and not rzp.sub_private[old].get("cancel_at_cycle_end")
    mine = (await client.get(PLAN, headers=c["headers"])).json()
    assert mine["plan"]["code"] == "pro" and mine["subscription"]["gateway_subscription_id"] == new
    assert mine["subscription"]["status"] == "active"


async def test_cancelling_a_failing_subscription_stops_the_retries_at_once(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db)
    sid = (await client.post(SUB, headers=c["headers"], json={"plan": "basic", "period": "monthly"})).json()[
        "subscription"]["gateway_subscription_id"]
    rzp.authenticate(sid, "card")
    rzp.fail_charge(sid)
    await deliver_all(client, rzp, sid)
    await run_jobs(db)
    assert (await client.get(PLAN, headers=c["headers"])).json()["subscription"]["status"] == "pending"
    r = await client.delete(SUB, headers=c["headers"])
    assert r.status_code == 200, r.text
    assert rzp.subscriptions[sid]["status"] == "cancelled" and not rzp.sub_private[sid].get("cancel_at_cycle_end")


async def test_a_suspended_consultant_can_stop_paying_but_not_change_plan(client, db, rzp):  # noqa: F811
    """The outside review: a suspended account went on being charged and the cancel was refused (403)."""
    c = await approved_consultant(client, db)
    sid = (await client.post(SUB, headers=c["headers"], json={"plan": "basic", "period": "monthly"})).json()[
        "subscription"]["gateway_subscription_id"]
    rzp.authenticate(sid, "card")
    await deliver_all(client, rzp, sid)
    await run_jobs(db)
    conn = await owner(db)
    try:
        await conn.execute("update app.consultants set approval_status = 'suspended' where id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 403, r.text
    r = await client.delete(SUB, headers=c["headers"])
    assert r.status_code == 200 and r.json()["cancel_requested_at"], r.text
    assert rzp.sub_private[sid]["cancel_at_cycle_end"]


async def test_the_refusals(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db)
    for body, status, code in (({"plan": "free", "period": "monthly"}, 422, "free_plan"),
                               ({"plan": "gold", "period": "monthly"}, 422, "unknown_plan"),
                               ({"plan": "pro", "period": "weekly"}, 422, "validation_error")):
        r = await client.post(SUB, headers=c["headers"], json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
    r = await client.delete(SUB, headers=c["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    rzp.close()  # Razorpay away: nothing stored
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 502 and r.json()["error"]["code"] == "payment_gateway_unavailable"
    assert (await client.get(PLAN, headers=c["headers"])).json()["subscription"] is None



async def test_the_local_gateway_upgrades_offline(db):
    """make run's path (no Razorpay key): the local gateway's subscription, authorised and charged in SQL, recorded by
    the job's refresh (twice: once)."""
    import httpx

    from jobs.app import connected
    from jobs.subscriptions import refresh
    from tests.http.conftest import make_app
    from tests.http.test_subscriptions_adapter import dev_call

    application = make_app(db)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            c = await approved_consultant(client, db)
            r = await client.post(SUB, headers=c["headers"], json={"plan": "basic", "period": "monthly"})
            assert r.status_code == 201, r.text
            url = r.json()["checkout"]["checkout_url"]  # on this server (the outside review: a host without port)
            assert url.startswith("/dev/subscriptions/") and (await client.get(url)).status_code == 200
            sid = r.json()["subscription"]["gateway_subscription_id"]
            await dev_call(db, "select dev.local_sub_authenticate($1, 'card')", sid)
            with connected(db.url("worker")):
                out = await refresh(application.state.payments, sid, "job")
                assert (out["status"], out["plan"], out["new_charges"]) == ("active", "basic", 1)
                again = await refresh(application.state.payments, sid, "job")
                assert (again["new_charges"], again["changed"]) == (0, False)
            assert await plan_code(client, c) == "basic"

# Test: pytest tests/http/test_billing.py
