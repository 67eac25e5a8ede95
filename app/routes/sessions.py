# app/routes/sessions.py — the consultant's sessions (/api/v1/sessions…): list, detail, notes, offline bookings, status actions, calendar.
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from starlette.requests import Request
from starlette.routing import Route

from app.answers import Session, SessionCalendar, SessionPage, SessionType, Status
from app.crypto import encrypt, keyed_hash
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.routes.clients import present_client
from app.routes.public import PHONE_PURPOSE, ClientIn
from app.schemas import Id, Instant, Money, PlausibleMonth, SecureUrl, trimmed
from app.sql import Caller, run
from app.validation import QuerySchema, Schema, parse_body, parse_query


class SessionQuery(QuerySchema):
    status: Status | None = None
    type: SessionType | None = None
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None
    client_id: Id | None = None
    q: str | None = Field(default=None, max_length=200)
    sort: Literal["starts_at", "-starts_at", "created_at", "-created_at", "amount", "-amount"] | None = None
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=25, ge=1, le=100)


class SessionPatch(Schema):
    notes: str | None = Field(default=None, max_length=10000)
    consultant_notes: str | None = Field(default=None, max_length=10000)
    meeting_platform: Literal["zoom", "meet", "teams"] | None = None
    meeting_link: SecureUrl | None = None
    # One printable line each: they are printed in mails, invites and calendar events.
    meeting_id: trimmed(200) | None = None  # type: ignore[valid-type]
    meeting_password: trimmed(200) | None = None  # type: ignore[valid-type]


class NewSession(Schema):
    client_id: Id | None = None
    client: ClientIn | None = None
    slot_id: Id | None = None
    session_type: SessionType | None = None
    starts_at: Instant | None = None
    ends_at: Instant | None = None
    amount: Money | None = None
    payment_status: Literal["pending", "paid"] = "pending"
    payment_method: Literal["cash", "bank_transfer", "upi_direct"] | None = None
    notes: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def one_client_one_time(self) -> NewSession:
        if (self.client_id is None) == (self.client is None):
            raise ValueError("give either client_id or client")
        if self.slot_id is None and not (self.session_type and self.starts_at and self.ends_at):
            raise ValueError("give slot_id, or session_type with starts_at and ends_at")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


async def book_offline(request: Request, caller: Caller, b: NewSession) -> dict:
    """The consultant books an offline client (the API and the Sessions page): the body's fields by name, a new
    client's phone sealed for the database (which holds no key)."""
    key = request.app.state.secrets.data_key
    phone = b.client.phone if b.client else None
    return await run(request.app.state.pool, "create_session", caller, b,
                     client_name=b.client.name if b.client else None, client_email=b.client.email if b.client else None,
                     client_phone_encrypted=encrypt(key, PHONE_PURPOSE, phone) if phone else None,
                     client_phone_hash=keyed_hash(key, PHONE_PURPOSE, phone) if phone else None,
                     amount=Decimal(b.amount) if b.amount is not None else None)


class CancelBody(Schema):
    reason: str | None = Field(default=None, max_length=1000)


class RescheduleBody(Schema):
    slot_id: Id | None = None
    starts_at: Instant | None = None
    ends_at: Instant | None = None

    @model_validator(mode="after")
    def one_target(self) -> RescheduleBody:
        if self.slot_id is None and not (self.starts_at and self.ends_at):
            raise ValueError("give slot_id, or starts_at and ends_at")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class CalendarQuery(QuerySchema):
    month: PlausibleMonth | None = None
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None


def _sid(request: Request):
    return request.path_params["session_id"]


@endpoint(named="list_sessions", tags=("sessions",), auth="readable", query=SessionQuery, responses={200: SessionPage})
async def list_sessions(request: Request) -> JSONResponse:
    q = parse_query(request, SessionQuery)
    return JSONResponse(await run(request.app.state.pool, "list_sessions", request.state.caller, q,
                                  session_type=q.type, to_=q.to))


def present_session(request: Request, session: dict) -> dict:
    """`booked_as` is what the client typed on the public page; its phone is decrypted for the session's
    consultant (and only for them), like a client's."""
    if (session.get("booked_as") or {}).get("phone_encrypted", False) is not False:
        session = {**session, "booked_as": present_client(request, session["booked_as"])}
    return session


@endpoint(named="get_session", tags=("sessions",), auth="readable",
          responses={200: Session, 404: None})
async def get_session(request: Request) -> JSONResponse:
    session = await run(request.app.state.pool, "get_session", request.state.caller, session_id=_sid(request))
    return JSONResponse(present_session(request, session))


@endpoint(named="update_session", tags=("sessions",), auth="approved",
          body=SessionPatch, responses={200: Session, 404: None})
async def update_session(request: Request) -> JSONResponse:
    body = await parse_body(request, SessionPatch)
    return JSONResponse(await run(request.app.state.pool, "update_session", request.state.caller,
                                  session_id=_sid(request), patch=body.model_dump(mode="json", exclude_unset=True)))


@endpoint(named="create_session", tags=("sessions",),
          auth="approved", body=NewSession, responses={201: Session, 404: None, 409: None})
async def create_session(request: Request) -> JSONResponse:
    b = await parse_body(request, NewSession)
    return JSONResponse(await book_offline(request, request.state.caller, b), status_code=201)


def _status_action(to_status: str, summary: str, with_reason: bool = False):
    @endpoint(summary=summary, tags=("sessions",), auth="approved", body=CancelBody if with_reason else None,
              responses={200: Session, 404: None, 409: None})
    async def action(request: Request) -> JSONResponse:
        reason = (await parse_body(request, CancelBody)).reason if with_reason else None
        return JSONResponse(await run(request.app.state.pool, "set_session_status", request.state.caller,
                                      session_id=_sid(request), to_status=to_status, reason=reason))
    return action


confirm_session = _status_action("confirmed", "Confirm a paid or free pending session.")
complete_session = _status_action("completed", "Mark a session completed (after it starts).")
no_show_session = _status_action("no_show", "Mark a session as a no-show (after it starts).")
cancel_session = _status_action("cancelled", "Cancel a session; what the client paid is refunded in full.", with_reason=True)


@endpoint(named="reschedule_session", tags=("sessions",), auth="approved",
          body=RescheduleBody, responses={200: Session, 404: None, 409: None})
async def reschedule_session(request: Request) -> JSONResponse:
    b = await parse_body(request, RescheduleBody)
    return JSONResponse(await run(request.app.state.pool, "reschedule_session", request.state.caller, b,
                                  session_id=_sid(request)))


@endpoint(summary="Sessions and free slots per day, for a month (YYYY-MM, in the consultant's timezone) or a range.",
          tags=("sessions",), auth="readable", query=CalendarQuery, responses={200: SessionCalendar})
async def session_calendar(request: Request) -> JSONResponse:
    q = parse_query(request, CalendarQuery)
    if q.month:
        return JSONResponse(await run(request.app.state.pool, "session_calendar", request.state.caller, from_=None,
                                      to_=None, month=q.month))
    if not (q.from_ and q.to and q.to > q.from_):
        raise ApiError(422, "validation_error", "Give month=YYYY-MM, or from and to.", "month")
    if (q.to - q.from_).days > 62:
        raise ApiError(422, "validation_error", "A calendar covers at most 62 days.", "to")
    return JSONResponse(await run(request.app.state.pool, "session_calendar", request.state.caller, from_=q.from_,
                                  to_=q.to, month=None))


SID = "{session_id:uuid}"
api_routes = [
    Route("/sessions", list_sessions, methods=["GET"], name="list_sessions"),
    Route("/sessions", create_session, methods=["POST"], name="create_session"),
    Route("/sessions/calendar", session_calendar, methods=["GET"], name="session_calendar"),
    Route(f"/sessions/{SID}", get_session, methods=["GET"], name="get_session"),
    Route(f"/sessions/{SID}", update_session, methods=["PATCH"], name="update_session"),
    Route(f"/sessions/{SID}/confirm", confirm_session, methods=["POST"], name="confirm_session"),
    Route(f"/sessions/{SID}/complete", complete_session, methods=["POST"], name="complete_session"),
    Route(f"/sessions/{SID}/no-show", no_show_session, methods=["POST"], name="no_show_session"),
    Route(f"/sessions/{SID}/cancel", cancel_session, methods=["POST"], name="cancel_session"),
    Route(f"/sessions/{SID}/reschedule", reschedule_session, methods=["POST"], name="reschedule_session"),
]

# Test: pytest tests/http/test_sessions.py
