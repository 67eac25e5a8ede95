# tests/fuzz/test_abuse_parser.py — bodies built to break the JSON parser (deep nesting, numbers of a million digits), sent to every endpoint that reads a JSON body: a 400 or a 422 in the one error shape, never a 500 or a traceback.
"""Found from outside (issue 16): 100,000 nested `[` raised RecursionError and a 900,000-digit number raised
ValueError inside json.loads, so an unauthenticated request answered 500 and logged a traceback. The rule:
a body the parser refuses is 400 `malformed_json`; a number no field could hold is 422 naming the field.
Every route that takes a JSON body is found from the route table (the OpenAPI declarations), so an endpoint
added later is covered without editing this file."""
from __future__ import annotations

import json
import logging
import re
import uuid

import httpx
import pytest
from pydantic import BaseModel

from app.openapi import doc_of, iter_routes
from tests.http.helpers import auth, make_admin
from tests.http.test_booking import approved_consultant
from tests.jobs.test_resend import SECRET as RESEND_SECRET
from tests.jobs.test_resend import signed as svix_signed

DEEP = 100_000
DIGITS = 900_000

# Raw bodies the parser must refuse: 400 malformed_json.
REFUSED = {
    "deep_array": b"[" * DEEP,
    "deep_array_closed": b"[" * DEEP + b"]" * DEEP,
    "deep_object": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "deep_value": b'{"a": ' + b"[" * DEEP + b"]" * DEEP + b"}",
    # Deep enough for the validator's parser (pydantic stops at 200 levels), not for Python's json.
    "deep_for_the_validator": b'{"a": ' + b"[" * 500 + b"]" * 500 + b"}",
    "nan": b'{"a": NaN}',
    "infinity": b'{"a": -Infinity}',
    "huge_top_level_number": b"9" * DIGITS,
}


def huge_number_in(field: str) -> bytes:
    """A body whose `field` is a number with 900,000 digits (over Python's 4,300-digit int limit)."""
    return b'{"' + field.encode() + b'": ' + b"9" * DIGITS + b"}"


def huge_float_in(field: str) -> bytes:
    return b'{"' + field.encode() + b'": 1.' + b"5" * DIGITS + b"e5}"


# Path parameters a handler checks before it reads the body; any other parameter gets a random UUID.
KNOWN_PARAMS = {"email_type": "verify_email"}


def concrete(path: str) -> str:
    return re.sub(r"\{([^}:]+)[^}]*\}", lambda m: KNOWN_PARAMS.get(m[1], str(uuid.uuid4())), path)


def json_routes(app) -> list[tuple[str, str, object]]:
    """(method, path, doc) of every documented route that takes a JSON body."""
    out = []
    for path, route in iter_routes(app.routes):
        doc = doc_of(route)
        if doc is None or doc.form is not None or doc.content_type != "application/json":
            continue
        for method in sorted((route.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            out.append((method, path, doc))
    return out


def first_field(doc) -> str | None:
    body = doc.body
    if isinstance(body, type) and issubclass(body, BaseModel) and body.model_fields:
        return next(iter(body.model_fields))
    return None


@pytest.fixture
async def tokens(client, db):
    consultant = await approved_consultant(client, db)
    return {"public": {}, "consultant": consultant["headers"], "approved": consultant["headers"],
            "admin": auth(await make_admin(db, client, "super_admin")),
            "super_admin": auth(await make_admin(db, client, "super_admin"))}


def assert_error_shape(r: httpx.Response, where: str) -> dict:
    assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}, f"{where}: {r.text[:300]}"
    return body["error"]


def signed_for(app, path: str, raw: bytes) -> dict[str, str]:
    """Webhooks check their signature before anything: sign the attack so it reaches the parser."""
    if path == "/api/v1/payments/webhook":
        import hashlib
        import hmac

        secret = app.state.payments.webhook_secret
        return {"x-razorpay-signature": hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest(),
                "x-razorpay-event-id": "evt_" + uuid.uuid4().hex[:14]}
    if path == "/api/v1/webhooks/resend":
        return {k: v for k, v in svix_signed(raw).items() if k != "content-type"}
    return {}


@pytest.fixture
def resend_webhook_configured(monkeypatch):
    monkeypatch.setenv("RESEND_WEBHOOK_SECRET", RESEND_SECRET)


async def test_every_json_endpoint_refuses_what_the_parser_cannot_read(app, client, tokens, caplog,
                                                                      resend_webhook_configured):
    caplog.set_level(logging.ERROR)
    routes = json_routes(app)
    with_schema = [r for r in routes if first_field(r[2])]
    assert len(with_schema) >= 30, "the route table lost its JSON endpoints?"
    checked = 0
    for method, path, doc in routes:
        if doc.body is None and path not in ("/api/v1/payments/webhook", "/api/v1/webhooks/resend",
                                             "/api/v1/admin/settings"):
            continue  # takes no body: what is sent is never parsed
        url = concrete(path)
        for name, raw in REFUSED.items():
            headers = {**tokens[doc.auth], "content-type": "application/json", **signed_for(app, path, raw)}
            r = await client.request(method, url, content=raw, headers=headers)
            where = f"{method} {path} {name}"
            err = assert_error_shape(r, where)
            if name == "deep_for_the_validator" and not first_field(doc):
                continue  # Python's json reads 500 levels: an endpoint with no model judges the content itself
            assert (r.status_code, err["code"]) == (400, "malformed_json"), f"{where}: {r.status_code} {err}"
        # A number with more digits than anything can hold: 422 naming the field it was sent in.
        field = first_field(doc) or {"/api/v1/payments/webhook": "event", "/api/v1/webhooks/resend": "type",
                                     "/api/v1/admin/settings": "default_hold_minutes"}[path]
        for raw in (huge_number_in(field), huge_float_in(field)):
            headers = {**tokens[doc.auth], "content-type": "application/json", **signed_for(app, path, raw)}
            r = await client.request(method, url, content=raw, headers=headers)
            where = f"{method} {path} huge number in {field}"
            err = assert_error_shape(r, where)
            assert (r.status_code, err["field"]) == (422, field), f"{where}: {r.status_code} {err}"
        # Long numbers Python still reads (4,000 digits, and past float's range), in every field of the body: a 4xx.
        body = doc.body.model_fields if isinstance(doc.body, type) and issubclass(doc.body, BaseModel) else {field: 0}
        for name in body:
            for number in (b"9" * 4000, b"-1e400", b"1" + b"0" * 400 + b".5"):
                raw = b'{"' + name.encode() + b'": ' + number + b"}"
                headers = {**tokens[doc.auth], "content-type": "application/json", **signed_for(app, path, raw)}
                r = await client.request(method, url, content=raw, headers=headers)
                assert_error_shape(r, f"{method} {path} {name}={number[:12]!r}…")
        checked += 1
    assert checked >= len(with_schema)
    tracebacks = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert not tracebacks, [rec.getMessage()[:200] for rec in tracebacks]


async def test_a_forged_webhook_is_refused_as_forged_whatever_its_body(client):
    for raw in REFUSED.values():
        r = await client.post("/api/v1/payments/webhook", content=raw,
                              headers={"content-type": "application/json", "x-razorpay-signature": "0" * 64})
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_signature")


async def test_a_nested_field_names_its_path(client, db):
    """The number's place is named the way validation names fields (client.name), one level down too."""
    c = await approved_consultant(client, db)
    raw = (b'{"slot_id": "' + str(uuid.uuid4()).encode() + b'", "session_type": "personal", '
           b'"client": {"name": ' + b"7" * DIGITS + b', "email": "x@example.com"}}')
    r = await client.post(f"/api/v1/public/consultants/{c['slug']}/bookings", content=raw,
                          headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "client.name", r.text[:300]
    # A long number that Python can still read is a plain validation error of the field, not a parser error.
    body = json.dumps({"slot_id": str(uuid.uuid4()), "session_type": "personal",
                       "client": {"name": "A", "email": "x@example.com", "phone": 10 ** 4000}})
    r = await client.post(f"/api/v1/public/consultants/{c['slug']}/bookings", content=body,
                          headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "client.phone", r.text[:300]

# Test: pytest tests/fuzz/test_abuse_parser.py
