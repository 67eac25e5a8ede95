# tests/db/test_suspension_writes.py — a suspended consultant changes nothing of their page, prices, links, bank details or hours (as the app role), while a pending one still sets up, and admins and the worker are not held.
from __future__ import annotations

from datetime import time

from tests.db import factories
from tests.db.assertions import raises_sqlstate

RULE = ("insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, "
        "capacity) values ($1, 'personal', 3, '14:00', '15:00', 60, 1)")


async def suspended(db) -> tuple:
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner, approval_status="suspended", rejection_reason="Missed sessions")
        await factories.availability_rule(owner, cid)
        await factories.availability_block(owner, cid)
        return cid
    finally:
        await owner.close()


async def test_a_suspended_consultant_cannot_change_their_page_prices_links_bank_or_hours(db):
    cid = await suspended(db)
    async with db.as_caller("app", consultant_id=cid) as conn:
        for sql in ("update app.consultants set description = 'changed while suspended'",
                    "update app.consultants set personal_session_price = 9999",
                    "update app.consultants set instagram_url = 'https://instagram.com/x'",
                    "update app.consultants set bank_name = 'Other Bank'",
                    "select api.update_my_profile('{\"slug\": \"a-new-address\"}')",
                    "update app.consultants set min_notice_minutes = 0",
                    "update app.availability_rules set end_time = '18:00'",
                    "delete from app.availability_rules",
                    "delete from app.availability_blocks",
                    "update app.availability_slots set capacity = 5"):
            err = await raises_sqlstate(conn, "NK403", sql, message="consultant_suspended")
            assert "suspended" in err.detail
        await raises_sqlstate(conn, "NK403", RULE, cid, message="consultant_suspended")
        # Through the API's own function too, with the reason (not a silent nothing).
        await raises_sqlstate(conn, "NK403", "select api.create_availability_rule('personal', 3, '14:00', '15:00', "
                                             "60, 1, null, null)", message="consultant_suspended")
        # What stays theirs: notifications, taking the page offline.
        await conn.execute("update app.consultants set notification_preferences = "
                           "notification_preferences || '{\"session_booked\": false}'")
        await conn.execute("update app.consultants set published_at = null")
    owner = await db.connect("owner")
    try:
        row = await owner.fetchrow("select description, personal_session_price, notification_preferences "
                                   "from app.consultants where id = $1", cid)
        assert row["description"] != "changed while suspended" and row["personal_session_price"] != 9999
    finally:
        await owner.close()


async def test_a_pending_consultant_still_sets_up_and_admins_and_the_worker_are_not_held(db):
    owner = await db.connect("owner")
    try:
        pending = await factories.consultant(owner, approved=False)
        cid = await suspended(db)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=pending) as conn:
        assert await conn.execute("update app.consultants set description = 'About me'") == "UPDATE 1"
        await conn.execute(RULE, pending)
    # The owner (an admin function, a migration) acting for nobody: not refused.
    owner = await db.connect("owner")
    try:
        await owner.execute("update app.consultants set approval_status = 'approved', rejection_reason = null "
                            "where id = $1", cid)
        await factories.availability_rule(owner, cid, weekday=4, start_time=time(11), end_time=time(12))
    finally:
        await owner.close()
    # Reactivated: their own writes work again.
    async with db.as_caller("app", consultant_id=cid) as conn:
        assert await conn.execute("update app.consultants set description = 'Back'") == "UPDATE 1"
        await conn.execute(RULE, cid)

# Test: pytest tests/db/test_suspension_writes.py
