# app/routes/availability.py — the consultant's availability (/api/v1/consultants/me/availability…): weekly rules, blocked ranges, slots.
from __future__ import annotations

import datetime as dt
import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field, model_validator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.answers import SessionType
from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.schemas import Clock, Instant, LocalTime, PlausibleDate
from app.sql import run
from app.validation import Answer, QuerySchema, Schema, parse_body, parse_query

BASE = "/consultants/me/availability"


class RuleBody(Schema):
    session_type: SessionType
    weekday: int = Field(ge=1, le=7, description="ISO weekday: 1 = Monday … 7 = Sunday.")
    start_time: LocalTime
    end_time: LocalTime
    slot_minutes: int = Field(ge=5, le=480)
    capacity: int = Field(default=1, ge=1, le=10000)
    valid_from: PlausibleDate | None = None
    valid_until: PlausibleDate | None = None
    is_active: bool = True

    @model_validator(mode="after")
    def sane(self) -> RuleBody:
        if self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        if (self.end_time.hour * 60 + self.end_time.minute) - (self.start_time.hour * 60 + self.start_time.minute) < self.slot_minutes:
            raise ValueError("the window is shorter than one slot")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from")
        return self


class BlockBody(Schema):
    starts_at: Instant
    ends_at: Instant
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def ordered(self) -> BlockBody:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class SlotBody(Schema):
    session_type: SessionType
    starts_at: Instant
    ends_at: Instant
    capacity: int = Field(default=1, ge=1, le=10000)

    @model_validator(mode="after")
    def ordered(self) -> SlotBody:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class SlotPatch(Schema):
    starts_at: Instant | None = None
    ends_at: Instant | None = None
    capacity: int | None = Field(default=None, ge=1, le=10000)
    is_available: bool | None = None


class SlotQuery(QuerySchema):
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None
    type: SessionType | None = None


def _caller(request: Request):
    return request.state.caller


class Rule(Answer):
    id: uuid.UUID
    session_type: SessionType
    weekday: int = Field(ge=1, le=7, description="ISO weekday: 1 = Monday … 7 = Sunday.")
    start_time: Clock
    end_time: Clock
    slot_minutes: int
    capacity: int
    is_active: bool
    valid_from: date | None
    valid_until: date | None


class Block(Answer):
    id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    reason: str | None


class Availability(Answer):
    """The weekly rules and the blocked ranges still to come, in the consultant's timezone."""

    timezone: str
    rules: list[Rule]
    blocks: list[Block]


class Slot(Answer):
    id: uuid.UUID
    session_type: SessionType
    starts_at: datetime
    ends_at: datetime
    date: dt.date = Field(description="Local date.")
    start_time: Clock
    end_time: Clock
    capacity: int
    booked_count: int
    remaining: int
    is_available: bool
    source: Literal["rule", "manual"]
    rule_id: uuid.UUID | None


class SlotList(Answer):
    items: list[Slot] = Field(description="Slots in the range asked, booked or not, by start.")


class CreatedRule(Availability):
    created_id: uuid.UUID = Field(description="The new rule's id.")


@endpoint(named="get_my_availability", tags=("availability",), auth="consultant", responses={200: Availability})
async def get_availability(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "get_my_availability", _caller(request)))


@endpoint(named="create_availability_rule", tags=("availability",),
          auth="consultant", body=RuleBody, responses={201: CreatedRule, 422: None})
async def create_rule(request: Request) -> JSONResponse:
    b = await parse_body(request, RuleBody)
    result = await run(request.app.state.pool, "create_availability_rule", _caller(request), b)
    return JSONResponse(result, status_code=201)


@endpoint(named="update_availability_rule", tags=("availability",),
          auth="consultant", body=RuleBody, responses={200: Availability, 404: None})
async def update_rule(request: Request) -> JSONResponse:
    b = await parse_body(request, RuleBody)
    return JSONResponse(await run(request.app.state.pool, "update_availability_rule", _caller(request), b,
                                  rule_id=request.path_params["rule_id"]))


@endpoint(named="delete_availability_rule", tags=("availability",), auth="consultant",
          responses={200: Availability, 404: None})
async def delete_rule(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "delete_availability_rule", _caller(request),
                                  rule_id=request.path_params["rule_id"]))


@endpoint(named="create_availability_block", tags=("availability",), auth="consultant", body=BlockBody,
          responses={201: Availability})
async def create_block(request: Request) -> JSONResponse:
    b = await parse_body(request, BlockBody)
    return JSONResponse(await run(request.app.state.pool, "create_availability_block", _caller(request), b),
                        status_code=201)


@endpoint(named="delete_availability_block", tags=("availability",), auth="consultant", responses={200: Availability, 404: None})
async def delete_block(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "delete_availability_block", _caller(request),
                                  block_id=request.path_params["block_id"]))


@endpoint(named="list_my_slots", tags=("availability",), auth="consultant", query=SlotQuery,
          responses={200: SlotList})
async def list_slots(request: Request) -> JSONResponse:
    q = parse_query(request, SlotQuery)
    return JSONResponse({"items": await run(request.app.state.pool, "list_my_slots", _caller(request), from_=q.from_,
                                            to_=q.to, session_type=q.type)})


@endpoint(named="create_slot", tags=("availability",), auth="consultant", body=SlotBody,
          responses={201: Slot, 409: None})
async def create_slot(request: Request) -> JSONResponse:
    b = await parse_body(request, SlotBody)
    return JSONResponse(await run(request.app.state.pool, "create_slot", _caller(request), b), status_code=201)


@endpoint(named="update_slot", tags=("availability",),
          auth="consultant", body=SlotPatch, responses={200: Slot, 404: None, 409: None})
async def update_slot(request: Request) -> JSONResponse:
    b = await parse_body(request, SlotPatch)
    return JSONResponse(await run(request.app.state.pool, "update_slot", _caller(request), b,
                                  slot_id=request.path_params["slot_id"]))


@endpoint(named="delete_slot", tags=("availability",), auth="consultant",
          responses={204: None, 404: None, 409: None})
async def delete_slot(request: Request) -> Response:
    await run(request.app.state.pool, "delete_slot", _caller(request), slot_id=request.path_params["slot_id"])
    return Response(status_code=204)


api_routes = [
    Route(BASE, get_availability, methods=["GET"], name="get_availability"),
    Route(f"{BASE}/rules", create_rule, methods=["POST"], name="create_availability_rule"),
    Route(BASE + "/rules/{rule_id:uuid}", update_rule, methods=["PUT"], name="update_availability_rule"),
    Route(BASE + "/rules/{rule_id:uuid}", delete_rule, methods=["DELETE"], name="delete_availability_rule"),
    Route(f"{BASE}/blocks", create_block, methods=["POST"], name="create_availability_block"),
    Route(BASE + "/blocks/{block_id:uuid}", delete_block, methods=["DELETE"], name="delete_availability_block"),
    Route(f"{BASE}/slots", list_slots, methods=["GET"], name="list_my_slots"),
    Route(f"{BASE}/slots", create_slot, methods=["POST"], name="create_slot"),
    Route(BASE + "/slots/{slot_id:uuid}", update_slot, methods=["PATCH"], name="update_slot"),
    Route(BASE + "/slots/{slot_id:uuid}", delete_slot, methods=["DELETE"], name="delete_slot"),
]

# Test: pytest tests/http/test_availability.py
