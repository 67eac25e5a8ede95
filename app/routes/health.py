# app/routes/health.py — liveness (/healthz: the process answers) and readiness (/readyz: database reachable and migrated, a job worker alive).
from __future__ import annotations

import asyncio

import asyncpg
from pydantic import BaseModel
from starlette.requests import Request
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError, error_body
from app.jsonio import JSONResponse
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
    except (ApiError, TimeoutError) as exc:
        if isinstance(exc.__cause__, NOT_SET_UP):
            # A fresh server or data directory, never migrated: the app role cannot log in yet. Waiting will not
            # help, so say what will (an operator once read "cannot be reached" here for a server that was up).
            return JSONResponse(error_body("migrations_pending", f"The database is not set up for this app "
                                           f"({exc.__cause__}): run `nakksha migrate` (or `nakksha serve --migrate`)."),
                                status_code=503)
        return JSONResponse(error_body("database_unavailable", "The database cannot be reached."), status_code=503,
                            headers={"Retry-After": "2"})
    if not workers:
        # Serving without one would take bookings whose emails, refunds and reminders never happen (issue 16).
        return JSONResponse(error_body("no_worker", f"No job worker has sent a heartbeat in the last {within:g} s: "
                                       "emails, refunds and reminders are not running."), status_code=503,
                            headers={"Retry-After": "10"})
    return JSONResponse({"status": "ready", "migration": level, "workers": workers})


# Logging in failed because what `nakksha migrate` creates is missing: the role, its password, the database.
NOT_SET_UP = (asyncpg.exceptions.InvalidAuthorizationSpecificationError, asyncpg.exceptions.InvalidPasswordError,
              asyncpg.exceptions.InvalidCatalogNameError)


def expected_migration() -> str:
    return latest_migration_version()


site_routes = [
    Route("/healthz", healthz, methods=["GET"], name="healthz"),
    Route("/readyz", readyz, methods=["GET"], name="readyz"),
]

# Test: pytest tests/http/test_health.py
