# tests/db/test_token_epochs.py — the per-account token epoch: ending every session moves it on, the guard's query refuses older tokens.
from __future__ import annotations

from tests.db import factories


async def test_logout_everywhere_moves_the_epoch_and_the_guard_says_revoked(db, owner):
    cid = await factories.consultant(owner)
    app = await db.connect("app")
    try:
        assert await app.fetchval("select api.consultant_access($1, 0)", cid) == "approved"
        async with app.transaction():  # as the app sets the caller, committed
            await app.execute("select set_config('app.consultant_id', $1, true)", str(cid))
            await app.fetchval("select api.revoke_my_sessions()")
        assert await app.fetchval("select api.consultant_access($1, 0)", cid) == "revoked"
        assert await app.fetchval("select api.consultant_access($1, 1)", cid) == "approved"
    finally:
        await app.close()


async def test_suspension_ends_every_token_and_a_new_one_reads_as_suspended(db, owner):
    # Signed out everywhere, apps too (an outside review kept writing with a token from before the suspension);
    # signed in again, the new token's state says why the dashboard is read-only.
    cid = await factories.consultant(owner)
    await owner.execute("select app_private.revoke_families($1, null, 'suspended')", cid)
    await owner.execute("update app.consultants set approval_status = 'suspended' where id = $1", cid)
    app = await db.connect("app")
    try:
        assert [await app.fetchval("select api.consultant_access($1, $2)", cid, e) for e in (0, 1)] == \
            ["revoked", "suspended"]
    finally:
        await app.close()


async def test_an_admins_epoch_moves_when_their_sessions_end(db, owner):
    aid = await factories.admin(owner)
    await owner.execute("select app_private.revoke_families(null, $1, 'password_changed')", aid)
    app = await db.connect("app")
    try:
        assert [await app.fetchval("select api.admin_access($1, $2)", aid, e) for e in (0, 1)] == ["revoked", "admin"]
    finally:
        await app.close()

# Test: pytest tests/db/test_token_epochs.py
