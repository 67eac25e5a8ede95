# app/jsonio.py — JSON in C (orjson) for every API answer and for asyncpg's json/jsonb codecs: one home for the format.
"""The standard library's encoder and decoder were most of the slots answer's Python time (issue 20's profile:
py-spy of `nakksha serve` under wrk). orjson writes the same compact UTF-8 JSON as Starlette's JSONResponse
(no spaces, non-ASCII as is) and, like it, never writes NaN or Infinity (orjson writes null; nothing here
produces either: money is text, counts are integers). Non-string keys are written as strings, as `json.dumps`
did, so a dict keyed by a number or a date answers the same as before."""
from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse as _StarletteJSONResponse

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=_OPTIONS)


def dumps_text(value: Any) -> str:
    """For asyncpg's json/jsonb text codec (it wants str)."""
    return orjson.dumps(value, option=_OPTIONS).decode()


loads = orjson.loads


class JSONResponse(_StarletteJSONResponse):
    """Starlette's JSONResponse, rendered by orjson."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=_OPTIONS)

# Test: pytest tests/http/test_errors.py tests/unit/test_jsonio.py
