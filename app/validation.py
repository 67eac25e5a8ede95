# app/validation.py — request schemas: parse a body or query string into one pydantic model, or a 4xx naming the field.
from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request

from app.errors import ApiError

M = TypeVar("M", bound=BaseModel)


class Schema(BaseModel):
    """Base of every request schema: unknown fields are refused and types are not coerced, so the OpenAPI
    document (generated from the same model) says exactly what the app accepts."""

    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=20000)


class QuerySchema(BaseModel):
    """Query strings arrive as text: lax parsing of numbers and dates, unknown parameters refused."""

    model_config = ConfigDict(extra="forbid", str_max_length=2000)


def _first_error(exc: ValidationError) -> ApiError:
    err = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in err.get("loc", ())) or None
    kind = err.get("type", "")
    code = {"missing": "missing_field", "extra_forbidden": "unknown_field"}.get(kind, "validation_error")
    message = err.get("msg", "Invalid value.")
    if field:
        message = f"{field}: {message}"
    return ApiError(422, code, message, field)


async def parse_body(request: Request, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    raw = await request.body()
    try:
        data: Any = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {exc}.") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "The body must be a JSON object.")
    try:
        # Validated from the JSON text itself: strict mode then means JSON types (a number for a Decimal
        # is exact, "3" is not an integer), and the schema the document shows is the one enforced.
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _first_error(exc) from exc


def parse_form(data: dict[str, str], model: type[M]) -> M:
    """A page's form through the API's own schema: empty fields count as not given, and the values are
    validated as the JSON strings they are (so a price "1499.50" is an exact Decimal, as in the API)."""
    given = {k: v for k, v in data.items() if v != "" and k != "csrf_token"}
    try:
        return model.model_validate_json(json.dumps(given))
    except ValidationError as exc:
        raise _first_error(exc) from exc


def parse_query(request: Request, model: type[M], *, blank_is_missing: bool = False) -> M:
    """The query string through `model`. A page's GET form sends its empty fields as `name=`; with
    blank_is_missing those mean “not given”, as the person filling the form meant."""
    params = request.query_params
    data: dict[str, Any] = {}
    for key in params:
        values = params.getlist(key)
        if blank_is_missing:
            values = [v for v in values if v.strip()]
            if not values:
                continue
        data[key] = values[0] if len(values) == 1 else values
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from exc

# Test: pytest tests/http/test_errors.py
