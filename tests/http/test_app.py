# tests/http/test_app.py — what every response carries: security headers, request ids, CORS, HSTS, error shape, logs.
from __future__ import annotations

import logging
import re

import httpx
import pytest
from starlette.requests import Request
from starlette.routing import Route

from app.config import Settings
from app.main import create_app
from app.middleware import RequestIdFilter
from tests.http.conftest import make_app

FRONT = "https://front.example"


async def boom(request: Request):
    raise RuntimeError("secret-internal-detail")


def with_test_routes(application):
    application.router.routes.append(Route("/_test/boom", boom, methods=["GET"]))
    return application


async def _client_for(application):
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
async def web(db):
    async for c in _client_for(with_test_routes(make_app(db, cors_origins=(FRONT,)))):
        yield c


@pytest.fixture
async def production(db):
    # make_app pins env="test"; production needs no secrets at app creation (today).
    settings = Settings.from_env({}, env="production", database_url=db.admin_url)
    async for c in _client_for(with_test_routes(create_app(settings))):
        yield c


def assert_error_shape(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code


SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def assert_security_headers(r: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert r.headers.get(name) == value, f"{name} missing on {r.status_code} {r.request.url}"
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "permissions-policy" in r.headers
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers.get("x-request-id", "")), r.headers.get("x-request-id")


async def requests_of_every_kind(c: httpx.AsyncClient) -> dict[int, httpx.Response]:
    return {
        200: await c.get("/healthz"),
        404: await c.get("/no/such/page"),
        405: await c.post("/healthz"),
        413: await c.post("/healthz", content=b"x" * (1024 * 1024 + 1), headers={"content-type": "application/json"}),
        500: await c.get("/_test/boom"),
    }


async def test_security_headers_on_every_response(web):
    for status, r in (await requests_of_every_kind(web)).items():
        assert r.status_code == status, (status, r.text)
        assert_security_headers(r)


async def test_error_statuses_use_the_error_shape(web):
    responses = await requests_of_every_kind(web)
    assert_error_shape(responses[404], 404, "not_found")
    assert_error_shape(responses[405], 405, "method_not_allowed")
    assert "GET" in responses[405].headers.get("allow", "")
    assert_error_shape(responses[413], 413, "payload_too_large")
    assert_error_shape(responses[500], 500, "internal_error")
    # Static files and mounts answer 404 in the same shape.
    assert_error_shape(await web.get("/static/nope.css"), 404, "not_found")


async def test_500_reveals_no_internals(web, caplog):
    with caplog.at_level(logging.ERROR, logger="nakksha.http"):
        r = await web.get("/_test/boom")
    assert r.status_code == 500
    assert "secret-internal-detail" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    # ... but the log has it, with the request id.
    logged = [rec for rec in caplog.records if rec.name == "nakksha.http" and rec.exc_info]
    assert logged and "secret-internal-detail" in str(logged[0].exc_info[1])


async def test_request_id_is_generated(web):
    a, b = await web.get("/healthz"), await web.get("/healthz")
    for r in (a, b):
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    assert a.headers["x-request-id"] != b.headers["x-request-id"]


async def test_sane_request_id_is_echoed(web):
    r = await web.get("/healthz", headers={"x-request-id": "lb-7f3a2c91.0001"})
    assert r.headers["x-request-id"] == "lb-7f3a2c91.0001"
    r = await web.get("/no/such/page", headers={"x-request-id": "abcdef0123456789"})
    assert r.headers["x-request-id"] == "abcdef0123456789"


@pytest.mark.parametrize("junk", ["a b", "x" * 500, "short", "<script>alert(1)</script>", "id;rm -rf"])
async def test_junk_request_id_is_replaced(web, junk):
    r = await web.get("/healthz", headers={"x-request-id": junk})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    assert r.headers.get_list("x-request-id") == [r.headers["x-request-id"]]


async def test_cors_preflight_from_allowed_origin(web):
    r = await web.options("/healthz", headers={
        "origin": FRONT, "access-control-request-method": "GET",
        "access-control-request-headers": "authorization, content-type"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == FRONT
    assert "GET" in r.headers["access-control-allow-methods"]
    assert r.headers.get("access-control-allow-credentials") == "true"


async def test_cors_simple_request_from_allowed_origin(web):
    r = await web.get("/healthz", headers={"origin": FRONT})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == FRONT
    assert "x-request-id" in r.headers.get("access-control-expose-headers", "").lower()


@pytest.mark.parametrize("origin", ["https://evil.example", "http://front.example", "https://front.example.evil.com"])
async def test_cors_foreign_origin_gets_nothing(web, origin):
    r = await web.options("/healthz", headers={"origin": origin, "access-control-request-method": "GET"})
    assert r.status_code == 400
    assert "access-control-allow-origin" not in r.headers
    r = await web.get("/healthz", headers={"origin": origin})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers


async def test_no_cors_without_configured_origins(client):
    r = await client.get("/healthz", headers={"origin": FRONT})
    assert "access-control-allow-origin" not in r.headers and "vary" not in r.headers
    # No CORS layer at all: a preflight is an OPTIONS like any other, answered in the error shape.
    r = await client.options("/healthz", headers={"origin": FRONT, "access-control-request-method": "GET"})
    assert_error_shape(r, 405, "method_not_allowed")
    assert "access-control-allow-origin" not in r.headers


async def test_hsts_only_outside_development(web, production):
    assert "strict-transport-security" not in (await web.get("/healthz")).headers
    for r in (await requests_of_every_kind(production)).values():
        hsts = r.headers.get("strict-transport-security", "")
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000, r.status_code


async def test_production_has_no_dev_pages(production, web):
    assert_error_shape(await production.get("/dev/outbox"), 404, "not_found")
    assert (await web.get("/dev/outbox")).status_code == 200


async def test_log_lines_carry_the_request_id(web, caplog):
    id_filter = RequestIdFilter()
    caplog.handler.addFilter(id_filter)
    try:
        with caplog.at_level(logging.INFO, logger="nakksha.http"):
            ok = await web.get("/healthz")
            mine = await web.get("/healthz", headers={"x-request-id": "trace-123456789"})
            failed = await web.get("/_test/boom")
    finally:
        caplog.handler.removeFilter(id_filter)
    records = [rec for rec in caplog.records if rec.name == "nakksha.http"]
    ids = {rec.request_id for rec in records}
    for r in (ok, mine, failed):
        assert r.headers["x-request-id"] in ids
    assert mine.headers["x-request-id"] == "trace-123456789"
    # The access line says what was asked and how it went, under that request's id.
    access = [rec for rec in records if rec.request_id == ok.headers["x-request-id"]]
    assert len(access) == 1 and "GET /healthz 200" in access[0].getMessage()
    # The traceback of the failed request and its access line share one id.
    failed_lines = [rec for rec in records if rec.request_id == failed.headers["x-request-id"]]
    assert any(rec.exc_info for rec in failed_lines)
    assert any("GET /_test/boom 500" in rec.getMessage() for rec in failed_lines)
    # Outside a request the id is a placeholder, not a stale one.
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    id_filter.filter(outside)
    assert outside.request_id == "-"

# Test: pytest tests/http/test_app.py
