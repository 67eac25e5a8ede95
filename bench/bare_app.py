# bench/bare_app.py — the reference for bench/booking.py: the leanest Starlette + asyncpg request (begin, set the caller, one primary-key read, commit).
"""One GET endpoint and nothing else: no middleware, no validation, no named queries. It uses the same
pool factory as the app (app.sql.create_pool: same codecs, statement cache and pool size) and the same
SET_CALLER statement, so the gap between it and a real endpoint is what the app's layer costs.

Configured from the environment (bench/booking.py sets these):
  BARE_DATABASE_URL   the database URL, as the app role (nakksha_app)
  BARE_CONSULTANT_ID  the consultant the caller is set to and whose row is read
  BARE_POOL_MAX       the pool's maximum size (default 10, like DB_POOL_MAX)
"""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.sql import SET_CALLER, create_pool

CONSULTANT_ID = uuid.UUID(os.environ["BARE_CONSULTANT_ID"])
READ = "select id, slug, first_name, last_name, timezone from app.consultants where id = $1"


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await create_pool(os.environ["BARE_DATABASE_URL"], min_size=0,
                                       max_size=int(os.environ.get("BARE_POOL_MAX", "10")))
    try:
        yield
    finally:
        await app.state.pool.close()


async def consultant(request: Request) -> JSONResponse:
    async with request.app.state.pool.acquire(timeout=5) as conn, conn.transaction():
        await conn.execute(SET_CALLER, str(CONSULTANT_ID), "", "bench:bare")
        row = await conn.fetchrow(READ, CONSULTANT_ID)
    if row is None:  # row-level security hides it unless the caller is that consultant
        return JSONResponse({"error": "not_found"}, status_code=404)
    return JSONResponse({"id": str(row["id"]), "slug": row["slug"], "first_name": row["first_name"],
                         "last_name": row["last_name"], "timezone": row["timezone"]})


app = Starlette(routes=[Route("/bare", consultant, methods=["GET"])], lifespan=lifespan)

# Run: started by bench/booking.py as
#   python -m uvicorn --app-dir bench bare_app:app --workers N --port P --no-access-log
# Test: .venv/bin/python bench/booking.py (it checks /bare answers 200 before measuring it)
