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
    assert modules - {m.__name__.rsplit(".", 1)[1] for m in DOMAINS} == {"dev", "forms", "form_errors", "quotation_form"}


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


async def test_a_trailing_slash_redirect_stays_on_this_server(client):
    # The Location is the path itself: Starlette built it from the Host header, so a forged Host sent the browser
    # to another site. The query is kept; a path that would read as another host ("//…") is not sent on.
    r = await client.get("/dashboard/sessions/?page=2", headers={"Host": "evil.example"})
    assert (r.status_code, r.headers["location"]) == (307, "/dashboard/sessions?page=2")
    r = await client.get("/api/v1/sessions/", headers={"Host": "evil.example"})
    assert (r.status_code, r.headers["location"]) == (307, "/api/v1/sessions")
    r = await client.get("/%2Fevil.example/")  # the path //evil.example/
    assert r.status_code == 404 and "location" not in r.headers


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("DELETE", "/api/v1/openapi.json", "GET, HEAD"),
    ("GET", "/api/v1/auth/login", "POST"),  # not the site's /auth/login page: the walk starts at the top
    ("GET", "/api/v1/auth/verify-email", "POST"),
    ("DELETE", "/api/v1/sessions", "GET, HEAD, POST"),
    ("PUT", "/api/v1/sessions/00000000-0000-0000-0000-000000000001", "GET, HEAD, PATCH"),
    ("PUT", "/api/v1/consultants/me/availability/slots", "GET, HEAD, POST"),
    ("PUT", "/dashboard/events", "GET, HEAD"),
    ("PUT", "/admin/login", "GET, HEAD, POST"),
    ("POST", "/healthz", "GET, HEAD"),
])
async def test_a_wrong_method_is_a_405_naming_every_method_served_there(client, method, path, allow):
    response = await client.request(method, path)
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"
    assert response.headers["allow"] == allow

# Test: pytest tests/http/test_routing.py
