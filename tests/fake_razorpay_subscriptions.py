# tests/fake_razorpay_subscriptions.py — the Subscriptions part of the loopback fake Razorpay: plans, subscriptions and their states, invoices, charges that succeed or fail, signed subscription.* webhooks.
"""Mixed into tests/fake_razorpay.py's FakeRazorpay, so the real adapter (app/adapters/subscriptions.py, through the
official SDK) runs against Razorpay-shaped state. What the fake relies on, from Razorpay's docs (docs/payments.md,
"Subscriptions (issue 22): the Razorpay facts"):
- a plan cannot be edited or deleted; daily plans need interval >= 7 (create-plans page);
- created -> authenticated (future start) or, starting at once, created -> active on the first charge (states page);
- a failed charge -> pending, retried, -> halted after the retries (3 here, the notifications page's count); a halted
  subscription's invoices are still created but not charged (payment-retries page): `charge` on a halted one only
  issues the cycle's invoice; `pay_invoice` is the by-hand charge; `reactivate` is the customer's new card;
- cancel immediately or at the cycle's end ("Subscription is not cancellable in expired status." for a final one);
- pause only when active, and an authenticated one asked to pause is cancelled (pause page); resume -> active;
- update only when authenticated or active, refused when paid by UPI with Razorpay's words
  ("subscriptions cannot be updated when payment mode is UPI"); schedule_change_at now or cycle_end;
- webhooks carry payload.subscription.entity and, when a payment was attempted, payload.payment.entity.
Not from the docs (our words, marked where used): the refusals for pausing/resuming/updating in other states, the
fee figures, and `payment_method` on the entity (read as "if known" by subscription_state).
The clock is the fake's own (`self.clock`, unix seconds): tests move it, nothing waits."""
from __future__ import annotations

import calendar
import secrets
import string
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit


def _rid(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(14))


def _bad(description: str, field: str | None = None) -> tuple[int, dict]:
    return 400, {"error": {"code": "BAD_REQUEST_ERROR", "description": description, "source": "business",
                           "step": "NA", "reason": "input_validation_failed", "field": field, "metadata": {}}}


def add_period(ts: int, period: str, interval: int) -> int:
    """The end of a billing cycle that starts at ts (calendar months for monthly/quarterly/yearly, in UTC)."""
    if period in ("daily", "weekly"):
        return ts + interval * 86400 * (7 if period == "weekly" else 1)
    months = interval * {"monthly": 1, "quarterly": 3, "yearly": 12}[period]
    d = datetime.fromtimestamp(ts, UTC)
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return int(d.replace(year=y, month=m, day=min(d.day, calendar.monthrange(y, m)[1])).timestamp())


class SubscriptionsFake:
    lock: object
    orders: dict[str, dict]
    payments: dict[str, dict]

    def _init_subscriptions(self) -> None:
        self.plans: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.sub_private: dict[str, dict] = {}   # sub id -> {failures, cancel_at_cycle_end, next_plan_id}
        self.sub_events: list[tuple[str, str, dict, dict | None]] = []  # (event, sub id, entity, payment) as sent
        self.halt_after = 3                      # failed attempts before halted
        self.clock = int(time.time())

    # What the customer, the bank and time do (tests drive these) ------------------------------------------------------
    def authenticate(self, sub_id: str, method: str = "card") -> dict:
        """The customer authorises on the short_url (card, upi or emandate). Starting at once, the authorisation
        payment is the first charge: active; with a future start_at: authenticated until then."""
        with self.lock:
            sub = self.subscriptions[sub_id]
            assert sub["status"] == "created", sub["status"]
            sub.update(payment_method=method, customer_id=sub["customer_id"] or _rid("cust"),
                       auth_attempts=sub["auth_attempts"] + 1)
            if sub["start_at"] and sub["start_at"] > self.clock:
                sub.update(status="authenticated", charge_at=sub["start_at"])
                self._event("subscription.authenticated", sub)
                return dict(sub)
            payment = self._cycle(sub, paid=True)
            sub["status"] = "active"
            for event in ("subscription.authenticated", "subscription.activated", "subscription.charged"):
                self._event(event, sub, payment)
            return dict(sub)

    def charge(self, sub_id: str) -> dict:
        """The next cycle falls due and Razorpay charges it (the clock moves to it). A retry that succeeds takes a
        pending subscription back to active; a halted one only gets the cycle's invoice, unpaid; a cancellation asked
        for the cycle's end takes effect instead of the charge."""
        with self.lock:
            sub, private = self.subscriptions[sub_id], self.sub_private[sub_id]
            assert sub["status"] in ("authenticated", "active", "pending", "halted"), sub["status"]
            if private["cancel_at_cycle_end"] and sub["status"] != "pending":
                self.clock = max(self.clock, sub["current_end"] or self.clock)
                sub.update(status="cancelled", ended_at=self.clock, charge_at=None)
                self._event("subscription.cancelled", sub)
                return dict(sub)
            if sub["status"] == "halted":
                self._cycle(sub, paid=None)
                return dict(sub)
            self._apply_scheduled_change(sub)
            was = sub["status"]
            if was == "pending":
                payment = self._retry(sub, paid=True)
                sub["status"] = "active"
                self._event("subscription.activated", sub, payment)
            else:
                payment = self._cycle(sub, paid=True)
                sub["status"] = "active"
                if was == "authenticated":
                    self._event("subscription.activated", sub, payment)
            private["failures"] = 0
            self._event("subscription.charged", sub, payment)
            if sub["paid_count"] >= sub["total_count"]:
                sub.update(status="completed", ended_at=sub["current_end"], charge_at=None)
                self._event("subscription.completed", sub)
            return dict(sub)

    def fail_charge(self, sub_id: str) -> dict:
        """A charge fails: the cycle's invoice stays issued, the subscription goes pending (Razorpay retries the next
        day), and after `halt_after` failed attempts, halted."""
        with self.lock:
            sub, private = self.subscriptions[sub_id], self.sub_private[sub_id]
            assert sub["status"] in ("authenticated", "active", "pending"), sub["status"]
            payment = self._retry(sub, paid=False) if sub["status"] == "pending" else self._cycle(sub, paid=False)
            private["failures"] += 1
            if private["failures"] >= self.halt_after:
                sub.update(status="halted", charge_at=sub["current_end"])
                self._event("subscription.halted", sub, payment)
            else:
                sub.update(status="pending", charge_at=self.clock + 86400)
                self._event("subscription.pending", sub, payment)
            return dict(sub)

    def pay_invoice(self, invoice_id: str, method: str = "card") -> dict:
        """A halted subscription's invoice, charged by hand (Razorpay does not charge it by itself)."""
        with self.lock:
            invoice = self.invoices[invoice_id]
            assert invoice["status"] == "issued", invoice["status"]
            payment = self._payment(invoice, "captured", method)
            invoice.update(status="paid", payment_id=payment["id"], amount_paid=invoice["amount"], amount_due=0,
                           paid_at=self.clock)
            return dict(invoice)

    def reactivate(self, sub_id: str) -> dict:
        """The customer changes the card of a halted (or pending) subscription: active again; only invoices generated
        from now on are charged."""
        with self.lock:
            sub = self.subscriptions[sub_id]
            assert sub["status"] in ("pending", "halted"), sub["status"]
            self.sub_private[sub_id]["failures"] = 0
            sub.update(status="active", charge_at=sub["current_end"])
            self._event("subscription.activated", sub)
            return dict(sub)

    def expire(self, sub_id: str) -> dict:
        """Nobody authorised it before expire_by."""
        with self.lock:
            sub = self.subscriptions[sub_id]
            assert sub["status"] == "created", sub["status"]
            sub.update(status="expired", ended_at=self.clock)
            return dict(sub)

    def webhook(self, event: str, sub_id: str, entity: dict | None = None, payment: dict | None = None,
                created_at: int | None = None, secret: str | None = None) -> tuple[bytes, dict]:
        """A signed subscription.* delivery as Razorpay sends it: payload.subscription.entity (the current state, or
        `entity`, an older snapshot for a late delivery) and payload.payment.entity when given. Repeating one is
        sending the same (body, headers) twice; out of order is the caller's order."""
        from tests.fake_razorpay import WEBHOOK_SECRET, signed_event

        payload: dict = {"subscription": {"entity": dict(entity or self.subscriptions[sub_id])}}
        if payment:
            payload["payment"] = {"entity": dict(payment)}
        return signed_event(event, payload, secret or WEBHOOK_SECRET, created_at=created_at)

    def deliveries(self, sub_id: str) -> list[tuple[bytes, dict]]:
        """Every webhook Razorpay would have sent for a subscription so far, in the order of the changes, each with
        the entity as it was then."""
        return [self.webhook(e, s, entity, payment) for e, s, entity, payment in self.sub_events if s == sub_id]

    # Internals ------------------------------------------------------------------------------------------------------
    def _event(self, event: str, sub: dict, payment: dict | None = None) -> None:
        self.sub_events.append((event, sub["id"], dict(sub), dict(payment) if payment else None))

    def _apply_scheduled_change(self, sub: dict) -> None:
        private = self.sub_private[sub["id"]]
        if private.get("next_plan_id"):
            sub.update(plan_id=private.pop("next_plan_id"), has_scheduled_changes=False, change_scheduled_at=None)
            self._event("subscription.updated", sub)

    def _payment(self, invoice: dict, status: str, method: str) -> dict:
        amount = invoice["amount"]
        fee = amount * 2 // 100  # illustrative (our figure): 2% with 18% GST on it
        order = {"id": _rid("order"), "entity": "order", "amount": amount, "amount_paid": amount if status ==
                 "captured" else 0, "currency": "INR", "receipt": None, "notes": {},
                 "status": "paid" if status == "captured" else "attempted", "payment_capture": 1}
        self.orders[order["id"]] = order
        invoice["order_id"] = order["id"]
        payment = {"id": _rid("pay"), "entity": "payment", "amount": amount, "currency": "INR", "status": status,
                   "order_id": order["id"], "invoice_id": invoice["id"], "method": method,
                   "captured": status == "captured", "customer_id": invoice["customer_id"],
                   "fee": fee + fee * 18 // 100 if status == "captured" else None,
                   "tax": fee * 18 // 100 if status == "captured" else None,
                   "error_code": "BAD_REQUEST_ERROR" if status == "failed" else None,
                   "error_description": "Payment failed because the mandate was declined" if status == "failed"
                   else None, "created_at": self.clock}
        self.payments[payment["id"]] = payment
        return payment

    def _cycle(self, sub: dict, paid: bool | None) -> dict | None:
        """The next cycle begins: its invoice is issued and charged (paid True/False) or, halted, not (None)."""
        plan = self.plans[sub["plan_id"]]
        start = sub["current_end"] or max(self.clock, sub["start_at"] or 0)
        end = add_period(start, plan["period"], plan["interval"])
        self.clock = max(self.clock, start)
        sub.update(current_start=start, current_end=end, charge_at=end)
        invoice = {"id": _rid("inv"), "entity": "invoice", "subscription_id": sub["id"],
                   "customer_id": sub["customer_id"], "order_id": None, "payment_id": None, "status": "issued",
                   "amount": plan["item"]["amount"] * sub["quantity"], "amount_paid": 0,
                   "amount_due": plan["item"]["amount"] * sub["quantity"], "currency": "INR",
                   "billing_start": start, "billing_end": end, "paid_at": None, "created_at": self.clock,
                   "short_url": "https://rzp.io/i/" + _rid("x")[2:12],  # where the customer pays it by hand
                   "line_items": [{"name": plan["item"]["name"], "amount": plan["item"]["amount"],
                                   "quantity": sub["quantity"], "type": "plan"}]}
        self.invoices[invoice["id"]] = invoice
        if paid is None:
            return None
        return self._charge_invoice(sub, invoice, paid)

    def _retry(self, sub: dict, paid: bool) -> dict:
        """Razorpay's retry of the last unpaid invoice (the cycle does not move)."""
        invoice = [i for i in self.invoices.values() if i["subscription_id"] == sub["id"]][-1]
        self.clock = max(self.clock, sub["charge_at"] or self.clock)
        return self._charge_invoice(sub, invoice, paid)

    def _charge_invoice(self, sub: dict, invoice: dict, paid: bool) -> dict:
        payment = self._payment(invoice, "captured" if paid else "failed", sub["payment_method"] or "card")
        if paid:
            invoice.update(status="paid", payment_id=payment["id"], amount_paid=invoice["amount"], amount_due=0,
                           paid_at=self.clock)
            sub["paid_count"] += 1
            sub["remaining_count"] = sub["total_count"] - sub["paid_count"]
        return payment

    # The API: /v1/plans…, /v1/subscriptions…, /v1/invoices?subscription_id= ---------------------------------------
    def subscriptions_api(self, method: str, url: str, body: dict) -> tuple[int, dict] | None:
        parts = urlsplit(url)
        path, query = parts.path.rstrip("/"), parse_qs(parts.query)
        segments = path.split("/")[2:]  # after /v1
        if not segments or segments[0] not in ("plans", "subscriptions", "invoices") or path.startswith("/v2"):
            return None
        if segments == ["plans"]:
            return self._create_plan(body) if method == "POST" else (200, self._collection(list(self.plans.values())))
        if segments[0] == "plans" and len(segments) == 2:
            if method != "GET":  # our words: Razorpay has no plan update or delete endpoint at all
                return _bad("A plan cannot be edited or deleted once created.")
            plan = self.plans.get(segments[1])
            return (200, plan) if plan else _bad("The id provided does not exist", field="id")
        if segments == ["invoices"] and method == "GET":
            sub_id = (query.get("subscription_id") or [None])[0]
            return 200, self._collection([i for i in self.invoices.values() if i["subscription_id"] == sub_id])
        if segments == ["subscriptions"] and method == "POST":
            return self._create_subscription(body)
        if segments[0] != "subscriptions" or len(segments) not in (2, 3):
            return None
        sub = self.subscriptions.get(segments[1])
        if sub is None:
            return _bad("The id provided does not exist", field="id")
        action = segments[2] if len(segments) == 3 else None
        if action is None:
            return (200, sub) if method == "GET" else self._update(sub, body)
        return {"cancel": self._cancel, "pause": self._pause, "resume": self._resume}.get(
            action, lambda s, b: (404, {"error": {"code": "BAD_REQUEST_ERROR", "description": "Not found"}}))(sub, body)

    @staticmethod
    def _collection(items: list[dict]) -> dict:
        return {"entity": "collection", "count": len(items), "items": items}

    def _create_plan(self, body: dict) -> tuple[int, dict]:
        item = body.get("item") or {}
        if body.get("period") not in ("daily", "weekly", "monthly", "quarterly", "yearly"):
            return _bad("The period field is invalid.", field="period")
        if not isinstance(body.get("interval"), int) or body["interval"] < 1:
            return _bad("The interval field is invalid.", field="interval")
        if body["period"] == "daily" and body["interval"] < 7:
            return _bad("The interval for daily plans must be greater than 7.", field="interval")
        if not isinstance(item.get("amount"), int) or item["amount"] < 100 or not item.get("name"):
            return _bad("The item amount and name are required.", field="item")
        plan = {"id": _rid("plan"), "entity": "plan", "interval": body["interval"], "period": body["period"],
                "item": {"id": _rid("item"), "active": True, "name": item["name"],
                         "description": item.get("description"), "amount": item["amount"],
                         "unit_amount": item["amount"], "currency": item.get("currency", "INR"), "type": "plan",
                         "tax_inclusive": False, "created_at": self.clock, "updated_at": self.clock},
                "notes": body.get("notes") or {}, "created_at": self.clock}
        self.plans[plan["id"]] = plan
        return 200, plan

    def _create_subscription(self, body: dict) -> tuple[int, dict]:
        if body.get("plan_id") not in self.plans:
            return _bad("The id provided does not exist", field="plan_id")
        if not isinstance(body.get("total_count"), int) or body["total_count"] < 1:
            return _bad("The total count field is required.", field="total_count")
        sub = {"id": _rid("sub"), "entity": "subscription", "plan_id": body["plan_id"], "customer_id": None,
               "status": "created", "current_start": None, "current_end": None, "ended_at": None,
               "quantity": body.get("quantity", 1), "notes": body.get("notes") or {},
               "charge_at": body.get("start_at") or self.clock, "start_at": body.get("start_at"), "end_at": None,
               "auth_attempts": 0, "total_count": body["total_count"], "paid_count": 0,
               "customer_notify": bool(body.get("customer_notify", True)), "created_at": self.clock,
               "expire_by": body.get("expire_by"), "short_url": "https://rzp.io/i/" + _rid("x")[2:12],
               "has_scheduled_changes": False, "change_scheduled_at": None, "source": "api",
               "remaining_count": body["total_count"], "payment_method": None}
        self.subscriptions[sub["id"]] = sub
        self.sub_private[sub["id"]] = {"failures": 0, "cancel_at_cycle_end": False}
        return 200, sub

    def _cancel(self, sub: dict, body: dict) -> tuple[int, dict]:
        if sub["status"] in ("cancelled", "completed", "expired"):
            return _bad(f"Subscription is not cancellable in {sub['status']} status.", field="status")
        if body.get("cancel_at_cycle_end") in (1, True, "1", "true") and sub["status"] in ("active", "pending",
                                                                                          "halted"):
            self.sub_private[sub["id"]]["cancel_at_cycle_end"] = True
            return 200, sub
        sub.update(status="cancelled", ended_at=self.clock, charge_at=None)
        self._event("subscription.cancelled", sub)
        return 200, sub

    def _pause(self, sub: dict, body: dict) -> tuple[int, dict]:
        if sub["status"] == "authenticated":  # Razorpay's pause page: an authenticated one is cancelled
            sub.update(status="cancelled", ended_at=self.clock, charge_at=None)
            self._event("subscription.cancelled", sub)
            return 200, sub
        if sub["status"] != "active":  # our words
            return _bad(f"Subscription cannot be paused in {sub['status']} status.", field="status")
        sub.update(status="paused", paused_at=self.clock, charge_at=None, pause_initiated_by="self")
        self._event("subscription.paused", sub)
        return 200, sub

    def _resume(self, sub: dict, body: dict) -> tuple[int, dict]:
        if sub["status"] != "paused":  # our words
            return _bad(f"Subscription cannot be resumed in {sub['status']} status.", field="status")
        sub.update(status="active", paused_at=None, charge_at=sub["current_end"])
        sub.pop("pause_initiated_by", None)
        self._event("subscription.resumed", sub)
        return 200, sub

    def _update(self, sub: dict, body: dict) -> tuple[int, dict]:
        if sub["payment_method"] == "upi":  # Razorpay's words, update-subscription page
            return _bad("subscriptions cannot be updated when payment mode is UPI")
        if sub["status"] not in ("authenticated", "active"):  # our words; the rule is Razorpay's
            return _bad(f"Subscription cannot be updated in {sub['status']} status.", field="status")
        plan_id = body.get("plan_id", sub["plan_id"])
        if plan_id not in self.plans:
            return _bad("The id provided does not exist", field="plan_id")
        if body.get("schedule_change_at", "now") == "cycle_end":
            self.sub_private[sub["id"]]["next_plan_id"] = plan_id
            sub.update(has_scheduled_changes=True, change_scheduled_at=sub["current_end"])
            return 200, sub
        sub["plan_id"] = plan_id
        if body.get("remaining_count") is not None:
            sub["remaining_count"] = int(body["remaining_count"])
            sub["total_count"] = sub["paid_count"] + sub["remaining_count"]
        self._event("subscription.updated", sub)
        return 200, sub

# Test: pytest tests/http/test_subscriptions_adapter.py
