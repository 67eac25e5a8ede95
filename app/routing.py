# app/routing.py — a Starlette Router that tries only the routes whose literal start fits the path (same answers, fewer regexes).
"""Starlette's Router tries its routes in order, one regular expression each, until one matches: the slots
endpoint went through ~87 of them per request (issue 20's cProfile: route matching was a fifth of the Python
time of a slots request). This router buckets its routes by the first path segment of their literal start
("/public/consultants/{slug}/slots" → "public"; a mount "/api/v1" → "api") and tries only the request's bucket,
which keeps, in their original order, the routes whose first segment is not fixed ("/{slug}"). First match wins
as before, a route that matches the path but not the method still answers 405, and a path nothing matches gets
Starlette's answer (a redirect to the other trailing slash, or 404), its Location relative rather than built
from the Host header."""
from __future__ import annotations

from starlette._utils import get_route_path
from starlette.responses import RedirectResponse
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
        if scope["type"] != "http":  # lifespan (and websockets, which the app has none of): Starlette's own
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        buckets, anywhere = self._buckets()
        segment = get_route_path(scope)[1:].partition("/")[0]
        partial = partial_scope = None
        for route in buckets.get(segment, anywhere):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await self._other_slash_or_404(scope, receive, send)

    async def _other_slash_or_404(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Starlette's answer to a path no route holds: a redirect to the same path with the other trailing slash
        when a route holds that, else 404 — with the Location relative (this server's own path and query).
        Starlette builds it absolute from the Host header, so `GET /dashboard/` with `Host: evil.example` was
        sent on to evil.example. A path that would start with "//" (another host, to a browser) is not sent on."""
        route_path = get_route_path(scope)
        if self.redirect_slashes and route_path != "/":
            other = dict(scope)
            other["path"] = scope["path"].rstrip("/") if route_path.endswith("/") else scope["path"] + "/"
            if not other["path"].startswith("//") and any(r.matches(other)[0] is not Match.NONE for r in self.routes):
                location = other["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
                query = scope.get("query_string", b"").decode("latin-1")
                await RedirectResponse(location + (f"?{query}" if query else ""))(scope, receive, send)
                return
        await self.default(scope, receive, send)

# Test: pytest tests/unit/test_routing.py tests/http/test_app.py
