# tests/jobs/test_route_onboarding.py — onboarding a consultant to Razorpay Route through the real SDK against the fake: the four steps, requirements, refusals, outages, suspension, webhooks in any order, and racing jobs.
from __future__ import annotations

import json
import uuid

from jobs.app import connected
from jobs.route_accounts import onboard_payout_account, queue_onboarding, sweep_payout_accounts
from tests.fake_razorpay import signed_event
from tests.http.test_booking import approved_consultant
from tests.http.test_payments import WEBHOOK, owner, run_jobs
from tests.jobs.test_payments_jobs import due_now

PAN = "ABCPV1234F"
BANK = {"bank_name": "HDFC Bank", "account_number": "123456789012", "ifsc_code": "HDFC0000317"}
DETAILS = {"business_type": "individual", "contact_name": "Asha Verma", "beneficiary_name": "Asha Verma"}
TAX = {"gst_scheme": "unregistered", "legal_name": "Asha Verma", "state_code": "29", "address_line1": "12 MG Road",
       "city": "Bengaluru", "postal_code": "560001", "pan": PAN}


async def ready(client, db) -> dict:
    """An approved consultant with a tax profile, bank details and a mobile number (signup's), who submits."""
    c = await approved_consultant(client, db)
    r = await client.put("/api/v1/consultants/me/tax-profile", headers=c["headers"], json=TAX)
    assert r.status_code == 200, r.text
    r = await client.put("/api/v1/consultants/me/bank-details", headers=c["headers"], json=BANK)
    assert r.status_code == 200, r.text
    return c


async def submit(client, c, **extra) -> dict:
    r = await client.put("/api/v1/payouts/account", headers=c["headers"], json={**DETAILS, "accept_terms": True,
                                                                                 **extra})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"
    return r.json()


async def sweep(db) -> None:
    """What the every-minute sweep does, then the worker runs what it queued."""
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await sweep_payout_accounts(timestamp=0)
    await run_jobs(db)


async def row(db, c) -> dict:
    conn = await owner(db)
    try:
        return dict(await conn.fetchrow("select * from app.payout_accounts where consultant_id = $1",
                                        uuid.UUID(c["id"])))
    finally:
        await conn.close()


def created(rzp) -> list[dict]:
    """The linked accounts asked for (POST /v2/accounts itself, not the calls under it)."""
    return [r for r in rzp.requests if r["method"] == "POST" and r["path"] == "/v2/accounts"]


async def account(client, c) -> dict:
    r = await client.get("/api/v1/payouts/account", headers=c["headers"])
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_submission_walks_the_four_steps_then_a_webhook_check_activates_it(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    await sweep(db)
    state = await row(db, c)
    assert state["status"] == "under_review" and state["razorpay_account_id"].startswith("acc_")
    acc = state["razorpay_account_id"]
    [first] = created(rzp)
    body = first["body"]
    assert len(body["reference_id"]) == 20 and body["reference_id"] == "nk" + uuid.UUID(c["id"]).hex[:18]
    assert body["legal_info"]["pan"] == PAN and body["phone"] == "9876543210" and body["contact_name"] == "Asha Verma"
    assert body["profile"]["addresses"]["registered"]["state"] == "KARNATAKA"
    [sth] = rzp.calls("POST", f"/v2/accounts/{acc}/stakeholders")
    assert sth["body"]["kyc"] == {"pan": PAN} and sth["body"]["name"] == "Asha Verma"
    [patch] = rzp.calls("PATCH", f"/v2/accounts/{acc}/products/")
    assert patch["body"]["settlements"] == {"account_number": "123456789012", "ifsc_code": "HDFC0000317",
                                            "beneficiary_name": "Asha Verma"}
    shown = await account(client, c)
    assert shown["explanation"]["label"] == "Under review" and shown["requirements"] == []
    # Razorpay activates it and says so; the state comes from the fetch the webhook queues.
    rzp.activate(acc)
    body, headers = rzp.route_webhook("product.route.activated", account_id=acc)
    r = await client.post(WEBHOOK, content=body, headers=headers)
    assert r.status_code == 200 and r.json()["outcome"] == "payout_refresh_queued", r.text
    await run_jobs(db)
    state = await row(db, c)
    assert state["status"] == "activated" and state["activated_at"] and state["status_checked_at"]
    assert (await account(client, c))["explanation"]["tone"] == "ok"
    assert len(created(rzp)) == 1


async def test_requirements_are_shown_in_words_and_a_resubmission_sends_only_what_is_left(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    await sweep(db)
    acc = (await row(db, c))["razorpay_account_id"]
    rzp.require(acc, "settlements.ifsc_code", "field_missing")
    body, headers = rzp.route_webhook("product.route.needs_clarification", account_id=acc)
    assert (await client.post(WEBHOOK, content=body, headers=headers)).status_code == 200
    await run_jobs(db)
    shown = await account(client, c)
    assert shown["status"] == "needs_clarification" and shown["can_submit"] is True
    [req] = shown["requirements"]
    assert req["words"] == "Your bank's IFSC is missing." and req["link"] == "/dashboard/settings/bank"
    # Fixed and submitted again: the ids stored, only the settlements go again.
    r = await client.put("/api/v1/consultants/me/bank-details", headers=c["headers"],
                         json={**BANK, "ifsc_code": "ICIC0000001"})
    assert r.status_code == 200
    await submit(client, c)
    await sweep(db)
    assert (await row(db, c))["status"] == "under_review" and (await row(db, c))["requirements"] == []
    assert len(created(rzp)) == 1 and len(rzp.calls("POST", f"/v2/accounts/{acc}/stakeholders")) == 1
    patches = rzp.calls("PATCH", f"/v2/accounts/{acc}/products/")
    assert len(patches) == 2 and patches[-1]["body"]["settlements"]["ifsc_code"] == "ICIC0000001"


async def test_a_refused_step_fails_in_words_and_a_resubmission_continues_from_the_stored_ids(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    rzp.failures = ["ok", "refuse"]  # the account is created, the stakeholder refused
    await sweep(db)
    state = await row(db, c)
    assert state["status"] == "failed" and state["razorpay_account_id"] and state["stakeholder_id"] is None
    assert state["product_id"] is None
    assert state["last_error"] == "Razorpay refused adding you as its stakeholder: The request is invalid."
    shown = await account(client, c)
    assert shown["explanation"]["label"] == "Not accepted" and "The request is invalid." in shown["explanation"]["words"]
    await submit(client, c)
    await sweep(db)
    assert (await row(db, c))["status"] == "under_review"
    assert len(created(rzp)) == 1  # never a second linked account


async def test_razorpay_down_is_retried_with_backoff_until_it_answers(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    rzp.failures = ["down"]
    await sweep(db)
    assert (await row(db, c))["status"] == "submitted"  # nothing known to have happened
    await due_now(db)
    await run_jobs(db)
    state = await row(db, c)
    assert state["status"] == "under_review" and len(created(rzp)) == 2  # the 500, then one
    assert len(rzp.accounts) == 1


async def test_a_suspension_is_found_by_the_daily_check(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    rzp.route_review = "activated"
    await sweep(db)
    state = await row(db, c)
    assert state["status"] == "activated" and state["activated_at"]
    rzp.suspend(state["razorpay_account_id"])
    await sweep(db)  # checked just now: not due yet
    assert (await row(db, c))["status"] == "activated"
    conn = await owner(db)
    try:
        await conn.execute("update app.payout_accounts set status_checked_at = now() - interval '25 hours'")
    finally:
        await conn.close()
    await sweep(db)
    assert (await row(db, c))["status"] == "suspended"
    assert (await account(client, c))["explanation"]["tone"] == "bad"


async def test_webhooks_late_repeated_out_of_order_forged_or_unknown_change_nothing_wrongly(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    rzp.route_review = "activated"
    await sweep(db)
    acc = (await row(db, c))["razorpay_account_id"]
    # Late and out of order: an under_review event after activation. The fetch says activated: it stays so.
    body, headers = rzp.route_webhook("product.route.under_review", account_id=acc)
    assert (await client.post(WEBHOOK, content=body, headers=headers)).status_code == 200
    # The same delivery again: recorded once, acknowledged, nothing queued.
    again = await client.post(WEBHOOK, content=body, headers=headers)
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    await run_jobs(db)
    assert (await row(db, c))["status"] == "activated"
    # Two events before the worker runs: one check waits, not two.
    for event in ("product.route.activated", "product.route.needs_clarification"):
        body, headers = rzp.route_webhook(event, account_id=acc)
        r = await client.post(WEBHOOK, content=body, headers=headers)
        assert r.status_code == 200
    assert r.json()["outcome"] == "payout_refresh_already_queued"
    await run_jobs(db)
    assert (await row(db, c))["status"] == "activated"
    # Forged: refused in the one error shape, nothing recorded.
    body, headers = rzp.route_webhook("product.route.activated", account_id=acc, secret="not-the-secret")
    r = await client.post(WEBHOOK, content=body, headers=headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_signature"
    conn = await owner(db)
    try:
        assert await conn.fetchval("select count(*) from app.webhook_events where payload->>'event' like "
                                   "'product.route.%'") == 3  # the repeat was not recorded again
        # An account nobody here owns: acknowledged, logged, nothing queued.
        body, headers = signed_event("account.activated", {"account": {"entity": {"id": "acc_Nobody00000001"}}},
                                     account_id="acc_Nobody00000001")
        r = await client.post(WEBHOOK, content=body, headers=headers)
        assert r.status_code == 200 and r.json()["outcome"] == "ignored_unknown_account"
        assert await conn.fetchval("select count(*) from procrastinate_jobs where status = 'todo' "
                                   "and task_name = 'refresh_payout_account'") == 0
    finally:
        await conn.close()


async def test_two_onboarding_jobs_racing_for_one_consultant_create_one_account(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            assert await queue_onboarding(c["id"]) is True
            assert await queue_onboarding(c["id"]) is False  # one waits at most
            # And one runs at a time: a second job under the same lock (a retry, a sweep) waits for the first.
            await onboard_payout_account.configure(lock=f"payout:{c['id']}").defer_async(consultant_id=c["id"])
            await job_app.run_worker_async(queues=["payments"], wait=False, install_signal_handlers=False,
                                           concurrency=2)
    assert (await row(db, c))["status"] == "under_review"
    assert len(created(rzp)) == 1 and len(rzp.accounts) == 1
    assert json.loads(json.dumps(rzp.calls("PATCH", "/v2/accounts/")[0]["body"]))["tnc_accepted"] is True

# Test: pytest tests/jobs/test_route_onboarding.py
