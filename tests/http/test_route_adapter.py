# tests/http/test_route_adapter.py — Razorpay Route at the edge: the real adapter through the official SDK against the fake, and the local gateway's Route on the test database.
from __future__ import annotations

import inspect
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from app.adapters.payments import (
    Gateway,
    GatewayRefused,
    GatewayUnavailable,
    LocalGateway,
    RazorpayGateway,
    verify_webhook_signature,
)
from app.adapters.route import transfer_body, transfer_state
from tests.fake_razorpay import WEBHOOK_SECRET, FakeRazorpay

SECRET = "rzp_test_secret_abc123"
ACCOUNT = {"email": "asha.rao@example.com", "phone": "9000090000", "reference_id": "nk_c_0001",
           "legal_business_name": "Asha Rao Consulting", "business_type": "individual", "contact_name": "Asha Rao",
           "profile": {"category": "healthcare", "subcategory": "clinic"}}
BANK = {"account_number": "1234567890", "ifsc_code": "HDFC0000317", "beneficiary_name": "Asha Rao"}


@pytest.fixture
def fake():
    f = FakeRazorpay()
    yield f
    f.close()


@pytest.fixture
def gw(fake):
    return RazorpayGateway("rzp_test_key", SECRET, base_url=fake.url, timeout=2)


async def activated(gw, fake=None, **overrides) -> str:
    """A linked account through the four documented steps, activated (by the fake's review, or on its own locally)."""
    account = await gw.create_linked_account({**ACCOUNT, **overrides})
    await gw.create_stakeholder(account["id"], {"name": "Asha Rao", "email": ACCOUNT["email"],
                                                "kyc": {"pan": "AVOPB1111K"}})
    product = await gw.request_route_product(account["id"])
    await gw.update_route_product(account["id"], product["id"], BANK)
    if fake is not None:
        fake.activate(account["id"])
    return account["id"]


# The SDK against the fake -------------------------------------------------------------------------------------------

async def test_onboarding_walks_the_documented_steps_and_statuses(gw, fake):
    account = await gw.create_linked_account(ACCOUNT)
    sent = fake.requests[-1]
    assert (sent["method"], sent["path"]) == ("POST", "/v2/accounts")
    assert sent["body"]["type"] == "route" and sent["body"]["reference_id"] == "nk_c_0001"
    assert account["id"].startswith("acc_") and account["status"] == "created"
    assert (await gw.fetch_linked_account(account["id"]))["email"] == ACCOUNT["email"]
    sth = await gw.create_stakeholder(account["id"], {"name": "Asha Rao", "email": ACCOUNT["email"]})
    assert sth["entity"] == "stakeholder" and fake.requests[-1]["path"] == f"/v2/accounts/{account['id']}/stakeholders"
    product = await gw.request_route_product(account["id"])
    assert fake.requests[-1]["body"] == {"product_name": "route", "tnc_accepted": True}
    # Razorpay's sample: needs_clarification until the bank account is given.
    assert product["activation_status"] == "needs_clarification" and product["id"].startswith("acc_prd_")
    assert {r["field_reference"] for r in product["requirements"]} == {
        "settlements.account_number", "settlements.ifsc_code", "settlements.beneficiary_name"}
    bad_ifsc = await gw.update_route_product(account["id"], product["id"], {**BANK, "ifsc_code": "HDFC317"})
    assert bad_ifsc["activation_status"] == "needs_clarification"
    assert [r["field_reference"] for r in bad_ifsc["requirements"]] == ["settlements.ifsc_code"]
    review = await gw.update_route_product(account["id"], product["id"], BANK)
    sent = fake.requests[-1]
    assert (sent["method"], sent["path"]) == ("PATCH", f"/v2/accounts/{account['id']}/products/{product['id']}")
    assert sent["body"] == {"settlements": BANK, "tnc_accepted": True}
    assert review["activation_status"] == "under_review" and review["requirements"] == []
    fake.require(account["id"], "kyc.pan", "kyc_failed", "The PAN does not match the name.")
    clarify = await gw.fetch_route_product(account["id"], product["id"])
    assert clarify["activation_status"] == "needs_clarification"
    [req] = clarify["requirements"]
    assert (req["field_reference"], req["reason_code"], req["status"]) == ("kyc.pan", "kyc_failed", "required")
    fake.activate(account["id"])
    assert (await gw.fetch_route_product(account["id"], product["id"]))["activation_status"] == "activated"
    fake.suspend(account["id"])
    assert (await gw.fetch_route_product(account["id"], product["id"]))["activation_status"] == "suspended"
    assert (await gw.fetch_linked_account(account["id"]))["status"] == "suspended"


@pytest.mark.parametrize("field, value, words", [("reference_id", "x" * 21, "20 characters"),
                                                 ("phone", "1234567", "8 and 15"),
                                                 ("legal_business_name", "Abc", "4 and 200"),
                                                 ("email", "not-an-email", "email")])
async def test_linked_account_fields_are_checked_like_razorpay(gw, field, value, words):
    with pytest.raises(GatewayRefused, match=words):
        await gw.create_linked_account({**ACCOUNT, field: value})


async def test_onboarding_refusals(gw, fake):
    with pytest.raises(GatewayRefused, match="Linked account does not exist"):
        await gw.request_route_product("acc_Nope0000000000")
    account = await gw.create_linked_account(ACCOUNT)
    with pytest.raises(GatewayRefused, match="does not exist"):
        await gw.fetch_route_product(account["id"], "acc_prd_Nope0000000000")


async def test_order_transfers_are_held_then_released_and_settled(gw, fake):
    acc = await activated(gw, fake)
    order = await gw.create_order(149950, "sess_1", {"session_id": "s"}, transfers=[
        {"account": acc, "amount": 120000, "notes": {"session_id": "s"}, "linked_account_notes": ["session_id"],
         "on_hold": True}])
    sent = fake.calls("POST", "/v1/orders")[-1]["body"]
    assert sent["transfers"] == [{"account": acc, "amount": 120000, "currency": "INR", "notes": {"session_id": "s"},
                                  "linked_account_notes": ["session_id"], "on_hold": True}]
    assert [t["status"] for t in order["transfers"]] == ["created"]
    trf = order["transfers"][0]["id"]
    paid = fake.pay(order["id"])
    [held] = await gw.payment_transfers(paid["id"])
    assert fake.requests[-1]["path"] == f"/v1/payments/{paid['id']}/transfers"
    state = transfer_state(held)
    assert (state["id"], state["status"], state["settlement_status"], state["on_hold"]) == (
        trf, "processed", "on_hold", True)
    assert state["fees"] > state["tax"] > 0 and state["recipient"] == acc
    released = await gw.set_transfer_hold(trf, False)
    sent = fake.requests[-1]
    assert (sent["method"], sent["path"], sent["body"]) == ("PATCH", f"/v1/transfers/{trf}", {"on_hold": False})
    assert (released["settlement_status"], released["on_hold"]) == ("pending", False)
    again = await gw.set_transfer_hold(trf, True, 1_900_000_000)
    assert fake.requests[-1]["body"] == {"on_hold": True, "on_hold_until": 1_900_000_000}
    assert transfer_state(again)["on_hold_until"] == 1_900_000_000
    await gw.set_transfer_hold(trf, False)
    fake.settle(trf)
    settled = transfer_state(await gw.fetch_transfer(trf))
    query = parse_qs(urlsplit(fake.requests[-1]["path"]).query)
    assert query == {"expand[]": ["recipient_settlement"]}
    assert settled["settlement_status"] == "settled" and settled["recipient_settlement_id"].startswith("setl_")
    assert settled["settlement_utr"] and settled["settlement_state"] == "processed" and settled["settled_at"]
    plain = await gw.fetch_transfer(trf, expand_settlement=False)
    assert "recipient_settlement" not in plain and urlsplit(fake.requests[-1]["path"]).query == ""
    with pytest.raises(GatewayRefused, match="already settled"):
        await gw.set_transfer_hold(trf, True)


async def test_transfers_only_to_activated_accounts_and_within_the_amount(gw, fake):
    account = await gw.create_linked_account(ACCOUNT)
    await gw.request_route_product(account["id"])
    with pytest.raises(GatewayRefused, match="not activated"):
        await gw.create_order(10000, "r", {}, transfers=[{"account": account["id"], "amount": 5000}])
    fake.activate(account["id"])
    with pytest.raises(GatewayRefused, match="greater than"):
        await gw.create_order(10000, "r", {}, transfers=[{"account": account["id"], "amount": 10001}])
    fake.suspend(account["id"])
    with pytest.raises(GatewayRefused, match="suspended"):
        await gw.create_order(10000, "r", {}, transfers=[{"account": account["id"], "amount": 5000}])
    # The old signature still works, with no transfers sent.
    order = await gw.create_order(10000, "r", {})
    assert "transfers" not in fake.calls("POST", "/v1/orders")[-1]["body"] and "transfers" not in order


async def test_transfer_from_a_payment_and_the_refund_rule(gw, fake):
    acc = await activated(gw, fake)
    order = await gw.create_order(100000, "r", {})
    paid = fake.pay(order["id"])
    [trf] = await gw.transfer_from_payment(paid["id"], [{"account": acc, "amount": 80000, "on_hold": 1}])
    assert fake.requests[-1]["body"] == {"transfers": [{"account": acc, "amount": 80000, "currency": "INR",
                                                        "on_hold": True}]}
    assert (trf["source"], trf["status"], trf["settlement_status"]) == (paid["id"], "processed", "on_hold")
    with pytest.raises(GatewayRefused, match="greater than the captured amount"):
        await gw.transfer_from_payment(paid["id"], [{"account": acc, "amount": 20001}])
    assert [t["id"] for t in await gw.payment_transfers(paid["id"])] == [trf["id"]]
    await gw.refund(paid["id"], 1000, "rk-1", {})
    with pytest.raises(GatewayRefused, match="once a refund has been initiated"):
        await gw.transfer_from_payment(paid["id"], [{"account": acc, "amount": 100}])
    unpaid = await gw.create_order(100000, "r", {})
    with pytest.raises(GatewayRefused):
        await gw.transfer_from_payment("pay_Nope0000000000", [{"account": acc, "amount": 100}])
    assert unpaid["status"] == "created"


async def test_reversals_partial_full_and_short_balance(gw, fake):
    acc = await activated(gw, fake)
    paid = fake.pay((await gw.create_order(100000, "r", {}, transfers=[{"account": acc, "amount": 90000,
                                                                         "on_hold": True}]))["id"])
    [trf] = await gw.payment_transfers(paid["id"])
    part = await gw.reverse_transfer(trf["id"], 30000, {"reason": "partial"})
    assert fake.requests[-1]["body"] == {"amount": 30000, "notes": {"reason": "partial"}}
    assert (part["entity"], part["transfer_id"], part["amount"]) == ("reversal", trf["id"], 30000)
    assert transfer_state(await gw.fetch_transfer(trf["id"]))["amount_reversed"] == 30000
    assert (await gw.fetch_transfer(trf["id"]))["status"] == "partially_reversed"
    with pytest.raises(GatewayRefused, match="not yet reversed"):
        await gw.reverse_transfer(trf["id"], 60001)
    fake.linked_balance[acc] = 100
    with pytest.raises(GatewayRefused, match="balance"):
        await gw.reverse_transfer(trf["id"])
    fake.linked_balance.pop(acc)
    rest = await gw.reverse_transfer(trf["id"])
    assert fake.requests[-1]["body"] == {"notes": {}} and rest["amount"] == 60000
    assert (await gw.fetch_transfer(trf["id"]))["status"] == "reversed"
    assert [r["amount"] for r in await gw.transfer_reversals(trf["id"])] == [30000, 60000]
    assert fake.requests[-1]["path"] == f"/v1/transfers/{trf['id']}/reversals"


async def test_refund_with_reverse_all(gw, fake):
    acc = await activated(gw, fake)
    paid = fake.pay((await gw.create_order(50000, "r", {}, transfers=[{"account": acc, "amount": 40000,
                                                                        "on_hold": True}]))["id"])
    fake.linked_balance[acc] = 0
    with pytest.raises(GatewayRefused, match="balance"):
        await gw.refund(paid["id"], 50000, "rk-all", {"reason": "cancelled"}, reverse_all=True)
    assert fake.refunds == {}  # all or nothing
    fake.linked_balance.pop(acc)
    refund = await gw.refund(paid["id"], 50000, "rk-all", {"reason": "cancelled"}, reverse_all=True)
    sent = fake.calls("POST", f"/v1/payments/{paid['id']}/refund")[-1]
    assert sent["body"]["reverse_all"] is True and sent["headers"]["X-Refund-Idempotency"] == "rk-all"
    assert refund["amount"] == 50000
    [trf] = await gw.payment_transfers(paid["id"])
    assert (trf["status"], trf["amount_reversed"]) == ("reversed", 40000)
    # Without reverse_all nothing is sent for it (the old call).
    other = fake.pay((await gw.create_order(10000, "r", {}))["id"])
    await gw.refund(other["id"], 10000, "rk-2", {})
    assert "reverse_all" not in fake.calls("POST", f"/v1/payments/{other['id']}/refund")[-1]["body"]


async def test_route_failures_are_classified_and_bounded(fake):
    gw = RazorpayGateway("rzp_test_key", SECRET, base_url=fake.url, timeout=0.5)
    fake.failures = ["down"]
    with pytest.raises(GatewayUnavailable):
        await gw.create_linked_account(ACCOUNT)
    fake.failures = ["refuse"]
    with pytest.raises(GatewayRefused):
        await gw.request_route_product("acc_Any00000000000")
    fake.failures = ["hang"]  # answers after 3 s: only the 0.5 s timeout ends it
    with pytest.raises(GatewayUnavailable):
        await gw.set_transfer_hold("trf_Slow0000000000", False)
    fake.failures = ["down"]
    with pytest.raises(GatewayUnavailable):
        await gw.reverse_transfer("trf_Any00000000000", 100)
    unreachable = RazorpayGateway("k", SECRET, base_url="http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(GatewayUnavailable):
        await unreachable.fetch_transfer("trf_Any00000000000")


async def test_route_webhooks_as_razorpay_sends_them(gw, fake):
    acc = await activated(gw, fake)
    fake.require(acc, "settlements.account_number")
    body, headers = fake.route_webhook("product.route.needs_clarification", account_id=acc)
    assert verify_webhook_signature(body, headers["x-razorpay-signature"], WEBHOOK_SECRET)
    event = json.loads(body)
    assert (event["event"], event["contains"], event["account_id"]) == (
        "product.route.needs_clarification", ["merchant_product"], acc)
    mp = event["payload"]["merchant_product"]
    assert mp["entity"]["merchant_id"] == acc and mp["entity"]["activation_status"] == "needs_clarification"
    assert mp["data"]["requirements"][-1]["field_reference"] == "settlements.account_number"
    fake.activate(acc)
    activated_event = json.loads(fake.route_webhook("product.route.activated", account_id=acc)[0])
    assert activated_event["payload"]["merchant_product"]["data"] == []
    paid = fake.pay((await gw.create_order(10000, "r", {}, transfers=[{"account": acc, "amount": 5000}]))["id"])
    [trf] = await gw.payment_transfers(paid["id"])
    processed = json.loads(fake.route_webhook("transfer.processed", transfer_id=trf["id"])[0])
    assert processed["payload"]["transfer"]["entity"]["id"] == trf["id"]
    fake.fail_transfer(trf["id"])
    failed = json.loads(fake.route_webhook("transfer.failed", transfer_id=trf["id"])[0])
    state = transfer_state(failed["payload"]["transfer"]["entity"])
    assert (state["status"], state["error_code"], state["error_reason"]) == (
        "failed", "BAD_REQUEST_TRANSFER_INSUFFICIENT_BALANCE", "insufficient_balance")


# The local gateway (schema dev) -------------------------------------------------------------------------------------

@pytest.fixture
async def local(db):
    from app.sql import create_pool

    pool = await create_pool(db.url("app"))

    async def current():
        return pool

    yield LocalGateway(current, "test-data-key")
    await pool.close()


async def local_pay(db, order_id: str) -> str:
    """What the local checkout page does when a person pays (app/routes/dev.py): dev.local_gateway_pay."""
    payment_id = "pay_" + order_id[-14:]
    conn = await db.connect("app")
    try:
        await conn.execute("select dev.local_gateway_pay($1, $2, 'success', 'upi')", order_id, payment_id)
    finally:
        await conn.close()
    return payment_id


async def queued_events(db) -> list[str]:
    conn = await db.connect("owner")
    try:
        rows = await conn.fetch("select args::text from procrastinate_jobs where task_name = 'deliver_local_webhook' "
                                "order by id")
        return [json.loads(r["args"])["payload"]["event"] for r in rows]
    finally:
        await conn.close()


async def test_local_onboarding_activates_on_its_own(local, db):
    with pytest.raises(GatewayRefused, match="20 characters"):
        await local.create_linked_account({**ACCOUNT, "reference_id": "x" * 21})
    account = await local.create_linked_account(ACCOUNT)
    assert account["id"].startswith("acc_") and account["type"] == "route" and account["status"] == "created"
    assert (await local.fetch_linked_account(account["id"]))["reference_id"] == "nk_c_0001"
    sth = await local.create_stakeholder(account["id"], {"name": "Asha Rao", "email": ACCOUNT["email"]})
    assert sth["id"].startswith("sth_") and sth["entity"] == "stakeholder"
    product = await local.request_route_product(account["id"])
    assert product["activation_status"] == "needs_clarification" and len(product["requirements"]) == 3
    assert product["id"].startswith("acc_prd_")
    half = await local.update_route_product(account["id"], product["id"], {**BANK, "account_number": "12"})
    assert [r["field_reference"] for r in half["requirements"]] == ["settlements.account_number"]
    done = await local.update_route_product(account["id"], product["id"], BANK)
    assert (done["activation_status"], done["requirements"]) == ("activated", [])
    assert done["active_configuration"]["settlements"] == BANK
    assert (await local.fetch_route_product(account["id"], product["id"]))["activation_status"] == "activated"
    assert await queued_events(db) == ["product.route.activated"]
    with pytest.raises(GatewayRefused, match="does not exist"):
        await local.fetch_linked_account("acc_Nope0000000000")


async def test_local_order_transfers_hold_release_settle(local, db):
    acc = await activated(local)
    order = await local.create_order(149950, "sess_1", {"session_id": "s"}, transfers=[
        {"account": acc, "amount": 120000, "notes": {"session_id": "s"}, "linked_account_notes": ["session_id"],
         "on_hold": True}])
    assert order["id"].startswith("order_") and [t["status"] for t in order["transfers"]] == ["created"]
    trf = order["transfers"][0]["id"]
    payment_id = await local_pay(db, order["id"])
    [held] = await local.payment_transfers(payment_id)
    state = transfer_state(held)
    assert (state["id"], state["status"], state["settlement_status"], state["on_hold"], state["source"]) == (
        trf, "processed", "on_hold", True, order["id"])
    assert state["fees"] > state["tax"] > 0
    assert "transfer.processed" in await queued_events(db)
    assert (await local.fetch_transfer(trf))["settlement_status"] == "on_hold"  # held: not settled by a fetch
    released = await local.set_transfer_hold(trf, False)
    assert (released["settlement_status"], released["on_hold"]) == ("pending", False)
    settled = transfer_state(await local.fetch_transfer(trf))  # the next fetch finds it settled
    assert settled["settlement_status"] == "settled" and settled["recipient_settlement_id"].startswith("setl_")
    assert settled["settlement_utr"] and settled["settled_at"]
    assert "recipient_settlement" not in await local.fetch_transfer(trf, expand_settlement=False)
    with pytest.raises(GatewayRefused, match="already settled"):
        await local.set_transfer_hold(trf, True)
    # Settled money has left the linked account: reversing it needs a balance it does not have.
    with pytest.raises(GatewayRefused, match="balance"):
        await local.reverse_transfer(trf, 1000)


async def test_local_transfers_from_payments_reversals_and_reverse_all(local, db):
    acc = await activated(local)
    order = await local.create_order(100000, "r", {})
    payment_id = await local_pay(db, order["id"])
    [trf] = await local.transfer_from_payment(payment_id, [{"account": acc, "amount": 80000, "on_hold": True}])
    assert (trf["source"], trf["status"], trf["settlement_status"]) == (payment_id, "processed", "on_hold")
    with pytest.raises(GatewayRefused, match="greater than the captured amount"):
        await local.transfer_from_payment(payment_id, [{"account": acc, "amount": 20001}])
    part = await local.reverse_transfer(trf["id"], 30000, {"reason": "partial"})
    assert (part["entity"], part["amount"], part["notes"]) == ("reversal", 30000, {"reason": "partial"})
    assert (await local.fetch_transfer(trf["id"]))["status"] == "partially_reversed"
    with pytest.raises(GatewayRefused, match="not yet reversed"):
        await local.reverse_transfer(trf["id"], 50001)
    # reverse_all: the rest of the transfer comes back, then the refund is made.
    refund = await local.refund(payment_id, 100000, "rk-local", {"reason": "cancelled"}, reverse_all=True)
    assert refund["amount"] == 100000 and refund["id"].startswith("rfnd_")
    assert [r["amount"] for r in await local.transfer_reversals(trf["id"])] == [30000, 50000]
    after = transfer_state(await local.fetch_transfer(trf["id"]))
    assert (after["status"], after["amount_reversed"]) == ("reversed", 80000)
    again = await local.refund(payment_id, 100000, "rk-local", {}, reverse_all=True)  # same key: same refund
    assert again["id"] == refund["id"]
    with pytest.raises(GatewayRefused, match="once a refund has been initiated"):
        await local.transfer_from_payment(payment_id, [{"account": acc, "amount": 100}])


async def test_local_reverse_all_is_all_or_nothing_and_suspension_stops_transfers(local, db):
    acc = await activated(local)
    order = await local.create_order(50000, "r", {}, transfers=[{"account": acc, "amount": 40000}])
    payment_id = await local_pay(db, order["id"])
    [trf] = await local.payment_transfers(payment_id)
    await local.fetch_transfer(trf["id"])  # not on hold: pending, so this fetch settles it
    with pytest.raises(GatewayRefused, match="balance"):
        await local.refund(payment_id, 50000, "rk-short", {}, reverse_all=True)
    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select count(*) from dev.local_gateway_refunds") == 0
        await conn.execute("update dev.local_route_accounts set extra_balance_paise = 40000 where id = $1", acc)
        assert await conn.fetchval("select dev.local_route_set_status($1, 'suspended')::text", acc)
    finally:
        await conn.close()
    refund = await local.refund(payment_id, 50000, "rk-short", {}, reverse_all=True)
    assert refund["amount"] == 50000
    assert (await local.fetch_transfer(trf["id"]))["status"] == "reversed"
    assert (await local.fetch_linked_account(acc))["status"] == "suspended"
    with pytest.raises(GatewayRefused, match="suspended"):
        await local.create_order(50000, "r", {}, transfers=[{"account": acc, "amount": 100}])


# Pure parts ----------------------------------------------------------------------------------------------------------

def test_transfer_state_reads_either_status_name_and_the_expanded_settlement():
    base = {"id": "trf_1", "amount": 1000, "fees": 3, "tax": 0, "on_hold": 0, "settlement_status": "settled",
            "recipient_settlement_id": "setl_1"}
    assert transfer_state({**base, "status": "processed"})["status"] == "processed"
    assert transfer_state({**base, "transfer_status": "processed"})["status"] == "processed"
    expanded = transfer_state({**base, "status": "processed", "recipient_settlement": {
        "id": "setl_1", "status": "processed", "utr": "UTR1", "created_at": 1700000000}})
    assert (expanded["settlement_utr"], expanded["settled_at"], expanded["on_hold"]) == ("UTR1", 1700000000, False)
    bare = transfer_state({"id": "trf_2", "error": None, "on_hold_until": None})
    assert (bare["amount"], bare["error_code"], bare["on_hold_until"], bare["settlement_utr"]) == (0, None, None, None)


@pytest.mark.parametrize("bad", [{"account": "acc_1", "amount": 10.5}, {"account": "acc_1", "amount": 0},
                                 {"account": "acc_1", "amount": True}, {"account": "x", "amount": 100}])
def test_transfer_body_refuses_what_is_not_integer_paise_to_a_linked_account(bad):
    with pytest.raises(ValueError):
        transfer_body([bad])


def test_both_gateways_implement_the_protocol_with_its_signatures():
    wanted = {n: inspect.signature(f) for n, f in inspect.getmembers(Gateway, inspect.isfunction)
              if not n.startswith("_")}
    assert {"create_linked_account", "set_transfer_hold", "reverse_transfer", "create_order", "refund"} <= set(wanted)
    for cls in (RazorpayGateway, LocalGateway):
        for name, sig in wanted.items():
            impl = inspect.signature(getattr(cls, name))
            assert list(impl.parameters) == list(sig.parameters), (cls.__name__, name)
            assert [p.default for p in impl.parameters.values()] == [p.default for p in sig.parameters.values()], (
                cls.__name__, name)
            assert inspect.iscoroutinefunction(getattr(cls, name)), (cls.__name__, name)

# Test: pytest tests/http/test_route_adapter.py
