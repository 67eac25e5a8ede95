# app/routes/dashboard_publish.py — the consultant's page going live: the setup checklist block, publish and unpublish (/dashboard/publish, /dashboard/unpublish), and the suspended consultant's home.
"""The checklist and the rule are SQL's (app.setup_checklist, api.publish_my_page, app.guard_publication): a page
only shows what SQL answered and links each step to the settings page that completes it. Publishing and taking
the page down are plain POSTs with the CSRF token, then back to the dashboard with a notice (post/redirect/get);
a refusal (a step left, not approved) comes back as `?refused=<code>` and the block shows what is missing."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.sql import PUBLIC, Caller, run, run_refusable
from app.web import DASHBOARD, form_with_csrf, render, signed_in

SETTINGS = f"{DASHBOARD}/settings"
# Where each step of the checklist is done (the steps themselves: db/functions/app/publishing.sql).
SETUP_LINKS = {"profile": f"{SETTINGS}/profile", "photo": f"{SETTINGS}/profile#photo-title",
               "price": f"{SETTINGS}/profile", "availability": f"{SETTINGS}/availability",
               "meeting_link": f"{SETTINGS}/meetings", "bank": f"{SETTINGS}/bank"}
NOTICES = {"published": "Your page is live. Share its address with your clients.",
           "unpublished": "Your page is offline: visitors see “page not found” until you publish it again. "
                          "Sessions already booked stay as they are."}
REFUSALS = {"setup_incomplete": "Finish the steps marked “To do” first, then publish.",
            "consultant_not_approved": "Your page can be published once your account is approved.",
            "consultant_suspended": "Your account is suspended, so your page cannot be published."}


def checklist(page: dict) -> list[tuple[str, bool, str]]:
    """(label, done, link) per step, in SQL's order."""
    return [(step["label"], step["done"], SETUP_LINKS.get(step["item"], SETTINGS)) for step in page["checklist"]]


async def page_status(request: Request, caller: Caller) -> dict:
    """The home page's block: published or not, the checklist, and the notice or refusal of the last POST."""
    page = await run(request.app.state.pool, "my_page_status", caller)
    return {"page": page, "steps": checklist(page), "steps_done": sum(1 for _, ok, _ in checklist(page) if ok),
            "page_notice": NOTICES.get(request.query_params.get("done", "")),
            "page_refusal": REFUSALS.get(request.query_params.get("refused", ""))}


async def suspended_home(request: Request, account: dict) -> Response:
    """What a suspended consultant sees first: why, how to reach support, and what they can still read."""
    _, caller = signed_in(request)
    pool = request.app.state.pool
    platform = await run(pool, "public_plans", PUBLIC)
    upcoming = await run(pool, "list_sessions", caller, status="confirmed", session_type=None, from_=None, to_=None,
                         client_id=None, q=None, sort="starts_at", page=1, per_page=1)
    return render(request, "dashboard/suspended.html", {
        "account": account, "support_email": platform.get("support_email"),
        "platform_name": platform.get("platform_name") or "Nakksha", "upcoming_total": upcoming["total"]})


async def _change(request: Request, query: str, done: str) -> Response:
    await form_with_csrf(request)
    _, caller = signed_in(request)
    try:
        await run_refusable(request.app.state.pool, query, caller)
    except ApiError as err:
        if err.status not in (403, 409):
            raise
        return RedirectResponse(f"{DASHBOARD}?refused={err.code}#page-status", status_code=303)
    return RedirectResponse(f"{DASHBOARD}?done={done}#page-status", status_code=303)


@endpoint(summary="Publish the consultant's page (every step of the setup checklist done), back to the dashboard.",
          tags=("pages",), auth="consultant", include=False)
async def publish_page(request: Request) -> Response:
    return await _change(request, "publish_my_page", "published")


@endpoint(summary="Take the consultant's page offline, back to the dashboard.", tags=("pages",), auth="consultant",
          include=False)
async def unpublish_page(request: Request) -> Response:
    return await _change(request, "unpublish_my_page", "unpublished")


dashboard_routes = [
    Route("/publish", publish_page, methods=["POST"], name="publish_page"),
    Route("/unpublish", unpublish_page, methods=["POST"], name="unpublish_page"),
]

# Test: pytest tests/http/test_publishing.py tests/e2e/test_publishing.py
