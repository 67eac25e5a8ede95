# app/openapi.py — the OpenAPI 3.1 document, built from the route table and each endpoint's request/response models.
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema
from starlette.convertors import Convertor, IntegerConvertor, UUIDConvertor
from starlette.routing import BaseRoute, Mount, Route

from app.beyond_schema import BEYOND_SCHEMA, describe
from app.error_codes import codes
from app.schemas_tz import timezone_names

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "field"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": ["string", "null"]}}}},
}


# Every operation takes and answers X-Request-ID (app/middleware.py: a caller's own id is kept when sane); a
# 429 or a 503 says when to come back.
REQUEST_ID = {"name": "X-Request-ID", "in": "header", "required": False,
              "description": "Your id for this request (8–64 of A-Z a-z 0-9 . _ -), echoed back and written in the "
                             "logs; any other value is replaced by one of ours, not refused.",
              "schema": {"type": "string"}}
ANSWER_HEADERS = {"X-Request-ID": {"description": "This request's id (yours if you sent a valid one).",
                                   "schema": {"type": "string"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "schema": {"type": "integer", "minimum": 0}}}

# Starlette's `{id:uuid}` is OpenAPI's `{id}`.
_PATH_CONVERTOR = re.compile(r"\{([^}:]+):[^}]+\}")


@dataclass
class Doc:
    """What the document says about one endpoint. Attached to the handler by app.endpoints.endpoint(...)."""

    summary: str
    tags: tuple[str, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: dict[int, type[BaseModel] | dict | None] = field(default_factory=dict)
    auth: str = "public"  # public | consultant | approved | admin | super_admin
    content_type: str = "application/json"
    include: bool = True
    form: dict | None = None  # a multipart/form-data body (uploads), as a JSON schema
    headers: tuple[dict, ...] = ()  # request headers this operation reads, as OpenAPI header parameters
    answer_headers: dict[int, dict] = field(default_factory=dict)  # status -> headers it may carry
    body_optional: bool = False  # the body may be left out altogether (an older client's request had none)


def doc_of(route: BaseRoute) -> Doc | None:
    return getattr(getattr(route, "endpoint", None), "__doc_meta__", None)


def iter_routes(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, Route]]:
    out: list[tuple[str, Route]] = []
    for r in routes:
        if isinstance(r, Mount) and r.routes:
            out += iter_routes(list(r.routes), prefix + r.path)
        elif isinstance(r, Route):
            out.append((prefix + r.path, r))
    return out


def accepts_null(schema: dict) -> bool:
    kind = schema.get("type")
    return (kind == "null" or (isinstance(kind, list) and "null" in kind) or "const" in schema and schema["const"] is None
            or any(accepts_null(s) for s in (*schema.get("anyOf", ()), *schema.get("oneOf", ()))))


class Contract(GenerateJsonSchema):
    """`field: T = None` on a request model means "may be left out" (a PATCH leaves the column as it is), not
    "may be null": the document gives such a field no default rather than a null its own schema refuses
    (openapi-spec-validator checks defaults against their schema)."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> dict:
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None and not accepts_null(json_schema):
            del json_schema["default"]
        return json_schema


def model_schema(model: type[BaseModel], **kwargs: Any) -> dict:
    return model.model_json_schema(schema_generator=Contract, **kwargs)


def _schema_of(model: type[BaseModel] | dict, components: dict) -> dict:
    if isinstance(model, dict):
        return model
    schema = model_schema(model, ref_template="#/components/schemas/{model}")
    for name, sub in (*schema.pop("$defs", {}).items(), (model.__name__, schema)):
        # Two models of one name would document one operation with the other's body: name them apart.
        if components.get(name, sub) != sub:
            raise ValueError(f"two different schemas are both named {name!r} in the OpenAPI document")
        components[name] = sub
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document(routes: list[BaseRoute], *, title: str = "Nakksha API", version: str = "1",
                   server: str = "/") -> dict:
    """`server` is where the API is served from (the app's PUBLIC_BASE_URL; "/" means the document's own host)."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA, "Timezone": {
        "type": "string", "enum": timezone_names(), "description": "An IANA time zone name, like Asia/Kolkata."}}
    paths: dict[str, dict] = {}
    for path, route in iter_routes(routes):
        meta = doc_of(route)
        if meta is None or not meta.include:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            op_id = f"{route.name}_{method.lower()}" if len((route.methods or set()) - {"HEAD"}) > 1 else route.name
            op: dict[str, Any] = {"summary": meta.summary, "tags": list(meta.tags), "operationId": op_id}
            if rules := BEYOND_SCHEMA.get(op_id):
                op["description"] = describe(op_id)
                op["x-beyond-schema"] = [r._asdict() for r in rules]
            params = [{"name": p, "in": "path", "required": True, "schema": _path_schema(convertor)}
                      for p, convertor in route.param_convertors.items()]
            if meta.query is not None:
                qs = model_schema(meta.query)
                required = set(qs.get("required", []))
                for name, prop in qs.get("properties", {}).items():
                    params.append({"name": name, "in": "query", "required": name in required,
                                   "schema": _query_schema(prop)})
            params += [*meta.headers, REQUEST_ID]
            op["parameters"] = params
            if meta.body is not None:
                op["requestBody"] = {"required": not meta.body_optional, "content": {
                    "application/json": {"schema": _schema_of(meta.body, components)}}}
            elif meta.form is not None:
                op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": meta.form}}}
            responses: dict[str, Any] = {}
            for status, model in (meta.responses or {200: None}).items():
                if status >= 400:  # every error is the one error shape, whatever the endpoint's wording
                    responses[str(status)] = _error_response(status)
                    continue
                entry: dict[str, Any] = {"description": "Success"}
                if status in meta.answer_headers:
                    entry["headers"] = dict(meta.answer_headers[status])
                if model is not None:
                    entry["content"] = {meta.content_type: {"schema": _schema_of(model, components)}}
                responses[str(status)] = entry
            # A body (JSON or multipart) can be malformed, too large, of the wrong type or invalid.
            has_body = meta.body is not None or meta.form is not None
            for status in (400, 413, 415, 422) if has_body else (400, 422) if meta.query else ():
                responses.setdefault(str(status), _error_response(status))
            # Any request may carry a Content-Length that is no number (400) or a body over the limit (413),
            # whether or not the operation reads one.
            for status in (400, 413):
                responses.setdefault(str(status), _error_response(status))
            if meta.auth != "public":
                responses.setdefault("401", _error_response(401))
                responses.setdefault("403", _error_response(403))
                op["security"] = [{"bearerAuth": []}]
            else:
                op["security"] = []  # says "no credentials" rather than leaving a reader to guess
            responses.setdefault("503", _error_response(503))
            for status, answer in responses.items():
                answer["headers"] = {**ANSWER_HEADERS, **(RETRY_AFTER if status in ("429", "503") else {}),
                                     **answer.get("headers", {})}
                if int(status) >= 400:  # the codes a program can branch on (app/error_codes.py)
                    listed = codes(op_id, int(status), auth=meta.auth, has_body=has_body,
                                   has_input=has_body or meta.query is not None or bool(route.param_convertors))
                    answer["x-codes"] = listed
                    if listed:
                        answer["description"] += " Codes: " + ", ".join(f"`{c}`" for c in listed) + "."
            op["responses"] = responses
            paths.setdefault(_PATH_CONVERTOR.sub(r"{\1}", path), {})[method.lower()] = op
    return _with_component_refs({
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "Nakksha's HTTP API. Errors are always {\"error\": {\"code\", \"message\", \"field\"}}.",
                 "license": {"name": "Proprietary", "identifier": "LicenseRef-Nakksha-Proprietary"}},
        "servers": [{"url": server, "description": "This deployment"}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    })


def _path_schema(convertor: Convertor) -> dict:
    """A path parameter as its route's convertor reads it ({id:uuid} is a UUID, not any string)."""
    if isinstance(convertor, UUIDConvertor):
        return {"type": "string", "format": "uuid"}
    if isinstance(convertor, IntegerConvertor):
        return {"type": "integer", "minimum": 0}
    return {"type": "string"}


def _query_schema(prop: dict) -> dict:
    """A query parameter may be left out, never null (a query string has no null): `X | None = None` on a query
    model is documented as X, optional."""
    branches = [b for b in prop.get("anyOf", ()) if b != {"type": "null"}]
    if "anyOf" in prop and len(branches) == 1:
        prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **branches[0]}
    if prop.get("default", 0) is None:
        prop = {k: v for k, v in prop.items() if k != "default"}
    return prop


def _with_component_refs(node: Any) -> Any:
    """A field type shared by many models names its component ({"x-component": "Timezone"}: pydantic refuses a
    $ref it did not make); here each such marker becomes the $ref, so the component is written once."""
    if isinstance(node, dict):
        if "x-component" in node:  # pydantic may add a title beside it: the component's own says it all
            return {"$ref": f"#/components/schemas/{node['x-component']}",
                    **{k: v for k, v in node.items() if k not in ("x-component", "title")}}
        return {k: _with_component_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_component_refs(v) for v in node]
    return node


# What each status means on this API (docs/api.md has the error codes behind them).
ERROR_MEANINGS = {
    400: "Malformed request (not JSON, or a body that cannot be read).",
    401: "No valid access token (or it was revoked).",
    403: "Signed in, but not allowed (not approved, not an admin, suspended).",
    404: "No such thing, or not yours.",
    405: "Method not allowed on this path (Allow lists those that are).",
    409: "Conflicts with the current state (taken, already done, wrong status).",
    410: "Gone (an expired link or a spent token).",
    413: "Body too large.",
    415: "Wrong content type.",
    422: "A field is invalid; error.field names it.",
    429: "Too many requests; wait Retry-After seconds.",
    502: "A provider (payments, email, calendar) failed; nothing was changed.",
    503: "The database is unavailable; retry.",
}


def _error_response(status: int) -> dict:
    return {"description": ERROR_MEANINGS.get(status, "Error"),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

# Test: pytest tests/http/test_openapi.py
