# app/routes/pages.py — the public site as pages: home, pricing, sign-in and account pages, a consultant's booking page, the client's manage page.
"""Pages run the API's own named queries and checks (schemas, rate limits, password policy); forms are
plain POSTs with a CSRF token, so they work without JavaScript. The booking widget and the manage page's
payment step use the public JSON API from small scripts in app/static/."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.auth import client_ip, new_token, refresh_expiry, token_hash
from app.endpoints import endpoint
from app.errors import ApiError
from app.ratelimit import rate_limit
from app.routes.auth import (
    EmailBody,
    LoginBody,
    ResetPasswordBody,
    SignupBody,
    checked_credentials,
    encrypted_link,
    hash_new_password,
    sign_up,
)
from app.routes.forms import form_page
from app.sql import Caller, run
from app.validation import parse_form
from app.web import (
    clear_cookie,
    form_with_csrf,
    render,
    safe_next,
    session_cookie,
    set_cookie,
)

SESSION_SECONDS = 30 * 24 * 3600


@endpoint(summary="Home page.", tags=("pages",), include=False)
async def home(request: Request) -> Response:
    return render(request, "pages/home.html")


@endpoint(summary="Pricing page.", tags=("pages",), include=False)
async def pricing(request: Request) -> Response:
    return render(request, "pages/pricing.html", {"plans": await run(request.app.state.pool, "public_plans")})


def start_web_session(request: Request, refresh: str, to: str) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    set_cookie(request, response, session_cookie(request), refresh, SESSION_SECONDS)
    return response


async def query_values(request: Request, subject: dict | None, caller: Caller) -> dict:
    """A sign-in form's first showing: what the link carried (?email=…, ?next=…) fills it."""
    return {"values": dict(request.query_params)} if request.method == "GET" else {}


@endpoint(summary="Consultant sign-in page.", tags=("pages",), include=False)
async def login_page(request: Request) -> Response:
    async def submit(form: dict, subject: dict | None, caller: Caller) -> Response:
        body = parse_form({"email": form.get("email", ""), "password": form.get("password", "")}, LoginBody)
        creds = await checked_credentials(request, "consultant", body)
        refresh = new_token("rt")
        await run(request.app.state.pool, "start_consultant_session", consultant_id=creds["id"],
                  refresh_hash=token_hash(refresh), expires_at=refresh_expiry(),
                  user_agent=request.headers.get("user-agent"), ip=client_ip(request))
        return start_web_session(request, refresh, safe_next(form.get("next"), "/dashboard"))

    return await form_page(request, "pages/login.html", query_values, submit)


@endpoint(summary="Consultant sign-up page.", tags=("pages",), include=False)
async def signup_page(request: Request) -> Response:
    async def submit(form: dict, subject: dict | None, caller: Caller) -> Response:
        body = parse_form({k: form.get(k, "") for k in ("email", "password", "first_name", "last_name",
                                                         "phone_country_code", "phone_number")}, SignupBody)
        _, refresh = await sign_up(request, body)
        return start_web_session(request, refresh, "/dashboard?welcome=1")

    return await form_page(request, "pages/signup.html", query_values, submit)


@endpoint(summary="Forgotten password page.", tags=("pages",), include=False)
async def forgot_page(request: Request) -> Response:
    async def submit(form: dict, subject: dict | None, caller: Caller) -> Response:
        body = parse_form({"email": form.get("email", "")}, EmailBody)
        await rate_limit(request, "forgot_password", body.email)
        token = new_token("pr")
        await run(request.app.state.pool, "request_password_reset", email=body.email, token_hash=token_hash(token),
                  reset_url_encrypted=encrypted_link(request, "/auth/reset-password", token))
        # The same answer whether or not the address has an account.
        return render(request, "pages/forgot.html", {"sent": True, "values": {}})

    return await form_page(request, "pages/forgot.html", query_values, submit)


@endpoint(summary="Reset password page (from the emailed link).", tags=("pages",), include=False)
async def reset_page(request: Request) -> Response:
    async def submit(form: dict, subject: dict | None, caller: Caller) -> Response:
        body = parse_form({"token": form.get("token", ""), "password": form.get("password", "")}, ResetPasswordBody)
        await rate_limit(request, "reset_password")
        password_hash = await hash_new_password(request, body.password)
        await run(request.app.state.pool, "reset_password", token_hash=token_hash(body.token),
                  password_hash=password_hash)
        return RedirectResponse("/auth/login?reset=1", status_code=303)

    return await form_page(request, "pages/reset.html", query_values, submit)


@endpoint(summary="Email verification page (from the emailed link).", tags=("pages",), include=False)
async def verify_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    ok = False
    if 10 <= len(token) <= 200:
        try:
            await run(request.app.state.pool, "verify_email", token_hash=token_hash(token))
            ok = True
        except ApiError:
            ok = False
    return render(request, "pages/verify.html", {"ok": ok}, status=200 if ok else 400)


@endpoint(summary="Sign out (ends this browser's session).", tags=("pages",), include=False)
async def logout_page(request: Request) -> Response:
    await form_with_csrf(request)
    token = request.cookies.get(session_cookie(request))
    if token:
        await run(request.app.state.pool, "revoke_refresh_family", token_hash=token_hash(token), subject="consultant")
    response = RedirectResponse("/auth/login?signed_out=1", status_code=303)
    clear_cookie(request, response, session_cookie(request))
    return response


site_routes = [
    Route("/", home, methods=["GET"], name="home_page"),
    Route("/pricing", pricing, methods=["GET"], name="pricing_page"),
    Route("/auth/login", login_page, methods=["GET", "POST"], name="login_page"),
    Route("/auth/signup", signup_page, methods=["GET", "POST"], name="signup_page"),
    Route("/auth/forgot-password", forgot_page, methods=["GET", "POST"], name="forgot_page"),
    Route("/auth/reset-password", reset_page, methods=["GET", "POST"], name="reset_page"),
    Route("/auth/verify-email", verify_page, methods=["GET"], name="verify_page"),
    Route("/auth/logout", logout_page, methods=["POST"], name="logout_page"),
]

# Test: pytest tests/http/test_pages.py
