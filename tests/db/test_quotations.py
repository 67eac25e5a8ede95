# tests/db/test_quotations.py — quotations in SQL: final_amount against Python's Decimal (Hypothesis), the state machine exhaustively, frozen content.
from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db import factories
from tests.db.assertions import raises_sqlstate

STATUSES = ("draft", "sent", "viewed", "accepted", "rejected", "expired")
ALLOWED = {("draft", "sent"), ("sent", "viewed"), ("sent", "accepted"), ("viewed", "accepted"), ("sent", "rejected"),
           ("viewed", "rejected"), ("sent", "expired"), ("viewed", "expired")}
# The legal walk from a new draft to each status.
PATH = {"draft": [], "sent": ["sent"], "viewed": ["sent", "viewed"], "accepted": ["sent", "accepted"],
        "rejected": ["sent", "rejected"], "expired": ["sent", "expired"]}


@pytest.fixture
def sync_owner(db):
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute("set role nakksha_owner")
        consultant = conn.execute(
            "insert into app.consultants (email, password_hash, first_name, last_name, slug) "
            "values ('q@example.com', %s, 'Q', 'R', 'q-r') returning id", (factories.BCRYPT_DUMMY,)).fetchone()[0]
        yield conn, consultant


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False),
       discount=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_final_amount_is_base_less_discount_rounded_half_up_to_the_paisa(sync_owner, base, discount):
    conn, consultant = sync_owner
    expected = (base * (100 - discount) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    insert = ("insert into app.quotations (consultant_id, client_name, client_email, quotation_name, base_amount, "
              "discount_percentage) values (%s, 'C', 'c@example.com', 'Q', %s, %s) returning final_amount")
    if 0 < expected < 1:  # Razorpay takes no order under ₹1.00: such a quotation is refused, whatever its rounding
        with pytest.raises(psycopg.errors.CheckViolation, match="quotations_final_amount_payable"):
            with conn.transaction(force_rollback=True):
                conn.execute(insert, (consultant, base, discount))
        return
    with conn.transaction(force_rollback=True):
        final = conn.execute(insert, (consultant, base, discount)).fetchone()[0]
    assert final == expected


def test_final_amount_cannot_be_written_and_inputs_are_bounded(sync_owner):
    conn, consultant = sync_owner
    with pytest.raises(psycopg.errors.GeneratedAlways):
        conn.execute("insert into app.quotations (consultant_id, client_name, client_email, quotation_name, "
                     "base_amount, final_amount) values (%s, 'C', 'c@example.com', 'Q', 100, 1)", (consultant,))
    for base, discount in (("-1", "0"), ("100", "100.01"), ("100", "-0.01")):
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("insert into app.quotations (consultant_id, client_name, client_email, quotation_name, "
                         "base_amount, discount_percentage) values (%s, 'C', 'c@example.com', 'Q', %s, %s)",
                         (consultant, base, discount))


async def quotation_at(conn, consultant_id, status: str):
    qid = await factories.quotation(conn, consultant_id)
    for step in PATH[status]:
        await conn.execute("update app.quotations set status = $2, sent_at = coalesce(sent_at, now()), "
                           "public_token_hash = coalesce(public_token_hash, $3) where id = $1",
                           qid, step, os.urandom(32))
    return qid


async def test_every_status_change_is_allowed_or_refused_by_the_one_table(db):
    conn = await db.connect("owner")
    try:
        # Dozens of quotations sent in one month: a plan without a monthly limit (the free plan's is 5, issue 22).
        consultant = await factories.consultant(conn, subscription_plan="pro")
        for old in STATUSES:
            for new in STATUSES:
                qid = await quotation_at(conn, consultant, old)
                move = ("update app.quotations set status = $2, sent_at = coalesce(sent_at, now()), "
                        "public_token_hash = coalesce(public_token_hash, $3) where id = $1")
                if (old, new) in ALLOWED or old == new:
                    await conn.execute(move, qid, new, os.urandom(32))
                    assert await conn.fetchval("select status from app.quotations where id = $1", qid) == new
                else:
                    await raises_sqlstate(conn, "NK409", move, qid, new, os.urandom(32), message="invalid_transition")
    finally:
        await conn.close()


async def test_content_is_frozen_and_deleting_refused_once_sent(db):
    conn = await db.connect("owner")
    try:
        consultant = await factories.consultant(conn)
        draft = await quotation_at(conn, consultant, "draft")
        await conn.execute("update app.quotations set base_amount = 5000, notes = 'n' where id = $1", draft)
        for status in STATUSES[1:]:
            qid = await quotation_at(conn, consultant, status)
            for change in ("base_amount = 1", "discount_percentage = 5", "quotation_name = 'Other'",
                           "client_email = 'x@example.com'", "expires_at = now()", "description = 'changed'"):
                await raises_sqlstate(conn, "NK409", f"update app.quotations set {change} where id = $1", qid,
                                      message="quotation_not_editable")
            await raises_sqlstate(conn, "NK409", "delete from app.quotations where id = $1", qid,
                                  message="quotation_not_editable")
            # Counting views and recording payment are not edits.
            await conn.execute("update app.quotations set view_count = view_count + 1, paid_at = now() where id = $1", qid)
        await conn.execute("delete from app.quotations where id = $1", draft)
    finally:
        await conn.close()


async def test_an_accepted_quotation_is_payable_until_it_is_paid(owner):
    """`payable` (what the client's page builds Checkout from) is SQL's answer: accepted with an unpaid order, and never
    once the quotation is paid, even with an older order still pending at the gateway (the outside review)."""
    cid = await factories.consultant(owner)
    q = await factories.quotation(owner, cid, status="accepted", sent_at=datetime.now(UTC), responded_at=datetime.now(UTC),
                                  public_token_hash=os.urandom(32))
    await factories.payment(owner, cid, purpose="quotation", quotation_id=q, amount="10000.00", status="pending")

    async def payable():
        return json.loads(await owner.fetchval(
            "select app_private.public_quotation_json(q) from app.quotations q where q.id = $1", q))["payable"]

    assert await payable() is True
    await owner.execute("update app.quotations set paid_at = now() where id = $1", q)
    assert await payable() is False

# Test: pytest tests/db/test_quotations.py
