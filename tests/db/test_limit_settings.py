# tests/db/test_limit_settings.py — the abuse limits are platform settings: bounded, and what the rate limiter counts against.
from __future__ import annotations

import asyncpg
import pytest

LIMIT_KEYS = ("min_slot_minutes", "max_future_slots", "public_bookings_per_ip_per_hour",
              "public_bookings_per_email_per_hour", "booking_emails_per_recipient_per_day", "unpaid_holds_per_email",
              "unpaid_holds_per_ip", "photo_uploads_per_hour", "login_failures_per_account_ip",
              "login_failures_per_ip", "login_failures_per_account", "max_availability_rules")


async def test_every_limit_has_a_default_inside_its_range(owner):
    rows = await owner.fetch("select s.key, (s.value #>> '{}')::integer as v, b.bounds->s.key->>0 as lo, "
                             "b.bounds->s.key->>1 as hi from app.platform_settings s, "
                             "(select api.setting_bounds() as bounds) b where s.key = any($1)", list(LIMIT_KEYS))
    assert {r["key"] for r in rows} == set(LIMIT_KEYS)
    for r in rows:
        assert int(r["lo"]) <= r["v"] <= int(r["hi"]), r["key"]


async def test_a_limit_outside_its_range_is_refused(owner):
    with pytest.raises(asyncpg.PostgresError) as err:
        await owner.execute("select app_private.check_setting('unpaid_holds_per_email', '0'::jsonb)")
    assert err.value.sqlstate == "NK422" and err.value.hint == "field:unpaid_holds_per_email"


async def test_the_rate_limiter_counts_against_the_setting_not_the_built_in_number(db, owner):
    await owner.execute("update app.platform_settings set value = '2' where key = 'photo_uploads_per_hour'")
    app = await db.connect("app")
    try:
        waits = [await app.fetchval("select api.hit_rate_limit('upload:test', 100, 3600, 'photo_uploads_per_hour')")
                 for _ in range(3)]
        # Without a setting the built-in number decides.
        free = [await app.fetchval("select api.hit_rate_limit('other:test', 100, 3600)") for _ in range(3)]
    finally:
        await app.close()
    assert waits[:2] == [0, 0] and waits[2] > 0
    assert free == [0, 0, 0]


async def test_a_missing_setting_row_falls_back_to_its_minimum_not_to_no_limit(owner):
    await owner.execute("delete from app.platform_settings where key = 'unpaid_holds_per_ip'")
    assert await owner.fetchval("select app_private.setting_integer('unpaid_holds_per_ip')") == 1

# Test: pytest tests/db/test_limit_settings.py
