# tests/http/test_indexed_router.py — app/routing.py's IndexedRouter picks, for every path, the route Starlette's full scan picks.
from __future__ import annotations

import re

import pytest
from starlette.routing import Match, Mount, Route, Router

from app.routes import all_routes, last_routes
from app.routing import IndexedRouter, _first_segment
from app.static_files import static_mount


def _table() -> list:
    return [*all_routes(development=True), static_mount(), Mount("/media", app=Router(routes=[])), *last_routes()]


def _pick(routes: list, scope: dict) -> tuple[str, object] | None:
    """Starlette's choice over `routes`: the first full match, else the first partial (405)."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return "full", route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return ("partial", partial) if partial is not None else None


def _paths() -> list[str]:
    """Every route's path with its parameters filled in (and with a trailing slash, a suffix, a case change), the
    mounts' roots, and paths no route holds."""
    out = ["/", "", "/nope", "/api", "/api/", "/api/v1", "/api/v1/", "/api/v1/nope", "/dashboard/", "/admin/x/y",
           "/static/app.css", "/media/a.png", "/x/y/z", "//double", "/%00"]

    def walk(routes: list, prefix: str) -> None:
        for r in routes:
            if isinstance(r, Mount):
                walk(list(r.routes), prefix + r.path)
                out.append(prefix + r.path + "/anything")
            elif isinstance(r, Route):
                path = prefix + re.sub(r"\{[^}]+\}", "a1b2", r.path)
                out.extend([path, path + "/", path + "/extra", path.upper()])

    walk(_table(), "")
    return out


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_the_indexed_router_picks_what_the_full_scan_picks(method):
    table = _table()
    indexed = IndexedRouter(routes=table)
    buckets, anywhere = indexed._buckets()
    for path in _paths():
        scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
        segment = path[1:].partition("/")[0]
        assert _pick(buckets.get(segment, anywhere), scope) == _pick(table, scope), path


def test_inner_tables_are_indexed_too():
    # The sections' own routers (API, dashboard, admin) bucket their routes; a request to the slots endpoint tries
    # a handful of routes instead of every one.
    sections = [r for r in _table() if isinstance(r, Mount) and isinstance(r.app, IndexedRouter)]
    assert {s.path for s in sections} == {"/api/v1", "/dashboard", "/admin"}
    api = next(s for s in sections if s.path == "/api/v1")
    buckets, _ = api.app._buckets()
    assert len(buckets["public"]) < len(api.routes) / 4


@pytest.mark.parametrize(("path", "segment"), [
    ("/public/consultants/{slug}/slots", "public"), ("/healthz", "healthz"), ("/{slug}", None),
    ("/dash{x}", None), ("/a/{b}", "a"),
])
def test_first_segment(path, segment):
    from app.routing import _ANY

    assert _first_segment(Route(path, lambda r: None)) == (segment or _ANY)


def test_a_mount_is_keyed_by_its_first_segment():
    assert _first_segment(Mount("/api/v1", app=Router(routes=[]))) == "api"

# Test: pytest tests/http/test_indexed_router.py
