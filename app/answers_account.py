# app/answers_account.py — response models of accounts: a consultant's own account, an admin's, token pairs.
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from app.schemas import Amount
from app.validation import Answer


class RefundLadderStep(Answer):
    min_hours_before: int
    percent: int = Field(ge=0, le=100)


class CancellationPolicyOut(Answer):
    client_cutoff_hours: int
    max_reschedules: int
    refund_ladder: list[RefundLadderStep]


class BookingPolicy(Answer):
    min_notice_minutes: int
    max_days_ahead: int
    buffer_minutes: int
    hold_minutes: int | None = Field(description="How long a booking holds its slot for payment (null: the platform's).")
    cancellation_policy: CancellationPolicyOut


class MeetingLinks(Answer):
    zoom: str | None
    meet: str | None
    teams: str | None


class BankDetailsOut(Answer):
    """Never the numbers themselves: they are kept encrypted and shown masked."""

    bank_name: str | None
    account_number_masked: str | None
    ifsc_code_masked: str | None
    is_set: bool


class Account(Answer):
    """The consultant's own account, profile and settings."""

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    phone_country_code: str | None
    phone_number: str | None
    consultancy_sector: str | None
    personal_session_title: str | None
    webinar_session_title: str | None
    personal_session_price: Amount
    webinar_session_price: Amount
    currency: str
    description: str | None
    experience_months: int | None
    instagram_url: str | None
    linkedin_url: str | None
    twitter_url: str | None
    profile_photo_url: str | None
    slug: str
    timezone: str
    is_active: bool
    is_email_verified: bool
    email_verified_at: datetime | None
    subscription_plan: str
    subscription_expires_at: datetime | None
    approval_status: Literal["pending", "approved", "rejected", "suspended"]
    approved_at: datetime | None
    rejection_reason: str | None
    published_at: datetime | None = Field(description="When the consultant published their page (null: not public; "
                                                      "publishing needs the setup checklist complete).")
    booking_policy: BookingPolicy
    default_meeting_platform: Literal["zoom", "meet", "teams"]
    meeting_links: MeetingLinks
    notification_preferences: dict[str, bool]
    bank_details: BankDetailsOut
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AccountAnswer(Answer):
    consultant: Account



class AdminAccount(Answer):
    id: uuid.UUID
    email: str
    name: str
    role: Literal["admin", "super_admin"]
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class AdminAnswer(Answer):
    admin: AdminAccount


class Tokens(Answer):
    """A token pair: send `Authorization: Bearer <access_token>`; trade the refresh token at …/refresh before it
    lapses (each refresh token works once)."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"]
    expires_in: int = Field(description="Seconds the access token lasts.")
    consultant: Account | None = None
    admin: AdminAccount | None = None


class Accepted(Answer):
    status: str
    message: str | None = None

# Test: pytest tests/http/test_auth.py tests/http/test_profile.py tests/http/test_admin_api.py
