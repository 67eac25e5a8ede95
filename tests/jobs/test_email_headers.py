# tests/jobs/test_email_headers.py — a name a client types can never add a recipient or a header: mail to it goes to exactly one address (the Resend SDK against the fake Resend API).
"""Found from outside (issue 16): the recipient was built as f"{name} <{email}>", so a booking under the name
`Evil, <x@evil.example>\r\nBcc: y@evil.example` split into several addresses at the provider. Now the
display name is quoted by email.utils.formataddr with its control characters removed, subjects lose theirs,
and an address carrying any is refused (the email fails for good, with its reason)."""
from __future__ import annotations

from email.utils import getaddresses

from app.adapters.email import InvalidRecipient, header_text, recipient
from tests.http.test_booking import PUBLIC, approved_consultant, every_day, slots
from tests.jobs.test_outbox import owner, queue, run_worker
from tests.jobs.test_resend import resend_api  # noqa: F401  (the fixture)

EVIL = "Evil, <x@evil.example>\r\nBcc: y@evil.example"


def addresses(to: list[str]) -> list[str]:
    return [addr for _, addr in getaddresses(to)]


async def test_a_booking_under_a_hostile_name_mails_exactly_one_recipient(client, db, resend_api):  # noqa: F811
    c = await approved_consultant(client, db, price="0", rules=every_day())
    slot = (await slots(client, c["slug"]))[0]
    # A name with a line break in it is refused at the door now (one-line text is printable, app/schemas.py) ...
    r = await client.post(f"{PUBLIC}/{c['slug']}/bookings", json={
        "slot_id": slot["slot_id"], "session_type": "personal",
        "client": {"name": EVIL, "email": "client@example.com"}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "client.name", r.text
    # ... and one that still reads like addresses on one line goes to exactly one recipient.
    r = await client.post(f"{PUBLIC}/{c['slug']}/bookings", json={
        "slot_id": slot["slot_id"], "session_type": "personal",
        "client": {"name": EVIL.replace("\r\n", " "), "email": "client@example.com"}})
    assert r.status_code == 201, r.text
    await run_worker(db)
    sent = [req["body"] for req in resend_api.requests]
    to_client = [b for b in sent if "client@example.com" in " ".join(b["to"])]
    assert to_client, sent
    for body in sent:
        # One recipient per message, and no header smuggled in through the name or the subject.
        assert len(body["to"]) == 1 and len(addresses(body["to"])) == 1, body["to"]
        assert not any(ch in body["to"][0] + body["subject"] for ch in "\r\n\x00"), body
    assert {addresses(b["to"])[0] for b in to_client} == {"client@example.com"}
    assert "evil.example" not in " ".join(addresses([b["to"][0] for b in sent]))


def test_the_recipient_is_one_address_whatever_the_name():
    assert recipient("Asha Verma", "asha@example.com") == "Asha Verma <asha@example.com>"
    assert recipient(None, "asha@example.com") == "asha@example.com"
    for name in (EVIL, "a,b <c@d.e>", "x\x00y", "\u2028Bcc: z@evil.example", '"quoted" \\ name'):
        to = recipient(name, "client@example.com")
        assert addresses([to]) == ["client@example.com"], to
        assert not any(ch in to for ch in "\r\n\x00\u2028")
    for bad in ("a@b.c\r\nBcc: y@evil.example", "a@b.c, y@evil.example", "Evil <y@evil.example>", "a\x00@b.c", ""):
        try:
            recipient("Name", bad)
        except InvalidRecipient:
            continue
        raise AssertionError(f"{bad!r} accepted as an address")
    assert header_text("Booked:\r\nBcc: y@evil.example\x00 now") == "Booked: Bcc: y@evil.example now"


async def test_an_address_with_control_characters_fails_for_good_with_its_reason(db, resend_api):  # noqa: F811
    conn = await owner(db)
    try:
        log_id = await queue(conn)
        # Stored behind the API's back (the API's email check refuses it; the table's own check refuses
        # whitespace, so CR and LF, but not every control character): the sender must refuse it too.
        await conn.execute("update app.email_logs set recipient_email = 'a' || chr(1) || 'b@evil.example' "
                           "where id = $1", log_id)
        await run_worker(db)
        row = await conn.fetchrow("select status, error_message from app.email_logs where id = $1", log_id)
        assert row["status"] == "failed" and "address" in row["error_message"], dict(row)
        assert resend_api.requests == []
    finally:
        await conn.close()

# Test: pytest tests/jobs/test_email_headers.py
