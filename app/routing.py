# app/routing.py — a Starlette Router that tries only the routes whose literal start fits the path (same answers, fewer regexes).
"""Starlette's Router tries its routes in order, one regular expression each, until one matches: the slots
endpoint went through ~87 of them per request (issue 20's cProfile: route matching was a fifth of the Python
time of a slots request). This router buckets its routes by the first path segment of their literal start
("/public/consultants/{slug}/slots" → "public"; a mount "/api/v1" → "api") and tries only the request's bucket,
which keeps, in their original order, the routes whose first segment is not fixed ("/{slug}"). First match wins
as before, a route that matches the path but not the method still answers 405, and a path nothing matches goes
to Starlette's own full scan (its trailing-slash redirect and 404), so every answer is the one the plain
Router gives."""
from __future__ import annotations

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

_ANY = "\x00any"  # the bucket key of routes whose first segment is not fixed


def _first_segment(route: BaseRoute) -> str:
    """The first path segment every path this route matches starts with, or _ANY."""
    if isinstance(route, Mount):
        path, whole = route.path + "/", False  # a mount matches its path followed by "/"
    elif isinstance(route, Route):
        path, whole = route.path, True
    else:
        return _ANY
    literal = path.split("{", 1)[0]
    if not literal.startswith("/"):
        return _ANY
    head, slash, _ = literal[1:].partition("/")
    if slash or (whole and "{" not in path):
        return head
    return _ANY


class IndexedRouter(Router):
    def _buckets(self) -> tuple[dict[str, list[BaseRoute]], list[BaseRoute]]:
        key = (id(self.routes), len(self.routes))
        cached = getattr(self, "_bucket_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        keys = [_first_segment(r) for r in self.routes]
        buckets = {k: [r for r, rk in zip(self.routes, keys, strict=True) if rk in (k, _ANY)]
                   for k in set(keys) - {_ANY}}
        anywhere = [r for r, rk in zip(self.routes, keys, strict=True) if rk == _ANY]
        self._bucket_cache = (key, buckets, anywhere)
        return buckets, anywhere

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        buckets, anywhere = self._buckets()
        segment = get_route_path(scope)[1:].partition("/")[0]
        partial = partial_scope = None
        for route in buckets.get(segment, anywhere):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope.setdefault("router", self)
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope.setdefault("router", self)
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await super().app(scope, receive, send)  # no route: Starlette's redirect to the other slash, or 404

# Test: pytest tests/unit/test_routing.py tests/http/test_app.py
