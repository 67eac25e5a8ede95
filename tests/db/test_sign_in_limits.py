# tests/db/test_sign_in_limits.py — the sign-in throttle in SQL: three buckets, a full one refuses and counts nothing, a right password is forgiven.
from __future__ import annotations

import asyncio

import asyncpg
import pytest

# Each test fills a bucket in a fixed window: keep it clear of a window's end (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("clear_of_window_edge")


async def hits(owner, pattern: str) -> dict[str, int]:
    rows = await owner.fetch("select bucket, hits from app.rate_limit_hits where bucket like $1", pattern)
    return {r["bucket"]: r["hits"] for r in rows}


async def begin(conn, account: str, ip: str, kind: str = "consultant") -> str | None:
    """None when allowed, else the refusal's hint (retry_after:N)."""
    try:
        async with conn.transaction():
            await conn.execute("select api.begin_sign_in($1, $2, $3)", kind, account, ip)
    except asyncpg.PostgresError as exc:
        assert exc.sqlstate == "NK429" and exc.message == "rate_limited"
        return exc.hint
    return None


async def test_a_full_account_ip_bucket_refuses_and_counts_nowhere(db, owner):
    await owner.execute("update app.platform_settings set value = '3' where key = 'login_failures_per_account_ip'")
    app = await db.connect("app")
    try:
        answers = [await begin(app, "Victim@Example.com ", "203.0.113.1") for _ in range(5)]
        other_ip = await begin(app, "victim@example.com", "198.51.100.1")
    finally:
        await app.close()
    assert answers[:3] == [None] * 3 and all(a and a.startswith("retry_after:") for a in answers[3:])
    assert 0 < int(answers[3].split(":")[1]) <= 900
    assert other_ip is None
    counted = await hits(owner, "sign_in:consultant:%")
    # The refused attempts reached neither the IP's bucket nor the account's ceiling. The account is named by a
    # hash of its address (the same for any spelling), never the address itself.
    key = await owner.fetchval("select app_private.account_key('victim@example.com')")
    assert counted == {f"sign_in:consultant:account_ip:{key} 203.0.113.1": 3,
                       "sign_in:consultant:ip:203.0.113.1": 3,
                       f"sign_in:consultant:account:{key}": 4,
                       f"sign_in:consultant:account_ip:{key} 198.51.100.1": 1,
                       "sign_in:consultant:ip:198.51.100.1": 1}
    assert await owner.fetchval("select count(*) from app.rate_limit_hits where bucket ~* 'victim|example'") == 0


async def test_forgiving_takes_the_attempt_back_everywhere(db, owner):
    app = await db.connect("app")
    try:
        await app.execute("select api.begin_sign_in('admin', 'boss@example.com', '192.0.2.7')")
        await app.execute("select api.begin_sign_in('admin', 'boss@example.com', '192.0.2.7')")
        await app.execute("select api.forgive_sign_in('admin', 'boss@example.com', '192.0.2.7')")
    finally:
        await app.close()
    assert set((await hits(owner, "sign_in:admin:%")).values()) == {1}
    assert await hits(owner, "sign_in:consultant:%") == {}  # consultants and admins are counted apart


async def test_racing_attempts_never_overshoot_a_bucket(db, owner):
    await owner.execute("update app.platform_settings set value = '5' where key = 'login_failures_per_ip'")
    conns = [await db.connect("app") for _ in range(12)]
    try:
        answers = await asyncio.gather(*(begin(c, f"user{i}@example.com", "203.0.113.9")
                                         for i, c in enumerate(conns)))
    finally:
        for c in conns:
            await c.close()
    assert sum(a is None for a in answers) == 5
    assert (await hits(owner, "sign_in:consultant:ip:%")) == {"sign_in:consultant:ip:203.0.113.9": 5}


async def test_the_app_role_cannot_pick_another_kind(db):
    app = await db.connect("app")
    try:
        with pytest.raises(asyncpg.PostgresError) as err:
            await app.execute("select api.begin_sign_in('root', 'x@example.com', '192.0.2.1')")
    finally:
        await app.close()
    assert err.value.sqlstate == "NK400"

# Test: pytest tests/db/test_sign_in_limits.py
