# app/routes/admin_email_pages.py — super admins' pages for email templates: the list, an editor with a preview on sample data, save and reset.
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.emails import email_types
from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.email_templates import TemplateBody, built_in, checked
from app.routes.forms import form_error
from app.sql import run
from app.validation import parse_form
from app.web import ADMIN, form_with_csrf, render, signed_in

TEMPLATES = "/email-templates"  # under the /admin mount
BASE = ADMIN + TEMPLATES
FIELDS = ("subject", "html_body", "text_body")


async def _overrides(request: Request) -> dict[str, dict]:
    """The overridden templates by email type (the SQL checks the super admin again)."""
    _, caller = signed_in(request)
    return {o["email_type"]: o for o in await run(request.app.state.pool, "admin_email_template_overrides", caller)}


@endpoint(summary="Admin: every email type and whether it is overridden (super admins).", tags=("pages",),
          auth="super_admin", include=False)
async def templates_page(request: Request) -> Response:
    overrides = await _overrides(request)
    return render(request, "admin/email_templates.html", {"types": email_types(), "overrides": overrides,
                                                          "done": request.query_params.get("done")})


@endpoint(summary="Admin: edit one email template, preview it on sample data, save or reset it (super admins).",
          tags=("pages",), auth="super_admin", include=False)
async def template_page(request: Request) -> Response:
    _, caller = signed_in(request)
    overrides = await _overrides(request)
    email_type = request.path_params["email_type"]
    if email_type not in email_types():
        raise ApiError(404, "not_found", "No such email type.")
    current = overrides.get(email_type) or built_in(email_type)
    context = {"email_type": email_type, "overridden": email_type in overrides,
               "values": {k: current[k] for k in FIELDS}, "done": request.query_params.get("done")}
    if request.method == "GET":
        try:
            context["preview"] = await checked(email_type, context["values"])
        except ApiError as err:  # a stored override that no longer renders within bounds: say so, keep the editor
            return render(request, "admin/email_template.html",
                          {**context, "error": err.message, "error_field": err.field}, status=200)
        return render(request, "admin/email_template.html", context)
    form = await form_with_csrf(request)
    action = form.get("action")
    if action == "reset":
        await run(request.app.state.pool, "admin_reset_email_template", caller, email_type=email_type)
        return RedirectResponse(f"{BASE}/{email_type}?done=reset", status_code=303)
    values = {k: form.get(k, "") for k in FIELDS}
    context["values"] = values
    try:
        body = parse_form(values, TemplateBody)
        context["preview"] = await checked(email_type, body.model_dump())
        if action == "save":
            await run(request.app.state.pool, "admin_set_email_template", caller, email_type=email_type,
                      **body.model_dump())
            return RedirectResponse(f"{BASE}/{email_type}?done=saved", status_code=303)
    except ApiError as err:
        failure, status = form_error(err, order=list(FIELDS))
        return render(request, "admin/email_template.html", {**context, **failure}, status=status)
    return render(request, "admin/email_template.html", context)


@endpoint(summary="Admin: the HTML of a preview, framed by the editor page (sandboxed).", tags=("pages",),
          auth="super_admin", include=False)
async def template_preview_frame(request: Request) -> Response:
    overrides = await _overrides(request)
    email_type = request.path_params["email_type"]
    if email_type not in email_types():
        raise ApiError(404, "not_found", "No such email type.")
    rendered = await checked(email_type, overrides.get(email_type) or built_in(email_type))
    # Email HTML keeps its inline styles; shown only inside this site's own editor, with scripts off.
    return HTMLResponse(rendered.html, headers={
        "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; "
                                   "frame-ancestors 'self'", "x-frame-options": "SAMEORIGIN"})


admin_routes = [
    Route(TEMPLATES, templates_page, methods=["GET"], name="admin_email_templates_page"),
    Route(TEMPLATES + "/{email_type}", template_page, methods=["GET", "POST"], name="admin_email_template_page"),
    Route(TEMPLATES + "/{email_type}/frame", template_preview_frame, methods=["GET"], name="admin_email_template_frame"),
]

# Test: pytest tests/http/test_email_templates.py
