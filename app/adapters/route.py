# app/adapters/route.py — Razorpay Route at the edge: linked accounts, the route product, transfers, holds, reversals (SDK and local gateway).
"""Payouts to consultants through Razorpay Route (docs/payments.md, "Payouts through Razorpay Route").
`RazorpayRoute` is mixed into RazorpayGateway: every call goes through its `_call` (a timeout, off the event
loop, SDK retries off, 4xx -> GatewayRefused, 5xx/timeout/connection -> GatewayUnavailable). `LocalRoute` is
mixed into LocalGateway: the same methods on tables and functions in schema dev (db/dev/local_route.sql),
with the same two exceptions. Amounts are integer paise; the answers are Razorpay's JSON entities.

SDK methods and the HTTP they send (razorpay 2.0.1, resources/*.py, read against the installed package):
account.create POST /v2/accounts; account.fetch GET and account.edit PATCH /v2/accounts/{id}; stakeholder.create
POST /v2/accounts/{id}/stakeholders; stakeholder.edit PATCH /v2/accounts/{id}/stakeholders/{sth}; product.requestProductConfiguration POST /v2/accounts/{id}/products;
product.fetch GET and product.edit PATCH /v2/accounts/{id}/products/{prd}; payment.transfer POST and
payment.transfers GET /v1/payments/{id}/transfers; transfer.fetch GET /v1/transfers/{id} (params as query);
transfer.edit PATCH /v1/transfers/{id}; transfer.reverse POST and transfer.reversals GET
/v1/transfers/{id}/reversals; payment.refund POST /v1/payments/{id}/refund (the later `refund(payment_id, data)`
definition wins). None of these calls is idempotent at Razorpay (only direct transfers are): a caller that
may retry records what it asked for first and reconciles with payment_transfers / transfer_reversals."""
from __future__ import annotations

from typing import Any, Protocol

ROUTE_PRODUCT = "route"


def transfer_body(transfers: list[dict]) -> list[dict]:
    """The transfers of an order or a payment as Razorpay takes them: account, integer paise, INR (Route is
    INR only), and only the documented keys. A wrong amount is a bug here, not a refusal from Razorpay."""
    out = []
    for t in transfers:
        amount = t["amount"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ValueError(f"transfer amount must be positive integer paise, not {amount!r}")
        if not str(t.get("account", "")).startswith("acc_"):
            raise ValueError(f"transfer account must be a linked account id (acc_…), not {t.get('account')!r}")
        body = {"account": t["account"], "amount": amount, "currency": t.get("currency", "INR")}
        for key in ("notes", "linked_account_notes", "on_hold", "on_hold_until"):
            if t.get(key) is not None:
                body[key] = t[key]
        if "on_hold" in body:
            body["on_hold"] = bool(body["on_hold"])
        out.append(body)
    return out


def order_transfers(quote: dict, purpose: str, reference: str) -> list[dict] | None:
    """The `transfers` of a booking's or quotation's order, from the SQL's quote (app.order_transfer: the
    consultant's share to their activated linked account, on hold until the release job lets it go), or None."""
    t = quote.get("transfer")
    if not t:
        return None
    return [{"account": t["account"], "amount": int(t["amount_paise"]), "on_hold": bool(t["on_hold"]),
             "notes": {"purpose": purpose, "reference": reference}, "linked_account_notes": ["purpose", "reference"]}]


def transfer_state(entity: dict) -> dict:
    """A transfer entity, normalised for the ledger and the jobs. Some Razorpay pages name the status
    `transfer_status`, the samples `status` (docs/payments.md §2): either is read. The expanded
    `recipient_settlement` (fetch with expand[]=recipient_settlement) gives the settlement's id, status,
    UTR and time; without it only `recipient_settlement_id` is known."""
    error = entity.get("error") or {}
    settlement = entity.get("recipient_settlement")
    settlement = settlement if isinstance(settlement, dict) else {}
    hold_until = entity.get("on_hold_until")
    return {
        "id": entity.get("id"),
        "status": entity.get("status") or entity.get("transfer_status"),
        "settlement_status": entity.get("settlement_status"),
        "source": entity.get("source"),
        "recipient": entity.get("recipient"),
        "amount": int(entity.get("amount") or 0),
        "amount_reversed": int(entity.get("amount_reversed") or 0),
        "fees": int(entity.get("fees") or 0),
        "tax": int(entity.get("tax") or 0),
        "on_hold": bool(entity.get("on_hold")),
        "on_hold_until": int(hold_until) if hold_until else None,
        "recipient_settlement_id": entity.get("recipient_settlement_id") or settlement.get("id"),
        "settlement_id": settlement.get("id") or entity.get("recipient_settlement_id"),
        "settlement_state": settlement.get("status"),
        "settlement_utr": settlement.get("utr"),
        "settled_at": settlement.get("created_at"),
        "processed_at": entity.get("processed_at"),
        "error_code": error.get("code"),
        "error_reason": error.get("reason"),
        "error_description": error.get("description"),
    }


class RouteGateway(Protocol):
    """What the payout side needs from Razorpay Route (both gateways implement it; tests check the signatures)."""

    async def create_linked_account(self, data: dict) -> dict: ...
    async def fetch_linked_account(self, account_id: str) -> dict: ...
    async def create_stakeholder(self, account_id: str, data: dict) -> dict: ...
    async def update_linked_account(self, account_id: str, data: dict) -> dict: ...
    async def update_stakeholder(self, account_id: str, stakeholder_id: str, data: dict) -> dict: ...
    async def request_route_product(self, account_id: str, tnc_accepted: bool = True) -> dict: ...
    async def update_route_product(self, account_id: str, product_id: str, settlements: dict,
                                   tnc_accepted: bool = True) -> dict: ...
    async def fetch_route_product(self, account_id: str, product_id: str) -> dict: ...
    async def transfer_from_payment(self, payment_id: str, transfers: list[dict]) -> list[dict]: ...
    async def payment_transfers(self, payment_id: str) -> list[dict]: ...
    async def fetch_transfer(self, transfer_id: str, expand_settlement: bool = True) -> dict: ...
    async def set_transfer_hold(self, transfer_id: str, on_hold: bool, on_hold_until: int | None = None) -> dict: ...
    async def reverse_transfer(self, transfer_id: str, amount_paise: int | None = None,
                               notes: dict[str, str] | None = None) -> dict: ...
    async def transfer_reversals(self, transfer_id: str) -> list[dict]: ...
    async def direct_transfer(self, account_id: str, amount_paise: int, idempotency_key: str,
                              notes: dict[str, str] | None = None) -> dict: ...


IMMUTABLE_ACCOUNT_FIELDS = ("business_type", "email", "type", "reference_id")


def _mutable(data: dict) -> dict:
    """A linked account update without what Razorpay does not let change (business_type, email) or never changes."""
    return {k: v for k, v in data.items() if k not in IMMUTABLE_ACCOUNT_FIELDS}


def _hold_body(on_hold: bool, on_hold_until: int | None) -> dict:
    body: dict[str, Any] = {"on_hold": bool(on_hold)}
    if on_hold and on_hold_until is not None:
        body["on_hold_until"] = int(on_hold_until)
    return body


class RazorpayRoute:
    """Route through the official SDK; mixed into RazorpayGateway (which provides `client` and `_call`)."""

    client: Any
    _call: Any

    async def create_linked_account(self, data: dict) -> dict:
        """POST /v2/accounts with type route. reference_id is at most 20 characters at Razorpay."""
        return await self._call(self.client.account.create, {"type": "route", **data})

    async def fetch_linked_account(self, account_id: str) -> dict:
        return await self._call(self.client.account.fetch, account_id)

    async def create_stakeholder(self, account_id: str, data: dict) -> dict:
        return await self._call(self.client.stakeholder.create, account_id, data)

    async def update_linked_account(self, account_id: str, data: dict) -> dict:
        """PATCH /v2/accounts/:id: any field but business_type and email (Razorpay's update page), so those two
        are never sent; while a product needs clarification Razorpay takes only the fields it asked about."""
        return await self._call(self.client.account.edit, account_id, _mutable(data))

    async def update_stakeholder(self, account_id: str, stakeholder_id: str, data: dict) -> dict:
        """PATCH /v2/accounts/:id/stakeholders/:sth (name, phone, addresses, kyc…)."""
        return await self._call(self.client.stakeholder.edit, account_id, stakeholder_id, data)

    async def request_route_product(self, account_id: str, tnc_accepted: bool = True) -> dict:
        """The answer lists what is still missing (requirements: settlements.* field_missing) and is
        `needs_clarification` in Razorpay's sample until the bank account is given."""
        return await self._call(self.client.product.requestProductConfiguration, account_id,
                                {"product_name": ROUTE_PRODUCT, "tnc_accepted": bool(tnc_accepted)})

    async def update_route_product(self, account_id: str, product_id: str, settlements: dict,
                                   tnc_accepted: bool = True) -> dict:
        """PATCH the settlement bank account {account_number, ifsc_code, beneficiary_name}."""
        body = {"settlements": {k: settlements[k] for k in ("account_number", "ifsc_code", "beneficiary_name")
                                if k in settlements}, "tnc_accepted": bool(tnc_accepted)}
        return await self._call(self.client.product.edit, account_id, product_id, body)

    async def fetch_route_product(self, account_id: str, product_id: str) -> dict:
        return await self._call(self.client.product.fetch, account_id, product_id)

    async def transfer_from_payment(self, payment_id: str, transfers: list[dict]) -> list[dict]:
        """POST /v1/payments/:id/transfers (payment captured, no refund initiated, total within the payment)."""
        answer = await self._call(self.client.payment.transfer, payment_id, {"transfers": transfer_body(transfers)})
        return answer.get("items", []) if answer.get("entity") == "collection" or "items" in answer else [answer]

    async def payment_transfers(self, payment_id: str) -> list[dict]:
        return (await self._call(self.client.payment.transfers, payment_id)).get("items", [])

    async def fetch_transfer(self, transfer_id: str, expand_settlement: bool = True) -> dict:
        """GET /v1/transfers/:id, with expand[]=recipient_settlement by default (documented on the list
        endpoint; sent here too — without it the answer still carries recipient_settlement_id)."""
        params = {"expand[]": "recipient_settlement"} if expand_settlement else {}
        return await self._call(self.client.transfer.fetch, transfer_id, params)

    async def set_transfer_hold(self, transfer_id: str, on_hold: bool, on_hold_until: int | None = None) -> dict:
        """PATCH /v1/transfers/:id: {"on_hold": false} releases the money for settlement."""
        return await self._call(self.client.transfer.edit, transfer_id, _hold_body(on_hold, on_hold_until))

    async def reverse_transfer(self, transfer_id: str, amount_paise: int | None = None,
                               notes: dict[str, str] | None = None) -> dict:
        """POST /v1/transfers/:id/reversals; no amount = the whole (remaining) transfer."""
        body: dict[str, Any] = {"notes": notes or {}}
        if amount_paise is not None:
            body["amount"] = int(amount_paise)
        return await self._call(self.client.transfer.reverse, transfer_id, body)

    async def transfer_reversals(self, transfer_id: str) -> list[dict]:
        return (await self._call(self.client.transfer.reversals, transfer_id)).get("items", [])

    async def direct_transfer(self, account_id: str, amount_paise: int, idempotency_key: str,
                              notes: dict[str, str] | None = None) -> dict:
        """POST /v1/transfers from the platform's own balance (an on-demand Razorpay feature: the
        `route_direct_transfers` setting says it is enabled). The only Route call Razorpay makes idempotent:
        X-Transfer-Idempotency (4 to 36 characters, the same body on a retry)."""
        [body] = transfer_body([{"account": account_id, "amount": amount_paise, "notes": notes or {}}])
        return await self._call(self.client.transfer.create, body, headers={"X-Transfer-Idempotency": idempotency_key})


class LocalRoute:
    """Route on the local gateway (db/dev/local_route.sql); mixed into LocalGateway (which provides
    `_refusable`: a named query whose NK4xx refusal becomes GatewayRefused, NK5xx GatewayUnavailable)."""

    _refusable: Any

    async def create_linked_account(self, data: dict) -> dict:
        from app.adapters.payments import razorpay_id

        return await self._refusable("local_route_create_account", id=razorpay_id("acc"), data=data)

    async def fetch_linked_account(self, account_id: str) -> dict:
        return await self._refusable("local_route_account", account_id=account_id)

    async def create_stakeholder(self, account_id: str, data: dict) -> dict:
        from app.adapters.payments import razorpay_id

        return await self._refusable("local_route_create_stakeholder", account_id=account_id,
                                     id=razorpay_id("sth"), data=data)

    async def update_linked_account(self, account_id: str, data: dict) -> dict:
        return await self._refusable("local_route_update_account", account_id=account_id, data=_mutable(data))

    async def update_stakeholder(self, account_id: str, stakeholder_id: str, data: dict) -> dict:
        return await self._refusable("local_route_update_stakeholder", account_id=account_id,
                                     stakeholder_id=stakeholder_id, data=data)

    async def request_route_product(self, account_id: str, tnc_accepted: bool = True) -> dict:
        from app.adapters.payments import razorpay_id

        return await self._refusable("local_route_request_product", account_id=account_id,
                                     id="acc_prd_" + razorpay_id("x")[2:], tnc_accepted=bool(tnc_accepted))

    async def update_route_product(self, account_id: str, product_id: str, settlements: dict,
                                   tnc_accepted: bool = True) -> dict:
        return await self._refusable("local_route_update_product", account_id=account_id, product_id=product_id,
                                     settlements=settlements, tnc_accepted=bool(tnc_accepted))

    async def fetch_route_product(self, account_id: str, product_id: str) -> dict:
        return await self._refusable("local_route_product", account_id=account_id, product_id=product_id)

    async def transfer_from_payment(self, payment_id: str, transfers: list[dict]) -> list[dict]:
        return (await self._refusable("local_route_transfer_from_payment", payment_id=payment_id,
                                      transfers=transfer_body(transfers)))["items"]

    async def payment_transfers(self, payment_id: str) -> list[dict]:
        return (await self._refusable("local_route_payment_transfers", payment_id=payment_id))["items"]

    async def fetch_transfer(self, transfer_id: str, expand_settlement: bool = True) -> dict:
        return await self._refusable("local_route_fetch_transfer", transfer_id=transfer_id,
                                     expand=bool(expand_settlement))

    async def set_transfer_hold(self, transfer_id: str, on_hold: bool, on_hold_until: int | None = None) -> dict:
        return await self._refusable("local_route_set_hold", transfer_id=transfer_id, on_hold=bool(on_hold),
                                     on_hold_until=on_hold_until if on_hold else None)

    async def reverse_transfer(self, transfer_id: str, amount_paise: int | None = None,
                               notes: dict[str, str] | None = None) -> dict:
        from app.adapters.payments import razorpay_id

        return await self._refusable("local_route_reverse", transfer_id=transfer_id, id=razorpay_id("rvrsl"),
                                     amount_paise=amount_paise, notes=notes or {})

    async def transfer_reversals(self, transfer_id: str) -> list[dict]:
        return (await self._refusable("local_route_reversals", transfer_id=transfer_id))["items"]

    async def direct_transfer(self, account_id: str, amount_paise: int, idempotency_key: str,
                              notes: dict[str, str] | None = None) -> dict:
        """The local gateway stands for a Razorpay account without the on-demand direct transfers: refused, as
        Razorpay refuses them until its support enables them (leave route_direct_transfers at 0 locally)."""
        from app.adapters.payments import GatewayRefused

        raise GatewayRefused("This feature is not enabled for this merchant (direct transfers are on demand).")

# Test: pytest tests/http/test_route_adapter.py
