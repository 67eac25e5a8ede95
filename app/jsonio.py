# app/jsonio.py — JSON in C (orjson) for every API answer and for asyncpg's json/jsonb codecs: one home for the format.
"""The standard library's encoder and decoder were most of the slots answer's Python time (issue 20's profile:
py-spy of `nakksha serve` under wrk). orjson writes the same compact UTF-8 JSON as Starlette's JSONResponse
(no spaces, non-ASCII as is) and, like it, never writes NaN or Infinity (orjson writes null; nothing here
produces either: money is text, counts are integers). Non-string keys are written as strings, as `json.dumps`
did, so a dict keyed by a number or a date answers the same as before."""
from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse as _StarletteJSONResponse

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """orjson's JSON; what it cannot write (an integer beyond 64 bits, from a hostile request body handed on to the
    database, which refuses it in the error shape) goes through the standard library, as everything did before."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def dumps_text(value: Any) -> str:
    """For asyncpg's json/jsonb text codec (it wants str)."""
    return dumps(value).decode()


loads = orjson.loads


class JSONResponse(_StarletteJSONResponse):
    """Starlette's JSONResponse, rendered by orjson."""

    def render(self, content: Any) -> bytes:
        return dumps(content)

# Test: pytest tests/http/test_jsonio.py tests/fuzz/test_abuse_parser.py
