# tests/db/assertions.py — shared assertions for database tests: expected SQLSTATEs, rows visible to a caller.
from __future__ import annotations

import json

import asyncpg
import pytest

from app.sql import queries


async def raises_sqlstate(conn: asyncpg.Connection, sqlstate: str, query: str, *args,
                          constraint: str | None = None, message: str | None = None) -> asyncpg.PostgresError:
    """Run query inside a savepoint (so the caller's transaction survives) and assert it fails with sqlstate."""
    with pytest.raises(asyncpg.PostgresError) as info:
        async with conn.transaction():
            await conn.execute(query, *args)
    err = info.value
    assert err.sqlstate == sqlstate, f"expected SQLSTATE {sqlstate}, got {err.sqlstate}: {err}"
    if constraint is not None:
        assert err.constraint_name == constraint, f"expected constraint {constraint}, got {err.constraint_name}: {err}"
    if message is not None:
        assert err.message == message, f"expected message {message!r}, got {err.message!r}"
    return err


async def visible_rows(conn: asyncpg.Connection, query: str, *args) -> list | None:
    """The rows a caller gets, or None when the query is refused for lack of privilege (42501)."""
    try:
        async with conn.transaction():
            return await conn.fetch(query, *args)
    except asyncpg.InsufficientPrivilegeError:
        return None

async def named(conn: asyncpg.Connection, name: str, **params):
    """A named query of app/queries (as the app runs it, on a connection with the caller set), its JSON decoded."""
    value = await getattr(queries, name)(conn, **params)
    return json.loads(value) if isinstance(value, str) else value


async def named_refused(conn: asyncpg.Connection, sqlstate: str, name: str, **params) -> asyncpg.PostgresError:
    """A named query fails with sqlstate (inside a savepoint, so the caller's transaction survives)."""
    with pytest.raises(asyncpg.PostgresError) as info:
        async with conn.transaction():
            await getattr(queries, name)(conn, **params)
    assert info.value.sqlstate == sqlstate, f"expected SQLSTATE {sqlstate}, got {info.value.sqlstate}: {info.value}"
    return info.value

# Test: pytest tests/db/
