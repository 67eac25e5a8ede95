# tests/db/test_route_transfers.py — the worker's Route transfer steps in SQL: each confirmed move written to the ledger once however often or concurrently it is reported, balances as sums, and the policies.
from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_ledger import pay

TRANSFER = {"id": "trf_RaceTransfer01", "recipient": "acc_RaceAccount001", "amount": 88200, "status": "processed",
            "on_hold": True, "settlement_status": "on_hold", "fees": 0, "tax": 0, "processed_at": 1796000000}


async def buckets(conn, consultant) -> dict:
    rows = await conn.fetch("select bucket, sum(amount) as s from app.ledger_entries where consultant_id = $1 "
                            "group by bucket", consultant)
    return {r["bucket"]: str(r["s"]) for r in rows}


async def as_worker(db, sql: str, *args):
    conn = await db.connect("worker")
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def test_each_move_is_written_once_however_often_and_concurrently_it_is_reported(db, owner):
    c = await factories.consultant(owner)
    paid = await pay(owner, c, "1000.00")  # free plan: 100 + 18 GST; a PAN under the threshold: 882.00 due
    record = "select api.worker_record_transfer($1, 'order', $2)"
    await asyncio.gather(*(as_worker(db, record, paid, json.dumps(TRANSFER)) for _ in range(8)))
    assert await owner.fetchval("select count(*) from app.route_transfers") == 1
    assert await buckets(owner, c) == {"due": "0.00", "held": "882.00"}
    tid = await owner.fetchval("select id from app.route_transfers")
    await asyncio.gather(*(as_worker(db, "select api.worker_record_release($1)", tid) for _ in range(4)))
    assert await buckets(owner, c) == {"due": "0.00", "held": "0.00", "transferred": "882.00"}
    at = datetime.now(UTC)
    await asyncio.gather(*(as_worker(db, "select api.worker_record_settlement($1, 'setl_Race00000001', 'UTR1', $2)",
                                     tid, at) for _ in range(4)))
    assert await buckets(owner, c) == {"due": "0.00", "held": "0.00", "transferred": "0.00", "settled": "882.00"}
    # One reversal reported four times: taken back once.
    await asyncio.gather(*(as_worker(db, "select api.worker_record_reversal($1, 'rvrsl_Race0000001', 10000, $2)",
                                     tid, at) for _ in range(4)))
    row = await owner.fetchrow("select status, amount_reversed from app.route_transfers")
    assert (row["status"], str(row["amount_reversed"])) == ("partially_reversed", "100.00")
    assert await buckets(owner, c) == {"due": "100.00", "held": "0.00", "transferred": "0.00", "settled": "782.00"}
    # The total is what it was: a move changes where the money is, never how much is owed.
    assert await owner.fetchval("select sum(amount) from app.ledger_entries where consultant_id = $1", c) == 882


async def test_consultants_read_their_own_transfers_and_write_none(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    paid = await pay(owner, b, "1000.00")
    await as_worker(db, "select api.worker_record_transfer($1, 'order', $2)", paid, json.dumps(TRANSFER))
    async with db.as_caller("app", consultant_id=a) as conn:
        assert json.loads(await conn.fetchval("select api.my_transfers(null, 50)")) == {"items": [], "next": None}
        await raises_sqlstate(conn, "42501", "insert into app.route_transfers (consultant_id, payment_id, source, "
                              "account_id, amount) values ($1, $2, 'order', 'acc_x', 1)", a, paid)
        await raises_sqlstate(conn, "42501", "update app.payout_accounts set status = 'activated'")
        await raises_sqlstate(conn, "42501", "select api.worker_record_release($1)", uuid.uuid4())
    async with db.as_caller("app", consultant_id=b) as conn:
        [mine] = json.loads(await conn.fetchval("select api.my_transfers(null, 50)"))["items"]
        assert (mine["amount"], mine["on_hold"], mine["status"]) == ("882.00", True, "processed")
        assert mine["release_after"] is not None

# Test: pytest tests/db/test_route_transfers.py
