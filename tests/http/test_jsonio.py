# tests/http/test_jsonio.py — app/jsonio.py: orjson writes what Starlette's JSONResponse wrote, and falls back where orjson cannot.
from __future__ import annotations

import json

import pytest
from starlette.responses import JSONResponse as StarletteJSONResponse

from app.jsonio import JSONResponse, dumps, dumps_text, loads

SAMPLES = [
    {"items": [{"amount": "1499.00", "n": 3, "ok": True, "none": None}], "name": "अनीता 😀", "rate": 0.125},
    [1, -2, 3.5, "a\"b\\c\n", {"nested": {"x": []}}],
    {"deep": [[[["x"]]]], "empty": {}, "unicode": "\u2028\u00e9"},
]


@pytest.mark.parametrize("value", SAMPLES)
def test_same_json_as_starlette(value):
    assert JSONResponse(value).body == StarletteJSONResponse(value).body


def test_numbers_and_keys_orjson_cannot_write_fall_back_to_the_standard_library():
    assert json.loads(dumps({"big": 10 ** 30})) == {"big": 10 ** 30}
    assert dumps_text({1: "one"}) == '{"1":"one"}'
    with pytest.raises(TypeError):
        dumps({"x": object()})


def test_loads_reads_what_the_database_sends():
    # Integers within 64 bits exactly (the database stores no larger one: every write path refuses them).
    text = '{"a": [1, 2.5, "x", 9223372036854775807, -9223372036854775808]}'
    assert loads(text) == json.loads(text)

# Test: pytest tests/http/test_jsonio.py
