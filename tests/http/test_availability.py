# tests/http/test_availability.py — the consultant's availability API: weekly rules become slots, blocks, slot CRUD, re-runs keep booked slots and ids.
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.http.helpers import auth, signup_consultant
from tests.http.test_booking import PUBLIC, approved_consultant, book, booking, every_day, slots

AVAIL = "/api/v1/consultants/me/availability"
# A free session confirms at once, no buffer and no notice: what a slot shows is only what the rules made.
FREE = {"price": "0", "webinar_price": "0", "buffer_minutes": 0}


async def my_slots(client, c, **params) -> list[dict]:
    r = await client.get(f"{AVAIL}/slots", headers=c["headers"], params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def my_availability(client, c) -> dict:
    r = await client.get(AVAIL, headers=c["headers"])
    assert r.status_code == 200, r.text
    return r.json()


async def put_rule(client, c, rule: dict, **changes):
    body = {k: rule[k] for k in ("session_type", "weekday", "start_time", "end_time", "slot_minutes", "capacity",
                                 "valid_from", "valid_until", "is_active")}
    return await client.put(f"{AVAIL}/rules/{rule['id']}", headers=c["headers"], json={**body, **changes})


async def roll_forward(db) -> int:
    """The daily roll-forward as the worker runs it: each consultant the fan-out picks (api.defer_slot_rollforwards'
    condition), one transaction each, as the worker role; returns the slots removed plus added."""
    owner, worker = await db.connect("owner"), await db.connect("worker")
    try:
        ids = [r[0] for r in await owner.fetch(
            "select c.id from app.consultants c where c.deleted_at is null and c.is_active and exists "
            "(select 1 from app.availability_rules r where r.consultant_id = c.id and r.is_active)")]
        return sum([await worker.fetchval("select api.rematerialise_consultant_slots($1)", cid) for cid in ids])
    finally:
        await owner.close()
        await worker.close()


async def owner_sql(db, query: str, *args):
    conn = await db.connect("owner")
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


def at(d: date, hh: int, tz: str, mm: int = 0) -> datetime:
    return datetime.combine(d, time(hh, mm), ZoneInfo(tz))


async def book_free(client, c, slot: dict, email: str = "client@example.com", session_type: str = "personal") -> dict:
    r = await book(client, c["slug"], booking(slot["id"], session_type, email=email))
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "confirmed"
    return r.json()


def future_day(items: list[dict]) -> str:
    """A local date whose slots all lie in the future (not today, whose morning may have passed)."""
    days = sorted({s["date"] for s in items})
    return days[1]


# -- editable before approval ---------------------------------------------------------------------------------

async def test_a_pending_consultant_can_prepare_availability_but_has_no_public_page(client, db):
    account = await signup_consultant(client)
    assert account["consultant"]["approval_status"] == "pending"
    c = {"headers": auth(account["access_token"]), "slug": account["consultant"]["slug"]}
    r = await client.post(f"{AVAIL}/rules", headers=c["headers"], json=every_day()[0])
    assert r.status_code == 201, r.text
    rule = r.json()["rules"][0]
    assert r.json()["created_id"] == rule["id"]
    assert (await put_rule(client, c, rule, end_time="11:00")).status_code == 200
    assert {s["start_time"] for s in await my_slots(client, c)} == {"09:00", "10:00"}
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    r = await client.post(f"{AVAIL}/blocks", headers=c["headers"],
                          json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()})
    assert r.status_code == 201, r.text
    r = await client.post(f"{AVAIL}/slots", headers=c["headers"], json={
        "session_type": "personal", "starts_at": (start + timedelta(days=1)).isoformat(),
        "ends_at": (start + timedelta(days=1, hours=1)).isoformat()})
    assert r.status_code == 201, r.text
    r = await client.patch(f"{AVAIL}/slots/{r.json()['id']}", headers=c["headers"], json={"is_available": False})
    assert r.status_code == 200 and r.json()["is_available"] is False
    assert (await client.get(f"{PUBLIC}/{c['slug']}")).status_code == 404
    assert (await client.get(f"{PUBLIC}/{c['slug']}/slots")).status_code == 404


# -- rules ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tz", ["America/Los_Angeles", "Pacific/Auckland"])
async def test_a_rule_fills_the_horizon_at_local_wall_clock_times(client, db, tz):
    c = await approved_consultant(client, db, timezone=tz, max_days_ahead=10,
                                  rules=every_day(start="09:00", end="11:00", minutes=60))
    items = await my_slots(client, c, to=(datetime.now(UTC) + timedelta(days=40)).isoformat())
    now = datetime.now(UTC)
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    expected = {at(today + timedelta(days=n), h, tz) for n in range(11) for h in (9, 10)}
    assert {datetime.fromisoformat(s["starts_at"]) for s in items} == {t for t in expected if t > now}
    rule_ids = {r["id"] for r in (await my_availability(client, c))["rules"]}
    for s in items:
        local = datetime.fromisoformat(s["starts_at"]).astimezone(zone)
        assert (s["date"], s["start_time"]) == (local.date().isoformat(), local.strftime("%H:%M"))
        assert datetime.fromisoformat(s["ends_at"]) - datetime.fromisoformat(s["starts_at"]) == timedelta(hours=1)
        assert (s["source"], s["capacity"], s["booked_count"], s["remaining"]) == ("rule", 1, 0, 1)
        assert s["rule_id"] in rule_ids


RULE = {"session_type": "personal", "weekday": 3, "start_time": "09:00", "end_time": "12:00", "slot_minutes": 60}


@pytest.mark.parametrize(("change", "code", "field", "words"), [
    ({"capacity": 2}, "invalid_capacity", "capacity", "capacity"),
    ({"start_time": "12:00", "end_time": "09:00"}, "validation_error", None, "end_time must be after start_time"),
    ({"start_time": "09:00", "end_time": "09:00"}, "validation_error", None, "end_time must be after start_time"),
    ({"end_time": "09:30"}, "validation_error", None, "shorter than one slot"),
    ({"weekday": 0}, "validation_error", "weekday", "weekday"),
    ({"weekday": 8}, "validation_error", "weekday", "weekday"),
    ({"slot_minutes": 3}, "validation_error", "slot_minutes", "slot_minutes"),
    ({"start_time": "9 am"}, "validation_error", "start_time", "start_time"),
    ({"session_type": "group"}, "validation_error", "session_type", "session_type"),
    ({"colour": "blue"}, "unknown_field", "colour", "colour"),
])
async def test_a_bad_rule_is_422_naming_the_problem_and_writes_nothing(client, db, change, code, field, words):
    c = await approved_consultant(client, db)
    r = await client.post(f"{AVAIL}/rules", headers=c["headers"], json={**RULE, **change})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert (err["code"], err["field"]) == (code, field)
    assert words in err["message"]
    assert (await my_availability(client, c))["rules"] == []
    assert await my_slots(client, c) == []


async def test_a_rule_asking_for_too_many_or_too_short_slots_is_422_naming_the_field(client, db):
    # The attack of issue 16: 5-minute slots all day over a 365-day horizon (~30k slots a rule) made the daily
    # roll-forward take 37 s and fail for every consultant. Now each rule is bounded where it is saved.
    c = await approved_consultant(client, db, max_days_ahead=365)
    r = await client.post(f"{AVAIL}/rules", headers=c["headers"],
                          json={**RULE, "start_time": "00:00", "end_time": "23:55", "slot_minutes": 5})
    assert r.status_code == 422, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("slot_too_short", "slot_minutes")
    await owner_sql(db, "update app.platform_settings set value = '1000' where key = 'max_future_slots'")
    r = await client.post(f"{AVAIL}/rules", headers=c["headers"],
                          json={**RULE, "start_time": "00:00", "end_time": "23:45", "slot_minutes": 15})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert (err["code"], err["field"]) == ("too_many_slots", "slot_minutes") and "the limit is 1000" in err["message"]
    assert (await my_availability(client, c))["rules"] == [] and await my_slots(client, c) == []
    # A realistic schedule is well inside both.
    r = await client.post(f"{AVAIL}/rules", headers=c["headers"], json=RULE)
    assert r.status_code == 201, r.text
    # And a horizon that would take the same rules over the cap is refused on the profile, naming its field.
    for weekday in (1, 2):  # with weekday 3: 3 + 2 + 2 slots a week, ~370 over 365 days
        r = await client.post(f"{AVAIL}/rules", headers=c["headers"], json={**RULE, "weekday": weekday,
                                                                               "end_time": "11:00"})
        assert r.status_code == 201, r.text
    await owner_sql(db, "update app.consultants set max_days_ahead = 30 where id = $1", uuid.UUID(c["id"]))
    await owner_sql(db, "update app.platform_settings set value = '300' where key = 'max_future_slots'")
    r = await client.patch("/api/v1/consultants/me", headers=c["headers"], json={"max_days_ahead": 60})
    assert r.status_code == 200, r.text  # ~60 slots: well inside
    r = await client.patch("/api/v1/consultants/me", headers=c["headers"], json={"max_days_ahead": 365})
    assert r.status_code == 422 and r.json()["error"]["field"] == "max_days_ahead", r.text
    assert await owner_sql(db, "select max_days_ahead from app.consultants where id = $1", uuid.UUID(c["id"])) == 60


async def test_a_webinar_rule_may_take_many_clients(client, db):
    c = await approved_consultant(client, db, max_days_ahead=14,
                                  rules=[{**RULE, "session_type": "webinar", "slot_minutes": 90, "capacity": 30}])
    items = await my_slots(client, c, type="webinar")
    assert items and all((s["capacity"], s["remaining"]) == (30, 30) for s in items)
    assert all(date.fromisoformat(s["date"]).isoweekday() == 3 for s in items)
    assert {s["start_time"] for s in items} == {"09:00", "10:30"}


async def test_narrowing_a_rule_keeps_wanted_slots_with_their_ids_and_never_drops_a_booked_one(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, rules=every_day(start="09:00", end="13:00"), **FREE)
    before = await my_slots(client, c)
    day = future_day(before)
    nine = next(s for s in before if s["date"] == day and s["start_time"] == "09:00")
    await book_free(client, c, nine)
    for rule in (await my_availability(client, c))["rules"]:
        r = await put_rule(client, c, rule, start_time="10:00", end_time="12:00")
        assert r.status_code == 200, r.text
    after = {s["id"]: s for s in await my_slots(client, c)}
    kept = {s["id"] for s in before if s["start_time"] in ("10:00", "11:00")}
    assert set(after) == kept | {nine["id"]}
    assert after[nine["id"]]["booked_count"] == 1 and after[nine["id"]]["start_time"] == "09:00"
    offered = await slots(client, c["slug"])
    assert offered and {s["slot_id"] for s in offered} <= kept
    # Widening again brings the outer hours back; the booked 09:00 is still the one slot at that time.
    for rule in (await my_availability(client, c))["rules"]:
        assert (await put_rule(client, c, rule, start_time="09:00", end_time="13:00")).status_code == 200
    again = await my_slots(client, c)
    assert len(again) == len(before)
    assert [s["id"] for s in again if s["date"] == day and s["start_time"] == "09:00"] == [nine["id"]]


async def test_the_same_rule_put_twice_changes_nothing(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, rules=every_day())
    before = await my_slots(client, c)
    for _ in range(2):
        for rule in (await my_availability(client, c))["rules"]:
            assert (await put_rule(client, c, rule)).status_code == 200
    after = await my_slots(client, c)
    assert [s["id"] for s in after] == [s["id"] for s in before]


async def test_deactivating_a_rule_removes_its_unbooked_future_slots(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, rules=every_day(), **FREE)
    before = await my_slots(client, c)
    booked = next(s for s in before if s["date"] == future_day(before))
    await book_free(client, c, booked)
    for rule in (await my_availability(client, c))["rules"]:
        assert (await put_rule(client, c, rule, is_active=False)).status_code == 200
    assert [s["id"] for s in await my_slots(client, c)] == [booked["id"]]
    assert all(r["is_active"] is False for r in (await my_availability(client, c))["rules"])
    assert await slots(client, c["slug"]) == []
    # The daily job does not bring them back either.
    await roll_forward(db)
    assert [s["id"] for s in await my_slots(client, c)] == [booked["id"]]


async def test_deleting_a_rule_keeps_its_booked_slots(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, rules=every_day(), **FREE)
    before = await my_slots(client, c)
    booked = next(s for s in before if s["date"] == future_day(before))
    await book_free(client, c, booked)
    for rule in (await my_availability(client, c))["rules"]:
        r = await client.delete(f"{AVAIL}/rules/{rule['id']}", headers=c["headers"])
        assert r.status_code == 200, r.text
    assert (await my_availability(client, c))["rules"] == []
    left = await my_slots(client, c)
    assert [s["id"] for s in left] == [booked["id"]] and left[0]["booked_count"] == 1
    await roll_forward(db)
    assert [s["id"] for s in await my_slots(client, c)] == [booked["id"]]


async def test_another_consultants_rules_blocks_and_slots_are_not_found(client, db):
    a = await approved_consultant(client, db, max_days_ahead=7, rules=every_day())
    b = await approved_consultant(client, db)
    rule = (await my_availability(client, a))["rules"][0]
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    r = await client.post(f"{AVAIL}/blocks", headers=a["headers"],
                          json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(minutes=30)).isoformat()})
    block = r.json()["blocks"][0]
    a_slots = await my_slots(client, a)
    slot = a_slots[0]
    answers = [
        await put_rule(client, b, rule, end_time="10:00"),
        await put_rule(client, b, rule, is_active=False),
        await client.delete(f"{AVAIL}/rules/{rule['id']}", headers=b["headers"]),
        await client.delete(f"{AVAIL}/blocks/{block['id']}", headers=b["headers"]),
        await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=b["headers"], json={"is_available": False}),
        await client.delete(f"{AVAIL}/slots/{slot['id']}", headers=b["headers"]),
        await client.put(f"{AVAIL}/rules/{uuid.uuid4()}", headers=a["headers"], json=RULE),
        await client.delete(f"{AVAIL}/slots/{uuid.uuid4()}", headers=a["headers"]),
    ]
    assert [r.status_code for r in answers] == [404] * len(answers), [r.text for r in answers]
    assert all(r.json()["error"]["code"] == "not_found" for r in answers)
    assert await my_slots(client, b) == []
    assert await my_slots(client, a) == a_slots
    assert (await my_availability(client, a))["rules"][0] == rule


async def test_moving_to_another_timezone_or_horizon_follows_at_once(client, db):
    c = await approved_consultant(client, db, max_days_ahead=5, rules=every_day(), **FREE)
    before = await my_slots(client, c)
    booked = next(s for s in before if s["date"] == future_day(before))
    await book_free(client, c, booked)
    r = await client.patch("/api/v1/consultants/me", headers=c["headers"],
                           json={"timezone": "Europe/London", "max_days_ahead": 8})
    assert r.status_code == 200, r.text
    after = await my_slots(client, c, to=(datetime.now(UTC) + timedelta(days=30)).isoformat())
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo("Europe/London")).date()
    wanted = {at(today + timedelta(days=n), h, "Europe/London") for n in range(9) for h in (9, 10, 11, 12)}
    free = [s for s in after if s["id"] != booked["id"]]
    assert {datetime.fromisoformat(s["starts_at"]) for s in free} == {t for t in wanted if t > now}
    # The booked slot stays at its instant; its local columns now read in London time.
    kept = next(s for s in after if s["id"] == booked["id"])
    assert kept["starts_at"] == booked["starts_at"] and kept["booked_count"] == 1
    local = datetime.fromisoformat(booked["starts_at"]).astimezone(ZoneInfo("Europe/London"))
    assert (kept["date"], kept["start_time"]) == (local.date().isoformat(), local.strftime("%H:%M"))


# -- blocks ---------------------------------------------------------------------------------------------------

async def test_a_block_hides_its_unbooked_slots_and_removing_it_brings_them_back(client, db):
    tz = "Asia/Kolkata"
    c = await approved_consultant(client, db, timezone=tz, max_days_ahead=7, rules=every_day(), **FREE)
    before = await my_slots(client, c)
    day = future_day(before)
    on_day = [s for s in before if s["date"] == day]
    assert [s["start_time"] for s in on_day] == ["09:00", "10:00", "11:00", "12:00"]
    booked = on_day[1]
    await book_free(client, c, booked)
    d = date.fromisoformat(day)
    r = await client.post(f"{AVAIL}/blocks", headers=c["headers"], json={
        "starts_at": at(d, 0, tz).isoformat(), "ends_at": at(d + timedelta(days=1), 0, tz).isoformat(), "reason": "Holi"})
    assert r.status_code == 201, r.text
    block = r.json()["blocks"][0]
    assert block["reason"] == "Holi"
    window = {"from": at(d, 0, tz).isoformat(), "to": at(d + timedelta(days=1), 0, tz).isoformat()}
    assert [s["id"] for s in await my_slots(client, c, **window)] == [booked["id"]]
    assert await slots(client, c["slug"], **window) == []
    # Slots on other days are untouched, with their ids.
    others = {s["id"] for s in before if s["date"] != day}
    assert others <= {s["id"] for s in await my_slots(client, c)}
    # The daily job respects the block too.
    await roll_forward(db)
    assert [s["id"] for s in await my_slots(client, c, **window)] == [booked["id"]]
    r = await client.delete(f"{AVAIL}/blocks/{block['id']}", headers=c["headers"])
    assert r.status_code == 200 and r.json()["blocks"] == []
    back = await my_slots(client, c, **window)
    assert [s["start_time"] for s in back] == ["09:00", "10:00", "11:00", "12:00"]
    assert back[1]["id"] == booked["id"]
    offered = await slots(client, c["slug"], **window)
    assert [datetime.fromisoformat(s["starts_at"]) for s in offered] == [
        datetime.fromisoformat(back[i]["starts_at"]) for i in (0, 2, 3)]
    assert (await client.delete(f"{AVAIL}/blocks/{block['id']}", headers=c["headers"])).status_code == 404


async def test_a_block_that_ends_before_it_starts_is_422(client, db):
    c = await approved_consultant(client, db)
    start = datetime.now(UTC) + timedelta(days=1)
    r = await client.post(f"{AVAIL}/blocks", headers=c["headers"],
                          json={"starts_at": start.isoformat(), "ends_at": (start - timedelta(hours=1)).isoformat()})
    assert r.status_code == 422 and "ends_at" in r.json()["error"]["message"]
    r = await client.post(f"{AVAIL}/blocks", headers=c["headers"],
                          json={"starts_at": "2030-01-01T00:00:00", "ends_at": "2030-01-02T00:00:00+00:00"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "starts_at"
    assert (await my_availability(client, c))["blocks"] == []


# -- slots ----------------------------------------------------------------------------------------------------

async def test_the_slot_list_shows_booked_and_free_slots_with_seats_by_range_and_type(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, **FREE,
                                  rules=every_day(start="09:00", end="11:00") + every_day("webinar", "18:00", "19:30", 90, 5))
    everything = await my_slots(client, c)
    day = future_day(everything)
    personal = next(s for s in everything if s["date"] == day and s["session_type"] == "personal")
    webinar = next(s for s in everything if s["date"] == day and s["session_type"] == "webinar")
    await book_free(client, c, personal)
    await book_free(client, c, webinar, "w1@example.com", "webinar")
    await book_free(client, c, webinar, "w2@example.com", "webinar")
    listed = {s["id"]: s for s in await my_slots(client, c)}
    assert set(listed) == {s["id"] for s in everything}
    assert (listed[personal["id"]]["booked_count"], listed[personal["id"]]["remaining"]) == (1, 0)
    assert (listed[webinar["id"]]["booked_count"], listed[webinar["id"]]["remaining"]) == (2, 3)
    assert sum(s["booked_count"] for s in listed.values()) == 3
    webinars = await my_slots(client, c, type="webinar")
    assert webinars and {s["session_type"] for s in webinars} == {"webinar"}
    assert {s["id"] for s in webinars} == {s["id"] for s in everything if s["session_type"] == "webinar"}
    # from is inclusive, to exclusive; the list is in time order.
    start = datetime.fromisoformat(personal["starts_at"])
    window = await my_slots(client, c, **{"from": start.isoformat(), "to": datetime.fromisoformat(webinar["starts_at"]).isoformat()})
    assert [s["start_time"] for s in window] == ["09:00", "10:00"] and window[0]["id"] == personal["id"]
    assert [s["starts_at"] for s in window] == sorted(s["starts_at"] for s in window)
    for bad in ({"type": "group"}, {"from": "tomorrow"}, {"to": "2030-01-01T00:00:00"}):
        r = await client.get(f"{AVAIL}/slots", headers=c["headers"], params=bad)
        assert r.status_code == 422, (bad, r.text)
    # A parameter the operation does not name is ignored (a cache-buster, a campaign tag), as across the API.
    r = await client.get(f"{AVAIL}/slots", headers=c["headers"], params={"page": "2", "_": "1700000000"})
    assert r.status_code == 200, r.text


async def test_one_off_slots(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, rules=every_day())
    rule_slot = (await my_slots(client, c))[-1]
    soon = (datetime.now(UTC) + timedelta(days=3)).replace(hour=20, minute=0, second=0, microsecond=0)

    def body(starts_at, minutes=60, **extra):
        return {"session_type": "personal", "starts_at": starts_at.isoformat(),
                "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(), **extra}

    past = await client.post(f"{AVAIL}/slots", headers=c["headers"], json=body(datetime.now(UTC) - timedelta(hours=1)))
    assert past.status_code == 422 and past.json()["error"]["code"] == "slot_in_past"
    assert past.json()["error"]["field"] == "starts_at"
    clash = await client.post(f"{AVAIL}/slots", headers=c["headers"],
                              json=body(datetime.fromisoformat(rule_slot["starts_at"])))
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "slot_exists"
    two = await client.post(f"{AVAIL}/slots", headers=c["headers"], json=body(soon, capacity=2))
    assert two.status_code == 422 and two.json()["error"]["code"] == "invalid_capacity"
    backwards = await client.post(f"{AVAIL}/slots", headers=c["headers"], json=body(soon, minutes=-30))
    assert backwards.status_code == 422
    count = len(await my_slots(client, c))

    one = await client.post(f"{AVAIL}/slots", headers=c["headers"], json=body(soon))
    assert one.status_code == 201, one.text
    assert (one.json()["source"], one.json()["rule_id"], one.json()["capacity"]) == ("manual", None, 1)
    webinar = await client.post(f"{AVAIL}/slots", headers=c["headers"],
                                json=body(soon, 120, session_type="webinar", capacity=30))
    assert webinar.status_code == 201, webinar.text
    w = webinar.json()
    assert (w["session_type"], w["capacity"], w["remaining"], w["booked_count"]) == ("webinar", 30, 30, 0)
    local = soon.astimezone(ZoneInfo("Asia/Kolkata"))
    assert (w["date"], w["start_time"]) == (local.date().isoformat(), local.strftime("%H:%M"))
    offered = {s["slot_id"]: s for s in await slots(client, c["slug"], type="webinar")}
    assert offered[w["id"]]["remaining"] == 30
    again = await client.post(f"{AVAIL}/slots", headers=c["headers"], json=body(soon))
    assert again.status_code == 409 and again.json()["error"]["code"] == "slot_exists"
    # A rule change or the daily job leaves one-off slots alone.
    rule = (await my_availability(client, c))["rules"][0]
    assert (await put_rule(client, c, rule, end_time="10:00")).status_code == 200
    await roll_forward(db)
    ids = {s["id"] for s in await my_slots(client, c)}
    assert {one.json()["id"], w["id"]} <= ids
    assert len(ids) <= count + 2


async def test_a_booked_slot_cannot_move_or_shrink_below_its_seats(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, **FREE,
                                  rules=every_day() + every_day("webinar", "18:00", "19:30", 90, 5))
    everything = await my_slots(client, c)
    day = future_day(everything)
    personal = next(s for s in everything if s["date"] == day and s["session_type"] == "personal")
    webinar = next(s for s in everything if s["date"] == day and s["session_type"] == "webinar")
    await book_free(client, c, personal)
    await book_free(client, c, webinar, "w1@example.com", "webinar")
    await book_free(client, c, webinar, "w2@example.com", "webinar")
    later = datetime.fromisoformat(personal["starts_at"]) + timedelta(days=1, minutes=30)
    moves = [
        await client.patch(f"{AVAIL}/slots/{personal['id']}", headers=c["headers"],
                           json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()}),
        await client.patch(f"{AVAIL}/slots/{personal['id']}", headers=c["headers"],
                           json={"ends_at": (datetime.fromisoformat(personal["ends_at"]) + timedelta(minutes=30)).isoformat()}),
        await client.patch(f"{AVAIL}/slots/{webinar['id']}", headers=c["headers"],
                           json={"starts_at": (datetime.fromisoformat(webinar["starts_at"]) - timedelta(minutes=30)).isoformat()}),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in moves] == [(409, "slot_booked")] * 3
    shrink = await client.patch(f"{AVAIL}/slots/{webinar['id']}", headers=c["headers"], json={"capacity": 1})
    assert (shrink.status_code, shrink.json()["error"]["code"]) in {(422, "invalid_value"), (409, "slot_full")}, shrink.text
    grow = await client.patch(f"{AVAIL}/slots/{personal['id']}", headers=c["headers"], json={"capacity": 2})
    assert grow.status_code == 422, grow.text
    listed = {s["id"]: s for s in await my_slots(client, c)}
    assert listed[personal["id"]] == {**personal, "booked_count": 1, "remaining": 0}
    assert (listed[webinar["id"]]["starts_at"], listed[webinar["id"]]["capacity"]) == (webinar["starts_at"], 5)
    # Down to the seats taken is allowed: the webinar is then full and no longer offered.
    r = await client.patch(f"{AVAIL}/slots/{webinar['id']}", headers=c["headers"], json={"capacity": 2})
    assert r.status_code == 200 and (r.json()["capacity"], r.json()["remaining"]) == (2, 0)
    assert webinar["id"] not in {s["slot_id"] for s in await slots(client, c["slug"], type="webinar")}


async def test_patching_an_unbooked_slot_moves_or_hides_it(client, db):
    tz = "Asia/Kolkata"
    c = await approved_consultant(client, db, timezone=tz, max_days_ahead=7, rules=every_day())
    everything = await my_slots(client, c)
    slot = next(s for s in everything if s["date"] == future_day(everything))
    r = await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=c["headers"], json={"is_available": False})
    assert r.status_code == 200 and r.json()["is_available"] is False
    assert slot["id"] not in {s["slot_id"] for s in await slots(client, c["slug"])}
    assert slot["id"] in {s["id"] for s in await my_slots(client, c)}
    r = await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=c["headers"], json={"is_available": True})
    assert r.status_code == 200
    assert slot["id"] in {s["slot_id"] for s in await slots(client, c["slug"])}
    # An unbooked slot can move; its local columns follow.
    new_start = at(date.fromisoformat(slot["date"]), 20, tz, 30)
    r = await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=c["headers"], json={
        "starts_at": new_start.isoformat(), "ends_at": (new_start + timedelta(hours=1)).isoformat()})
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["start_time"], r.json()["end_time"]) == (slot["id"], "20:30", "21:30")
    assert datetime.fromisoformat(r.json()["starts_at"]) == new_start
    backwards = await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=c["headers"],
                                   json={"ends_at": (new_start - timedelta(hours=1)).isoformat()})
    assert backwards.status_code == 422
    unknown = await client.patch(f"{AVAIL}/slots/{slot['id']}", headers=c["headers"], json={"booked_count": 0})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_field"


async def test_a_consultants_edit_of_a_rule_slot_survives_a_re_run(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, rules=every_day("webinar", "18:00", "19:30", 90, 5))
    everything = await my_slots(client, c)
    day = future_day(everything)
    bigger, moved = [s for s in everything if s["date"] >= day][:2]
    r = await client.patch(f"{AVAIL}/slots/{bigger['id']}", headers=c["headers"], json={"capacity": 12})
    assert r.status_code == 200 and (r.json()["capacity"], r.json()["source"]) == (12, "manual")
    start = datetime.fromisoformat(moved["starts_at"]) + timedelta(minutes=30)
    r = await client.patch(f"{AVAIL}/slots/{moved['id']}", headers=c["headers"],
                           json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()})
    assert r.status_code == 200 and r.json()["start_time"] == "18:30"
    for rule in (await my_availability(client, c))["rules"]:
        assert (await put_rule(client, c, rule)).status_code == 200
    await roll_forward(db)
    after = {s["id"]: s for s in await my_slots(client, c)}
    assert after[bigger["id"]]["capacity"] == 12
    assert (after[moved["id"]]["start_time"], after[moved["id"]]["end_time"]) == ("18:30", "19:30")
    # Hiding a slot is not an edit of its time: it stays the rule's, and hidden.
    hidden = [s for s in everything if s["date"] > day][-1]
    r = await client.patch(f"{AVAIL}/slots/{hidden['id']}", headers=c["headers"], json={"is_available": False})
    assert r.json()["source"] == "rule"
    await roll_forward(db)
    assert {s["id"]: s for s in await my_slots(client, c)}[hidden["id"]]["is_available"] is False


async def test_deleting_slots(client, db):
    c = await approved_consultant(client, db, max_days_ahead=7, rules=every_day(), **FREE)
    other = await approved_consultant(client, db, max_days_ahead=7, rules=every_day())
    everything = await my_slots(client, c)
    day = future_day(everything)
    booked, free = [s for s in everything if s["date"] == day][:2]
    await book_free(client, c, booked)
    r = await client.delete(f"{AVAIL}/slots/{booked['id']}", headers=c["headers"])
    assert (r.status_code, r.json()["error"]["code"]) == (409, "slot_booked")
    r = await client.delete(f"{AVAIL}/slots/{free['id']}", headers=c["headers"])
    assert r.status_code == 204 and r.content == b""
    ids = {s["id"] for s in await my_slots(client, c)}
    assert booked["id"] in ids and free["id"] not in ids and len(ids) == len(everything) - 1
    assert free["id"] not in {s["slot_id"] for s in await slots(client, c["slug"])}
    assert (await client.delete(f"{AVAIL}/slots/{free['id']}", headers=c["headers"])).status_code == 404
    foreign = (await my_slots(client, other))[0]
    r = await client.delete(f"{AVAIL}/slots/{foreign['id']}", headers=c["headers"])
    assert r.status_code == 404
    assert foreign["id"] in {s["id"] for s in await my_slots(client, other)}


# -- the daily job --------------------------------------------------------------------------------------------

async def test_the_daily_job_rolls_the_horizon_forward_and_is_idempotent(client, db):
    c = await approved_consultant(client, db, max_days_ahead=5, rules=every_day(), **FREE)
    before = await my_slots(client, c)
    # The latest slot a client can book now: slots are made for whole local days up to the horizon date,
    # but booking stops at now + max_days_ahead, so the last day's may not be bookable yet (time of day).
    horizon = datetime.now(UTC) + timedelta(days=5)
    booked = [s for s in before if datetime.fromisoformat(s["starts_at"]) <= horizon][-1]
    await book_free(client, c, booked)
    # A longer horizon (as a day passing would): the job adds the missing days and keeps every existing slot.
    await owner_sql(db, "update app.consultants set max_days_ahead = 8 where id = $1", uuid.UUID(c["id"]))
    added = await roll_forward(db)
    first = await my_slots(client, c)
    assert added == len(first) - len(before) == 3 * 4
    assert {s["id"] for s in before} <= {s["id"] for s in first}
    assert await roll_forward(db) == 0
    second = await my_slots(client, c)
    assert [s["id"] for s in second] == [s["id"] for s in first]
    assert await owner_sql(db, "select count(*) from app.availability_slots") == len(second)
    # A shorter horizon does not take back a booked slot beyond it.
    await owner_sql(db, "update app.consultants set max_days_ahead = 1 where id = $1", uuid.UUID(c["id"]))
    await roll_forward(db)
    assert booked["id"] in {s["id"] for s in await my_slots(client, c)}


async def test_a_rule_slot_deleted_or_moved_by_hand_stays_gone(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    mine = await my_slots(client, c)
    doomed, moved = mine[0], mine[1]
    assert (await client.delete(f"{AVAIL}/slots/{doomed['id']}", headers=c["headers"])).status_code == 204
    new_start = datetime.fromisoformat(moved["ends_at"]) + timedelta(hours=12)
    r = await client.patch(f"{AVAIL}/slots/{moved['id']}", headers=c["headers"],
                           json={"starts_at": new_start.isoformat(), "ends_at": (new_start + timedelta(hours=1)).isoformat()})
    assert r.status_code == 200
    await roll_forward(db)
    starts = {datetime.fromisoformat(s["starts_at"]) for s in await my_slots(client, c)}
    assert datetime.fromisoformat(doomed["starts_at"]) not in starts
    assert datetime.fromisoformat(moved["starts_at"]) not in starts
    assert new_start in starts

# Test: pytest tests/http/test_availability.py
