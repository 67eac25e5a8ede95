# tests/jobs/test_account_mail.py — the account mails an anonymous caller can make the platform send to an address they typed (signup's and resend's verification, password reset): counted against the mailbox's daily cap, and never carrying the text they chose, counted in the outbox after a real worker ran.
"""Found from outside (issue 16): two signups as `mailvictim+0@` and `mailvictim+1@`, each followed by seven
resends, put twelve verification mails in a stranger's mailbox within a minute; the names typed at signup were
the greeting of a platform mail to that stranger. Every such mail now counts against
`booking_emails_per_recipient_per_day` (one cap per mailbox, however the address is spelled), a request past it
is a 429 with Retry-After that creates nothing, and a mail to an address nobody has proven greets nobody by a
typed name."""
from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

from tests.http.helpers import PASSWORD, auth, make_admin, mark_email_verified, signup_consultant
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_booking_limits import fetch, from_ip, retry_after, set_limits
from tests.http.test_pages import HTML, csrf_of
from tests.http.test_payments import run_jobs
from tests.jobs.test_outbox import owner, run_worker

SIGNUP = "/api/v1/auth/signup"
RESEND = "/api/v1/auth/resend-verification"
FORGOT = "/api/v1/auth/forgot-password"
SPAM = {"first_name": "You won 50000 INR, claim at", "last_name": "evil.example/claim now"}


def signup_body(email: str, **names: str) -> dict:
    return {"email": email, "password": PASSWORD, "first_name": names.get("first_name", "Mira"),
            "last_name": names.get("last_name", "Rao"), "phone_country_code": "+91", "phone_number": "9876543210"}


async def mailbox(db, pattern: str) -> list[dict]:
    """Run the mail worker, then every message the local outbox delivered to addresses like `pattern`."""
    await run_jobs(db, queues=("emails",))
    rows = await fetch(db, "select l.email_type, o.to_email::text, o.to_name, o.subject, o.text_body, o.html_body "
                           "from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
                           "where o.to_email like $1 order by o.created_at, o.id", pattern)
    return [dict(r) for r in rows]


async def count(db, sql: str, *args) -> int:
    [row] = await fetch(db, sql, *args)
    return row[0]


# --- item 1: one daily cap per mailbox for every anonymous account mail --------------------------------------------

async def test_signups_and_resends_to_one_mailbox_stop_at_its_daily_cap(client, db, app):
    # The reproduction: two signups as mailvictim+0@ and +1@, each followed by seven resends (resend is limited per
    # account and per IP, nothing per mailbox), each account from its own address. Twelve mails reached the
    # stranger; now the day's cap, then 429s.
    [cap] = [r["n"] for r in await fetch(db, "select (value #>> '{}')::integer as n from app.platform_settings "
                                             "where key = 'booking_emails_per_recipient_per_day'")]
    answers = []
    for i in range(2):
        async with from_ip(app, f"203.0.113.{40 + i}") as attacker:
            r = await attacker.post(SIGNUP, json=signup_body(f"mailvictim+{i}@example.com"))
            assert r.status_code == 201, r.text
            answers.append(r)
            h = auth(r.json()["access_token"])
            answers += [await attacker.post(RESEND, headers=h) for _ in range(7)]
    mails = await mailbox(db, "mailvictim%@example.com")
    assert [m["email_type"] for m in mails] == ["verify_email"] * cap
    assert sum(1 for r in answers if r.status_code in (201, 202)) == cap
    refused = [r for r in answers if r.status_code not in (201, 202)]
    assert {r.status_code for r in refused} == {429} and all(retry_after(r) for r in refused)
    # Past the cap it is the mailbox that is full, not the account's resends.
    assert any(r.json()["error"]["code"] == "rate_limited" and "today" in r.json()["error"]["message"] for r in refused)


async def test_a_signup_past_the_cap_creates_no_account(client, db, app):
    await set_limits(db, booking_emails_per_recipient_per_day=1)
    first = await client.post(SIGNUP, json=signup_body("victim+a@example.com"))
    assert first.status_code == 201, first.text
    async with from_ip(app, "198.51.100.77") as attacker:
        r = await attacker.post(SIGNUP, json=signup_body("Victim+b@Example.com"))
    assert r.status_code == 429 and retry_after(r) <= 86400, r.text
    assert r.json()["error"]["code"] == "rate_limited"
    # Nothing of the refused signup exists: no account, no session, no token, no mail.
    assert await count(db, "select count(*) from app.consultants") == 1
    assert await count(db, "select count(*) from app.refresh_token_families") == 1
    assert await count(db, "select count(*) from app.one_time_tokens") == 1
    assert await count(db, "select count(*) from app.email_logs") == 1
    # The address is free to sign up tomorrow (or once an admin raises the cap).
    await set_limits(db, booking_emails_per_recipient_per_day=2)
    async with from_ip(app, "198.51.100.78") as later:
        assert (await later.post(SIGNUP, json=signup_body("victim+b@example.com"))).status_code == 201


async def test_racing_signups_to_one_mailbox_never_pass_the_cap(client, db, app):
    await set_limits(db, booking_emails_per_recipient_per_day=3)

    async def attempt(i: int):
        async with from_ip(app, f"203.0.113.{i + 1}") as attacker:
            return await attacker.post(SIGNUP, json=signup_body(f"race+{i}@example.com"))

    codes = sorted(r.status_code for r in await asyncio.gather(*(attempt(i) for i in range(8))))
    assert codes == [201] * 3 + [429] * 5, codes
    assert await count(db, "select count(*) from app.consultants") == 3
    assert len(await mailbox(db, "race%@example.com")) == 3


async def test_forgot_password_counts_the_mailbox_whether_or_not_an_account_uses_it(client, db, app):
    await set_limits(db, booking_emails_per_recipient_per_day=3)
    await signup_consultant(client, email="known@example.com")  # its verification mail is the first of three

    async def forgot(ip: str, email: str):
        async with from_ip(app, ip) as c:
            return await c.post(FORGOT, json={"email": email})

    # A known address and an unknown one get the same answers in the same order: 202 while the mailbox has room
    # (an unknown address counts too, though nothing is sent), then 429 alike.
    known = [await forgot(f"192.0.2.{i}", e) for i, e in enumerate(["known@example.com", "known+x@example.com",
                                                                   "known@example.com"], 1)]
    await forgot("192.0.2.50", "nobody@example.com")  # the unknown address's mailbox at the same count
    unknown = [await forgot(f"192.0.2.{10 + i}", e) for i, e in enumerate(["nobody@example.com", "nobody+x@example.com",
                                                                          "nobody@example.com"], 1)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [202, 202, 429]
    assert [r.json() for r in known] == [r.json() for r in unknown]
    assert {k for r in known for k in r.headers} == {k for r in unknown for k in r.headers}
    mails = await mailbox(db, "known%@example.com")
    assert [m["email_type"] for m in mails] == ["verify_email", "password_reset"]
    assert await mailbox(db, "nobody%@example.com") == []


async def test_resend_verification_past_the_cap_keeps_the_earlier_link(client, db):
    await set_limits(db, booking_emails_per_recipient_per_day=2)
    c = await signup_consultant(client, email="slow@example.com")
    h = auth(c["access_token"])
    assert (await client.post(RESEND, headers=h)).status_code == 202
    r = await client.post(RESEND, headers=h)
    assert r.status_code == 429 and retry_after(r), r.text
    # The refused resend spent no link: the one mailed last still works.
    assert await count(db, "select count(*) from app.one_time_tokens where used_at is null") == 1
    assert [m["email_type"] for m in await mailbox(db, "slow@example.com")] == ["verify_email"] * 2


async def test_the_signup_page_past_the_cap_is_a_429_page_that_creates_nothing(client, db):
    await set_limits(db, booking_emails_per_recipient_per_day=1)
    await signup_consultant(client, email="page@example.com")
    form = await client.get("/auth/signup", headers=HTML)
    r = await client.post("/auth/signup", headers=HTML, data={
        "csrf_token": csrf_of(form.text), **signup_body("page+2@example.com")})
    assert r.status_code == 429 and "text/html" in r.headers["content-type"] and retry_after(r)
    assert await count(db, "select count(*) from app.consultants") == 1


# --- item 2: no text the requester chose in mail to an address nobody has proven -------------------------------------

def shows_spam(mail: dict) -> bool:
    text = " ".join(str(mail[k] or "") for k in ("to_name", "subject", "text_body", "html_body"))
    return "You won" in text or "evil.example" in text or "claim" in text


async def test_the_verification_mail_greets_nobody_by_the_typed_name(client, db):
    r = await client.post(SIGNUP, json=signup_body("stranger@example.com", **SPAM))
    assert r.status_code == 201, r.text
    assert (await client.post(RESEND, headers=auth(r.json()["access_token"]))).status_code == 202
    mails = await mailbox(db, "stranger@example.com")
    assert [m["email_type"] for m in mails] == ["verify_email"] * 2
    for mail in mails:
        assert not shows_spam(mail), mail
        assert mail["to_name"] is None
        assert mail["text_body"].startswith("Hello,\n"), mail["text_body"]


async def test_a_password_reset_greets_by_name_only_once_the_address_is_proven(client, db):
    c = await signup_consultant(client, email="unproven@example.com", **SPAM)
    assert (await client.post(FORGOT, json={"email": "unproven@example.com"})).status_code == 202
    [_, reset] = await mailbox(db, "unproven@example.com")
    assert reset["email_type"] == "password_reset" and not shows_spam(reset) and reset["to_name"] is None
    await mark_email_verified(db, c["consultant"]["id"])
    assert (await client.post(FORGOT, json={"email": "unproven@example.com"})).status_code == 202
    proven = (await mailbox(db, "unproven@example.com"))[-1]
    # Their own name, to their own proven address: no stranger reads it.
    assert proven["email_type"] == "password_reset" and proven["to_name"] == f"{SPAM['first_name']} {SPAM['last_name']}"


async def test_a_rejection_to_an_unproven_address_carries_no_typed_name(client, db):
    c = await signup_consultant(client, email="rejected@example.com", **SPAM)
    admin = await make_admin(db, client)
    r = await client.post(f"/api/v1/admin/consultants/{c['consultant']['id']}/reject", headers=auth(admin),
                          json={"reason": "Spam signup"})
    assert r.status_code == 200, r.text
    mails = await mailbox(db, "rejected@example.com")
    assert [m["email_type"] for m in mails] == ["verify_email", "account_rejected"]
    assert not any(shows_spam(m) for m in mails), mails


async def test_a_public_bookings_client_mail_does_not_echo_the_typed_name(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    slot = (await slots(client, c["slug"]))[0]
    name = f"{SPAM['first_name']} {SPAM['last_name']}"
    body = booking(slot["slot_id"], email="booked@example.com")
    body["client"]["name"] = name
    r = await book(client, c["slug"], body)
    assert r.status_code == 201, r.text
    [confirmation] = await mailbox(db, "booked@example.com")
    assert confirmation["email_type"] == "session_confirmation"
    assert not shows_spam(confirmation) and confirmation["to_name"] is None, confirmation
    assert confirmation["text_body"].startswith("Hello,\n")
    # The consultant is told who booked, as data about the booking.
    [told] = [m for m in await mailbox(db, "%") if m["email_type"] == "session_booked"]
    assert name in told["text_body"]


async def test_a_client_the_consultant_booked_is_greeted_by_the_name_the_consultant_typed(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    start = datetime.now(UTC) + timedelta(days=3)
    r = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client": {"name": "Kavya Iyer", "email": "kavya@example.com"}, "session_type": "personal",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "amount": "0"})
    assert r.status_code == 201, r.text
    later = start + timedelta(days=1)
    moved = await client.post(f"/api/v1/sessions/{r.json()['id']}/reschedule", headers=c["headers"], json={
        "starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    # Both the confirmation of the offline booking and the notice of its new time greet the name typed.
    mails = await mailbox(db, "kavya@example.com")
    assert sorted(m["email_type"] for m in mails) == ["session_confirmation", "session_rescheduled"]
    for mail in mails:
        assert mail["to_name"] == "Kavya Iyer" and mail["text_body"].startswith("Hello Kavya Iyer,")


# --- item 3: one ASCII form of an address; an address that cannot be mailed fails with its reason -------------------

async def test_an_idn_signup_is_stored_in_ascii_mailed_and_can_verify(client, db):
    r = await client.post(SIGNUP, json=signup_body("Nutzer@Bücher.example"))
    assert r.status_code == 201, r.text
    assert r.json()["consultant"]["email"] == "nutzer@xn--bcher-kva.example"
    [mail] = await mailbox(db, "nutzer@xn--bcher-kva.example")
    assert mail["email_type"] == "verify_email"
    assert await count(db, "select count(*) from app.email_logs where status = 'sent'") == 1
    token = re.search(r"token=([A-Za-z0-9_\-]+)", mail["text_body"]).group(1)
    v = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert v.status_code == 200 and v.json()["consultant"]["is_email_verified"] is True
    # Both spellings are one account.
    again = await client.post(SIGNUP, json=signup_body("nutzer@xn--bcher-kva.example"))
    assert again.status_code == 409, again.text


async def test_a_non_ascii_local_part_is_refused_with_a_clear_422(client, db):
    r = await client.post(SIGNUP, json=signup_body("nützer@example.com"))
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == "email" and "ASCII" in err["message"], err
    assert await count(db, "select count(*) from app.consultants") == 0


async def test_an_idn_booking_is_mailed_and_both_spellings_share_one_allowance(client, db, app):
    await set_limits(db, booking_emails_per_recipient_per_day=1)
    c = await approved_consultant(client, db, price="0", rules=every_day())
    free = await slots(client, c["slug"])
    r = await book(client, c["slug"], booking(free[0]["slot_id"], email="idnv@exämple.org"))
    assert r.status_code == 201, r.text
    assert r.json()["client"]["email"] == "idnv@xn--exmple-cua.org"
    async with from_ip(app, "198.51.100.91") as other:
        again = await book(other, c["slug"], booking(free[1]["slot_id"], email="IDNV@xn--exmple-cua.org"))
    assert again.status_code == 429, again.text
    [mail] = await mailbox(db, "idnv@xn--exmple-cua.org")
    assert mail["email_type"] == "session_confirmation"
    assert await count(db, "select count(*) from app.email_logs where status = 'queued'") == 0


async def test_a_stored_address_that_cannot_be_mailed_fails_with_a_plain_reason(db):
    # Rows written before addresses had one ASCII form (or behind the API's back): the worker ends them failed,
    # with a reason, instead of a traceback and a row queued for ever.
    conn = await owner(db)
    try:
        ids = [await conn.fetchval("select app_private.queue_email('verify_email', $1, 'Asha Verma', $2)", email,
                                   {"verify_url": "https://nakksha.test/v?token=x", "valid_hours": 24})
               for email in ("legacy@exämple.org", "nützer@example.org")]
        await run_worker(db)
        rows = await conn.fetch("select status, error_message from app.email_logs where id = any($1::uuid[])", ids)
        assert [r["status"] for r in rows] == ["failed", "failed"], [dict(r) for r in rows]
        assert all(r["error_message"].startswith("address refused:") and "ASCII" in r["error_message"] for r in rows)
        jobs = await conn.fetch("select status from procrastinate_jobs where task_name = 'send_email'")
        assert {j["status"] for j in jobs} == {"succeeded"}
        assert await conn.fetchval("select count(*) from app.email_outbox") == 0
    finally:
        await conn.close()


# Test: pytest tests/jobs/test_account_mail.py
