# app/endpoints.py — `endpoint(...)`: an endpoint's OpenAPI description and its guard, declared once on the handler.
from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app.auth import AUTH_LEVELS, authenticate
from app.openapi import Doc
from app.sql import description
from app.web import guard_page

Handler = Callable[[Request], Awaitable[Response]]


def endpoint(*, named: str | None = None, **kwargs: Any) -> Callable[[Handler], Handler]:
    """Describe a handler for the OpenAPI document and enforce the `auth` it declares (the document and
    the enforcement cannot disagree), for the API and pages alike: an API call's bearer token, or for a page
    (tagged "pages") the browser's session cookie, whose refusals are a page's (the sign-in page, the
    dashboard, a 403 page; app.web.guard_page) rather than the API's 401/403. The caller lands in
    request.state.caller. Routing stays in the route tables.

    `named` is the named query (app/queries) the endpoint runs: its description is the endpoint's summary, so
    what a request does is written once, beside its SQL."""
    if named is not None:
        if "summary" in kwargs:
            raise ValueError(f"{named}: the summary of an endpoint with named= is its query's description")
        kwargs["summary"] = description(named)
    meta = Doc(**kwargs)
    if meta.auth not in AUTH_LEVELS:
        raise ValueError(f"unknown auth level {meta.auth!r}")
    is_page = "pages" in meta.tags

    def wrap(fn: Handler) -> Handler:
        @functools.wraps(fn)
        async def guarded(request: Request) -> Response:
            if is_page:
                refused = await guard_page(request, meta.auth)
                if refused is not None:
                    return refused
            else:
                request.state.caller = await authenticate(request, meta.auth)
            return await fn(request)

        guarded.__doc_meta__ = meta  # type: ignore[attr-defined]
        return guarded

    return wrap

# Test: pytest tests/http/test_auth.py
