# tests/http/test_dashboard_payments_pages.py — the consultant's payments pages: list, filters, detail, refunding with a confirmation step.
from __future__ import annotations

import uuid
from decimal import Decimal

from tests.http.helpers import PASSWORD
from tests.http.test_pages import HTML, csrf_of, sign_in
from tests.http.test_payments import VERIFY, run_jobs, state
from tests.http.test_payments_local import local_booking, verify_payload


async def signed_in_consultant(client, db):
    """A consultant with one booking paid through the local gateway, signed in on the pages."""
    c, b = await local_booking(client, db)
    paid = await client.post(b["checkout"]["checkout_url"], data={"outcome": "success", "method": "upi"})
    assert (await client.post(VERIFY, json=verify_payload(paid.text))).json()["status"] == "confirmed"
    conn = await db.connect("owner")
    try:
        email = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()
    r = await sign_in(client, email, PASSWORD)
    assert r.status_code == 303, r.text
    tid = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"][0]["id"]
    return c, b, tid


async def test_the_payments_list_shows_totals_and_filters(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    page = await client.get("/dashboard/payments", headers=HTML)
    assert page.status_code == 200 and "₹1,499.50" in page.text and "Priya Shah" in page.text
    assert f"/dashboard/payments/{tid}" in page.text
    none = await client.get("/dashboard/payments", params={"status": "refunded"}, headers=HTML)
    assert "No payments match these filters." in none.text
    dated = await client.get("/dashboard/payments", params={"from": "2020-01-01", "to": "2099-12-31"}, headers=HTML)
    assert f"/dashboard/payments/{tid}" in dated.text
    bad = await client.get("/dashboard/payments", params={"from": "yesterday"}, headers=HTML)
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]


async def test_refunding_asks_first_then_refunds_and_says_so(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    detail = await client.get(f"/dashboard/payments/{tid}", headers=HTML)
    assert detail.status_code == 200 and 'id="refundable"' in detail.text
    token = csrf_of(detail.text)
    review = await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                               data={"csrf_token": token, "amount": "500", "reason": "Started late"})
    assert review.status_code == 200 and "Refund ₹500.00?" in review.text and "₹999.50" in review.text
    assert (await state(db, b["session_id"]))["refunds"] == []  # nothing happens before the confirmation
    done = await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                             data={"csrf_token": token, "amount": "500.00", "reason": "Started late", "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=refund")
    [refund] = (await state(db, b["session_id"]))["refunds"]
    assert (refund["amount"], refund["reason"], refund["initiated_by"]) == (Decimal("500.00"), "Started late", "consultant")
    # All that is left: the confirmation says the session will be cancelled.
    review = await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                               data={"csrf_token": token, "amount": "", "reason": "Cannot make it"})
    assert "₹999.50" in review.text and "cancelled" in review.text
    await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                      data={"csrf_token": token, "amount": "999.50", "reason": "Cannot make it", "confirm": "yes"})
    await run_jobs(db)
    st = await state(db, b["session_id"])
    assert (st["session"]["status"], st["payments"][0]["status"]) == ("returned", "refunded")
    assert "Fully refunded." in (await client.get(f"/dashboard/payments/{tid}", headers=HTML)).text


async def test_bad_refunds_show_the_form_again_and_change_nothing(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    token = csrf_of((await client.get(f"/dashboard/payments/{tid}", headers=HTML)).text)
    for data, status, text in (({"amount": "5000", "reason": "x"}, 409, "At most"),
                               ({"amount": "abc", "reason": "x"}, 422, "rupees"),
                               ({"amount": "0", "reason": "x"}, 422, "more than zero"),
                               ({"amount": "10.005", "reason": "x"}, 422, "amount"),
                               ({"amount": "10", "reason": ""}, 422, "reason")):
        r = await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                              data={"csrf_token": token, "confirm": "yes", **data})
        assert r.status_code == status and text in r.text and 'role="alert"' in r.text, (data, r.status_code)
    forged = await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                               data={"csrf_token": "forged" * 5, "amount": "10", "reason": "x", "confirm": "yes"})
    assert forged.status_code == 403
    assert (await state(db, b["session_id"]))["refunds"] == []


async def test_another_consultants_payment_is_a_404_page(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    client.cookies.clear()
    from tests.http.test_booking import approved_consultant
    other = await approved_consultant(client, db)
    conn = await db.connect("owner")
    try:
        email = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(other["id"]))
    finally:
        await conn.close()
    await sign_in(client, email, PASSWORD)
    assert (await client.get(f"/dashboard/payments/{tid}", headers=HTML)).status_code == 404
    page = await client.get("/dashboard/payments", headers=HTML)
    token = csrf_of(page.text)
    r = await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                          data={"csrf_token": token, "amount": "10", "reason": "x", "confirm": "yes"})
    assert r.status_code == 404
    assert (await state(db, b["session_id"]))["refunds"] == []

# Test: pytest tests/http/test_dashboard_payments_pages.py
