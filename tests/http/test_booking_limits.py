# tests/http/test_booking_limits.py — public booking under abuse: per-IP and per-email limits, unpaid-hold caps, confirmations per recipient, the client record left alone, scoped idempotency keys, paged slots.
from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx

from tests.http.test_booking import PUBLIC, approved_consultant, book, booking, every_day, slots
from tests.http.test_dashboard_sessions_pages import page_sign_in
from tests.http.test_pages import HTML
from tests.http.test_payments import app, razorpay_env, rzp  # noqa: F401  (the fake Razorpay: orders are counted)


@asynccontextmanager
async def from_ip(app, ip: str) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    """A visitor at another address (the ASGI scope's client, which app.auth.client_ip reads)."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def set_limits(db, **values: int) -> None:
    conn = await db.connect("owner")
    try:
        for key, value in values.items():
            assert await conn.execute("update app.platform_settings set value = to_jsonb($2::integer) where key = $1",
                                      key, value) == "UPDATE 1", key
    finally:
        await conn.close()


async def fetch(db, sql: str, *args):
    conn = await db.connect("owner")
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def retry_after(r: httpx.Response) -> int:
    value = r.headers["retry-after"]
    assert value.isdigit() and int(value) >= 1, value
    return int(value)


async def earliest_hold_seconds(db) -> int:
    [row] = await fetch(db, "select ceil(extract(epoch from min(hold_expires_at) - now()))::integer as s "
                            "from app.sessions where status = 'pending' and hold_expires_at > now()")
    return row["s"]


# Unpaid holds ----------------------------------------------------------------------------------------------

async def test_unpaid_holds_from_one_ip_are_capped_per_consultant_before_any_order(client, db, app, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    other = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    async with from_ip(app, "203.0.113.7") as visitor:
        made = [await book(visitor, c["slug"], booking(free[i]["slot_id"], email=f"h{i}@example.com")) for i in range(5)]
        assert [r.status_code for r in made] == [201] * 5
        orders = len(rzp.orders)
        refused = await book(visitor, c["slug"], booking(free[5]["slot_id"], email="h5@example.com"))
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"]["code"] == "too_many_holds"
        # Retry-After is when the first of those holds runs out.
        assert abs(retry_after(refused) - await earliest_hold_seconds(db)) <= 2
        assert len(rzp.orders) == orders  # refused before Razorpay was asked for an order
        # The cap is per consultant: the same address may still hold a time on another page.
        elsewhere = await book(visitor, other["slug"], booking((await slots(client, other["slug"]))[0]["slot_id"]))
        assert elsewhere.status_code == 201, elsewhere.text
    # Another address books the same consultant.
    async with from_ip(app, "198.51.100.20") as neighbour:
        assert (await book(neighbour, c["slug"], booking(free[5]["slot_id"], email="n@example.com"))).status_code == 201
    # A hold that runs out frees a place under the cap.
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.sessions set hold_expires_at = now() - interval '1 second' "
                           "where id = (select s.id from app.sessions s join app.clients cl on cl.id = s.client_id "
                           "where cl.email = 'h0@example.com')")
    finally:
        await conn.close()
    async with from_ip(app, "203.0.113.7") as visitor:
        assert (await book(visitor, c["slug"], booking(free[6]["slot_id"], email="h6@example.com"))).status_code == 201


async def test_unpaid_holds_of_one_email_are_capped_whatever_the_ip(client, db, app, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    answers = []
    for i in range(3):
        async with from_ip(app, f"192.0.2.{i + 1}") as visitor:
            answers.append(await book(visitor, c["slug"], booking(free[i]["slot_id"], email="Same@Example.com")))
    assert [r.status_code for r in answers] == [201, 201, 429]
    assert answers[2].json()["error"]["code"] == "too_many_holds" and retry_after(answers[2]) > 0
    assert len(rzp.orders) == 2


async def test_racing_holds_from_one_ip_never_pass_the_cap(client, db, app, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    async with from_ip(app, "203.0.113.9") as visitor:
        answers = await asyncio.gather(*(book(visitor, c["slug"], booking(free[i]["slot_id"], email=f"r{i}@example.com"))
                                         for i in range(20)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] * 5 + [429] * 15, codes
    [row] = await fetch(db, "select count(*) as n from app.sessions where status = 'pending'")
    assert row["n"] == 5


async def test_racing_holds_for_one_email_never_pass_the_cap(client, db, app, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])

    async def one(i: int) -> httpx.Response:
        async with from_ip(app, f"198.51.100.{i + 1}") as visitor:
            return await book(visitor, c["slug"], booking(free[i]["slot_id"], email="racer@example.com"))

    codes = sorted(r.status_code for r in await asyncio.gather(*(one(i) for i in range(10))))
    assert codes == [201] * 2 + [429] * 8, codes


# Hourly limits per IP and per email ------------------------------------------------------------------------

async def test_bookings_per_ip_per_hour_are_refused_before_any_order(client, db, app, rzp):  # noqa: F811
    await set_limits(db, public_bookings_per_ip_per_hour=3, unpaid_holds_per_ip=50)
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    async with from_ip(app, "203.0.113.50") as visitor:
        codes = [(await book(visitor, c["slug"], booking(free[i]["slot_id"], email=f"p{i}@example.com"))).status_code
                 for i in range(3)]
        assert codes == [201] * 3
        over = await book(visitor, c["slug"], booking(free[3]["slot_id"], email="p3@example.com"))
    assert over.status_code == 429 and over.json()["error"]["code"] == "rate_limited", over.text
    assert retry_after(over) <= 3600
    assert len(rzp.orders) == 3
    async with from_ip(app, "203.0.113.51") as other:
        assert (await book(other, c["slug"], booking(free[3]["slot_id"], email="p3@example.com"))).status_code == 201


async def test_racing_bookings_from_one_ip_never_pass_the_hourly_limit_nor_make_orders(client, db, app, rzp):  # noqa: F811
    await set_limits(db, public_bookings_per_ip_per_hour=4, unpaid_holds_per_ip=50)
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    async with from_ip(app, "203.0.113.60") as visitor:
        answers = await asyncio.gather(*(book(visitor, c["slug"], booking(free[i]["slot_id"], email=f"q{i}@example.com"))
                                         for i in range(12)))
    assert sorted(r.status_code for r in answers) == [201] * 4 + [429] * 8
    assert len(rzp.orders) == 4


async def test_bookings_per_email_per_hour_are_limited_across_pages_and_ips(client, db, app, rzp):  # noqa: F811
    await set_limits(db, public_bookings_per_email_per_hour=2, unpaid_holds_per_email=10)
    a = await approved_consultant(client, db, rules=every_day())
    b = await approved_consultant(client, db, rules=every_day())
    codes = []
    for i, c in enumerate((a, b, a)):
        async with from_ip(app, f"192.0.2.{100 + i}") as visitor:
            r = await book(visitor, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"], email="busy@example.com"))
            codes.append(r.status_code)
    assert codes == [201, 201, 429]
    assert r.json()["error"]["code"] == "rate_limited" and retry_after(r) <= 3600


# Confirmations per recipient --------------------------------------------------------------------------------

async def test_free_bookings_cannot_mail_bomb_a_stranger(client, db, app):  # noqa: F811
    await set_limits(db, booking_emails_per_recipient_per_day=3)
    a = await approved_consultant(client, db, price="0", webinar_price="0", rules=every_day())
    b = await approved_consultant(client, db, price="0", webinar_price="0", rules=every_day())
    answers = []
    for i in range(5):
        c = (a, b)[i % 2]
        async with from_ip(app, f"198.51.100.{200 + i}") as visitor:
            free = await slots(client, c["slug"])
            answers.append(await book(visitor, c["slug"], booking(free[0]["slot_id"], email="victim@example.com")))
    assert [r.status_code for r in answers] == [201, 201, 201, 429, 429]
    assert answers[3].json()["error"]["code"] == "rate_limited"
    assert retry_after(answers[3]) <= 86400
    mails = await fetch(db, "select count(*) as n from app.email_logs where recipient_email = 'victim@example.com'")
    assert mails[0]["n"] == 3
    [refused] = await fetch(db, "select count(*) as n from app.sessions s join app.clients cl on cl.id = s.client_id "
                                "where cl.email = 'victim@example.com'")
    assert refused["n"] == 3  # the refused bookings took no time either
    # Someone else still books.
    async with from_ip(app, "198.51.100.250") as visitor:
        r = await book(visitor, a["slug"], booking((await slots(client, a["slug"]))[0]["slot_id"], email="me@example.com"))
    assert r.status_code == 201


async def test_one_inbox_spelled_many_ways_is_one_recipient_and_one_email(client, db, app):  # noqa: F811
    # victim+1@, Victim@, v.i.c.t.i.m@gmail… all reach one inbox: a fresh allowance for each spelling was a way
    # round the daily confirmations limit (and the per-email hourly limit and hold cap).
    await set_limits(db, booking_emails_per_recipient_per_day=3, public_bookings_per_email_per_hour=100)
    c = await approved_consultant(client, db, price="0", webinar_price="0", rules=every_day())
    spellings = ["victim.person@gmail.com", "VictimPerson+1@gmail.com", "v.i.c.t.i.m.person+x@googlemail.com",
                 "victimperson+2@gmail.com", "victim.person+3@Gmail.com"]
    answers = []
    for i, email in enumerate(spellings):
        async with from_ip(app, f"198.51.100.{20 + i}") as visitor:
            free = await slots(client, c["slug"])
            answers.append(await book(visitor, c["slug"], booking(free[0]["slot_id"], email=email)))
    assert [r.status_code for r in answers] == [201, 201, 201, 429, 429]
    # Another mailbox on the same provider is not counted with it; the counters hold no address.
    async with from_ip(app, "198.51.100.40") as visitor:
        r = await book(visitor, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"],
                                                   email="victim.person2@gmail.com"))
    assert r.status_code == 201, r.text
    assert await fetch(db, "select bucket from app.rate_limit_hits where bucket ~* 'victim|gmail'") == []


async def test_addresses_in_one_ipv6_64_are_one_address(client, db, app, rzp):  # noqa: F811
    # A household, phone or server is given a whole /64: every address in it counts as one.
    await set_limits(db, unpaid_holds_per_ip=2, unpaid_holds_per_email=50)
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    codes = []
    for i in range(4):
        async with from_ip(app, f"2001:db8:1:2::{i + 1:x}") as visitor:
            r = await book(visitor, c["slug"], booking(free[i]["slot_id"], email=f"six{i}@example.com"))
            codes.append(r.status_code)
    assert codes == [201, 201, 429, 429]
    async with from_ip(app, "2001:db8:1:3::1") as visitor:  # the next /64 is someone else
        r = await book(visitor, c["slug"], booking(free[5]["slot_id"], email="other64@example.com"))
    assert r.status_code == 201


async def test_racing_free_bookings_to_one_recipient_never_pass_the_daily_limit(client, db, app):  # noqa: F811
    await set_limits(db, booking_emails_per_recipient_per_day=3, public_bookings_per_email_per_hour=100)
    a = await approved_consultant(client, db, price="0", rules=every_day())
    b = await approved_consultant(client, db, price="0", rules=every_day())
    free = {c["slug"]: await slots(client, c["slug"]) for c in (a, b)}

    async def one(i: int) -> httpx.Response:
        c = (a, b)[i % 2]
        async with from_ip(app, f"203.0.113.{100 + i}") as visitor:
            return await book(visitor, c["slug"], booking(free[c["slug"]][i]["slot_id"], email="target@example.com"))

    codes = sorted(r.status_code for r in await asyncio.gather(*(one(i) for i in range(10))))
    assert codes == [201] * 3 + [429] * 7, codes
    [row] = await fetch(db, "select count(*) as n from app.email_logs where recipient_email = 'target@example.com' "
                            "and email_type = 'session_confirmation'")
    assert row["n"] == 3


# The client record --------------------------------------------------------------------------------------------

async def test_a_public_booking_never_changes_an_existing_client(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    made = await client.post("/api/v1/clients", headers=c["headers"],
                             json={"name": "Asha Client", "email": "asha@example.com", "phone": "+91 99999 11111"})
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert (await client.post(f"/api/v1/clients/{cid}/deactivate", headers=c["headers"])).status_code == 200
    [before] = await fetch(db, "select name, email::text, phone_hash, phone_encrypted, is_active from app.clients "
                           "where id = $1", uuid.UUID(cid))
    # An anonymous visitor books with that client's email, another name and another phone.
    body = {"slot_id": (await slots(client, c["slug"]))[0]["slot_id"], "session_type": "personal",
            "client": {"name": "Mallory Renamer", "email": "ASHA@example.com", "phone": "+91 88888 22222"}}
    r = await book(client, c["slug"], body)
    assert r.status_code == 201, r.text
    [after] = await fetch(db, "select name, email::text, phone_hash, phone_encrypted, is_active from app.clients "
                          "where id = $1", uuid.UUID(cid))
    assert dict(after) == dict(before)  # not renamed, same phone, still deactivated (only its totals count the session)
    # What the visitor typed belongs to the session: the answer, the mails and the consultant's view say it.
    assert r.json()["client"]["name"] == "Mallory Renamer"
    session = (await client.get(f"/api/v1/sessions/{r.json()['session_id']}", headers=c["headers"])).json()
    assert session["client"]["id"] == cid and session["client"]["name"] == "Asha Client"
    assert session["client"]["is_active"] is False
    assert session["booked_as"] == {"name": "Mallory Renamer", "email": "asha@example.com", "phone": "+918888822222"}
    mails = {m["email_type"]: m for m in await fetch(
        db, "select email_type, recipient_email::text, recipient_name, template_data from app.email_logs "
            "where session_id = $1", uuid.UUID(r.json()["session_id"]))}
    assert mails["session_confirmation"]["recipient_email"] == "asha@example.com"
    # The client's own mail carries no name the visitor typed (a stranger's inbox may be reading it: issue 16).
    assert mails["session_confirmation"]["recipient_name"] is None
    assert '"client_name": ""' in mails["session_confirmation"]["template_data"]
    assert '"client_name": "Mallory Renamer"' in mails["session_booked"]["template_data"]
    # The consultant's session page shows both: their client (deactivated) and who booked, as typed.
    await page_sign_in(client, db, c)
    page = await client.get(f"/dashboard/sessions/{r.json()['session_id']}", headers=HTML)
    assert page.status_code == 200
    for shown in ("Asha Client", 'id="client-inactive"', "Booked as", "Mallory Renamer", "+918888822222"):
        assert shown in page.text, shown


async def test_a_new_client_is_created_from_the_booking(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    r = await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"], email="New@Example.com"))
    assert r.status_code == 201
    [row] = await fetch(db, "select name, email::text, phone_hash is not null as phone, is_active from app.clients")
    assert dict(row) == {"name": "Priya Shah", "email": "new@example.com", "phone": True, "is_active": True}


# Idempotency ---------------------------------------------------------------------------------------------------

async def test_a_replay_answers_the_original_status_and_body(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    body = booking((await slots(client, c["slug"]))[0]["slot_id"])
    first = await book(client, c["slug"], body, {"Idempotency-Key": "same-key"})
    again = await book(client, c["slug"], body, {"Idempotency-Key": "same-key"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert again.json() == first.json()
    assert len(rzp.orders) == 1


async def test_keys_are_scoped_per_consultant_and_the_manage_link_is_not_derived_from_them(client, db, rzp):  # noqa: F811
    a = await approved_consultant(client, db, rules=every_day())
    b = await approved_consultant(client, db, rules=every_day())
    key = {"Idempotency-Key": "checkout-1"}
    ra = await book(client, a["slug"], booking((await slots(client, a["slug"]))[0]["slot_id"]), key)
    rb = await book(client, b["slug"], booking((await slots(client, b["slug"]))[0]["slot_id"]), key)
    assert (ra.status_code, rb.status_code) == (201, 201), rb.text
    assert ra.json()["session_id"] != rb.json()["session_id"]
    assert ra.json()["manage_url"] != rb.json()["manage_url"]


async def test_a_reused_key_never_leaves_an_orphan_order(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    s1, s2 = (await slots(client, c["slug"]))[:2]
    key = {"Idempotency-Key": "twice"}
    # At once: one books, the other is refused before Razorpay is asked for an order.
    answers = await asyncio.gather(book(client, c["slug"], booking(s1["slot_id"]), key),
                                   book(client, c["slug"], booking(s2["slot_id"]), key))
    codes = sorted(r.status_code for r in answers)
    assert codes[0] == 201 and codes[1] in (409, 422), codes
    assert len(rzp.orders) == 1
    # One after the other: the same.
    later = await book(client, c["slug"], booking(s2["slot_id"], email="x@example.com"), key)
    assert later.status_code == 422 and later.json()["error"]["code"] == "idempotency_key_reused"
    assert len(rzp.orders) == 1


async def test_a_refused_booking_frees_its_key_for_a_retry(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    rzp.failures = ["down"]
    key = {"Idempotency-Key": "retry-after-502"}
    assert (await book(client, c["slug"], booking(free[0]["slot_id"]), key)).status_code == 502
    again = await book(client, c["slug"], booking(free[0]["slot_id"]), key)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers


async def test_an_expired_key_is_a_new_key_and_nothing_internal_shows(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    s1, s2 = (await slots(client, c["slug"]))[:2]
    key = {"Idempotency-Key": "yesterday"}
    assert (await book(client, c["slug"], booking(s1["slot_id"]), key)).status_code == 201
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.idempotency_keys set created_at = now() - interval '25 hours'")
    finally:
        await conn.close()
    fresh = await book(client, c["slug"], booking(s2["slot_id"]), key)
    assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers, fresh.text
    for word in ("idempotency_keys", "request_sha256", "scope", "consultant_id", "response"):
        assert word not in fresh.text
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.idempotency_keys set created_at = now() - interval '25 hours'")
        assert await conn.fetchval("select api.prune_idempotency_keys()") == 1
        assert await conn.fetchval("select count(*) from app.idempotency_keys") == 0
    finally:
        await conn.close()


async def test_a_replay_is_never_rate_limited(client, db, app, rzp):  # noqa: F811
    await set_limits(db, public_bookings_per_ip_per_hour=1)
    c = await approved_consultant(client, db, rules=every_day())
    body = booking((await slots(client, c["slug"]))[0]["slot_id"])
    async with from_ip(app, "203.0.113.77") as visitor:
        first = await book(visitor, c["slug"], body, {"Idempotency-Key": "k"})
        again = await book(visitor, c["slug"], body, {"Idempotency-Key": "k"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()


# Paged slots -----------------------------------------------------------------------------------------------------

def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def page(client, slug, **params) -> dict:
    r = await client.get(f"{PUBLIC}/{slug}/slots", params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_slots_are_paged_by_date_range_and_never_silently_cut(client, db):
    # 15-minute slots from 06:00 to 22:00 every day: 64 a day, ~2000 in a month.
    c = await approved_consultant(client, db, rules=every_day(start="06:00", end="22:00", minutes=15), max_days_ahead=60)
    start = datetime.now(UTC).replace(microsecond=0)
    end = start + timedelta(days=31)
    first = await page(client, c["slug"], **{"from": start.isoformat(), "to": end.isoformat()})
    assert 0 < len(first["items"]) <= 1000
    assert at(first["from"]) == start and at(first["to"]) < end  # the answer says where it stopped
    assert first["next"]["from"] == first["to"]
    assert all(at(s["starts_at"]) < at(first["to"]) for s in first["items"])
    # Following `next` to the end of the month gives every slot once.
    seen, cursor = list(first["items"]), first
    while at(cursor["to"]) < end:
        cursor = await page(client, c["slug"], **{"from": cursor["next"]["from"], "to": end.isoformat()})
        seen += cursor["items"]
    ids = [s["slot_id"] for s in seen]
    assert len(ids) == len(set(ids))
    daily = []
    for d in range(31):
        day = await page(client, c["slug"], **{"from": (start + timedelta(days=d)).isoformat(),
                                                "to": (start + timedelta(days=d + 1)).isoformat()})
        daily += day["items"]
    assert set(ids) == {s["slot_id"] for s in daily} and len(ids) > 1000


async def test_a_too_wide_range_is_clamped_and_the_horizon_ends_the_paging(client, db):
    c = await approved_consultant(client, db, rules=every_day(), max_days_ahead=40)
    start = datetime.now(UTC).replace(microsecond=0)
    wide = await page(client, c["slug"], **{"from": start.isoformat(), "to": (start + timedelta(days=90)).isoformat()})
    assert at(wide["to"]) == start + timedelta(days=31)
    assert at(wide["next"]["from"]) == start + timedelta(days=31)
    assert at(wide["next"]["to"]) == start + timedelta(days=62)
    last = await page(client, c["slug"], **{"from": wide["next"]["from"], "to": wide["next"]["to"]})
    assert last["items"] and last["next"] is None  # nothing can be booked beyond 40 days
    assert all(at(s["starts_at"]) <= datetime.now(UTC) + timedelta(days=40) for s in last["items"])
    # Without a range: from now, for a week at most, and where to go next.
    default = await page(client, c["slug"])
    assert at(default["to"]) - at(default["from"]) == timedelta(days=7)
    assert default["next"]["from"] == default["to"]


async def test_a_week_range_in_the_visitors_zone(client, db):
    c = await approved_consultant(client, db, rules=every_day(), max_days_ahead=30)
    monday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)
    week = await page(client, c["slug"], **{"from": monday.isoformat(), "to": (monday + timedelta(days=7)).isoformat(),
                                             "tz": "Asia/Kolkata"})
    assert len(week["items"]) == 7 * 4
    assert week["tz"] == "Asia/Kolkata" and week["items"][0]["starts_at_local"].endswith("+05:30")


async def test_the_slot_range_is_declared_in_the_openapi_document(client):
    doc = (await client.get("/api/v1/openapi.json")).json()
    slots_op = doc["paths"]["/api/v1/public/consultants/{slug}/slots"]["get"]
    schema = slots_op["responses"]["200"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert {"items", "from", "to", "next"} <= set(schema["properties"])
    booking_op = doc["paths"]["/api/v1/public/consultants/{slug}/bookings"]["post"]
    assert "429" in booking_op["responses"]


# Test: pytest tests/http/test_booking_limits.py
