# tests/db/test_hand_payments.py — an admin records a hand payment (a bank transfer outside Razorpay) for a transfer that could not be made: the rules, the ledger move, the audit row, the race, and who may.
from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg

from app.sql import SET_CALLER
from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_ledger import pay
from tests.db.test_route_transfers import as_worker, buckets

RECORD = "select api.admin_record_hand_payment($1, $2, $3, $4, $5)"


async def flagged(db, owner, consultant=None, amount: str = "1000.00"):
    """A captured payment (882.00 due on the free plan with a PAN) whose transfer Razorpay refused."""
    c = consultant or await factories.consultant(owner)
    paid = await pay(owner, c, amount)
    await as_worker(db, "select api.worker_refuse_transfer($1, 'acc_RefusedAccnt01', 882, 'refund_started')", paid)
    tid = await owner.fetchval("select id from app.route_transfers where payment_id = $1", paid)
    return c, paid, tid


async def committed(db, admin_id, *args):
    """One call as the app acting for the admin, committed (what a request does)."""
    conn = await db.connect("app")
    try:
        async with conn.transaction():
            await conn.execute(SET_CALLER, "", str(admin_id), "")
            return json.loads(await conn.fetchval(RECORD, *args))
    finally:
        await conn.close()


async def state(owner) -> tuple:
    return (await owner.fetchval("select count(*) from app.hand_payments"),
            await owner.fetchval("select count(*) from app.ledger_entries where kind = 'hand_payment'"),
            await owner.fetchval("select count(*) from app.admin_audit_log where action = 'payout.hand_payment'"))


async def test_an_admin_pays_what_is_due_by_hand_once_and_the_ledger_agrees(db, owner):
    c, paid, tid = await flagged(db, owner)
    admin = await factories.admin(owner)
    today = date.today()
    part = await committed(db, admin, tid, Decimal("500.00"), " utr 0001 2345 ", today, "NEFT from HDFC")
    assert (part["amount"], part["reference"], part["still_due"], part["replayed"]) == ("500.00", "UTR00012345",
                                                                                      "382.00", False)
    # The rest by default; the whole payment's share now settled, the total owed unchanged.
    rest = await committed(db, admin, tid, None, "UTR00012346", today, None)
    assert (rest["amount"], rest["still_due"]) == ("382.00", "0.00")
    assert await buckets(owner, c) == {"due": "0.00", "settled": "882.00"}
    assert await owner.fetchval("select sum(amount) from app.ledger_entries where consultant_id = $1", c) == 882
    audit = await owner.fetch("select admin_id, target_id, details from app.admin_audit_log "
                              "where action = 'payout.hand_payment' order by id")
    assert [a["admin_id"] for a in audit] == [admin, admin]
    assert json.loads(audit[0]["details"])["reference"] == "UTR00012345"
    # The same submission again (a double submit) is the one recorded; nothing is written twice.
    again = await committed(db, admin, tid, None, "UTR00012346", today, None)
    assert (again["id"], again["replayed"]) == (rest["id"], True)
    assert await state(owner) == (2, 4, 2)
    # Nothing left: refused. The admin view lists it as paid by hand, no longer as failed.
    async with db.as_caller("app", admin_id=admin) as conn:
        await raises_sqlstate(conn, "NK409", RECORD, tid, None, "UTR99999999", today, None, message="nothing_due")
        view = json.loads(await conn.fetchval("select api.admin_payouts()"))
    assert view["failed_transfers"] == []
    assert [h["reference"] for h in view["hand_payments"]] == ["UTR00012346", "UTR00012345"]
    # The consultant sees it on their transfer.
    async with db.as_caller("app", consultant_id=c) as conn:
        [mine] = json.loads(await conn.fetchval("select api.my_transfers(null, 50)"))["items"]
    assert mine["status"] == "failed"
    assert [(h["amount"], h["reference"]) for h in mine["hand_payments"]] == [("500.00", "UTR00012345"),
                                                                              ("382.00", "UTR00012346")]


async def test_the_rules_refuse_and_change_nothing(db, owner):
    c, paid, tid = await flagged(db, owner)
    other, other_paid, other_tid = await flagged(db, owner)
    admin = await factories.admin(owner)
    today = date.today()
    await committed(db, admin, other_tid, Decimal("10.00"), "UTRTAKEN0001", today, None)
    before = await state(owner)
    async with db.as_caller("app", admin_id=admin) as conn:
        for args, code, message in (
                ((tid, Decimal("882.01"), "UTR1", today, None), "NK422", "amount_exceeds_due"),
                ((tid, Decimal("0"), "UTR12345", today, None), "NK422", "invalid_amount"),
                ((tid, Decimal("1.005"), "UTR12345", today, None), "NK422", "invalid_amount"),
                ((tid, None, "UTR12345", today + timedelta(days=2), None), "NK422", "paid_on_in_future"),
                ((tid, None, "UTR12345", date(2020, 1, 1), None), "NK422", "invalid_paid_on"),
                ((tid, None, "UT", today, None), "NK422", "invalid_reference"),
                ((tid, None, "UTR 12;345", today, None), "NK422", "invalid_reference"),
                ((tid, None, "UTR12345", today, "x" * 501), "NK422", "note_too_long"),
                ((uuid.uuid4(), None, "UTR12345", today, None), "NK404", "not_found")):
            await raises_sqlstate(conn, code, RECORD, *args, message=message)
        # The reference is the other consultant's: theirs alone (each consultant's references are their own).
        ok = json.loads(await conn.fetchval(RECORD, tid, Decimal("1.00"), "UTRTAKEN0001", today, None))
        assert ok["replayed"] is False
        # The same reference on another of this consultant's payments, or another amount: a mistake.
        c2_paid = await pay(owner, c, "500.00")
        await as_worker(db, "select api.worker_refuse_transfer($1, 'acc_RefusedAccnt01', 1, 'refused')", c2_paid)
        tid2 = await owner.fetchval("select id from app.route_transfers where payment_id = $1", c2_paid)
        await raises_sqlstate(conn, "NK409", RECORD, tid2, None, "UTRTAKEN0001", today, None,
                              message="duplicate_reference")
        await raises_sqlstate(conn, "NK409", RECORD, tid, Decimal("2.00"), "utrtaken0001", today, None,
                              message="duplicate_reference")
    assert await state(owner) == before  # the caller's transaction was rolled back


async def test_a_transfer_that_went_through_is_not_paid_by_hand(db, owner):
    c = await factories.consultant(owner)
    paid = await pay(owner, c, "1000.00")
    from tests.db.test_route_transfers import TRANSFER
    await as_worker(db, "select api.worker_record_transfer($1, 'order', $2)", paid, json.dumps(TRANSFER))
    tid = await owner.fetchval("select id from app.route_transfers")
    admin = await factories.admin(owner)
    async with db.as_caller("app", admin_id=admin) as conn:
        await raises_sqlstate(conn, "NK409", RECORD, tid, None, "UTR12345", date.today(), None, message="not_flagged")


async def test_only_an_active_admin_records_and_no_one_writes_around_the_function(db, owner):
    c, paid, tid = await flagged(db, owner)
    inactive = await factories.admin(owner, active=False)
    admin = await factories.admin(owner)
    today = date.today()
    args = (tid, None, "UTR12345", today, None)
    async with db.as_caller("app", consultant_id=c) as conn:
        await raises_sqlstate(conn, "NK403", RECORD, *args, message="forbidden")
        await raises_sqlstate(conn, "42501", "insert into app.hand_payments (consultant_id, transfer_id, payment_id, "
                              "amount, reference, paid_on, recorded_by) values ($1, $2, $3, 1, 'UTR1234', $4, $5)",
                              c, tid, paid, today, admin)
    async with db.as_caller("app", admin_id=inactive) as conn:
        await raises_sqlstate(conn, "NK403", RECORD, *args, message="admin_inactive")
    async with db.as_caller("app") as conn:
        await raises_sqlstate(conn, "NK403", RECORD, *args, message="forbidden")
    for role in ("worker", "analyst"):
        conn = await db.connect(role)
        try:
            await raises_sqlstate(conn, "42501", RECORD, *args)
        finally:
            await conn.close()
    # An admin's transaction writes nothing outside what a recorded hand payment calls for.
    async with db.as_caller("app", admin_id=admin) as conn:
        await raises_sqlstate(conn, "42501", "insert into app.ledger_entries (consultant_id, kind, bucket, amount, "
                              "payment_id, transfer_id, occurred_at) values ($1, 'transfer', 'due', -1, $2, $3, now())",
                              c, paid, tid)
        await raises_sqlstate(conn, "42501", "insert into app.hand_payments (consultant_id, transfer_id, payment_id, "
                              "amount, reference, paid_on, recorded_by) values ($1, $2, $3, 1, 'UTR1234', $4, $5)",
                              c, tid, paid, today, inactive)
        hid = await conn.fetchval("insert into app.hand_payments (consultant_id, transfer_id, payment_id, amount, "
                                  "reference, paid_on, recorded_by) values ($1, $2, $3, 5, 'UTR1234', $4, $5) "
                                  "returning id", c, tid, paid, today, admin)
        await raises_sqlstate(conn, "42501", "insert into app.ledger_entries (consultant_id, kind, bucket, amount, "
                              "payment_id, transfer_id, hand_payment_id, occurred_at) values ($1, 'hand_payment', "
                              "'settled', 500, $2, $3, $4, now())", c, paid, tid, hid)
        await raises_sqlstate(conn, "42501", "insert into app.admin_audit_log (admin_id, action) values ($1, "
                              "'payout.hand_payment')", admin)
    assert await state(owner) == (0, 0, 0)


async def test_two_submissions_at_once_record_one(db, owner):
    c, paid, tid = await flagged(db, owner)
    admin = await factories.admin(owner)
    today = date.today()
    answers = await asyncio.gather(*(committed(db, admin, tid, None, "UTRRACE00001", today, None) for _ in range(6)))
    assert sorted(a["replayed"] for a in answers) == [False] + [True] * 5
    assert len({a["id"] for a in answers}) == 1
    assert await state(owner) == (1, 2, 1)
    assert await buckets(owner, c) == {"due": "0.00", "settled": "882.00"}
    # Two different references at once for the whole amount: one is paid, the other finds nothing due.
    c2, paid2, tid2 = await flagged(db, owner)
    results = await asyncio.gather(*(committed(db, admin, tid2, None, f"UTRRACE1000{i}", today, None)
                                     for i in range(2)), return_exceptions=True)
    assert sum(isinstance(r, dict) for r in results) == 1
    [err] = [r for r in results if isinstance(r, Exception)]
    assert isinstance(err, asyncpg.PostgresError) and err.message == "nothing_due"
    assert await buckets(owner, c2) == {"due": "0.00", "settled": "882.00"}

# Test: pytest tests/db/test_hand_payments.py
