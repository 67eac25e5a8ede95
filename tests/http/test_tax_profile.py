# tests/http/test_tax_profile.py — a consultant's tax settings over HTTP: the API (PUT replaces, the PAN encrypted and only ever answered masked, every rule a 422 naming its field) and the settings page.
from __future__ import annotations

import os
import uuid

from app.crypto import decrypt
from app.routes.tax import PAN_PURPOSE
from tests.db.test_tax_profiles import gstin
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML
from tests.http.test_settings_pages import approved, owner_row, pending, submit

URL = "/api/v1/consultants/me/tax-profile"
REGULAR = {"gst_scheme": "regular", "gstin": " " + gstin().lower() + " ", "pan": "abcpk 1234f",
           "legal_name": "Kavya Rao Consulting", "address_line1": "12 MG Road", "city": "Bengaluru",
           "postal_code": "560001"}


async def test_the_api_saves_masks_and_keeps_the_pan_encrypted(client, db):
    c = await approved_consultant(client, db)
    h = c["headers"]
    fresh = await client.get(URL, headers=h)
    assert fresh.status_code == 200, fresh.text
    assert (fresh.json()["document"], fresh.json()["pan"], fresh.json()["tds_basis_points"]) == ("receipt", None, 500)
    r = await client.put(URL, headers=h, json=REGULAR)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["gstin"], got["state_code"], got["pan"], got["document"], got["tcs_basis_points"],
            got["tds_basis_points"]) == (gstin(), "29", "XXXXXX234F", "tax_invoice", 50, 10)
    assert r.text.count("ABCPK1234F") == 1  # inside the GSTIN (public, and made of the PAN), nowhere else
    row = await owner_row(db, "select * from app.consultant_tax_profiles where consultant_id = $1", uuid.UUID(c["id"]))
    assert b"1234F" not in bytes(row["pan_encrypted"])
    assert decrypt(os.environ["DATA_ENCRYPTION_KEY"], PAN_PURPOSE, bytes(row["pan_encrypted"])) == "ABCPK1234F"
    # A PUT without the PAN keeps it; everything else is replaced.
    r = await client.put(URL, headers=h, json={**{k: v for k, v in REGULAR.items() if k != "pan"},
                                               "gst_scheme": "composition"})
    assert r.status_code == 200 and r.json()["pan"] == "XXXXXX234F" and r.json()["document"] == "bill_of_supply"
    assert (await client.get(URL, headers=h)).json() == r.json()


async def test_every_rule_is_a_422_in_the_one_error_shape_and_changes_nothing(client, db):
    c = await approved_consultant(client, db)
    h = c["headers"]
    assert (await client.put(URL, headers=h, json=REGULAR)).status_code == 200
    before = (await client.get(URL, headers=h)).json()
    typo = gstin()[:-1] + ("A" if gstin()[-1] != "A" else "B")
    for body, field in [({**REGULAR, "gstin": typo}, "gstin"), ({**REGULAR, "pan": "ABCPK9999F"}, "gstin"),
                        ({**REGULAR, "pan": "ABCXK1234F"}, "pan"), ({**REGULAR, "gst_scheme": "sole"}, "gst_scheme"),
                        ({**REGULAR, "postal_code": "12345"}, "postal_code"), ({**REGULAR, "legal_name": 7}, "legal_name"),
                        ({**REGULAR, "state_code": "27"}, "state_code"), ({**REGULAR, "lut_valid_until": "2027-02-30"},
                                                                         "lut_valid_until"),
                        ({"gstin": gstin()}, "gst_scheme"), ({**REGULAR, "extra": 1}, "extra")]:
        r = await client.put(URL, headers=h, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.json())
    for raw in (b"{", b"[]", b"null"):
        r = await client.put(URL, headers={**h, "content-type": "application/json"}, content=raw)
        assert r.status_code in (400, 422) and "error" in r.json()
    assert (await client.get(URL, headers=h)).json() == before
    r = await client.put(URL, json=REGULAR)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    states = (await client.get("/api/v1/gst-states")).json()["items"]
    assert {"code": "29", "name": "Karnataka"} in states and all(s["code"] != "99" for s in states)


async def test_the_settings_page_saves_and_says_what_follows(client, db):
    await approved(client, db)
    r = await submit(client, "/tax", {"gst_scheme": "unregistered", "gstin": "", "pan": "ABCPK1234F",
                                      "legal_name": "Kavya Rao", "address_line1": "", "address_line2": "", "city": "",
                                      "postal_code": "", "state_code": "07", "lut_reference": "", "lut_valid_until": ""})
    assert r.status_code == 303 and r.headers["location"].endswith("/dashboard/settings/tax?done=tax"), r.text
    page = await client.get(r.headers["location"], headers=HTML)
    assert "Tax settings saved" in page.text and "XXXXXX234F" in page.text and "ABCPK1234F" not in page.text
    assert "a receipt (no GST)" in page.text and "only once this financial year" in page.text
    assert '<option value="07" selected>Delhi</option>' in page.text
    # A GSTIN typo: the page again with the message at the field, the PAN typed not echoed back.
    r = await submit(client, "/tax", {"gst_scheme": "regular", "gstin": "29ABCPK1234F1Z0", "pan": "ABCPK1234F",
                                      "legal_name": "Kavya Rao", "address_line1": "1 Road", "city": "Delhi",
                                      "postal_code": "110001", "state_code": "07"})
    assert r.status_code == 422 and "last character does not match" in r.text and 'value="ABCPK1234F"' not in r.text


async def test_a_pending_consultant_reads_the_page_but_saves_after_approval(client, db):
    await pending(client)
    assert (await client.get("/dashboard/settings/tax", headers=HTML)).status_code == 200
    r = await submit(client, "/tax", {"gst_scheme": "unregistered", "state_code": "07"})
    assert r.status_code == 403 and "approved" in r.text

# Test: pytest tests/http/test_tax_profile.py
