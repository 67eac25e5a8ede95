# tests/jobs/test_route_corrections.py — after Razorpay asks for corrections, a resubmission PATCHes exactly what changed; a create whose answer was lost is adopted, never duplicated; the business category is Razorpay's.
from __future__ import annotations

import uuid

import pytest

from app.adapters.payments import GatewayRefused, RazorpayGateway
from jobs.route_accounts import CATEGORY
from tests.http.test_payments import KEY_ID, KEY_SECRET, WEBHOOK, owner, run_jobs
from tests.http.test_route_adapter import ACCOUNT, BANK, activated, local  # noqa: F401
from tests.jobs.test_payments_jobs import due_now
from tests.jobs.test_route_onboarding import TAX, account, created, ready, row, submit, sweep

NEW_PAN = "ABCPV5678K"


async def clarify(client, db, rzp, acc: str, *requirements: tuple[str, str]) -> dict:
    """Razorpay asks for corrections and says so; the status check records them."""
    for field_reference, reason in requirements:
        rzp.require(acc, field_reference, reason)
    body, headers = rzp.route_webhook("product.route.needs_clarification", account_id=acc)
    assert (await client.post(WEBHOOK, content=body, headers=headers)).status_code == 200
    await run_jobs(db)
    return await account(client, c_of[acc])


c_of: dict[str, dict] = {}


async def onboarded(client, db, rzp) -> tuple[dict, str]:
    c = await ready(client, db)
    await submit(client, c)
    await sweep(db)
    acc = (await row(db, c))["razorpay_account_id"]
    c_of[acc] = c
    return c, acc


def patches(rzp, prefix: str) -> list[dict]:
    return [r for r in rzp.requests if r["method"] == "PATCH" and r["path"].startswith(prefix)]


async def test_corrections_asked_for_are_patched_field_by_field_then_the_account_activates(client, db, rzp):
    c, acc = await onboarded(client, db, rzp)
    [sth] = rzp.calls("POST", f"/v2/accounts/{acc}/stakeholders")
    sth_id = next(iter(rzp.stakeholders))
    shown = await clarify(client, db, rzp, acc, ("legal_business_name", "kyc_failed"), ("kyc.pan", "kyc_failed"))
    assert shown["status"] == "needs_clarification" and shown["can_submit"] is True
    assert [r["field_reference"] for r in shown["requirements"]] == ["legal_business_name", "kyc.pan"]
    # The consultant corrects their name as on the PAN and the PAN itself, and submits again.
    r = await client.put("/api/v1/consultants/me/tax-profile", headers=c["headers"],
                         json={**TAX, "legal_name": "Asha Rani Verma", "pan": NEW_PAN})
    assert r.status_code == 200, r.text
    rzp.route_review = "activated"
    requests_before = len(rzp.requests)
    await submit(client, c)
    await sweep(db)
    # Exactly what changed: the account's name and PAN, the stakeholder's name and PAN; nothing created again, the
    # bank account (unchanged) not sent again, the product only read back.
    sent = [(r["method"], r["path"], r["body"]) for r in rzp.requests[requests_before:]]
    assert sent[0] == ("PATCH", f"/v2/accounts/{acc}",
                       {"legal_business_name": "Asha Rani Verma", "legal_info": {"pan": NEW_PAN}})
    assert sent[1] == ("PATCH", f"/v2/accounts/{acc}/stakeholders/{sth_id}",
                       {"name": "Asha Rani Verma", "kyc": {"pan": NEW_PAN}})
    assert [(m, p.split("/")[-2]) for m, p, _ in sent[2:]] == [("GET", "products")]
    assert len(created(rzp)) == 1 and len(rzp.calls("POST", f"/v2/accounts/{acc}/stakeholders")) == 1
    assert len(patches(rzp, f"/v2/accounts/{acc}/products/")) == 1
    assert rzp.accounts[acc]["legal_business_name"] == "Asha Rani Verma"
    assert rzp.stakeholders[sth_id]["kyc"] == {"pan": NEW_PAN}
    state = await row(db, c)
    assert state["status"] == "activated" and state["requirements"] == [] and state["activated_at"]
    assert NEW_PAN not in str(state["razorpay_sent"]) and "account.legal_business_name" in state["razorpay_sent"]
    assert sth  # the stakeholder was created once, at the start


async def test_a_resubmission_with_nothing_changed_sends_nothing_and_reads_the_product(client, db, rzp):
    c, acc = await onboarded(client, db, rzp)
    await clarify(client, db, rzp, acc, ("contact_name", "field_missing"))
    before = len(rzp.requests)
    await submit(client, c)
    await sweep(db)
    assert [(r["method"], r["path"].split("/")[-2]) for r in rzp.requests[before:]] == [("GET", "products")]
    assert (await row(db, c))["status"] == "needs_clarification"  # Razorpay still asks: nothing answered it
    # The contact name changed on the page: that field alone goes, and answers it.
    r = await client.put("/api/v1/payouts/account", headers=c["headers"],
                         json={"business_type": "individual", "contact_name": "Asha V", "beneficiary_name": "Asha Verma",
                               "accept_terms": True})
    assert r.status_code == 200, r.text
    await sweep(db)
    assert [p["body"] for p in rzp.calls("PATCH", f"/v2/accounts/{acc}") if p["path"] == f"/v2/accounts/{acc}"] == [
        {"contact_name": "Asha V"}]
    assert (await row(db, c))["status"] == "under_review"


async def test_the_business_type_is_fixed_once_the_linked_account_exists(client, db, rzp):
    c = await ready(client, db)
    r = await client.put("/api/v1/payouts/account", headers=c["headers"],
                         json={"business_type": "proprietorship", "contact_name": "Asha Verma",
                               "beneficiary_name": "Asha Verma"})
    assert r.status_code == 200 and r.json()["business_type"] == "proprietorship"  # no account yet: free to change
    await submit(client, c, business_type="individual")
    await sweep(db)
    acc = (await row(db, c))["razorpay_account_id"]
    c_of[acc] = c
    await clarify(client, db, rzp, acc, ("legal_business_name", "kyc_failed"))
    r = await client.put("/api/v1/payouts/account", headers=c["headers"],
                         json={"business_type": "proprietorship", "contact_name": "Asha Verma",
                               "beneficiary_name": "Asha Verma", "accept_terms": True})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["field"] == "business_type" if "field" in error else "business_type" in r.text
    assert "does not allow changing the business type" in r.text
    state = await row(db, c)
    assert (state["business_type"], state["status"]) == ("individual", "needs_clarification")  # nothing changed


async def test_a_create_whose_answer_was_lost_is_adopted_on_the_retry_never_made_twice(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    rzp.failures = ["lose"]  # Razorpay makes the account; the answer never arrives (the job times out)
    await sweep(db)
    assert (await row(db, c))["status"] == "submitted" and (await row(db, c))["razorpay_account_id"] is None
    [made] = rzp.accounts
    await due_now(db)
    await run_jobs(db)  # the retry: Razorpay names the email's account; it is ours (reference_id), so adopted
    state = await row(db, c)
    assert state["razorpay_account_id"] == made and state["status"] == "under_review"
    assert len(rzp.accounts) == 1 and len(created(rzp)) == 2
    assert rzp.calls("GET", f"/v2/accounts/{made}")
    # It holds what we sent: no correction follows, only the stakeholder, the product and the bank account.
    assert [p["path"].split("/")[4] for p in patches(rzp, f"/v2/accounts/{made}")] == ["products"]
    assert len(rzp.stakeholders) == 1


async def test_an_existing_account_for_the_email_that_is_not_ours_is_refused_in_words(client, db, rzp):
    c = await ready(client, db)
    await submit(client, c)
    email = (await row_email(db, c))
    gw = RazorpayGateway(KEY_ID, KEY_SECRET, base_url=rzp.url, timeout=2)
    other = await gw.create_linked_account({**ACCOUNT, "email": email, "reference_id": "someone_else"})
    await sweep(db)
    state = await row(db, c)
    assert state["status"] == "failed" and state["razorpay_account_id"] is None
    assert other["id"] in state["last_error"] and "not opened for this payout account" in state["last_error"]
    assert len(rzp.accounts) == 1


async def row_email(db, c) -> str:
    conn = await owner(db)
    try:
        return await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()


async def test_the_category_sent_is_in_razorpays_list_and_others_are_refused(client, db, rzp):
    assert CATEGORY == {"category": "services", "subcategory": "consulting"}
    c, acc = await onboarded(client, db, rzp)
    assert created(rzp)[0]["body"]["profile"]["category"] == "services"
    assert created(rzp)[0]["body"]["profile"]["subcategory"] == "consulting"
    gw = RazorpayGateway(KEY_ID, KEY_SECRET, base_url=rzp.url, timeout=2)
    # What was sent before: consulting_and_outsourcing is an it_and_software subcategory, not a services one.
    with pytest.raises(GatewayRefused, match="subcategory"):
        await gw.create_linked_account({**ACCOUNT, "email": "x@example.com",
                                        "profile": {"category": "services", "subcategory": "consulting_and_outsourcing"}})
    with pytest.raises(GatewayRefused, match="category"):
        await gw.create_linked_account({**ACCOUNT, "email": "y@example.com", "profile": {"category": "consultancy"}})
    with pytest.raises(GatewayRefused, match="category"):
        await gw.update_linked_account(acc, {"profile": {"category": "it_and_software", "subcategory": "consulting"}})
    assert len(rzp.accounts) == 1


async def test_the_adapter_never_sends_what_razorpay_does_not_let_change_and_local_route_clears_requirements(local, db):  # noqa: F811
    account_id = await activated(local)
    conn_args = {"account_id": account_id}
    product = await local.request_route_product(account_id)  # the one product of the account
    await local._refusable("local_route_set_status", status="needs_clarification",
                           requirements=[{"field_reference": "legal_info.pan", "reason_code": "kyc_failed",
                                          "status": "required"}], **conn_args)
    updated = await local.update_linked_account(account_id, {"legal_info": {"pan": "AVOPB2222K"},
                                                             "business_type": "llp", "email": "new@example.com"})
    assert updated["legal_info"] == {"pan": "AVOPB2222K"} and updated["email"] == ACCOUNT["email"]
    assert updated["business_type"] == ACCOUNT["business_type"]
    done = await local.fetch_route_product(account_id, product["id"])
    assert (done["activation_status"], done["requirements"]) == ("activated", [])
    sth = await local.update_stakeholder(account_id, await stakeholder_of(db, account_id), {"name": "Asha R Rao"})
    assert sth["name"] == "Asha R Rao" and sth["entity"] == "stakeholder"
    with pytest.raises(GatewayRefused, match="does not exist"):
        await local.update_stakeholder(account_id, "sth_Nope0000000000", {"name": "Asha Rao"})


async def stakeholder_of(db, account_id: str) -> str:
    conn = await owner(db)
    try:
        return await conn.fetchval("select id from dev.local_route_stakeholders where account_id = $1", account_id)
    finally:
        await conn.close()

# Test: pytest tests/jobs/test_route_corrections.py
