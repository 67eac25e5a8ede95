# tests/documents/sample.py — document snapshots shaped as api.document_json answers them, for rendering tests without a database.
from __future__ import annotations

import copy

INVOICE = {
    "id": "0b9f6c2e-8d0a-4a57-9a55-6c1f0e4b2a11", "issuer": "consultant", "document_type": "tax_invoice",
    "number": "INV/26-27/000123", "financial_year": "26-27", "issued_at": "2026-12-11T05:30:00+00:00",
    "issue_date": "2026-12-11", "payment_id": "5d7c1c52-9b8e-4b8a-9d16-0f4c6f9a1b22", "refund_id": None,
    "purpose": "session", "session_id": "7a0e2f5c-3d1b-4c8e-8f7a-2b6d9c1e4f33", "quotation_id": None,
    "original": None,
    "supplier": {"name": "Rao Advisory LLP", "gstin": "29ABCFK1234F1Z5", "state_code": "29",
                 "state_name": "Karnataka", "address": "1 MG Road, Bengaluru 560001"},
    "recipient": {"name": "Priya Shah", "billing_name": "Acme Exports LLP", "gstin": "27AAPFU0939F1ZV",
                  "state_code": "27", "state_name": "Maharashtra", "country": "IN",
                  "address": "4th floor, 12 Linking Road, Bandra West, Mumbai", "postal_code": "400050"},
    "place_of_supply": {"state_code": "27", "state_name": "Maharashtra", "country": "IN"},
    "lines": [{"description": "Consultation: Tax planning (60 min), 11 Dec 2026", "sac": "998311", "quantity": 1,
               "taxable_value": "1000.00", "cgst": "0.00", "sgst": "0.00", "igst": "180.00", "total": "1180.00"}],
    "currency": "INR", "taxable_value": "1000.00", "cgst_rate": 9.0, "cgst": "0.00", "sgst_label": "SGST",
    "sgst_rate": 9.0, "sgst": "0.00", "igst_rate": 18.0, "igst": "180.00", "round_off": "0.00",
    "total": "1180.00", "lut_reference": None, "reverse_charge": False, "legend": None,
}


def variant(**changes) -> dict:
    """INVOICE with top-level keys replaced (a deep copy)."""
    d = copy.deepcopy(INVOICE)
    d.update(changes)
    return d


INTRA_STATE = variant(
    recipient={"name": "Ravi Kumar", "billing_name": None, "gstin": None, "state_code": "29",
               "state_name": "Karnataka", "country": "IN", "address": "22 Residency Road, Bengaluru",
               "postal_code": "560025"},
    place_of_supply={"state_code": "29", "state_name": "Karnataka", "country": "IN"},
    # 990.33 with 18% in it: taxable 839.26, CGST = SGST = 9% of it = 75.53, and 0.01 left over to round off.
    lines=[{"description": "Consultation", "sac": "998311", "quantity": 1, "taxable_value": "839.26",
            "cgst": "75.53", "sgst": "75.53", "igst": "0.00", "total": "990.33"}],
    taxable_value="839.26", cgst="75.53", sgst="75.53", igst="0.00", round_off="0.01", total="990.33")

CREDIT_NOTE = variant(
    document_type="credit_note", number="CN/26-27/000007", refund_id="9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
    original={"id": INVOICE["id"], "number": "INV/26-27/000123", "issue_date": "2026-12-11"},
    issue_date="2026-12-14",
    lines=[{"description": "Refund: consultation", "sac": "998311", "quantity": 1, "taxable_value": "500.00",
            "cgst": "0.00", "sgst": "0.00", "igst": "90.00", "total": "590.00"}],
    taxable_value="500.00", igst="90.00", total="590.00")

EXPORT = variant(
    recipient={"name": "John Smith", "billing_name": None, "gstin": None, "state_code": None, "state_name": None,
               "country": "US", "address": "350 Fifth Avenue, New York NY", "postal_code": "10118"},
    place_of_supply={"state_code": None, "state_name": None, "country": "US"},
    lines=[{"description": "Consultation", "sac": "998311", "quantity": 1, "taxable_value": "1180.00",
            "cgst": "0.00", "sgst": "0.00", "igst": "0.00", "total": "1180.00"}],
    taxable_value="1180.00", igst="0.00", igst_rate=0.0, total="1180.00", lut_reference="AD290326000123X",
    legend="Supply meant for export under LUT without payment of IGST")

RECEIPT = variant(
    document_type="receipt", number="RCT/26-27/000001",
    supplier={"name": "Asha Iyer", "gstin": None, "state_code": None, "state_name": None, "address": None},
    lines=[{"description": "Consultation", "sac": "998311", "quantity": 1, "taxable_value": "1499.50",
            "cgst": "0.00", "sgst": "0.00", "igst": "0.00", "total": "1499.50"}],
    taxable_value="1499.50", igst="0.00", total="1499.50", legend="Supplier not registered under GST")

# Test: pytest tests/documents
