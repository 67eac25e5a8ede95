# jobs/payments.py — money jobs: refunds through the gateway, reconciliation of unsettled orders, the local gateway's webhooks.
"""Each task may run twice (Procrastinate is at least once): a refund carries its own idempotency key to
the gateway (X-Refund-Idempotency), so a retry is the same refund; settling in SQL is a no-op once
settled; confirming a payment is idempotent by payment id."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
import uuid

import procrastinate

from app.adapters.payments import Gateway, GatewayRefused, GatewayUnavailable, payment_gateway
from app.config import Settings
from app.errors import ApiError
from app.secrets import data_key
from app.sql import run, run_long, run_refusable
from jobs.app import app, pool

log = logging.getLogger("nakksha.jobs.payments")

REFUND_ATTEMPTS = 8
RECONCILE_BATCH = 100
RECONCILE_TIMEOUT = "1min"


def gateway() -> Gateway:
    settings = Settings.from_env()
    return payment_gateway(settings, data_key(settings), pool)


@app.task(name="process_refund", queue="payments", pass_context=True,
          retry=procrastinate.RetryStrategy(max_attempts=REFUND_ATTEMPTS - 1, wait=5, exponential_wait=4,
                                            retry_exceptions={GatewayUnavailable}))
async def process_refund(context: procrastinate.JobContext, refund_id: str) -> str:
    """Send one refund to the gateway. Unreachable: retried with backoff (then reconciliation re-queues it);
    refused: the refund is failed with the gateway's reason, and the consultant may try again."""
    db = await pool()
    rid = uuid.UUID(refund_id)
    claim = await run(db, "worker_claim_refund", refund_id=rid)
    if claim is None:
        return "settled"
    gw = gateway()
    if claim["gateway"] != gw.name:
        return await run(db, "worker_settle_refund", refund_id=rid, status="failed", gateway_refund_id=None,
                         failure=f"The {claim['gateway']} gateway is not configured here.")
    from jobs.route_transfers import reverse_for_refund  # (it imports this module's gateway())

    # The consultant's share comes back from their linked account first (unavailable: retried with the refund).
    await reverse_for_refund(gw, db, rid)
    try:
        refund = await gw.refund(claim["payment_id"], claim["amount_paise"], claim["idempotency_key"],
                                 {"refund_id": refund_id, "transaction_id": claim["transaction_id"],
                                  "reason": (claim["reason"] or "")[:200]})
    except GatewayRefused as exc:
        log.error("refund %s refused by %s: %s", refund_id, gw.name, exc)
        return await run(db, "worker_settle_refund", refund_id=rid, status="failed", gateway_refund_id=None,
                         failure=str(exc)[:500] or "The gateway refused the refund.")
    except GatewayUnavailable as exc:
        await run(db, "worker_note_refund_error", refund_id=rid, error=f"gateway unavailable: {exc}")
        log.warning("refund %s: gateway unavailable (attempt %s): %s", refund_id, context.job.attempts + 1, exc)
        raise
    except Exception as exc:
        # Unknown whether the gateway acted: the refund stays pending (reconciliation asks again) with the
        # reason noted in words; the job fails with the details in the log, not on the consultant's screen.
        await run(db, "worker_note_refund_error", refund_id=rid,
                  error=f"The refund could not be sent ({type(exc).__name__}); it will be tried again.")
        log.exception("refund %s failed unexpectedly", refund_id)
        raise
    status = {"processed": "processed", "failed": "failed"}.get(refund.get("status"), "pending")
    return await run(db, "worker_settle_refund", refund_id=rid, status=status, gateway_refund_id=refund["id"],
                     failure=None)


async def reconcile(gw: Gateway) -> dict[str, int]:
    """Ask the gateway about orders no webhook settled, and about refunds still pending there."""
    db = await pool()
    counts = {"checked": 0, "confirmed": 0, "given_up": 0, "refunds_settled": 0, "errors": 0}
    # The scans for due orders and refunds cross every consultant: a reconciliation's own transaction may take
    # longer than a request's 5 s (app.sql.run_long); each order's own step stays a short `run`.
    for row in await run_long(db, "reconcile_due_payments", RECONCILE_TIMEOUT, limit_=RECONCILE_BATCH):
        counts["checked"] += 1
        try:
            payments = await gw.order_payments(row["order_id"])
        except (GatewayUnavailable, GatewayRefused) as exc:
            counts["errors"] += 1
            log.warning("reconcile: order %s: %s", row["order_id"], exc)
            continue
        captured = [p for p in payments if p.get("status") == "captured"]
        for payment in captured:
            # The first capture confirms (or is refunded if the time is gone); any other is a duplicate, refunded.
            try:
                result = await run_refusable(db, "confirm_payment", gateway=row["gateway"], order_id=row["order_id"],
                                   payment_id=payment["id"], amount_paise=payment.get("amount"),
                                   method=payment.get("method"), source="reconcile")
            except ApiError as exc:
                # One order the database refuses (an amount that does not match) must not stall the batch.
                counts["errors"] += 1
                log.error("reconcile: order %s payment %s refused: %s", row["order_id"], payment.get("id"), exc.message)
                continue
            counts["confirmed"] += result["outcome"] != "already_confirmed"
        if not captured and not any(p.get("status") == "authorized" for p in payments):
            counts["given_up"] += await run(db, "reconcile_give_up_order", transaction_id=row["transaction_id"]) == "cancelled"
    for row in await run_long(db, "reconcile_due_refunds", RECONCILE_TIMEOUT, limit_=RECONCILE_BATCH):
        if row["gateway"] != gw.name:
            continue
        try:
            refund = await gw.fetch_refund(row["payment_id"], row["gateway_refund_id"])
        except (GatewayUnavailable, GatewayRefused) as exc:
            counts["errors"] += 1
            log.warning("reconcile: refund %s: %s", row["gateway_refund_id"], exc)
            continue
        if refund.get("status") in ("processed", "failed"):
            await run(db, "worker_settle_refund", refund_id=row["refund_id"], status=refund["status"],
                      gateway_refund_id=refund["id"], failure=None)
            counts["refunds_settled"] += 1
    return counts


@app.periodic(cron="*/5 * * * *", periodic_id="reconcile_payments")
@app.task(name="reconcile_payments", queue="payments")
async def reconcile_payments(timestamp: int) -> dict[str, int]:
    """Every 5 minutes: Razorpay stops retrying (and disables) a webhook after 24 hours of failures, so no
    captured payment may depend on one. Counts are logged for the operations guide."""
    counts = await reconcile(gateway())
    if counts["checked"] or counts["refunds_settled"]:
        log.info("reconciled payments: %s", counts)
    return counts


def signed_webhook(payload: dict, secret: str) -> tuple[bytes, str]:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return body, hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (our own base URL)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class WebhookNotDelivered(Exception):
    pass


@app.task(name="deliver_local_webhook", queue="payments",
          retry=procrastinate.RetryStrategy(max_attempts=9, wait=2, exponential_wait=2,
                                            retry_exceptions={WebhookNotDelivered, OSError}))
async def deliver_local_webhook(event_id: str, payload: dict) -> int:
    """The local gateway's webhook, signed with the webhook secret and posted to our own endpoint, retried
    like Razorpay retries (a 2xx ends it; anything else is tried again, with backoff)."""
    settings = Settings.from_env()
    gw = gateway()
    body, signature = signed_webhook(payload, gw.webhook_secret)
    status = await asyncio.to_thread(
        _post, f"{settings.public_base_url}/api/v1/payments/webhook", body,
        {"content-type": "application/json", "x-razorpay-signature": signature, "x-razorpay-event-id": event_id},
        10.0)
    if not 200 <= status < 300:
        raise WebhookNotDelivered(f"webhook {event_id} answered {status}")
    return status

# Test: pytest tests/jobs/test_payments_jobs.py
