# tests/db/test_erasure.py — anonymising a client in SQL: what the patterns match, the quotation guard's one exception, other tenants untouched, no mail to .invalid.
from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from tests.db import factories


async def redact(owner, text: str) -> str:
    return await owner.fetchval(
        "select app_private.redact_text($1, r.patterns, r.replacements) from app_private.redaction("
        "array['Ravi.K@Example.com'], array['Ravi  Kumar'], array['+91-98450 12345'], 'anon@x.invalid') r", text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Mail ravi.k@example.com now", "Mail anon@x.invalid now"),              # any case
    ("RAVI KUMAR said", "Anonymised client said"),                          # any case and spacing
    ("Ravi\tKumar", "Anonymised client"),
    ("Ravindra Kumaraswamy", "Ravindra Kumaraswamy"),                       # never a piece of another word
    ("call 98450 12345 or +919845012345 or 98450-12345", "call [phone erased] or [phone erased] or [phone erased]"),
    ("order 1984501234567", "order 1984501234567"),                         # digits inside a longer number stay
    ("Ravi alone", "Ravi alone"),                                           # a first name alone is not the name
])
async def test_the_patterns_find_the_person_and_nothing_else(owner, text, expected):
    assert await redact(owner, text) == expected


async def test_json_values_are_rewritten_and_keys_and_shape_kept(owner):
    doc = await owner.fetchval(
        "select app_private.redact_jsonb($1::jsonb, r.patterns, r.replacements) from app_private.redaction("
        "array['x@example.com'], array['Kumar'], '{}', 'anon@x.invalid') r",
        '{"Kumar": ["Kumar", 2, {"to": "X@example.com", "n": null}], "ok": true}')
    assert doc == '{"ok": true, "Kumar": ["Anonymised client", 2, {"n": null, "to": "anon@x.invalid"}]}'


async def test_a_sent_quotation_changes_only_to_erase_an_anonymised_clients_data(db, owner):
    cid = await factories.consultant(owner)
    client_id = await factories.client(owner, cid, email="quoted@example.com")
    qid = await factories.quotation(owner, cid, client_id=client_id, client_email="quoted@example.com",
                                    status="sent", sent_at=datetime.now(UTC), public_token_hash=b"h" * 32)
    with pytest.raises(asyncpg.PostgresError) as err:
        await owner.execute("update app.quotations set client_name = 'Someone' where id = $1", qid)
    assert err.value.sqlstate == "NK409" and err.value.message == "quotation_not_editable"
    await owner.execute("update app.clients set anonymised_at = now() where id = $1", client_id)
    await owner.execute("update app.quotations set client_name = 'Anonymised client', notes = null where id = $1", qid)
    # Even then, the terms of a sent quotation never change.
    with pytest.raises(asyncpg.PostgresError) as err:
        await owner.execute("update app.quotations set base_amount = 1 where id = $1", qid)
    assert err.value.sqlstate == "NK409"


async def test_another_consultants_client_with_the_same_address_keeps_everything(db, owner):
    mine, theirs = await factories.consultant(owner), await factories.consultant(owner)
    shared = "shared.person@example.com"
    my_client = await factories.client(owner, mine, email=shared)
    their_client = await factories.client(owner, theirs, email=shared)
    for consultant, client in ((mine, my_client), (theirs, their_client)):
        await factories.email_log(owner, consultant, email_type="session_confirmation", recipient_email=shared,
                                  recipient_name="A Client", client_id=client, status="sent",
                                  sent_at=datetime.now(UTC), subject="For A Client")
        await factories.quotation(owner, consultant, client_id=client, client_email=shared, client_name="A Client")
    await owner.execute("insert into app.email_suppressions (email, reason) values ($1, 'bounced')", shared)
    app = await db.connect("app")
    try:
        async with app.transaction():  # as the app sets the caller
            await app.execute("select set_config('app.consultant_id', $1, true)", str(mine))
            await app.fetchval("select api.anonymise_client($1, null)", my_client)
    finally:
        await app.close()
    kept = await owner.fetch("select consultant_id, recipient_email::text, recipient_name, subject from app.email_logs "
                             "order by consultant_id = $1", mine)
    assert [tuple(r)[1:] for r in kept] == [(shared, "A Client", "For A Client"),
                                            (f"anonymised-{my_client.hex}@anonymised.invalid", "Anonymised client",
                                             "For Anonymised client")]
    assert await owner.fetchval("select client_email::text from app.quotations where consultant_id = $1", theirs) == shared
    # Their client still has the address: its suppression stays.
    assert await owner.fetchval("select count(*) from app.email_suppressions") == 1


async def anonymise(db, consultant, client) -> dict:
    app = await db.connect("app")
    try:
        async with app.transaction():  # as the app sets the caller
            await app.execute("select set_config('app.consultant_id', $1, true)", str(consultant))
            return await app.fetchval("select api.anonymise_client($1, null)::text", client)
    finally:
        await app.close()


async def test_a_name_a_visitor_typed_that_matches_a_code_cannot_block_erasure(db, owner):
    # Anyone may book with a client's email and type any name: "Confirmed" once made the rewrite of the session's
    # status column fail its transition guard, so the client could never be anonymised.
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid, email="typed@example.com")
    sid = await factories.session(owner, cid, client, status="confirmed")
    await owner.execute("update app.sessions set client_name = 'Confirmed', client_email = 'typed@example.com', "
                        "title = 'Confirmed session with Confirmed' where id = $1", sid)
    assert "Anonymised client" in await anonymise(db, cid, client)
    row = await owner.fetchrow("select status, client_name, client_email::text, title from app.sessions where id = $1", sid)
    assert row["status"] == "confirmed" and row["client_name"] == "Anonymised client"
    assert row["client_email"].endswith("@anonymised.invalid") and "Confirmed" not in row["title"]


async def test_anonymising_touches_no_one_elses_limits_suppressions_or_jobs(db, owner):
    # A consultant could add a client whose address is (part of) an admin's, then anonymise it: that once wiped
    # the admin's sign-in failure counters (a distributed guess at a super admin's password, reset at will),
    # lifted a suppression another consultant's mail had caused, and rewrote every tenant's queued jobs.
    mine, theirs = await factories.consultant(owner), await factories.consultant(owner)
    app = await db.connect("app")
    try:
        for ip in ("198.51.100.1", "198.51.100.2"):
            await app.fetchval("select api.begin_sign_in('admin', 'boss@example.com', $1)", ip)
    finally:
        await app.close()
    counters = await owner.fetchval("select count(*) from app.rate_limit_hits")
    assert counters >= 3
    their_client = await factories.client(owner, theirs, email="ss@example.com")
    log = await factories.email_log(owner, theirs, email_type="session_confirmation", recipient_email="ss@example.com",
                                    recipient_name="Ss", client_id=their_client, status="sent",
                                    sent_at=datetime.now(UTC), subject="Hi")
    await owner.execute("insert into app.email_suppressions (email, reason, email_log_id) values "
                        "('ss@example.com', 'complained', $1)", log)
    await owner.execute("update app.clients set anonymised_at = now(), email = 'gone@anonymised.invalid' "
                        "where id = $1", their_client)  # theirs is gone; only the suppression stands for the address
    job = await owner.fetchval("select app_private.defer_job('send_email', '{\"note\": \"ss@example.com\"}', 'emails')")
    my_client = await factories.client(owner, mine, email="ss@example.com")
    await anonymise(db, mine, my_client)
    assert await owner.fetchval("select count(*) from app.rate_limit_hits") == counters
    assert await owner.fetchval("select count(*) from app.email_suppressions where email = 'ss@example.com'") == 1
    assert await owner.fetchval("select args->>'note' from procrastinate_jobs where id = $1", job) == "ss@example.com"


async def test_no_mail_is_queued_to_an_address_under_invalid(db, owner):
    cid = await factories.consultant(owner)
    queued = await owner.fetchval("select app_private.queue_email('session_reminder', "
                                  "'anonymised-abc@anonymised.invalid', 'Anonymised client', '{}', $1)", cid)
    assert queued is None
    assert await owner.fetchval("select count(*) from app.email_logs") == 0
    assert await owner.fetchval("select count(*) from procrastinate_jobs") == 0

# Test: pytest tests/db/test_erasure.py
