# app/answers_plans.py — response models of the plans: each plan's prices and what it unlocks (GET /api/v1/plans), and the consultant's plan in force with this month's usage (GET /api/v1/consultants/me/plan).
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import Field

from app.schemas import Amount
from app.validation import Answer


class Plan(Answer):
    code: str = Field(description="The plan's code (free, basic, pro, enterprise, or one an admin added).")
    name: str
    price_monthly: Amount = Field(description="Price of a month, GST included (0.00 for the free plan).")
    price_yearly: Amount = Field(description="Price of a year, GST included (at most twelve months' price).")
    commission_percent: Decimal = Field(description="Percent of each payment the platform collects that it keeps.")
    commission_min: Amount = Field(description="The least commission on a payment (GST on the commission is extra).")
    webinar_seats: int | None = Field(description="Most seats a webinar slot may offer; null: unlimited.")
    quotations_per_month: int | None = Field(description="Quotations that may be sent in a calendar month of the "
                                                         "consultant's time zone (drafts are free); null: unlimited.")
    custom_reminders: bool = Field(description="Whether the consultant may set their own reminder schedule.")
    remove_branding: bool = Field(description="Whether \"Powered by Nakksha\" is left off their page and mails.")
    payout_release_hours: int = Field(description="Hours after a session ends before its payout is released.")


class PlanList(Answer):
    plans: list[Plan]


class PlanUsage(Answer):
    quotations_sent_this_month: int
    quotations_per_month: int | None
    widest_webinar: int = Field(description="The most seats any active webinar rule or future webinar slot offers.")
    webinar_seats: int | None
    over_limit: list[Literal["quotations_per_month", "webinar_seats"]] = Field(
        description="Limits the consultant is over after a downgrade: what exceeds is kept and read-only.")


class Subscription(Answer):
    id: UUID
    plan: str
    period: Literal["monthly", "yearly"]
    amount: Amount = Field(description="Charged each period, GST included.")
    status: Literal["created", "authenticated", "active", "pending", "halted", "cancelled", "completed", "expired",
                    "paused"] = Field(description="Razorpay's status, as last fetched (created: not authorised yet).")
    gateway_subscription_id: str
    short_url: str | None = Field(description="Where the subscription is authorised (Razorpay's hosted page).")
    current_end: datetime | None
    charge_at: datetime | None = Field(description="When Razorpay charges next; null once a cancellation was "
                                                   "asked (nothing more is charged).")
    paid_until: datetime | None = Field(description="End of the last charged period: the plan holds until then "
                                                    "(and the grace period while a failed renewal is retried).")
    cancel_requested_at: datetime | None = Field(description="When it was cancelled: it ends at paid_until.")
    failures: int = Field(description="Periods invoiced and not paid, as last fetched.")
    pay_url: str | None = Field(default=None, description="Pending or halted: Razorpay's page to pay the unpaid "
                                                          "invoice by hand (a halted invoice is not charged again).")
    created_at: datetime


class SubscriptionCheckout(Answer):
    key_id: str = Field(description="Razorpay Checkout's key.")
    subscription_id: str = Field(description="Razorpay's subscription id, for Checkout's subscription_id.")
    name: str
    description: str
    prefill: dict[str, str]
    notes: dict[str, str]
    checkout_url: str | None = Field(default=None, description="The local gateway's stand-in page (development).")


class NewSubscription(Answer):
    subscription: Subscription
    checkout: SubscriptionCheckout


class MyPlan(Answer):
    plan: Plan = Field(description="The plan in force: the highest of a complimentary plan and a paid subscription "
                                   "(its paid period, plus the grace period while it is live); else free.")
    subscribed_plan: str = Field(description="The plan subscribed to or comped (the basis lasting longest; free when "
                                             "none).")
    expires_at: datetime | None = Field(description="When that basis ends (a subscription: its paid period's end, "
                                                    "renewed by each charge); null: open.")
    expired: bool = Field(description="True when the subscribed plan has run out and a lower plan is in force.")
    subscription: Subscription | None = Field(description="The live subscription (not cancelled, completed or "
                                                          "expired), if any.")
    replacing: Subscription | None = Field(default=None, description="While a plan change awaits authorisation "
                                           "(subscription is `created`): the paid subscription it will replace, "
                                           "still in force until then.")
    grace_until: datetime | None = Field(description="While a renewal of the live subscription fails (pending, "
                                                     "halted) or it is paused: the plan holds until then (paid_until "
                                                     "plus the grace days), then lapses; null otherwise.")
    usage: PlanUsage
    plans: list[Plan] = Field(description="Every plan, to compare (the same list as GET /api/v1/plans).")

# Test: pytest tests/http/test_plans.py tests/http/test_openapi.py
