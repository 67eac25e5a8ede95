# tests/db/test_account_mail_limits.py — the SQL rules for account mails anyone can ask for with a typed address (signup, resend, password reset): counted against the mailbox's day, refused past it with nothing written, and addresses kept in one ASCII form; called as the app role.
from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta

import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate
from tests.db.test_anonymous_mail_limits import fill_mailbox

SIGNUP = ("select api.signup_consultant($1, 'h', 'Mira', 'Rao', '+91', '9876543210', $2, now() + interval '30 days', "
          "$3, 'cipher')")


def digest(tag: str) -> bytes:
    return hashlib.sha256(tag.encode() + os.urandom(8)).digest()


async def rows(owner, table: str) -> int:
    return await owner.fetchval(f"select count(*) from app.{table}")


async def test_a_signup_to_a_full_mailbox_is_refused_with_retry_after_and_writes_nothing(db, owner):
    await fill_mailbox(owner, "Full+old@example.com")
    app = await db.connect("app")
    try:
        err = await raises_sqlstate(app, "NK429", SIGNUP, "full+new@example.com", digest("rt"), digest("ev"),
                                    message="rate_limited")
        assert err.hint.startswith("retry_after:") and 1 <= int(err.hint.split(":")[1]) <= 86400
        # Another mailbox is not touched by it.
        assert await app.fetchval(SIGNUP, "other@example.com", digest("rt"), digest("ev"))
    finally:
        await app.close()
    assert await owner.fetchval("select array_agg(email::text) from app.consultants") == ["other@example.com"]
    assert await rows(owner, "one_time_tokens") == await rows(owner, "refresh_token_families") == 1
    assert await rows(owner, "email_logs") == 1


async def test_the_verification_mail_at_signup_counts_and_carries_no_typed_name(db, owner):
    app = await db.connect("app")
    try:
        await app.fetchval(SIGNUP, "counted@example.com", digest("rt"), digest("ev"))
    finally:
        await app.close()
    hits = await owner.fetchval("select hits from app.rate_limit_hits where bucket = "
                                "app_private.recipient_mail_bucket('counted+any@example.com')")
    assert hits == 1
    log = await owner.fetchrow("select recipient_name, template_data::text from app.email_logs")
    assert log["recipient_name"] is None and "Mira" not in log["template_data"]


async def test_a_password_reset_counts_the_mailbox_whether_or_not_an_account_uses_it(db, owner):
    await factories.consultant(owner, email="known@example.com")
    app = await db.connect("app")
    try:
        for email in ("known@example.com", "unknown@example.com"):
            await app.execute("select api.request_password_reset($1, $2, 'cipher')", email, digest("pr"))
        counts = await owner.fetch("select bucket, hits from app.rate_limit_hits order by bucket")
        assert sorted(c["hits"] for c in counts) == [1, 1] and len(counts) == 2
        assert await rows(owner, "email_logs") == 1
        # Full: both refused alike, and the known account gets no token.
        await fill_mailbox(owner, "known@example.com")
        await fill_mailbox(owner, "unknown@example.com")
        for email in ("known@example.com", "unknown@example.com"):
            await raises_sqlstate(app, "NK429", "select api.request_password_reset($1, $2, 'cipher')", email,
                                  digest("pr"), message="rate_limited")
    finally:
        await app.close()
    assert await rows(owner, "one_time_tokens") == 1 and await rows(owner, "email_logs") == 1


async def test_a_resend_to_a_full_mailbox_keeps_the_earlier_link(db, owner):
    cid = await factories.consultant(owner, email="pending@example.com", approved=False, is_email_verified=False,
                                     email_verified_at=None)
    first = digest("ev")
    await owner.execute("insert into app.one_time_tokens (consultant_id, purpose, token_hash, email, expires_at) "
                        "values ($1, 'verify_email', $2, 'pending@example.com', now() + interval '1 day')", cid, first)
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true)", str(cid))
            await app.execute("select api.resend_verification($1, 'cipher')", digest("ev"))
        await fill_mailbox(owner, "pending@example.com")
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true)", str(cid))
            await raises_sqlstate(app, "NK429", "select api.resend_verification($1, 'cipher')", digest("ev"),
                                  message="rate_limited")
    finally:
        await app.close()
    assert await owner.fetchval("select count(*) from app.one_time_tokens where used_at is null") == 1
    assert await owner.fetchval("select count(*) from app.email_logs where email_type = 'verify_email'") == 1


@pytest.mark.parametrize("constraint, insert", [
    ("consultants_email_ascii",
     "insert into app.consultants (email, first_name, last_name, slug) values ($1, 'A', 'B', 'ascii-x')"),
    ("admins_email_ascii", "insert into app.admins (email, name, password_hash) values ($1, 'A', 'h')"),
    ("clients_email_ascii", "insert into app.clients (consultant_id, name, email) values ({cid}, 'A', $1)"),
    ("quotations_client_email_ascii",
     "insert into app.quotations (consultant_id, client_name, client_email, quotation_name, base_amount) "
     "values ({cid}, 'A', $1, 'Q', 100)"),
])
async def test_tables_keep_addresses_in_their_ascii_form(owner, constraint, insert):
    cid = await factories.consultant(owner)
    sql = insert.replace("{cid}", f"'{cid}'")
    for email in ("x@exämple.org", "nützer@example.org", "x@例え.jp"):
        await raises_sqlstate(owner, "23514", sql, email, constraint=constraint)
    # Every printable ASCII address still goes in, IDNA domains included.
    async with owner.transaction():
        await owner.execute(sql, "o'brien+x~y@xn--exmple-cua.org")


async def test_a_sessions_typed_address_is_ascii_too(owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    sid = await factories.session(owner, cid, client, starts_at=datetime.now(UTC) + timedelta(days=2))
    await raises_sqlstate(owner, "23514", "update app.sessions set client_email = 'x@exämple.org' where id = $1", sid,
                          constraint="sessions_client_email_ascii")

# Test: pytest tests/db/test_account_mail_limits.py
