# app/answers_documents.py — response models of GST documents: the full snapshot (a consultant's, a client's through the manage link) and the list items.
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from app.paging import next_field
from app.schemas import Amount, SignedAmount
from app.validation import Answer

DocumentType = Literal["tax_invoice", "bill_of_supply", "receipt", "credit_note"]
Issuer = Literal["consultant", "platform"]


class DocumentParty(Answer):
    name: str | None
    gstin: str | None
    state_code: str | None
    state_name: str | None


class DocumentSupplier(DocumentParty):
    address: str | None


class DocumentRecipient(DocumentParty):
    billing_name: str | None = Field(description="The name the client asked to be invoiced in (a business).")
    country: str = Field(description="ISO 3166 alpha-2.")
    address: str | None = Field(description="The billing address the client gave (rule 46: asked for a regular-scheme "
                                            "consultant's tax invoice); the consultant's on the platform's invoice.")
    postal_code: str | None = Field(description="PIN code in India, postal code abroad.")


class PlaceOfSupply(Answer):
    state_code: str | None = Field(description="The State (IGST Act s.12(2)); null for a client abroad.")
    state_name: str | None
    country: str


class DocumentLine(Answer):
    description: str
    sac: str
    quantity: int
    taxable_value: Amount
    cgst: Amount
    sgst: Amount
    igst: Amount
    total: Amount


class OriginalDocument(Answer):
    id: uuid.UUID
    number: str
    issue_date: date


class TaxDocument(Answer):
    """A GST document as issued (docs/gst.md): it never changes. What a page or a PDF prints."""

    id: uuid.UUID
    issuer: Issuer = Field(description="consultant: theirs to the client; platform: the platform's to the consultant "
                                       "for its commission.")
    document_type: DocumentType
    number: str = Field(max_length=16, examples=["INV/26-27/000123"])
    financial_year: str = Field(examples=["26-27"])
    issued_at: datetime
    issue_date: date = Field(description="The issue date in India.")
    payment_id: uuid.UUID | None = Field(description="The payment it is for; null for a plan charge's invoice.")
    subscription_charge_id: uuid.UUID | None = Field(description="The plan charge a platform invoice is for "
                                                                 "(purpose subscription); null otherwise.")
    refund_id: uuid.UUID | None
    purpose: Literal["session", "quotation", "subscription"] = Field(
        description="What was sold: a session, a quotation, or (the platform's invoice) a plan's period.")
    session_id: uuid.UUID | None
    quotation_id: uuid.UUID | None
    original: OriginalDocument | None = Field(description="A credit note's invoice or bill of supply.")
    supplier: DocumentSupplier
    recipient: DocumentRecipient
    place_of_supply: PlaceOfSupply
    lines: list[DocumentLine]
    currency: str
    taxable_value: Amount
    cgst_rate: float
    cgst: Amount
    sgst_label: Literal["SGST", "UTGST"]
    sgst_rate: float
    sgst: Amount
    igst_rate: float
    igst: Amount
    round_off: SignedAmount = Field(description="What the total leaves after the taxable value and each tax, each rounded "
                                          "half up to the paisa (a paisa or two, either sign).")
    total: Amount = Field(description="taxable_value + cgst + sgst + igst + round_off: what was paid or credited.")
    lut_reference: str | None = Field(description="The letter of undertaking of a zero-rated export.")
    reverse_charge: bool
    legend: str | None


class TaxDocumentItem(Answer):
    id: uuid.UUID
    issuer: Issuer
    document_type: DocumentType
    number: str
    issued_at: datetime
    payment_id: uuid.UUID | None = Field(description="The payment it is for; null for a plan charge's invoice.")
    subscription_charge_id: uuid.UUID | None = Field(description="The plan charge a platform invoice is for.")
    refund_id: uuid.UUID | None
    place_of_supply_state_code: str | None
    place_of_supply_country: str
    taxable_value: Amount
    cgst: Amount
    sgst: Amount
    igst: Amount
    total: Amount = Field(description="taxable_value + cgst + sgst + igst + the document's round-off.")


class TaxDocumentPage(Answer):
    items: list[TaxDocumentItem]
    next: uuid.UUID | None = next_field()

# Test: pytest tests/http/test_documents.py
