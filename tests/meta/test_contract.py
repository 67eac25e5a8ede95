# tests/meta/test_contract.py — the contract check the API tests run on every answer can fail: undocumented statuses and codes, bodies off their schema, server errors.
from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from app.endpoints import endpoint
from app.openapi import build_document
from app.validation import Schema
from tests.contract_check import ContractBroken, contract_hook


class Thing(Schema):
    name: str
    count: int


@endpoint(summary="A thing.", responses={200: Thing, 404: None})
async def thing(request: Request) -> JSONResponse:
    answers = {
        "good": (200, {"name": "x", "count": 1}),
        "off-schema": (200, {"name": "x", "count": "one"}),
        "undocumented": (409, {"error": {"code": "conflict", "message": "No.", "field": None}}),
        "bad-error": (404, {"detail": "Not Found"}),
        "missing": (404, {"error": {"code": "not_found", "message": "No such thing.", "field": None}}),
        "unlisted-code": (404, {"error": {"code": "thing_vanished", "message": "Gone.", "field": None}}),
        "server-error": (500, {"error": {"code": "internal_error", "message": "Oops.", "field": None}}),
    }
    status, body = answers[request.path_params["kind"]]
    return JSONResponse(body, status_code=status)


@endpoint(summary="Untyped.", responses={200: None})
async def untyped(request: Request) -> JSONResponse:
    return JSONResponse({"anything": True})


async def page(request: Request) -> PlainTextResponse:
    return PlainTextResponse("a page", status_code=418)


ROUTES = [Route("/api/v1/things/{kind}", thing, methods=["GET"]), Route("/api/v1/untyped", untyped, methods=["GET"]),
          Route("/page", page, methods=["GET"])]


@pytest.fixture
async def checked():
    app = Starlette(routes=ROUTES)
    hook = contract_hook(build_document(ROUTES))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                 event_hooks={"response": [hook]}) as client:
        yield client


async def test_an_answer_the_document_allows_passes(checked):
    assert (await checked.get("/api/v1/things/good")).json() == {"name": "x", "count": 1}
    assert (await checked.get("/page")).status_code == 418  # pages are not the API's contract
    assert (await checked.get("/api/v1/things/missing")).status_code == 404  # a listed status and code


@pytest.mark.parametrize(("kind", "says"), [
    ("off-schema", "count: 'one' is not of type 'integer'"),
    ("undocumented", "the document lists only"),
    ("bad-error", "'error' is a required property"),
    ("server-error", "a server error"),
    ("unlisted-code", "code 'thing_vanished' is not among the codes listed"),  # app/error_codes.py
])
async def test_an_answer_off_the_document_fails_the_test(checked, kind, says):
    with pytest.raises(ContractBroken, match=says):
        await checked.get(f"/api/v1/things/{kind}")


async def test_a_2xx_json_answer_needs_a_schema(checked):
    with pytest.raises(ContractBroken, match="no JSON schema"):
        await checked.get("/api/v1/untyped")


async def test_an_unknown_api_path_still_answers_in_the_error_shape(checked):
    assert (await checked.get("/api/v1/nowhere")).status_code == 404  # Starlette's own 404 here is plain text

# Test: pytest tests/meta/test_contract.py
