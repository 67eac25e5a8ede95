# app/routes/health.py — liveness (/healthz: the process answers) and readiness (/readyz: database reachable and migrated, a job worker alive).
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
    workers: int


@endpoint(summary="The process is up.", tags=("health",), responses={200: Health})
async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


@endpoint(summary="The database is reachable and migrated to the version this code expects, and a job worker "
                  "(anywhere on the database) has sent a heartbeat within NAKKSHA_STALLED_AFTER_SECONDS.",
          tags=("health",), responses={200: Ready, 503: None})
async def readyz(request: Request) -> JSONResponse:
    expected = request.app.state.expected_migration
    within = request.app.state.settings.worker_stale_seconds
    try:
        level = await asyncio.wait_for(run(request.app.state.pool, "migration_level"), timeout=3)
        if level is None or level < expected:
            return JSONResponse(error_body("migrations_pending", f"Database at {level}, code expects {expected}."),
                                status_code=503)
        workers = await asyncio.wait_for(run(request.app.state.pool, "live_workers", within_seconds=within), timeout=3)
    except (ApiError, TimeoutError):
        return JSONResponse(error_body("database_unavailable", "The database cannot be reached."), status_code=503,
                            headers={"Retry-After": "2"})
    if not workers:
        # Serving without one would take bookings whose emails, refunds and reminders never happen (issue 16).
        return JSONResponse(error_body("no_worker", f"No job worker has sent a heartbeat in the last {within:g} s: "
                                       "emails, refunds and reminders are not running."), status_code=503,
                            headers={"Retry-After": "10"})
    return JSONResponse({"status": "ready", "migration": level, "workers": workers})


def expected_migration() -> str:
    return latest_migration_version()


routes = [
    Route("/healthz", healthz, methods=["GET"], name="healthz"),
    Route("/readyz", readyz, methods=["GET"], name="readyz"),
]

# Test: pytest tests/http/test_health.py
