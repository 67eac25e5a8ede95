# app/adapters/subscriptions.py — Razorpay Subscriptions at the edge: plans, subscriptions, their invoices (SDK and local gateway), and the normalised state the billing state machine stores.
"""Platform plans billed with Razorpay Subscriptions (issue 22; the facts and their sources: docs/payments.md,
"Subscriptions (issue 22): the Razorpay facts"). `RazorpaySubscriptions` is mixed into RazorpayGateway: every call
goes through its `_call` (a timeout, off the event loop, SDK retries off, 4xx -> GatewayRefused, 5xx/timeout/
connection -> GatewayUnavailable). `LocalSubscriptions` is mixed into LocalGateway: the same methods on tables and
functions in schema dev (db/dev/local_subscriptions.sql), with the same two exceptions. Amounts are integer paise.

SDK methods and the HTTP they send (razorpay 2.0.1, resources/plan.py, subscription.py, invoice.py, read against the
installed package): plan.create POST /v1/plans; plan.fetch GET /v1/plans/{id}; subscription.create POST
/v1/subscriptions; subscription.fetch GET /v1/subscriptions/{id}; subscription.edit PATCH /v1/subscriptions/{id};
subscription.cancel POST /v1/subscriptions/{id}/cancel; subscription.pause POST …/pause; subscription.resume POST
…/resume; invoice.all GET /v1/invoices (params as the query: subscription_id). None is idempotent at Razorpay: a
caller that may retry records what it asked for first (a plan per (plan, period, price); a subscription per upgrade)
and reconciles by fetching."""
from __future__ import annotations

from typing import Any, Protocol

PERIODS = ("daily", "weekly", "monthly", "quarterly", "yearly")
# Razorpay's subscription statuses (https://razorpay.com/docs/payments/subscriptions/states/).
STATUSES = ("created", "authenticated", "active", "pending", "halted", "cancelled", "completed", "expired", "paused")
# Statuses after which nothing more is charged or changed: a new subscription is needed.
FINAL_STATUSES = ("cancelled", "completed", "expired")


def plan_body(period: str, interval: int, amount_paise: int, name: str, description: str | None = None,
              notes: dict[str, str] | None = None) -> dict:
    """A plan as Razorpay takes it (POST /v1/plans): period + interval, item {name, amount, currency INR}. A wrong
    amount or period is a bug here, not a refusal from Razorpay; daily plans need interval >= 7 (Razorpay's rule)."""
    if period not in PERIODS:
        raise ValueError(f"plan period must be one of {PERIODS}, not {period!r}")
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ValueError(f"plan interval must be a positive integer, not {interval!r}")
    if period == "daily" and interval < 7:
        raise ValueError("a daily plan's interval must be at least 7 (Razorpay refuses shorter)")
    if not isinstance(amount_paise, int) or isinstance(amount_paise, bool) or amount_paise < 100:
        raise ValueError(f"plan amount must be integer paise of at least 100, not {amount_paise!r}")
    item: dict[str, Any] = {"name": name, "amount": amount_paise, "currency": "INR"}
    if description:
        item["description"] = description
    return {"period": period, "interval": interval, "item": item, "notes": notes or {}}


def subscription_body(plan_id: str, total_count: int, start_at: int | None = None, expire_by: int | None = None,
                      customer_notify: bool = True, notes: dict[str, str] | None = None, quantity: int = 1) -> dict:
    """POST /v1/subscriptions: total_count billing cycles (required); no start_at = starts on the authorisation
    payment; customer_notify false = we, not Razorpay, tell the customer; notes at most 15 pairs."""
    if not str(plan_id).startswith("plan_"):
        raise ValueError(f"plan_id must be a Razorpay plan id (plan_…), not {plan_id!r}")
    if not isinstance(total_count, int) or isinstance(total_count, bool) or total_count < 1:
        raise ValueError(f"total_count must be a positive integer, not {total_count!r}")
    if notes and len(notes) > 15:
        raise ValueError("Razorpay takes at most 15 notes")
    body: dict[str, Any] = {"plan_id": plan_id, "total_count": total_count, "quantity": int(quantity),
                            "customer_notify": 1 if customer_notify else 0, "notes": notes or {}}
    if start_at is not None:
        body["start_at"] = int(start_at)
    if expire_by is not None:
        body["expire_by"] = int(expire_by)
    return body


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def subscription_state(entity: dict, payment: dict | None = None) -> dict:
    """A subscription entity (a fetch, or a webhook's payload.subscription.entity), normalised for the state table:
    times stay Razorpay's unix seconds (None when unset). `payment` (a webhook's payload.payment.entity, or a fetched
    payment) gives the method when the entity does not carry `payment_method`."""
    payment = payment or {}
    status = entity.get("status")
    return {
        "id": entity.get("id"),
        "status": status,
        "final": status in FINAL_STATUSES,
        "plan_id": entity.get("plan_id"),
        "customer_id": entity.get("customer_id"),
        "quantity": int(entity.get("quantity") or 1),
        "current_start": _int(entity.get("current_start")),
        "current_end": _int(entity.get("current_end")),
        "charge_at": _int(entity.get("charge_at")),
        "start_at": _int(entity.get("start_at")),
        "end_at": _int(entity.get("end_at")),
        "ended_at": _int(entity.get("ended_at")),
        "paused_at": _int(entity.get("paused_at")),
        "total_count": _int(entity.get("total_count")),
        "paid_count": int(entity.get("paid_count") or 0),
        "remaining_count": _int(entity.get("remaining_count")),
        "auth_attempts": int(entity.get("auth_attempts") or 0),
        "has_scheduled_changes": bool(entity.get("has_scheduled_changes")),
        "change_scheduled_at": _int(entity.get("change_scheduled_at")),
        "payment_method": entity.get("payment_method") or payment.get("method"),
        "payment_id": payment.get("id"),
        "invoice_id": payment.get("invoice_id"),
        "short_url": entity.get("short_url"),
        "notes": entity.get("notes") if isinstance(entity.get("notes"), dict) else {},
    }


def cancels_at_cycle_end(status: str) -> bool:
    """Whether cancelling a subscription in this state waits for its cycle's end. Only an active one: its paid cycle
    runs on and holds the plan. Nothing was charged on a created or authenticated one; a pending or halted one's paid
    period is over and its unpaid invoice would go on being retried (pending) or stay payable, so a replacement
    could be charged beside it: cancelled at once."""
    return status == "active"


class SubscriptionGateway(Protocol):
    """What platform billing needs from Razorpay Subscriptions (both gateways implement it; tests check the signatures)."""

    async def create_plan(self, period: str, interval: int, amount_paise: int, name: str,
                          description: str | None = None, notes: dict[str, str] | None = None) -> dict: ...
    async def fetch_plan(self, plan_id: str) -> dict: ...
    async def create_subscription(self, plan_id: str, total_count: int, start_at: int | None = None,
                                  expire_by: int | None = None, customer_notify: bool = True,
                                  notes: dict[str, str] | None = None) -> dict: ...
    async def fetch_subscription(self, subscription_id: str) -> dict: ...
    async def cancel_subscription(self, subscription_id: str, at_cycle_end: bool = True) -> dict: ...
    async def update_subscription(self, subscription_id: str, plan_id: str, schedule_change_at: str = "now",
                                  remaining_count: int | None = None) -> dict: ...
    async def pause_subscription(self, subscription_id: str) -> dict: ...
    async def resume_subscription(self, subscription_id: str) -> dict: ...
    async def subscription_invoices(self, subscription_id: str) -> list[dict]: ...


def _update_body(plan_id: str, schedule_change_at: str, remaining_count: int | None) -> dict:
    if schedule_change_at not in ("now", "cycle_end"):
        raise ValueError(f"schedule_change_at is now or cycle_end, not {schedule_change_at!r}")
    body: dict[str, Any] = {"plan_id": plan_id, "schedule_change_at": schedule_change_at}
    if remaining_count is not None:
        body["remaining_count"] = int(remaining_count)
    return body


class RazorpaySubscriptions:
    """Subscriptions through the official SDK; mixed into RazorpayGateway (which provides `client` and `_call`)."""

    client: Any
    _call: Any

    async def create_plan(self, period: str, interval: int, amount_paise: int, name: str,
                          description: str | None = None, notes: dict[str, str] | None = None) -> dict:
        """A plan cannot be edited or deleted once created: one per (plan, period, price), kept by the caller."""
        return await self._call(self.client.plan.create,
                                plan_body(period, interval, amount_paise, name, description, notes))

    async def fetch_plan(self, plan_id: str) -> dict:
        return await self._call(self.client.plan.fetch, plan_id)

    async def create_subscription(self, plan_id: str, total_count: int, start_at: int | None = None,
                                  expire_by: int | None = None, customer_notify: bool = True,
                                  notes: dict[str, str] | None = None) -> dict:
        """`created`, with a short_url where the customer authorises it (or Checkout with subscription_id)."""
        return await self._call(self.client.subscription.create,
                                subscription_body(plan_id, total_count, start_at, expire_by, customer_notify, notes))

    async def fetch_subscription(self, subscription_id: str) -> dict:
        return await self._call(self.client.subscription.fetch, subscription_id)

    async def cancel_subscription(self, subscription_id: str, at_cycle_end: bool = True) -> dict:
        """At the cycle's end by default (status becomes cancelled only then); once cancelled, never reactivated."""
        return await self._call(self.client.subscription.cancel, subscription_id,
                                {"cancel_at_cycle_end": 1 if at_cycle_end else 0})

    async def update_subscription(self, subscription_id: str, plan_id: str, schedule_change_at: str = "now",
                                  remaining_count: int | None = None) -> dict:
        """PATCH: only authenticated/active subscriptions; refused when paid by UPI ("subscriptions cannot be updated
        when payment mode is UPI"): the caller then cancels and creates a new one."""
        return await self._call(self.client.subscription.edit, subscription_id,
                                _update_body(plan_id, schedule_change_at, remaining_count))

    async def pause_subscription(self, subscription_id: str) -> dict:
        """Only an active subscription pauses; Razorpay cancels an authenticated one asked to pause."""
        return await self._call(self.client.subscription.pause, subscription_id, {"pause_at": "now"})

    async def resume_subscription(self, subscription_id: str) -> dict:
        return await self._call(self.client.subscription.resume, subscription_id, {"resume_at": "now"})

    async def subscription_invoices(self, subscription_id: str) -> list[dict]:
        """GET /v1/invoices?subscription_id=…: one invoice per cycle (a halted one's stay unpaid: pay them by hand)."""
        answer = await self._call(self.client.invoice.all, {"subscription_id": subscription_id})
        return answer.get("items", [])


class LocalSubscriptions:
    """Subscriptions on the local gateway (db/dev/local_subscriptions.sql); mixed into LocalGateway (which provides
    `_refusable`: a named query whose NK4xx refusal becomes GatewayRefused, NK5xx GatewayUnavailable). A person
    authorises through dev.local_sub_authenticate (the local checkout-like step); dev.local_sub_advance moves the clock."""

    _refusable: Any

    async def create_plan(self, period: str, interval: int, amount_paise: int, name: str,
                          description: str | None = None, notes: dict[str, str] | None = None) -> dict:
        from app.adapters.payments import razorpay_id

        return await self._refusable("local_sub_create_plan", id=razorpay_id("plan"),
                                     body=plan_body(period, interval, amount_paise, name, description, notes))

    async def fetch_plan(self, plan_id: str) -> dict:
        return await self._refusable("local_sub_plan", plan_id=plan_id)

    async def create_subscription(self, plan_id: str, total_count: int, start_at: int | None = None,
                                  expire_by: int | None = None, customer_notify: bool = True,
                                  notes: dict[str, str] | None = None) -> dict:
        from app.adapters.payments import razorpay_id

        return await self._refusable("local_sub_create", id=razorpay_id("sub"), body=subscription_body(
            plan_id, total_count, start_at, expire_by, customer_notify, notes))

    async def fetch_subscription(self, subscription_id: str) -> dict:
        return await self._refusable("local_sub_fetch", subscription_id=subscription_id)

    async def cancel_subscription(self, subscription_id: str, at_cycle_end: bool = True) -> dict:
        return await self._refusable("local_sub_cancel", subscription_id=subscription_id, at_cycle_end=at_cycle_end)

    async def update_subscription(self, subscription_id: str, plan_id: str, schedule_change_at: str = "now",
                                  remaining_count: int | None = None) -> dict:
        body = _update_body(plan_id, schedule_change_at, remaining_count)
        return await self._refusable("local_sub_update", subscription_id=subscription_id, body=body)

    async def pause_subscription(self, subscription_id: str) -> dict:
        return await self._refusable("local_sub_pause", subscription_id=subscription_id)

    async def resume_subscription(self, subscription_id: str) -> dict:
        return await self._refusable("local_sub_resume", subscription_id=subscription_id)

    async def subscription_invoices(self, subscription_id: str) -> list[dict]:
        return (await self._refusable("local_sub_invoices", subscription_id=subscription_id))["items"]

# Test: pytest tests/http/test_subscriptions_adapter.py
