# tests/http/test_payout_account.py — the payout account over HTTP: GET/PUT /api/v1/payouts/account (refusals in the one error shape, nobody else's account), the payout form on the bank settings page, the admin's consultant page.
from __future__ import annotations

import uuid

from tests.http.helpers import auth, signup_consultant
from tests.http.test_admin_pages import admin_sign_in
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML
from tests.http.test_settings_pages import approved, owner_row, pending, submit

API = "/api/v1/payouts/account"
DETAILS = {"business_type": "individual", "contact_name": "Asha Verma", "beneficiary_name": "Asha Verma"}
TAX = {"gst_scheme": "unregistered", "legal_name": "Asha Verma", "state_code": "29", "address_line1": "12 MG Road",
       "city": "Bengaluru", "postal_code": "560001", "pan": "ABCPV1234F"}
BANK = {"bank_name": "HDFC Bank", "account_number": "123456789012", "ifsc_code": "HDFC0000317"}


def error(r, status: int, code: str, field: str | None = None) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    if field is not None:
        assert body["error"]["field"] == field, body
    return body["error"]


async def test_a_new_consultant_reads_a_draft_and_what_is_missing(client, db):
    c = await approved_consultant(client, db)
    r = await client.get(API, headers=c["headers"])
    assert r.status_code == 200, r.text
    account = r.json()
    assert account["status"] == "draft" and account["can_submit"] is False and account["exists"] is False
    assert account["missing"] == ["pan", "address", "state", "bank", "names"]  # signup gave a mobile number
    assert (await client.get(API)).status_code == 401


async def test_submitting_too_early_is_a_422_naming_the_first_missing_thing_and_changes_nothing(client, db):
    c = await approved_consultant(client, db)
    err = error(await client.put(API, headers=c["headers"], json={**DETAILS, "accept_terms": True}), 422,
                "validation_error", "pan")
    assert "Tax settings" in err["message"]
    assert (await client.get(API, headers=c["headers"])).json()["exists"] is False
    assert (await client.put("/api/v1/consultants/me/tax-profile", headers=c["headers"], json=TAX)).status_code == 200
    error(await client.put(API, headers=c["headers"], json={**DETAILS, "accept_terms": True}), 422,
          "validation_error", "account_number")
    # The schema's own refusals, in the same shape.
    error(await client.put(API, headers=c["headers"], json={**DETAILS, "contact_name": "Al"}), 422,
          "validation_error", "contact_name")
    error(await client.put(API, headers=c["headers"], json={**DETAILS, "business_type": "trust"}), 422,
          "validation_error", "business_type")
    error(await client.put(API, headers=c["headers"], json={**DETAILS, "status": "activated"}), 422, "unknown_field")
    # Saved as a draft, then submitted once the bank details are in.
    saved = await client.put(API, headers=c["headers"], json=DETAILS)
    assert saved.status_code == 200 and saved.json()["status"] == "draft" and saved.json()["can_submit"] is False
    assert (await client.put("/api/v1/consultants/me/bank-details", headers=c["headers"], json=BANK)).status_code == 200
    done = await client.put(API, headers=c["headers"], json={**DETAILS, "accept_terms": True})
    assert done.status_code == 200 and done.json()["status"] == "submitted" and done.json()["missing"] == []
    error(await client.put(API, headers=c["headers"], json=DETAILS), 409, "payout_account_in_progress")


async def test_another_consultant_sees_only_their_own_and_a_pending_one_cannot_write(client, db):
    a = await approved_consultant(client, db)
    await client.put(API, headers=a["headers"], json={**DETAILS, "contact_name": "Only Mine"})
    b = await approved_consultant(client, db)
    other = (await client.get(API, headers=b["headers"])).json()
    assert other["exists"] is False and other["contact_name"] != "Only Mine"
    assert (await client.get(API + f"?consultant_id={a['id']}", headers=b["headers"])).json()["exists"] is False
    pending = await signup_consultant(client)
    r = await client.put(API, headers=auth(pending["access_token"]), json=DETAILS)
    assert r.status_code == 403 and set(r.json()) == {"error"}


async def test_the_bank_page_shows_the_status_checklist_and_takes_the_form(client, db):
    c = await approved(client, db)
    page = await client.get("/dashboard/settings/bank", headers=HTML)
    assert page.status_code == 200
    for text in ("Payouts through Razorpay", "Not started", "Your PAN, in Tax settings.",
                 'href="https://razorpay.com/terms/"', 'name="accept_terms"', "Save payout details"):
        assert text in page.text, text
    # Ticked too early: the page again, saying what is missing, nothing saved.
    r = await submit(client, "/bank/payouts", {**DETAILS, "accept_terms": "true"}, page="/bank")
    assert r.status_code == 422 and "Tax settings" in r.text
    assert await owner_row(db, "select 1 from app.payout_accounts where consultant_id = $1", uuid.UUID(c["id"])) is None
    await client.put("/api/v1/consultants/me/tax-profile", headers=c["headers"], json=TAX)
    await client.put("/api/v1/consultants/me/bank-details", headers=c["headers"], json=BANK)
    r = await submit(client, "/bank/payouts", {**DETAILS, "accept_terms": "true"}, page="/bank")
    assert r.status_code == 303 and r.headers["location"].endswith("/bank?done=payouts_submitted")
    page = await client.get("/dashboard/settings/bank?done=payouts_submitted", headers=HTML)
    assert "Submitted to Razorpay" in page.text and 'class="badge warn">Submitted' in page.text
    assert 'name="accept_terms"' not in page.text  # with Razorpay now: shown, not editable


async def test_a_pending_consultant_sees_the_bank_page_without_the_payout_section(client, db):
    await pending(client)
    page = await client.get("/dashboard/settings/bank", headers=HTML)
    assert page.status_code == 200 and "Bank details" in page.text and "Payouts through Razorpay" not in page.text


async def test_the_admin_consultant_page_shows_the_payout_status_and_requirements(client, db):
    c = await approved_consultant(client, db)
    await client.put(API, headers=c["headers"], json=DETAILS)
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.payout_accounts set status = 'needs_clarification', requirements = $2 "
                           "where consultant_id = $1", uuid.UUID(c["id"]),
                           '[{"field_reference": "kyc.pan", "reason_code": "kyc_failed", "status": "required"}]')
    finally:
        await conn.close()
    await admin_sign_in(client, db)
    page = await client.get(f"/admin/consultants/{c['id']}", headers=HTML)
    assert page.status_code == 200
    for text in ("Payouts through Razorpay", "Needs your attention", "Your PAN could not be verified.", "kyc.pan"):
        assert text in page.text, text

# Test: pytest tests/http/test_payout_account.py
