# tests/db/test_payout_accounts.py — a consultant's Razorpay Route payout account in SQL: the readiness checklist and its refusals, the submit trigger, the policies between two consultants, the worker's steps.
from __future__ import annotations

import json
import uuid

import asyncpg
import pytest

from app.sql import SET_CALLER
from tests.db import factories

DETAILS = {"business_type": "individual", "contact_name": "Test Consultant", "beneficiary_name": "Test Consultant"}


async def call(db, consultant_id, query: str, *args, role: str = "app"):
    """As the app runs it: one transaction with the caller set, committed (or rolled back by the error)."""
    conn = await db.connect(role)
    try:
        async with conn.transaction():
            await conn.execute(SET_CALLER, str(consultant_id) if consultant_id else "", "", "")
            value = await conn.fetchval(query, *args)
        return json.loads(value) if isinstance(value, str) else value
    finally:
        await conn.close()


async def ready_consultant(owner, **cols) -> uuid.UUID:
    """Everything Route needs outside the payout form: PAN, address and State, a mobile number, bank details."""
    cid = await factories.consultant(owner, phone_country_code="+91", phone_number="9000090000",
                                     bank_name="HDFC Bank", bank_account_number_encrypted=b"ct:acct",
                                     ifsc_code_encrypted=b"ct:ifsc", **cols)
    await factories.tax_profile(owner, cid, address_line1="12 MG Road", city="Bengaluru", postal_code="560001")
    return cid


async def test_a_consultant_with_nothing_given_sees_a_draft_and_every_missing_item(db, owner):
    cid = await factories.consultant(owner)
    account = await call(db, cid, "select api.my_payout_account()")
    assert account["status"] == "draft" and account["exists"] is False and account["can_submit"] is False
    assert account["contact_name"] == "Test Consultant"  # suggested from their name
    assert account["explanation"]["label"] == "Not started"
    assert account["missing"] == ["pan", "address", "state", "phone", "bank", "names"]
    pan = next(i for i in account["checklist"] if i["item"] == "pan")
    assert pan["link"] == "/dashboard/settings/tax" and "Tax settings" in pan["words"]


async def test_submitting_with_something_missing_is_a_422_naming_it_and_changes_nothing(db, owner):
    cid = await factories.consultant(owner, phone_number="9000090000", bank_account_number_encrypted=b"x",
                                     ifsc_code_encrypted=b"y")
    with pytest.raises(asyncpg.PostgresError) as info:
        await call(db, cid, "select api.set_my_payout_account($1)", json.dumps({**DETAILS, "accept_terms": True}))
    assert info.value.sqlstate == "NK422" and info.value.hint == "field:pan" and "Tax settings" in info.value.detail
    assert await owner.fetchval("select count(*) from app.payout_accounts") == 0
    # Saving without accepting is allowed while things are missing: a draft.
    saved = await call(db, cid, "select api.set_my_payout_account($1)", json.dumps(DETAILS))
    assert saved["status"] == "draft" and saved["exists"] and saved["terms_accepted_at"] is None
    # The address next (the PAN given).
    await factories.tax_profile(owner, cid, state_code="29")
    with pytest.raises(asyncpg.PostgresError) as info:
        await call(db, cid, "select api.set_my_payout_account($1)",
                   json.dumps({**DETAILS, "contact_name": "Changed Name", "accept_terms": True}))
    assert info.value.sqlstate == "NK422" and info.value.hint == "field:address_line1"
    row = await owner.fetchrow("select * from app.payout_accounts where consultant_id = $1", cid)
    assert row["contact_name"] == "Test Consultant" and row["status"] == "draft" and row["terms_accepted_at"] is None


async def test_bad_details_are_refused_by_field(db, owner):
    cid = await ready_consultant(owner)
    for body, field in (({**DETAILS, "business_type": "trust"}, "business_type"),
                        ({**DETAILS, "contact_name": "Al"}, "contact_name"),
                        ({**DETAILS, "beneficiary_name": " "}, "beneficiary_name")):
        with pytest.raises(asyncpg.PostgresError) as info:
            await call(db, cid, "select api.set_my_payout_account($1)", json.dumps(body))
        assert info.value.sqlstate == "NK422" and info.value.hint == f"field:{field}", body


async def test_accepting_the_terms_submits_and_the_worker_takes_it_from_there(db, owner):
    cid = await ready_consultant(owner)
    account = await call(db, cid, "select api.set_my_payout_account($1)", json.dumps({**DETAILS, "accept_terms": True}))
    assert account["status"] == "submitted" and account["missing"] == [] and account["submitted_at"]
    assert account["explanation"]["tone"] == "warn"
    # Submitted: the consultant cannot change it while Razorpay has it.
    with pytest.raises(asyncpg.PostgresError) as info:
        await call(db, cid, "select api.set_my_payout_account($1)", json.dumps(DETAILS))
    assert info.value.sqlstate == "NK409"
    # The app role cannot write the worker's columns.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await call(db, cid, "update app.payout_accounts set status = 'activated' returning 1")
    due = await call(db, None, "select api.worker_payout_accounts_due(10)", role="worker")
    assert due["onboard"] == [str(cid)] and due["refresh"] == []
    job = await call(db, None, "select api.worker_payout_account($1)", cid, role="worker")
    assert job["reference_id"] == "nk" + cid.hex[:18] and len(job["reference_id"]) == 20
    assert job["phone"] == "9000090000" and job["address"]["state"] == "KARNATAKA"
    assert job["address"]["street1"] == "12 MG Road" and job["legal_name"] == "Test Consultant"
    assert job["account_number_encrypted"] and job["pan_encrypted"] and job["email"].endswith("@example.com")


async def test_the_worker_records_steps_once_and_only_from_the_statuses_given(db, owner):
    cid = await ready_consultant(owner)
    await call(db, cid, "select api.set_my_payout_account($1)", json.dumps({**DETAILS, "accept_terms": True}))

    async def record(frm, changes):
        return await call(db, None, "select api.worker_record_payout_account($1, $2, $3)", cid, frm,
                          json.dumps(changes), role="worker")

    step = await record(["submitted"], {"razorpay_account_id": "acc_AAAAAAAAAAAAAA", "status": "created"})
    assert step["status"] == "created"
    # A late answer from a step that no longer applies writes no status; an id Razorpay gave is kept all the same.
    assert await record(["submitted"], {"status": "failed", "last_error": "late", "stakeholder_id": "sth_0"}) is None
    late = await owner.fetchrow("select * from app.payout_accounts where consultant_id = $1", cid)
    assert (late["status"], late["last_error"], late["stakeholder_id"]) == ("created", None, "sth_0")
    await owner.execute("update app.payout_accounts set stakeholder_id = null where consultant_id = $1", cid)
    await record(["created"], {"stakeholder_id": "sth_1", "razorpay_account_id": "acc_BBBBBBBBBBBBBB"})
    step = await record(["created"], {"product_id": "acc_prd_1", "status": "requested",
                                      "requirements": [{"field_reference": "settlements.ifsc_code",
                                                        "reason_code": "field_missing"}]})
    assert step["razorpay_account_id"] == "acc_AAAAAAAAAAAAAA"  # an id, once set, stays
    step = await record(["requested"], {"status": "needs_clarification", "checked": True,
                                        "requirements": [{"field_reference": "kyc.pan", "reason_code": "kyc_failed"},
                                                         {"field_reference": "x.y", "reason_code": "odd_reason",
                                                          "description": "Something else."}]})
    account = await call(db, cid, "select api.my_payout_account()")
    assert account["status"] == "needs_clarification" and account["can_submit"] is True
    assert [r["words"] for r in account["requirements"]] == [
        "Your PAN could not be verified.", 'Razorpay asks about "x.y" (odd reason): Something else.']
    assert account["requirements"][0]["link"] == "/dashboard/settings/tax"
    # Fixed: submitted again (the trigger), then activated by a check.
    again = await call(db, cid, "select api.set_my_payout_account($1)", json.dumps({**DETAILS, "accept_terms": True}))
    assert again["status"] == "submitted"
    await record(["submitted"], {"status": "activated", "checked": True})
    row = await owner.fetchrow("select * from app.payout_accounts where consultant_id = $1", cid)
    assert row["status"] == "activated" and row["activated_at"] and row["requirements"] == "[]"
    assert await call(db, None, "select api.worker_payout_account_owner('acc_AAAAAAAAAAAAAA')", role="worker") == cid
    # Checked just now: not due again for a day.
    assert (await call(db, None, "select api.worker_payout_accounts_due(10)", role="worker"))["refresh"] == []
    await owner.execute("update app.payout_accounts set status_checked_at = now() - interval '25 hours'")
    assert (await call(db, None, "select api.worker_payout_accounts_due(10)", role="worker"))["refresh"] == [str(cid)]


async def test_each_consultant_sees_and_writes_only_their_own_account(db, owner):
    a, b = await ready_consultant(owner), await ready_consultant(owner)
    await call(db, a, "select api.set_my_payout_account($1)", json.dumps({**DETAILS, "accept_terms": True}))
    await call(db, b, "select api.set_my_payout_account($1)", json.dumps({**DETAILS, "contact_name": "Other Person"}))
    assert await call(db, a, "select count(*) from app.payout_accounts") == 1
    assert await call(db, b, "select api.payout_account_json($1)", a) is None  # another's: nothing at all
    assert (await call(db, b, "select api.my_payout_account()"))["contact_name"] == "Other Person"
    # b's save never touches a's row.
    assert await owner.fetchval("select status from app.payout_accounts where consultant_id = $1", a) == "submitted"
    # The worker reads anyone's; the app role cannot call the worker's steps.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await call(db, a, "select api.worker_payout_account($1)", a)


async def test_a_pending_consultant_cannot_save(db, owner):
    cid = await factories.consultant(owner, approved=False)
    with pytest.raises(asyncpg.PostgresError) as info:
        await call(db, cid, "select api.set_my_payout_account($1)", json.dumps(DETAILS))
    assert info.value.sqlstate == "NK403"

# Test: pytest tests/db/test_payout_accounts.py
