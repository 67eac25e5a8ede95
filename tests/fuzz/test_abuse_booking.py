# tests/fuzz/test_abuse_booking.py — the public-booking attacks of issue 16 replayed as an outsider would: a flood of holds from one address, one email from many addresses, a stranger's inbox mail-bombed (free bookings, their reminders, moves through the manage link), an existing client renamed or revealed, instants past any calendar.
"""Each attack runs at once (asyncio.gather of real requests against the real database, Razorpay's fake
counting the orders, a real worker delivering mail to the local outbox) with the platform's default limits,
and checks what the attacker got: places held, orders made, client records written, mails delivered, what the
answers gave away, and never a 500."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_booking_limits import fetch, from_ip
from tests.http.test_dashboard_sessions_pages import page_sign_in
from tests.http.test_pages import HTML
from tests.http.test_payments import app, razorpay_env, run_jobs, rzp  # noqa: F401

ATTACK = 60  # the run: 60 anonymous holds in half a second


async def defaults(db) -> dict[str, int]:
    rows = await fetch(db, "select key, (value #>> '{}')::integer as v from app.platform_settings where key = any($1)",
                       ["unpaid_holds_per_ip", "unpaid_holds_per_email", "public_bookings_per_ip_per_hour",
                        "booking_emails_per_recipient_per_day"])
    return {r["key"]: r["v"] for r in rows}


async def test_a_flood_of_holds_from_one_address_takes_a_handful_of_slots(client, db, app, rzp):  # noqa: F811
    limits = await defaults(db)
    c = await approved_consultant(client, db, rules=every_day(start="06:00", end="22:00", minutes=30))
    start = datetime.now(UTC) + timedelta(hours=1)
    week = {"from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()}
    free = await slots(client, c["slug"], **week)
    assert len(free) >= ATTACK
    async with from_ip(app, "203.0.113.66") as attacker:
        answers = await asyncio.gather(*(book(attacker, c["slug"], booking(free[i]["slot_id"], email=f"bot{i}@example.com"))
                                         for i in range(ATTACK)))
    codes = [r.status_code for r in answers]
    assert codes.count(201) == limits["unpaid_holds_per_ip"], sorted(codes)
    assert set(codes) == {201, 429}
    assert all(r.headers["retry-after"].isdigit() for r in answers if r.status_code == 429)
    [held] = await fetch(db, "select count(*) as n from app.sessions where status = 'pending'")
    [clients] = await fetch(db, "select count(*) as n from app.clients")
    assert held["n"] == clients["n"] == limits["unpaid_holds_per_ip"]
    # Orders: never more than the hourly attempts one address may make (most were refused before any order).
    assert len(rzp.orders) <= limits["public_bookings_per_ip_per_hour"]
    # The page still has nearly all its times for real clients.
    assert len(await slots(client, c["slug"], **week)) == len(free) - limits["unpaid_holds_per_ip"]


async def test_one_email_from_many_addresses_holds_only_its_share(client, db, app, rzp):  # noqa: F811
    limits = await defaults(db)
    c = await approved_consultant(client, db, rules=every_day(start="06:00", end="22:00", minutes=30))
    free = await slots(client, c["slug"])

    async def attempt(i: int):
        async with from_ip(app, f"198.51.{i // 250}.{i % 250 + 1}") as attacker:
            return await book(attacker, c["slug"], booking(free[i]["slot_id"], email="hoarder@example.com"))

    codes = [r.status_code for r in await asyncio.gather(*(attempt(i) for i in range(20)))]
    assert codes.count(201) == limits["unpaid_holds_per_email"], sorted(codes)
    assert set(codes) == {201, 429}


async def test_free_bookings_cannot_mail_bomb_a_stranger(client, db, app):  # noqa: F811
    limits = await defaults(db)
    pages = [await approved_consultant(client, db, price="0", webinar_price="0",
                                       rules=every_day(start="06:00", end="22:00", minutes=30)) for _ in range(3)]
    free = {c["slug"]: await slots(client, c["slug"]) for c in pages}

    async def attempt(i: int):
        c = pages[i % len(pages)]
        async with from_ip(app, f"192.0.2.{i + 1}") as attacker:
            return await book(attacker, c["slug"], booking(free[c["slug"]][i]["slot_id"], email="stranger@example.com"))

    answers = await asyncio.gather(*(attempt(i) for i in range(30)))
    # What reached the inbox once the worker ran: the earliest slots start inside the reminder window, so each
    # booking's reminder would be due at once (it doubled the mails); none follows a confirmation seconds later.
    delivered = await inbox(db, "stranger@example.com")
    assert len(delivered) <= limits["booking_emails_per_recipient_per_day"], delivered
    assert sum(1 for r in answers if r.status_code == 201) == len(delivered)
    assert {r.status_code for r in answers} <= {201, 429}


async def inbox(db, email: str) -> list[str]:
    """Run the mail worker, then the types of what the local outbox delivered to an address."""
    await run_jobs(db, queues=("emails",))
    rows = await fetch(db, "select l.email_type from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
                           "where o.to_email = $1 order by o.created_at", email)
    return [r["email_type"] for r in rows]


async def test_the_manage_link_cannot_mail_bomb_a_stranger(client, db, app):  # noqa: F811
    # One free booking per page (its manage link came in the 201 answer), then every move the policy allows,
    # all at once: each move mailed the stranger (and queued a reminder due at once).
    limits = await defaults(db)
    policy = {"client_cutoff_hours": 0, "max_reschedules": 20, "refund_ladder": []}
    pages = [await approved_consultant(client, db, price="0", cancellation_policy=policy,
                                       rules=every_day(start="00:00", end="23:30", minutes=30)) for _ in range(2)]
    links, free = [], {}
    for i, c in enumerate(pages):
        free[c["slug"]] = await slots(client, c["slug"])
        async with from_ip(app, f"198.18.0.{i + 1}") as attacker:
            made = await book(attacker, c["slug"], booking(free[c["slug"]][0]["slot_id"], email="target@example.com"))
        assert made.status_code == 201
        links.append(made.json()["manage_url"].rsplit("/", 1)[1])

    async def move(i: int):
        c = pages[i % 2]
        async with from_ip(app, f"198.18.1.{i + 1}") as attacker:
            return await attacker.post(f"/api/v1/public/bookings/{links[i % 2]}/reschedule",
                                       json={"slot_id": free[c["slug"]][1 + i // 2]["slot_id"]})

    answers = await asyncio.gather(*(move(i) for i in range(40)))
    assert {r.status_code for r in answers} <= {200, 409, 429}, sorted(r.status_code for r in answers)
    assert any(r.status_code == 429 and r.headers["retry-after"].isdigit() for r in answers)
    delivered = await inbox(db, "target@example.com")
    assert len(delivered) == limits["booking_emails_per_recipient_per_day"], delivered
    assert delivered.count("session_reminder") == 0


async def test_reminders_of_bookings_for_one_day_cannot_pile_past_the_cap(client, db, app):  # noqa: F811
    # Bookings made ahead for the same date would each send their reminder on the day before it: in that day the
    # reminders count with whatever else the address got.
    limits = await defaults(db)
    cap = limits["booking_emails_per_recipient_per_day"]
    pages = [await approved_consultant(client, db, price="0", rules=every_day(start="06:00", end="22:00", minutes=30))
             for _ in range(2)]
    later = {c["slug"]: [s for s in await slots(client, c["slug"], **{
        "from": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        "to": (datetime.now(UTC) + timedelta(days=4)).isoformat()})] for c in pages}

    async def attempt(i: int):
        c = pages[i % 2]
        async with from_ip(app, f"198.18.2.{i + 1}") as attacker:
            return await book(attacker, c["slug"], booking(later[c["slug"]][i // 2]["slot_id"], email="pile@example.com"))

    booked = [r for r in await asyncio.gather(*(attempt(i) for i in range(cap))) if r.status_code == 201]
    assert len(booked) == cap
    conn = await db.connect("owner")
    try:  # the day before: every reminder is due at once, on top of the day's other mails
        await conn.execute("update procrastinate_jobs set scheduled_at = now() where task_name = 'send_session_reminder'")
    finally:
        await conn.close()
    delivered = await inbox(db, "pile@example.com")
    assert delivered.count("session_confirmation") == cap and delivered.count("session_reminder") == 0, delivered


async def test_a_booking_does_not_reveal_who_is_already_a_client(client, db, app, rzp):  # noqa: F811
    # An oracle for the consultant's client list: one throwaway hold per address. The answers for known and
    # unknown addresses must not differ in anything but what the visitor typed.
    c = await approved_consultant(client, db, rules=every_day(start="06:00", end="22:00", minutes=30))
    start = datetime.now(UTC) + timedelta(days=20)
    for i in range(3):
        r = await client.post("/api/v1/sessions", headers=c["headers"], json={
            "client": {"name": f"Known {i}", "email": f"known{i}@example.com"}, "session_type": "personal",
            "starts_at": (start + timedelta(hours=i)).isoformat(),
            "ends_at": (start + timedelta(hours=i, minutes=30)).isoformat(), "amount": "0"})
        assert r.status_code == 201, r.text
    free = await slots(client, c["slug"])
    emails = [f"known{i}@example.com" for i in range(3)] + [f"fresh{i}@example.com" for i in range(3)]

    async def probe(i: int):
        async with from_ip(app, f"198.18.3.{i + 1}") as attacker:
            return await book(attacker, c["slug"], booking(free[i]["slot_id"], email=emails[i]))

    answers = [r.json() for r in await asyncio.gather(*(probe(i) for i in range(len(emails))))]
    varying = {"session_id", "starts_at", "ends_at", "hold_expires_at", "manage_url", "checkout", "payment", "client"}
    shapes = [{k: v for k, v in a.items() if k not in varying} for a in answers]
    assert all(shape == shapes[0] for shape in shapes), shapes
    assert all("repeat" not in str(a) for a in answers)


HOSTILE_INSTANTS = ["9999-12-31T23:59:59Z", "9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+14:00",
                    "1969-12-31T23:59:59Z", "2201-01-01T00:00:00Z", "2200-12-31T23:00:00-05:00",
                    "275760-09-13T00:00:00Z", "2026-12-06", "2026-12-06T10:00:00", "garbage", "1e308"]


@pytest.mark.parametrize("value", HOSTILE_INSTANTS)
async def test_instants_past_any_calendar_are_refused_everywhere_and_break_no_page(client, db, value):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    h = c["headers"]
    soon = (datetime.now(UTC) + timedelta(days=9)).isoformat()
    made = (await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    writes = [("post", "/api/v1/consultants/me/availability/blocks", {"starts_at": soon, "ends_at": value}),
              ("post", "/api/v1/consultants/me/availability/blocks", {"starts_at": value, "ends_at": soon}),
              ("post", "/api/v1/consultants/me/availability/slots",
               {"session_type": "personal", "starts_at": value, "ends_at": value}),
              ("post", "/api/v1/sessions", {"client": {"name": "A", "email": "a@example.com"},
                                            "session_type": "personal", "starts_at": value, "ends_at": value}),
              ("post", f"/api/v1/sessions/{made['session_id']}/reschedule", {"starts_at": value, "ends_at": value}),
              ("post", "/api/v1/quotations", {"client_name": "A", "client_email": "a@example.com",
                                              "quotation_name": "Q", "base_amount": "1", "expires_at": value})]
    for method, path, body in writes:
        r = await getattr(client, method)(path, headers=h, json=body)
        assert r.status_code == 422, (path, body, r.status_code, r.text)
    for path in ("/api/v1/consultants/me/availability/slots", "/api/v1/sessions", "/api/v1/sessions/calendar",
                 "/api/v1/payments", "/api/v1/quotations", f"/api/v1/public/consultants/{c['slug']}/slots"):
        for name in ("from", "to"):
            r = await client.get(path, headers=h, params={name: value})
            assert r.status_code == 422 and r.json()["error"]["field"] == name, (path, name, r.text)
    [row] = await fetch(db, "select (select count(*) from app.availability_blocks) + (select count(*) from "
                            "app.quotations) + (select count(*) from app.sessions) - 1 as written")
    assert row["written"] == 0
    # The pages that take a date or an instant answer a page, never a 500.
    day = value[:10]
    r = await client.get(f"/booking/{token}/reschedule", params={"from": value}, headers=HTML)
    assert r.status_code in (200, 422), r.status_code
    await page_sign_in(client, db, c)
    for path, params in (("/dashboard/payments", {"from": day, "to": day}), ("/dashboard/sessions", {"from": day}),
                         ("/dashboard/sessions/calendar", {"month": value[:7]}),
                         ("/dashboard/settings/availability", {})):
        r = await client.get(path, params=params, headers=HTML)
        assert r.status_code in (200, 422), (path, params, r.status_code)


async def test_an_anonymous_booking_cannot_rename_or_revive_a_client(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    made = (await client.post("/api/v1/clients", headers=c["headers"],
                              json={"name": "Real Person", "email": "real@example.com", "phone": "+91 90000 00001"})).json()
    assert (await client.post(f"/api/v1/clients/{made['id']}/deactivate", headers=c["headers"])).status_code == 200
    free = await slots(client, c["slug"])
    for i, name in enumerate(["Impostor", "Another Name", "<b>Renamed</b>"]):
        body = booking(free[i]["slot_id"], email="REAL@example.com")
        body["client"] = {"name": name, "email": "REAL@example.com", "phone": f"+91 80000 0000{i}"}
        assert (await book(client, c["slug"], body)).status_code == 201
    [row] = await fetch(db, "select name, is_active, phone_hash from app.clients where id = $1", uuid.UUID(made["id"]))
    assert (row["name"], row["is_active"]) == ("Real Person", False)
    typed = await fetch(db, "select client_name from app.sessions where client_id = $1 order by starts_at",
                        uuid.UUID(made["id"]))
    assert [r["client_name"] for r in typed] == ["Impostor", "Another Name", "<b>Renamed</b>"]

# Test: pytest tests/fuzz/test_abuse_booking.py
