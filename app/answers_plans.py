# app/answers_plans.py — response models of the plans: each plan's prices and what it unlocks (GET /api/v1/plans), and the consultant's plan in force with this month's usage (GET /api/v1/consultants/me/plan).
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

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


class MyPlan(Answer):
    plan: Plan = Field(description="The plan in force: the subscribed plan until it expires, then free.")
    subscribed_plan: str
    expires_at: datetime | None
    expired: bool = Field(description="True when the subscribed plan has expired and the free plan is in force.")
    usage: PlanUsage
    plans: list[Plan] = Field(description="Every plan, to compare (the same list as GET /api/v1/plans).")

# Test: pytest tests/http/test_plans.py tests/http/test_openapi.py
