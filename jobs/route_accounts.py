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
(product.route.*, account.*) only queue it, so their order and repeats do not matter. A resubmission after Razorpay
asked for corrections PATCHes the account and the stakeholder with exactly the fields that differ from what Razorpay
last accepted (keyed hashes in payout_accounts.razorpay_sent); a create whose answer was lost is adopted on the retry
(Razorpay names the email's account; ours by reference_id), never made twice."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import uuid

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from app.adapters.payments import GatewayRefused, GatewayUnavailable
from app.adapters.route import IMMUTABLE_ACCOUNT_FIELDS
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
# Razorpay's business category for a consultant (docs/payments.md "Onboarding as built"): `consulting` is a
# subcategory of `services` in Razorpay's list; `consulting_and_outsourcing` is one of `it_and_software`.
CATEGORY = {"category": "services", "subcategory": "consulting"}
ACCOUNT_ID = re.compile(r"\bacc_[A-Za-z0-9]{14}\b")
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
              "product": "requesting payouts for it", "settlements": "setting your bank account for payouts",
              "account_update": "correcting your linked account's details",
              "stakeholder_update": "correcting your details as its stakeholder",
              "check": "checking your payout account's status"}


def fingerprint(key: str, value: object) -> str:
    """What was sent, as a keyed hash (HMAC-SHA256 with the data key): compared later without keeping a PAN or a
    bank account number anywhere but in their ciphertexts."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key.encode(), b"payout-sent\0" + text.encode(), hashlib.sha256).hexdigest()[:32]


def prints(key: str, part: str, body: dict) -> dict[str, str]:
    return {f"{part}.{field}": fingerprint(key, value) for field, value in body.items()}


def changed(sent: dict, now: dict, part: str, body: dict, fixed: tuple[str, ...] = ()) -> dict:
    """The fields of a body that differ from what Razorpay last accepted, less those it never lets change."""
    return {f: v for f, v in body.items() if f not in fixed and sent.get(f"{part}.{f}") != now[f"{part}.{f}"]}


def _plain(value: object) -> object:
    """For comparing Razorpay's echo with what we send: numbers as text (a postal code comes back as one), no nulls."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return None if value is None else str(value)


async def create_or_adopt(gw, acc: dict, body: dict) -> tuple[dict, list[str]]:
    """POST /v2/accounts, which Razorpay does not make idempotent. When an earlier create's answer was lost (a timeout
    after Razorpay made the account), the retry is refused for the email, the existing account named in the
    description ("Merchant email already exists for account - acc_…"): that account is fetched and adopted if it is
    this consultant's (our reference_id), never another's. Returns the account and the fields Razorpay holds as sent."""
    try:
        return await gw.create_linked_account(body), list(body)
    except GatewayRefused as exc:
        named = ACCOUNT_ID.search(str(exc))
        if named is None:
            raise
        existing = await gw.fetch_linked_account(named[0])
        if existing.get("reference_id") != acc["reference_id"]:
            raise GatewayRefused(f"Razorpay already has a linked account for {acc['email']} ({named[0]}) that was not "
                                 "opened for this payout account. Contact support.") from exc
        log.warning("payout account of %s: adopting linked account %s (an earlier create's answer was lost)",
                    acc["consultant_id"], named[0])
        return existing, [f for f, v in body.items() if _plain(existing.get(f)) == _plain(v)]


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
    account, stakeholder = account_body(acc, pan), stakeholder_body(acc, pan)
    now = {**prints(key, "account", account), **prints(key, "stakeholder", stakeholder),
           "settlements": fingerprint(key, bank)}
    sent = dict(acc.get("razorpay_sent") or {})

    async def accepted(names: list[str], changes: dict, from_: list[str] = IN_PROGRESS) -> None:
        """Razorpay took these fields: remember them (with the step's other changes) so they are not sent again."""
        done = {name: now[name] for name in names}
        sent.update(done)
        await record(cid, from_, {**changes, "sent": done})

    try:
        if not acc["razorpay_account_id"]:
            created, same = await create_or_adopt(gw, acc, account)
            acc["razorpay_account_id"] = created["id"]
            await accepted([f"account.{f}" for f in same], {"razorpay_account_id": created["id"], "status": "created"},
                           ["submitted"])
        account_id = acc["razorpay_account_id"]
        if fix := changed(sent, now, "account", account, IMMUTABLE_ACCOUNT_FIELDS):
            step = "account_update"
            await gw.update_linked_account(account_id, fix)
            await accepted([f"account.{f}" for f in fix], {})
        if not acc["stakeholder_id"]:
            step = "stakeholder"
            sth = await gw.create_stakeholder(account_id, stakeholder)
            await accepted([f"stakeholder.{f}" for f in stakeholder], {"stakeholder_id": sth["id"]})
        elif fix := changed(sent, now, "stakeholder", stakeholder):
            step = "stakeholder_update"
            await gw.update_stakeholder(account_id, acc["stakeholder_id"], fix)
            await accepted([f"stakeholder.{f}" for f in fix], {})
        if not acc["product_id"]:
            step = "product"
            product = await gw.request_route_product(account_id, tnc_accepted=True)
            acc["product_id"] = product["id"]
            await record(cid, IN_PROGRESS, {"product_id": product["id"], "status": "requested",
                                            "requirements": product.get("requirements") or []})
        # The bank account again when it changed, or when Razorpay still asks about it (a failed verification);
        # else the product is only asked where the corrections left it.
        asked = any(str(r.get("field_reference", "")).startswith("settlements.") for r in acc.get("requirements") or [])
        if asked or sent.get("settlements") != now["settlements"]:
            step = "settlements"
            product = await gw.update_route_product(account_id, acc["product_id"], bank, tnc_accepted=True)
            await accepted(["settlements"], {})
        else:
            step = "check"
            product = await gw.fetch_route_product(account_id, acc["product_id"])
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
