# tests/db/test_suspension.py — suspending a consultant: the upcoming paid sessions it lists, and cancelling and refunding them through the one cancellation rule (refund job queued, client emailed).
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.db import factories


async def paid_session(owner, cid, client, *, days: float, gateway: str = "local") -> object:
    sid = await factories.session(owner, cid, client, starts_at=datetime.now(UTC).replace(microsecond=0)
                                  + timedelta(days=days))
    await factories.payment(owner, cid, session_id=sid, client_id=client, gateway=gateway)
    await owner.execute("update app.sessions set payment_status = 'paid' where id = $1", sid)
    return sid


async def act_as_admin(owner) -> None:
    """The owner's connection acting for an admin, so the suspension commits and its outcome can be read."""
    await owner.execute("select set_config('app.admin_id', $1, false)", str(await factories.admin(owner)))


async def test_suspending_lists_and_on_request_cancels_and_refunds_upcoming_paid_sessions(db, owner):
    admin = await factories.admin(owner)
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    soon = await paid_session(owner, cid, client, days=2)
    later = await paid_session(owner, cid, client, days=5)
    unpaid = await factories.session(owner, cid, client, starts_at=datetime.now(UTC) + timedelta(days=3))
    past = await paid_session(owner, cid, client, days=-2)
    async with db.as_caller("app", admin_id=admin) as conn:
        before = json.loads(await conn.fetchval("select api.admin_get_consultant($1)", cid))
    assert [s["id"] for s in before["upcoming_paid_sessions"]] == [str(soon), str(later)]
    assert before["upcoming_paid_sessions"][0]["amount"] == "1499.00"

    async with db.as_caller("app", admin_id=admin) as conn:
        # Suspending alone leaves the sessions; with the choice ticked they are cancelled and refunded.
        await conn.fetchval("select api.suspend_consultant($1, 'Clients report missed sessions', null, true)", cid)
        # The caller's transaction is rolled back by as_caller: read what it did before it ends.
        rows = {r["id"]: r for r in await conn.fetch(
            "select id, status, cancelled_by, cancellation_reason from app.sessions where consultant_id = $1", cid)}
        refunds = await conn.fetch("select r.amount, r.initiated_by, t.session_id from app.payment_refunds r "
                                   "join app.payment_transactions t on t.id = r.transaction_id where t.consultant_id = $1", cid)
        audit = await conn.fetchval("select details from app.admin_audit_log where target_id = $1 order by id desc limit 1", cid)
        after = json.loads(await conn.fetchval("select api.admin_get_consultant($1)", cid))
    for sid in (soon, later):
        assert (rows[sid]["status"], rows[sid]["cancelled_by"]) == ("cancelled", "system")
        assert rows[sid]["cancellation_reason"] == "The consultant's account was suspended"
    assert rows[unpaid]["status"] == "confirmed" and rows[past]["status"] == "confirmed"
    assert sorted((r["session_id"], str(r["amount"]), r["initiated_by"]) for r in refunds) == sorted(
        [(soon, "1499.00", "admin"), (later, "1499.00", "admin")])
    assert json.loads(audit)["sessions_cancelled"] == 2
    assert after["approval_status"] == "suspended" and after["upcoming_paid_sessions"] == []


async def test_the_refunds_go_through_the_refund_job_and_clients_are_told(db, owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid, email="waiting.client@example.com")
    sid = await paid_session(owner, cid, client, days=2)
    await act_as_admin(owner)
    await owner.execute("select api.suspend_consultant($1, 'Fraud report', null, true)", cid)
    refund = await owner.fetchval("select r.id from app.payment_refunds r join app.payment_transactions t "
                                  "on t.id = r.transaction_id where t.session_id = $1", sid)
    job = await owner.fetchrow("select task_name, status from procrastinate_jobs where queueing_lock = $1",
                               f"refund:{refund}")
    assert (job["task_name"], job["status"]) == ("process_refund", "todo")
    mails = [r[0] for r in await owner.fetch("select email_type from app.email_logs where recipient_email = $1",
                                             "waiting.client@example.com")]
    assert "session_cancelled_client" in mails


async def test_suspending_without_the_choice_leaves_sessions_alone(db, owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    sid = await paid_session(owner, cid, client, days=2)
    await act_as_admin(owner)
    await owner.execute("select api.suspend_consultant($1, 'Review pending')", cid)
    assert await owner.fetchval("select status from app.sessions where id = $1", sid) == "confirmed"
    assert await owner.fetchval("select count(*) from app.payment_refunds") == 0

# Test: pytest tests/db/test_suspension.py
