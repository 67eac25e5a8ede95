# app/routes/email_templates.py — super admins override email templates (/api/v1/admin/email-templates…): read, preview on sample data, save (refused unless it renders), reset.
from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.email_samples import sample
from app.emails import TEMPLATE_DIR, Rendered, UnknownEmailType, email_types
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.sql import run
from app.template_sandbox import TemplateRefused, render_override
from app.validation import Answer, Schema, parse_body

COMMENT = re.compile(r"^\s*\{#.*?#\}\s*", re.S)
BODY_BLOCK = re.compile(r"\{%\s*block body\s*%\}(.*?)\{%\s*endblock\s*%\}", re.S)


class TemplateBody(Schema):
    subject: str = Field(min_length=1, max_length=500)
    html_body: str = Field(min_length=1, max_length=200000)
    text_body: str = Field(min_length=1, max_length=200000)


class PreviewBody(Schema):
    subject: str | None = Field(default=None, min_length=1, max_length=500)
    html_body: str | None = Field(default=None, min_length=1, max_length=200000)
    text_body: str | None = Field(default=None, min_length=1, max_length=200000)


def built_in(email_type: str) -> dict:
    """The shipped template as an override would be written: subject and text as they are, the HTML body
    without the layout it extends."""
    def source(suffix: str) -> str:
        return COMMENT.sub("", (TEMPLATE_DIR / f"{email_type}{suffix}").read_text(), count=1)

    html = source(".html")
    match = BODY_BLOCK.search(html)
    return {"subject": source(".subject.txt").strip(), "html_body": (match.group(1) if match else html).strip(),
            "text_body": source(".txt")}


def _type(request: Request) -> str:
    email_type = request.path_params["email_type"]
    if email_type not in email_types():
        raise ApiError(404, "not_found", "No such email type.")
    return email_type


# Fields real mail does not always carry (a session a consultant added has no manage link; a refund amount
# only comes with a cancellation) and fields that may be empty: an override must render without them too.
OPTIONAL = ("manage_url", "refund_amount", "refund_reason", "previous_starts_at")
MAY_BE_EMPTY = ("meeting_link", "cancellation_reason", "reason", "validity_period", "expires_at", "document_type",
                "document_number")


async def checked(email_type: str, template: dict) -> Rendered:
    """Rendered on the type's sample data, full and sparse, in the bounded sandbox (app/template_sandbox.py):
    a template that cannot render, or not within the sandbox's size and time limits, is refused now (422
    naming the part), not at send time."""
    full = sample(email_type)
    sparse = {k: (None if k in MAY_BE_EMPTY else v) for k, v in full.items() if k not in OPTIONAL}
    try:
        return (await render_override(email_type, [sparse, full], template))[-1]
    except UnknownEmailType as exc:
        raise ApiError(404, "not_found", "No such email type.") from exc
    except TemplateRefused as exc:
        message = f"The template does not render: {exc.message}" if exc.code == "template_invalid" else exc.message
        raise ApiError(422, exc.code, message, exc.field or "html_body") from exc


async def _overrides(request: Request) -> dict[str, dict]:
    rows = await run(request.app.state.pool, "admin_email_template_overrides", request.state.caller)
    return {r["email_type"]: r for r in rows}


class TemplateSummary(Answer):
    email_type: str
    overridden: bool
    updated_at: datetime | None


class TemplateList(Answer):
    items: list[TemplateSummary]


class TemplateText(Answer):
    subject: str
    html_body: str
    text_body: str


class Override(TemplateText):
    email_type: str
    updated_at: datetime
    updated_by: uuid.UUID | None


class TemplateDetail(Answer):
    email_type: str
    built_in: TemplateText
    override: Override | None
    sample_data: dict = Field(description="The made-up data previews render with (the variables a template may use).")


class Preview(Answer):
    email_type: str
    subject: str
    html: str
    text: str


@endpoint(summary="Every email type, with its override if a super admin has made one.", tags=("admin",),
          auth="super_admin", responses={200: TemplateList})
async def list_email_templates(request: Request) -> JSONResponse:
    overrides = await _overrides(request)
    return JSONResponse({"items": [{"email_type": t, "overridden": t in overrides,
                                    "updated_at": overrides.get(t, {}).get("updated_at")} for t in email_types()]})


@endpoint(summary="One email type: the built-in template, the override (if any) and the sample data previews use.",
          tags=("admin",), auth="super_admin", responses={200: TemplateDetail, 404: None})
async def get_email_template(request: Request) -> JSONResponse:
    email_type = _type(request)
    return JSONResponse({"email_type": email_type, "built_in": built_in(email_type),
                         "override": (await _overrides(request)).get(email_type),
                         "sample_data": sample(email_type)})


@endpoint(named="admin_set_email_template", tags=("admin",), auth="super_admin", body=TemplateBody,
          responses={200: Override, 404: None, 422: None})
async def put_email_template(request: Request) -> JSONResponse:
    email_type = _type(request)
    body = await parse_body(request, TemplateBody)
    await checked(email_type, body.model_dump())
    return JSONResponse(await run(request.app.state.pool, "admin_set_email_template", request.state.caller, body,
                                  email_type=email_type))


@endpoint(summary="Render an email type on sample data: the current template, or the fields sent instead.",
          tags=("admin",), auth="super_admin", body=PreviewBody, responses={200: Preview, 404: None, 422: None})
async def preview_email_template(request: Request) -> JSONResponse:
    email_type = _type(request)
    body = await parse_body(request, PreviewBody)
    current = (await _overrides(request)).get(email_type) or built_in(email_type)
    template = {k: getattr(body, k) or current[k] for k in ("subject", "html_body", "text_body")}
    rendered = await checked(email_type, template)
    return JSONResponse({"email_type": email_type, "subject": rendered.subject, "html": rendered.html,
                         "text": rendered.text})


@endpoint(named="admin_reset_email_template", tags=("admin",), auth="super_admin",
          responses={204: None, 404: None})
async def reset_email_template(request: Request) -> Response:
    email_type = _type(request)
    if not await run(request.app.state.pool, "admin_reset_email_template", request.state.caller, email_type=email_type):
        raise ApiError(404, "not_found", "This email type has no override.")
    return Response(status_code=204)


BASE = "/admin/email-templates"
api_routes = [
    Route(BASE, list_email_templates, methods=["GET"], name="list_email_templates"),
    Route(BASE + "/{email_type}", get_email_template, methods=["GET"], name="get_email_template"),
    Route(BASE + "/{email_type}", put_email_template, methods=["PUT"], name="put_email_template"),
    Route(BASE + "/{email_type}", reset_email_template, methods=["DELETE"], name="reset_email_template"),
    Route(BASE + "/{email_type}/preview", preview_email_template, methods=["POST"], name="preview_email_template"),
]

# Test: pytest tests/http/test_email_templates.py
