# tests/fake_razorpay_route.py — the Route part of the loopback fake Razorpay: linked accounts, the route product, transfers, holds, reversals, settlement.
"""Mixed into tests/fake_razorpay.py's FakeRazorpay, so the real adapter (app/adapters/route.py, through the
official SDK) runs against Razorpay-shaped state. What the fake relies on, from Razorpay's docs (docs/payments.md):
- request product configuration answers `needs_clarification` with the three settlements.* requirements
  (field_missing), as in the sample at https://razorpay.com/docs/api/payments/route/linked-account-onboarding/request-product-config/;
  a missing account is BAD_REQUEST_ERROR "Linked account does not exist";
- setting valid settlements moves it to `under_review` (or straight to `activated`, Razorpay's update sample,
  when `route_review = "activated"`); the test drives the rest: activate / require / suspend;
- "You cannot request a transfer on payment once a refund has been initiated." (transfers page);
- product.route.* webhooks carry payload.merchant_product {entity: {id, merchant_id, activation_status}, data}
  like the partner samples (https://razorpay.com/docs/webhooks/partners/needs-clarification.md,
  .../activated), data.requirements on needs_clarification; transfer.* carry payload.transfer.entity
  (https://razorpay.com/docs/webhooks/route.md). Reversal webhooks are not in Route's list: none here.
Not from the docs (our words, marked where used): the refusal for a short linked-account balance, for a
transfer to an account that is not activated, and the fee figures (0.25% + GST, illustrative)."""
from __future__ import annotations

import re
import secrets
import string
import time
from urllib.parse import parse_qs, urlsplit

from tests.fake_razorpay_onboarding import OnboardingFake


def _rid(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(14))


def bad(description: str, reason: str = "input_validation_failed", field: str | None = None) -> tuple[int, dict]:
    return 400, {"error": {"code": "BAD_REQUEST_ERROR", "description": description, "source": "business",
                           "step": "NA", "reason": reason, "field": field, "metadata": {}}}


def fees(amount: int) -> tuple[int, int]:
    """Illustrative (not Razorpay's published figure): 0.25% and 18% GST on it; fees include tax."""
    base = (amount * 25 + 9999) // 10000
    tax = (base * 18 + 50) // 100
    return base + tax, tax


class RouteFake(OnboardingFake):
    requests: list[dict]
    orders: dict[str, dict]
    payments: dict[str, dict]
    refunds: dict[str, dict]
    lock: object

    def _init_route(self) -> None:
        self.accounts: dict[str, dict] = {}
        self.stakeholders: dict[str, dict] = {}
        self.products: dict[str, dict] = {}          # product id -> configuration
        self.transfers: dict[str, dict] = {}
        self.transfer_payment: dict[str, str] = {}   # transfer id -> the payment it came from
        self.reversals: dict[str, dict] = {}
        self.settlements: dict[str, dict] = {}
        self.linked_balance: dict[str, int] = {}     # set to limit what a linked account holds for reversals
        self.route_review = "under_review"           # after valid settlements: under_review or activated

    # Test-driving: what Razorpay's review, the customer and the bank do ------------------------------------------
    def product_of(self, account_id: str) -> dict:
        return next(p for p in self.products.values() if p["account_id"] == account_id)

    def activate(self, account_id: str) -> dict:
        with self.lock:
            product = self.product_of(account_id)
            product.update(activation_status="activated", requirements=[])
            return dict(product)

    def review(self, account_id: str) -> dict:
        with self.lock:
            self.product_of(account_id).update(activation_status="under_review", requirements=[])
            return dict(self.product_of(account_id))

    def require(self, account_id: str, field_reference: str, reason_code: str = "field_missing",
                description: str | None = None) -> dict:
        """Razorpay asks for something: needs_clarification with this requirement added."""
        with self.lock:
            product = self.product_of(account_id)
            requirement = {"field_reference": field_reference, "reason_code": reason_code, "status": "required",
                           "resolution_url": f"/accounts/{account_id}/products/{product['id']}"}
            if description:
                requirement["description"] = description
            product["requirements"].append(requirement)
            product["activation_status"] = "needs_clarification"
            return dict(product)

    def suspend(self, account_id: str) -> dict:
        with self.lock:
            self.accounts[account_id]["status"] = "suspended"
            self.product_of(account_id)["activation_status"] = "suspended"
            return dict(self.product_of(account_id))

    def settle(self, transfer_id: str) -> dict:
        """The bank step: a released transfer is settled to the linked account (setl_…, a UTR)."""
        with self.lock:
            transfer = self.transfers[transfer_id]
            assert transfer["settlement_status"] == "pending", transfer
            settlement = {"id": _rid("setl"), "entity": "settlement",
                          "amount": transfer["amount"] - transfer["amount_reversed"], "status": "processed",
                          "fees": 0, "tax": 0, "utr": secrets.token_hex(8).upper(), "created_at": int(time.time())}
            self.settlements[settlement["id"]] = settlement
            transfer.update(settlement_status="settled", recipient_settlement_id=settlement["id"])
            return dict(transfer)

    def fail_transfer(self, transfer_id: str, code: str = "BAD_REQUEST_TRANSFER_INSUFFICIENT_BALANCE",
                      reason: str = "insufficient_balance") -> dict:
        with self.lock:
            transfer = self.transfers[transfer_id]
            transfer.update(status="failed", settlement_status=None,
                            error={**transfer["error"], "code": code, "reason": reason,
                                   "description": "The transfer failed."})
            return dict(transfer)

    def route_webhook(self, event: str, account_id: str | None = None, transfer_id: str | None = None,
                      secret: str | None = None) -> tuple[bytes, dict]:
        """A signed Route webhook as Razorpay sends it: product.route.{under_review,needs_clarification,activated}
        for a linked account, or transfer.{processed,failed} for a transfer."""
        from tests.fake_razorpay import WEBHOOK_SECRET, signed_event

        if event.startswith("product.route."):
            product = self.product_of(account_id)
            data: list | dict = ({"requirements": product["requirements"]}
                                 if event.endswith("needs_clarification") else [])
            entity = {"id": product["id"], "merchant_id": account_id, "activation_status": event.rsplit(".", 1)[1]}
            return signed_event(event, {"merchant_product": {"entity": entity, "data": data}},
                                secret or WEBHOOK_SECRET, account_id=account_id)
        return signed_event(event, {"transfer": {"entity": dict(self.transfers[transfer_id])}},
                            secret or WEBHOOK_SECRET)

    # Hooks the orders, payments and refunds of tests/fake_razorpay.py call (under the lock) -----------------------
    def check_transfers(self, transfers: list, limit: int) -> tuple[int, dict] | None:
        if not isinstance(transfers, list) or not transfers:
            return bad("The transfers field is required.", field="transfers")
        for t in transfers:
            if t.get("currency", "INR") != "INR":
                return bad("We support route transfers only in INR.", field="currency")
            if not isinstance(t.get("amount"), int) or t["amount"] <= 0:
                return bad("The amount must be an integer.", field="amount")
            if t.get("account") not in self.accounts:
                return bad(f"The account {t.get('account')} does not exist.", field="account")
            status = next((p["activation_status"] for p in self.products.values()
                           if p["account_id"] == t["account"]), "requested")
            if status != "activated":  # our words: Razorpay's are not documented
                return bad(f"The linked account {t['account']} is not activated for route ({status}).",
                           reason="linked_account_not_activated", field="account")
        if sum(t["amount"] for t in transfers) > limit:
            return bad("The sum of amount requested for transfer is greater than the captured amount.")
        return None

    def new_transfer(self, t: dict, source: str, status: str) -> dict:
        on_hold = bool(t.get("on_hold"))
        fee, tax = fees(t["amount"]) if status == "processed" else (0, 0)
        transfer = {"id": _rid("trf"), "entity": "transfer", "status": status, "source": source,
                    "recipient": t["account"], "amount": t["amount"], "currency": "INR", "amount_reversed": 0,
                    "fees": fee, "tax": tax, "notes": t.get("notes", {}),
                    "linked_account_notes": t.get("linked_account_notes", []), "on_hold": on_hold,
                    "on_hold_until": t.get("on_hold_until"),
                    "settlement_status": ("on_hold" if on_hold else "pending") if status == "processed" else None,
                    "recipient_settlement_id": None, "created_at": int(time.time()),
                    "processed_at": int(time.time()) if status == "processed" else None,
                    "error": {"code": None, "description": None, "reason": None, "field": None, "step": None,
                              "id": None, "source": None, "metadata": None}}
        self.transfers[transfer["id"]] = transfer
        return transfer

    def capture_transfers(self, payment: dict) -> None:
        """A captured payment on an order with transfers: they are processed (held or pending settlement)."""
        for transfer in self.transfers.values():
            if transfer["source"] == payment["order_id"] and transfer["status"] == "created":
                fee, tax = fees(transfer["amount"])
                transfer.update(status="processed", fees=fee, tax=tax, processed_at=int(time.time()),
                                settlement_status="on_hold" if transfer["on_hold"] else "pending")
                self.transfer_payment[transfer["id"]] = payment["id"]

    def of_payment(self, payment_id: str) -> list[dict]:
        return [t for i, t in self.transfers.items() if self.transfer_payment.get(i) == payment_id]

    def balance(self, account_id: str) -> int:
        if account_id in self.linked_balance:
            return self.linked_balance[account_id]
        return 10 ** 12

    def reverse(self, transfer: dict, amount: int | None, notes: dict, refund_id: str | None = None):
        left = transfer["amount"] - transfer["amount_reversed"]
        amount = left if amount is None else amount
        if transfer["status"] not in ("processed", "partially_reversed"):
            return bad(f"The transfer cannot be reversed in its current state ({transfer['status']}).")
        if not isinstance(amount, int) or amount <= 0 or amount > left:
            return bad("The reversal amount is greater than the amount of the transfer not yet reversed.",
                       field="amount")
        if amount > self.balance(transfer["recipient"]):  # our words: Razorpay's are not documented
            return bad("The linked account does not have sufficient balance for this reversal.",
                       reason="insufficient_balance")
        if transfer["recipient"] in self.linked_balance:
            self.linked_balance[transfer["recipient"]] -= amount
        reversal = {"id": _rid("rvrsl"), "entity": "reversal", "transfer_id": transfer["id"], "amount": amount,
                    "fee": 0, "tax": 0, "currency": "INR", "notes": notes, "initiator_id": None,
                    "customer_refund_id": refund_id, "created_at": int(time.time())}
        self.reversals[reversal["id"]] = reversal
        transfer["amount_reversed"] += amount
        transfer["status"] = "reversed" if transfer["amount_reversed"] == transfer["amount"] else "partially_reversed"
        return 200, reversal

    def reverse_all(self, payment: dict, amount: int) -> tuple[int, dict] | None:
        """reverse_all on a refund: every transfer of the payment back first (all or nothing)."""
        live = [t for t in self.of_payment(payment["id"]) if t["status"] in ("processed", "partially_reversed")]
        if amount < payment["amount"] and len({t["recipient"] for t in live}) > 1:
            return bad("reverse_all is not allowed for a partial refund of a payment transferred to several accounts.")
        for t in live:
            if t["amount"] - t["amount_reversed"] > self.balance(t["recipient"]):
                return bad("The linked account does not have sufficient balance for this reversal.",
                           reason="insufficient_balance")
        for t in live:
            self.reverse(t, None, {})
        return None

    # The API: /v2/accounts…, /v1/payments/:id/transfers, /v1/transfers… -------------------------------------------
    def route_api(self, method: str, url: str, body: dict, headers: dict | None = None) -> tuple[int, dict] | None:
        parts = urlsplit(url)
        path, query = parts.path, parse_qs(parts.query)
        if method == "POST" and path == "/v1/transfers":
            return self._direct_transfer(body, {k.lower(): v for k, v in (headers or {}).items()})
        if method == "POST" and path == "/v2/accounts":
            return self._create_account(body)
        if (answer := self.onboarding_api(method, path, body)) is not None:
            return answer
        if m := re.fullmatch(r"/v2/accounts/(acc_\w+)", path):
            account = self.accounts.get(m[1])
            return (200, account) if account else bad("The id provided does not exist", field="id")
        if m := re.fullmatch(r"/v2/accounts/(acc_\w+)/stakeholders", path):
            if m[1] not in self.accounts:
                return bad("Linked account does not exist", reason="linked_account_id_does_not_exist")
            if not body.get("name") or not body.get("email"):
                return bad("The name and email fields are required.")
            stakeholder = {**body, "id": _rid("sth"), "entity": "stakeholder", "account_id": m[1]}
            self.stakeholders[stakeholder["id"]] = stakeholder
            return 200, stakeholder
        if (m := re.fullmatch(r"/v2/accounts/(acc_\w+)/products", path)) and method == "POST":
            return self._request_product(m[1], body)
        if m := re.fullmatch(r"/v2/accounts/(acc_\w+)/products/(acc_prd_\w+)", path):
            product = self.products.get(m[2])
            if product is None or product["account_id"] != m[1]:
                return bad("The id provided does not exist", field="id")
            if method == "PATCH":
                self._update_product(product, body)
            return 200, product
        if (m := re.fullmatch(r"/v1/payments/(pay_\w+)/transfers", path)):
            if method == "GET":
                items = self.of_payment(m[1])
                return 200, {"entity": "collection", "count": len(items), "items": items}
            return self._transfer_from_payment(m[1], body)
        if m := re.fullmatch(r"/v1/transfers/(trf_\w+)/reversals", path):
            transfer = self.transfers.get(m[1])
            if transfer is None:
                return bad("The id provided does not exist", field="id")
            if method == "GET":
                items = [r for r in self.reversals.values() if r["transfer_id"] == m[1]]
                return 200, {"entity": "collection", "count": len(items), "items": items}
            return self.reverse(transfer, body.get("amount"), body.get("notes", {}))
        if m := re.fullmatch(r"/v1/transfers/(trf_\w+)", path):
            transfer = self.transfers.get(m[1])
            if transfer is None:
                return bad("The id provided does not exist", field="id")
            if method == "PATCH":
                return self._hold(transfer, body)
            answer = dict(transfer)
            if "recipient_settlement" in query.get("expand[]", []) and transfer["recipient_settlement_id"]:
                answer["recipient_settlement"] = self.settlements[transfer["recipient_settlement_id"]]
            return 200, answer
        return None

    def _create_account(self, body: dict) -> tuple[int, dict]:
        # Field lengths from the linked account entity (docs/payments.md §1a).
        if len(str(body.get("reference_id") or "")) > 20:
            return bad("The reference id may not be greater than 20 characters.", field="reference_id")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", str(body.get("email") or "")):
            return bad("The email must be a valid email address.", field="email")
        if not 8 <= len(str(body.get("phone") or "")) <= 15:
            return bad("The phone must be between 8 and 15 characters.", field="phone")
        if not 4 <= len(str(body.get("legal_business_name") or "")) <= 200:
            return bad("The legal business name must be between 4 and 200 characters.", field="legal_business_name")
        if "contact_name" in body and not 4 <= len(str(body["contact_name"])) <= 255:
            return bad("The contact name must be between 4 and 255 characters.", field="contact_name")
        if body.get("type") != "route":
            return bad("The type field is invalid.", field="type")
        if (refused := self.check_profile(body.get("profile")) or self.existing_email(body["email"])):
            return refused
        account = {**body, "id": _rid("acc"), "type": "route", "status": "created", "notes": body.get("notes", []),
                   "customer_facing_business_name": body.get("customer_facing_business_name",
                                                             body["legal_business_name"]),
                   "created_at": int(time.time())}
        self.accounts[account["id"]] = account
        return 200, account

    def _request_product(self, account_id: str, body: dict) -> tuple[int, dict]:
        if account_id not in self.accounts:
            return bad("Linked account does not exist", reason="linked_account_id_does_not_exist")
        if body.get("product_name") != "route":
            return bad("The product name is invalid.", field="product_name")
        existing = [p for p in self.products.values() if p["account_id"] == account_id]
        if existing:
            return 200, existing[0]
        pid = "acc_prd_" + _rid("x")[2:]
        url = f"/accounts/{account_id}/products/{pid}"
        product = {"id": pid, "account_id": account_id, "product_name": "route",
                   "activation_status": "needs_clarification", "requested_at": int(time.time()),
                   "tnc": {"id": _rid("tnc"), "accepted": bool(body.get("tnc_accepted")),
                           "accepted_at": int(time.time())},
                   "requested_configuration": [],
                   "active_configuration": {"settlements": {"account_number": None, "ifsc_code": None,
                                                            "beneficiary_name": None}},
                   "requirements": [{"field_reference": f"settlements.{f}", "resolution_url": url,
                                     "reason_code": "field_missing", "status": "required"}
                                    for f in ("beneficiary_name", "account_number", "ifsc_code")]}
        self.products[pid] = product
        return 200, product

    def _update_product(self, product: dict, body: dict) -> None:
        settlements = body.get("settlements") or {}
        checks = {"account_number": r"[0-9]{5,35}", "ifsc_code": r"[A-Z]{4}0[A-Z0-9]{6}", "beneficiary_name": r".{2,}"}
        missing = [f for f, rx in checks.items() if not re.fullmatch(rx, str(settlements.get(f) or ""))]
        url = f"/accounts/{product['account_id']}/products/{product['id']}"
        product["requirements"] = [{"field_reference": f"settlements.{f}", "resolution_url": url,
                                    "reason_code": "field_missing", "status": "required"} for f in missing]
        if body.get("tnc_accepted"):
            product["tnc"]["accepted"] = True
        if product["activation_status"] == "suspended":
            return
        if missing:
            product["activation_status"] = "needs_clarification"
            return
        product["active_configuration"]["settlements"] = {f: settlements[f] for f in checks}
        product["activation_status"] = self.route_review

    def _transfer_from_payment(self, payment_id: str, body: dict) -> tuple[int, dict]:
        payment = self.payments.get(payment_id)
        if payment is None or payment["status"] != "captured":
            return bad("You can only transfer the captured payments.")
        if any(r["payment_id"] == payment_id for r in self.refunds.values()):
            return bad("You cannot request a transfer on payment once a refund has been initiated.")
        done = sum(t["amount"] for t in self.of_payment(payment_id) if t["status"] != "failed")
        refused = self.check_transfers(body.get("transfers"), payment["amount"] - done)
        if refused:
            return refused
        items = []
        for t in body["transfers"]:
            transfer = self.new_transfer(t, payment_id, "processed")
            self.transfer_payment[transfer["id"]] = payment_id
            items.append(transfer)
        return 200, {"entity": "collection", "count": len(items), "items": items}

    def _direct_transfer(self, body: dict, headers: dict) -> tuple[int, dict]:
        # An on-demand feature (docs/payments.md §2c): refused until the test enables it; X-Transfer-Idempotency makes
        # a retry the same transfer.
        if not getattr(self, "direct_transfers_enabled", False):
            return bad("This feature is not enabled for this merchant.")
        key = headers.get("x-transfer-idempotency")
        keys = self.__dict__.setdefault("direct_keys", {})
        if key and key in keys:
            return 200, self.transfers[keys[key]]
        if (refused := self.check_transfers([body], 10**12)):
            return refused
        transfer = self.new_transfer({**body, "on_hold": False}, "acc_Fake", "processed")
        if key:
            keys[key] = transfer["id"]
        return 200, transfer

    def _hold(self, transfer: dict, body: dict) -> tuple[int, dict]:
        if transfer["status"] == "created":
            return bad("The transfer is not processed yet.")
        if transfer["settlement_status"] == "settled":
            return bad("The transfer is already settled.")
        on_hold = bool(body.get("on_hold"))
        transfer.update(on_hold=on_hold, on_hold_until=body.get("on_hold_until") if on_hold else None,
                        settlement_status="on_hold" if on_hold else "pending")
        return 200, transfer

# Test: pytest tests/http/test_route_adapter.py
