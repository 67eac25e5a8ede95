# app/errors.py — the one error shape, and the one table mapping SQL errors (SQLSTATEs, constraints) to HTTP.
from __future__ import annotations

import logging
from dataclasses import dataclass

import asyncpg
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.jsonio import JSONResponse

log = logging.getLogger("nakksha.errors")


class ApiError(Exception):
    """An answer that is not a success: status, a machine code, a human message, the field if any. `details`
    lists every problem found at once (a schema reports all its fields: `{"field", "type", "message", "ctx"}`
    each); the JSON answer names the first, and the pages show them all beside their fields
    (app/routes/form_errors.py)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None, details: list[dict] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}
        self.details = details or []


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(err: ApiError) -> JSONResponse:
    return JSONResponse(error_body(err.code, err.message, err.field), status_code=err.status, headers=err.headers)


# Standard SQLSTATEs -> (status, code, message). Our own functions raise NKxxx (NK + HTTP status) with the
# machine code as the message, the explanation as detail and `field:<name>` as hint.
SQLSTATE_MAP: dict[str, tuple[int, str, str]] = {
    "23505": (409, "already_exists", "A record with this value already exists."),
    "23P01": (409, "conflict", "This overlaps with something that already exists."),
    "23514": (422, "invalid_value", "A value is outside what is allowed."),
    "23502": (422, "missing_field", "A required value is missing."),
    "23503": (422, "invalid_reference", "A referenced record does not exist."),
    # ON DELETE RESTRICT raises restrict_violation (PostgreSQL 18+), not 23503.
    "23001": (409, "in_use", "This record is still referenced and cannot be removed."),
    "22P02": (400, "invalid_input", "A value has the wrong format."),
    "22007": (400, "invalid_input", "A date or time has the wrong format."),
    "22008": (400, "invalid_input", "A date or time is out of range."),
    "22003": (422, "out_of_range", "A number is out of range."),
    "22001": (422, "too_long", "A value is too long."),
    "22023": (400, "invalid_input", "A value is not valid here."),
    "22P05": (400, "invalid_input", "A text value contains characters that cannot be stored."),
    "22021": (400, "invalid_input", "A text value is not valid UTF-8."),
    "2201X": (400, "invalid_input", "A paging value is out of range."),
    "2201W": (400, "invalid_input", "A paging value is out of range."),
    "42501": (403, "forbidden", "You are not allowed to do this."),
    "40001": (503, "busy", "The system is busy; try again."),
    "40P01": (503, "busy", "The system is busy; try again."),
    "55P03": (503, "busy", "The system is busy; try again."),
    "57014": (503, "timeout", "The request took too long; try again."),
    "53300": (503, "database_unavailable", "The database is unavailable; try again shortly."),
    "57P01": (503, "database_unavailable", "The database is unavailable; try again shortly."),
    "57P03": (503, "database_unavailable", "The database is unavailable; try again shortly."),
}

# Constraints whose violation has a product meaning of its own.
CONSTRAINT_CODES: dict[str, tuple[int, str, str, str | None]] = {
    "consultants_email_key": (409, "email_taken", "An account with this email already exists.", "email"),
    "admins_email_key": (409, "email_taken", "An admin with this email already exists.", "email"),
    "consultants_slug_key": (409, "slug_taken", "This page address is taken.", "slug"),
    "consultants_slug_not_reserved": (422, "slug_reserved", "This page address is reserved.", "slug"),
    "consultants_slug_not_deleted_prefix": (422, "slug_reserved", "Addresses starting with deleted- are reserved.", "slug"),
    "sessions_no_overlap": (409, "slot_taken", "That time is no longer free.", "slot_id"),
    "availability_slots_booked_count_range": (409, "slot_full", "That slot is full.", "slot_id"),
    "availability_slots_unique_start": (409, "slot_exists", "A slot already starts at that time.", "starts_at"),
    "clients_consultant_email_key": (409, "client_exists", "A client with this email already exists.", "email"),
    # Razorpay's smallest order is ₹1.00: a price or a quotation is free (0) or at least that.
    "consultants_prices_payable": (422, "amount_below_minimum", "A price is 0 (free) or at least ₹1.00, the "
                                   "smallest amount Razorpay takes.", None),
    "quotations_final_amount_payable": (422, "amount_below_minimum", "The total (after the discount) must be 0 "
                                        "or at least ₹1.00, the smallest amount Razorpay takes.", "items"),
}


@dataclass(frozen=True)
class ConstraintInfo:
    table: str
    columns: tuple[str, ...]


# Filled at startup from the catalogue: constraint name -> its table and columns, so a violation names
# the field without hand-kept lists. Empty until loaded; the mapping still works without it.
CONSTRAINTS: dict[str, ConstraintInfo] = {}

LOAD_CONSTRAINTS_SQL = """
select c.conname, t.relname, coalesce(array_agg(a.attname order by a.attnum) filter (where a.attname is not null), '{}')
from pg_constraint c
join pg_class t on t.oid = c.conrelid
join pg_namespace n on n.oid = t.relnamespace
left join pg_attribute a on a.attrelid = t.oid and a.attnum = any(c.conkey)
where n.nspname = 'app'
group by c.conname, t.relname
"""


async def load_constraints(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(LOAD_CONSTRAINTS_SQL)
    CONSTRAINTS.clear()
    for name, table, columns in rows:
        # A unique or foreign key scoped by consultant names its other column as the field.
        cols = tuple(c for c in columns if c != "consultant_id") or tuple(columns)
        CONSTRAINTS[name] = ConstraintInfo(table, cols)


def _field_from_hint(hint: str | None) -> str | None:
    if hint and hint.startswith("field:"):
        return hint.split(":", 1)[1].strip() or None
    return None


def from_postgres(exc: asyncpg.PostgresError) -> ApiError | None:
    """Map a database error to an ApiError, or None when it is not a known client/availability error."""
    state = exc.sqlstate or ""
    if state.startswith("NK") and len(state) == 5 and state[2:].isdigit():
        status = int(state[2:])
        if not 400 <= status < 600:
            return None
        code = exc.message if exc.message and exc.message.replace("_", "").isalnum() else "error"
        message = getattr(exc, "detail", None) or code.replace("_", " ").capitalize() + "."
        headers = {}
        if status == 429:
            # The hint is `retry_after:<seconds>` on a 429 (else a field); Retry-After must be seconds.
            hint = str(getattr(exc, "hint", "") or "")
            seconds = hint.removeprefix("retry_after:").strip() if hint.startswith("retry_after:") else ""
            headers["Retry-After"] = seconds if seconds.isdigit() else "60"
        field = _field_from_hint(getattr(exc, "hint", None))
        return ApiError(status, code, message, field, headers if status == 429 else None)
    constraint = getattr(exc, "constraint_name", None)
    if constraint in CONSTRAINT_CODES:
        status, code, message, field = CONSTRAINT_CODES[constraint]
        return ApiError(status, code, message, field)
    if state not in SQLSTATE_MAP:
        return None
    status, code, message = SQLSTATE_MAP[state]
    field = getattr(exc, "column_name", None)
    if constraint:
        info = CONSTRAINTS.get(constraint)
        if info and len(info.columns) == 1:
            field = info.columns[0]
        elif info and info.columns:
            field = ",".join(info.columns)
    if state == "23503" and "update or delete" in (exc.message or ""):
        status, code, message = 409, "in_use", "This record is still referenced and cannot be removed."
    headers = {"Retry-After": "1"} if status == 503 else None
    return ApiError(status, code, message, field, headers)


# A restarted server (tests/faults/test_db_restart.py) also shows up as: the FATAL "terminating connection due
# to administrator command" (57P01) or a crash (57P02) on a statement in flight, and, on a pooled connection
# that received that FATAL while idle, asyncpg's InternalClientError ("cannot switch to state …; another
# operation is in progress") at the next BEGIN. All mean "the database went away": 503, not 500.
CONNECTION_ERRORS = (OSError, asyncpg.exceptions.ConnectionDoesNotExistError,
                     asyncpg.exceptions.CannotConnectNowError, asyncpg.exceptions.InterfaceError,
                     asyncpg.exceptions.ConnectionFailureError, asyncpg.exceptions.TooManyConnectionsError,
                     asyncpg.exceptions.AdminShutdownError, asyncpg.exceptions.CrashShutdownError,
                     asyncpg.exceptions.InternalClientError, TimeoutError)


def unavailable() -> ApiError:
    return ApiError(503, "database_unavailable", "The database is unavailable; try again shortly.", None,
                    {"Retry-After": "2"})


TITLES = {400: "That did not work", 401: "Please sign in", 403: "Not allowed", 404: "Page not found",
          405: "Not allowed here", 409: "That changed meanwhile", 413: "Too large", 422: "Please check the form",
          429: "Too many tries", 502: "Payments are unavailable", 503: "We are busy"}


def _page_or_json(request: Request, err: ApiError):
    """A page's error is a page (same status, same message); everything else keeps the one JSON shape."""
    from app.web import error_page, is_page_request

    if is_page_request(request):
        message = "There is nothing at this address." if err.message == "Not Found" else err.message
        page = error_page(request, err.status, TITLES.get(err.status, "Something went wrong"), message)
        page.headers.update(err.headers)  # a 429's Retry-After (a 405's Allow) on the page as on the API
        return page
    return error_response(err)


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _page_or_json(request, exc)


async def http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "payload_too_large",
             401: "unauthorized", 403: "forbidden", 415: "unsupported_media_type"}
    code = codes.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else code.replace("_", " ").capitalize()
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405 and (allowed := _allowed_methods(request)):
        headers = {**(headers or {}), "Allow": allowed}  # else (a mount's own 405) keep what it said
    return _page_or_json(request, ApiError(exc.status_code, code, message, headers=headers))


def _allowed_methods(request: Request) -> str:
    """Every method served at this path. Starlette's own Allow names only the first route whose path
    matched, but one path is often served by several routes, one per method (found by schemathesis). The
    walk starts from the top of the table (the scope a mount handed on has its prefix in root_path)."""
    top = {**request.scope, "root_path": request.scope.get("app_root_path", request.scope.get("root_path", ""))}
    return ", ".join(sorted(_methods_at(request.app.routes, top)))


def _methods_at(routes: list, scope: dict) -> set[str]:
    from starlette.routing import Match, Mount, Route

    methods: set[str] = set()
    for route in routes:
        match, child = route.matches(scope)
        if match == Match.NONE:
            continue
        if isinstance(route, Mount) and route.routes:
            methods |= _methods_at(list(route.routes), {**scope, **child})
        elif isinstance(route, Route):
            methods |= route.methods or set()
    return methods


async def postgres_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, asyncpg.PostgresError)
    mapped = from_postgres(exc)
    if mapped is None:
        # An unmapped database error is a bug in our SQL: log it in full, answer without internals.
        log.exception("unmapped database error %s", exc.sqlstate, exc_info=exc)
        return JSONResponse(error_body("internal_error", "Something went wrong on our side."), status_code=500)
    return _page_or_json(request, mapped)

# Test: pytest tests/http/test_errors.py
