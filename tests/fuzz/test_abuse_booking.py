# tests/fuzz/test_abuse_booking.py — the public-booking attacks of issue 16 replayed as an outsider would: a flood of holds from one address, one email from many addresses, a stranger's inbox mail-bombed with free bookings, an existing client renamed.
"""Each attack runs at once (asyncio.gather of real requests against the real database, Razorpay's fake
counting the orders) with the platform's default limits, and checks what the attacker got: places held, orders
made, client records written, mails queued."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_booking_limits import fetch, from_ip
from tests.http.test_payments import app, razorpay_env, rzp  # noqa: F401

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
    [mails] = await fetch(db, "select count(*) as n from app.email_logs where recipient_email = 'stranger@example.com'")
    assert mails["n"] <= limits["booking_emails_per_recipient_per_day"]
    assert sum(1 for r in answers if r.status_code == 201) == mails["n"]
    assert {r.status_code for r in answers} <= {201, 429}


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
