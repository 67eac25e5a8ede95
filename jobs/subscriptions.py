# jobs/subscriptions.py — platform plans billed with Razorpay Subscriptions: the job that fetches a subscription and its invoices and records them, the sweep that queues it when no webhook came, and the check that lets a Razorpay plan one checkout made be shared.
"""docs/payments.md "Billing as built". A subscription.* webhook only queues `refresh_subscription`
(app_private.subscription_event, one waiting per subscription, one running per subscription: Procrastinate's
queueing_lock and lock); the job fetches the subscription and its invoices from Razorpay and records them through
api.worker_record_subscription, so stale, repeated or out-of-order deliveries change nothing the fetch does not say.
The plan in force follows from the charges recorded (paid invoices), never from the browser's return.
A Razorpay plan a consultant's checkout made and recorded is theirs alone until `verify_gateway_plan` fetched it
and found it is the plan, period and price it claims (then every checkout for that price shares it)."""
from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from app.adapters.payments import GatewayRefused, GatewayUnavailable, rupees_to_paise
from app.adapters.subscriptions import cancels_at_cycle_end, subscription_state
from app.sql import run
from jobs.app import app, pool
from jobs.payments import gateway

log = logging.getLogger("nakksha.jobs.subscriptions")

SWEEP_BATCH = 200
RETRY = procrastinate.RetryStrategy(max_attempts=7, wait=5, exponential_wait=4, retry_exceptions={GatewayUnavailable})


async def refresh(gw, subscription_id: str, source: str, event_id: str | None = None) -> dict | None:
    """Fetch one subscription and its invoices and record them (the job's body; tests call it with the fake)."""
    fetched_at = datetime.now(UTC)
    entity = await gw.fetch_subscription(subscription_id)
    invoices = await gw.subscription_invoices(subscription_id)
    return await run(await pool(), "worker_record_subscription", gateway_subscription_id=subscription_id,
                     state=subscription_state(entity), invoices=invoices, source=source, event_id=event_id,
                     fetched_at=fetched_at)


@app.task(name="refresh_subscription", queue="payments", retry=RETRY)
async def refresh_subscription(subscription_id: str, event_id: str | None = None) -> str:
    """Ask Razorpay for the subscription and its invoices and record what they say (never a webhook's own state)."""
    try:
        done = await refresh(gateway(), subscription_id, "webhook" if event_id else "job", event_id)
    except GatewayRefused as exc:
        log.error("subscription %s: Razorpay refused the fetch: %s", subscription_id, exc)
        return "refused"
    return done["status"] if done else "unknown subscription"


async def queue_refresh(subscription_id: str) -> bool:
    """At most one waiting per subscription; one running (the lock), as the webhook queues it."""
    try:
        await refresh_subscription.configure(queueing_lock=f"subscription_refresh:{subscription_id}",
                                             lock=f"subscription:{subscription_id}").defer_async(
            subscription_id=subscription_id)
    except AlreadyEnqueued:
        return False
    return True




@app.task(name="cancel_replaced_subscription", queue="payments", retry=RETRY)
async def cancel_replaced_subscription(subscription_id: str) -> str:
    """A plan change took effect (the new subscription was authorised: api.worker_record_subscription): cancel the
    subscription it replaces at Razorpay: an active one at its cycle's end (its plan holds until then; nothing is
    refunded), a failing one (pending, halted) at once (app.adapters.subscriptions.cancels_at_cycle_end).
    Retried while Razorpay is unavailable, so the old plan is never charged again; a refusal (already cancelled)
    is logged and the next fetch records what Razorpay has."""
    db = await pool()
    sub = await run(db, "worker_subscription", gateway_subscription_id=subscription_id)
    if sub is None or sub["status"] in ("cancelled", "completed", "expired"):
        return "nothing to cancel"
    try:
        await gateway().cancel_subscription(subscription_id, at_cycle_end=cancels_at_cycle_end(sub["status"]))
    except GatewayRefused as exc:
        log.warning("subscription %s: Razorpay refused the cancellation: %s", subscription_id, exc)
        await queue_refresh(subscription_id)
        return "refused"
    await run(db, "worker_subscription_cancel_requested", gateway_subscription_id=subscription_id)
    await queue_refresh(subscription_id)
    return "cancelled"


def plan_problem(row: dict, plan: dict) -> str | None:
    """What makes a fetched Razorpay plan not the one its gateway_plans row claims (None: it is): the plan the
    checkout makes (app/routes/plans.py subscribe: period, interval 1, the price in paise, INR, notes plan and
    period)."""
    item = plan.get("item") if isinstance(plan.get("item"), dict) else {}
    notes = plan.get("notes") if isinstance(plan.get("notes"), dict) else {}
    want = {"id": row["gateway_plan_id"], "period": row["period"], "interval": 1,
            "amount": rupees_to_paise(str(row["amount"])), "currency": "INR", "notes.plan": row["plan"],
            "notes.period": row["period"]}
    got = {"id": plan.get("id"), "period": plan.get("period"), "interval": plan.get("interval"),
           "amount": item.get("amount"), "currency": item.get("currency"), "notes.plan": notes.get("plan"),
           "notes.period": notes.get("period")}
    wrong = [f"{k} {got[k]!r}, not {want[k]!r}" for k in want if got[k] != want[k]]
    return "; ".join(wrong) or None


async def verify(gw, gateway_plan_row: str) -> str:
    """Check one recorded Razorpay plan at the gateway and record the outcome (the job's body; tests call it)."""
    db = await pool()
    row = await run(db, "worker_gateway_plan", id=uuid.UUID(gateway_plan_row))
    if row is None or row["verified_at"] or row["rejected_at"]:
        return "already checked"
    if row["gateway"] != gw.name:
        return "another gateway"  # checked by a worker of that gateway (api.worker_gateway_plans_due)
    try:
        problem = plan_problem(row, await gw.fetch_plan(row["gateway_plan_id"]))
    except GatewayRefused as exc:
        # Not there (or not ours to read): rejected. A genuine plan rejected by mistake costs one more plan at the
        # recorder's next checkout; a bogus one shared would bill everyone on it.
        problem = f"Razorpay refused the fetch: {exc}"
    if problem:
        log.warning("gateway plan %s (%s) rejected: %s", row["gateway_plan_id"], gateway_plan_row, problem)
    return await run(db, "worker_record_gateway_plan", id=uuid.UUID(gateway_plan_row), problem=problem)


@app.task(name="verify_gateway_plan", queue="payments", retry=RETRY)
async def verify_gateway_plan(gateway_plan_row: str) -> str:
    """Fetch a Razorpay plan a consultant's checkout recorded and share it (verified) when it is what it claims,
    else reject it; retried while Razorpay is unavailable (the row stays its recorder's own meanwhile)."""
    return await verify(gateway(), gateway_plan_row)


async def queue_plan_check(gateway_plan_row: str) -> bool:
    """At most one waiting per row."""
    try:
        await verify_gateway_plan.configure(queueing_lock=f"gateway_plan_check:{gateway_plan_row}").defer_async(
            gateway_plan_row=gateway_plan_row)
    except AlreadyEnqueued:
        return False
    return True


@app.periodic(cron="* * * * *", periodic_id="sweep_gateway_plans")
@app.task(name="sweep_gateway_plans", queue="payments")
async def sweep_gateway_plans(timestamp: int) -> int:
    """Every minute: a check for each Razorpay plan a checkout recorded since (the web app queues no jobs: only
    definer functions and the worker do; api.worker_gateway_plans_due)."""
    due = await run(await pool(), "worker_gateway_plans_due", gateway=gateway().name, limit=SWEEP_BATCH)
    return sum([await queue_plan_check(row_id) for row_id in due])


@app.periodic(cron="*/10 * * * *", periodic_id="sweep_subscriptions")
@app.task(name="sweep_subscriptions", queue="payments")
async def sweep_subscriptions(timestamp: int) -> int:
    """Every ten minutes: a fetch for the live subscriptions whose charge or paid period passed without one, and a
    daily one for the rest (api.worker_subscriptions_due); and a failed renewal's later mails, the reminder before
    its grace ends and the notice once its plan has fallen back, when a fetch since they fell due still showed it
    unpaid (api.worker_queue_plan_grace_mails: once per paid period; a payment recorded first means no mail)."""
    db = await pool()
    mailed = await run(db, "worker_queue_plan_grace_mails", limit=SWEEP_BATCH)
    if mailed:
        log.info("queued %s plan grace mails", mailed)
    due = await run(db, "worker_subscriptions_due", limit=SWEEP_BATCH)
    return sum([await queue_refresh(sub_id) for sub_id in due])

# Test: pytest tests/db/test_billing.py tests/db/test_plan_grace_mails.py tests/http/test_billing.py tests/http/test_gateway_plans.py
