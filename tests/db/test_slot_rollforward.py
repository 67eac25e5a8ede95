# tests/db/test_slot_rollforward.py — the slot roll-forward in SQL: bounded per consultant (slot length, future-slot cap), a diff that keeps what is still wanted, serialised per consultant, and the role timeouts that bound it.
from __future__ import annotations

import asyncio
import uuid
from datetime import time

import asyncpg
import pytest

from app.sql import SET_CALLER, SET_CALLER_LONG
from tests.db import factories


async def as_consultant(db, cid, sql: str, *args):
    """Call as the app does for a signed-in consultant: the app role, one transaction, the caller set."""
    conn = await db.connect("app")
    try:
        async with conn.transaction():
            await conn.execute(SET_CALLER, str(cid), "", "")
            return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def roll_forward(db, cid) -> int:
    """What the worker's job runs: the worker role, its statement timeout raised for this transaction (run_long)."""
    conn = await db.connect("worker")
    try:
        async with conn.transaction():
            await conn.execute(SET_CALLER_LONG, "", "", "", "2min")
            return await conn.fetchval("select api.rematerialise_consultant_slots($1)", cid)
    finally:
        await conn.close()


async def wanted(owner, cid) -> set:
    return {tuple(r) for r in await owner.fetch(
        "select d.session_type, d.starts_at, d.ends_at, d.capacity, d.rule_id from app.consultants c "
        "cross join lateral app_private.desired_slots(c.id, (now() at time zone c.timezone)::date, "
        "(now() at time zone c.timezone)::date + c.max_days_ahead) d where c.id = $1", cid)}


async def stored(owner, cid) -> set:
    return {tuple(r) for r in await owner.fetch(
        "select session_type, starts_at, ends_at, capacity, rule_id from app.availability_slots "
        "where consultant_id = $1 and source = 'rule' and starts_at > now()", cid)}


RULE = "select api.create_availability_rule('personal', $1, $2, $3, $4, 1, null, null)"


async def test_a_rule_with_slots_shorter_than_the_platform_minimum_is_refused_and_changes_nothing(db, owner):
    cid = await factories.consultant(owner, approved=False)  # a pending account can save rules: the attack's
    with pytest.raises(asyncpg.PostgresError) as err:
        await as_consultant(db, cid, RULE, 1, time(0), time(23, 55), 5)
    assert (err.value.sqlstate, err.value.message, err.value.hint) == ("NK422", "slot_too_short", "field:slot_minutes")
    assert "15 minutes" in err.value.detail
    assert await owner.fetchval("select count(*) from app.availability_rules where consultant_id = $1", cid) == 0
    # The minimum is a platform setting: lowered, the same rule is accepted.
    await owner.execute("update app.platform_settings set value = '5' where key = 'min_slot_minutes'")
    await owner.execute("update app.consultants set max_days_ahead = 7 where id = $1", cid)
    assert await as_consultant(db, cid, RULE + " is not null", 1, time(9), time(10), 5)


async def test_rules_beyond_the_future_slot_cap_are_refused_naming_the_field(db, owner):
    # The attack: two 5-minute weekly rules over a year (~30k slots) once took 37 s to roll forward.
    cid = await factories.consultant(owner, max_days_ahead=365)
    assert await as_consultant(db, cid, RULE + " is not null", 1, time(8), time(20), 15)  # 48 x 53 = 2,544
    before = await owner.fetchval("select count(*) from app.availability_slots where consultant_id = $1", cid)
    await owner.execute("update app.platform_settings set value = '3000' where key = 'max_future_slots'")
    with pytest.raises(asyncpg.PostgresError) as err:
        await as_consultant(db, cid, RULE, 2, time(8), time(20), 15)  # another 2,544: over 3,000
    assert (err.value.sqlstate, err.value.message, err.value.hint) == ("NK422", "too_many_slots", "field:slot_minutes")
    assert "limit is 3000" in err.value.detail
    assert await owner.fetchval("select count(*) from app.availability_rules where consultant_id = $1", cid) == 1
    assert await owner.fetchval("select count(*) from app.availability_slots where consultant_id = $1", cid) == before
    # Updating the existing rule to longer hours is refused the same way; shorter hours are fine.
    rule_id = await owner.fetchval("select id from app.availability_rules where consultant_id = $1", cid)
    update = "select api.update_availability_rule($1, 'personal', 1, $2, $3, 5, 1, null, null, true)"
    with pytest.raises(asyncpg.PostgresError) as err:
        await as_consultant(db, cid, update, rule_id, time(0), time(23))
    assert err.value.message in ("too_many_slots", "slot_too_short")


async def test_a_longer_booking_horizon_beyond_the_cap_is_refused_naming_max_days_ahead(db, owner):
    cid = await factories.consultant(owner, max_days_ahead=30)
    for weekday in range(1, 8):
        await as_consultant(db, cid, RULE, weekday, time(8), time(20), 15)  # 48 a day: ~1,500 over 30 days
    await owner.execute("update app.platform_settings set value = '2000' where key = 'max_future_slots'")
    with pytest.raises(asyncpg.PostgresError) as err:
        await as_consultant(db, cid, "select api.update_my_profile($1::jsonb)", '{"max_days_ahead": 90}')
    assert (err.value.message, err.value.hint) == ("too_many_slots", "field:max_days_ahead")
    assert await owner.fetchval("select max_days_ahead from app.consultants where id = $1", cid) == 30
    # A shorter one always goes through.
    await as_consultant(db, cid, "select api.update_my_profile($1::jsonb)", '{"max_days_ahead": 20}')


async def test_over_a_lowered_cap_a_rule_can_still_be_edited_down_but_not_up(db, owner):
    cid = await factories.consultant(owner, max_days_ahead=60)
    await as_consultant(db, cid, RULE, 1, time(8), time(20), 15)  # 48 x ~9 Mondays: ~430
    rule_id = await owner.fetchval("select id from app.availability_rules where consultant_id = $1", cid)
    await owner.execute("update app.platform_settings set value = '100' where key = 'max_future_slots'")
    update = "select api.update_availability_rule($1, 'personal', 1, $2, $3, $4, 1, null, null, true) is not null"
    assert await as_consultant(db, cid, update, rule_id, time(8), time(20), 60)   # fewer slots: allowed
    with pytest.raises(asyncpg.PostgresError) as err:                              # more again: refused
        await as_consultant(db, cid, update, rule_id, time(8), time(20), 30)
    assert err.value.message == "too_many_slots"
    assert await owner.fetchval("select slot_minutes from app.availability_rules where id = $1", rule_id) == 60


async def test_the_number_of_rules_is_bounded_even_when_they_offer_no_slot(db, owner):
    # Rules valid only in the past add nothing to the slot budget: a pending account once kept 1,003 of them.
    cid = await factories.consultant(owner, approved=False)
    await owner.execute("update app.platform_settings set value = '10' where key = 'max_availability_rules'")
    past = "select api.create_availability_rule('personal', $1, '09:00', '10:00', 60, 1, null, '2020-01-01')"
    for i in range(10):
        await as_consultant(db, cid, past, 1 + i % 7)
    with pytest.raises(asyncpg.PostgresError) as err:
        await as_consultant(db, cid, past, 1)
    assert (err.value.sqlstate, err.value.message) == ("NK422", "too_many_rules")
    assert await owner.fetchval("select count(*) from app.availability_rules where consultant_id = $1", cid) == 10


async def test_one_off_slots_count_against_the_cap(db, owner):
    cid = await factories.consultant(owner, max_days_ahead=14)
    await owner.execute("update app.platform_settings set value = '500' where key = 'max_future_slots'")
    refused = []
    for weekday in range(1, 8):  # 42 a day over 15 days: 630 > 500, so a rule on the way is refused
        try:
            await as_consultant(db, cid, RULE, weekday, time(9), time(19, 30), 15)
        except asyncpg.PostgresError as exc:
            refused.append(exc.message)
    assert refused and set(refused) == {"too_many_slots"}
    # The rules that stand stay under the cap.
    budget = await owner.fetchval("select app_private.slot_budget($1)", cid)
    assert budget <= 500
    create = "select api.create_slot('personal', now() + make_interval(days => 3, mins => $1), " \
             "now() + make_interval(days => 3, mins => $1 + 30), 1)"
    made = 0
    with pytest.raises(asyncpg.PostgresError) as err:
        for i in range(500):
            await as_consultant(db, cid, create, 7 + i * 45)
            made += 1
    assert (err.value.message, err.value.hint) == ("too_many_slots", "field:starts_at")
    assert made == 500 - budget


async def test_the_roll_forward_of_rules_made_before_the_limits_stops_at_the_cap(db, owner):
    # Rules saved before the limits existed (the triggers off, as an old database would have them): two
    # 5-minute rules a week over a year are ~30k slots. The roll-forward makes the earliest max_future_slots.
    cid = await factories.consultant(owner, approved=False, max_days_ahead=365)
    await owner.execute("alter table app.availability_rules disable trigger availability_rules_check_limits")
    for weekday in (1, 4):
        await factories.availability_rule(owner, cid, weekday=weekday, start_time=time(0), end_time=time(23, 55),
                                          slot_minutes=5)
    await owner.execute("alter table app.availability_rules enable trigger availability_rules_check_limits")
    assert await roll_forward(db, cid) == 20_000
    count, last = await owner.fetchrow("select count(*), max(starts_at) from app.availability_slots "
                                       "where consultant_id = $1", cid)
    assert count == 20_000
    assert (await wanted(owner, cid)) >= (await stored(owner, cid))  # every one of them is wanted
    assert await owner.fetchval("select count(*) from app_private.desired_slots($1, (now() at time zone "
                                "'Asia/Kolkata')::date, (now() at time zone 'Asia/Kolkata')::date + 365) d "
                                "where d.starts_at < $2", cid, last) == 20_000 - 1  # and they are the earliest
    assert await roll_forward(db, cid) == 0


async def test_the_roll_forward_keeps_what_is_wanted_and_replaces_only_what_changed(db, owner):
    cid = await factories.consultant(owner, max_days_ahead=21)
    await as_consultant(db, cid, RULE, 2, time(9), time(12), 60)
    await as_consultant(db, cid, RULE, 4, time(9), time(12), 60)
    ids = dict(await owner.fetch("select starts_at, id from app.availability_slots where consultant_id = $1", cid))
    assert await stored(owner, cid) == await wanted(owner, cid)
    assert await roll_forward(db, cid) == 0
    # A stale slot (another rule's, a changed capacity) goes, a missing one comes back; the rest keep their ids.
    victim = min(ids)
    await owner.execute("update app.availability_slots set rule_id = null where consultant_id = $1 and starts_at = $2",
                        cid, victim)
    gone = max(ids)
    await owner.execute("delete from app.availability_slots where consultant_id = $1 and starts_at = $2", cid, gone)
    assert await roll_forward(db, cid) == 1 + 1 + 1  # the stale one removed, it and the missing one added
    after = dict(await owner.fetch("select starts_at, id from app.availability_slots where consultant_id = $1", cid))
    assert after.keys() == ids.keys()
    assert {k for k in ids if ids[k] != after[k]} == {victim, gone}
    assert await stored(owner, cid) == await wanted(owner, cid)


async def test_a_timezone_change_remakes_rule_slots_and_keeps_booked_and_one_off_ones(db, owner):
    cid = await factories.consultant(owner, max_days_ahead=14)
    await as_consultant(db, cid, RULE, 3, time(9), time(12), 60)
    booked = await owner.fetchval("select id from app.availability_slots where consultant_id = $1 order by starts_at "
                                  "limit 1", cid)
    client = await factories.client(owner, cid)
    await factories.session(owner, cid, client, slot_id=booked)
    one_off = await factories.slot(owner, cid)
    await as_consultant(db, cid, "select api.update_my_profile($1::jsonb)", '{"timezone": "Europe/London"}')
    assert await stored(owner, cid) - {tuple(r) for r in await owner.fetch(
        "select session_type, starts_at, ends_at, capacity, rule_id from app.availability_slots where id = $1",
        booked)} == await wanted(owner, cid)
    rows = await owner.fetch("select id, date, start_time, (starts_at at time zone 'Europe/London') as local "
                             "from app.availability_slots where consultant_id = $1", cid)
    assert {booked, one_off} <= {r["id"] for r in rows}
    assert all(r["date"] == r["local"].date() and r["start_time"] == r["local"].time() for r in rows)
    assert {r["start_time"] for r in rows if r["id"] not in (booked, one_off)} == {time(9), time(10), time(11)}


@pytest.mark.parametrize(("before", "after"), [("Asia/Kolkata", "Asia/Dubai"), ("America/New_York", "America/Chicago")])
async def test_after_a_timezone_change_every_slot_reads_its_new_local_time(db, owner, before, after):
    # Half-hour slots from Kolkata to Dubai (or hourly ones from New York to Chicago) keep many instants: a slot
    # still wanted is kept with its id, and must then read the new zone's wall clock, not the old one's.
    cid = await factories.consultant(owner, timezone=before, max_days_ahead=14)
    for weekday in range(1, 8):
        await as_consultant(db, cid, RULE, weekday, time(9), time(17), 30)
    ids = {r[0] for r in await owner.fetch("select id from app.availability_slots where consultant_id = $1", cid)}
    await as_consultant(db, cid, "select api.update_my_profile($1::jsonb)", f'{{"timezone": "{after}"}}')
    rows = await owner.fetch("select id, date, start_time, end_time, (starts_at at time zone $2) as s, "
                             "(ends_at at time zone $2) as e from app.availability_slots where consultant_id = $1",
                             cid, after)
    assert ids & {r["id"] for r in rows}  # some were kept, and those are the ones that went wrong
    assert [r["id"] for r in rows if (r["date"], r["start_time"], r["end_time"]) != (r["s"].date(), r["s"].time(),
                                                                                      r["e"].time())] == []
    assert await stored(owner, cid) == await wanted(owner, cid)


async def test_racing_rule_edits_and_roll_forwards_end_with_exactly_the_wanted_slots(db, owner):
    cid = await factories.consultant(owner, max_days_ahead=28)
    await as_consultant(db, cid, RULE, 1, time(9), time(17), 30)
    rule_id = await owner.fetchval("select id from app.availability_rules where consultant_id = $1", cid)
    update = "select api.update_availability_rule($1, 'personal', 1, $2, $3, $4, 1, null, null, true)"
    edits = [(time(9), time(17), 30), (time(10), time(18), 60), (time(8), time(12), 15), (time(13), time(19), 45)]
    for _ in range(3):
        await asyncio.gather(*[as_consultant(db, cid, update, rule_id, *e) for e in edits],
                             *[roll_forward(db, cid) for _ in range(4)])
        assert await stored(owner, cid) == await wanted(owner, cid)


async def test_the_roles_carry_their_statement_timeouts_and_a_long_job_raises_its_own_only(db, owner):
    app = await db.connect("app")
    analyst = await db.connect("analyst")
    try:
        assert await app.fetchval("show statement_timeout") == "5s"
        assert await analyst.fetchval("show statement_timeout") == "1min"
        assert await owner.fetchval("select rolconnlimit from pg_roles where rolname = 'nakksha_analyst'") == 10
        async with app.transaction():
            await app.execute(SET_CALLER_LONG, "", "", "", "2min")
            assert await app.fetchval("show statement_timeout") == "2min"
        assert await app.fetchval("show statement_timeout") == "5s"
        with pytest.raises(asyncpg.exceptions.QueryCanceledError):
            await analyst.execute("set statement_timeout = '50ms'; select pg_sleep(1)")
    finally:
        await app.close()
        await analyst.close()


async def test_a_missing_or_deactivated_consultant_rolls_nothing(db, owner):
    cid = await factories.consultant(owner, is_active=False)
    await owner.execute("alter table app.availability_rules disable trigger availability_rules_check_limits")
    await factories.availability_rule(owner, cid)
    await owner.execute("alter table app.availability_rules enable trigger availability_rules_check_limits")
    assert await roll_forward(db, cid) == 0
    assert await roll_forward(db, uuid.uuid4()) == 0

# Test: pytest tests/db/test_slot_rollforward.py
