# tests/http/test_subscriptions_adapter.py — Razorpay Subscriptions at the edge: the real adapter through the official SDK against the fake, the local gateway's simulation on the test database, and subscription_state.
from __future__ import annotations

import json

import pytest

from app.adapters.payments import (
    GatewayRefused,
    GatewayUnavailable,
    LocalGateway,
    RazorpayGateway,
    verify_webhook_signature,
)
from app.adapters.subscriptions import plan_body, subscription_body, subscription_state
from tests.fake_razorpay import WEBHOOK_SECRET, FakeRazorpay
from tests.fake_razorpay_subscriptions import add_period

SECRET = "rzp_test_secret_abc123"


@pytest.fixture
def fake():
    f = FakeRazorpay()
    yield f
    f.close()


@pytest.fixture
def gw(fake):
    return RazorpayGateway("rzp_test_key", SECRET, base_url=fake.url, timeout=2)


async def subscribed(gw, fake, method="card", total_count=12, **kw) -> tuple[dict, dict]:
    plan = await gw.create_plan("monthly", 1, 49900, "Nakksha Pro (monthly)")
    sub = await gw.create_subscription(plan["id"], total_count, **kw)
    fake.authenticate(sub["id"], method)
    return plan, await gw.fetch_subscription(sub["id"])


# The SDK against the fake -------------------------------------------------------------------------------------------

async def test_plan_is_created_once_and_cannot_be_edited(gw, fake):
    plan = await gw.create_plan("yearly", 1, 499900, "Nakksha Pro (yearly)", "Everything", {"plan": "pro"})
    sent = fake.requests[-1]
    assert (sent["method"], sent["path"]) == ("POST", "/v1/plans")
    assert sent["body"] == {"period": "yearly", "interval": 1, "notes": {"plan": "pro"},
                            "item": {"name": "Nakksha Pro (yearly)", "amount": 499900, "currency": "INR",
                                     "description": "Everything"}}
    assert plan["id"].startswith("plan_") and plan["item"]["amount"] == 499900
    assert (await gw.fetch_plan(plan["id"]))["period"] == "yearly"
    # No SDK call edits a plan; the API refuses it too.
    with pytest.raises(GatewayRefused):
        await gw._call(gw.client.plan.patch_url, f"/v1/plans/{plan['id']}", {"item": {"amount": 1}})
    with pytest.raises(GatewayRefused, match="does not exist"):
        await gw.fetch_plan("plan_00000000000000")


@pytest.mark.parametrize("args", [("hourly", 1, 10000), ("daily", 3, 10000), ("monthly", 0, 10000),
                                  ("monthly", 1, 99), ("monthly", 1, 100.5)])
def test_plan_body_refuses_what_razorpay_would(args):
    with pytest.raises(ValueError):
        plan_body(*args, name="x")


def test_subscription_body_is_documented_keys_only():
    assert subscription_body("plan_A", 12) == {"plan_id": "plan_A", "total_count": 12, "quantity": 1,
                                               "customer_notify": 1, "notes": {}}
    body = subscription_body("plan_A", 1, start_at=1_800_000_000, expire_by=1_800_086_400, customer_notify=False,
                             notes={"consultant": "c1"})
    assert (body["start_at"], body["expire_by"], body["customer_notify"]) == (1_800_000_000, 1_800_086_400, 0)
    for bad in (("order_A", 1), ("plan_A", 0)):
        with pytest.raises(ValueError):
            subscription_body(*bad)
    with pytest.raises(ValueError):
        subscription_body("plan_A", 1, notes={str(i): "x" for i in range(16)})


async def test_subscribe_authenticate_charge_and_cancel_at_cycle_end(gw, fake):
    plan = await gw.create_plan("monthly", 1, 49900, "Nakksha Pro (monthly)")
    sub = await gw.create_subscription(plan["id"], 12, notes={"consultant": "c1"}, customer_notify=False)
    sent = fake.requests[-1]
    assert (sent["method"], sent["path"]) == ("POST", "/v1/subscriptions")
    assert sent["body"]["customer_notify"] == 0 and sent["body"]["total_count"] == 12
    assert sub["status"] == "created" and sub["short_url"].startswith("https://rzp.io/i/")
    fake.authenticate(sub["id"], "card")
    active = subscription_state(await gw.fetch_subscription(sub["id"]))
    assert (active["status"], active["paid_count"], active["remaining_count"], active["payment_method"]) == (
        "active", 1, 11, "card")
    assert active["current_end"] == add_period(active["current_start"], "monthly", 1) == active["charge_at"]
    fake.charge(sub["id"])
    [first, second] = await gw.subscription_invoices(sub["id"])
    assert fake.requests[-1]["path"] == f"/v1/invoices?subscription_id={sub['id']}"
    assert first["status"] == second["status"] == "paid" and second["billing_start"] == first["billing_end"]
    cancelled = await gw.cancel_subscription(sub["id"])  # at the cycle's end by default
    assert fake.requests[-1]["body"] == {"cancel_at_cycle_end": 1}
    assert cancelled["status"] == "active"  # cancelled only at the end of the current cycle
    end = fake.charge(sub["id"])  # the cycle ends: the cancellation, not a charge
    assert end["status"] == "cancelled" and end["paid_count"] == 2 and end["ended_at"] == second["billing_end"]
    with pytest.raises(GatewayRefused, match="not cancellable in cancelled status"):
        await gw.cancel_subscription(sub["id"], at_cycle_end=False)


async def test_future_start_is_authenticated_until_the_first_charge(gw, fake):
    plan = await gw.create_plan("monthly", 1, 49900, "Pro")
    sub = await gw.create_subscription(plan["id"], 12, start_at=fake.clock + 7 * 86400)
    fake.authenticate(sub["id"], "emandate")
    assert (await gw.fetch_subscription(sub["id"]))["status"] == "authenticated"
    fake.charge(sub["id"])
    state = subscription_state(await gw.fetch_subscription(sub["id"]))
    assert (state["status"], state["paid_count"], state["current_start"]) == ("active", 1, sub["start_at"])
    assert [e for e, s, *_ in fake.sub_events if s == sub["id"]] == [
        "subscription.authenticated", "subscription.activated", "subscription.charged"]


async def test_update_plan_now_or_at_cycle_end_and_refused_for_upi(gw, fake):
    plan, sub = await subscribed(gw, fake, "card")
    bigger = await gw.create_plan("monthly", 1, 99900, "Nakksha Studio (monthly)")
    updated = await gw.update_subscription(sub["id"], bigger["id"])
    assert fake.requests[-1]["method"] == "PATCH" and fake.requests[-1]["body"] == {
        "plan_id": bigger["id"], "schedule_change_at": "now"}
    assert updated["plan_id"] == bigger["id"]
    later = await gw.update_subscription(sub["id"], plan["id"], "cycle_end")
    assert later["plan_id"] == bigger["id"] and later["has_scheduled_changes"] is True
    assert later["change_scheduled_at"] == later["current_end"]
    fake.charge(sub["id"])
    assert (await gw.fetch_subscription(sub["id"]))["plan_id"] == plan["id"]
    with pytest.raises(ValueError):
        await gw.update_subscription(sub["id"], plan["id"], "tomorrow")
    _, upi = await subscribed(gw, fake, "upi")
    with pytest.raises(GatewayRefused, match="cannot be updated when payment mode is UPI"):
        await gw.update_subscription(upi["id"], bigger["id"])
    # What the caller does instead: cancel it and create a new subscription on the new plan.
    assert (await gw.cancel_subscription(upi["id"], at_cycle_end=False))["status"] == "cancelled"
    assert (await gw.create_subscription(bigger["id"], 12))["status"] == "created"


async def test_failed_charges_go_pending_then_halted_and_halted_invoices_stay_unpaid(gw, fake):
    _, sub = await subscribed(gw, fake)
    assert fake.fail_charge(sub["id"])["status"] == "pending"
    assert fake.fail_charge(sub["id"])["status"] == "pending"
    halted = subscription_state(fake.fail_charge(sub["id"]))
    assert (halted["status"], halted["paid_count"]) == ("halted", 1)
    fake.charge(sub["id"])  # the next cycle: its invoice is issued, not charged
    invoices = await gw.subscription_invoices(sub["id"])
    assert [i["status"] for i in invoices] == ["paid", "issued", "issued"]
    with pytest.raises(GatewayRefused):
        await gw.update_subscription(sub["id"], sub["plan_id"])  # halted: not updatable
    paid = fake.pay_invoice(invoices[1]["id"])  # the "pay now" link, by hand
    assert paid["status"] == "paid" and (await gw.fetch_payment(paid["payment_id"]))["invoice_id"] == paid["id"]
    assert fake.reactivate(sub["id"])["status"] == "active"
    events = [e for e, s, *_ in fake.sub_events if s == sub["id"]]
    assert events[-4:] == ["subscription.pending", "subscription.pending", "subscription.halted",
                           "subscription.activated"]


async def test_a_retry_that_succeeds_reactivates(gw, fake):
    _, sub = await subscribed(gw, fake)
    pending = fake.fail_charge(sub["id"])
    assert pending["charge_at"] == fake.clock + 86400  # retried the next day
    back = fake.charge(sub["id"])
    assert (back["status"], back["paid_count"]) == ("active", 2)
    assert [i["status"] for i in await gw.subscription_invoices(sub["id"])] == ["paid", "paid"]


async def test_pause_and_resume(gw, fake):
    _, sub = await subscribed(gw, fake)
    paused = await gw.pause_subscription(sub["id"])
    assert fake.requests[-1]["body"] == {"pause_at": "now"} and paused["status"] == "paused"
    with pytest.raises(GatewayRefused):
        await gw.pause_subscription(sub["id"])
    resumed = await gw.resume_subscription(sub["id"])
    assert fake.requests[-1]["body"] == {"resume_at": "now"} and resumed["status"] == "active"
    plan = await gw.create_plan("monthly", 1, 49900, "Pro")
    later = await gw.create_subscription(plan["id"], 12, start_at=fake.clock + 86400 * 3)
    fake.authenticate(later["id"])
    # Razorpay's pause page: pausing an authenticated subscription cancels it.
    assert (await gw.pause_subscription(later["id"]))["status"] == "cancelled"


async def test_completes_after_total_count(gw, fake):
    _, sub = await subscribed(gw, fake, total_count=2)
    done = fake.charge(sub["id"])
    assert (done["status"], done["paid_count"], done["remaining_count"]) == ("completed", 2, 0)
    assert subscription_state(done)["final"] is True


async def test_errors_are_classified(gw, fake):
    with pytest.raises(GatewayRefused, match="does not exist"):
        await gw.fetch_subscription("sub_00000000000000")
    with pytest.raises(GatewayRefused):
        await gw.create_subscription("plan_00000000000000", 12)
    fake.failures = ["down"]
    with pytest.raises(GatewayUnavailable):
        await gw.fetch_plan("plan_00000000000000")
    fake.failures, fake.hang_seconds = ["hang"], 3
    quick = RazorpayGateway("rzp_test_key", SECRET, base_url=fake.url, timeout=0.5)
    with pytest.raises(GatewayUnavailable):
        await quick.subscription_invoices("sub_00000000000000")


async def test_webhooks_signed_late_repeated_and_out_of_order(gw, fake):
    _, sub = await subscribed(gw, fake)
    stale = dict(fake.subscriptions[sub["id"]])
    fake.charge(sub["id"])
    deliveries = fake.deliveries(sub["id"])
    events = [json.loads(body)["event"] for body, _ in deliveries]
    assert events == ["subscription.authenticated", "subscription.activated", "subscription.charged",
                      "subscription.charged"]
    for body, headers in deliveries:
        assert verify_webhook_signature(body, headers["x-razorpay-signature"], WEBHOOK_SECRET)
    charged = json.loads(deliveries[-1][0])
    assert charged["contains"] == ["subscription", "payment"]
    entity, payment = charged["payload"]["subscription"]["entity"], charged["payload"]["payment"]["entity"]
    state = subscription_state(entity, payment)
    assert (state["paid_count"], state["payment_method"], state["invoice_id"]) == (2, "card", payment["invoice_id"])
    # Each delivery carries the entity as it was: the first charged says paid_count 1, the second 2.
    assert [json.loads(b)["payload"]["subscription"]["entity"]["paid_count"] for b, _ in deliveries] == [1, 1, 1, 2]
    late_body, late_headers = fake.webhook("subscription.activated", sub["id"], entity=stale, created_at=1)
    late = json.loads(late_body)
    assert late["created_at"] == 1 and late["payload"]["subscription"]["entity"]["paid_count"] == 1
    assert "payment" not in late["payload"] and late_headers["x-razorpay-event-id"].startswith("evt_")


# The local gateway (schema dev) -------------------------------------------------------------------------------------

@pytest.fixture
async def local(db):
    from app.sql import create_pool

    pool = await create_pool(db.url("app"))

    async def current():
        return pool

    yield LocalGateway(current, "test-data-key")
    await pool.close()


async def dev_call(db, sql: str, *args):
    """What a person, the bank or time does to a local subscription (db/dev/local_subscriptions_sim.sql)."""
    conn = await db.connect("app")
    try:
        answer = await conn.fetchval(sql, *args)
    finally:
        await conn.close()
    return json.loads(answer) if isinstance(answer, str) else answer


async def local_events(db, sub_id: str) -> list[str]:
    conn = await db.connect("owner")
    try:
        rows = await conn.fetch("select args from procrastinate_jobs where task_name = 'deliver_local_webhook' "
                                "and args->'payload'->'payload'->'subscription'->'entity'->>'id' = $1 order by id",
                                sub_id)
        return [json.loads(r["args"])["payload"]["event"] for r in rows]
    finally:
        await conn.close()


async def test_local_subscription_authenticates_charges_fails_halts_and_cancels(local, db):
    plan = await local.create_plan("monthly", 1, 49900, "Nakksha Pro (monthly)")
    assert (await local.fetch_plan(plan["id"]))["item"]["amount"] == 49900
    sub = await local.create_subscription(plan["id"], 12, notes={"consultant": "c1"})
    assert sub["status"] == "created" and sub["notes"] == {"consultant": "c1"}
    await dev_call(db, "select dev.local_sub_authenticate($1, 'card')", sub["id"])
    state = subscription_state(await local.fetch_subscription(sub["id"]))
    assert (state["status"], state["paid_count"], state["remaining_count"], state["payment_method"]) == (
        "active", 1, 11, "card")
    assert state["charge_at"] == state["current_end"] > state["current_start"]
    # A month passes: the next cycle is charged.
    assert await dev_call(db, "select dev.local_sub_advance('1 month 1 day')", ) == 1
    state = subscription_state(await local.fetch_subscription(sub["id"]))
    assert (state["status"], state["paid_count"]) == ("active", 2)
    # Three failed attempts: pending, pending, halted; the next cycle is invoiced but not charged.
    for expected in ("pending", "pending", "halted"):
        assert (await dev_call(db, "select dev.local_sub_charge($1, 'failure')", sub["id"]))["status"] == expected
    await dev_call(db, "select dev.local_sub_charge($1)", sub["id"])
    invoices = await local.subscription_invoices(sub["id"])
    assert [i["status"] for i in invoices] == ["paid", "paid", "issued", "issued"]
    payment = await dev_call(db, "select dev.local_sub_pay_invoice($1)", invoices[2]["id"])
    assert (await local.fetch_payment(payment["id"]))["status"] == "captured"
    assert (await dev_call(db, "select dev.local_sub_reactivate($1)", sub["id"]))["status"] == "active"
    # Cancelled at the cycle's end: still active until the cycle ends, then cancelled instead of charged.
    assert (await local.cancel_subscription(sub["id"]))["status"] == "active"
    end = await dev_call(db, "select dev.local_sub_charge($1)", sub["id"])
    assert end["status"] == "cancelled" and end["ended_at"] >= end["current_end"] > state["current_end"]
    with pytest.raises(GatewayRefused, match="not cancellable in cancelled status"):
        await local.cancel_subscription(sub["id"], at_cycle_end=False)
    assert await local_events(db, sub["id"]) == [
        "subscription.authenticated", "subscription.activated", "subscription.charged", "subscription.charged",
        "subscription.pending", "subscription.pending", "subscription.halted", "subscription.activated",
        "subscription.cancelled"]


async def test_local_update_pause_resume_and_upi(local, db):
    plan = await local.create_plan("monthly", 1, 49900, "Pro")
    bigger = await local.create_plan("yearly", 1, 499900, "Pro (yearly)")
    sub = await local.create_subscription(plan["id"], 12)
    with pytest.raises(GatewayRefused):
        await local.update_subscription(sub["id"], bigger["id"])  # created: not updatable yet
    await dev_call(db, "select dev.local_sub_authenticate($1, 'card')", sub["id"])
    later = await local.update_subscription(sub["id"], bigger["id"], "cycle_end")
    assert later["plan_id"] == plan["id"] and later["has_scheduled_changes"] is True
    assert (await dev_call(db, "select dev.local_sub_charge($1)", sub["id"]))["plan_id"] == bigger["id"]
    assert (await local.update_subscription(sub["id"], plan["id"]))["plan_id"] == plan["id"]
    assert (await local.pause_subscription(sub["id"]))["status"] == "paused"
    with pytest.raises(GatewayRefused):
        await local.pause_subscription(sub["id"])
    assert (await local.resume_subscription(sub["id"]))["status"] == "active"
    upi = await local.create_subscription(plan["id"], 12)
    await dev_call(db, "select dev.local_sub_authenticate($1, 'upi')", upi["id"])
    with pytest.raises(GatewayRefused, match="cannot be updated when payment mode is UPI"):
        await local.update_subscription(upi["id"], bigger["id"])
    # The simulated clock has moved on with the charges: a start after this cycle's end is in its future.
    start = (await local.fetch_subscription(sub["id"]))["current_end"] + 30 * 86400
    future = await local.create_subscription(plan["id"], 12, start_at=start)
    assert (await dev_call(db, "select dev.local_sub_authenticate($1, 'emandate')", future["id"]))["status"] == (
        "authenticated")
    assert (await local.pause_subscription(future["id"]))["status"] == "cancelled"  # Razorpay's pause rule


async def test_local_refusals_and_completion(local, db):
    with pytest.raises(GatewayRefused, match="does not exist"):
        await local.fetch_subscription("sub_00000000000000")
    with pytest.raises(GatewayRefused, match="does not exist"):
        await local.create_subscription("plan_00000000000000", 12)
    with pytest.raises(GatewayRefused, match="does not exist"):
        await local.fetch_plan("plan_00000000000000")
    plan = await local.create_plan("weekly", 1, 10000, "Weekly")
    sub = await local.create_subscription(plan["id"], 2)
    await dev_call(db, "select dev.local_sub_authenticate($1, 'card')", sub["id"])
    done = await dev_call(db, "select dev.local_sub_charge($1)", sub["id"])
    assert (done["status"], done["paid_count"], done["remaining_count"]) == ("completed", 2, 0)
    assert [i["status"] for i in await local.subscription_invoices(sub["id"])] == ["paid", "paid"]


# subscription_state -------------------------------------------------------------------------------------------------

def test_subscription_state_normalises_razorpay_samples():
    # The create-subscription sample (docs/payments.md): created, nothing charged, no customer yet.
    created = {"id": "sub_00000000000001", "entity": "subscription", "plan_id": "plan_00000000000001",
               "status": "created", "current_start": None, "current_end": None, "ended_at": None, "quantity": 1,
               "notes": {"notes_key_1": "Tea"}, "charge_at": 1580453311, "start_at": 1580626111,
               "end_at": 1583433000, "auth_attempts": 0, "total_count": 6, "paid_count": 0,
               "customer_notify": True, "created_at": 1580280581, "expire_by": 1580626111,
               "short_url": "https://rzp.io/i/z3b1R61A9", "has_scheduled_changes": False,
               "change_scheduled_at": None, "source": "api", "remaining_count": 5}
    s = subscription_state(created)
    assert (s["status"], s["final"], s["current_start"], s["charge_at"], s["paid_count"], s["remaining_count"]) == (
        "created", False, None, 1580453311, 0, 5)
    assert s["payment_method"] is None and s["notes"] == {"notes_key_1": "Tea"}
    # The cancel sample: cancelled, ended_at set; counts as strings and a payment's method are read too.
    cancelled = {**created, "status": "cancelled", "current_start": 1580453311, "current_end": 1581013800,
                 "ended_at": 1580288092, "paid_count": "1", "remaining_count": "5"}
    s = subscription_state(cancelled, {"id": "pay_X", "method": "upi", "invoice_id": "inv_X"})
    assert (s["status"], s["final"], s["ended_at"], s["paid_count"], s["remaining_count"]) == (
        "cancelled", True, 1580288092, 1, 5)
    assert (s["payment_method"], s["payment_id"], s["invoice_id"]) == ("upi", "pay_X", "inv_X")
    paused = {**created, "status": "paused", "paused_at": 1590280581, "charge_at": None, "payment_method": "card"}
    s = subscription_state(paused)
    assert (s["paused_at"], s["charge_at"], s["payment_method"]) == (1590280581, None, "card")

# Test: pytest tests/http/test_subscriptions_adapter.py
