# jobs/app.py — the Procrastinate app (psycopg connector, same database, the worker role) and the worker's asyncpg pool.
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import procrastinate

from app.config import Settings
from app.database import Database
from app.sql import create_pool

# Tasks register on this app; `connect` gives it a connector once the database URL is known.
app = procrastinate.App(connector=procrastinate.PsycopgConnector(), import_paths=["jobs.email", "jobs.maintenance", "jobs.booking", "jobs.payments", "jobs.route_transfers", "jobs.reminders", "jobs.calendar", "jobs.quotations", "jobs.analytics", "jobs.route_accounts", "jobs.subscriptions"])

_state: dict[str, object] = {"url": None, "query_url": None, "cache": 100, "pool": None, "loop": None,
                              "pool_url": None}


@contextmanager
def connected(worker_database_url: str, query_url: str | None = None,
              statement_cache_size: int = 100) -> Iterator[procrastinate.App]:
    """The job app bound to the database as nakksha_worker (the worker steps are granted to it alone) for the
    block; tasks' named queries use the same URL, or query_url (a transaction pooler, with statement_cache_size 0) when given. Procrastinate's
    connector always takes the direct URL: its worker LISTENs, which a transaction pooler cannot carry.
    The connector is replaced on the one app (not a copy), since tasks and periodic tasks keep a link to
    the app they were registered on."""
    _state["url"], _state["query_url"], _state["cache"] = worker_database_url, query_url, statement_cache_size
    with app.replace_connector(procrastinate.PsycopgConnector(conninfo=worker_database_url)) as bound:
        yield bound


async def pool() -> asyncpg.Pool:
    """One asyncpg pool per worker event loop, for the named queries tasks run."""
    loop = asyncio.get_running_loop()
    if _state["url"]:
        url, cache = _state["query_url"] or _state["url"], _state["cache"]
    else:
        database = Database(Settings.from_env())
        url, cache = database.query_url(), database.statement_cache_size()
    if _state["pool"] is None or _state["loop"] is not loop or _state["pool_url"] != url:
        if _state["pool"] is not None and _state["loop"] is loop:
            await _state["pool"].close()  # type: ignore[union-attr]
        _state["pool"] = await create_pool(str(url), min_size=0, max_size=4, statement_cache_size=int(cache))
        _state["loop"], _state["pool_url"] = loop, url
    return _state["pool"]  # type: ignore[return-value]


async def close_pool() -> None:
    if _state["pool"] is not None:
        await _state["pool"].close()  # type: ignore[union-attr]
        _state["pool"] = None

# Test: pytest tests/jobs/test_outbox.py
