# app/answers.py — response models shared by several domains (a session, a client, a page of a list); each domain's own sit beside its handlers.
"""Response models document an answer (the OpenAPI document, generated clients) and the test suite checks every
answer against them (tests/contract_check.py). Handlers still send the database's JSON as it is."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from app.answers_documents import TaxDocument
from app.schemas import Amount, Clock, SignedAmount
from app.validation import Answer

Status = Literal["pending", "confirmed", "completed", "cancelled", "abandoned", "no_show", "returned"]
SessionType = Literal["personal", "webinar"]


class Page(Answer):
    """The paging envelope of every list: `items` (in each list's own model), the matching total, the page."""

    total: int = Field(description="Rows matching the filters, over every page.")
    page: int = Field(description="This page, from 1.")
    per_page: int


class SessionClient(Answer):
    id: uuid.UUID
    name: str
    email: str | None
    is_active: bool


class BookedAs(Answer):
    """What the client typed when booking on the public page (their client record is never rewritten by it)."""

    name: str
    email: str | None
    phone: str | None = Field(default=None, description="Decrypted for the session's consultant (one session only).")


class Session(Answer):
    id: uuid.UUID
    client_id: uuid.UUID
    slot_id: uuid.UUID | None
    session_type: SessionType
    title: str | None
    starts_at: datetime
    ends_at: datetime
    scheduled_date: date = Field(description="The start's date in the consultant's timezone.")
    scheduled_time: Clock = Field(description="The start's time in the consultant's timezone.")
    duration_minutes: int
    amount: Amount
    currency: str
    status: Status
    payment_status: Literal["pending", "paid", "failed", "refunded", "partially_refunded", "not_required"]
    payment_method: str | None
    hold_expires_at: datetime | None = Field(description="Until when a pending booking holds its slot.")
    meeting_platform: Literal["zoom", "meet", "teams"] | None
    meeting_link: str | None
    meeting_id: str | None
    meeting_password: str | None
    notes: str | None
    consultant_notes: str | None
    booked_via: Literal["public", "consultant"]
    is_repeat_client: bool
    reschedule_count: int
    confirmed_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: Literal["client", "consultant", "system"] | None
    cancellation_reason: str | None
    created_at: datetime
    updated_at: datetime
    client: SessionClient | None
    booked_as: BookedAs | None


class SessionTotals(Answer):
    count: int
    amount: Amount
    by_status: dict[str, int]


class SessionPage(Page):
    items: list[Session]
    totals: SessionTotals = Field(description="Over every matching session, not only this page.")


class FreeSlot(Answer):
    id: uuid.UUID
    session_type: SessionType
    starts_at: datetime
    ends_at: datetime
    remaining: int


class CalendarDay(Answer):
    date: date
    sessions: list[Session]
    free_slots: list[FreeSlot]


class SessionCalendar(Answer):
    timezone: str
    days: list[CalendarDay]


class Client(Answer):
    id: uuid.UUID
    name: str
    email: str
    phone: str | None = Field(description="Decrypted for the client's consultant.")
    notes: str | None
    is_active: bool
    total_sessions: int
    total_amount_paid: Amount
    first_session_at: datetime | None
    last_session_at: datetime | None
    is_repeat_client: bool = Field(description="More than one session (the dashboard's and the Clients page's definition).")
    anonymised_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PaymentSession(Answer):
    id: uuid.UUID
    title: str | None
    session_type: SessionType
    starts_at: datetime
    status: Status
    payment_status: str


class PaymentClient(Answer):
    id: uuid.UUID
    name: str
    email: str


class Refund(Answer):
    id: uuid.UUID
    amount: Amount
    reason: str | None
    initiated_by: str
    status: Literal["pending", "processed", "failed"]
    gateway_refund_id: str | None
    failure_reason: str | None
    processed_at: datetime | None
    created_at: datetime


class Payment(Answer):
    id: uuid.UUID
    purpose: Literal["session", "quotation", "subscription"]
    status: Literal["pending", "completed", "failed", "refunded", "partially_refunded", "cancelled"]
    amount: Amount
    amount_paise: int = Field(ge=0, description="The amount in paise, as Razorpay counts it.")
    currency: str
    amount_refunded: Amount
    refundable: Amount = Field(description="What may still be refunded (pending refunds counted).")
    gateway: Literal["razorpay", "local", "cash", "bank_transfer", "upi_direct"]
    gateway_order_id: str | None
    gateway_payment_id: str | None
    payment_method: str | None
    failure_reason: str | None
    paid_at: datetime | None
    duplicate: bool = Field(description="A second payment of an order already paid (refunded automatically).")
    created_at: datetime
    updated_at: datetime
    session: PaymentSession | None
    client: PaymentClient | None
    refunds: list[Refund]


class Checkout(Answer):
    """What Razorpay Checkout needs to take a payment (`key_id`, `order_id`, `amount` in paise, …); null once
    nothing is left to pay. With the local gateway (development), `checkout_url` is its stand-in page."""

    key_id: str | None
    order_id: str
    amount: int = Field(ge=0, description="Paise.")
    currency: str
    name: str
    description: str
    prefill: dict[str, str | None]
    notes: dict[str, str]
    checkout_url: str | None = None



class BookingConsultant(Answer):
    slug: str
    first_name: str
    last_name: str
    timezone: str


class BookingClient(Answer):
    name: str
    email: str | None


class BookingPayment(Answer):
    transaction_id: uuid.UUID
    status: str
    gateway: str
    order_id: str | None
    amount: Amount
    amount_paise: int
    currency: str
    amount_refunded: Amount
    failure_reason: str | None


class Booking(Answer):
    """A booking as its client sees it: what they booked, and its payment; nothing of the consultant's other
    dealings with their address."""

    session_id: uuid.UUID
    status: Status
    payment_status: str
    session_type: SessionType
    title: str | None
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    hold_expires_at: datetime | None = Field(description="While pending: until when the slot is held for payment.")
    amount: Amount
    currency: str
    reschedule_count: int
    meeting_link: str | None = Field(description="Once confirmed.")
    consultant: BookingConsultant
    client: BookingClient | None
    payable: bool = Field(description="Pending, its hold lasting, its order unpaid: `checkout` takes the payment.")
    payment: BookingPayment | None


class RefundDue(Answer):
    percent: int = Field(ge=0, le=100)
    amount: Amount


class BookingRefund(Answer):
    amount: Amount
    status: Literal["pending", "processed", "failed"] = Field(description="Pending until the gateway confirms it.")
    created_at: datetime


class ManagedBooking(Booking):
    """A booking through its manage link: what the client may do now, and the refund cancelling would give."""

    can_cancel: bool
    can_reschedule: bool
    cancellation_cutoff_hours: int
    refund_if_cancelled_now: RefundDue
    client_timezone: str | None = Field(description="The IANA zone the client booked in (their times come first).")
    refunds: list[BookingRefund] = Field(description="Every refund of the booking's payment, oldest first.")
    documents: list[TaxDocument] = Field(description="The GST documents issued to the client for it (invoice, bill "
                                                     "of supply or receipt; credit notes), as issued.")



QuotationStatus = Literal["draft", "sent", "viewed", "accepted", "rejected", "expired"]


class QuotationItem(Answer):
    """One line of a quotation."""

    description: str
    quantity: str = Field(pattern=r"^[0-9]+(\.[0-9]{1,2})?$", examples=["2", "1.5"],
                          description="More than 0, as written (no trailing zeros).")
    unit_price: Amount
    amount: Amount = Field(description="quantity × unit_price, rounded half up to the paisa.")


class GstPlace(Answer):
    state_code: str | None
    state_name: str | None
    country: str


class QuotationGst(Answer):
    """The GST inside final_amount as the invoice will split it (prices include GST; docs/gst.md)."""

    charged: bool = Field(description="False: a composition or unregistered consultant (a bill of supply, a "
                                      "receipt), or an export under a letter of undertaking.")
    document_type: Literal["tax_invoice", "bill_of_supply", "receipt"]
    taxable_value: Amount
    rate: float = Field(description="The GST rate in percent (CGST and SGST take half each).")
    cgst: Amount
    sgst: Amount
    sgst_label: Literal["SGST", "UTGST"]
    igst: Amount
    round_off: SignedAmount = Field(description="final_amount − taxable_value − each tax (each rate × taxable value, "
                                                "half up): a paisa or two, either sign.")
    place_of_supply: GstPlace | None = Field(description="The billing State the client gave on accepting, else the "
                                                         "consultant's; null when no GST is charged by scheme.")
    zero_rated: bool


class QuotationTerms(Answer):
    """What a quotation offers, as both its consultant and its client see it."""

    client_name: str
    quotation_name: str
    description: str | None
    items: list[QuotationItem] = Field(description="The lines, in order; their amounts add up to base_amount.")
    base_amount: Amount = Field(description="The sum of the lines' amounts, before the discount.")
    discount_percentage: float = Field(ge=0, le=100)
    discount_amount: Amount = Field(description="base_amount − final_amount: what the discount takes off.")
    final_amount: Amount = Field(description="What the client pays: base_amount less the discount, half up to the "
                                             "paisa.")
    currency: str
    validity_period: str | None
    expires_at: datetime | None
    status: QuotationStatus = Field(description="As the client sees it: sent or viewed past its expiry is expired.")
    notes: str | None
    quotation_image_url: str | None
    sent_at: datetime | None
    responded_at: datetime | None
    paid_at: datetime | None
    gst: QuotationGst


class Quotation(QuotationTerms):
    id: uuid.UUID
    client_id: uuid.UUID | None
    client_email: str
    view_count: int
    last_viewed_at: datetime | None
    response_reason: str | None
    created_at: datetime
    updated_at: datetime

# Test: pytest tests/http/test_sessions.py tests/http/test_payments.py tests/http/test_quotations.py
