# tests/http/test_gateway_plans.py — checkouts against the fake Razorpay share a Razorpay plan only once the verify_gateway_plan job fetched it: a bogus plan id one consultant's SQL recorded is rejected and never reaches another's checkout; a genuine one is verified and reused.
from __future__ import annotations

import uuid

from app.sql import SET_CALLER
from jobs.app import connected
from tests.http.test_booking import approved_consultant
from tests.http.test_payments import app, owner, razorpay_env, run_jobs, rzp  # noqa: F401 (fixtures)
from tests.http.test_subscriptions_adapter import local  # noqa: F401 (fixture)

SUB = "/api/v1/consultants/me/subscription"


async def subscribe(client, c) -> str:
    """The consultant's checkout for Pro monthly: the Razorpay plan its subscription bills on."""
    r = await client.post(SUB, headers=c["headers"], json={"plan": "pro", "period": "monthly"})
    assert r.status_code == 201, r.text
    return r.json()["subscription"]["gateway_subscription_id"]


async def check_plans(db) -> int:
    """The every-minute sweep, then the checks it queued (as the worker runs them, against the fake)."""
    from jobs.subscriptions import sweep_gateway_plans

    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            queued = await sweep_gateway_plans(timestamp=0)
    await run_jobs(db)
    return queued


async def rows(db) -> dict[str, dict]:
    conn = await owner(db)
    try:
        return {r["gateway_plan_id"]: dict(r) for r in await conn.fetch("select * from app.gateway_plans")}
    finally:
        await conn.close()


async def record_as(db, cid, gateway: str, plan_id: str) -> str:
    """A checkout's record of a Razorpay plan for Pro monthly, as the web role with the consultant's claims."""
    conn = await db.connect("app")
    try:
        async with conn.transaction():
            await conn.execute(SET_CALLER, str(cid), "", "")
            return await conn.fetchval("select api.record_gateway_plan('pro', 'monthly', p.price_monthly, $1, $2) "
                                       "from app.plans p where p.code = 'pro'", gateway, plan_id)
    finally:
        await conn.close()


async def test_a_bogus_plan_recorded_by_one_consultant_reaches_no_one_else_and_is_rejected(client, db, rzp):  # noqa: F811
    a, b = await approved_consultant(client, db), await approved_consultant(client, db)
    # A's SQL session (a compromised app, an injection) records a plan id Razorpay never made, for Pro's price.
    bogus = "plan_Bogus000000001"
    assert await record_as(db, a["id"], "razorpay", bogus) == bogus
    # B's checkout does not bill on it: it makes its own plan at Razorpay.
    sub_b = await subscribe(client, b)
    plan_b = rzp.subscriptions[sub_b]["plan_id"]
    assert plan_b != bogus and plan_b in rzp.plans
    # The check: Razorpay has no such plan (the fake answers 400 "does not exist"): rejected; B's genuine one verified.
    assert await check_plans(db) == 2
    found = await rows(db)
    assert found[bogus]["rejected_at"] and "does not exist" in found[bogus]["rejected_reason"]
    assert found[plan_b]["verified_at"] and found[plan_b]["recorded_by"] == uuid.UUID(b["id"])
    # A's next checkout uses the shared, verified one (no new plan at Razorpay).
    sub_a = await subscribe(client, a)
    assert rzp.subscriptions[sub_a]["plan_id"] == plan_b and len(rzp.plans) == 1


async def test_a_rejected_plan_is_replaced_by_a_fresh_one_at_the_next_checkout(client, db, rzp):  # noqa: F811
    a = await approved_consultant(client, db)
    await record_as(db, a["id"], "razorpay", "plan_NotAtRazorpay1")
    assert await check_plans(db) == 1
    assert (await rows(db))["plan_NotAtRazorpay1"]["rejected_at"]
    sub = await subscribe(client, a)
    made = rzp.subscriptions[sub]["plan_id"]
    assert made != "plan_NotAtRazorpay1" and made in rzp.plans


async def test_a_plan_that_differs_from_its_claim_is_rejected(client, db, rzp):  # noqa: F811
    """A real Razorpay plan at another price, recorded for Pro's: the fetch shows the amount, so it is rejected."""
    a, b = await approved_consultant(client, db), await approved_consultant(client, db)
    cheap = rzp._create_plan({"period": "monthly", "interval": 1, "notes": {"plan": "pro", "period": "monthly"},
                              "item": {"name": "Nakksha Pro (monthly)", "amount": 100, "currency": "INR"}})[1]["id"]
    await record_as(db, a["id"], "razorpay", cheap)
    assert await check_plans(db) == 1
    assert "amount 100, not 149900" in (await rows(db))[cheap]["rejected_reason"]
    assert rzp.subscriptions[await subscribe(client, b)]["plan_id"] != cheap


async def test_a_genuine_plan_is_verified_and_then_shared(client, db, rzp):  # noqa: F811
    a, b = await approved_consultant(client, db), await approved_consultant(client, db)
    plan_a = rzp.subscriptions[await subscribe(client, a)]["plan_id"]
    assert (await rows(db))[plan_a]["verified_at"] is None
    assert await check_plans(db) == 1
    assert await check_plans(db) == 0  # checked once
    assert (await rows(db))[plan_a]["verified_at"]
    # B's checkout reuses it: one Razorpay plan for two consultants.
    assert rzp.subscriptions[await subscribe(client, b)]["plan_id"] == plan_a
    assert len(rzp.plans) == 1 and len(rzp.subscriptions) == 2


async def test_before_the_check_each_consultant_bills_on_their_own(client, db, rzp):  # noqa: F811
    a, b = await approved_consultant(client, db), await approved_consultant(client, db)
    plan_a = rzp.subscriptions[await subscribe(client, a)]["plan_id"]
    plan_b = rzp.subscriptions[await subscribe(client, b)]["plan_id"]
    assert plan_a != plan_b and len(rzp.plans) == 2
    await check_plans(db)
    found = await rows(db)
    # One verified per price: the other stays its recorder's own (and their checkouts use the verified one now).
    assert sorted(bool(found[p]["verified_at"]) for p in (plan_a, plan_b)) == [False, True]
    assert not any(found[p]["rejected_at"] for p in (plan_a, plan_b))

async def test_the_local_gateway_checks_its_plans_too(db, local):  # noqa: F811
    """`make run` without Razorpay keys: the check fetches from the local gateway (dev.local_sub_plan)."""
    from jobs.subscriptions import verify
    from tests.db import factories

    conn = await owner(db)
    try:
        a, b = await factories.consultant(conn), await factories.consultant(conn)
        price = await conn.fetchval("select price_monthly from app.plans where code = 'pro'")
    finally:
        await conn.close()
    made = await local.create_plan("monthly", 1, int(price * 100), "Nakksha Pro (monthly)",
                                   notes={"plan": "pro", "period": "monthly"})
    await record_as(db, a, "local", made["id"])
    await record_as(db, b, "local", "plan_NotLocal000001")
    found = await rows(db)
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            assert await verify(local, str(found["plan_NotLocal000001"]["id"])) == "rejected"
            assert await verify(local, str(found[made["id"]]["id"])) == "verified"
            assert await verify(local, str(found[made["id"]]["id"])) == "already checked"
    found = await rows(db)
    assert found[made["id"]]["verified_at"] and found["plan_NotLocal000001"]["rejected_at"]


async def test_razorpay_unavailable_leaves_the_plan_unchecked_for_the_retry(db):
    import pytest

    from app.adapters.payments import GatewayUnavailable
    from jobs.subscriptions import RETRY, verify
    from tests.db import factories

    class Down:
        name = "razorpay"

        async def fetch_plan(self, plan_id: str) -> dict:
            raise GatewayUnavailable("timeout")

    conn = await owner(db)
    try:
        cid = await factories.consultant(conn)
    finally:
        await conn.close()
    await record_as(db, cid, "razorpay", "plan_Unchecked00001")
    row = (await rows(db))["plan_Unchecked00001"]
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            with pytest.raises(GatewayUnavailable):
                await verify(Down(), str(row["id"]))
    assert GatewayUnavailable in RETRY.retry_exceptions
    row = (await rows(db))["plan_Unchecked00001"]
    assert (row["verified_at"], row["rejected_at"]) == (None, None)


# Test: pytest tests/http/test_gateway_plans.py
