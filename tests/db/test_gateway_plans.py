# tests/db/test_gateway_plans.py — a Razorpay plan recorded by one consultant's checkout (SQL as the app role) is theirs alone until the worker verified it: never another consultant's, never pre-verified, one per consultant and price, shared once verified.
from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg

from app.sql import SET_CALLER
from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_billing import rid

RECORD = "select api.record_gateway_plan('pro', 'monthly', $1, 'razorpay', $2)"
CHECKOUT = "select api.subscription_checkout('pro', 'monthly', 'razorpay')"


async def price(owner) -> object:
    return await owner.fetchval("select price_monthly from app.plans where code = 'pro'")


async def as_app(db, cid: uuid.UUID, query: str, *args):
    """One committed statement as the web role with a consultant's claims (as a request runs it)."""
    conn = await db.connect("app")
    try:
        async with conn.transaction():
            await conn.execute(SET_CALLER, str(cid), "", "")
            return await conn.fetchval(query, *args)
    finally:
        await conn.close()


async def checkout_plan(db, cid) -> str | None:
    return json.loads(await as_app(db, cid, CHECKOUT))["gateway_plan_id"]


async def check(db, row_id: uuid.UUID, problem: str | None) -> str:
    conn = await db.connect("worker")
    try:
        return await conn.fetchval("select api.worker_record_gateway_plan($1, $2)", row_id, problem)
    finally:
        await conn.close()


async def due(db) -> list[str]:
    conn = await db.connect("worker")
    try:
        return json.loads(await conn.fetchval("select api.worker_gateway_plans_due('razorpay', 100)"))
    finally:
        await conn.close()


async def row_of(owner, plan_id: str) -> asyncpg.Record:
    return await owner.fetchrow("select * from app.gateway_plans where gateway_plan_id = $1", plan_id)


async def test_a_plan_one_consultant_recorded_is_not_anothers_until_verified(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    amount = await price(owner)
    bogus = rid("plan")
    # A (the app role, their claims) records a plan id for a price nobody has used: it is A's, unverified.
    assert await as_app(db, a, RECORD, amount, bogus) == bogus
    row = await row_of(owner, bogus)
    assert (row["recorded_by"], row["verified_at"], row["rejected_at"]) == (a, None, None)
    assert await checkout_plan(db, a) == bogus
    # B's checkout does not get it (nor sees the row): B makes and records their own.
    assert await checkout_plan(db, b) is None
    async with db.as_caller("app", consultant_id=b) as conn:
        assert await conn.fetchval("select count(*) from app.gateway_plans") == 0
    mine = rid("plan")
    assert await as_app(db, b, RECORD, amount, mine) == mine
    assert await checkout_plan(db, b) == mine and await checkout_plan(db, a) == bogus
    assert sorted(await due(db)) == sorted([str(row["id"]), str((await row_of(owner, mine))["id"])])

    # A's is rejected by the check: nobody uses it, and A's next checkout records a new one.
    assert await check(db, row["id"], "Razorpay refused the fetch: not found") == "rejected"
    assert await check(db, row["id"], None) == "already_checked"  # a rejected one is never verified after
    assert (await row_of(owner, bogus))["rejected_reason"] == "Razorpay refused the fetch: not found"
    assert await checkout_plan(db, a) is None
    fresh = rid("plan")
    assert await as_app(db, a, RECORD, amount, fresh) == fresh

    # B's is verified: every checkout for the price uses it from now, A's own unverified one included.
    assert await check(db, (await row_of(owner, mine))["id"], None) == "verified"
    assert await checkout_plan(db, a) == mine and await checkout_plan(db, b) == mine
    assert await as_app(db, a, RECORD, amount, rid("plan")) == mine  # no row recorded once a verified one exists
    assert await owner.fetchval("select count(*) from app.gateway_plans") == 3
    # A's fresh one is not checked any more (its price has a verified plan) and, checked anyway, stays A's own.
    assert await due(db) == []
    assert await check(db, (await row_of(owner, fresh))["id"], None) == "kept_own"
    assert (await row_of(owner, fresh))["verified_at"] is None


async def test_a_consultant_cannot_record_a_plan_as_anothers_or_as_verified(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    amount = await price(owner)
    insert = ("insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, recorded_by{}) "
              "values ('pro', 'monthly', $1, 'razorpay', $2, $3{})")
    async with db.as_caller("app", consultant_id=a) as conn:
        # In B's name: the policy refuses it.
        await raises_sqlstate(conn, "42501", insert.format("", ""), amount, rid("plan"), b)
        # Nobody's (as the worker's rows are): refused too.
        await raises_sqlstate(conn, "42501", insert.format("", ""), amount, rid("plan"), None)
    for column in ("verified_at", "rejected_at", "rejected_reason"):
        async with db.as_caller("app", consultant_id=a) as conn:
            # Pre-verified (or pre-checked): the app role holds no grant on those columns.
            await raises_sqlstate(conn, "42501", insert.format(f", {column}", ", null"), amount, rid("plan"), a)
    async with db.as_caller("app", consultant_id=a) as conn:
        await conn.execute(insert.format("", ""), amount, rid("plan"), a)  # their own: taken
        await raises_sqlstate(conn, "42501", "update app.gateway_plans set verified_at = now()")
        await raises_sqlstate(conn, "42501", "select api.worker_record_gateway_plan(id, null) from app.gateway_plans")
    # A pending consultant records nothing.
    pending = await factories.consultant(owner, approved=False)
    async with db.as_caller("app", consultant_id=pending) as conn:
        await raises_sqlstate(conn, "42501", RECORD, amount, rid("plan"))


async def test_two_checkouts_of_one_consultant_at_once_keep_one_plan(db, owner):
    a = await factories.consultant(owner)
    amount = await price(owner)
    first, second = await db.connect("app"), await db.connect("app")
    try:
        one, two = first.transaction(), second.transaction()
        await one.start()
        await two.start()
        for conn in (first, second):
            await conn.execute(SET_CALLER, str(a), "", "")
        kept = await first.fetchval(RECORD, amount, "plan_FirstFirst0001")
        # The second waits on the first's row (gateway_plans_one_unverified), then answers the first's.
        waiting = asyncio.ensure_future(second.fetchval(RECORD, amount, "plan_SecondSecond01"))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await one.commit()
        assert await waiting == kept == "plan_FirstFirst0001"
        await two.commit()
    finally:
        await first.close()
        await second.close()
    assert await owner.fetchval("select array_agg(gateway_plan_id) from app.gateway_plans") == ["plan_FirstFirst0001"]


async def test_two_verified_for_one_price_at_once_keep_the_first(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    amount = await price(owner)
    plan_a, plan_b = rid("plan"), rid("plan")
    await as_app(db, a, RECORD, amount, plan_a)
    await as_app(db, b, RECORD, amount, plan_b)
    id_a, id_b = (await row_of(owner, plan_a))["id"], (await row_of(owner, plan_b))["id"]
    first, second = await db.connect("worker"), await db.connect("worker")
    try:
        one, two = first.transaction(), second.transaction()
        await one.start()
        await two.start()
        assert await first.fetchval("select api.worker_record_gateway_plan($1, null)", id_a) == "verified"
        waiting = asyncio.ensure_future(second.fetchval("select api.worker_record_gateway_plan($1, null)", id_b))
        await asyncio.sleep(0.3)
        await one.commit()
        assert await waiting == "kept_own"
        await two.commit()
    finally:
        await first.close()
        await second.close()
    assert await checkout_plan(db, b) == plan_a


async def test_rows_nobody_recorded_are_verified_ones(db, owner):
    # The worker's, the seed's and the rows before the migration: recorded_by NULL, verified (a check constraint).
    amount = await price(owner)
    await raises_sqlstate(owner, "23514", "insert into app.gateway_plans (plan_code, period, amount, gateway, "
                                          "gateway_plan_id) values ('pro', 'monthly', $1, 'razorpay', $2)",
                          amount, rid("plan"))
    shared = rid("plan")
    await owner.execute("insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, "
                        "verified_at) values ('pro', 'monthly', $1, 'razorpay', $2, now())", amount, shared)
    assert await checkout_plan(db, await factories.consultant(owner)) == shared


async def test_a_verified_plan_retired_after_a_key_change_gives_way_to_a_new_one(db, owner):
    """The outside review: with new Razorpay keys (test to live) the stored plans do not exist at the new account and
    every checkout of their price was refused. Retired (docs/operations.md), the next checkout makes a new plan,
    which is verified and shared in its place."""
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    amount = await price(owner)
    old = rid("plan")
    await as_app(db, a, RECORD, amount, old)
    assert await check(db, (await row_of(owner, old))["id"], None) == "verified"
    await owner.execute("update app.gateway_plans set rejected_at = now(), rejected_reason = 'Razorpay keys changed' "
                        "where gateway = 'razorpay' and rejected_at is null")
    assert await checkout_plan(db, b) is None  # nothing usable: the checkout makes one at the new account
    new = rid("plan")
    assert await as_app(db, b, RECORD, amount, new) == new
    assert await due(db) == [str((await row_of(owner, new))["id"])]
    assert await check(db, (await row_of(owner, new))["id"], None) == "verified"
    assert await checkout_plan(db, a) == new

# Test: pytest tests/db/test_gateway_plans.py
