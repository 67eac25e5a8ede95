# app/routes/publishing.py — the consultant's page going live over the API: its status with the setup checklist, publish, unpublish (the dashboard's buttons: dashboard_publish.py).
"""Three calls of the SQL that holds the rule (api.my_page_status, api.publish_my_page, api.unpublish_my_page;
the checklist: app.setup_checklist): publishing before every step is done is 409 `setup_incomplete`, whose message
names the steps left; a consultant not approved (or suspended) is 403."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.routing import Route

from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.sql import run
from app.validation import Answer


class SetupStepOut(Answer):
    item: Literal["profile", "photo", "price", "availability", "meeting_link", "bank"]
    label: str
    done: bool


class PageStatus(Answer):
    """Whether the consultant's page is public, and the setup checklist publishing needs."""

    slug: str
    approval_status: Literal["pending", "approved", "rejected", "suspended"]
    published_at: datetime | None = Field(description="When the page was published (null: not public).")
    is_published: bool = Field(description="Public now: published and approved.")
    checklist: list[SetupStepOut] = Field(description="Every step, in order; all must be done to publish.")
    missing: list[Literal["profile", "photo", "price", "availability", "meeting_link", "bank"]]


@endpoint(named="my_page_status", tags=("profile",), auth="consultant", responses={200: PageStatus})
async def my_page_status(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "my_page_status", request.state.caller))


@endpoint(named="publish_my_page", tags=("profile",), auth="consultant", responses={200: PageStatus, 409: None})
async def publish_my_page(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "publish_my_page", request.state.caller))


@endpoint(named="unpublish_my_page", tags=("profile",), auth="consultant", responses={200: PageStatus})
async def unpublish_my_page(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "unpublish_my_page", request.state.caller))


api_routes = [
    Route("/consultants/me/page", my_page_status, methods=["GET"], name="my_page_status"),
    Route("/consultants/me/page/publish", publish_my_page, methods=["POST"], name="publish_my_page"),
    Route("/consultants/me/page/unpublish", unpublish_my_page, methods=["POST"], name="unpublish_my_page"),
]

# Test: pytest tests/http/test_publishing.py
