# tests/http/test_quotation_items.py — quotation lines over HTTP: items in and out (contract-checked), the old single amount, errors naming the line, the client's view, device names and reloads counted once.
from __future__ import annotations

from tests.http.test_booking import approved_consultant
from tests.http.test_quotations import PUBLIC, Q

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")
EDGE = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
        "Safari/537.36 Edg/124.0")
BASE = {"client_name": "Meera Iyer", "client_email": "meera@example.com", "quotation_name": "Brand strategy"}
LINES = [{"description": "Workshop day", "quantity": "2", "unit_price": "12000"},
         {"description": "Brand book", "unit_price": 8000.5}]


async def test_lines_go_in_and_come_back_with_their_sum(client, db):
    c = await approved_consultant(client, db)
    r = await client.post(Q, headers=c["headers"], json={**BASE, "items": LINES, "discount_percentage": "10"})
    assert r.status_code == 201, r.text
    q = r.json()
    assert q["items"] == [
        {"description": "Workshop day", "quantity": "2", "unit_price": "12000.00", "amount": "24000.00"},
        {"description": "Brand book", "quantity": "1", "unit_price": "8000.50", "amount": "8000.50"}]
    assert (q["base_amount"], q["final_amount"]) == ("32000.50", "28800.45")
    r = await client.patch(f"{Q}/{q['id']}", headers=c["headers"], json={"items": LINES[:1]})
    assert r.status_code == 200 and r.json()["base_amount"] == "24000.00" and len(r.json()["items"]) == 1
    got = (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()
    assert got["items"][0]["description"] == "Workshop day"
    listed = (await client.get(Q, headers=c["headers"])).json()
    assert listed["items"][0]["items"] == got["items"]
    # An old client's single amount is one line named after the quotation.
    old = await client.post(Q, headers=c["headers"], json={**BASE, "base_amount": "5000"})
    assert old.status_code == 201 and old.json()["items"] == [
        {"description": "Brand strategy", "quantity": "1", "unit_price": "5000.00", "amount": "5000.00"}]


async def test_bad_lines_are_refused_naming_the_line(client, db):
    c = await approved_consultant(client, db)
    cases = (
        ({**BASE}, "items"),  # neither items nor base_amount
        ({**BASE, "items": LINES, "base_amount": "100"}, None),  # both
        ({**BASE, "items": []}, "items"),
        ({**BASE, "items": [{"description": "A", "unit_price": "1"}] * 101}, "items"),
        ({**BASE, "items": [LINES[0], {"description": " ", "unit_price": "1"}]}, "items.1.description"),
        ({**BASE, "items": [{"description": "A", "quantity": "0", "unit_price": "1"}]}, "items.0.quantity"),
        ({**BASE, "items": [{"description": "A", "quantity": "1.234", "unit_price": "1"}]}, "items.0.quantity"),
        ({**BASE, "items": [{"description": "A", "unit_price": "-1"}]}, "items.0.unit_price"),
        ({**BASE, "items": [{"description": "A"}]}, "items.0.unit_price"),
        ({**BASE, "items": [{"description": "A", "unit_price": "1", "tax": "18"}]}, "items.0.tax"),
    )
    for body, field in cases:
        r = await client.post(Q, headers=c["headers"], json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.json())
    # Amounts beyond what the database keeps (99,999,999.99) are refused, not an error of the server.
    r = await client.post(Q, headers=c["headers"], json={**BASE, "items": [
        {"description": "A", "quantity": "99999", "unit_price": "99999999"}]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "out_of_range"), r.text
    # Lines under ₹1 are fine; a total under ₹1 is not payable, named at the lines.
    r = await client.post(Q, headers=c["headers"], json={**BASE, "items": [{"description": "A", "unit_price": "0.50"}]})
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["field"]) == (422, "amount_below_minimum", "items")
    r = await client.post(Q, headers=c["headers"], json={**BASE, "items": [{"description": "A", "unit_price": "0.50"},
                                                                         {"description": "B", "unit_price": "0.50"}]})
    assert r.status_code == 201 and r.json()["final_amount"] == "1.00"
    q = r.json()
    for patch in ({"items": None}, {"items": LINES, "base_amount": "10"}):
        r = await client.patch(f"{Q}/{q['id']}", headers=c["headers"], json=patch)
        assert r.status_code == 422, r.text
    sent = await client.post(f"{Q}/{q['id']}/send", headers=c["headers"])
    assert sent.status_code == 200
    r = await client.patch(f"{Q}/{q['id']}", headers=c["headers"], json={"items": LINES})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "quotation_not_editable")
    assert (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["base_amount"] == "1.00"


async def test_the_client_sees_the_lines_and_reloads_are_one_view_with_a_device_name(client, db):
    c = await approved_consultant(client, db)
    q = (await client.post(Q, headers=c["headers"], json={**BASE, "items": LINES})).json()
    token = (await client.post(f"{Q}/{q['id']}/send", headers=c["headers"])).json()["public_url"].rsplit("/", 1)[1]
    for ua in (IPHONE, IPHONE, IPHONE, EDGE, IPHONE):
        seen = await client.get(f"{PUBLIC}/{token}", headers={"user-agent": ua})
        assert seen.status_code == 200
    assert [i["amount"] for i in seen.json()["items"]] == ["24000.00", "8000.50"]
    detail = (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()
    assert detail["view_count"] == 2
    assert [v["device"] for v in detail["views"]] == ["Windows PC · Edge", "iPhone · Safari"]
    assert detail["views"][1]["user_agent"] == IPHONE

# Test: pytest tests/http/test_quotation_items.py
