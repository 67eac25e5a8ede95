# app/sql.py — named queries (app/queries/*.sql, aiosql format) and `run`: one transaction with the caller set.
from __future__ import annotations

import asyncio
import inspect
import logging
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosql
import asyncpg
from aiosql.types import SQLOperationType
from pydantic import BaseModel

from app.config import ROLE_APP_ADMIN
from app.errors import CONNECTION_ERRORS, SQLSTATE_MAP, ApiError, from_postgres, unavailable
from app.jsonio import dumps_text, loads

log = logging.getLogger("nakksha.sql")

QUERIES_DIR = Path(__file__).parent / "queries"
queries = aiosql.from_path(QUERIES_DIR, "asyncpg")


def description(name: str) -> str:
    """A named query's description: the first comment line after its `-- name:` (an endpoint's summary too)."""
    doc = (getattr(queries, name).__doc__ or "").strip()
    if not doc:
        raise ValueError(f"named query {name} has no description")
    return doc.splitlines()[0]


RETRYABLE = (asyncpg.exceptions.SerializationError, asyncpg.exceptions.DeadlockDetectedError)
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class Caller:
    """Who a transaction acts for. Set only from a verified token (or nobody, for public calls)."""

    consultant_id: uuid.UUID | None = None
    admin_id: uuid.UUID | None = None
    actor_label: str = ""


PUBLIC = Caller()

# A transaction acting for an admin (and no consultant) takes the role nakksha_app_admin, whose read policies cover
# every tenant; any other keeps the app role, whose policies show a consultant their own rows. Every setting is
# transaction-local (`true`), so a pooled connection (PgBouncer in transaction mode) carries nothing over.
# The parametrised form, for tests and scripts that set a caller on a connection of their own:
SET_CALLER = ("select set_config('app.consultant_id', $1, true), set_config('app.admin_id', $2, true), "
              "set_config('app.actor_label', $3, true), "
              f"set_config('role', case when $2 <> '' and $1 = '' then '{ROLE_APP_ADMIN}' else 'none' end, true)")
SET_CALLER_LONG = SET_CALLER + ", set_config('statement_timeout', $4, true)"


def _literal(value: str) -> str:
    """A dollar-quoted literal (immune to standard_conforming_strings). The values are ours: UUIDs, a role name,
    a code-chosen label or timeout; one holding the quote tag or a NUL is a bug, refused."""
    if "$c$" in value or "\x00" in value:
        raise ValueError(f"unsafe caller setting {value!r}")
    return f"$c${value}$c$"


def begin_as(caller: Caller, statement_timeout: str | None = None) -> str:
    """BEGIN and the caller's settings as one simple-protocol message: one round trip where asyncpg's
    `transaction()` and a parametrised set_config took two (issue 20: a request's round trips were BEGIN, the
    caller, the query, COMMIT and the pool's reset query; now three)."""
    consultant, admin = str(caller.consultant_id or ""), str(caller.admin_id or "")
    role = ROLE_APP_ADMIN if admin and not consultant else "none"
    settings = [("app.consultant_id", consultant), ("app.admin_id", admin), ("app.actor_label", caller.actor_label),
                ("role", role)]
    if statement_timeout is not None:
        settings.append(("statement_timeout", statement_timeout))
    return "begin; select " + ", ".join(f"set_config('{k}', {_literal(v)}, true)" for k, v in settings)


@asynccontextmanager
async def begun(conn: asyncpg.Connection, caller: Caller, statement_timeout: str | None = None
                ) -> AsyncIterator[asyncpg.Connection]:
    """A transaction acting for `caller` on `conn` (what `async with conn.transaction()` and SET_CALLER did, in
    one round trip): COMMIT on leaving, ROLLBACK on any exception (as asyncpg's own block does, including a
    cancelled request), then the exception."""
    try:
        await conn.execute(begin_as(caller, statement_timeout))
        yield conn
    except BaseException:
        if not conn.is_closed() and conn.is_in_transaction():
            await conn.execute("rollback")
        raise
    await conn.execute("commit")


class DirectConnection(asyncpg.Connection):
    """A connection straight to PostgreSQL (no transaction pooler between): a single statement may run on its own,
    as its own transaction. Behind PgBouncer in transaction mode a statement outside a transaction may have its
    parse and its execution land on different server connections, so pools there use asyncpg's Connection."""

    _nakksha_direct = True


# One statement each (aiosql's operations that send one extended-protocol message): what may run as its own
# transaction. Many-row executes and scripts always run in an explicit one.
_SINGLE_STATEMENT = frozenset({SQLOperationType.SELECT, SQLOperationType.SELECT_ONE, SQLOperationType.SELECT_VALUE,
                               SQLOperationType.INSERT_RETURNING, SQLOperationType.INSERT_UPDATE_DELETE})


async def _no_reset(conn: asyncpg.Connection) -> None:
    """The pool's reset on release. asyncpg's default sends `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` every time, a round trip per request for state nothing here creates: every statement runs in a
    transaction that ends before release (an open one is still rolled back by asyncpg itself), settings are
    transaction-local, advisory locks transaction-level, cursors live in their transaction, and LISTEN uses
    connections of its own (app.live, Procrastinate)."""


async def _init_connection(conn: asyncpg.Connection) -> None:
    # In a transaction: behind PgBouncer in transaction mode a statement outside one may have its parse and
    # its execution land on different server connections (asyncpg sends them in two round trips).
    async with conn.transaction():
        await conn.set_type_codec("jsonb", encoder=dumps_text, decoder=loads, schema="pg_catalog")
        await conn.set_type_codec("json", encoder=dumps_text, decoder=loads, schema="pg_catalog")


async def create_pool(url: str, *, min_size: int = 0, max_size: int = 10, statement_cache_size: int = 100,
                      command_timeout: float = 30.0) -> asyncpg.Pool:
    """min_size 0: the pool opens connections on demand, so the app starts (and /readyz can say why it is
    not ready) while the database is down, and recovers by itself when it returns. Behind a transaction
    pooler (PgBouncer 1.18) pass statement_cache_size=0: nothing here relies on a session, since every
    statement runs inside a transaction (`run`, `transaction`, the init above), the caller is set with
    set_config(..., true) and advisory locks are transaction-level."""
    return await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size, init=_init_connection,
        connection_class=DirectConnection if statement_cache_size else asyncpg.Connection,
        statement_cache_size=statement_cache_size, command_timeout=command_timeout,
        max_inactive_connection_lifetime=60, reset=_no_reset)


class CommitOutcomeUnknown(ApiError):
    """The connection was lost with COMMIT in flight (a database restart, tests/faults/test_db_restart.py):
    the server may have committed before it went away. Answered as the usual 503, but a handler that can look
    its write up (by an id it chose beforehand) should, so that an error answer never hides a committed write."""

    def __init__(self) -> None:
        err = unavailable()
        super().__init__(err.status, err.code, err.message, err.field, err.headers)


@asynccontextmanager
async def _connection(pool: asyncpg.Pool, name: str) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection. A server that refuses a new connection (database not accepting connections,
    too many clients, shutting down) answers with a SQLSTATE of its own: that is an outage too, not a bug."""
    try:
        conn = await pool.acquire(timeout=5)
    except asyncpg.PostgresError as exc:
        log.warning("database unavailable for %s: %s", name, exc)
        raise unavailable() from exc
    try:
        yield conn
    finally:
        try:
            await pool.release(conn)
        except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
            # Resetting a connection the server dropped after the work committed (a restart): asyncpg has
            # already terminated it, and the caller's result stands; failing here would answer 503 for a
            # write that is in the database.
            log.warning("dropped a broken connection after %s: %s", name, exc)


def bind(name: str, models: tuple[BaseModel, ...], params: dict[str, Any]) -> dict[str, Any]:
    """The named query's parameters: each validated model's fields the query declares, by name (so a request's
    fields are written once: in its model), then the keyword arguments, which win."""
    if not models:
        return params
    declared = getattr(queries, name).parameters or ()
    out: dict[str, Any] = {}
    for model in models:
        values = model.model_dump()
        out.update({k: values[k] for k in declared if k in values})
    return {**out, **params}


async def run(pool: asyncpg.Pool, name: str, caller: Caller = PUBLIC, /, *models: BaseModel, **params: Any) -> Any:
    """Run the named query in one transaction with the caller set, its parameters bound from the models given
    and the keywords (`bind`). Serialization failures and deadlocks are retried a bounded number of times with
    jittered backoff, then answered 503 (never 500); a database that cannot be reached is a 503 too."""
    return await _run(pool, name, caller, None, bind(name, models, params))


async def run_long(pool: asyncpg.Pool, name: str, statement_timeout: str, /, **params: Any) -> Any:
    """`run` for a named long job (a view refresh, the slot roll-forward of a consultant at the cap, a
    reconciliation): the role's statement_timeout is raised to `statement_timeout` ('2min') for this
    transaction only, so requests keep their short bound and a runaway job still ends."""
    return await _run(pool, name, PUBLIC, statement_timeout, params)


async def _run(pool: asyncpg.Pool, name: str, caller: Caller, statement_timeout: str | None,
               params: dict[str, Any]) -> Any:
    fn = getattr(queries, name)
    # A public call's settings are all empty, which is what every transaction starts with (they are only ever
    # set transaction-locally, and nothing sets them for a session): on a direct connection, its one statement
    # runs as its own transaction, one round trip instead of three (BEGIN with the caller, the query, COMMIT).
    single = caller == PUBLIC and statement_timeout is None and getattr(fn, "operation", None) in _SINGLE_STATEMENT
    for attempt in range(1, MAX_ATTEMPTS + 1):
        committing = False
        try:
            async with _connection(pool, name) as conn:
                if single and getattr(conn, "_nakksha_direct", False):
                    # Commits with the statement: a connection lost before the answer leaves the outcome unknown.
                    committing = True
                    return await _call(name, fn, conn, params)
                async with begun(conn, caller, statement_timeout):
                    result = await _call(name, fn, conn, params)
                    committing = True  # leaving the block sends COMMIT
                    return result
        except RETRYABLE as exc:
            if attempt == MAX_ATTEMPTS:
                status, code, message = SQLSTATE_MAP[exc.sqlstate]
                raise ApiError(status, code, message, None, {"Retry-After": "1"}) from exc
            await asyncio.sleep(random.uniform(0.005, 0.02) * 2 ** attempt)
        except CONNECTION_ERRORS as exc:
            # An InternalClientError is usually a connection the server dropped, but may be a client bug: keep
            # its traceback in the log, since the answer (503) hides it.
            log.warning("database unavailable for %s%s: %s", name, " at commit" if committing else "", exc,
                        exc_info=isinstance(exc, asyncpg.exceptions.InternalClientError))
            if committing:
                raise CommitOutcomeUnknown() from exc
            raise unavailable() from exc
    raise AssertionError("unreachable")


async def run_refusable(pool: asyncpg.Pool, name: str, caller: Caller = PUBLIC, /, *models: BaseModel,
                        **params: Any) -> Any:
    """`run`, with a refusal the database raised (NK4xx, a known constraint) as its ApiError, for a page
    that shows the reason in place; anything unmapped propagates to the app's handler."""
    try:
        return await run(pool, name, caller, *models, **params)
    except asyncpg.PostgresError as exc:
        mapped = from_postgres(exc)
        if mapped is None:
            raise
        raise mapped from exc


@asynccontextmanager
async def transaction(pool: asyncpg.Pool, caller: Caller = PUBLIC, statement_timeout: str | None = None
                      ) -> AsyncIterator[asyncpg.Connection]:
    """One transaction with the caller set, for the rare step that must hold a lock across more than one
    named query (a token refresh waits for the provider under the connection's row lock). statement_timeout
    raises the role's bound for this transaction (a wait for a lock another holds across a provider call)."""
    try:
        async with _connection(pool, "transaction") as conn, begun(conn, caller, statement_timeout):
            yield conn
    except CONNECTION_ERRORS as exc:
        log.warning("database unavailable in a transaction: %s", exc)
        raise unavailable() from exc


# The named query's SQL (aiosql's, with $n placeholders) sent straight to asyncpg, its parameters in aiosql's order:
# aiosql's adapter asks `dir()` of the connection on every call to learn whether it is a pool (issue 20's profile).
_SENDERS = {
    SQLOperationType.SELECT: lambda conn, sql, args: conn.fetch(sql, *args),
    SQLOperationType.SELECT_ONE: lambda conn, sql, args: conn.fetchrow(sql, *args),
    SQLOperationType.SELECT_VALUE: lambda conn, sql, args: conn.fetchval(sql, *args),
    SQLOperationType.INSERT_UPDATE_DELETE: lambda conn, sql, args: conn.execute(sql, *args),
}


async def _call(name: str, fn: Any, conn: asyncpg.Connection, params: dict[str, Any]) -> Any:
    send = _SENDERS.get(getattr(fn, "operation", None))
    if send is None:  # what this project does not use (returning inserts, many-row executes, scripts): aiosql's way
        result = fn(conn, **params)
        return [row async for row in result] if inspect.isasyncgen(result) else await result
    return await send(conn, fn.sql, [params[k] for k in queries.driver_adapter.var_sorted[name]])


async def call(conn: asyncpg.Connection, name: str, /, **params: Any) -> Any:
    """Run a named query on a connection already in a transaction (see `transaction`)."""
    return await _call(name, getattr(queries, name), conn, params)

# Test: pytest tests/http/test_errors.py
