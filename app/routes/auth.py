# app/routes/auth.py — consultant authentication (/api/v1/auth/*): signup, verification, login, refresh, logout, passwords.
from __future__ import annotations

import asyncio
import functools
import secrets as pysecrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app import present
from app.answers_account import Accepted, AccountAnswer, Tokens
from app.auth import client_ip, client_network, new_token, refresh_expiry, token_hash, token_pair
from app.crypto import encrypt_text
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.passwords import PasswordError, check_policy, hash_password, verify_password
from app.ratelimit import rate_limit
from app.schemas import Email, Name, NewPassword, Password, PhoneCountryCode, PhoneNumber, Token
from app.sql import PUBLIC, run
from app.validation import Schema
from app.validation import parse_body as parse

LINK_PURPOSE = "email_link"


class SignupBody(Schema):
    email: Email
    password: NewPassword
    first_name: Name
    last_name: Name
    phone_country_code: PhoneCountryCode
    phone_number: PhoneNumber


class LoginBody(Schema):
    email: Email
    password: Password


class RefreshBody(Schema):
    refresh_token: Token


class EmailBody(Schema):
    email: Email


class TokenBody(Schema):
    token: Token


class ResetPasswordBody(Schema):
    token: Token
    password: NewPassword


class ChangePasswordBody(Schema):
    current_password: Password
    new_password: NewPassword


class CurrentPasswordBody(Schema):
    current_password: Password


# --- helpers shared with the admin auth routes ----------------------------------------------------------

async def hash_new_password(request: Request, password: str, *personal: str, field: str = "password") -> str:
    try:  # zxcvbn can take a fifth of a second on a crafted password: off the event loop, like bcrypt
        await asyncio.to_thread(check_policy, password, personal)
    except PasswordError as exc:
        raise ApiError(422, "weak_password", str(exc), field) from exc
    return await asyncio.to_thread(hash_password, password, request.app.state.secrets.pepper)


@functools.lru_cache(maxsize=4)
def _dummy_hash(pepper: str) -> str:
    return hash_password(pysecrets.token_urlsafe(24), pepper)


async def check_password(request: Request, password: str, hashed: str | None) -> bool:
    """bcrypt either way: an unknown account is checked against a dummy hash of the same cost, so wrong
    email and wrong password take the same time and give the same answer."""
    pepper = request.app.state.secrets.pepper
    candidate = hashed or await asyncio.to_thread(_dummy_hash, pepper)
    ok = await asyncio.to_thread(verify_password, password, candidate, pepper)
    return ok and hashed is not None


def bad_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "Wrong email or password.")


async def checked_credentials(request: Request, kind: str, body: LoginBody) -> dict:
    """The one sign-in check (consultants and admins, API and pages): refused with 429 while the (account,
    IP), IP or account bucket of failures is full; else the password is checked and only a failure stays
    counted, so failures from one address never lock the owner out from another (api.begin_sign_in)."""
    pool, ip = request.app.state.pool, client_network(request) or "unknown"
    await run(pool, "begin_sign_in", kind=kind, account=body.email, ip=ip)
    creds = await run(pool, "consultant_credentials" if kind == "consultant" else "admin_credentials", email=body.email)
    if not await check_password(request, body.password, creds["password_hash"] if creds else None):
        raise bad_credentials()
    await run(pool, "forgive_sign_in", kind=kind, account=body.email, ip=ip)
    return creds


def encrypted_link(request: Request, path: str, token: str) -> str:
    url = f"{request.app.state.settings.public_base_url}{path}?token={token}"
    return encrypt_text(request.app.state.secrets.data_key, LINK_PURPOSE, url)


def consultant_tokens(request: Request, account: dict, refresh: str) -> dict:
    """A token pair for the account (its `token_epoch`, from the query that opened the session, goes into the
    access token and not into the answer) and the account as the API shows it."""
    shown = {k: v for k, v in account.items() if k != "token_epoch"}
    return {**token_pair(request.app.state.secrets.jwt, subject=account["id"], email=account["email"],
                         role="consultant", refresh_token=refresh, consultant_slug=account["slug"],
                         epoch=account.get("token_epoch", 0)),
            "consultant": present.consultant(shown, request.app.state.secrets.data_key)}


def refresh_failure(status: str) -> ApiError:
    messages = {"reused": "This refresh token was already used; every session of this login has been ended.",
                "expired": "This session has expired; log in again.",
                "revoked": "This session has ended; log in again."}
    return ApiError(401, "invalid_refresh_token", messages.get(status, "This refresh token is not valid."))


# --- endpoints ------------------------------------------------------------------------------------------

async def sign_up(request: Request, body: SignupBody) -> tuple[dict, str]:
    """A new consultant (the API and the sign-up page): the account and its first refresh token. The body's
    fields bind by name; the password arrives hashed, the links as tokens' hashes."""
    await rate_limit(request, "signup")
    password_hash = await hash_new_password(request, body.password, body.email, body.first_name, body.last_name)
    refresh, verify = new_token("rt"), new_token("ev")
    account = await run(request.app.state.pool, "signup_consultant", PUBLIC, body, password_hash=password_hash,
                        refresh_hash=token_hash(refresh), refresh_expires_at=refresh_expiry(),
                        verify_hash=token_hash(verify),
                        verify_url_encrypted=encrypted_link(request, "/auth/verify-email", verify),
                        user_agent=request.headers.get("user-agent"), ip=client_ip(request))
    return account, refresh


@endpoint(named="signup_consultant", tags=("auth",), body=SignupBody,
          responses={201: Tokens, 409: None, 429: None})
async def signup(request: Request) -> JSONResponse:
    account, refresh = await sign_up(request, await parse(request, SignupBody))
    return JSONResponse(consultant_tokens(request, account, refresh), status_code=201)


@endpoint(named="start_consultant_session", tags=("auth",), body=LoginBody,
          responses={200: Tokens, 401: None, 429: None})
async def login(request: Request) -> JSONResponse:
    body = await parse(request, LoginBody)
    creds = await checked_credentials(request, "consultant", body)
    refresh = new_token("rt")
    account = await run(request.app.state.pool, "start_consultant_session", consultant_id=creds["id"],
                        refresh_hash=token_hash(refresh), expires_at=refresh_expiry(),
                        user_agent=request.headers.get("user-agent"), ip=client_ip(request))
    return JSONResponse(consultant_tokens(request, account, refresh))


@endpoint(summary="Exchange a refresh token for a new pair (the old one is spent).", tags=("auth",),
          body=RefreshBody, responses={200: Tokens, 401: None, 429: None})
async def refresh(request: Request) -> JSONResponse:
    body = await parse(request, RefreshBody)
    await rate_limit(request, "refresh")
    new = new_token("rt")
    result = await run(request.app.state.pool, "rotate_refresh_token", token_hash=token_hash(body.refresh_token),
                       new_hash=token_hash(new), new_expires_at=refresh_expiry(), subject="consultant")
    if result["status"] != "ok":
        raise refresh_failure(result["status"])
    return JSONResponse(consultant_tokens(request, result["consultant"], new))


@endpoint(summary="Log out this session (revokes its refresh token family).", tags=("auth",), body=RefreshBody,
          responses={204: None})
async def logout(request: Request) -> Response:
    body = await parse(request, RefreshBody)
    await run(request.app.state.pool, "revoke_refresh_family", token_hash=token_hash(body.refresh_token),
              subject="consultant")
    return Response(status_code=204)


@endpoint(named="revoke_my_sessions", tags=("auth",), auth="consultant", responses={204: None})
async def logout_all(request: Request) -> Response:
    await run(request.app.state.pool, "revoke_my_sessions", request.state.caller)
    return Response(status_code=204)


@endpoint(named="verify_email", tags=("auth",),
          body=TokenBody, responses={200: AccountAnswer, 400: None, 429: None})
async def verify_email(request: Request) -> JSONResponse:
    body = await parse(request, TokenBody)
    await rate_limit(request, "verify_email")
    account = await run(request.app.state.pool, "verify_email", token_hash=token_hash(body.token))
    return JSONResponse({"consultant": present.consultant(account, request.app.state.secrets.data_key)})


@endpoint(named="resend_verification", tags=("auth",), auth="consultant",
          responses={202: Accepted, 409: None, 429: None})
async def resend_verification(request: Request) -> JSONResponse:
    caller = request.state.caller
    await rate_limit(request, "resend_verification", str(caller.consultant_id))
    token = new_token("ev")
    await run(request.app.state.pool, "resend_verification", caller, token_hash=token_hash(token),
              verify_url_encrypted=encrypted_link(request, "/auth/verify-email", token))
    return JSONResponse({"status": "sent"}, status_code=202)


@endpoint(named="request_password_reset", tags=("auth",), body=EmailBody,
          responses={202: Accepted, 429: None})
async def forgot_password(request: Request) -> JSONResponse:
    body = await parse(request, EmailBody)
    await rate_limit(request, "forgot_password", body.email)
    token = new_token("pr")
    await run(request.app.state.pool, "request_password_reset", email=body.email, token_hash=token_hash(token),
              reset_url_encrypted=encrypted_link(request, "/auth/reset-password", token))
    return JSONResponse({"status": "accepted",
                         "message": "If an account uses this address, a reset link is on its way."}, status_code=202)


@endpoint(named="reset_password", tags=("auth",),
          body=ResetPasswordBody, responses={204: None, 400: None, 429: None})
async def reset_password(request: Request) -> Response:
    body = await parse(request, ResetPasswordBody)
    await rate_limit(request, "reset_password")
    password_hash = await hash_new_password(request, body.password)
    await run(request.app.state.pool, "reset_password", token_hash=token_hash(body.token), password_hash=password_hash)
    return Response(status_code=204)


@endpoint(summary="The logged-in consultant's account.", tags=("auth",), auth="consultant", responses={200: AccountAnswer})
async def me(request: Request) -> JSONResponse:
    account = await run(request.app.state.pool, "get_my_account", request.state.caller)
    return JSONResponse({"consultant": present.consultant(account, request.app.state.secrets.data_key)})


@endpoint(summary="Change the password (ends other sessions; answers a new token pair).", tags=("auth",),
          auth="consultant", body=ChangePasswordBody, responses={200: Tokens, 400: None, 429: None})
async def change_password(request: Request) -> JSONResponse:
    body = await parse(request, ChangePasswordBody)
    account, refresh = await change_password_for(request, request.state.caller, body)
    return JSONResponse(consultant_tokens(request, account, refresh))


async def confirm_current_password(request: Request, caller, password: str, status: int = 403) -> None:
    """Re-authentication for what a stolen access token (or session) alone must not do: change the password,
    take every record away (export), delete the account. The current password, checked with bcrypt; one
    budget of guesses per account for all of them ("current_password" in app/ratelimit.py)."""
    await rate_limit(request, "current_password", str(caller.consultant_id))
    hashed = await run(request.app.state.pool, "my_password_hash", caller)
    if not await check_password(request, password, hashed):
        raise ApiError(status, "wrong_password", "The current password is not right.", "current_password")


async def change_password_for(request: Request, caller, body: ChangePasswordBody) -> tuple[dict, str]:
    """The one password change (API and settings page): rate-limited per account, the current password
    checked, the new one through the policy; every session ends and one new refresh token is returned."""
    pool = request.app.state.pool
    await confirm_current_password(request, caller, body.current_password, status=400)
    account = await run(pool, "get_my_account", caller)
    password_hash = await hash_new_password(request, body.new_password, account["email"], account["first_name"],
                                            account["last_name"], field="new_password")
    refresh = new_token("rt")
    epoch = await run(pool, "change_my_password", caller, password_hash=password_hash, refresh_hash=token_hash(refresh),
                      expires_at=refresh_expiry(), user_agent=request.headers.get("user-agent"), ip=client_ip(request))
    return {**account, "token_epoch": epoch}, refresh


api_routes = [
    Route("/auth/signup", signup, methods=["POST"], name="signup"),
    Route("/auth/login", login, methods=["POST"], name="login"),
    Route("/auth/refresh", refresh, methods=["POST"], name="refresh"),
    Route("/auth/logout", logout, methods=["POST"], name="logout"),
    Route("/auth/logout-all", logout_all, methods=["POST"], name="logout_all"),
    Route("/auth/verify-email", verify_email, methods=["POST"], name="verify_email"),
    Route("/auth/resend-verification", resend_verification, methods=["POST"], name="resend_verification"),
    Route("/auth/forgot-password", forgot_password, methods=["POST"], name="forgot_password"),
    Route("/auth/reset-password", reset_password, methods=["POST"], name="reset_password"),
    Route("/auth/me", me, methods=["GET"], name="me"),
    Route("/auth/change-password", change_password, methods=["POST"], name="change_password"),
]

# Test: pytest tests/http/test_auth.py tests/http/test_event_loop.py
