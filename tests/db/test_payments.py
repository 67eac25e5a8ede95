# tests/db/test_payments.py — money rules in SQL: payment and refund state machines, refund totals, confirming captured payments (late, duplicate, racing), webhooks, grants, reconciliation.
from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.db import factories
from tests.db.assertions import named, named_refused, raises_sqlstate

PAY_STATUSES = ["pending", "completed", "failed", "refunded", "partially_refunded", "cancelled"]
PAY_ALLOWED = {("pending", "completed"), ("pending", "failed"), ("pending", "cancelled"),
               ("failed", "completed"), ("failed", "cancelled"), ("failed", "pending"),
               ("cancelled", "completed"),
               ("completed", "partially_refunded"), ("completed", "refunded"), ("partially_refunded", "refunded")}
REFUND_STATUSES = ["pending", "processed", "failed"]
REFUND_ALLOWED = {("pending", "processed"), ("pending", "failed")}
PRICE, PAISE = Decimal("1499.50"), 149950
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

QUOTE = "select api.booking_quote($1, $2, $3, $4, null, null, null)"
BOOK = ("select api.book_slot($1, $2, $3, 'Priya Shah', $4, null, null, null, null, null, null, null, "
        "$5, 'local', $6, $7)")
CONFIRM = "select app_private.confirm_payment('local', $1, $2, $3::bigint, 'upi', 'verify')"
WEBHOOK = "select api.handle_payment_webhook('local', $1, $2::jsonb)"
INSERT_REFUND = ("insert into app.payment_refunds (consultant_id, transaction_id, amount, initiated_by) "
                 "values ($1, $2, $3, 'consultant')")


def new_order_id() -> str:
    return "order_" + uuid.uuid4().hex[:14]


def new_payment_id() -> str:
    return "pay_" + uuid.uuid4().hex[:14]


@dataclass
class Tenant:
    id: uuid.UUID
    slug: str
    slots: list


@dataclass
class Booking:
    session_id: uuid.UUID
    transaction_id: uuid.UUID
    order_id: str


async def published(owner, *, slots: int = 2, session_type: str = "personal", capacity: int = 1) -> Tenant:
    """An approved consultant charging PRICE, with free slots two days ahead."""
    cid = await factories.consultant(owner, personal_session_price=PRICE, webinar_session_price=PRICE)
    slug = await owner.fetchval("select slug from app.consultants where id = $1", cid)
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    ids = [await factories.slot(owner, cid, starts_at=start + timedelta(hours=2 * i), session_type=session_type,
                                capacity=capacity) for i in range(slots)]
    return Tenant(cid, slug, ids)


@pytest.fixture
async def tenant(owner) -> Tenant:
    return await published(owner)


async def book(db, tenant: Tenant, slot: int = 0, session_type: str = "personal") -> Booking:
    """A public booking the way the app makes it: quote, gateway order, then book_slot with a pending payment."""
    app = await db.connect("app")
    try:
        email = f"cl{uuid.uuid4().hex[:8]}@example.com"
        quote = json.loads(await app.fetchval(QUOTE, tenant.slug, tenant.slots[slot], session_type, email))
        order = new_order_id()
        booked = json.loads(await app.fetchval(
            BOOK, tenant.slug, tenant.slots[slot], session_type, email,
            uuid.UUID(quote["session_id"]), order, quote["amount_paise"]))
    finally:
        await app.close()
    assert (booked["status"], booked["payment"]["status"], booked["payment"]["order_id"]) == ("pending", "pending", order)
    return Booking(uuid.UUID(booked["session_id"]), uuid.UUID(booked["payment"]["transaction_id"]), order)


async def confirm(conn, order_id: str, payment_id: str, paise: int | None = PAISE) -> dict:
    return json.loads(await conn.fetchval(CONFIRM, order_id, payment_id, paise))


async def abandon(owner, session_id) -> None:
    """The hold lapses and the sweeper gives the time back."""
    await owner.execute("update app.sessions set hold_expires_at = now() - interval '5 minutes' where id = $1", session_id)
    await owner.execute("select app_private.abandon_expired_holds(null)")
    assert await owner.fetchval("select status from app.sessions where id = $1", session_id) == "abandoned"


async def fetch(owner, table: str, id_):
    return await owner.fetchrow(f"select * from app.{table} where id = $1", id_)


async def emails(owner, session_id) -> list[str]:
    return sorted(r[0] for r in await owner.fetch("select email_type from app.email_logs where session_id = $1", session_id))


async def job_args(owner, task: str) -> list[dict]:
    rows = await owner.fetch("select args from public.procrastinate_jobs where task_name = $1 order by id", task)
    return [json.loads(r[0]) for r in rows]


async def refunds_of(owner, transaction_id) -> list:
    return await owner.fetch("select * from app.payment_refunds where transaction_id = $1 order by created_at, id",
                             transaction_id)


async def paid_session(owner, *, status: str = "confirmed", amount: str = "1000.00"):
    """A session paid for in full (rows as the owner): consultant, client, session, payment."""
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    sid = await factories.session(owner, cid, client, starts_at=T0, status=status, amount=amount)
    await owner.execute("update app.sessions set payment_status = 'paid' where id = $1", sid)
    pay = await factories.payment(owner, cid, session_id=sid, client_id=client, amount=amount)
    return cid, client, sid, pay


async def process(owner, refund_id) -> None:
    await owner.execute("update app.payment_refunds set status = 'processed' where id = $1", refund_id)


# --- 1. the payment lifecycle ------------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [p for p in itertools.product(PAY_STATUSES, PAY_STATUSES) if p[0] != p[1]])
async def test_only_the_payment_lifecycle_moves_a_payment(owner, old, new):
    # Money cannot silently change state: a refunded payment never becomes pending or completed again.
    cid = await factories.consultant(owner)
    pay = await factories.payment(owner, cid, purpose="subscription", status=old)
    sql = "update app.payment_transactions set status = $2 where id = $1"
    if (old, new) in PAY_ALLOWED:
        await owner.execute(sql, pay, new)
        row = await fetch(owner, "payment_transactions", pay)
        assert row["status"] == new
        if new == "completed":
            assert row["paid_at"] is not None
    else:
        await raises_sqlstate(owner, "NK409", sql, pay, new, message="invalid_transition")
        assert (await fetch(owner, "payment_transactions", pay))["status"] == old


# --- 2. the refund guard -----------------------------------------------------------------------------

async def test_refunds_never_add_up_to_more_than_was_paid(owner):
    # A consultant (or a bug) asking for one refund too many is refused; a failed refund frees its share.
    cid = await factories.consultant(owner)
    pay = await factories.payment(owner, cid, purpose="subscription", amount="1000.00")
    first = await factories.refund(owner, cid, pay, amount="400.00")                  # pending: counts
    second = await factories.refund(owner, cid, pay, amount="400.00")
    await process(owner, second)                                                        # processed: counts
    err = await raises_sqlstate(owner, "NK409", INSERT_REFUND, cid, pay, Decimal("200.01"),
                                message="refund_exceeds_payment")
    assert "200.00" in err.detail
    await owner.execute(INSERT_REFUND, cid, pay, Decimal("200.00"))                    # exactly the rest fits
    await raises_sqlstate(owner, "NK409", INSERT_REFUND, cid, pay, Decimal("0.01"), message="refund_exceeds_payment")
    await owner.execute("update app.payment_refunds set status = 'failed' where id = $1", first)
    await owner.execute(INSERT_REFUND, cid, pay, Decimal("400.00"))                    # the failed 400 is free again
    await raises_sqlstate(owner, "NK409", INSERT_REFUND, cid, pay, Decimal("0.01"), message="refund_exceeds_payment")
    live = await owner.fetchval("select sum(amount) from app.payment_refunds where transaction_id = $1 "
                                "and status <> 'failed'", pay)
    assert live == Decimal("1000.00")
    assert await owner.fetchval("select app_private.refundable($1)", pay) == Decimal("0.00")


@pytest.mark.parametrize("status", ["pending", "failed", "cancelled", "refunded"])
async def test_money_not_received_or_already_returned_is_not_refundable(owner, status):
    # Refunding an order nobody paid would send the consultant's own money away.
    cid = await factories.consultant(owner)
    pay = await factories.payment(owner, cid, purpose="subscription", status=status)
    await raises_sqlstate(owner, "NK409", INSERT_REFUND, cid, pay, Decimal("1.00"), message="payment_not_refundable")
    assert await refunds_of(owner, pay) == []


@pytest.mark.parametrize("old, new", [p for p in itertools.product(REFUND_STATUSES, REFUND_STATUSES) if p[0] != p[1]])
async def test_a_refund_is_settled_once(owner, old, new):
    # A processed refund cannot be re-opened (and sent twice); a failed one cannot be marked paid out.
    cid = await factories.consultant(owner)
    pay = await factories.payment(owner, cid, purpose="subscription", amount="1000.00")
    rid = await factories.refund(owner, cid, pay, amount="100.00")
    sql = "update app.payment_refunds set status = $2 where id = $1"
    if old != "pending":
        await owner.execute(sql, rid, old)
    if (old, new) in REFUND_ALLOWED:
        await owner.execute(sql, rid, new)
        row = await fetch(owner, "payment_refunds", rid)
        assert row["status"] == new and (row["processed_at"] is not None) == (new == "processed")
    else:
        await raises_sqlstate(owner, "NK409", sql, rid, new, message="invalid_transition")
        assert (await fetch(owner, "payment_refunds", rid))["status"] == old


# --- 3. refund totals ---------------------------------------------------------------------------------

async def test_processed_refunds_move_payment_session_and_client_totals(owner):
    # The consultant cancels a paid session: part back, then the rest; the client's total is net of refunds.
    cid, client, sid, pay = await paid_session(owner)
    await owner.execute("update app.sessions set status = 'cancelled', cancelled_by = 'consultant' where id = $1", sid)
    paid = "select total_amount_paid from app.clients where id = $1"
    assert await owner.fetchval(paid, client) == Decimal("1000.00")
    part = await factories.refund(owner, cid, pay, amount="300.00")
    assert (await fetch(owner, "payment_transactions", pay))["status"] == "completed"      # pending: nothing back yet
    await process(owner, part)
    t, s = await fetch(owner, "payment_transactions", pay), await fetch(owner, "sessions", sid)
    assert (t["status"], t["amount_refunded"]) == ("partially_refunded", Decimal("300.00"))
    assert (s["status"], s["payment_status"]) == ("cancelled", "partially_refunded")
    assert await owner.fetchval(paid, client) == Decimal("700.00")
    rest = await factories.refund(owner, cid, pay, amount="700.00")
    await process(owner, rest)
    t, s = await fetch(owner, "payment_transactions", pay), await fetch(owner, "sessions", sid)
    assert (t["status"], t["amount_refunded"]) == ("refunded", Decimal("1000.00"))
    assert (s["status"], s["payment_status"]) == ("returned", "refunded")
    assert await owner.fetchval(paid, client) == Decimal("0.00")


async def test_a_goodwill_refund_leaves_a_completed_session_completed(owner):
    # The session happened; giving the money back does not rewrite history.
    cid, client, sid, pay = await paid_session(owner, status="completed")
    await process(owner, await factories.refund(owner, cid, pay, amount="1000.00"))
    s = await fetch(owner, "sessions", sid)
    assert (s["status"], s["payment_status"]) == ("completed", "refunded")
    assert (await fetch(owner, "payment_transactions", pay))["status"] == "refunded"


async def test_refunding_a_duplicate_payment_leaves_its_session_alone(owner):
    # Paying twice and getting the extra back must not mark the real booking refunded.
    cid, client, sid, pay = await paid_session(owner)
    dup = await factories.payment(owner, cid, session_id=sid, client_id=client, amount="1000.00",
                                  metadata=json.dumps({"duplicate": True}))
    assert await owner.fetchval("select total_amount_paid from app.clients where id = $1", client) == Decimal("2000.00")
    await process(owner, await factories.refund(owner, cid, dup, amount="1000.00"))
    s = await fetch(owner, "sessions", sid)
    assert (s["status"], s["payment_status"]) == ("confirmed", "paid")
    assert (await fetch(owner, "payment_transactions", dup))["status"] == "refunded"
    assert (await fetch(owner, "payment_transactions", pay))["status"] == "completed"
    assert await owner.fetchval("select total_amount_paid from app.clients where id = $1", client) == Decimal("1000.00")


async def test_editing_a_processed_refund_keeps_the_totals_true(owner):
    # Totals are promised to follow processed refunds "whichever path (… psql) settled the refund".
    cid, client, sid, pay = await paid_session(owner)
    rid = await factories.refund(owner, cid, pay, amount="400.00")
    await process(owner, rid)
    try:
        await owner.execute("update app.payment_refunds set amount = 600 where id = $1", rid)
    except Exception:  # refusing to edit money already sent would be fine too
        pass
    processed = await owner.fetchval("select sum(amount) from app.payment_refunds where transaction_id = $1 "
                                     "and status = 'processed'", pay)
    assert (await fetch(owner, "payment_transactions", pay))["amount_refunded"] == processed


# --- 4. confirming a captured payment ---------------------------------------------------------------

async def test_a_captured_payment_confirms_the_booking_once(db, owner, tenant):
    # The client pays: booked, two mails queued with their jobs; a replay of the same payment mails nobody again.
    b = await book(db, tenant)
    pay = new_payment_id()
    assert (await confirm(owner, b.order_id, pay))["outcome"] == "confirmed"
    s, t = await fetch(owner, "sessions", b.session_id), await fetch(owner, "payment_transactions", b.transaction_id)
    assert (s["status"], s["payment_status"], s["payment_method"]) == ("confirmed", "paid", "upi")
    assert (t["status"], t["gateway_payment_id"]) == ("completed", pay) and t["paid_at"] is not None
    assert await emails(owner, b.session_id) == ["session_booked", "session_confirmation"]
    logs = {str(r[0]) for r in await owner.fetch("select id from app.email_logs where session_id = $1", b.session_id)}
    assert {a["email_log_id"] for a in await job_args(owner, "send_email")} >= logs
    jobs = len(await job_args(owner, "send_email"))
    assert await owner.fetchval("select total_amount_paid from app.clients where id = $1", s["client_id"]) == PRICE
    again = await confirm(owner, b.order_id, pay)
    assert (again["outcome"], uuid.UUID(again["transaction_id"])) == ("already_confirmed", b.transaction_id)
    assert await emails(owner, b.session_id) == ["session_booked", "session_confirmation"]
    assert len(await job_args(owner, "send_email")) == jobs


async def test_a_second_payment_on_a_paid_order_is_refunded_in_full(db, owner, tenant):
    # The client paid twice (two tabs): the booking stays, the extra money goes back by itself.
    b = await book(db, tenant)
    first, second = new_payment_id(), new_payment_id()
    await confirm(owner, b.order_id, first)
    result = await confirm(owner, b.order_id, second)
    assert result["outcome"] == "duplicate_refunded"
    dup = await owner.fetchrow("select * from app.payment_transactions where gateway_payment_id = $1", second)
    assert dup["id"] == uuid.UUID(result["transaction_id"]) != b.transaction_id
    assert dup["status"] == "completed" and dup["session_id"] == b.session_id
    meta = json.loads(dup["metadata"])
    assert meta["duplicate"] is True and meta["duplicate_of"] == str(b.transaction_id)
    [refund] = await refunds_of(owner, dup["id"])
    assert (refund["amount"], refund["status"], refund["initiated_by"]) == (PRICE, "pending", "system")
    assert {"refund_id": str(refund["id"])} in await job_args(owner, "process_refund")
    s = await fetch(owner, "sessions", b.session_id)
    assert (s["status"], s["payment_status"]) == ("confirmed", "paid")
    assert await emails(owner, b.session_id) == ["session_booked", "session_confirmation"]
    assert (await confirm(owner, b.order_id, second))["outcome"] == "already_refunding"
    assert len(await refunds_of(owner, dup["id"])) == 1


async def test_a_wrong_amount_is_refused_and_changes_nothing(db, owner, tenant):
    # A capture for less than the order (tampered or mis-routed) never confirms a booking.
    b = await book(db, tenant)
    await raises_sqlstate(owner, "NK422", CONFIRM, b.order_id, new_payment_id(), PAISE - 100, message="amount_mismatch")
    t, s = await fetch(owner, "payment_transactions", b.transaction_id), await fetch(owner, "sessions", b.session_id)
    assert (t["status"], t["gateway_payment_id"], s["status"], s["payment_status"]) == ("pending", None, "pending", "pending")
    assert await emails(owner, b.session_id) == [] and await job_args(owner, "process_refund") == []


async def test_a_capture_without_an_amount_is_not_confirmed(db, owner, tenant):
    b = await book(db, tenant)
    await raises_sqlstate(owner, "NK422", CONFIRM, b.order_id, new_payment_id(), None, message="amount_mismatch")


async def test_a_late_payment_confirms_when_the_time_is_still_free(db, owner, tenant):
    # The client paid after the hold lapsed, but nobody took the time: they get their booking.
    b = await book(db, tenant)
    await abandon(owner, b.session_id)
    assert await owner.fetchval("select booked_count from app.availability_slots where id = $1", tenant.slots[0]) == 0
    assert (await confirm(owner, b.order_id, new_payment_id()))["outcome"] == "confirmed"
    s = await fetch(owner, "sessions", b.session_id)
    assert (s["status"], s["payment_status"]) == ("confirmed", "paid")
    assert await owner.fetchval("select booked_count from app.availability_slots where id = $1", tenant.slots[0]) == 1
    assert await emails(owner, b.session_id) == ["session_booked", "session_confirmation"]


async def test_a_late_payment_for_a_taken_time_is_refunded(db, owner, tenant):
    # Someone else booked the lapsed time: the late payer is told and refunded in full, the other booking stands.
    late = await book(db, tenant)
    await abandon(owner, late.session_id)
    other = await book(db, tenant)                                    # the same slot, taken by another client
    assert (await confirm(owner, late.order_id, new_payment_id()))["outcome"] == "refunding"
    s = await fetch(owner, "sessions", late.session_id)
    assert (s["status"], s["cancelled_by"], s["payment_status"]) == ("cancelled", "system", "paid")
    assert (await fetch(owner, "payment_transactions", late.transaction_id))["status"] == "completed"
    [refund] = await refunds_of(owner, late.transaction_id)
    assert (refund["amount"], refund["status"], refund["initiated_by"]) == (PRICE, "pending", "system")
    assert {"refund_id": str(refund["id"])} in await job_args(owner, "process_refund")
    assert await emails(owner, late.session_id) == ["session_cancelled_client"]
    assert (await fetch(owner, "sessions", other.session_id))["status"] == "pending"
    assert await owner.fetchval("select booked_count from app.availability_slots where id = $1", tenant.slots[0]) == 1


async def test_a_late_payment_for_a_slot_the_consultant_deleted_is_refunded(db, owner, tenant):
    # The hold lapsed and the consultant removed that time: it is no longer offered, so the money goes back.
    b = await book(db, tenant)
    await abandon(owner, b.session_id)
    await owner.execute("delete from app.availability_slots where id = $1", tenant.slots[0])
    assert (await confirm(owner, b.order_id, new_payment_id()))["outcome"] == "refunding"
    s = await fetch(owner, "sessions", b.session_id)
    assert (s["status"], s["cancelled_by"]) == ("cancelled", "system")
    assert [r["amount"] for r in await refunds_of(owner, b.transaction_id)] == [PRICE]


@pytest.mark.parametrize("since", ["calendar busy", "blocked", "within notice"])
async def test_a_late_payment_is_judged_by_the_one_definition_of_a_free_slot(db, owner, tenant, since):
    """Issue 17 (one home per rule): a paid booking whose hold lapsed is honoured only if its slot is free by the
    test the slot list and booking use (app_private.free_slots), not a weaker one of its own (which saw neither the
    consultant's calendar nor their notice, and confirmed a time the page would no longer offer)."""
    b = await book(db, tenant)
    await abandon(owner, b.session_id)
    starts, ends = await owner.fetchrow("select starts_at, ends_at from app.availability_slots where id = $1",
                                        tenant.slots[0])
    if since == "calendar busy":
        connection = await owner.fetchval(
            "insert into app.calendar_connections (consultant_id, provider, account_email, access_token_encrypted, "
            "refresh_token_encrypted, access_expires_at) values ($1, 'google', 'c@gmail.example', 'a', 'r', now()) "
            "returning id", tenant.id)
        await owner.execute("insert into app.calendar_busy (consultant_id, connection_id, during) "
                            "values ($1, $2, tstzrange($3, $4))", tenant.id, connection, starts, ends)
    elif since == "blocked":
        await factories.availability_block(owner, tenant.id, starts_at=starts - timedelta(minutes=30), minutes=60)
    else:  # the consultant now wants three days' notice; the slot starts in two
        await owner.execute("update app.consultants set min_notice_minutes = 3 * 24 * 60 where id = $1", tenant.id)
    listed = await owner.fetchval("select count(*) from app_private.free_slots((select c from app.consultants c "
                                  "where c.id = $1), null, now(), now() + interval '7 days', 10) where slot_id = $2",
                                  tenant.id, tenant.slots[0])
    assert listed == 0, "the page no longer offers the time"
    assert (await confirm(owner, b.order_id, new_payment_id()))["outcome"] == "refunding"
    s = await fetch(owner, "sessions", b.session_id)
    assert (s["status"], s["cancelled_by"]) == ("cancelled", "system")
    assert [r["amount"] for r in await refunds_of(owner, b.transaction_id)] == [PRICE]


async def test_a_late_payment_for_a_slot_moved_meanwhile_is_refunded(db, owner, tenant):
    """An abandoned booking holds no seat, so the consultant may move its slot; the late payment must not confirm
    the session at its old time on the strength of the slot being free at its new one (the outside review)."""
    b = await book(db, tenant)
    await abandon(owner, b.session_id)
    await owner.execute("update app.availability_slots set starts_at = starts_at + interval '1 day', "
                        "ends_at = ends_at + interval '1 day' where id = $1", tenant.slots[0])
    assert (await confirm(owner, b.order_id, new_payment_id()))["outcome"] == "refunding"
    assert (await fetch(owner, "sessions", b.session_id))["status"] == "cancelled"
    assert await owner.fetchval("select booked_count from app.availability_slots where id = $1", tenant.slots[0]) == 0


async def test_refunding_the_rest_while_a_partial_refund_is_pending_cancels_the_session(db, owner, tenant):
    # Half now, "the rest" before the first half is processed: all the money is going back, so it will not happen.
    b = await book(db, tenant)
    await confirm(owner, b.order_id, new_payment_id())
    async with db.as_caller("app", consultant_id=tenant.id) as conn:
        await conn.execute("select api.refund_payment($1, $2, 'half')", b.transaction_id, PRICE / 2)
        assert (await fetch(owner, "sessions", b.session_id))["status"] == "confirmed"
        await conn.execute("select api.refund_payment($1, null, 'the rest')", b.transaction_id)
        s = await conn.fetchrow("select status, cancelled_by from app.sessions where id = $1", b.session_id)
        assert tuple(s) == ("cancelled", "consultant")
        await raises_sqlstate(conn, "NK409", "select api.refund_payment($1, null, 'more')", b.transaction_id,
                              message="refund_exceeds_remaining")


async def test_a_late_webinar_seat_is_refunded_when_the_webinar_filled(db, owner):
    # Seats are never sold beyond capacity, even to a client whose money arrives late.
    web = await published(owner, slots=1, session_type="webinar", capacity=2)
    late = await book(db, web, session_type="webinar")
    await abandon(owner, late.session_id)
    for _ in range(2):
        await book(db, web, session_type="webinar")
    assert (await confirm(owner, late.order_id, new_payment_id()))["outcome"] == "refunding"
    assert (await fetch(owner, "sessions", late.session_id))["status"] == "cancelled"
    assert await owner.fetchval("select booked_count from app.availability_slots where id = $1", web.slots[0]) == 2
    assert [r["amount"] for r in await refunds_of(owner, late.transaction_id)] == [PRICE]


async def test_a_payment_for_a_cancelled_booking_is_refunded_and_returns_it(db, owner, tenant):
    # Cancelled while paying: the money goes back, and once it is back the booking is `returned`.
    b = await book(db, tenant)
    await owner.execute("update app.sessions set status = 'cancelled', cancelled_by = 'client' where id = $1", b.session_id)
    pay = new_payment_id()
    assert (await confirm(owner, b.order_id, pay))["outcome"] == "refunding"
    s = await fetch(owner, "sessions", b.session_id)
    assert (s["status"], s["cancelled_by"], s["payment_status"]) == ("cancelled", "client", "paid")
    [refund] = await refunds_of(owner, b.transaction_id)
    assert (refund["amount"], refund["reason"]) == (PRICE, "Paid for a cancelled booking")
    await owner.execute("select app_private.settle_refund($1, 'processed', 'rfnd_AAAAAAAAAAAAAA', null)", refund["id"])
    s = await fetch(owner, "sessions", b.session_id)
    assert (s["status"], s["payment_status"]) == ("returned", "refunded")
    assert (await fetch(owner, "payment_transactions", b.transaction_id))["status"] == "refunded"
    assert "refund_processed" in await emails(owner, b.session_id)


# --- 5. racing confirmations -------------------------------------------------------------------------

async def test_racing_confirmations_of_one_payment_confirm_it_once(db, owner, tenant):
    # Verify and the webhook arrive together: one confirmation, one set of mails, no duplicate refund.
    b = await book(db, tenant)
    pay = new_payment_id()
    conns = [await db.connect("owner") for _ in range(2)]

    async def attempt(conn) -> str:
        async with conn.transaction():
            outcome = (await confirm(conn, b.order_id, pay))["outcome"]
            await conn.execute("select pg_sleep(0.3)")  # hold the locks while the other one arrives
        return outcome

    try:
        outcomes = await asyncio.gather(*(attempt(c) for c in conns))
    finally:
        for c in conns:
            await c.close()
    assert sorted(outcomes) == ["already_confirmed", "confirmed"]
    assert await emails(owner, b.session_id) == ["session_booked", "session_confirmation"]
    assert await owner.fetchval("select count(*) from app.payment_transactions where session_id = $1", b.session_id) == 1
    assert await owner.fetchval("select count(*) from app.payment_refunds") == 0


# --- 6. webhooks ---------------------------------------------------------------------------------------

def captured(b: Booking, pay: str) -> dict:
    return {"event": "payment.captured", "payload": {"payment": {"entity": {
        "id": pay, "order_id": b.order_id, "amount": PAISE, "status": "captured", "method": "card"}}}}


def refund_event(refund_id: str, pay: str, paise: int, notes: dict) -> dict:
    return {"event": "refund.processed", "payload": {"refund": {"entity": {
        "id": refund_id, "payment_id": pay, "amount": paise, "notes": notes}}}}


async def webhook(db, event_id: str, payload: dict) -> dict:
    app = await db.connect("app")
    try:
        return json.loads(await app.fetchval(WEBHOOK, event_id, json.dumps(payload)))
    finally:
        await app.close()


async def test_a_redelivered_webhook_event_does_nothing(db, owner, tenant):
    # Razorpay retries deliveries: the same event id is acknowledged, not processed twice.
    b = await book(db, tenant)
    payload = captured(b, new_payment_id())
    assert await webhook(db, "evt_1", payload) == {"outcome": "confirmed"}
    assert await webhook(db, "evt_1", payload) == {"outcome": "duplicate"}
    [event] = await owner.fetch("select * from app.webhook_events where event_id = 'evt_1'")
    assert event["processed_at"] is not None and event["processing_error"] is None
    assert await emails(owner, b.session_id) == ["session_booked", "session_confirmation"]


async def test_a_webhook_for_an_unknown_order_is_recorded_as_rejected(db, owner, tenant):
    # A stray event is acknowledged (no endless retries) with the reason kept for the operator.
    b = await book(db, tenant)
    stray = Booking(b.session_id, b.transaction_id, new_order_id())
    outcome = (await webhook(db, "evt_stray", captured(stray, new_payment_id())))["outcome"]
    assert outcome.startswith("rejected_") and "order_not_found" in outcome
    event = await owner.fetchrow("select * from app.webhook_events where event_id = 'evt_stray'")
    assert event["processing_error"] == outcome and event["processed_at"] is not None
    assert (await fetch(owner, "payment_transactions", b.transaction_id))["status"] == "pending"


async def test_refund_webhooks_settle_ours_and_record_the_gateways_own(db, owner, tenant):
    # Our refund is settled by its notes; one made on the Razorpay dashboard still shows in the totals.
    b = await book(db, tenant)
    pay = new_payment_id()
    await confirm(owner, b.order_id, pay)
    ours = await owner.fetchval("select (app_private.create_refund($1, 500, 'Partly', 'consultant')).id", b.transaction_id)
    assert await webhook(db, "evt_r1", refund_event("rfnd_OURS0000000001", pay, 50000,
                                                    {"refund_id": str(ours)})) == {"outcome": "refund_processed"}
    r = await fetch(owner, "payment_refunds", ours)
    assert (r["status"], r["gateway_refund_id"]) == ("processed", "rfnd_OURS0000000001")
    assert await webhook(db, "evt_r2", refund_event("rfnd_DASH0000000001", pay, 30000, {})) == {"outcome": "refund_recorded"}
    dash = await owner.fetchrow("select * from app.payment_refunds where gateway_refund_id = 'rfnd_DASH0000000001'")
    assert (dash["amount"], dash["status"], dash["initiated_by"]) == (Decimal("300.00"), "processed", "admin")
    t = await fetch(owner, "payment_transactions", b.transaction_id)
    assert (t["status"], t["amount_refunded"]) == ("partially_refunded", Decimal("800.00"))
    s = await fetch(owner, "sessions", b.session_id)
    assert (s["status"], s["payment_status"]) == ("confirmed", "partially_refunded")
    assert await owner.fetchval("select total_amount_paid from app.clients where id = $1", s["client_id"]) == PRICE - 800


# --- 7. who may touch money -------------------------------------------------------------------------

async def test_the_app_role_cannot_write_money_or_reach_private_functions(db, owner):
    # A compromised web process cannot mark payments paid, invent refunds or call the private helpers.
    cid, client, sid, pay = await paid_session(owner)
    rid = await factories.refund(owner, cid, pay, amount="100.00")
    async with db.as_caller("app", consultant_id=cid) as conn:
        for sql, args in [
            ("insert into app.payment_transactions (consultant_id, purpose, session_id, amount, gateway, status) "
             "values ($1, 'session', $2, 1, 'cash', 'completed')", (cid, sid)),
            ("update app.payment_transactions set status = 'refunded' where id = $1", (pay,)),
            ("update app.payment_transactions set amount_refunded = 0 where id = $1", (pay,)),
            (INSERT_REFUND, (cid, pay, Decimal("1.00"))),
            ("update app.payment_refunds set status = 'processed' where id = $1", (rid,)),
            ("select * from dev.local_gateway_orders", ()),
            ("select * from dev.local_gateway_payments", ()),
            ("select * from dev.local_gateway_refunds", ()),
            ("select app_private.confirm_payment('local', 'order_x', 'pay_x', 1, 'upi', 'verify')", ()),
            ("select app_private.create_refund($1, 1, 'x', 'consultant')", (pay,)),
            ("select app_private.settle_refund($1, 'processed', null, null)", (rid,)),
            ("select app_private.refundable($1)", (pay,)),
        ]:
            await raises_sqlstate(conn, "42501", sql, *args)
        # Its own payment and refund are readable (row-level security), just not writable.
        assert await conn.fetchval("select count(*) from app.payment_refunds where id = $1", rid) == 1
    assert (await fetch(owner, "payment_refunds", rid))["status"] == "pending"
    assert (await fetch(owner, "payment_transactions", pay))["status"] == "completed"


async def test_a_consultant_cannot_refund_or_read_another_consultants_payment(db, owner):
    # Consultant B guessing A's payment id learns nothing and moves no money.
    a, _, _, pay = await paid_session(owner)
    b = await factories.consultant(owner)
    async with db.as_caller("app", consultant_id=b) as conn:
        await raises_sqlstate(conn, "NK404", "select api.refund_payment($1, null, 'mine now')", pay, message="not_found")
        await named_refused(conn, "NK404", "get_payment", transaction_id=pay)
        assert (await named(conn, "list_payments", status=None, from_=None, to_=None, page=1, per_page=25))["total"] == 0
    async with db.as_caller("app", consultant_id=a) as conn:
        assert (await named(conn, "get_payment", transaction_id=pay))["id"] == str(pay)
    assert await refunds_of(owner, pay) == []


async def test_an_unapproved_consultant_is_refused_payments(db, owner):
    # Before approval the payments pages answer 403, even for the consultant's own rows.
    cid = await factories.consultant(owner, approved=False)
    pay = await factories.payment(owner, cid, purpose="subscription")
    async with db.as_caller("app", consultant_id=cid) as conn:
        await raises_sqlstate(conn, "NK403", "select api.refund_payment($1, null, 'x')", pay,
                              message="consultant_not_approved")
        for name, params in (("get_payment", {"transaction_id": pay}),
                             ("list_payments", {"status": None, "from_": None, "to_": None, "page": 1, "per_page": 25})):
            err = await named_refused(conn, "NK403", name, **params)
            assert err.message == "consultant_not_approved"
    assert await refunds_of(owner, pay) == []


async def test_the_consultant_refunds_in_full_and_the_session_is_called_off(db, owner, tenant):
    # A full refund of a session still to come cancels it and tells the client; more than is left is refused.
    b = await book(db, tenant)
    await confirm(owner, b.order_id, new_payment_id())
    async with db.as_caller("app", consultant_id=tenant.id) as conn:
        await raises_sqlstate(conn, "NK409", "select api.refund_payment($1, $2, 'x')", b.transaction_id,
                              PRICE + Decimal("0.01"), message="refund_exceeds_remaining")
        result = json.loads(await conn.fetchval("select api.refund_payment($1, null, 'Clash')", b.transaction_id))
        assert result["replayed"] is False
        result = result["payment"]
        assert result["refundable"] == "0.00" and [r["status"] for r in result["refunds"]] == ["pending"]
        s = await conn.fetchrow("select status, cancelled_by from app.sessions where id = $1", b.session_id)
        assert tuple(s) == ("cancelled", "consultant")
        assert "session_cancelled_client" in {r[0] for r in await conn.fetch(
            "select email_type from app.email_logs where session_id = $1", b.session_id)}


async def test_the_consultant_cancelling_a_paid_session_refunds_it(db, owner, tenant):
    # api.set_session_status: calling it off owes the client everything they paid.
    b = await book(db, tenant)
    await confirm(owner, b.order_id, new_payment_id())
    async with db.as_caller("app", consultant_id=tenant.id) as conn:
        s = json.loads(await conn.fetchval("select api.set_session_status($1, 'cancelled', 'Unwell')", b.session_id))
        assert (s["status"], s["cancelled_by"]) == ("cancelled", "consultant")
        [r] = await conn.fetch("select amount, status, initiated_by, reason from app.payment_refunds "
                               "where transaction_id = $1", b.transaction_id)
        assert tuple(r) == (PRICE, "pending", "consultant", "Unwell")
        emails_sent = {e[0] for e in await conn.fetch("select email_type from app.email_logs where session_id = $1",
                                                      b.session_id)}
        assert "session_cancelled_client" in emails_sent


async def test_a_refund_in_fractions_of_a_paisa_is_refused(db, owner, tenant):
    b = await book(db, tenant)
    await confirm(owner, b.order_id, new_payment_id())
    async with db.as_caller("app", consultant_id=tenant.id) as conn:
        await raises_sqlstate(conn, "NK422", "select api.refund_payment($1, $2, 'x')", b.transaction_id,
                              Decimal("100.005"), message="invalid_amount")


# --- 8. reconciliation --------------------------------------------------------------------------------

async def test_reconciliation_claims_a_lapsed_order_once(db, owner, tenant):
    # Orders the webhook never settled are asked about, each by one worker, and not again right away.
    due, fresh = await book(db, tenant, 0), await book(db, tenant, 1)
    hold = "update app.sessions set hold_expires_at = now() - make_interval(mins => $2) where id = $1"
    await owner.execute(hold, due.session_id, 3)
    await owner.execute(hold, fresh.session_id, 1)                 # lapsed, but within the 2 minute grace
    worker = await db.connect("worker")
    try:
        claimed = await worker.fetch("select * from api.reconcile_due_payments(10)")
        assert [(r["transaction_id"], r["order_id"], r["status"]) for r in claimed] == [
            (due.transaction_id, due.order_id, "pending")]
        assert (await fetch(owner, "payment_transactions", due.transaction_id))["last_checked_at"] is not None
        assert await worker.fetch("select * from api.reconcile_due_payments(10)") == []
    finally:
        await worker.close()


async def test_an_order_is_given_up_only_an_hour_after_its_hold(db, owner, tenant):
    # A slow payer is not cut off early; an order silent an hour past its hold is closed.
    recent, old = await book(db, tenant, 0), await book(db, tenant, 1)
    hold = "update app.sessions set hold_expires_at = now() - make_interval(mins => $2) where id = $1"
    await owner.execute(hold, recent.session_id, 50)
    await owner.execute(hold, old.session_id, 61)
    worker = await db.connect("worker")
    try:
        assert await worker.fetchval("select api.reconcile_give_up_order($1)", recent.transaction_id) == "pending"
        assert await worker.fetchval("select api.reconcile_give_up_order($1)", old.transaction_id) == "cancelled"
    finally:
        await worker.close()
    assert (await fetch(owner, "payment_transactions", recent.transaction_id))["status"] == "pending"
    assert (await fetch(owner, "sessions", recent.session_id))["payment_status"] == "pending"
    assert (await fetch(owner, "payment_transactions", old.transaction_id))["status"] == "cancelled"
    assert (await fetch(owner, "sessions", old.session_id))["payment_status"] == "failed"


async def test_consultant_mail_follows_their_notification_preferences(db, owner, tenant):
    # A consultant who turned off booking and cancellation mail gets none; the client still gets theirs.
    await owner.execute("update app.consultants set notification_preferences = notification_preferences "
                        "|| '{\"session_booked\": false, \"session_cancelled\": false}' where id = $1", tenant.id)
    b = await book(db, tenant)
    await confirm(owner, b.order_id, new_payment_id())
    assert await emails(owner, b.session_id) == ["session_confirmation"]
    s = await owner.fetchrow("select * from app.sessions where id = $1", b.session_id)
    await owner.execute("select app_private.queue_session_emails(s, 'cancelled_by_client') from app.sessions s "
                        "where s.id = $1", s["id"])
    # The client hears of their own cancellation (it carries the calendar's CANCEL); the consultant does not.
    assert sorted(await emails(owner, b.session_id)) == ["session_cancelled_client", "session_confirmation"]


async def test_every_mail_trigger_sends_with_its_cause_or_not_at_all(db, owner, tenant):
    # Each cause of mail, run and then rolled back, leaves no email log and no job; committed, it has both.
    async def count() -> tuple[int, int]:
        return (await owner.fetchval("select count(*) from app.email_logs"),
                await owner.fetchval("select count(*) from procrastinate_jobs"))

    as_consultant = "select set_config('app.consultant_id', $1::text, true)"
    b = await book(db, tenant)
    paid = await book(db, tenant, 1)
    await confirm(owner, paid.order_id, new_payment_id())
    admin_id = str(await factories.admin(owner))
    causes = [
        ("payment confirmed", [(CONFIRM, b.order_id, new_payment_id(), PAISE)]),
        ("consultant cancels (refund, mail)", [(as_consultant, str(tenant.id)),
                                               ("select api.set_session_status($1, 'cancelled', 'x')", paid.session_id)]),
        ("session moved (mail, reminder)", [(as_consultant, str(tenant.id)),
                                            ("select api.reschedule_session($1, null, $2, $3)", paid.session_id,
                                             datetime.now(UTC) + timedelta(days=9), datetime.now(UTC) + timedelta(days=9, hours=1))]),
        ("refund processed", [("select app_private.settle_refund((app_private.create_refund($1, 10, 'x', "
                               "'consultant')).id, 'processed', 'rfnd_Settled0000001', null)", paid.transaction_id)]),
        ("consultant suspended by an admin", [("select set_config('app.admin_id', $1::text, true)", admin_id),
                                              ("select app_private.set_approval($1, 'suspended', 'x', null)", tenant.id)]),
    ]
    for name, statements in causes:
        before = await count()
        tr = owner.transaction()
        await tr.start()
        try:
            for sql, *args in statements:
                await owner.execute(sql, *args)
            during = await count()
            assert during[0] > before[0] and during[1] > before[1], f"{name}: nothing queued"
        finally:
            await tr.rollback()
        assert await count() == before, f"{name}: mail or a job survived the rollback"

# Test: pytest tests/db/test_payments.py
