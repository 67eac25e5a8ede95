# app/routes/dev.py — development-only pages: the local email outbox (list and each message rendered).
from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.sql import run
from app.templating import templates


@endpoint(summary="Local email outbox (development only).", tags=("dev",), include=False)
async def dev_outbox(request: Request) -> HTMLResponse:
    rows = await run(request.app.state.pool, "dev_outbox_list", limit=200)
    return templates.TemplateResponse(request, "dev/outbox.html", {"messages": rows})


@endpoint(summary="One message of the local outbox (development only).", tags=("dev",), include=False)
async def dev_outbox_message(request: Request) -> Response:
    try:
        message_id = uuid.UUID(request.path_params["message_id"])
    except ValueError as exc:
        raise ApiError(404, "not_found", "No such message.") from exc
    row = await run(request.app.state.pool, "dev_outbox_message", id=message_id)
    if row is None:
        raise ApiError(404, "not_found", "No such message.")
    if request.query_params.get("part") == "html":
        # The message's own HTML, sandboxed: it is shown in an iframe on the message page.
        return HTMLResponse(row["html_body"], headers={"content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:"})
    return templates.TemplateResponse(request, "dev/outbox_message.html", {"m": row})


routes = [
    Route("/dev/outbox", dev_outbox, methods=["GET"], name="dev_outbox"),
    Route("/dev/outbox/{message_id}", dev_outbox_message, methods=["GET"], name="dev_outbox_message"),
]

# Test: pytest tests/jobs/test_outbox.py
