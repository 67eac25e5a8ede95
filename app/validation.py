# app/validation.py — request schemas: parse a body or query string into one pydantic model, or a 4xx naming the field.
from __future__ import annotations

import json
import re
import sys
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request

from app.errors import ApiError

M = TypeVar("M", bound=BaseModel)


class Schema(BaseModel):
    """Base of every request schema: unknown fields are refused and types are not coerced, so the OpenAPI
    document (generated from the same model) says exactly what the app accepts."""

    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=20000)


class Answer(BaseModel):
    """Base of every response model: it documents an answer's shape (the OpenAPI document, generated clients)
    and the test suite checks every answer against it (tests/contract_check.py); handlers may still send the
    database's JSON as it is. A field the model does not name is refused, so nothing reaches a client
    undocumented."""

    model_config = ConfigDict(extra="forbid")


class QuerySchema(BaseModel):
    """Query strings arrive as text: lax parsing of numbers and dates. Unknown parameters are ignored, as on
    the web at large: a cache-buster (`_=`) or a campaign tag a page passes along must not break a call, and
    OpenAPI cannot say "no other parameters" (an outside review found 422s a document reader could not foresee)."""

    model_config = ConfigDict(extra="ignore", str_max_length=2000)


# Python's json turns an integer into an int (ValueError past sys.get_int_max_str_digits(), 4,300 digits by
# default) and recurses once per nesting level (RecursionError near 1,000): neither may escape as a 500.
# No field accepts a number written with more digits than that, whatever its type.
NUMBER_MAX_CHARS = sys.get_int_max_str_digits() or 4300


class _HugeNumber(str):
    """A JSON number too long to be any field's value, kept as its text so its place can be named."""


def _number(kind: type):
    def parse(text: str) -> Any:
        return _HugeNumber(text) if len(text) > NUMBER_MAX_CHARS else kind(text)
    return parse


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _problem_at(data: Any) -> tuple[str, tuple] | None:
    """("huge", path) of the first huge number, else ("nul", path) of the first text holding NUL (U+0000: valid
    JSON, but no PostgreSQL text or jsonb can store it), else None; paths as validation names fields
    (client.name, items.0). One walk finds both."""
    nul_path: tuple | None = None
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _HugeNumber):
            return "huge", path
        if isinstance(value, str):
            if nul_path is None and "\x00" in value:
                nul_path = path
        elif isinstance(value, dict):
            for k, v in reversed(list(value.items())):
                if nul_path is None and "\x00" in k:
                    nul_path = (*path, k)
                stack.append((v, (*path, k)))
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(value))))
    return ("nul", nul_path) if nul_path is not None else None


def _dotted(path: tuple) -> str | None:
    return ".".join(str(p).replace("\x00", "\\u0000") for p in path) or None


def load_json(raw: bytes) -> Any:
    """The body as JSON. What the parser refuses (bad syntax or UTF-8, NaN and Infinity, which JSON does not
    have, nesting deeper than it reads) is 400 malformed_json; a number longer than any field can hold is 422
    naming where it was."""
    try:
        data = json.loads(raw, parse_int=_number(int), parse_float=_number(float), parse_constant=_no_constant)
    except RecursionError as exc:
        raise ApiError(400, "malformed_json", "The body is not valid JSON: it is nested too deeply.") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = str(exc)[:200]
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {reason}.") from exc
    if isinstance(data, _HugeNumber):
        raise ApiError(400, "malformed_json", "The body is not valid JSON: a number too long to read.")
    # Only a body this long can hold a huge number, and JSON text carries NUL only as the escape \u0000 (a raw
    # control character is a syntax error): any other body, nearly every one, skips the walk.
    if len(raw) > NUMBER_MAX_CHARS or b"\\u0000" in raw:
        problem = _problem_at(data)
        if problem is not None:
            kind, path = problem
            where = _dotted(path)
            if kind == "huge":
                raise ApiError(422, "out_of_range", f"{where}: the number has more digits than any value here can "
                                                    "have.", where)
            raise ApiError(422, "invalid_text", f"{where or 'body'}: text cannot contain the NUL character "
                                                "(U+0000).", where)
    return data


# Error codes a field type raises itself (PydanticCustomError), kept as the answer's code.
OWN_ERROR_CODES = frozenset({"weak_password", "amount_below_minimum"})


def _detail(err: dict) -> dict:
    """One problem the schema found: its dotted field, pydantic's type, its words (no prefix) and their numbers."""
    kind, message = err.get("type", ""), err.get("msg", "Invalid value.")
    if kind in ("value_error", "assertion_error"):  # our validators' own words, without pydantic's prefix
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int | float)}
    return {"field": ".".join(str(p) for p in err.get("loc", ())) or None, "type": kind, "message": message,
            "ctx": ctx}


def _first_error(exc: ValidationError, also: list[dict] | None = None) -> ApiError:
    """The first problem as the answer's code, message and field; every problem (and `also`, found by the
    caller) in its details."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    if err.get("type") == "json_invalid":
        # The validator's own parser refused what json read (it allows less nesting): still not readable JSON.
        return ApiError(400, "malformed_json", f"The body is not valid JSON: {err.get('msg', '')}.")
    details = [*(also or []), *(_detail(e) for e in errors)]
    first = details[0]
    field, kind, message = first["field"], first["type"], first["message"]
    code = {"missing": "missing_field", "extra_forbidden": "unknown_field"}.get(
        kind, kind if kind in OWN_ERROR_CODES else "validation_error")
    if field:
        message = f"{field}: {message}"
    return ApiError(422, code, message, field, details=details)


async def parse_body(request: Request, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    raw = await request.body()
    data = load_json(raw)
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "The body must be a JSON object.")
    try:
        # Validated from the JSON text itself: strict mode then means JSON types (a number for a Decimal
        # is exact, "3" is not an integer), and the schema the document shows is the one enforced.
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _first_error(exc) from exc


def parse_form(data: dict[str, str], model: type[M], required: tuple[str, ...] | list[str] = ()) -> M:
    """A page's form through the API's own schema: empty fields count as not given, and the values are
    validated as the JSON strings they are (so a price "1499.50" is an exact Decimal, as in the API).
    `required` names fields the form must fill although the schema may leave them out (a patch): one left
    empty is reported with every other problem, not before them."""
    given = {k: v for k, v in data.items() if v != "" and k != "csrf_token"}
    absent = [{"field": k, "type": "missing", "message": "Field required", "ctx": {}} for k in required
              if k not in given]
    try:
        parsed = model.model_validate_json(json.dumps(given))
    except ValidationError as exc:
        raise _first_error(exc, absent) from exc
    if absent:
        first = absent[0]["field"]
        raise ApiError(422, "missing_field", f"{first}: Field required", first, details=absent)
    return parsed



# An Idempotency-Key: 1 to 200 printable ASCII characters, not starting or ending with a space (HTTP trims a header's
# edges, so " k" and "k" would be one key on the wire and two here). The one definition: the OpenAPI header below
# and the check in idempotency_key.
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$"


def idempotency_header(description: str) -> dict:
    """The OpenAPI parameter of an endpoint that honours Idempotency-Key; `description` says what a retry gets."""
    return {"name": "Idempotency-Key", "in": "header", "required": False,
            "description": "Any 1–200 printable ASCII characters, not starting or ending with a space. " + description,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": IDEMPOTENCY_KEY_PATTERN}}


def replayed_header(what: str) -> dict:
    """The answer header saying a response is the first answer to an Idempotency-Key again."""
    return {"Idempotent-Replayed": {
        "description": f"true when this is the first answer to this Idempotency-Key again (a retry), not {what}.",
        "schema": {"type": "string", "enum": ["true"]}}}


def idempotency_key(value: str | None) -> str | None:
    """An Idempotency-Key (the header, or a page's one-time form key) as given, None when there is none; 400 when it
    does not match IDEMPOTENCY_KEY_PATTERN (the documented one)."""
    if value is not None and not (len(value) <= 200 and re.fullmatch(IDEMPOTENCY_KEY_PATTERN, value)):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 printable ASCII characters, "
                                                       "not starting or ending with a space.")
    return value


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
        if any("\x00" in v for v in values):
            raise ApiError(422, "invalid_text", f"{key}: text cannot contain the NUL character (U+0000).", key)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from exc

# Test: pytest tests/http/test_errors.py
