# tests/http/test_documents.py — GST documents over HTTP: billing details at booking (checked in SQL, 422 naming the field, nothing written), the consultant's documents API, the monthly GST report CSV, the client's own through the manage link.
from __future__ import annotations

import uuid

from tests.db.test_tax_profiles import gstin
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_pages import HTML
from tests.http.test_payments import VERIFY, app, razorpay_env, rzp, signed  # noqa: F401  (Razorpay's fake)

DOCUMENTS = "/api/v1/documents"
CLIENT_GSTIN = gstin(state="27", pan="AAPFU0939F")
# Where a regular-scheme consultant's tax invoice is addressed (GST rule 46(f) proviso: address, PIN code, State).
HOME = {"address": "  4th floor,  12 Linking Road, Bandra West, Mumbai ", "postal_code": "400050"}


async def make_regular(db, consultant_id: str) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute(
            "insert into app.consultant_tax_profiles (consultant_id, gst_scheme, gstin, legal_name, state_code, "
            "address_line1, city, postal_code, pan_encrypted, pan_last4, pan_holder_type) values ($1, 'regular', $2, "
            "'Rao Advisory LLP', '29', '1 MG Road', 'Bengaluru', '560001', 'x', '234F', 'F')",
            uuid.UUID(consultant_id), gstin(pan="ABCFK1234F"))
    finally:
        await conn.close()


async def counts(db) -> tuple:
    conn = await db.connect("owner")
    try:
        return tuple(await conn.fetchrow("select (select count(*) from app.sessions) s, "
                                         "(select count(*) from app.payment_transactions) p, "
                                         "(select count(*) from app.idempotency_keys) k"))
    finally:
        await conn.close()


async def test_billing_details_at_booking_give_the_client_a_gst_invoice_they_can_open(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, price="1180.00", rules=every_day())
    await make_regular(db, c["id"])
    free = await slots(client, c["slug"], type="personal")
    body = booking(free[0]["slot_id"], billing={"gstin": CLIENT_GSTIN.lower(), "billing_name": "Acme Exports LLP", **HOME})
    r = await book(client, c["slug"], body)
    assert r.status_code == 201, r.text
    b = r.json()
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))).status_code == 200
    listed = (await client.get(DOCUMENTS, headers=c["headers"])).json()
    assert sorted(d["issuer"] for d in listed["items"]) == ["consultant", "platform"] and listed["next"] is None
    mine = next(d for d in listed["items"] if d["issuer"] == "consultant")
    doc = (await client.get(f"{DOCUMENTS}/{mine['id']}", headers=c["headers"])).json()
    # Maharashtra's client of a Karnataka consultant: inter-State, IGST 18% inside the price.
    assert (doc["document_type"], doc["taxable_value"], doc["igst"], doc["cgst"], doc["total"]) == (
        "tax_invoice", "1000.00", "180.00", "0.00", "1180.00")
    assert doc["recipient"] == {"name": "Priya Shah", "billing_name": "Acme Exports LLP", "gstin": CLIENT_GSTIN,
                                "state_code": "27", "state_name": "Maharashtra", "country": "IN",
                                "address": "4th floor, 12 Linking Road, Bandra West, Mumbai", "postal_code": "400050"}
    assert doc["round_off"] == "0.00"
    assert doc["place_of_supply"]["state_code"] == "27" and doc["supplier"]["name"] == "Rao Advisory LLP"
    assert doc["number"] == "INV/" + doc["financial_year"] + "/000001"
    # Filters and paging.
    only = (await client.get(DOCUMENTS, headers=c["headers"], params={"type": "tax_invoice", "limit": 1})).json()
    assert len(only["items"]) == 1 and only["next"] is not None
    assert (await client.get(DOCUMENTS, headers=c["headers"], params={"month": "2021-01"})).json()["items"] == []
    for bad in ({"month": "2026-13"}, {"type": "invoice"}, {"limit": "0"}, {"before": "x"}):
        r = await client.get(DOCUMENTS, headers=c["headers"], params=bad)
        assert r.status_code == 422, (bad, r.text)
    # The client: their own document on the manage link, never the platform's to the consultant.
    token = b["manage_url"].rsplit("/", 1)[1]
    managed = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert [d["number"] for d in managed["documents"]] == [doc["number"]]
    page = await client.get(f"/booking/{token}/documents/{doc['id']}", headers=HTML)
    assert page.status_code == 200 and doc["number"] in page.text and "Acme Exports LLP" in page.text
    assert "IGST 18" in page.text and "₹1,180.00" in page.text and "Bandra West, Mumbai, PIN 400050" in page.text
    theirs = next(d for d in listed["items"] if d["issuer"] == "platform")
    assert (await client.get(f"/booking/{token}/documents/{theirs['id']}", headers=HTML)).status_code == 404
    assert f"/booking/{token}/documents/{doc['id']}" in (await client.get(f"/booking/{token}", headers=HTML)).text
    # Another consultant sees none of it.
    other = await approved_consultant(client, db)
    assert (await client.get(DOCUMENTS, headers=other["headers"])).json()["items"] == []
    assert (await client.get(f"{DOCUMENTS}/{doc['id']}", headers=other["headers"])).status_code == 404


async def test_billing_details_the_invoice_cannot_take_are_refused_naming_the_field_and_nothing_is_written(
        client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"], type="personal")
    before = await counts(db)
    wrong_check = CLIENT_GSTIN[:-1] + ("A" if CLIENT_GSTIN[-1] != "A" else "B")
    for billing, field in (({"gstin": wrong_check}, "billing.gstin"), ({"gstin": "27ABC"}, "billing.gstin"),
                           ({"gstin": CLIENT_GSTIN, "state_code": "29"}, "billing.state_code"),
                           ({"state_code": "99"}, "billing.state_code"), ({"state_code": "29", "country": "US"},
                                                                        "billing.state_code"),
                           ({"country": "India"}, "billing.country"), ({"billing_name": "A"}, "billing.billing_name"),
                           ({"billing_name": "Acme \u202eLLP"}, "billing.billing_name"),
                           ({"address": "1 A"}, "billing.address"), ({"address": "12 Main Rd\u0007"}, "billing.address"),
                           ({"state_code": "29", "postal_code": "056001"}, "billing.postal_code"),
                           ({"postal_code": "5600 01"}, "billing.postal_code"),
                           ({"country": "US", "postal_code": "#"}, "billing.postal_code")):
        r = await book(client, c["slug"], booking(free[0]["slot_id"], billing=billing),
                       headers={"idempotency-key": uuid.uuid4().hex})
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (billing, r.text)
    assert await counts(db) == before and rzp.orders == {}
    # Abroad, or just a State: taken (a State means India).
    r = await book(client, c["slug"], booking(free[0]["slot_id"], billing={"country": "us"}))
    assert r.status_code == 201, r.text
    r = await book(client, c["slug"], booking(free[1]["slot_id"], email="b@example.com", billing={"state_code": "07"}))
    assert r.status_code == 201, r.text
    conn = await db.connect("owner")
    try:
        rows = await conn.fetch("select billing_state_code, billing_country, billing_gstin from app.payment_transactions "
                                "order by created_at")
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [(None, "US", None), ("07", "IN", None)]


async def test_a_regular_consultants_paid_booking_needs_the_clients_address_and_pin(client, db, rzp):  # noqa: F811
    """Rule 46(f)'s e-commerce proviso: a tax invoice to an unregistered client names their address with its PIN
    code and State, whatever the value. The public profile says so; without them the booking is refused (the
    first missing field named) before any order, and nothing is written."""
    c = await approved_consultant(client, db, price="1180.00", rules=every_day())
    assert (await client.get(f"/api/v1/public/consultants/{c['slug']}")).json()["gst_invoice"] is False
    await make_regular(db, c["id"])
    assert (await client.get(f"/api/v1/public/consultants/{c['slug']}")).json()["gst_invoice"] is True
    free = await slots(client, c["slug"], type="personal")
    before = await counts(db)
    for billing, field in ((None, "billing.state_code"), ({"address": "12 Main Road, Pune"}, "billing.state_code"),
                           ({"state_code": "27"}, "billing.address"),
                           ({"state_code": "27", "address": "12 Main Road, Pune"}, "billing.postal_code"),
                           ({"gstin": CLIENT_GSTIN}, "billing.address"),
                           ({"country": "US", "postal_code": "10001"}, "billing.address")):
        r = await book(client, c["slug"], booking(free[0]["slot_id"], billing=billing),
                       headers={"idempotency-key": uuid.uuid4().hex})
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (billing, r.text)
    assert await counts(db) == before and rzp.orders == {}
    # A client abroad gives a country and an address (a postal code if they have one); in India State, address, PIN.
    r = await book(client, c["slug"], booking(free[0]["slot_id"], billing={"country": "AE", "address": "Villa 7, Jumeirah, Dubai"}))
    assert r.status_code == 201, r.text
    r = await book(client, c["slug"], booking(free[1]["slot_id"], email="b@example.com",
                                                billing={"state_code": "27", **HOME}))
    assert r.status_code == 201, r.text
    b = r.json()
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))).status_code == 200
    conn = await db.connect("owner")
    try:
        doc = await conn.fetchrow("select recipient_address, recipient_postal_code, recipient_state_code from "
                                  "app.tax_documents where issuer = 'consultant'")
    finally:
        await conn.close()
    assert tuple(doc) == ("4th floor, 12 Linking Road, Bandra West, Mumbai", "400050", "27")


# The monthly GST report (CSV) and the consultant's document page: tests/http/test_payouts_pages.py.

# Test: pytest tests/http/test_documents.py
