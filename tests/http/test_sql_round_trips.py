# tests/http/test_sql_round_trips.py — app.sql's transaction in one round trip (begin_as/begun), the public one-statement path, and no reset query.
from __future__ import annotations

import re
import uuid
from pathlib import Path

import asyncpg
import pytest

import app.sql
from app.sql import PUBLIC, Caller, begin_as, begun, create_pool, run, transaction


class Recorder(asyncpg.Connection):
    """Remembers every statement asyncpg sends (simple and extended protocol alike)."""

    sent: list[str] = []

    def get_reset_query(self):  # the pool must not ask for it (asyncpg's default reset does)
        raise AssertionError("reset query asked for")

    async def execute(self, query, *args, **kwargs):
        Recorder.sent.append(query)
        return await super().execute(query, *args, **kwargs)

    async def fetchval(self, query, *args, **kwargs):
        Recorder.sent.append(query)
        return await super().fetchval(query, *args, **kwargs)


@pytest.fixture
async def pool(db):
    p = await create_pool(db.url("app"))
    try:
        yield p
    finally:
        await p.close()


SETTINGS = ("select current_setting('app.consultant_id', true) as c, current_setting('app.admin_id', true) as a, "
            "current_setting('app.actor_label', true) as l, current_user as u")


async def test_a_callers_settings_hold_inside_the_transaction_and_end_with_it(pool):
    cid = uuid.uuid4()
    async with pool.acquire() as conn:
        async with begun(conn, Caller(consultant_id=cid, actor_label="it's a label")):
            row = await conn.fetchrow(SETTINGS)
            assert (row["c"], row["a"], row["l"], row["u"]) == (str(cid), "", "it's a label", "nakksha_app")
        assert not conn.is_in_transaction()
        row = await conn.fetchrow(SETTINGS)
        assert (row["c"] or "", row["a"] or "", row["l"] or "") == ("", "", "")


async def test_an_admin_caller_takes_the_admin_role_for_its_transaction_only(pool):
    async with pool.acquire() as conn:
        async with begun(conn, Caller(admin_id=uuid.uuid4())):
            assert await conn.fetchval("select current_user") == "nakksha_app_admin"
        assert await conn.fetchval("select current_user") == "nakksha_app"


async def test_an_exception_rolls_back_and_propagates(pool, db):
    async with pool.acquire() as conn:
        with pytest.raises(ZeroDivisionError):
            async with begun(conn, PUBLIC):
                await conn.execute("create temporary table t (x int)")
                raise ZeroDivisionError
        assert not conn.is_in_transaction()
        assert await conn.fetchval("select to_regclass('pg_temp.t')") is None
        # A statement the server refuses leaves the transaction aborted: rolled back too.
        with pytest.raises(asyncpg.exceptions.DivisionByZeroError):
            async with begun(conn, PUBLIC):
                await conn.fetchval("select 1 / 0")
        assert not conn.is_in_transaction()


def test_the_settings_are_dollar_quoted_and_a_forged_quote_is_refused():
    sql = begin_as(Caller(actor_label="x'); drop table app.sessions; --"))
    assert "$c$x'); drop table app.sessions; --$c$" in sql
    with pytest.raises(ValueError):
        begin_as(Caller(actor_label="a$c$b"))
    with pytest.raises(ValueError):
        begin_as(Caller(actor_label="a\x00b"))
    assert "set_config('statement_timeout', $c$2min$c$, true)" in begin_as(PUBLIC, "2min")


async def test_round_trips_per_call(db, monkeypatch):
    """A public named query is one statement; a caller's is BEGIN with the caller, the query, COMMIT; the pool
    sends no reset query on release (asyncpg's default sends four statements)."""
    p = await asyncpg.create_pool(db.url("app"), min_size=1, max_size=1, connection_class=type(
        "RecordingDirect", (Recorder, app.sql.DirectConnection), {}), reset=app.sql._no_reset,
        init=app.sql._init_connection)
    try:
        Recorder.sent.clear()
        assert await run(p, "migration_level") is not None
        assert Recorder.sent == [app.sql.queries.migration_level.sql]
        Recorder.sent.clear()
        await run(p, "migration_level", Caller(consultant_id=uuid.uuid4()))
        assert [s.split(";")[0] for s in Recorder.sent] == ["begin", app.sql.queries.migration_level.sql.rstrip(";"),
                                                            "commit"]
    finally:
        await p.close()


async def test_behind_a_pooler_even_a_public_call_runs_in_a_transaction(db):
    # statement_cache_size=0 is how a pool behind PgBouncer is made: its connections are not DirectConnection.
    p = await create_pool(db.url("app"), statement_cache_size=0)
    try:
        async with p.acquire() as conn:
            assert not getattr(conn, "_nakksha_direct", False)
        assert await run(p, "migration_level") is not None
    finally:
        await p.close()


async def test_transaction_sets_the_caller_for_several_queries(pool):
    cid = uuid.uuid4()
    async with transaction(pool, Caller(consultant_id=cid)) as conn:
        assert await conn.fetchval("select current_setting('app.consultant_id')") == str(cid)
        assert await conn.fetchval("select current_setting('app.consultant_id')") == str(cid)

# A public call relies on every transaction starting with the caller's settings empty: nothing the app runs may set
# a setting for the session (a plpgsql `set x = …;`, `set session …`, set_config(…, false)) or reset the role.
SESSION_SETTERS = re.compile(r"^\s*(set|reset)\s+(?!local\b)[a-z_.]+(\s*(=|to)\s*[^;\n]*)?;|set_config\([^;]*?,\s*false\s*\)",
                             re.IGNORECASE | re.MULTILINE)


def test_nothing_sets_a_setting_for_the_session():
    root = Path(__file__).resolve().parents[2]
    files = [*root.glob("db/functions/**/*.sql"), *root.glob("db/views/**/*.sql"), *root.glob("app/queries/*.sql"),
             *root.glob("app/**/*.py"), *root.glob("jobs/**/*.py")]
    found = [f"{f.relative_to(root)}: {m.group(0).strip()}" for f in files
             for m in SESSION_SETTERS.finditer(f.read_text()) if not m.group(0).lstrip().lower().startswith("set search_path")]
    assert found == []
    # The pattern finds what it is for.
    assert SESSION_SETTERS.search("begin\n  set role = 'x';\nend") and SESSION_SETTERS.search("set_config('a', 'b', false)")
    assert not SESSION_SETTERS.search("update t set a = 1 where b;") and not SESSION_SETTERS.search("set local role x;")

# Test: pytest tests/http/test_sql_round_trips.py
