# app/paging.py — keyset pages over HTTP, one shape for every list read a page at a time: `before` and `limit` in, `{items, next}` out (the SQL side: db/functions/paging.sql).
"""A list's page is newest first; `next` is its last item's id, which the client passes back as `before` for the
following (older) page, null on the last. A `before` that is not an id of the list's kind is 422 on `before`
(the query schema); one naming no item the caller can read is the same 422, from the database (api.page_after)."""
from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request

from app.jsonio import JSONResponse
from app.sql import run
from app.validation import QuerySchema

NEXT = "Pass as `before` for the next (older) page; null on the last."


class PageQuery(QuerySchema):
    """The query of a keyset list: a subclass adds `before` (typed as the list's ids, `before_field`) and filters."""

    limit: int = Field(default=50, ge=1, le=200)


def before_field(items: str, **constraints: Any) -> Any:
    """The `before` parameter of a list of `items`: the previous page's `next`."""
    return Field(default=None, description=f"The previous page's `next`: {items} older than it.", **constraints)


def next_field() -> Any:
    """The `next` member of a page answer."""
    return Field(description=NEXT)


async def keyset_page(request: Request, named: str, query: PageQuery, **params: Any) -> JSONResponse:
    """Run the named list query for the signed-in caller with the page's `before` and `limit` (and any other
    fields of the query it declares; keywords win) and answer its page as it is."""
    return JSONResponse(await run(request.app.state.pool, named, request.state.caller, query, **params))

# Test: pytest tests/http/test_payouts.py tests/http/test_documents.py
