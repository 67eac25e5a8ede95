# tests/http/test_bodies.py — request bodies: JSON parsing, strict schemas, content type and the size limit, all in the one error shape.
from __future__ import annotations

import json

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.validation import Schema, parse_body
from tests.http.conftest import make_app

LIMIT = 1024 * 1024


class Thing(Schema):
    name: str
    count: int


async def echo(request: Request) -> JSONResponse:
    thing = await parse_body(request, Thing)
    return JSONResponse(thing.model_dump())


@pytest.fixture
async def body_client(db):
    application = make_app(db)
    assert application.state.settings.max_body_bytes == LIMIT
    application.router.routes.append(Route("/_test/echo", echo, methods=["POST"]))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


def assert_error(r: httpx.Response, status: int, code: str, field: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


JSON = {"content-type": "application/json"}


def padded(size: int) -> bytes:
    """A valid body of exactly `size` bytes (JSON allows trailing whitespace)."""
    core = json.dumps({"name": "big", "count": 1}).encode()
    return core + b" " * (size - len(core))


async def chunks(data: bytes, size: int = 64 * 1024):
    for i in range(0, len(data), size):
        yield data[i:i + size]


async def test_valid_body_is_parsed(body_client):
    r = await body_client.post("/_test/echo", json={"name": "Asha", "count": 3})
    assert r.status_code == 200 and r.json() == {"name": "Asha", "count": 3}
    r = await body_client.post("/_test/echo", content=b'{"name": "A", "count": 1}',
                               headers={"content-type": "Application/JSON; charset=utf-8"})
    assert r.status_code == 200


@pytest.mark.parametrize("raw", [b'{"name": "Asha", "count":', b"", b"{'name': 'x'}", b'{"name": "\xff", "count": 1}'])
async def test_malformed_json_is_400(body_client, raw):
    r = await body_client.post("/_test/echo", content=raw, headers=JSON)
    assert_error(r, 400, "malformed_json")


@pytest.mark.parametrize("raw", [b'[{"name": "Asha", "count": 3}]', b'"text"', b"3", b"null"])
async def test_json_that_is_not_an_object_is_400(body_client, raw):
    r = await body_client.post("/_test/echo", content=raw, headers=JSON)
    assert_error(r, 400, "malformed_json")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_wrong_content_type_is_415(body_client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    r = await body_client.post("/_test/echo", content=b'{"name": "Asha", "count": 3}', headers=headers)
    assert_error(r, 415, "unsupported_media_type")


async def test_missing_field_is_422_naming_it(body_client):
    r = await body_client.post("/_test/echo", json={"name": "Asha"})
    assert_error(r, 422, "missing_field", "count")


@pytest.mark.parametrize("value", ["3", 3.5, True, None])
async def test_wrong_type_is_refused_not_coerced(body_client, value):
    r = await body_client.post("/_test/echo", json={"name": "Asha", "count": value})
    err = assert_error(r, 422, "validation_error", "count")
    assert "count" in err["message"]


async def test_unknown_field_is_422(body_client):
    r = await body_client.post("/_test/echo", json={"name": "Asha", "count": 3, "is_admin": True})
    assert_error(r, 422, "unknown_field", "is_admin")


async def test_body_over_the_limit_with_content_length_is_413(body_client):
    r = await body_client.post("/_test/echo", content=padded(LIMIT + 1), headers=JSON)
    assert_error(r, 413, "payload_too_large")


async def test_chunked_body_over_the_limit_is_413(body_client):
    r = await body_client.post("/_test/echo", content=chunks(padded(LIMIT + 1)), headers=JSON)
    assert "content-length" not in r.request.headers  # really sent without a length
    assert_error(r, 413, "payload_too_large")


async def test_body_longer_than_its_content_length_is_413(body_client):
    """A Content-Length that lies does not let a bigger body through."""
    r = await body_client.post("/_test/echo", content=chunks(padded(2 * LIMIT)),
                               headers={**JSON, "content-length": "100"})
    assert_error(r, 413, "payload_too_large")


async def test_invalid_content_length_is_400(body_client):
    r = await body_client.post("/_test/echo", content=chunks(b'{"name": "A", "count": 1}'),
                               headers={**JSON, "content-length": "-5"})
    assert_error(r, 400, "bad_request")


async def test_body_of_exactly_the_limit_is_accepted(body_client):
    body = padded(LIMIT)
    assert len(body) == LIMIT
    r = await body_client.post("/_test/echo", content=body, headers=JSON)
    assert r.status_code == 200, r.text
    r = await body_client.post("/_test/echo", content=chunks(body), headers=JSON)
    assert r.status_code == 200, r.text


async def test_limit_follows_settings(db):
    application = make_app(db, max_body_bytes=100)
    application.router.routes.append(Route("/_test/echo", echo, methods=["POST"]))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await c.post("/_test/echo", content=padded(100), headers=JSON)).status_code == 200
            assert_error(await c.post("/_test/echo", content=padded(101), headers=JSON), 413, "payload_too_large")
            assert_error(await c.post("/_test/echo", content=chunks(padded(101), 10), headers=JSON),
                         413, "payload_too_large")

# Test: pytest tests/http/test_bodies.py
