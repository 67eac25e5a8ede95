# app/routes/__init__.py — the one route table, assembled from each domain's `routes` list.
from __future__ import annotations

from starlette.routing import BaseRoute

from app.routes import (
    admin,
    auth,
    availability,
    clients,
    dev,
    docs,
    health,
    payments,
    profile,
    public,
    sessions,
)


def all_routes(*, development: bool) -> list[BaseRoute]:
    table: list[BaseRoute] = [*health.routes, *docs.routes, *auth.routes, *admin.routes, *profile.routes,
                               *availability.routes, *public.routes, *sessions.routes, *clients.routes,
                               *payments.routes]
    if development:
        table += dev.routes
    return table

# Test: pytest tests/http/test_openapi.py
