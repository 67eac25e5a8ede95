# app/routes/health.py — liveness (/healthz: the process answers) and readiness (/readyz: database reachable and migrated).
from __future__ import annotations

import asyncio

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError, error_body
from app.migrate import latest_migration_version
from app.sql import run


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    migration: str


@endpoint(summary="The process is up.", tags=("health",), responses={200: Health})
async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


@endpoint(summary="The database is reachable and migrated to the version this code expects.", tags=("health",),
            responses={200: Ready, 503: None})
async def readyz(request: Request) -> JSONResponse:
    expected = request.app.state.expected_migration
    try:
        level = await asyncio.wait_for(run(request.app.state.pool, "migration_level"), timeout=3)
    except (ApiError, TimeoutError):
        return JSONResponse(error_body("database_unavailable", "The database cannot be reached."), status_code=503,
                            headers={"Retry-After": "2"})
    if level is None or level < expected:
        return JSONResponse(error_body("migrations_pending", f"Database at {level}, code expects {expected}."),
                            status_code=503)
    return JSONResponse({"status": "ready", "migration": level})


def expected_migration() -> str:
    return latest_migration_version()


routes = [
    Route("/healthz", healthz, methods=["GET"], name="healthz"),
    Route("/readyz", readyz, methods=["GET"], name="readyz"),
]

# Test: pytest tests/http/test_health.py
