# tests/http/test_routing.py — the route table: each domain's tables sit under their mount, and the mounts keep the old paths' behaviour.
from __future__ import annotations

import pkgutil

import pytest

import app.routes as routes
from app.openapi import iter_routes
from app.routes import DOMAINS, Section, all_routes
from app.routes import dev as dev_routes

TABLES = {"api_routes": "/api/v1", "dashboard_routes": "/dashboard", "admin_routes": "/admin"}


def test_every_route_belongs_to_one_of_the_four_tables():
    for module in (*DOMAINS, dev_routes):
        assert not hasattr(module, "routes"), f"{module.__name__} still has a flat `routes` table"
        assert any(hasattr(module, t) for t in (*TABLES, "site_routes")), module.__name__
    # A new module is seen: only the development pages and the form helpers are not a domain of the table.
    modules = {m.name for m in pkgutil.iter_modules(routes.__path__)}
    assert modules - {m.__name__.rsplit(".", 1)[1] for m in DOMAINS} == {"dev", "forms"}


def test_a_mounted_table_is_written_relative_to_its_mount():
    for module in DOMAINS:
        for kind, prefix in TABLES.items():
            for path, _ in iter_routes(getattr(module, kind, [])):
                assert not path.startswith(prefix + "/"), f"{module.__name__}.{kind}: {path} repeats {prefix}"
        for path, _ in iter_routes(getattr(module, "site_routes", [])):
            assert path in TABLES.values() or not path.startswith(tuple(p + "/" for p in TABLES.values())), \
                f"{module.__name__}.site_routes: {path} belongs under its mount"


def test_only_development_mounts_the_dev_pages():
    assert not any(p.startswith("/dev/") for p, _ in iter_routes(all_routes(development=False)))
    assert any(p.startswith("/dev/") for p, _ in iter_routes(all_routes(development=True)))
    assert [type(r) for r in all_routes(development=False) if isinstance(r, Section)] == [Section] * 3


@pytest.mark.parametrize(("path", "status", "location"), [
    ("/dashboard/", 307, "/dashboard"),
    ("/admin/", 307, "/admin"),
    ("/api/v1/sessions/", 307, "/api/v1/sessions"),
    ("/dashboard/sessions/", 307, "/dashboard/sessions"),
    ("/api/v1/", 404, None),
    ("/api/v1", 404, None),
    ("/api/v1/no-such-thing", 404, None),
    ("/dashboard/no-such-page", 404, None),
])
async def test_paths_at_and_around_the_mounts(client, path, status, location):
    response = await client.get(path)
    assert response.status_code == status
    if location:
        assert response.headers["location"].endswith(location)
    else:
        assert response.json()["error"]["code"] == "not_found"


async def test_a_wrong_method_under_a_mount_is_a_405_in_the_error_shape(client):
    response = await client.delete("/api/v1/openapi.json")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"

# Test: pytest tests/http/test_routing.py
