# tests/contract_check.py — the API contract, checked against every answer the suite receives: a documented status, and a body valid against its schema.
"""The OpenAPI document is the contract frontends build on (issue 18). Tests reach the app through clients that
carry `contract_hook`, so a handler cannot drift from what the document says without a red test:

* an answer on a documented operation has a status the operation lists;
* a JSON body is valid against the schema listed for that status (jsonschema, draft 2020-12, the document's own
  `$ref`s resolved in place);
* a 2xx JSON answer of a documented operation has a schema at all;
* an error anywhere under /api/ is the one error shape;
* an error's code is one the document lists for that operation and status (`x-codes`, from app/error_codes.py).

NAKKSHA_RECORD_CODES=<folder> also writes every (operation, status, code) seen there, one file per process:
how app/error_codes.py was first filled, and how to see what a change adds.

Pages (HTML), the docs and streams are not read here (a stream's body never ends)."""
from __future__ import annotations

import json
import os
import re
from urllib.parse import quote

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

URI = "urn:nakksha:openapi"
ERROR = {"$ref": f"{URI}#/components/schemas/Error"}


class ContractBroken(AssertionError):
    """An answer the document does not allow."""


class Contract:
    def __init__(self, document: dict) -> None:
        self.document = document
        self.registry = Registry().with_resource(URI, Resource.from_contents(document, DRAFT202012))
        # Literal segments win over parameters (/sessions/calendar before /sessions/{session_id}).
        templates = sorted(document["paths"], key=lambda p: (p.count("{"), -len(p)))
        self.templates = [(re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", t) + "$"), t) for t in templates]

    def template_of(self, path: str) -> str | None:
        return next((t for pattern, t in self.templates if pattern.match(path)), None)

    def validate(self, body: object, pointer: str) -> list[str]:
        schema = {"$ref": f"{URI}#{quote(pointer, safe='/~')}"}
        validator = Draft202012Validator(schema, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
                for e in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))][:5]

    def problems(self, method: str, path: str, status: int, content_type: str, body: bytes) -> list[str]:
        is_json = content_type.split(";")[0].strip() == "application/json"
        data = json.loads(body) if is_json and body else None
        template = self.template_of(path)
        operation = self.document["paths"].get(template, {}).get(method.lower()) if template else None
        if operation is None:
            # Not a documented operation (an unknown path, a wrong method, a page): only the error shape holds.
            if path.startswith("/api/") and status >= 400 and is_json:
                return [f"{method} {path} → {status}: {p}" for p in self.validate(data, "/components/schemas/Error")]
            return []
        where = f"{method} {template} → {status}"
        if status == 500:  # a bug, documented or not (502 and 503 are a provider's or the database's, and listed)
            return [f"{where}: a server error ({body[:200]!r})"]
        responses = operation["responses"]
        key = str(status) if str(status) in responses else "default" if "default" in responses else None
        if key is None:
            return [f"{where}: the document lists only {sorted(responses)}"]
        content = responses[key].get("content", {})
        if not is_json:
            return []
        if "application/json" not in content:
            return [f"{where}: a JSON body, but the document gives this status no JSON schema"] if body else []
        escaped = template.replace("~", "~0").replace("/", "~1")
        pointer = f"/paths/{escaped}/{method.lower()}/responses/{key}/content/application~1json/schema"
        found = [f"{where}: {p}" for p in self.validate(data, pointer)]
        if status >= 400 and not found:
            code = data["error"]["code"]
            _record(operation["operationId"], status, code)
            listed = responses[key].get("x-codes")
            if listed is not None and code not in listed:
                found.append(f"{where}: code {code!r} is not among the codes listed for it, {listed} "
                             f"(app/error_codes.py)")
        return found


def _record(operation_id: str, status: int, code: str) -> None:
    folder = os.environ.get("NAKKSHA_RECORD_CODES")
    if folder:
        with open(os.path.join(folder, f"{os.getpid()}.txt"), "a") as out:
            out.write(f"{operation_id} {status} {code}\n")


_by_table: dict[tuple, Contract] = {}


def contract_of_app(routes: list) -> Contract:
    """The contract of a route table, built once per table (building the document takes a while)."""
    from app.openapi import build_document, iter_routes

    key = tuple((path, tuple(sorted(route.methods or ()))) for path, route in iter_routes(routes))
    if key not in _by_table:
        _by_table[key] = Contract(build_document(routes))
    return _by_table[key]


def contract_hook(document: dict | Contract):
    """An httpx response hook that raises ContractBroken on an answer the document does not allow."""
    contract = document if isinstance(document, Contract) else Contract(document)

    async def check(response: httpx.Response) -> None:
        kind = response.headers.get("content-type", "")
        if kind.startswith("text/event-stream"):
            return
        await response.aread()
        found = contract.problems(response.request.method, response.request.url.path, response.status_code,
                                  kind, response.content)
        if found:
            raise ContractBroken("the answer breaks the OpenAPI document:\n  " + "\n  ".join(found))

    return check

# Test: pytest tests/meta/test_contract.py
