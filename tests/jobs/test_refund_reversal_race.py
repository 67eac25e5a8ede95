# tests/jobs/test_refund_reversal_race.py — two refunds of one payment processed at the same moment each take their own share back from the consultant's held transfer, and one refund's reversal is never made twice.
"""Found from outside: two ₹33.33 refunds of a payment with a held transfer, processed ~30 ms apart, recorded one
reversal; the consultant's due went negative while held still held refunded money. The second job planned its
reversal from the payment's processed refunds after the first's reversal was recorded but before the first refund
was processed, and found nothing to take. Here the second job is started exactly in that window (the first job's
gateway refund waits until the second has reached its own), against the fake Razorpay with the real SDK."""
from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from types import SimpleNamespace

from app.adapters.payments import RazorpayGateway
from jobs.app import connected
from tests.fake_razorpay import KEY_ID, KEY_SECRET
from tests.http.test_payments import VERIFY, app, owner, pending_booking, razorpay_env, rzp, signed  # noqa: F401
from tests.jobs.test_route_transfers import BALANCE, activated_consultant, fetch, sweep

REFUND = Decimal("33.33")


class Gate:
    """The fake Razorpay gateway, with hooks on the two calls whose order the race is about."""

    def __init__(self, real: RazorpayGateway) -> None:
        self.real = real
        self.on_refund = None      # async (payment_id, amount_paise, key, notes) -> None, before the refund is sent
        self.reversal_delay = 0.0  # seconds a reversal takes

    def __getattr__(self, name):
        return getattr(self.real, name)

    async def refund(self, *args, **kwargs):
        if self.on_refund is not None:
            await self.on_refund(*args, **kwargs)
        return await self.real.refund(*args, **kwargs)

    async def reverse_transfer(self, *args, **kwargs):
        await asyncio.sleep(self.reversal_delay)
        return await self.real.reverse_transfer(*args, **kwargs)


async def held_payment_with_two_refunds(client, db, rzp, monkeypatch):  # noqa: F811
    """An activated consultant's paid booking, its transfer recorded and held, and two pending ₹33.33 refunds."""
    c, _ = await activated_consultant(client, db, rzp)
    _, b = await pending_booking(client, db, consultant=c)
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))).status_code == 200
    await sweep(db)
    [listed] = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]
    for reason in ("Late start", "Audio trouble"):
        r = await client.post(f"/api/v1/payments/{listed['id']}/refund", headers=c["headers"],
                              json={"amount": str(REFUND), "reason": reason})
        assert r.status_code == 201, r.text
    refunds = [row["id"] for row in await fetch(db, "select id from app.payment_refunds order by created_at, id")]
    gate = Gate(RazorpayGateway(KEY_ID, KEY_SECRET, base_url=rzp.url, timeout=2))
    monkeypatch.setattr("jobs.payments.gateway", lambda: gate)
    return c, refunds, gate


async def process(refund_id: uuid.UUID) -> str:
    from jobs.payments import process_refund

    return await process_refund.func(SimpleNamespace(job=SimpleNamespace(attempts=0)), refund_id=str(refund_id))


async def money(client, db, c) -> tuple[dict, dict]:
    [t] = await fetch(db, "select amount, amount_reversed, status from app.route_transfers")
    return dict(t), (await client.get(BALANCE, headers=c["headers"])).json()


async def test_two_refunds_processed_at_once_each_reverse_their_share(client, db, rzp, monkeypatch):  # noqa: F811
    c, (first, second), gate = await held_payment_with_two_refunds(client, db, rzp, monkeypatch)
    in_first_refund, second_reached_refund = asyncio.Event(), asyncio.Event()

    async def on_refund(payment_id, amount_paise, key, notes):
        # The first job, its reversal recorded and its refund not yet processed, waits here until the second job has
        # reached its own refund (or a few seconds pass: a job that waits on the first must not wait forever).
        if notes["refund_id"] == str(first):
            in_first_refund.set()
            await asyncio.wait_for(second_reached_refund.wait(), 5)
        else:
            second_reached_refund.set()

    gate.on_refund = on_refund
    with connected(db.url("worker")):
        job_one = asyncio.create_task(process(first))
        await asyncio.wait_for(in_first_refund.wait(), 10)
        assert await process(second) == "processed"  # started in the window the race was in
        assert await job_one == "processed"
    transfer, bal = await money(client, db, c)
    # Each refund's own share of the held ₹1,322.56 (of ₹1,499.50): 29.40 for the first, 29.39 for the second,
    # together round(1322.56 × 66.66 / 1499.50) = 58.79; due ends at 0, held holds only what was not refunded.
    assert (transfer["amount_reversed"], transfer["status"]) == (Decimal("58.79"), "partially_reversed")
    assert Decimal(bal["due"]) == 0
    assert Decimal(bal["held"]) == transfer["amount"] - Decimal("58.79") == Decimal(bal["total"])
    reversals = await fetch(db, "select refund_id, amount from app.ledger_entries where kind = 'reversal' "
                                "and bucket = 'due' order by id")
    assert sorted((r["refund_id"], r["amount"]) for r in reversals) == sorted(
        [(first, Decimal("29.40")), (second, Decimal("29.39"))])
    # Razorpay agrees: two reversals on the transfer, of those amounts.
    [at_razorpay] = rzp.transfers.values()
    assert at_razorpay["amount_reversed"] == 5879


async def test_one_refunds_reversal_run_twice_at_once_is_made_once(client, db, rzp, monkeypatch):  # noqa: F811
    # Procrastinate runs a job at least once, and reconciliation re-queues a stranded refund: two runs of one refund's
    # reversal at the same moment (each planning before the other has recorded) must take its share back once.
    from jobs.route_transfers import reverse_for_refund

    c, (first, _), gate = await held_payment_with_two_refunds(client, db, rzp, monkeypatch)
    gate.reversal_delay = 0.3
    with connected(db.url("worker")):
        from jobs.app import pool

        db_pool = await pool()
        await asyncio.gather(reverse_for_refund(gate, db_pool, first), reverse_for_refund(gate, db_pool, first))
    transfer, bal = await money(client, db, c)
    assert transfer["amount_reversed"] == Decimal("29.40")
    assert Decimal(bal["due"]) == Decimal("29.40")  # back in due until the refund's own entries take it (processed)


async def test_refunds_racing_for_the_last_rupee_never_refund_more_than_was_paid(client, db, rzp):  # noqa: F811
    # Two different refunds of what is left, sent at once: the payment's lock lets one through, the other is refused.
    c, b = await pending_booking(client, db)
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))).status_code == 200
    [listed] = (await client.get("/api/v1/payments", headers=c["headers"])).json()["items"]
    url = f"/api/v1/payments/{listed['id']}/refund"
    answers = await asyncio.gather(*(client.post(url, headers=c["headers"], json={"amount": "1000.00", "reason": why})
                                     for why in ("One", "Two", "Three")))
    assert sorted(r.status_code for r in answers) == [201, 409, 409], [r.text for r in answers]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {"refund_exceeds_remaining"}
    [total] = await fetch(db, "select sum(amount) as s from app.payment_refunds")
    assert total["s"] == Decimal("1000.00")

# Test: pytest tests/jobs/test_refund_reversal_race.py
