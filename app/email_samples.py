# app/email_samples.py — sample data for every email type: what each template is rendered with in previews and in the catalogue test.
"""Shaped exactly like the template data the SQL queues (app_private.session_mail_data and friends), with
Indian values, so a preview shows what a recipient would get and a template that needs a field the data
does not carry fails here first."""
from __future__ import annotations

SESSION = {
    "session_id": "8a1d6a54-2f0c-4a55-9a8e-0f3c5b1d7e21", "reschedule_count": 0,
    "consultant_name": "Asha Verma", "consultant_slug": "asha-verma", "client_name": "Priya Shah",
    "client_email": "priya@example.com", "title": "One-to-one career consultation", "session_type": "personal",
    "starts_at": "2026-12-01T04:30:00+00:00", "ends_at": "2026-12-01T05:30:00+00:00", "timezone": "Asia/Kolkata",
    "duration_minutes": 60, "amount": "1499.50", "currency": "INR", "meeting_link": "https://zoom.us/j/1234567890", "meeting_id": "123 4567 890", "meeting_password": "Xy3abc",
    "cancellation_reason": None, "cancelled_by": None, "payment_status": "paid", "booked_via": "public",
    "invited": True, "other_timezone": "Europe/London", "other_name": "Asha Verma",
    "manage_url": "https://nakksha.in/booking/mt_sample",
}
# The consultant's copy: their own zone first, the client's second (the SQL swaps the pair for each reader).
FOR_CONSULTANT = {**SESSION, "other_timezone": "Europe/London", "other_name": "Priya Shah"}
QUOTATION = {
    "consultant_name": "Asha Verma", "client_name": "Priya Shah", "quotation_name": "Career plan, three months",
    "base_amount": "15000.00", "discount_percentage": "10.00", "final_amount": "13500.00", "currency": "INR",
    "validity_period": "30 days", "expires_at": "2026-12-31T18:29:59+00:00", "timezone": "Asia/Kolkata",
    "quotation_url": "https://nakksha.in/q/qt_sample",
}
CONSULTANT = {"first_name": "Asha", "slug": "asha-verma"}
PLAN_GRACE = {"first_name": "Asha", "plan_name": "Pro", "fallback_plan_name": "Free", "timezone": "Asia/Kolkata",
              "grace_until": "2026-12-08T18:30:00+00:00", "pay_url": "https://rzp.io/i/sample",
              "subscription_id": "3c7e2a90-5d41-4f8b-a2c6-9e1b7d0f4a58", "paid_until": "2026-12-01T18:30:00+00:00"}

SAMPLES: dict[str, dict] = {
    "session_confirmation": SESSION,
    "session_booked": FOR_CONSULTANT,
    "session_reminder": SESSION,
    "session_rescheduled": {**SESSION, "reschedule_count": 1, "previous_starts_at": "2026-11-30T04:30:00+00:00"},
    "session_rescheduled_consultant": {**FOR_CONSULTANT, "reschedule_count": 1,
                                       "previous_starts_at": "2026-11-30T04:30:00+00:00"},
    "session_cancelled_client": {**SESSION, "cancellation_reason": "The consultant is unwell", "refund_amount": "1499.50",
                                 "cancelled_by": "consultant"},
    "session_cancelled_consultant": {**FOR_CONSULTANT, "cancellation_reason": "A clash at work", "refund_amount": "749.75",
                                     "cancelled_by": "client"},
    "refund_processed": {**SESSION, "refund_amount": "749.75", "refund_reason": "Cancelled by the client"},
    "quotation_received": QUOTATION,
    "quotation_viewed": {**QUOTATION, "viewed_at": "2026-11-25T06:00:00+00:00"},
    "quotation_responded": {**QUOTATION, "response": "accepted", "reason": "Looks good, let us start."},
    "quotation_paid": {**QUOTATION, "quotation_id": "5f2c9e1a-7b3d-4c8e-9a61-2d4f8b0c3e75",
                       "paid_at": "2026-11-26T09:15:00+00:00", "document_type": "tax_invoice",
                       "document_number": "INV/26-27/000123"},
    "account_approved": CONSULTANT,
    "account_reactivated": CONSULTANT,
    "account_rejected": {**CONSULTANT, "reason": "We could not verify your credentials."},
    "account_suspended": {**CONSULTANT, "reason": "Several clients reported missed sessions."},
    "plan_payment_failed": {"first_name": "Asha", "plan_name": "Pro", "status": "halted", "timezone": "Asia/Kolkata",
                            "grace_until": "2026-12-08T18:30:00+00:00", "pay_url": "https://rzp.io/i/sample"},
    # A failed renewal's later mails (api.worker_queue_plan_grace_mails): the plan it falls back to, and which
    # subscription and paid period they are for (so a payment can withdraw them before they go).
    "plan_grace_ending": {**PLAN_GRACE},
    "plan_fell_back": {**PLAN_GRACE},
    "verify_email": {"verify_url": "https://nakksha.in/auth/verify-email?token=ev_sample", "valid_hours": 24},
    "password_reset": {"reset_url": "https://nakksha.in/auth/reset-password?token=pr_sample", "valid_minutes": 60},
}


def sample(email_type: str, recipient_name: str = "Priya Shah") -> dict:
    return {"recipient_name": recipient_name, **SAMPLES[email_type]}

# Test: pytest tests/jobs/test_emails.py
