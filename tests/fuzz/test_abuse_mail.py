# tests/fuzz/test_abuse_mail.py — the account-mail attacks of issue 16 replayed as an outsider would: a stranger's inbox mail-bombed through signup, resend-verification and forgot-password, attacker text put into a platform mail to them, and addresses spelled outside ASCII that were accepted but never mailed.
"""Each attack runs at once (asyncio.gather of real requests from many client addresses against the real
database, with the platform's default limits) and a real worker then delivers mail to the local outbox; the
checks are what reached the stranger's mailbox, what the answers gave away, and never a 500 or a mail left
queued."""
from __future__ import annotations

import asyncio

import pytest

from tests.http.helpers import auth
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_booking_limits import fetch, from_ip
from tests.jobs.test_account_mail import FORGOT, RESEND, SIGNUP, SPAM, signup_body
from tests.jobs.test_account_mail import mailbox as delivered

BAIT = ("You won", "evil.example", "claim")


async def cap(db) -> int:
    [row] = await fetch(db, "select (value #>> '{}')::integer as n from app.platform_settings "
                            "where key = 'booking_emails_per_recipient_per_day'")
    return row["n"]


async def test_signups_resends_and_resets_together_cannot_mail_bomb_a_stranger(client, db, app):
    limit = await cap(db)

    async def signup_then_resend(i: int) -> list:
        async with from_ip(app, f"203.0.113.{i + 1}") as attacker:
            r = await attacker.post(SIGNUP, json=signup_body(f"Mail.Victim+{i}@gmail.com"))
            answers = [r]
            if r.status_code == 201:
                h = auth(r.json()["access_token"])
                answers += await asyncio.gather(*(attacker.post(RESEND, headers=h) for _ in range(7)))
            return answers

    async def forgot(i: int):
        async with from_ip(app, f"198.51.100.{i + 1}") as attacker:
            return await attacker.post(FORGOT, json={"email": f"mailvictim+r{i}@googlemail.com"})

    groups = await asyncio.gather(*(signup_then_resend(i) for i in range(4)), *(forgot(i) for i in range(10)))
    answers = [r for g in groups for r in (g if isinstance(g, list) else [g])]
    assert {r.status_code for r in answers} <= {201, 202, 429}, sorted(r.status_code for r in answers)
    assert all(r.headers["retry-after"].isdigit() for r in answers if r.status_code == 429)
    # Every spelling above is one Gmail mailbox: it got at most the day's mails, whatever the mix of requests.
    mails = await delivered(db, "%victim%")
    assert 0 < len(mails) <= limit, [m["email_type"] for m in mails]
    # A refused signup created nothing: one account per signup that was answered 201.
    [accounts] = await fetch(db, "select count(*) as n from app.consultants")
    assert accounts["n"] == sum(1 for g in groups if isinstance(g, list) and g[0].status_code == 201)
    [left] = await fetch(db, "select count(*) as n from app.email_logs where status <> 'sent'")
    assert left["n"] == 0


async def test_forgot_password_floods_answer_alike_for_known_and_unknown_addresses(client, db, app):
    limit = await cap(db)
    r = await client.post(SIGNUP, json=signup_body("owner@example.com"))  # its verification mail counts once
    assert r.status_code == 201, r.text
    assert (await client.post(FORGOT, json={"email": "nobody@example.com"})).status_code == 202  # the same count

    def spelling(email: str, i: int) -> str:
        # The first few ask about the address itself (under its own 5 an hour), the rest about +tagged spellings
        # of the same mailbox: the mailbox's day is what runs out.
        return email if i < 4 else email.replace("@", f"+{i}@")

    async def flood(email: str, net: str) -> list:
        async def one(i: int):
            async with from_ip(app, f"{net}.{i + 1}") as attacker:
                return await attacker.post(FORGOT, json={"email": spelling(email, i)})
        answers = await asyncio.gather(*(one(i) for i in range(limit + 3)))
        assert all(r.headers["retry-after"].isdigit() for r in answers if r.status_code == 429)
        return answers

    known, unknown = await asyncio.gather(flood("owner@example.com", "192.0.2"), flood("nobody@example.com", "192.0.3"))
    # Whether an account uses the address changes nothing an attacker sees: the same answers, as many of each.
    assert sorted((r.status_code, r.text) for r in known) == sorted((r.status_code, r.text) for r in unknown)
    assert sorted(r.status_code for r in known) == [202] * (limit - 1) + [429] * 4
    # The account's own address got a reset for each of its accepted requests; nothing passed the mailbox's day.
    resets = sum(1 for i, r in enumerate(known) if i < 4 and r.status_code == 202)
    mails = [m["email_type"] for m in await delivered(db, "owner%@example.com")]
    assert mails == ["verify_email"] + ["password_reset"] * resets and len(mails) <= limit
    assert await delivered(db, "nobody%@example.com") == []


@pytest.mark.parametrize("names", [SPAM, {"first_name": "Urgent: verify at", "last_name": "http://evil.example/claim"}])
async def test_names_typed_at_signup_never_reach_the_strangers_inbox(client, db, app, names):
    async def signup(i: int):
        async with from_ip(app, f"203.0.113.{100 + i}") as attacker:
            return await attacker.post(SIGNUP, json=signup_body(f"target+{i}@example.com", **names))

    answers = await asyncio.gather(*(signup(i) for i in range(3)))
    assert [r.status_code for r in answers] == [201] * 3
    for r in answers:
        assert (await client.post(RESEND, headers=auth(r.json()["access_token"]))).status_code == 202
        assert (await client.post(FORGOT, json={"email": r.json()["consultant"]["email"]})).status_code == 202
    mails = await delivered(db, "target%@example.com")
    assert sorted({m["email_type"] for m in mails}) == ["password_reset", "verify_email"]
    for mail in mails:
        text = " ".join(str(mail[k] or "") for k in ("to_name", "subject", "text_body", "html_body"))
        assert not any(b in text for b in BAIT), mail


async def test_a_free_booking_puts_no_typed_name_in_the_strangers_mail(client, db, app):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    free = await slots(client, c["slug"])
    body = booking(free[0]["slot_id"], email="booked@example.com")
    body["client"]["name"] = f"{SPAM['first_name']} {SPAM['last_name']}"
    async with from_ip(app, "203.0.113.200") as attacker:
        assert (await book(attacker, c["slug"], body)).status_code == 201
    [mail] = await delivered(db, "booked@example.com")
    text = " ".join(str(mail[k] or "") for k in ("to_name", "subject", "text_body", "html_body"))
    assert not any(b in text for b in BAIT), mail


@pytest.mark.parametrize("email, stored", [
    ("nutzer@bücher.example", "nutzer@xn--bcher-kva.example"),
    ("IDN@EXÄMPLE.org", "idn@xn--exmple-cua.org"),
    ("user@例え.jp", "user@xn--r8jz45g.jp"),
    ("nützer@example.com", None),
    ("用户@example.com", None),
    ("x@exämple.org\u200b", None),
])
async def test_addresses_outside_ascii_are_mailed_in_their_ascii_form_or_refused(client, db, app, email, stored):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    free = await slots(client, c["slug"])
    async with from_ip(app, "203.0.113.210") as visitor:
        signed = await visitor.post(SIGNUP, json=signup_body(email))
        booked = await book(visitor, c["slug"], booking(free[0]["slot_id"], email=email))
    if stored is None:
        assert signed.status_code == booked.status_code == 422, (signed.text, booked.text)
        assert signed.json()["error"]["field"] == "email" and booked.json()["error"]["field"] == "client.email"
        [made] = await fetch(db, "select (select count(*) from app.consultants) as consultants, "
                                 "(select count(*) from app.clients) as clients")
        assert (made["consultants"], made["clients"]) == (1, 0)  # the page's own consultant only
    else:
        assert (signed.status_code, booked.status_code) == (201, 201), (signed.text, booked.text)
        assert signed.json()["consultant"]["email"] == booked.json()["client"]["email"] == stored
        assert {m["email_type"] for m in await delivered(db, stored)} == {"verify_email", "session_confirmation"}
    # Whatever was accepted was sent: nothing left queued, nothing failed.
    await delivered(db, "%")
    [left] = await fetch(db, "select count(*) as n from app.email_logs where status <> 'sent'")
    assert left["n"] == 0

# Test: pytest tests/fuzz/test_abuse_mail.py
