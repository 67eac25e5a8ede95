# tests/db/test_watchdog.py — an analyst who lifts their session's statement timeout is still cut off by the worker's watchdog.
from __future__ import annotations

import asyncio

import asyncpg
import pytest


async def test_an_analyst_statement_running_past_its_bound_is_cancelled_even_with_the_timeout_lifted(db):
    analyst = await db.connect("analyst")
    worker = await db.connect("worker")
    try:
        await analyst.execute("set statement_timeout = 0")  # allowed to any session: the role's 1 min is a default
        runaway = asyncio.create_task(analyst.execute("select pg_sleep(120)"))
        # Ordered: the watchdog (as the worker calls it, as the worker role) runs once the statement has started.
        for _ in range(500):
            if await worker.fetchval("select api.cancel_runaway_analyst_queries('0.2 seconds')"):
                break
            await asyncio.sleep(0.05)
        with pytest.raises(asyncpg.exceptions.QueryCanceledError):
            await asyncio.wait_for(runaway, 30)
        # The session itself stays usable, and a short statement is never touched.
        assert await analyst.fetchval("select 1") == 1
        assert await worker.fetchval("select api.cancel_runaway_analyst_queries()") == 0
    finally:
        await analyst.close()
        await worker.close()


async def test_a_statement_that_traps_the_cancel_has_its_session_ended(db):
    # A PL/pgSQL handler can catch the cancel and carry on (an outside check ran 334 s past three cancels):
    # the second threshold ends the session, which cannot be caught.
    analyst = await db.connect("analyst")
    worker = await db.connect("worker")
    try:
        await analyst.execute("set statement_timeout = 0")
        trap = asyncio.create_task(analyst.execute(
            "do $$ begin for i in 1..600 loop begin perform pg_sleep(0.2); "
            "exception when query_canceled then null; end; end loop; end $$"))
        ended = False
        for _ in range(600):
            await worker.fetchval("select api.cancel_runaway_analyst_queries('0.2 seconds', '1 second')")
            if trap.done():
                ended = True
                break
            await asyncio.sleep(0.05)
        assert ended
        with pytest.raises((asyncpg.exceptions.AdminShutdownError, asyncpg.exceptions.ConnectionDoesNotExistError,
                            asyncpg.exceptions.InterfaceError)):
            trap.result()
    finally:
        await analyst.close()
        await worker.close()


async def test_a_person_given_the_analyst_role_is_bound_too(db):
    # Analysts log in as their own role, a member of nakksha_analyst: the role's settings do not reach them, so the
    # watchdog must (it filtered on the name nakksha_analyst and never saw them).
    import uuid

    name = "alice_" + uuid.uuid4().hex[:8]
    superuser = await db.connect("superuser")
    await superuser.execute(f"create role {name} login in role nakksha_analyst")
    person = await asyncpg.connect(db.url("superuser").replace("postgres:@", f"{name}:@", 1))
    worker = await db.connect("worker")
    try:
        assert await person.fetchval("show statement_timeout") == "0"
        runaway = asyncio.create_task(person.execute("select pg_sleep(120)"))
        for _ in range(500):
            if await worker.fetchval("select api.cancel_runaway_analyst_queries('0.2 seconds')"):
                break
            await asyncio.sleep(0.05)
        with pytest.raises(asyncpg.exceptions.QueryCanceledError):
            await asyncio.wait_for(runaway, 30)
    finally:
        await person.close()
        await worker.close()
        await superuser.execute(f"drop role {name}")
        await superuser.close()


async def test_the_watchdog_touches_no_other_roles_statements(db):
    owner = await db.connect("owner")
    worker = await db.connect("worker")
    try:
        long = asyncio.create_task(owner.execute("select pg_sleep(1.5)"))
        await asyncio.sleep(0.5)
        assert await worker.fetchval("select api.cancel_runaway_analyst_queries('0.1 seconds')") == 0
        await long  # not cancelled
    finally:
        await owner.close()
        await worker.close()

# Test: pytest tests/db/test_watchdog.py
