# tests/http/test_openapi.py — the OpenAPI document covers the whole route table, and the docs page works offline.
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, Router

from app.config import Settings
from app.endpoints import endpoint as documented
from app.main import create_app
from app.openapi import build_document, doc_of, iter_routes, model_schema
from app.validation import Schema


def openapi_path(path: str) -> str:
    """Starlette's `{id:uuid}` is OpenAPI's `{id}`."""
    return re.sub(r"\{([^}:]+):[^}]+\}", r"{\1}", path)


def coverage_problems(routes: list[BaseRoute], document: dict) -> list[str]:
    """Every route has metadata, and is in the document exactly when its metadata says so (a path may be
    served by several routes, one per method)."""
    problems = []
    paths = document["paths"]
    for path, route in iter_routes(routes):
        meta = doc_of(route)
        if meta is None:
            problems.append(f"{path}: handler {route.name} has no __doc_meta__ (use app.endpoints.endpoint)")
            continue
        documented_methods = set(paths.get(openapi_path(path), {}))
        wanted = {m.lower() for m in (route.methods or set()) - {"HEAD"}}
        if meta.include and not wanted <= documented_methods:
            problems.append(f"{path}: documents {sorted(documented_methods)}, route {route.name} has {sorted(wanted)}")
        if not meta.include and documented_methods & wanted:
            problems.append(f"{path}: excluded (include=False) but in the document")
    routed: dict[str, set[str]] = {}
    for path, route in iter_routes(routes):
        if doc_of(route) is not None and doc_of(route).include:
            routed.setdefault(openapi_path(path), set()).update(m.lower() for m in (route.methods or set()) - {"HEAD"})
    for path, ops in paths.items():
        extra = set(ops) - routed.get(path, set())
        if extra:
            problems.append(f"{path}: documents {sorted(extra)} that no route serves")
    known = {openapi_path(p) for p, _ in iter_routes(routes)}
    problems += [f"{p}: in the document but not a route" for p in paths if p not in known]
    return problems


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


async def _client(settings: Settings):
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield application, c


@pytest.fixture(params=["test", "production"])
async def served(db, request):
    """The app as configured for development/test (with dev pages) and for production (without)."""
    async for pair in _client(Settings.from_env({}, env=request.param, database_url=db.admin_url)):
        yield pair


async def test_document_is_openapi_3_1(client):
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["components"]["schemas"]["Error"]["required"] == ["error"]
    ready = doc["paths"]["/readyz"]["get"]
    assert ready["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Ready"
    assert "503" in ready["responses"]
    # Every $ref points at something that exists.
    refs = list(_refs(doc))
    assert refs and all(ref.removeprefix("#/components/schemas/") in doc["components"]["schemas"] for ref in refs)
    # operationIds are unique.
    op_ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(op_ids) == len(set(op_ids))


async def test_every_route_is_documented_or_explicitly_excluded(served):
    application, c = served
    routes = iter_routes(application.routes)
    assert {"/healthz", "/readyz", "/api/v1/openapi.json"} <= {p for p, _ in routes}
    doc = (await c.get("/api/v1/openapi.json")).json()
    assert coverage_problems(application.routes, doc) == []


async def test_the_document_is_a_valid_openapi_3_1_document(served):
    """openapi-spec-validator is what a frontend's tooling checks first: defaults against their schemas,
    references, the 3.1 meta-schema. Public operations say they need no credentials; servers and licence."""
    _, c = served
    doc = (await c.get("/api/v1/openapi.json")).json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in OpenAPIV31SpecValidator(doc).iter_errors()]
    assert errors == []
    assert doc["servers"] and doc["info"]["license"]["name"]
    operations = [op for item in doc["paths"].values() for op in item.values()]
    assert all("security" in op for op in operations)
    assert {"/api/v1/public/consultants/{slug}"} <= {p for p, item in doc["paths"].items()
                                                     if item.get("get", {}).get("security") == []}


async def test_every_success_answer_is_typed(served):
    """A generated client gets a type for every answer: each 2xx JSON body is an object with properties, a list
    of them or a map (a response model next to its handler), never a bare {"type": "object"}."""
    _, c = served
    doc = (await c.get("/api/v1/openapi.json")).json()
    components = doc["components"]["schemas"]
    untyped = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for status, answer in op["responses"].items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                if not status.startswith("2") or schema is None:
                    continue
                schema = components[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
                if not (schema.get("properties") or schema.get("type") == "array"
                        or isinstance(schema.get("additionalProperties"), dict)):
                    untyped.append(f"{method.upper()} {path} {status}")
    assert untyped == []
    errors = [op["responses"][s] for item in doc["paths"].values() for op in item.values()
              for s in op["responses"] if int(s) >= 400]
    assert errors and all(e["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                          for e in errors)


async def test_headers_are_declared(served):
    """What a client sends and reads besides the body: X-Request-ID everywhere, Retry-After on 429 and 503,
    the booking's Idempotency-Key."""
    _, c = served
    doc = (await c.get("/api/v1/openapi.json")).json()
    for item in doc["paths"].values():
        for op in item.values():
            assert "X-Request-ID" in {p["name"] for p in op["parameters"] if p["in"] == "header"}
            for status, answer in op["responses"].items():
                assert "X-Request-ID" in answer["headers"]
                assert ("Retry-After" in answer["headers"]) == (status in ("429", "503"))
    booking = doc["paths"]["/api/v1/public/consultants/{slug}/bookings"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in booking["parameters"]}
    answer = await c.get("/healthz", headers={"X-Request-ID": "my-request-0001"})
    assert answer.headers["x-request-id"] == "my-request-0001"


async def test_a_new_password_is_documented_as_the_server_checks_it(served, client):
    """10–128 characters in the document and at the door (422 weak_password either way), found by Schemathesis
    documented as 1–1024."""
    _, c = served
    schemas = (await c.get("/api/v1/openapi.json")).json()["components"]["schemas"]
    for model, field in (("SignupBody", "password"), ("ResetPasswordBody", "password"),
                         ("ChangePasswordBody", "new_password"), ("CreateAdminBody", "password")):
        prop = schemas[model]["properties"][field]
        assert (prop["minLength"], prop["maxLength"]) == (10, 128), model
    r = await client.post("/api/v1/auth/signup", json={
        "email": "short@example.com", "password": "x" * 9, "first_name": "A", "last_name": "B",
        "phone_country_code": "+91", "phone_number": "9876543210"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "weak_password"


async def test_every_error_lists_its_codes_and_every_rule_beyond_the_schema_names_a_real_operation(client):
    from app.beyond_schema import BEYOND_SCHEMA
    from app.error_codes import SPECIFIC

    doc = (await client.get("/api/v1/openapi.json")).json()
    ops = {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}
    assert set(BEYOND_SCHEMA) <= set(ops) and set(SPECIFIC) <= set(ops)
    for op_id, op in ops.items():
        for status, answer in op["responses"].items():
            if int(status) >= 400:
                assert isinstance(answer["x-codes"], list), (op_id, status)
        for status in SPECIFIC.get(op_id, {}):  # a listed code's status is a listed status
            assert str(status) in op["responses"], (op_id, status)
        if op_id in BEYOND_SCHEMA:
            assert op["description"].startswith("Rules the schema cannot state") and op["x-beyond-schema"]
    book = ops["book_slot"]["responses"]
    assert {"slot_taken", "slot_full", "idempotency_key_in_use"} <= set(book["409"]["x-codes"])
    assert "`slot_taken`" in book["409"]["description"]
    # Path parameters say what their route reads; query parameters are never null.
    session = ops["get_session"]["parameters"][0]
    assert session["schema"] == {"type": "string", "format": "uuid"}
    for op in ops.values():
        for p in op["parameters"]:
            assert "null" not in str(p["schema"].get("anyOf", "")) and p["schema"].get("type") != "null", p


def test_a_field_that_may_be_left_out_is_not_documented_as_defaulting_to_null():
    class Patch(Schema):
        name: str = None  # type: ignore[assignment]
        note: str | None = None

    schema = model_schema(Patch)
    assert "default" not in schema["properties"]["name"]
    assert schema["properties"]["note"]["default"] is None
    assert "required" not in schema


def test_two_models_of_one_name_cannot_share_the_document():
    class Widget(Schema):  # a second, different model named like the module's Widget
        colour: str

    routes = [Route("/a", make_widget, methods=["POST"]),
              Route("/b", documented(summary="B.", body=Widget)(undocumented_handler), methods=["POST"])]
    with pytest.raises(ValueError, match="Widget"):
        build_document(routes)


async def test_dev_pages_are_not_documented_nor_routed_in_production(db):
    async for application, c in _client(Settings.from_env({}, env="production", database_url=db.admin_url)):
        assert not any(p.startswith("/dev") for p, _ in iter_routes(application.routes))
        doc = (await c.get("/api/v1/openapi.json")).json()
        assert not any(p.startswith("/dev") for p in doc["paths"])


async def undocumented_handler(request: Request) -> JSONResponse:
    return JSONResponse({})


class Widget(Schema):
    name: str


@documented(summary="A widget.", tags=("test",), body=Widget, responses={201: Widget}, auth="consultant")
async def make_widget(request: Request) -> JSONResponse:
    return JSONResponse({}, status_code=201)


def test_coverage_check_catches_a_route_without_metadata(app):
    """The check above can fail: a route added without metadata, even nested in a Mount, is reported."""
    nested = Mount("/api/v1/things", routes=[Route("/{thing_id}", undocumented_handler, methods=["GET"])])
    routes = [*app.routes, Route("/api/v1/bare", undocumented_handler, methods=["GET"]), nested]
    problems = coverage_problems(routes, build_document(routes))
    assert any(p.startswith("/api/v1/bare:") for p in problems)
    assert any(p.startswith("/api/v1/things/{thing_id}:") for p in problems)


def test_documented_route_appears_with_its_body_auth_and_path_parameter():
    routes: list[BaseRoute] = [
        Mount("/api/v1", routes=[Route("/widgets/{widget_id:uuid}", make_widget, methods=["PUT", "POST"])]),
    ]
    doc = build_document(routes)
    assert coverage_problems(routes, doc) == []
    item = doc["paths"]["/api/v1/widgets/{widget_id}"]
    assert set(item) == {"put", "post"}
    op = item["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Widget"}
    # {widget_id:uuid} is documented as a UUID (a generated client then types it so).
    assert op["parameters"][0] == {"name": "widget_id", "in": "path", "required": True,
                                   "schema": {"type": "string", "format": "uuid"}}
    assert op["security"] == [{"bearerAuth": []}]
    assert {"201", "401", "403", "413", "415", "422"} <= set(op["responses"])
    assert doc["components"]["schemas"]["Widget"]["additionalProperties"] is False
    assert item["put"]["operationId"] != op["operationId"]


def test_excluded_route_is_left_out():
    excluded = documented(summary="Hidden.", include=False)(lambda request: None)
    routes = [Route("/internal", excluded, methods=["GET"])]
    doc = build_document(routes)
    assert doc["paths"] == {} and coverage_problems(routes, doc) == []


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


async def test_docs_page_uses_only_same_origin_assets(client):
    r = await client.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert not re.search(r"(https?:)?//[^\s\"'<>]+", r.text), "the docs page loads something from another host"
    parser = _Refs()
    parser.feed(r.text)
    assert parser.urls
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url
        asset = await client.get(url)
        assert asset.status_code == 200, url
    assert "script-src 'self'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("path, kind", [
    ("/api/docs/assets/swagger-ui-bundle.js", "javascript"),
    ("/api/docs/assets/swagger-ui.css", "text/css"),
    ("/api/docs/init.js", "javascript"),
])
async def test_docs_assets_are_served_by_the_app(client, path, kind):
    r = await client.get(path)
    assert r.status_code == 200
    assert kind in r.headers["content-type"]
    assert len(r.content) > 50


async def test_docs_init_points_at_our_document(client):
    r = await client.get("/api/docs/init.js")
    assert '"/api/v1/openapi.json"' in r.text
    assert (await client.get("/api/v1/openapi.json")).status_code == 200


def test_iter_routes_walks_nested_mounts():
    inner = Router(routes=[Route("/c", undocumented_handler)])
    routes = [Mount("/a", routes=[Mount("/b", app=inner)]), Route("/d", undocumented_handler)]
    assert [p for p, _ in iter_routes(routes)] == ["/a/b/c", "/d"]

# Test: pytest tests/http/test_openapi.py
