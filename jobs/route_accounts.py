# jobs/route_accounts.py — onboarding consultants to Razorpay Route: the job that creates their linked account (four steps), the status check that keeps it current, and the sweep that queues both.
"""docs/payments.md §1 and "Onboarding as built". A consultant's submission (accepting the terms) sets their
payout account to `submitted`; the sweep (every minute) queues `onboard_payout_account`, which runs the four
documented calls in order, each only if its id is not stored yet (the id is stored right after each call, so a retry
continues where it stopped): create the linked account → its stakeholder → request the route product → set the
settlement bank account. None of them is idempotent at Razorpay, so one job per consultant runs at a time
(Procrastinate's `lock`, shared with the status check: Razorpay's partner docs ask for one call at a time per
account) and one waits at most (`queueing_lock`). Refused (4xx): status failed with Razorpay's reason in words,
and the job stops; the consultant fixes it and submits again. Unavailable (5xx, timeout): retried with backoff.
`refresh_payout_account` fetches the product configuration and records its status and requirements; webhooks
(product.route.*, account.*) only queue it, so their order and repeats do not matter."""
from __future__ import annotations

import base64
import logging
import uuid

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from app.adapters.payments import GatewayRefused, GatewayUnavailable
from app.config import Settings
from app.crypto import DecryptionError, decrypt
from app.present import BANK_PURPOSE
from app.routes.tax import PAN_PURPOSE
from app.secrets import data_key
from app.sql import run
from jobs.app import app, pool
from jobs.payments import gateway

log = logging.getLogger("nakksha.jobs.route_accounts")

ONBOARD_ATTEMPTS = 8
SWEEP_BATCH = 200
IN_PROGRESS = ["submitted", "created", "requested"]  # what onboarding moves on from
REVIEWED = ["needs_clarification", "under_review", "activated", "suspended", "rejected"]  # what a check updates
# Razorpay's business category for a consultant: not verified (docs/payments.md §1a lists it as an open question).
CATEGORY = {"category": "services", "subcategory": "consulting_and_outsourcing"}
RETRY = procrastinate.RetryStrategy(max_attempts=ONBOARD_ATTEMPTS - 1, wait=5, exponential_wait=4,
                                    retry_exceptions={GatewayUnavailable})


def _clear(key: str, purpose: str, value: str | None) -> str | None:
    return decrypt(key, purpose, base64.b64decode(value)) if value else None


def account_body(acc: dict, pan: str | None) -> dict:
    """POST /v2/accounts (docs/payments.md §1a): what Razorpay's sample sends, from the consultant's own details."""
    address = {k: v for k, v in acc["address"].items() if v}
    body = {"email": acc["email"], "phone": acc["phone"], "reference_id": acc["reference_id"],
            "legal_business_name": acc["legal_name"], "business_type": acc["business_type"],
            "contact_name": acc["contact_name"], "profile": {**CATEGORY, "addresses": {"registered": address}}}
    legal = {k: v for k, v in (("pan", pan), ("gst", acc.get("gstin"))) if v}
    if legal:
        body["legal_info"] = legal
    return body


def stakeholder_body(acc: dict, pan: str | None) -> dict:
    """POST /v2/accounts/:id/stakeholders (§1b): the consultant, named as on their PAN."""
    a = acc["address"]
    street = ", ".join(p for p in (a.get("street1"), a.get("street2")) if p)
    body = {"name": acc["legal_name"], "email": acc["email"], "phone": {"primary": acc["phone"]},
            "addresses": {"residential": {"street": street, "city": a.get("city"), "state": a.get("state"),
                                          "postal_code": a.get("postal_code"), "country": "IN"}}}
    if pan:
        body["kyc"] = {"pan": pan}
    return body


async def record(consultant_id: uuid.UUID, from_: list[str], changes: dict) -> dict | None:
    return await run(await pool(), "worker_record_payout_account", consultant_id=consultant_id, from_=from_,
                     changes=changes)


STEP_WORDS = {"account": "creating your linked account", "stakeholder": "adding you as its stakeholder",
              "product": "requesting payouts for it", "settlements": "setting your bank account for payouts"}


@app.task(name="onboard_payout_account", queue="payments", pass_context=True, retry=RETRY)
async def onboard_payout_account(context: procrastinate.JobContext, consultant_id: str) -> str:
    cid = uuid.UUID(consultant_id)
    acc = await run(await pool(), "worker_payout_account", consultant_id=cid)
    if acc is None or acc["status"] not in IN_PROGRESS:
        return acc["status"] if acc else "no payout account"
    key = data_key(Settings.from_env())
    try:
        pan = _clear(key, PAN_PURPOSE, acc["pan_encrypted"])
        bank = {"account_number": _clear(key, BANK_PURPOSE, acc["account_number_encrypted"]),
                "ifsc_code": _clear(key, BANK_PURPOSE, acc["ifsc_code_encrypted"]),
                "beneficiary_name": acc["beneficiary_name"]}
    except DecryptionError:
        log.error("payout account of %s: saved PAN or bank details do not decrypt", cid)
        await record(cid, IN_PROGRESS, {"status": "failed", "last_error": "Your saved PAN or bank details could "
                                        "not be read. Enter them again in Tax settings and Bank details."})
        return "failed"
    gw, step = gateway(), "account"
    try:
        if not acc["razorpay_account_id"]:
            created = await gw.create_linked_account(account_body(acc, pan))
            acc["razorpay_account_id"] = created["id"]
            await record(cid, ["submitted"], {"razorpay_account_id": created["id"], "status": "created"})
        account_id = acc["razorpay_account_id"]
        if not acc["stakeholder_id"]:
            step = "stakeholder"
            sth = await gw.create_stakeholder(account_id, stakeholder_body(acc, pan))
            await record(cid, IN_PROGRESS, {"stakeholder_id": sth["id"]})
        if not acc["product_id"]:
            step = "product"
            product = await gw.request_route_product(account_id, tnc_accepted=True)
            acc["product_id"] = product["id"]
            await record(cid, IN_PROGRESS, {"product_id": product["id"], "status": "requested",
                                            "requirements": product.get("requirements") or []})
        step = "settlements"
        product = await gw.update_route_product(account_id, acc["product_id"], bank, tnc_accepted=True)
    except GatewayRefused as exc:
        words = f"Razorpay refused {STEP_WORDS[step]}: {str(exc).strip() or 'no reason given'}"
        log.warning("payout account of %s refused at %s: %s", cid, step, exc)
        await record(cid, IN_PROGRESS, {"status": "failed", "last_error": words})
        return "failed"
    except GatewayUnavailable as exc:
        log.warning("payout account of %s: Razorpay unavailable at %s (attempt %s): %s", cid, step,
                    context.job.attempts + 1, exc)
        raise
    done = await record(cid, IN_PROGRESS, {"status": product.get("activation_status"), "checked": True,
                                           "requirements": product.get("requirements") or []})
    return done["status"] if done else "superseded"


@app.task(name="refresh_payout_account", queue="payments", retry=RETRY)
async def refresh_payout_account(consultant_id: str) -> str:
    """Ask Razorpay for the product configuration and record what it says (never a webhook's own status)."""
    cid = uuid.UUID(consultant_id)
    acc = await run(await pool(), "worker_payout_account", consultant_id=cid)
    if acc is None or not acc["product_id"] or acc["status"] not in REVIEWED:
        return acc["status"] if acc else "no payout account"
    try:
        product = await gateway().fetch_route_product(acc["razorpay_account_id"], acc["product_id"])
    except GatewayRefused as exc:
        log.error("payout account of %s: Razorpay refused the status check: %s", cid, exc)
        return "refused"
    done = await record(cid, REVIEWED, {"status": product.get("activation_status"), "checked": True,
                                        "requirements": product.get("requirements") or []})
    return done["status"] if done else "superseded"


async def _queue(task: procrastinate.tasks.Task, kind: str, consultant_id: str) -> bool:
    """At most one waiting job of this kind per consultant; one running of either kind (the shared lock)."""
    try:
        await task.configure(queueing_lock=f"payout_{kind}:{consultant_id}",
                             lock=f"payout:{consultant_id}").defer_async(consultant_id=consultant_id)
    except AlreadyEnqueued:
        return False
    return True


async def queue_onboarding(consultant_id: str) -> bool:
    return await _queue(onboard_payout_account, "onboard", consultant_id)


async def queue_refresh(consultant_id: str) -> bool:
    return await _queue(refresh_payout_account, "refresh", consultant_id)


@app.periodic(cron="* * * * *", periodic_id="sweep_payout_accounts")
@app.task(name="sweep_payout_accounts", queue="payments")
async def sweep_payout_accounts(timestamp: int) -> dict[str, int]:
    """Every minute: onboarding for the accounts submitted since (the web app queues no jobs: only definer
    functions and the worker do) or left half-way, and status checks for those due one (api.worker_payout_accounts_due)."""
    due = await run(await pool(), "worker_payout_accounts_due", limit=SWEEP_BATCH)
    counts = {"onboard": 0, "refresh": 0}
    for cid in due["onboard"]:
        counts["onboard"] += await queue_onboarding(cid)
    for cid in due["refresh"]:
        counts["refresh"] += await queue_refresh(cid)
    if any(counts.values()):
        log.info("payout accounts queued: %s", counts)
    return counts

# Test: pytest tests/jobs/test_route_onboarding.py
