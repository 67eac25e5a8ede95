# app/main.py — the Starlette app factory: middleware, error handlers, the route table, and a lifespan holding the pool.
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from app.adapters.payments import payment_gateway
from app.adapters.storage import storage_from_env
from app.config import Settings
from app.database import Database
from app.errors import (
    ApiError,
    api_error_handler,
    http_exception_handler,
    load_constraints,
    postgres_error_handler,
)
from app.live import Hub
from app.middleware import (
    BodySizeLimitMiddleware,
    EdgeMiddleware,
    configure_logging,
)
from app.routes import all_routes, last_routes
from app.routes.forms import PAGE_PHOTO_PATH
from app.routes.health import expected_migration
from app.routes.profile import PHOTO_BODY_LIMIT, PHOTO_PATH
from app.routing import IndexedRouter
from app.secrets import Secrets
from app.sql import create_pool
from app.static_files import static_mount

log = logging.getLogger("nakksha.app")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    if not logging.getLogger().handlers:
        # A worker process of `nakksha serve --workers N` (uvicorn spawns it and calls this factory) starts with
        # logging unconfigured: without this it wrote no access log and no INFO line at all, and its warnings
        # without the request id. The serving process itself, and tests, have configured it already.
        configure_logging(settings.log_level)
    database = Database(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Queries go through the pooler when one is configured; LISTEN (the Hub) always goes direct.
        app.state.pool = await create_pool(
            database.query_url(), min_size=settings.pool_min_size, max_size=settings.pool_max_size,
            statement_cache_size=database.statement_cache_size(), command_timeout=settings.command_timeout)
        # Dashboard and analytics reads: a replica when ANALYTICS_DATABASE_URL is set, else the same pool.
        # ANALYTICS_DATABASE_URL is a direct connection to the replica (its pool keeps the statement cache).
        app.state.analytics_pool = app.state.pool
        try:
            if database.analytics_url():
                app.state.analytics_pool = await create_pool(
                    database.analytics_url(), min_size=0, max_size=settings.pool_max_size,
                    statement_cache_size=settings.statement_cache_size, command_timeout=settings.command_timeout)
        except BaseException:
            await app.state.pool.close()
            raise
        try:
            async with app.state.pool.acquire(timeout=5) as conn, conn.transaction():
                await load_constraints(conn)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            # Start anyway: /readyz reports the outage and the pool reconnects when the database returns.
            log.warning("database not reachable at start-up: %s", exc)
        app.state.live = Hub(database.app_url())
        try:
            yield
        finally:
            await app.state.live.close()
            if app.state.analytics_pool is not app.state.pool:
                await app.state.analytics_pool.close()
            await app.state.pool.close()

    # CORS only when CORS_ORIGINS names front ends: without, it only added `Vary: Origin` to every answer and
    # turned a preflight into a plain-text 400 instead of the router's 405 in the error shape, at a layer's cost.
    cors = [Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=True,
                       allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                       allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
                       expose_headers=["X-Request-ID", "Retry-After"], max_age=600)] if settings.cors_origins else []
    middleware = [
        # Outermost, so the 500 it writes for an escaped exception carries the security headers and request id too.
        Middleware(EdgeMiddleware, hsts=not settings.is_development),
        *cors,
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes,
                   overrides={PHOTO_PATH: PHOTO_BODY_LIMIT, PAGE_PHOTO_PATH: PHOTO_BODY_LIMIT}),
    ]
    media_dir = settings.data_dir / "media"
    media_dir.mkdir(parents=True, exist_ok=True)
    routes = [*all_routes(development=settings.is_development),
              static_mount(),
              Mount("/media", app=StaticFiles(directory=media_dir), name="media"), *last_routes()]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={ApiError: api_error_handler, HTTPException: http_exception_handler,
                            asyncpg.PostgresError: postgres_error_handler},
        lifespan=lifespan,
    )
    # The same routes and lifespan in a router that tries only the routes a path's first segment can match.
    app.router = IndexedRouter(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.secrets = Secrets.load(settings)
    app.state.storage = storage_from_env(settings.data_dir)

    async def current_pool() -> asyncpg.Pool:
        return app.state.pool

    app.state.payments = payment_gateway(settings, app.state.secrets.data_key, current_pool)
    app.state.database = database
    app.state.openapi = None
    app.state.expected_migration = expected_migration()
    return app

# Test: pytest tests/http/
