# app/web.py — what every server-rendered page shares: the cookie session, CSRF, rendering with Indian formats, HTML errors.
"""The session cookie holds a refresh token that pages never rotate (see api.web_session_subject): revoking
its family (logout, logout-all, password change, suspension) ends it. Cookies are HttpOnly and SameSite=Lax,
Secure and `__Host-` prefixed outside development. Every form carries a CSRF token that must equal the
CSRF cookie (double submit), checked before anything else on every POST; the cookie is random per browser."""
from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from app.auth import token_hash
from app.calendar_invite import calendar_links
from app.config import ADMIN_CAN, SUPER_ADMIN_ONLY
from app.documents_pdf import FILTERS as DOCUMENT_FILTERS
from app.documents_pdf import TYPE_LABELS as DOCUMENT_LABELS
from app.emails import inr
from app.errors import ApiError
from app.sql import Caller, run
from app.static_files import static_url

# The Jinja2 environment for pages (autoescaped), shared by every route that renders one.
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

CSRF_FIELD = "csrf_token"


def _cookie(request: Request, name: str) -> str:
    return name if request.app.state.settings.is_development else f"__Host-{name}"


def session_cookie(request: Request) -> str:
    return _cookie(request, "nk_session")


def csrf_cookie(request: Request) -> str:
    return _cookie(request, "nk_csrf")


def oauth_cookie(request: Request) -> str:
    """Binds a calendar connection in progress to the browser that started it (app/routes/calendar.py)."""
    return _cookie(request, "nk_oauth")


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=not request.app.state.settings.is_development)


def clear_cookie(request: Request, response: Response, name: str) -> None:
    """Browsers ignore a deletion of a Secure (`__Host-`) cookie that is not itself Secure."""
    response.delete_cookie(name, path="/", httponly=True, samesite="lax",
                           secure=not request.app.state.settings.is_development)


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (made on first use; `render` sets the cookie)."""
    token = getattr(request.state, "csrf", None) or request.cookies.get(csrf_cookie(request))
    if not token or len(token) < 20:
        token = secrets.token_urlsafe(24)
        request.state.csrf_new = True
    request.state.csrf = token
    return token


async def form_with_csrf(request: Request) -> dict[str, str]:
    """The posted form, once its CSRF token matched the cookie; a forged post is 403 and does nothing."""
    form = await request.form()
    cookie = request.cookies.get(csrf_cookie(request)) or ""
    sent = str(form.get(CSRF_FIELD) or "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise ApiError(403, "csrf_failed", "This form has expired or did not come from this site. Reload the page "
                                           "and try again.")
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


async def page_subject(request: Request) -> dict | None:
    """The consultant or admin signed in on this browser, or None."""
    if hasattr(request.state, "subject"):
        return request.state.subject
    token = request.cookies.get(session_cookie(request))
    subject = None
    if token and len(token) < 200:
        subject = await run(request.app.state.pool, "web_session_subject", token_hash=token_hash(token))
    request.state.subject = subject
    return subject


def login_redirect(request: Request, path: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?next={quote(request.url.path)}", status_code=303)


# The three mounts (app/routes/__init__.py); route tables are written relative to them, links use the full path.
API, DASHBOARD, ADMIN = "/api/v1", "/dashboard", "/admin"
LOGIN_PAGES = {"consultant": "/auth/login", "admin": f"{ADMIN}/login"}


async def guard_page(request: Request, level: str) -> Response | None:
    """A page's side of `endpoint(auth=…)` (app/endpoints.py), the API's being app.auth.authenticate: the
    browser's session cookie at the level the page declares. None lets the page run, with request.state.subject
    (the signed-in consultant or admin, or None) and request.state.caller (whom its queries run as); otherwise
    the answer instead of the page: the sign-in page for nobody or the wrong kind of account, the dashboard
    (which says why) for a consultant not yet approved, a 403 page for an admin who is not a super admin. A
    public page still reads the session, for the header's signed-in links."""
    subject = await page_subject(request)
    request.state.caller = Caller()
    if level == "public":
        return None
    kind = "consultant" if level in ("consultant", "approved", "readable") else "admin"
    if not subject or subject["kind"] != kind:
        return login_redirect(request, LOGIN_PAGES[kind])
    sid = uuid.UUID(subject["id"])
    request.state.caller = Caller(consultant_id=sid) if kind == "consultant" else Caller(admin_id=sid)
    if level == "approved" and subject["approval_status"] != "approved":
        return RedirectResponse("/dashboard", status_code=303)
    if level == "readable" and subject["approval_status"] not in ("approved", "suspended"):
        return RedirectResponse("/dashboard", status_code=303)
    if level == "super_admin" and subject.get("role") != "super_admin":
        return render(request, "admin/forbidden.html", {"heading": "This page is for super admins"}, status=403)
    return None


def signed_in(request: Request) -> tuple[dict, Caller]:
    """The signed-in subject and its Caller, on a page whose `endpoint(auth=…)` let it run."""
    return request.state.subject, request.state.caller


def safe_next(value: str | None, default: str) -> str:
    """Only a path on this site: a login link must not become an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) < 500:
        return value
    return default


def local_dt(value: Any, timezone: str, fmt: str = "%a, %d %b %Y, %I:%M %p") -> str:
    """An instant in a zone, with the zone's abbreviation shown: Mon, 30 Nov 2026, 10:00 AM IST."""
    if value is None:
        return "—"
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    try:
        local = dt.astimezone(ZoneInfo(timezone))
    except OverflowError:  # a row stored before instants were bounded (year 9999 east of UTC): shown as stored
        return dt.isoformat()
    return local.strftime(fmt) + " " + (local.tzname() or timezone)


def rate(value: Any) -> str:
    """A percentage SQL computed (one decimal), or "—" when SQL says there was nothing to divide by (NULL)."""
    return "—" if value is None else f"{float(value):.1f}%"


# The meeting services a link is recognised by (its host or a parent domain), and the names people know them by.
MEETING_HOSTS = (("zoom.us", "Zoom"), ("zoom.com", "Zoom"), ("meet.google.com", "Google Meet"),
                 ("teams.microsoft.com", "Microsoft Teams"), ("teams.live.com", "Microsoft Teams"))
PLATFORM_NAMES = {"zoom": "Zoom", "meet": "Google Meet", "teams": "Microsoft Teams"}


def meeting_platform(link: str | None, platform: str | None = None) -> str | None:
    """The service a session actually meets on: read from its link's host (a Zoom link is Zoom whatever the
    platform field says), else the stored platform; a link no known service serves is "Custom link (host)"."""
    if link:
        try:
            host = (urlsplit(link).hostname or "").lower()
        except ValueError:  # a stored link no parser reads (a broken IPv6 literal): still a link, of no known service
            host = ""
        for domain, name in MEETING_HOSTS:
            if host == domain or host.endswith("." + domain):
                return name
        return f"Custom link ({host})" if host else "Custom link"
    return PLATFORM_NAMES.get(platform or "")



def meeting_platform_code(link: str | None, platform: str | None = None) -> str | None:
    """What a session's edit form preselects: its stored platform, else the one its link's host shows (None for a
    custom link or none), so the form agrees with the "On Zoom" above it and saving it unchanged keeps both."""
    if platform in PLATFORM_NAMES:
        return platform
    name = meeting_platform(link)
    return next((code for code, known in PLATFORM_NAMES.items() if known == name), None)

templates.env.filters["inr"] = inr
templates.env.filters["local_dt"] = local_dt
templates.env.globals["static_url"] = static_url
templates.env.globals.update(admin_can=ADMIN_CAN, super_admin_only=SUPER_ADMIN_ONLY)
templates.env.filters["rate"] = rate
templates.env.filters["meeting_platform"] = meeting_platform
templates.env.filters["calendar_links"] = calendar_links
templates.env.filters.update(DOCUMENT_FILTERS)  # a GST document's page prints what its PDF does
templates.env.globals["document_labels"] = DOCUMENT_LABELS


def render(request: Request, template: str, context: dict | None = None, status: int = 200) -> Response:
    subject = getattr(request.state, "subject", None)
    # A suspended consultant reads their sessions and clients but changes nothing: pages hide their write actions.
    read_only = bool(subject and subject.get("kind") == "consultant" and subject.get("approval_status") == "suspended")
    ctx = {"csrf_token": csrf_token(request), "subject": subject, "read_only": read_only,
           "is_development": request.app.state.settings.is_development, **(context or {})}
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    if getattr(request.state, "csrf_new", False):
        set_cookie(request, response, csrf_cookie(request), request.state.csrf, None)
    return response


def is_page_request(request: Request) -> bool:
    """A browser asking for a page gets its error as a page; the API, dev tools, files and any client that
    does not ask for HTML keep the one JSON error shape."""
    path = request.url.path
    return ("text/html" in request.headers.get("accept", "")
            and not path.startswith(("/api/", "/dev/", "/static/", "/media/", "/healthz", "/readyz")))


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "pages/error.html", {"status": status, "title": title, "message": message}, status=status)

# Test: pytest tests/http/test_pages.py
