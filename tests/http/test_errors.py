# tests/http/test_errors.py — SQL errors raised by real statements map to the one error shape and the right HTTP status.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from starlette.requests import Request
from starlette.routing import Route

import app.sql
from app.errors import CONSTRAINTS, ApiError, from_postgres, load_constraints
from tests.db import factories
from tests.http.conftest import make_app


@pytest.fixture
async def owner(db):
    conn = await db.connect("owner")
    await load_constraints(conn)
    try:
        yield conn
    finally:
        await conn.close()


async def pg_error(conn: asyncpg.Connection, sql: str, *args) -> asyncpg.PostgresError:
    """Run a statement that must fail, and return the database's own error."""
    with pytest.raises(asyncpg.PostgresError) as info:
        await conn.execute(sql, *args)
    return info.value


async def mapped(conn: asyncpg.Connection, sql: str, *args) -> tuple[asyncpg.PostgresError, ApiError]:
    exc = await pg_error(conn, sql, *args)
    err = from_postgres(exc)
    assert err is not None, f"{exc.sqlstate} {exc!r} was not mapped"
    return exc, err


def shape(err: ApiError) -> tuple[int, str, str | None]:
    return err.status, err.code, err.field


# --- unique (23505) ---------------------------------------------------------------------------------------

async def test_duplicate_consultant_email_is_409_email_taken(owner):
    await factories.consultant(owner, email="dup@example.com")
    exc, err = await mapped(
        owner, "insert into app.consultants (email, password_hash, first_name, last_name, slug) "
               "values ('dup@example.com', $1, 'A', 'B', 'another-page')", factories.BCRYPT_DUMMY)
    assert exc.sqlstate == "23505"
    assert shape(err) == (409, "email_taken", "email")
    assert err.message and "dup@example.com" not in err.message


async def test_duplicate_consultant_slug_is_409_slug_taken(owner):
    await factories.consultant(owner, slug="asha-rao")
    _, err = await mapped(
        owner, "insert into app.consultants (email, password_hash, first_name, last_name, slug) "
               "values ('other@example.com', $1, 'A', 'B', 'asha-rao')", factories.BCRYPT_DUMMY)
    assert shape(err) == (409, "slug_taken", "slug")


async def test_duplicate_admin_email_is_409(owner):
    insert = ("insert into app.admins (email, password_hash, name) values ('boss@example.com', $1, 'Boss')")
    await owner.execute(insert, factories.BCRYPT_DUMMY)
    exc, err = await mapped(owner, insert, factories.BCRYPT_DUMMY)
    assert exc.sqlstate == "23505" and exc.constraint_name == "admins_email_key"
    assert shape(err) == (409, "email_taken", "email")


async def test_unique_without_product_code_names_its_column(owner):
    """A unique constraint with no entry of its own still names the field, from the catalogue."""
    fam = await factories.refresh_token_family(owner, admin_id=await factories.admin(owner))
    token = b"\x01" * 32
    insert = "insert into app.refresh_tokens (family_id, token_hash, expires_at) values ($1, $2, now() + interval '1 day')"
    await owner.execute(insert, fam, token)
    exc, err = await mapped(owner, insert, fam, token)
    assert exc.constraint_name == "refresh_tokens_token_hash_key"
    assert shape(err) == (409, "already_exists", "token_hash")


# --- check (23514) ----------------------------------------------------------------------------------------

async def test_check_violation_names_the_constraint_column(owner):
    cid = await factories.consultant(owner)
    exc, err = await mapped(owner, "update app.consultants set buffer_minutes = 999 where id = $1", cid)
    assert exc.sqlstate == "23514" and exc.constraint_name == "consultants_buffer_minutes_range"
    assert shape(err) == (422, "invalid_value", "buffer_minutes")


async def test_check_violation_without_loaded_catalogue_still_maps(owner):
    """Before load_constraints has run (database down at start-up) the status and code are still right."""
    cid = await factories.consultant(owner)
    saved = dict(CONSTRAINTS)
    CONSTRAINTS.clear()
    try:
        _, err = await mapped(owner, "update app.consultants set max_days_ahead = 0 where id = $1", cid)
    finally:
        CONSTRAINTS.update(saved)
    assert (err.status, err.code) == (422, "invalid_value")


async def test_reserved_slug_is_422_slug_reserved(owner):
    exc, err = await mapped(
        owner, "insert into app.consultants (email, password_hash, first_name, last_name, slug) "
               "values ('new@example.com', $1, 'A', 'B', 'dashboard')", factories.BCRYPT_DUMMY)
    assert exc.sqlstate == "23514" and exc.constraint_name == "consultants_slug_not_reserved"
    assert shape(err) == (422, "slug_reserved", "slug")


# --- exclusion (23P01) ------------------------------------------------------------------------------------

async def test_overlapping_sessions_are_409_slot_taken(owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    await factories.session(owner, cid, client, starts_at=start, minutes=60)
    with pytest.raises(asyncpg.PostgresError) as info:
        await factories.session(owner, cid, client, starts_at=start + timedelta(minutes=30), minutes=60)
    exc = info.value
    assert exc.sqlstate == "23P01" and exc.constraint_name == "sessions_no_overlap"
    err = from_postgres(exc)
    assert err is not None and shape(err) == (409, "slot_taken", "slot_id")


# --- foreign keys (23503) ---------------------------------------------------------------------------------

async def test_foreign_key_on_insert_is_422_invalid_reference(owner):
    cid = await factories.consultant(owner)
    with pytest.raises(asyncpg.PostgresError) as info:
        await factories.session(owner, cid, uuid.uuid4())
    exc = info.value
    assert exc.sqlstate == "23503" and exc.constraint_name == "sessions_client_id_fkey"
    err = from_postgres(exc)
    # The key is (consultant_id, client_id): the tenant column is not what the caller got wrong.
    assert err is not None and shape(err) == (422, "invalid_reference", "client_id")


async def test_foreign_key_on_delete_is_409_in_use(owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    await factories.session(owner, cid, client)
    exc, err = await mapped(owner, "delete from app.clients where id = $1", client)
    # ON DELETE RESTRICT: restrict_violation on PostgreSQL 18, foreign_key_violation before.
    assert exc.sqlstate in ("23001", "23503")
    assert (err.status, err.code) == (409, "in_use")
    # Nothing was half-done: the client is still there.
    assert await owner.fetchval("select count(*) from app.clients where id = $1", client) == 1


async def test_foreign_key_no_action_on_delete_is_409_in_use(owner):
    """A NO ACTION key (the default) reports 23503 on delete, not 23001: that is in_use too, not a bad reference."""
    await owner.execute("create table public.parents (id int primary key)")
    await owner.execute("create table public.children (parent_id int references public.parents)")
    await owner.execute("insert into public.parents values (1); insert into public.children values (1)")
    exc, err = await mapped(owner, "delete from public.parents where id = 1")
    assert exc.sqlstate == "23503"
    assert (err.status, err.code) == (409, "in_use")


# --- not null, bad text, numbers --------------------------------------------------------------------------

async def test_not_null_is_422_missing_field_naming_the_column(owner):
    exc, err = await mapped(
        owner, "insert into app.admins (email, password_hash) values ('nameless@example.com', $1)",
        factories.BCRYPT_DUMMY)
    assert exc.sqlstate == "23502"
    assert shape(err) == (422, "missing_field", "name")


async def test_invalid_text_representation_is_400(owner):
    exc, err = await mapped(owner, "select 'x'::uuid")
    assert exc.sqlstate == "22P02"
    assert (err.status, err.code) == (400, "invalid_input")


async def test_numeric_out_of_range_is_422(owner):
    cid = await factories.consultant(owner)
    exc, err = await mapped(
        owner, "update app.consultants set personal_session_price = 123456789012.00 where id = $1", cid)
    assert exc.sqlstate == "22003"
    assert (err.status, err.code) == (422, "out_of_range")


async def test_unknown_sqlstate_is_not_mapped(owner):
    exc = await pg_error(owner, "select 1 / 0")
    assert exc.sqlstate == "22012"
    assert from_postgres(exc) is None


# --- our own NKxxx codes -----------------------------------------------------------------------------------

def raise_sql(errcode: str, message: str, detail: str | None = None, hint: str | None = None) -> str:
    parts = [f"errcode = '{errcode}'", f"message = '{message}'"]
    if detail is not None:
        parts.append(f"detail = '{detail}'")
    if hint is not None:
        parts.append(f"hint = '{hint}'")
    return f"do $$ begin raise exception using {', '.join(parts)}; end $$"


async def test_nk409_maps_code_message_and_field(owner):
    exc, err = await mapped(owner, raise_sql("NK409", "slot_taken", "Someone booked that slot a moment ago.",
                                             "field:slot_id"))
    assert exc.sqlstate == "NK409"
    assert shape(err) == (409, "slot_taken", "slot_id")
    assert err.message == "Someone booked that slot a moment ago."
    assert "Retry-After" not in err.headers


async def test_nk_without_detail_or_hint_still_has_a_message(owner):
    _, err = await mapped(owner, raise_sql("NK404", "consultant_not_found"))
    assert shape(err) == (404, "consultant_not_found", None)
    assert err.message


async def test_nk429_carries_retry_after(owner):
    _, err = await mapped(owner, raise_sql("NK429", "too_many_attempts", "Slow down.", "retry_after:30"))
    assert (err.status, err.code, err.message) == (429, "too_many_attempts", "Slow down.")
    assert err.headers["Retry-After"] == "30"

    _, err = await mapped(owner, raise_sql("NK429", "too_many_attempts", "Slow down."))
    assert err.headers["Retry-After"].isdigit()


async def test_nk429_with_a_field_hint_still_has_a_numeric_retry_after(owner):
    """The hint is the field by convention; it must not leak into Retry-After (which must be seconds)."""
    _, err = await mapped(owner, raise_sql("NK429", "too_many_attempts", "Too many tries for this email.",
                                           "field:email"))
    assert (err.status, err.field) == (429, "email")
    assert err.headers["Retry-After"].isdigit()


@pytest.mark.parametrize("errcode", ["NK200", "NK999"])
async def test_nk_outside_error_statuses_is_not_mapped(owner, errcode):
    exc = await pg_error(owner, raise_sql(errcode, "weird"))
    assert from_postgres(exc) is None


# --- through the app: the handler answers in the one shape ------------------------------------------------

async def _raise_in_sql(request: Request):
    async with request.app.state.pool.acquire() as conn:
        await conn.execute(request.query_params["sql"])


@pytest.fixture
async def sql_client(db):
    application = make_app(db)
    application.router.routes.append(Route("/_test/sql", _raise_in_sql, methods=["GET"]))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_database_error_in_a_handler_is_answered_in_the_error_shape(sql_client):
    r = await sql_client.get("/_test/sql", params={"sql": raise_sql("NK409", "slot_taken", "Taken.", "field:slot_id")})
    assert r.status_code == 409
    assert r.json() == {"error": {"code": "slot_taken", "message": "Taken.", "field": "slot_id"}}

    r = await sql_client.get("/_test/sql", params={"sql": raise_sql("NK429", "too_many_attempts", "Slow down.",
                                                                    "retry_after:7")})
    assert r.status_code == 429 and r.headers["retry-after"] == "7"

    r = await sql_client.get("/_test/sql", params={"sql": "select 'x'::uuid"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_input"


async def test_unmapped_database_error_is_500_without_internals(sql_client):
    r = await sql_client.get("/_test/sql", params={"sql": "select 1 / 0"})
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal_error", "message": r.json()["error"]["message"], "field": None}}
    assert "division" not in r.text and "22012" not in r.text


# --- app.sql.run: bounded retries of serialization failures and deadlocks ---------------------------------

class FlakyQueries:
    """Stands in for app.sql.queries: `flaky` fails `failures` times with `error`, then answers 42."""

    def __init__(self, failures: int, error: type[asyncpg.PostgresError] = asyncpg.exceptions.SerializationError):
        self.failures, self.error, self.calls = failures, error, 0

    async def flaky(self, conn: asyncpg.Connection, **params):
        self.calls += 1
        # The caller is set inside the transaction the query runs in.
        assert await conn.fetchval("select current_setting('app.actor_label', true)") == "tester"
        if self.calls <= self.failures:
            raise self.error("could not serialize access due to concurrent update")
        return 42


@pytest.fixture
async def pool(db):
    p = await app.sql.create_pool(db.url("app"))
    try:
        yield p
    finally:
        await p.close()


CALLER = app.sql.Caller(actor_label="tester")


async def test_run_retries_serialization_failures_then_succeeds(pool, monkeypatch):
    fake = FlakyQueries(failures=2)
    monkeypatch.setattr(app.sql, "queries", fake)
    assert await app.sql.run(pool, "flaky", CALLER) == 42
    assert fake.calls == 3


async def test_run_retries_deadlocks_too(pool, monkeypatch):
    fake = FlakyQueries(failures=1, error=asyncpg.exceptions.DeadlockDetectedError)
    monkeypatch.setattr(app.sql, "queries", fake)
    assert await app.sql.run(pool, "flaky", CALLER) == 42
    assert fake.calls == 2


async def test_run_gives_up_with_503_busy_after_bounded_attempts(pool, monkeypatch):
    fake = FlakyQueries(failures=10 ** 6)
    monkeypatch.setattr(app.sql, "queries", fake)
    with pytest.raises(ApiError) as info:
        await app.sql.run(pool, "flaky", CALLER)
    err = info.value
    assert (err.status, err.code) == (503, "busy")
    assert err.headers.get("Retry-After")
    assert 2 <= fake.calls == app.sql.MAX_ATTEMPTS <= 10


async def test_run_does_not_retry_other_errors(pool, monkeypatch):
    fake = FlakyQueries(failures=5, error=asyncpg.exceptions.UniqueViolationError)
    monkeypatch.setattr(app.sql, "queries", fake)
    with pytest.raises(asyncpg.exceptions.UniqueViolationError):
        await app.sql.run(pool, "flaky", CALLER)
    assert fake.calls == 1


async def test_run_returns_all_rows_of_a_many_row_query(db, pool):
    """A named query without a suffix returns its rows as a list (aiosql yields them one by one)."""
    conn = await db.connect("owner")
    try:
        cid = await factories.consultant(conn)
        for n in range(3):
            log_id = await factories.email_log(conn, cid)
            await conn.execute(
                "insert into app.email_outbox (email_log_id, idempotency_key, to_email, subject, text_body, html_body) "
                "values ($1, $2, $3, 's', 't', 'h')", log_id, f"k{n}", f"r{n}@example.com")
    finally:
        await conn.close()
    rows = await app.sql.run(pool, "dev_outbox_list", limit=2)
    assert isinstance(rows, list) and len(rows) == 2


async def test_run_rolls_back_a_failed_attempt(db, pool, monkeypatch):
    """A retried attempt leaves nothing behind: only the successful attempt's write is committed."""
    owner = await db.connect("owner")
    try:
        await owner.execute("create table public.attempts (n int)")
        await owner.execute("grant insert, select on public.attempts to nakksha_app")

        class Writer(FlakyQueries):
            async def flaky(self, conn, **params):
                await conn.execute("insert into public.attempts values ($1)", self.calls + 1)
                return await super().flaky(conn, **params)

        monkeypatch.setattr(app.sql, "queries", Writer(failures=2))
        await app.sql.run(pool, "flaky", CALLER)
        assert [r["n"] for r in await owner.fetch("select n from public.attempts")] == [3]
    finally:
        await owner.close()

# Test: pytest tests/http/test_errors.py
