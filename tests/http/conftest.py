# tests/http/conftest.py — the app, with its lifespan, on a fresh database, driven through httpx's ASGI transport.
from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from app.config import Settings
from app.main import create_app
from tests.conftest import TEST_DATA_DIR


def make_app(db, **overrides) -> Starlette:
    overrides.setdefault("env", "test")
    overrides.setdefault("data_dir", TEST_DATA_DIR)
    settings = Settings.from_env({}, database_url=db.admin_url, **overrides)
    return create_app(settings)


@pytest.fixture
async def app(db) -> AsyncIterator[Starlette]:
    application = make_app(db)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c

# Test: pytest tests/http/
