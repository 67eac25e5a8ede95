# jobs/route_transfers.py — moving consultants' money through Razorpay Route: recording the transfers orders carried, transferring balances that waited for activation, releasing holds, learning settlements, reversing a refund's share.
"""One periodic sweep (every minute) and a step the refund job calls. Razorpay's transfer calls are not
idempotent, so nothing is sent twice blindly: before transferring from a payment the sweep asks Razorpay for the
payment's transfers and records any it finds (the order's, or one a crashed run made); every answer is recorded
in SQL (db/functions/route_transfers.sql), which writes each ledger move once. A failure on one transfer is
logged and left for the next run; it never stops the rest."""
from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg

from app.adapters.payments import Gateway, GatewayRefused, GatewayUnavailable, rupees_to_paise
from app.adapters.route import transfer_state
from app.sql import call, run, transaction
from jobs.app import app, pool
from jobs.payments import gateway

log = logging.getLogger("nakksha.jobs.route_transfers")

BATCH = 100
RECONCILE_BATCH = 1000


async def transfer_waiting(gw: Gateway, db, row: dict, counts: dict) -> None:
    """A captured payment of an activated consultant with no transfer recorded: the order's transfer (made by
    Razorpay at capture), or a transfer from the payment of what is due."""
    found = await gw.payment_transfers(row["gateway_payment_id"])
    if found:
        for entity in found:
            await run(db, "worker_record_transfer", payment_id=uuid.UUID(row["payment_id"]), source="order",
                      transfer=transfer_state(entity))
        counts["recorded"] += len(found)
        return
    # Only what is due on this payment, and never more than the consultant is owed overall (a negative balance,
    # from a reversal Razorpay refused, is netted here).
    amount = min(Decimal(row["due"]), Decimal(row["consultant_due"]))
    if amount <= 0:
        return
    if row["refund_started"]:
        # Razorpay allows no transfer on a payment once a refund on it started: from the platform's own balance
        # where direct transfers are enabled (idempotent by the payment's id), else flagged for a person.
        if row["direct_transfers"]:
            try:
                made = await gw.direct_transfer(row["account_id"], rupees_to_paise(amount), row["payment_id"],
                                                {"payment": row["payment_id"]})
            except GatewayRefused as exc:
                await run(db, "worker_refuse_transfer", payment_id=uuid.UUID(row["payment_id"]),
                          account_id=row["account_id"], amount=amount, reason=f"direct transfer refused: {exc}")
                counts["flagged"] += 1
                return
            await run(db, "worker_record_transfer", payment_id=uuid.UUID(row["payment_id"]), source="direct",
                      transfer=transfer_state(made))
            counts["transferred"] += 1
            return
        await run(db, "worker_refuse_transfer", payment_id=uuid.UUID(row["payment_id"]), account_id=row["account_id"],
                  amount=amount, reason="refund_started: Razorpay allows no transfer on a payment once a refund on it "
                                        "has started; an admin settles it by hand (or enable direct transfers).")
        counts["flagged"] += 1
        return
    try:
        made = await gw.transfer_from_payment(row["gateway_payment_id"], [{
            "account": row["account_id"], "amount": rupees_to_paise(amount), "on_hold": True,
            "notes": {"payment": row["payment_id"]}, "linked_account_notes": ["payment"]}])
    except GatewayRefused as exc:
        await run(db, "worker_refuse_transfer", payment_id=uuid.UUID(row["payment_id"]), account_id=row["account_id"],
                  amount=amount, reason=f"refused: {exc}")
        counts["flagged"] += 1
        return
    for entity in made:
        await run(db, "worker_record_transfer", payment_id=uuid.UUID(row["payment_id"]), source="payment",
                  transfer=transfer_state(entity))
    counts["transferred"] += len(made)


async def release(gw: Gateway, db, row: dict, counts: dict) -> None:
    """A held transfer past its release time: first take back what the consultant owes (a negative balance), then
    lift the hold; Razorpay settles it to their bank on its schedule."""
    tid = uuid.UUID(row["transfer_id"])
    owed = -Decimal(row["consultant_due"])
    if owed > 0:
        take = min(owed, Decimal(row["held"]))
        reversal = await gw.reverse_transfer(row["razorpay_transfer_id"], rupees_to_paise(take),
                                             {"reason": "negative balance netted"})
        await run(db, "worker_record_reversal", transfer_id=tid, reversal_id=reversal["id"],
                  amount_paise=int(reversal.get("amount") or rupees_to_paise(take)), at=datetime.now(UTC),
                  refund_id=None)
        if take >= Decimal(row["held"]):
            counts["netted"] += 1
            return
    await gw.set_transfer_hold(row["razorpay_transfer_id"], False)
    await run(db, "worker_record_release", transfer_id=tid)
    counts["released"] += 1


async def settle(gw: Gateway, db, row: dict, counts: dict) -> None:
    state = transfer_state(await gw.fetch_transfer(row["razorpay_transfer_id"], expand_settlement=True))
    if state["settlement_status"] == "settled" and state["recipient_settlement_id"]:
        at = datetime.fromtimestamp(state["settled_at"], UTC) if state["settled_at"] else datetime.now(UTC)
        await run(db, "worker_record_settlement", transfer_id=uuid.UUID(row["transfer_id"]),
                  settlement_id=state["recipient_settlement_id"], utr=state["settlement_utr"], at=at)
        counts["settled"] += 1


async def record_fee(gw: Gateway, db, row: dict, counts: dict) -> None:
    """Razorpay's fee on a captured payment, from the payment entity: a booking's (the platform's cost, on the
    payment) or a plan charge's (issue 22: in the platform's revenue ledger)."""
    payment = await gw.fetch_payment(row["gateway_payment_id"])
    if payment.get("fee") is not None:
        fee = {"fee_paise": int(payment["fee"]), "tax_paise": int(payment.get("tax") or 0)}
        if "charge_id" in row:
            await run(db, "worker_record_plan_charge_fee", charge_id=uuid.UUID(row["charge_id"]), **fee)
        else:
            await run(db, "worker_record_gateway_fee", payment_id=uuid.UUID(row["payment_id"]), **fee)
        counts["fees"] += 1


async def sync(gw: Gateway) -> dict[str, int]:
    db = await pool()
    counts = {"recorded": 0, "transferred": 0, "flagged": 0, "released": 0, "netted": 0, "settled": 0, "fees": 0,
              "errors": 0}
    steps = [(await run(db, "worker_payments_to_transfer", gateway=gw.name, limit_=BATCH), transfer_waiting),
             (await run(db, "worker_transfers_to_release", limit_=BATCH), release),
             (await run(db, "worker_transfers_to_settle", limit_=BATCH), settle),
             (await run(db, "worker_payments_missing_fee", gateway=gw.name, limit_=BATCH), record_fee),
             (await run(db, "worker_plan_charges_missing_fee", gateway=gw.name, limit_=BATCH), record_fee)]
    for rows, step in steps:
        for row in rows:
            try:
                await step(gw, db, row, counts)
            except (GatewayUnavailable, GatewayRefused) as exc:
                counts["errors"] += 1
                log.warning("route %s %s: %s", step.__name__,
                            row.get("payment_id") or row.get("transfer_id") or row.get("charge_id"), exc)
    return counts


@app.periodic(cron="* * * * *", periodic_id="sync_route_transfers")
@app.task(name="sync_route_transfers", queue="payouts", queueing_lock="sync_route_transfers",
          lock="route_transfers")
async def sync_route_transfers(timestamp: int) -> dict[str, int]:
    """Every minute: transfers recorded, waiting balances moved, holds released, settlements learnt."""
    counts = await sync(gateway())
    if any(counts.values()):
        log.info("route transfers: %s", counts)
    return counts


# Long enough to wait out another job's reversal call under the payment's lock (Razorpay's own timeout is 10 s).
REVERSAL_LOCK_WAIT = "30s"


async def reverse_for_refund(gw: Gateway, db, refund_id: uuid.UUID) -> None:
    """Before a refund goes to Razorpay: take the consultant's share of it back from their linked account. A
    reversal refused (the linked account's balance is short once the money left) leaves the refund's entries to
    make their balance negative: flagged on the admin payouts view and netted from later transfers.

    One transaction holds the payment's reversal lock (taken by worker_refund_reversal) from the plan through
    Razorpay's answer to the reversal recorded, so two refunds of one payment processed at once reverse one after
    the other, each its own share (a job that finds the lock held past the wait is retried like an unreachable
    gateway)."""
    try:
        async with transaction(db, statement_timeout=REVERSAL_LOCK_WAIT) as conn:
            plan = await call(conn, "worker_refund_reversal", refund_id=refund_id)
            if not plan or not plan["amount_paise"]:
                return
            try:
                reversal = await gw.reverse_transfer(plan["razorpay_transfer_id"], plan["amount_paise"],
                                                     {"refund": str(refund_id)})
            except GatewayRefused as exc:
                log.warning("refund %s: reversal of %s refused (%s); the consultant's balance goes negative",
                            refund_id, plan["razorpay_transfer_id"], exc)
                return
            await call(conn, "worker_record_reversal", transfer_id=uuid.UUID(plan["transfer_id"]),
                       reversal_id=reversal["id"], amount_paise=int(reversal.get("amount") or plan["amount_paise"]),
                       at=datetime.now(UTC), refund_id=refund_id)
    except asyncpg.exceptions.QueryCanceledError as exc:
        raise GatewayUnavailable(f"another reversal of this payment is still running: {exc}") from exc


def disagreements(ours: dict, state: dict | None) -> dict[str, dict]:
    """Where one transfer as recorded (and its ledger entries) and as Razorpay reports it disagree."""
    mine = {k: ours[k] for k in ("amount_paise", "amount_reversed_paise", "status", "account_id", "settled")}
    if state is None:
        return {"missing_at_razorpay": {"ours": mine, "theirs": None}}
    found: dict[str, dict] = {}
    checks = {"amount": (ours["amount_paise"], state["amount"]), "recipient": (ours["account_id"], state["recipient"]),
              "reversed": (ours["amount_reversed_paise"], state["amount_reversed"]),
              "status": (ours["status"], state["status"]),
              "settlement": (ours["settled"], state["settlement_status"] == "settled")}
    for kind, (a, b) in checks.items():
        if a != b:
            found[kind] = {"ours": a, "theirs": b}
    # The ledger holds outside `due` exactly what the transfer still carries (once Razorpay processed it).
    carried = Decimal(ours["amount_paise"] - ours["amount_reversed_paise"]) / 100
    if ours["status"] in ("processed", "partially_reversed", "reversed") and Decimal(ours["ledger_out_of_due"]) != carried:
        found["ledger"] = {"ours": ours["ledger_out_of_due"], "theirs": str(carried)}
    return found


async def reconcile(gw: Gateway) -> dict[str, int]:
    db = await pool()
    counts = {"checked": 0, "settled": 0, "open": 0, "errors": 0}
    for row in await run(db, "worker_transfers_to_reconcile", limit_=RECONCILE_BATCH):
        try:
            state = transfer_state(await gw.fetch_transfer(row["razorpay_transfer_id"], expand_settlement=True))
        except GatewayRefused:
            state = None
        except GatewayUnavailable as exc:
            counts["errors"] += 1
            log.warning("reconcile transfer %s: %s", row["razorpay_transfer_id"], exc)
            continue
        counts["checked"] += 1
        # A settlement the sweep has not seen yet is news, not a disagreement: recorded, then compared.
        if state and state["settlement_status"] == "settled" and row["released"] and not row["settled"]:
            await settle(gw, db, row, counts)
            row["settled"] = True
        counts["open"] += await run(db, "worker_note_mismatches", transfer_id=uuid.UUID(row["transfer_id"]),
                                    found=disagreements(row, state))
    return counts


@app.periodic(cron="30 21 * * *", periodic_id="reconcile_route_transfers")  # 03:00 in India
@app.task(name="reconcile_route_transfers", queue="payouts", queueing_lock="reconcile_route_transfers",
          lock="route_transfers")
async def reconcile_route_transfers(timestamp: int) -> dict[str, int]:
    """Daily: every recent or unsettled transfer compared with Razorpay and with its ledger entries; what disagrees
    is listed on the admin system and payouts pages until a later run finds it agreeing."""
    counts = await reconcile(gateway())
    log.info("route transfers reconciled: %s", counts)
    return counts


@app.periodic(cron="45 21 * * *", periodic_id="erase_settled_bank_details")  # 03:15 in India
@app.task(name="erase_settled_bank_details", queue="maintenance")
async def erase_settled_bank_details(timestamp: int) -> int:
    """Daily: deleted consultants whose money is all settled lose the bank details kept to pay them."""
    return await run(await pool(), "worker_erase_settled_bank_details")

# Test: pytest tests/jobs/test_route_transfers.py tests/jobs/test_refund_reversal_race.py tests/jobs/test_payout_reconciliation.py
