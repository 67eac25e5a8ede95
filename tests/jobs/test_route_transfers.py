# tests/jobs/test_route_transfers.py — consultants' money through Razorpay Route against the fake (the real SDK): a paid booking's order carries the held transfer, the sweep records it, releases it after the session and learns its settlement; balances that waited for activation move from the payment; refunds reverse the consultant's share, and a reversal refused for balance leaves a negative balance netted later.
from __future__ import annotations

import uuid
from decimal import Decimal

from app.adapters.payments import RazorpayGateway
from jobs.app import connected
from tests.db import factories
from tests.fake_razorpay import KEY_ID, KEY_SECRET
from tests.http.test_booking import approved_consultant, every_day
from tests.http.test_payments import (  # noqa: F401  (Razorpay's fake and the app on it)
    VERIFY,
    WEBHOOK,
    app,
    owner,
    paid_booking,
    pending_booking,
    razorpay_env,
    run_jobs,
    rzp,
    signed,
)
from tests.http.test_route_adapter import activated

BALANCE = "/api/v1/payouts/balance"


async def activated_consultant(client, db, rzp):  # noqa: F811
    """An approved consultant with a PAN (no TDS under the threshold) and an activated linked account."""
    c = await approved_consultant(client, db, rules=every_day())
    gw = RazorpayGateway(KEY_ID, KEY_SECRET, base_url=rzp.url, timeout=2)
    account = await activated(gw, rzp)
    conn = await owner(db)
    try:
        await factories.tax_profile(conn, uuid.UUID(c["id"]))
    finally:
        await conn.close()
    await link(db, c, account)
    return c, account


async def link(db, c: dict, account: str) -> None:
    """The consultant's payout account, activated on the fake's linked account (what onboarding ends with)."""
    conn = await owner(db)
    try:
        await conn.execute("insert into app.payout_accounts (consultant_id, contact_name, beneficiary_name, status, "
                           "razorpay_account_id, product_id) values ($1, 'Asha Rao', 'Asha Rao', 'activated', $2, "
                           "'acc_prd_Fake0000000001')", uuid.UUID(c["id"]), account)
    finally:
        await conn.close()


async def release_due_now(db) -> None:
    """The sessions over and the buffer past, for every transfer not released yet."""
    conn = await owner(db)
    try:
        await conn.execute("update app.route_transfers set release_after = now() - interval '1 minute' "
                           "where released_at is null")
    finally:
        await conn.close()


async def sweep(db) -> None:
    """One run of the periodic sweep (jobs/route_transfers.py), as the worker."""
    from jobs.payments import gateway
    from jobs.route_transfers import sync

    with connected(db.url("worker")):
        await sync(gateway())


async def fetch(db, sql: str, *args):
    conn = await owner(db)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def test_a_paid_booking_is_held_released_after_the_session_and_settled(client, db, rzp):  # noqa: F811
    c, account = await activated_consultant(client, db, rzp)
    _, b = await pending_booking(client, db, consultant=c)
    order = rzp.orders[b["checkout"]["order_id"]]
    # ₹1,499.50 on the free plan: commission 149.95 + GST 26.99; a person with a PAN under the threshold: no TDS.
    [planned] = [t for t in rzp.requests if t["path"] == "/v1/orders"][-1]["body"]["transfers"]
    assert (planned["account"], planned["amount"], planned["on_hold"]) == (account, 132256, True)
    payment = rzp.pay(order["id"])
    r = await client.post(VERIFY, json=signed(order["id"], payment["id"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    await sweep(db)
    h = c["headers"]
    bal = (await client.get(BALANCE, headers=h)).json()
    assert (bal["due"], bal["held"], bal["total"]) == ("0.00", "1322.56", "1322.56")
    [t] = await fetch(db, "select * from app.route_transfers")
    assert (t["source"], t["status"], t["on_hold"], t["released_at"]) == ("order", "processed", True, None)
    # Razorpay's fee on the payment (the platform's cost, not the consultant's): 2% of ₹1,499.50 plus 18% GST on it.
    [p] = await fetch(db, "select gateway_fee, gateway_tax from app.payment_transactions")
    assert (p["gateway_fee"], p["gateway_tax"]) == (Decimal("35.38"), Decimal("5.39"))
    await sweep(db)  # again: nothing twice
    assert (await client.get(BALANCE, headers=h)).json()["entries"] == bal["entries"]
    # The session is over and the buffer past: released, then settled by Razorpay.
    await release_due_now(db)
    await sweep(db)
    assert rzp.transfers[t["razorpay_transfer_id"]]["on_hold"] is False
    bal = (await client.get(BALANCE, headers=h)).json()
    assert (bal["held"], bal["transferred"]) == ("0.00", "1322.56")
    rzp.settle(t["razorpay_transfer_id"])
    await sweep(db)
    bal = (await client.get(BALANCE, headers=h)).json()
    assert (bal["transferred"], bal["settled"], bal["total"]) == ("0.00", "1322.56", "1322.56")
    [t] = await fetch(db, "select * from app.route_transfers")
    assert t["recipient_settlement_id"].startswith("setl_") and t["settled_at"] is not None
    [shown] = (await client.get("/api/v1/payouts/transfers", headers=h)).json()["items"]
    assert (shown["amount"], shown["on_hold"], shown["release_after"], shown["settlement_status"]) == (
        "1322.56", False, None, "settled")
    assert shown["settlement_utr"] and shown["session_id"] == b["session_id"]


async def test_money_that_waited_for_activation_moves_from_the_payment_and_refunds_reverse_it(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)  # not activated yet: no transfer on the order
    assert "transfers" not in [t for t in rzp.requests if t["path"] == "/v1/orders"][-1]["body"]
    gw = RazorpayGateway(KEY_ID, KEY_SECRET, base_url=rzp.url, timeout=2)
    account = await activated(gw, rzp)
    await link(db, c, account)
    await sweep(db)
    [t] = await fetch(db, "select * from app.route_transfers")
    bal = (await client.get(BALANCE, headers=c["headers"])).json()
    # No PAN: 5% TDS; all of what was due is now held in the linked account.
    assert (t["source"], t["amount"], bal["due"], bal["held"]) == ("payment", Decimal("1247.58"), "0.00", "1247.58")
    # A refund of a third while held: the consultant's third of the transfer comes back first.
    [listed] = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]
    r = await client.post(f"/api/v1/payments/{listed['id']}/refund", headers=c["headers"],
                          json={"amount": "499.83", "reason": "Late start"})
    assert r.status_code == 201, r.text
    await run_jobs(db)
    [t] = await fetch(db, "select * from app.route_transfers")
    assert (t["status"], t["amount_reversed"]) == ("partially_reversed", Decimal("415.86"))
    bal = (await client.get(BALANCE, headers=c["headers"])).json()
    # 1247.58 × 499.83 / 1499.50 = 415.86 reversed; the refund's own entries took 499.83 less the give-backs.
    assert Decimal(bal["held"]) == Decimal("831.72") and Decimal(bal["total"]) == Decimal("831.72")
    assert Decimal(bal["due"]) == 0


async def test_a_reversal_refused_for_balance_leaves_a_negative_balance_netted_from_the_next_transfer(client, db, rzp):  # noqa: F811
    c, account = await activated_consultant(client, db, rzp)
    _, b = await pending_booking(client, db, consultant=c)
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))).status_code == 200
    await sweep(db)
    await release_due_now(db)
    await sweep(db)  # released
    rzp.linked_balance[account] = 0  # the money left the linked account
    [listed] = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]
    r = await client.post(f"/api/v1/payments/{listed['id']}/refund", headers=c["headers"],
                          json={"amount": "1499.50", "reason": "Cancelled"})
    assert r.status_code == 201, r.text
    await run_jobs(db)
    bal = (await client.get(BALANCE, headers=c["headers"])).json()
    assert Decimal(bal["due"]) == Decimal("-1322.56") and Decimal(bal["transferred"]) == Decimal("1322.56")
    assert Decimal(bal["total"]) == 0  # the client has their money; the consultant owes what they were sent
    # The next booking's transfer, on release, first takes back what is owed.
    rzp.linked_balance.pop(account)
    _, b2 = await pending_booking(client, db, consultant=c, slot=1)
    payment2 = rzp.pay(b2["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b2["checkout"]["order_id"], payment2["id"]))).status_code == 200
    await sweep(db)
    await release_due_now(db)
    await sweep(db)
    bal = (await client.get(BALANCE, headers=c["headers"])).json()
    assert Decimal(bal["due"]) == 0 and Decimal(bal["held"]) == 0
    assert Decimal(bal["total"]) == Decimal("1322.56")  # the second booking's share, all of it netted or sent


async def test_a_deleted_consultant_keeps_their_bank_details_until_their_money_is_settled(client, db, rzp):  # noqa: F811
    from tests.http.test_profile import BANK, ME, delete_account

    c, account = await activated_consultant(client, db, rzp)
    assert (await client.put(f"{ME}/bank-details", headers=c["headers"], json=BANK)).status_code == 200
    _, b = await pending_booking(client, db, consultant=c)
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))).status_code == 200
    await sweep(db)  # the share is held in the linked account
    assert (await delete_account(client, c["headers"])).status_code == 204
    [row] = await fetch(db, "select bank_name, bank_account_number_encrypted, deleted_at from app.consultants "
                            "where id = $1::uuid", c["id"])
    # The session to come was cancelled and is being refunded: money is open, so the details stay.
    assert row["deleted_at"] is not None and row["bank_account_number_encrypted"] is not None
    assert await fetch(db, "select 1 from app.consultant_tax_profiles where consultant_id = $1::uuid", c["id"])
    await run_jobs(db)  # the refund, after taking the consultant's share back from the linked account
    [t] = await fetch(db, "select status, amount_reversed from app.route_transfers")
    assert (t["status"], t["amount_reversed"]) == ("reversed", Decimal("1322.56"))
    conn = await owner(db)
    try:
        worker = await db.connect("worker")
        try:
            assert await worker.fetchval("select api.worker_erase_settled_bank_details()") == 1
        finally:
            await worker.close()
        assert await conn.fetchval("select bank_account_number_encrypted from app.consultants where id = $1::uuid",
                                   c["id"]) is None
        # The tax profile (their PAN on the TDS returns) is kept for the retention period.
        assert await conn.fetchval("select count(*) from app.consultant_tax_profiles where consultant_id = $1::uuid",
                                   c["id"]) == 1
    finally:
        await conn.close()


async def test_a_payment_refunded_in_part_before_activation_is_flagged_and_one_refunded_in_full_is_left(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)
    _, b2, _ = await paid_booking(client, db, rzp, consultant=c, slot=1)
    items = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]
    by_session = {i["session"]["id"]: i for i in items}
    for session, amount in ((b["session_id"], "100.00"), (b2["session_id"], "1499.50")):
        r = await client.post(f"/api/v1/payments/{by_session[session]['id']}/refund", headers=c["headers"],
                              json={"amount": amount, "reason": "Goodwill"})
        assert r.status_code == 201, r.text
    await run_jobs(db)
    gw = RazorpayGateway(KEY_ID, KEY_SECRET, base_url=rzp.url, timeout=2)
    await link(db, c, await activated(gw, rzp))
    await sweep(db)
    # Razorpay allows no transfer once a refund started: the part-refunded payment's due waits for a person; the
    # one refunded in full owes nothing and is not listed.
    [t] = await fetch(db, "select * from app.route_transfers")
    assert t["status"] == "failed" and t["error"].startswith("refund_started") and t["amount"] > 0
    assert not [r for r in rzp.requests if r["path"].endswith("/transfers") and r["method"] == "POST"]
    await sweep(db)  # asked again: nothing new
    assert len(await fetch(db, "select * from app.route_transfers")) == 1


async def test_with_direct_transfers_enabled_a_part_refunded_payment_is_paid_from_the_platforms_balance(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)
    [item] = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]
    r = await client.post(f"/api/v1/payments/{item['id']}/refund", headers=c["headers"],
                          json={"amount": "499.50", "reason": "Goodwill"})
    assert r.status_code == 201, r.text
    await run_jobs(db)
    gw = RazorpayGateway(KEY_ID, KEY_SECRET, base_url=rzp.url, timeout=2)
    await link(db, c, await activated(gw, rzp))
    conn = await owner(db)
    try:
        await conn.execute("update app.platform_settings set value = '1' where key = 'route_direct_transfers'")
    finally:
        await conn.close()
    rzp.direct_transfers_enabled = True
    await sweep(db)
    await sweep(db)  # a second run finds it recorded: no second transfer
    [t] = await fetch(db, "select * from app.route_transfers")
    sent = [r for r in rzp.requests if r["method"] == "POST" and r["path"] == "/v1/transfers"]
    assert len(sent) == 1 and sent[0]["headers"].get("X-Transfer-Idempotency") == item["id"]
    # What was still due (no PAN: 5% TDS; a third refunded with its share of everything) went, not held.
    bal = (await client.get(BALANCE, headers=c["headers"])).json()
    assert (t["source"], t["on_hold"], bal["due"], bal["held"]) == ("direct", False, "0.00", "0.00")
    assert Decimal(bal["transferred"]) == t["amount"] > 0


async def test_razorpay_s_fee_on_a_plan_charge_is_booked_once_in_the_platform_s_revenue_ledger(client, db, rzp):  # noqa: F811
    """Issue 22: a plan charge's ledger rows include Razorpay's fee on its payment (the payment entity's fee, GST
    included, and tax) — not on the subscription's invoices, so the sync fetches each charge's payment once."""
    c = await approved_consultant(client, db)
    r = await client.post("/api/v1/consultants/me/subscription", headers=c["headers"],
                          json={"plan": "basic", "period": "monthly"})
    sid = r.json()["subscription"]["gateway_subscription_id"]
    rzp.authenticate(sid, "card")
    for body, headers in rzp.deliveries(sid):
        assert (await client.post(WEBHOOK, content=body, headers=headers)).status_code == 200
    await run_jobs(db)
    await sweep(db)
    await sweep(db)  # again: nothing booked twice, the payment not fetched again
    rows = {r["kind"]: r["amount"] for r in await fetch(
        db, "select kind, amount from app.platform_revenue_entries where consultant_id = $1", uuid.UUID(c["id"]))}
    # ₹499.00: 2% is 998 paise, with 18% GST on it (179): fee 1177, tax 179 (the fake's figures).
    assert rows == {"plan_charge": Decimal("499.00"), "output_cgst": Decimal("-38.06"),
                    "output_sgst": Decimal("-38.06"), "gateway_fee": Decimal("-9.98"),
                    "gateway_fee_gst": Decimal("-1.79")}  # no tax State: the platform's (CGST + SGST)
    payment_id = (await fetch(db, "select gateway_payment_id from app.subscription_charges"))[0]["gateway_payment_id"]
    assert len([q for q in rzp.calls("GET", f"/v1/payments/{payment_id}")]) == 1

# Test: pytest tests/jobs/test_route_transfers.py
