# tests/http/test_booking.py — the public booking loop: profile, slots in the visitor's timezone, holds, races, idempotency, manage link.
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.http.helpers import auth, signup_consultant

PUBLIC = "/api/v1/public/consultants"


async def approved_consultant(client, db, *, price="1499.50", webinar_price="499.00", timezone="Asia/Kolkata",
                              rules=(), **policy) -> dict:
    account = await signup_consultant(client)
    consultant = account["consultant"]
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.consultants set approval_status = 'approved', approved_at = now(), published_at = now() where id = $1",
                           uuid.UUID(consultant["id"]))
    finally:
        await conn.close()
    headers = auth(account["access_token"])
    # Three hours' notice: the first free slot is then always past the default two-hour cancellation cut-off,
    # whatever the hour the suite runs at (at 07:30 in Kolkata the 09:00 slot could no longer be cancelled).
    patch = {"personal_session_price": price, "webinar_session_price": webinar_price, "timezone": timezone,
             "min_notice_minutes": 180, "zoom_link": "https://zoom.us/j/123", **policy}
    r = await client.patch("/api/v1/consultants/me", headers=headers, json=patch)
    assert r.status_code == 200, r.text
    for rule in rules:
        r = await client.post("/api/v1/consultants/me/availability/rules", headers=headers, json=rule)
        assert r.status_code == 201, r.text
    return {"slug": consultant["slug"], "id": consultant["id"], "headers": headers}


def every_day(session_type="personal", start="09:00", end="13:00", minutes=60, capacity=1):
    return [{"session_type": session_type, "weekday": d, "start_time": start, "end_time": end,
             "slot_minutes": minutes, "capacity": capacity} for d in range(1, 8)]


async def slots(client, slug, **params):
    r = await client.get(f"{PUBLIC}/{slug}/slots", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def booking(slot_id, session_type="personal", email="client@example.com", **extra):
    return {"slot_id": slot_id, "session_type": session_type,
            "client": {"name": "Priya Shah", "email": email, "phone": "+91 98765 43210"}, **extra}


async def book(client, slug, body, headers=None):
    return await client.post(f"{PUBLIC}/{slug}/bookings", json=body, headers=headers or {})


async def lift_booking_limits(db) -> None:
    """For tests of something else (slot races, load) made from one address: the abuse limits out of the way
    (tests/http/test_booking_limits.py tests them)."""
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.platform_settings set value = to_jsonb((api.setting_bounds()->key->>1)::integer) "
                           "where key in ('public_bookings_per_ip_per_hour', 'public_bookings_per_email_per_hour', "
                           "'booking_emails_per_recipient_per_day', 'unpaid_holds_per_email', 'unpaid_holds_per_ip')")
    finally:
        await conn.close()


async def test_only_approved_consultants_are_published(client, db):
    pending = await signup_consultant(client)
    assert (await client.get(f"{PUBLIC}/{pending['consultant']['slug']}")).status_code == 404
    assert (await client.get(f"{PUBLIC}/{pending['consultant']['slug']}/slots")).status_code == 404
    c = await approved_consultant(client, db)
    r = await client.get(f"{PUBLIC}/{c['slug']}")
    assert r.status_code == 200
    profile = r.json()
    assert profile["personal_session_price"] == "1499.50" and "email" not in profile and "bank_details" not in profile
    assert (await client.get(f"{PUBLIC}/no-such-person")).status_code == 404


async def test_a_paid_booking_holds_its_slot_and_a_second_one_is_refused(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"], type="personal")
    assert free and all(s["remaining"] == 1 for s in free)
    first = free[0]
    r = await book(client, c["slug"], booking(first["slot_id"]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["status"], body["payment_status"], body["next_step"], body["amount"]) == ("pending", "pending", "pay", "1499.50")
    hold = datetime.fromisoformat(body["hold_expires_at"])
    assert timedelta(minutes=14) < hold - datetime.now(UTC) <= timedelta(minutes=15)
    assert body["manage_url"].startswith("http://127.0.0.1:8000/booking/mt_")
    assert first["slot_id"] not in {s["slot_id"] for s in await slots(client, c["slug"])}
    again = await book(client, c["slug"], booking(first["slot_id"], email="other@example.com"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "slot_taken"
    # The client is one row per consultant and email; their phone is ciphertext with a keyed hash beside it.
    conn = await db.connect("owner")
    try:
        row = await conn.fetchrow("select phone_encrypted, phone_hash, total_sessions from app.clients where email = 'client@example.com'")
    finally:
        await conn.close()
    assert b"9876543210" not in bytes(row["phone_encrypted"]) and len(row["phone_hash"]) == 32
    assert row["total_sessions"] == 0  # a hold is not a session until paid


async def test_a_blank_client_name_is_refused_naming_the_field_sent_and_an_address_error_reads_plainly(client, db):
    # The outside check saw 422 naming "name" (the table's column) for a body whose field is client.name, and
    # messages opening with pydantic's "Value error, ".
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"], type="personal")
    body = booking(free[0]["slot_id"])
    body["client"]["name"] = "   "
    r = await book(client, c["slug"], body)
    assert r.status_code == 422 and r.json()["error"]["field"] == "client.name", r.text
    r = await book(client, c["slug"], booking(free[0]["slot_id"], email="nutzerä@example.com"))
    err = r.json()["error"]
    assert r.status_code == 422 and err["field"] == "client.email", r.text
    assert err["message"].startswith("client.email: must use only ASCII") and "Value error" not in err["message"]


async def test_a_free_session_is_confirmed_at_once(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    slot = (await slots(client, c["slug"]))[0]
    r = await book(client, c["slug"], booking(slot["slot_id"]))
    assert r.status_code == 201
    assert (r.json()["status"], r.json()["payment_status"], r.json()["next_step"]) == ("confirmed", "not_required", "done")
    assert r.json()["meeting_link"] == "https://zoom.us/j/123"


async def test_idempotency_key_replays_the_first_answer_and_refuses_a_different_body(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    a, b = (await slots(client, c["slug"]))[:2]
    headers = {"Idempotency-Key": "order-42"}
    first = await book(client, c["slug"], booking(a["slot_id"]), headers)
    replay = await book(client, c["slug"], booking(a["slot_id"]), headers)
    assert first.status_code == 201 and replay.status_code == 201  # the first answer, status included
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["session_id"] == first.json()["session_id"]
    assert replay.json()["manage_url"] == first.json()["manage_url"]
    other = await book(client, c["slug"], booking(b["slot_id"]), headers)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select count(*) from app.sessions") == 1
    finally:
        await conn.close()


async def test_checkout_is_offered_while_the_hold_lasts_and_a_replay_keeps_its_first_answer(client, db):
    """Whether a booking can still be paid is SQL's answer (`payable`, issue 17): the manage link offers Checkout while
    the hold lasts and not after; a replayed Idempotency-Key still answers as it first did."""
    c = await approved_consultant(client, db, rules=every_day())
    slot = (await slots(client, c["slug"]))[0]
    headers = {"Idempotency-Key": "pay-later-1"}
    first = (await book(client, c["slug"], booking(slot["slot_id"]), headers)).json()
    assert first["payable"] is True and first["checkout"]["order_id"] == first["payment"]["order_id"]
    token = first["manage_url"].rstrip("/").rsplit("/", 1)[-1]
    view = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert view["payable"] is True and view["checkout"]["order_id"] == first["payment"]["order_id"]
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.sessions set hold_expires_at = now() - interval '1 second'")
    finally:
        await conn.close()
    view = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert view["status"] == "pending" and view["payable"] is False and view["checkout"] is None
    replay = await book(client, c["slug"], booking(slot["slot_id"]), headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["checkout"] == first["checkout"] and replay.json()["payable"] is True


async def test_racing_clients_get_each_personal_slot_exactly_once(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    await lift_booking_limits(db)  # 200 visitors, all from the test client's one address
    free = (await slots(client, c["slug"], type="personal"))[:20]
    assert len(free) == 20
    requests = [book(client, c["slug"], booking(free[i % 20]["slot_id"], email=f"racer{i}@example.com"))
                for i in range(200)]
    answers = await asyncio.gather(*requests)
    codes = [r.status_code for r in answers]
    assert codes.count(201) == 20 and codes.count(409) == 180, sorted(set(codes))
    conn = await db.connect("owner")
    try:
        overlapping = await conn.fetchval(
            "select count(*) from app.sessions a join app.sessions b on a.id < b.id and a.consultant_id = b.consultant_id "
            "and a.occupied_during && b.occupied_during where a.status in ('pending','confirmed') "
            "and b.status in ('pending','confirmed')")
        per_slot = await conn.fetch("select slot_id, count(*) from app.sessions group by slot_id having count(*) > 1")
    finally:
        await conn.close()
    assert overlapping == 0 and per_slot == []


async def test_a_webinar_sells_exactly_its_capacity_under_a_rush(client, db):
    c = await approved_consultant(client, db, rules=every_day("webinar", "18:00", "19:30", 90, 5))
    await lift_booking_limits(db)  # 50 visitors, all from the test client's one address
    webinar = (await slots(client, c["slug"], type="webinar"))[0]
    assert webinar["remaining"] == 5
    answers = await asyncio.gather(*(book(client, c["slug"], booking(webinar["slot_id"], "webinar", f"w{i}@example.com"))
                                     for i in range(50)))
    codes = [r.status_code for r in answers]
    assert codes.count(201) == 5 and codes.count(409) == 45
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} <= {"slot_full", "slot_taken"}
    assert webinar["slot_id"] not in {s["slot_id"] for s in await slots(client, c["slug"], type="webinar")}


async def test_an_expired_hold_never_blocks_a_new_booking(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    slot = (await slots(client, c["slug"]))[0]
    first = (await book(client, c["slug"], booking(slot["slot_id"]))).json()
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.sessions set hold_expires_at = now() - interval '1 second'")
        assert slot["slot_id"] in {s["slot_id"] for s in await slots(client, c["slug"])}
        second = await book(client, c["slug"], booking(slot["slot_id"], email="late@example.com"))
        assert second.status_code == 201
        statuses = dict(await conn.fetch("select id::text, status from app.sessions"))
    finally:
        await conn.close()
    assert statuses[first["session_id"]] == "abandoned" and statuses[second.json()["session_id"]] == "pending"


async def test_slots_respect_notice_and_blocks(client, db):
    c = await approved_consultant(client, db, rules=every_day(), min_notice_minutes=48 * 60)
    earliest = datetime.now(UTC) + timedelta(hours=48)
    free = await slots(client, c["slug"])
    assert free and all(datetime.fromisoformat(s["starts_at"]) >= earliest for s in free)
    day = datetime.fromisoformat(free[0]["starts_at"])
    r = await client.post("/api/v1/consultants/me/availability/blocks", headers=c["headers"],
                          json={"starts_at": (day - timedelta(hours=1)).isoformat(),
                                "ends_at": (day + timedelta(hours=6)).isoformat(), "reason": "Diwali"})
    assert r.status_code == 201
    after = {s["starts_at"] for s in await slots(client, c["slug"])}
    assert free[0]["starts_at"] not in after


async def test_dst_rules_stay_at_local_wall_clock_and_show_in_the_visitors_zone(client, db):
    rule = {"session_type": "personal", "weekday": 1, "start_time": "09:00", "end_time": "10:00", "slot_minutes": 60}
    c = await approved_consultant(client, db, timezone="America/New_York", rules=[rule], max_days_ahead=365)
    items = await slots(client, c["slug"], **{"from": "2027-03-01T00:00:00Z", "to": "2027-03-20T00:00:00Z",
                                              "tz": "Asia/Kolkata"})
    starts = {s["starts_at"]: s for s in items}
    before, after = starts["2027-03-08T14:00:00+00:00"], starts["2027-03-15T13:00:00+00:00"]
    assert before["starts_at_local"] == "2027-03-08T19:30:00+05:30"
    assert after["starts_at_local"] == "2027-03-15T18:30:00+05:30"
    ny = await slots(client, c["slug"], **{"from": "2027-03-01T00:00:00Z", "to": "2027-03-20T00:00:00Z",
                                           "tz": "America/New_York"})
    assert {s["starts_at_local"][11:19] for s in ny} == {"09:00:00"}


@pytest.mark.parametrize("params", [{"type": "group"}, {"tz": "Mars/Base"}, {"from": "yesterday"},
                                    {"from": "2027-03-01T00:00:00"}])
async def test_bad_slot_queries_are_422(client, db, params):
    c = await approved_consultant(client, db)
    r = await client.get(f"{PUBLIC}/{c['slug']}/slots", params=params)
    assert r.status_code == 422, r.text


async def test_the_manage_link_cancels_within_policy_and_states_the_refund(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    slot = (await slots(client, c["slug"]))[0]
    made = (await book(client, c["slug"], booking(slot["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    view = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert view["can_cancel"] is True and view["refund_if_cancelled_now"]["amount"] == "0.00"
    r = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={"reason": "Clash"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    again = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={})
    assert again.status_code == 409
    assert (await client.get("/api/v1/public/bookings/mt_nonsense_token")).status_code == 404
    assert slot["slot_id"] in {s["slot_id"] for s in await slots(client, c["slug"])}


async def test_cancelling_too_late_is_refused(client, db):
    policy = {"client_cutoff_hours": 720, "max_reschedules": 1,
              "refund_ladder": [{"min_hours_before": 24, "percent": 100}]}
    c = await approved_consultant(client, db, price="0", rules=every_day(), cancellation_policy=policy)
    made = (await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    r = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "cancellation_window_closed"


async def test_rescheduling_moves_the_booking_atomically_and_is_bounded(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    a, b, d = (await slots(client, c["slug"]))[:3]
    made = (await book(client, c["slug"], booking(a["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    moved = await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": b["slot_id"]})
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["starts_at"]) == datetime.fromisoformat(b["starts_at"])
    assert moved.json()["reschedule_count"] == 1
    free = {s["slot_id"] for s in await slots(client, c["slug"])}
    assert a["slot_id"] in free and b["slot_id"] not in free
    conn = await db.connect("owner")
    try:
        seats = dict(await conn.fetch("select id::text, booked_count from app.availability_slots where id = any($1::uuid[])",
                                      [a["slot_id"], b["slot_id"]]))
    finally:
        await conn.close()
    assert seats == {a["slot_id"]: 0, b["slot_id"]: 1}
    # Someone else takes d; moving onto it is refused and the booking stays where it was.
    await book(client, c["slug"], booking(d["slot_id"], email="d@example.com"))
    taken = await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": d["slot_id"]})
    assert taken.status_code == 409
    view = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert datetime.fromisoformat(view["starts_at"]) == datetime.fromisoformat(b["starts_at"])
    # The default policy allows two moves; the third is refused.
    await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": a["slot_id"]})
    third = await client.post(f"/api/v1/public/bookings/{token}/reschedule", json={"slot_id": b["slot_id"]})
    assert third.status_code == 409 and third.json()["error"]["code"] == "reschedule_not_allowed"

# Test: pytest tests/http/test_booking.py
