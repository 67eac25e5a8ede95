# tests/http/test_quotation_gst.py — a quotation's GST line (the consultant's API and page, the client's API and /q page) and the billing details its acceptance takes (checked in SQL, 422 naming the field, nothing written; the invoice then carries them).
from __future__ import annotations

import uuid

from tests.db.test_tax_profiles import gstin
from tests.http import test_payments as payments
from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant
from tests.http.test_documents import CLIENT_GSTIN, HOME, make_regular
from tests.http.test_pages import HTML, csrf_of, sign_in
from tests.http.test_payments import VERIFY, signed
from tests.http.test_quotations import PUBLIC, rows, sent_quotation

# The app on the fake Razorpay, as in the payments tests.
app, rzp, razorpay_env = payments.app, payments.rzp, payments.razorpay_env


async def test_a_regular_consultants_quotation_shows_the_gst_inside_its_total(client, db):
    c = await approved_consultant(client, db)
    await make_regular(db, c["id"])  # Karnataka (29)
    q, token = await sent_quotation(client, c, base_amount="11800.00", discount_percentage="0")
    # The consultant's State is the place of supply until the client says otherwise: CGST + SGST, 18% inside.
    assert q["gst"] == {"charged": True, "document_type": "tax_invoice", "taxable_value": "10000.00", "rate": 18,
                        "cgst": "900.00", "sgst": "900.00", "igst": "0.00", "round_off": "0.00", "sgst_label": "SGST",
                        "place_of_supply": {"state_code": "29", "state_name": "Karnataka", "country": "IN"},
                        "zero_rated": False}
    public = (await client.get(f"{PUBLIC}/{token}")).json()
    assert public["gst"] == q["gst"]
    page = await client.get(f"/q/{token}", headers=HTML)
    assert page.status_code == 200 and 'id="quotation-gst"' in page.text
    assert "CGST 9% ₹900.00" in page.text and "SGST 9% ₹900.00" in page.text and "Taxable value ₹10,000.00" in page.text
    # The tax invoice's recipient fields: State, address and PIN asked (GST rule 46), a GSTIN folded.
    assert 'name="billing_gstin"' in page.text and 'name="billing_address"' in page.text
    assert 'name="billing_postal_code"' in page.text
    [email] = [r["email"] for r in await rows(db, "select email::text from app.consultants where id = $1",
                                              uuid.UUID(c["id"]))]
    assert (await sign_in(client, email, PASSWORD)).status_code == 303
    detail = await client.get(f"/dashboard/quotations/{q['id']}", headers=HTML)
    assert detail.status_code == 200 and "CGST 9% ₹900.00" in detail.text and "Karnataka (29)" in detail.text


async def test_composition_and_unregistered_consultants_charge_no_gst(client, db):
    c = await approved_consultant(client, db)
    q, token = await sent_quotation(client, c)
    assert q["gst"]["charged"] is False and q["gst"]["document_type"] == "receipt"
    assert q["gst"]["taxable_value"] == q["final_amount"] and q["gst"]["place_of_supply"] is None
    page = await client.get(f"/q/{token}", headers=HTML)
    assert "No GST charged" in page.text and "(receipt)" in page.text and 'name="billing_gstin"' not in page.text
    conn = await db.connect("owner")
    try:
        await conn.execute(
            "insert into app.consultant_tax_profiles (consultant_id, gst_scheme, gstin, legal_name, state_code, "
            "address_line1, city, postal_code, pan_encrypted, pan_last4, pan_holder_type) values ($1, 'composition', "
            "$2, 'Rao Advisory LLP', '29', '1 MG Road', 'Bengaluru', '560001', 'x', '234F', 'F')",
            uuid.UUID(c["id"]), gstin(pan="ABCFK1234F"))
    finally:
        await conn.close()
    public = (await client.get(f"{PUBLIC}/{token}")).json()
    assert public["gst"]["charged"] is False and public["gst"]["document_type"] == "bill_of_supply"


async def test_billing_details_on_acceptance_reach_the_invoice_and_bad_ones_write_nothing(client, db, rzp):
    c = await approved_consultant(client, db)
    await make_regular(db, c["id"])
    q, token = await sent_quotation(client, c, base_amount="1180.00", discount_percentage="0")
    wrong_check = CLIENT_GSTIN[:-1] + ("A" if CLIENT_GSTIN[-1] != "A" else "B")
    for billing, field in (({"gstin": wrong_check}, "billing.gstin"), ({"state_code": "99"}, "billing.state_code"),
                           ({"country": "India"}, "billing.country"), ({"billing_name": "A"}, "billing.billing_name"),
                           ({"gstin": CLIENT_GSTIN, "state_code": "29"}, "billing.state_code"),
                           ({"gstin": CLIENT_GSTIN}, "billing.address"), (None, "billing.state_code"),
                           ({"state_code": "27", "address": "12 Main Road, Pune"}, "billing.postal_code")):
        r = await client.post(f"{PUBLIC}/{token}/accept", json={"billing": billing})
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (billing, r.text)
    assert rzp.orders == {} and await rows(db, "select 1 from app.payment_transactions") == []
    assert (await client.get(f"{PUBLIC}/{token}")).json()["status"] in ("sent", "viewed")
    # A business client in Maharashtra: the order keeps their details, the GST line and the invoice follow them.
    r = await client.post(f"{PUBLIC}/{token}/accept",
                          json={"billing": {"gstin": CLIENT_GSTIN.lower(), "billing_name": "Acme Exports LLP", **HOME}})
    assert r.status_code == 200, r.text
    accepted = r.json()
    assert accepted["gst"]["igst"] == "180.00" and accepted["gst"]["place_of_supply"]["state_code"] == "27"
    order_id = accepted["checkout"]["order_id"]
    # Accepted, not yet paid: new details replace the order's (the invoice is issued at capture), checked as before.
    bengaluru = {"state_code": "29", "address": "12 MG Road, Bengaluru", "postal_code": "560001"}
    again = await client.post(f"{PUBLIC}/{token}/accept", json={"billing": bengaluru})
    assert again.status_code == 200 and again.json()["gst"]["place_of_supply"]["state_code"] == "29", again.text
    assert again.json()["checkout"]["order_id"] == order_id and len(rzp.orders) == 1
    bad = await client.post(f"{PUBLIC}/{token}/accept", json={"billing": {"state_code": "29"}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "billing.address"
    mine = {"gstin": CLIENT_GSTIN, "billing_name": "Acme Exports LLP", **HOME}
    assert (await client.post(f"{PUBLIC}/{token}/accept", json={"billing": mine})).json()["gst"]["igst"] == "180.00"
    assert (await client.post(VERIFY, json=signed(order_id, rzp.pay(order_id)["id"]))).json()["status"] == "confirmed"
    # Paid: the invoice is issued; the same details answer as before, others are refused.
    assert (await client.post(f"{PUBLIC}/{token}/accept", json={"billing": mine})).status_code == 200
    late = await client.post(f"{PUBLIC}/{token}/accept", json={"billing": bengaluru})
    assert late.status_code == 409 and late.json()["error"]["code"] == "quotation_already_paid", late.text
    docs = (await client.get("/api/v1/documents", headers=c["headers"])).json()["items"]
    mine = next(d for d in docs if d["issuer"] == "consultant")
    doc = (await client.get(f"/api/v1/documents/{mine['id']}", headers=c["headers"])).json()
    assert (doc["recipient"]["gstin"], doc["recipient"]["billing_name"], doc["place_of_supply"]["state_code"],
            doc["igst"], doc["taxable_value"]) == (CLIENT_GSTIN, "Acme Exports LLP", "27", "180.00", "1000.00")
    assert (doc["recipient"]["address"], doc["recipient"]["postal_code"]) == (
        "4th floor, 12 Linking Road, Bandra West, Mumbai", "400050")


async def test_the_quotation_page_takes_billing_details_and_shows_a_refusal_on_the_form(client, db, rzp):
    c = await approved_consultant(client, db)
    await make_regular(db, c["id"])
    q, token = await sent_quotation(client, c, base_amount="1180.00", discount_percentage="0")
    csrf = csrf_of((await client.get(f"/q/{token}", headers=HTML)).text)
    r = await client.post(f"/q/{token}/accept", headers=HTML, data={"csrf_token": csrf, "billing_state": "99"})
    assert r.status_code == 422 and "Choose a State" in r.text and 'aria-invalid="true"' in r.text, r.text[r.text.find("<main"):][:3000]
    assert rzp.orders == {}
    # Without the address the tax invoice needs: refused on the form, what was typed kept.
    r = await client.post(f"/q/{token}/accept", headers=HTML, data={"csrf_token": csrf, "billing_state": "07",
                                                                    "billing_postal_code": "110001"})
    assert r.status_code == 422 and "Your address is needed" in r.text and 'value="110001"' in r.text
    # "Outside India" with the country left empty: the country is what is missing (not a PIN).
    r = await client.post(f"/q/{token}/accept", headers=HTML, data={
        "csrf_token": csrf, "billing_state": "abroad", "billing_address": "10 Downing St, London",
        "billing_postal_code": "SW1A 2AA"})
    assert r.status_code == 422 and "Enter your country" in r.text and "PIN code is six digits" not in r.text
    assert rzp.orders == {}
    r = await client.post(f"/q/{token}/accept", headers=HTML, data={
        "csrf_token": csrf, "billing_state": "07", "billing_address": "B-12, Connaught Place, New Delhi",
        "billing_postal_code": "110001"})
    assert r.status_code == 303, r.text
    [t] = await rows(db, "select billing_state_code, billing_country from app.payment_transactions")
    assert tuple(t) == ("07", "IN")
    view = (await client.get(f"{PUBLIC}/{token}")).json()
    assert view["gst"]["igst"] == "180.00" and view["gst"]["place_of_supply"]["state_name"] == "Delhi"


async def test_a_client_abroad_without_the_consultants_lut_is_charged_igst_on_the_quotation_as_on_the_invoice(client, db, rzp):  # noqa: E501, F811
    """No letter of undertaking on file is no zero-rating: the quotation's GST line said "no GST charged" (NULL
    flags) while the invoice charged IGST (the second outside review)."""
    c = await approved_consultant(client, db)
    await make_regular(db, c["id"])
    q, token = await sent_quotation(client, c, base_amount="1180.00", discount_percentage="0")
    r = await client.post(f"{PUBLIC}/{token}/accept",
                          json={"billing": {"country": "US", "address": "1 Main St, Springfield"}})
    assert r.status_code == 200, r.text
    gst = r.json()["gst"]
    assert (gst["charged"], gst["zero_rated"], gst["igst"], gst["taxable_value"]) == (True, False, "180.00", "1000.00")
    assert gst["place_of_supply"]["country"] == "US"
    # A quotation's name is one printable line: it is the invoice's line and a mail subject.
    bad = await client.post("/api/v1/quotations", headers=c["headers"], json={
        **{k: q[k] for k in ("client_id",) if q.get(k)}, "quotation_name": "Strategy\nreview\u202etxt.exe",
        "items": [{"description": "Review", "quantity": 1, "unit_price": "100.00"}]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "quotation_name", bad.text

# Test: pytest tests/http/test_quotation_gst.py
