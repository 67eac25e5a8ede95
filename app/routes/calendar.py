# app/routes/calendar.py — connecting Google and Microsoft calendars: the API, the OAuth callback, and the settings page's buttons.
"""Connecting is OAuth 2's authorisation code flow with PKCE. `connect` makes a random state (stored hashed,
single-use, ten minutes) and a verifier, and answers the provider's consent URL; the provider sends the
browser back to `/integrations/<provider>/callback` with a code and the state. The callback takes the state
(the consultant is whoever started it, in this browser), exchanges the code with the
verifier, reads the account's address, and stores the tokens encrypted. The browser always lands back on
the settings page with what happened; only a missing, forged, expired or replayed state is an error page.
The state alone is not enough: `connect` also gives the browser a random cookie (hash stored with the
state), and the callback must bring it back, so a consent link sent to someone else cannot attach their
calendar to the sender's account (login CSRF)."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime
from typing import Literal
from urllib.parse import urlparse

import httpx
from pydantic import Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.adapters.calendar_tokens import seal
from app.adapters.meetings import (
    CalendarError,
    GrantRevoked,
    ProviderRefused,
    ProviderUnavailable,
    Unauthorized,
    all_providers,
    pkce_pair,
    providers,
)
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.middleware import SECURITY_HEADERS
from app.sql import Caller, run
from app.validation import Answer
from app.web import form_with_csrf, oauth_cookie, set_cookie, signed_in

log = logging.getLogger("nakksha.calendar")

SETTINGS_PAGE = "/dashboard/settings/meetings"
STATE_SECONDS = 600
# What a grant must include to be useful (consent screens let people untick scopes).
REQUIRED_SCOPE = {"google": "calendar.events", "microsoft": "Calendars.ReadWrite"}
LABELS = {"google": "Google Calendar and Meet", "microsoft": "Microsoft Outlook and Teams"}


def _provider_name(request: Request) -> str:
    name = request.path_params["provider"]
    if name not in LABELS:
        raise ApiError(404, "not_found", "No such calendar provider.")
    return name


def _state_hash(state: str) -> bytes:
    return hashlib.sha256(state.encode()).digest()


async def integrations(request: Request, caller: Caller) -> list[dict]:
    """Every provider with whether this deployment offers it and the caller's connection to it."""
    rows = {r["provider"]: r for r in await run(request.app.state.pool, "calendar_connections", caller)}
    offered = providers(request.app.state.settings)
    out = []
    for name, label in LABELS.items():
        row = rows.get(name) or {}
        out.append({"provider": name, "name": label, "configured": name in offered,
                    "status": row.get("status", "not_connected"), "account_email": row.get("account_email"),
                    "connected_at": row.get("connected_at"), "busy_synced_at": row.get("busy_synced_at"),
                    "last_error": row.get("last_error")})
    return out


async def authorization_url(request: Request, caller: Caller, name: str) -> tuple[str, str]:
    """The consent URL, and the nonce for the browser's cookie (the callback must come back with it)."""
    provider = providers(request.app.state.settings).get(name)
    if provider is None:
        raise ApiError(409, "calendar_not_configured",
                       f"{LABELS[name]} is not set up on this Nakksha installation; use your personal meeting link.")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    await run(request.app.state.pool, "begin_calendar_connection", caller, provider=name,
              state_hash=_state_hash(state), code_verifier=verifier, browser_hash=_state_hash(nonce))
    return provider.authorization_url(state, challenge), nonce


def _with_nonce(request: Request, response: Response, nonce: str) -> Response:
    set_cookie(request, response, oauth_cookie(request), nonce, STATE_SECONDS)
    return response


class Integration(Answer):
    provider: Literal["google", "microsoft"]
    name: str
    configured: bool = Field(description="Whether this deployment offers the provider (its OAuth client is set).")
    status: Literal["connected", "revoked", "error", "not_connected"]
    account_email: str | None
    connected_at: datetime | None
    busy_synced_at: datetime | None
    last_error: str | None


class Integrations(Answer):
    integrations: list[Integration]


class Consent(Answer):
    authorization_url: str = Field(description="Send the browser here; the provider sends it back to the callback.")


class Disconnected(Answer):
    provider: Literal["google", "microsoft"]
    status: Literal["not_connected"]


@endpoint(summary="Connected calendars: Google and Microsoft, whether offered here, and the caller's connection "
                  "(status connected, revoked or not_connected; account; last busy-time sync).",
          tags=("calendar",), auth="consultant", responses={200: Integrations})
async def list_integrations(request: Request) -> JSONResponse:
    return JSONResponse({"integrations": await integrations(request, request.state.caller)})


@endpoint(summary="Start connecting a calendar: answers the provider's consent URL to send the browser to "
                  "(state and PKCE verifier kept ten minutes).",
          tags=("calendar",), auth="consultant", responses={200: Consent, 404: None, 409: None, 429: None})
async def connect(request: Request) -> JSONResponse:
    name = _provider_name(request)
    url, nonce = await authorization_url(request, request.state.caller, name)
    return _with_nonce(request, JSONResponse({"authorization_url": url}), nonce)


@endpoint(named="disconnect_calendar", tags=("calendar",), auth="consultant", responses={200: Disconnected, 404: None})
async def disconnect(request: Request) -> JSONResponse:
    name = _provider_name(request)
    return JSONResponse(await run(request.app.state.pool, "disconnect_calendar", request.state.caller, provider=name))


def consent_csp(settings) -> str:
    """The page holding the Connect buttons posts to us and is redirected on to the provider's consent page:
    browsers check that redirect against form-action, so this page's policy names the providers' origins."""
    origins = sorted({"{0.scheme}://{0.netloc}".format(urlparse(p.authorization_url("s", "c")))
                      for p in providers(settings).values()})
    base = dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
    return base.replace("form-action 'self'", " ".join(["form-action 'self'", *origins]))


def _back(**query: str) -> RedirectResponse:
    return RedirectResponse(SETTINGS_PAGE + "?" + "&".join(f"{k}={v}" for k, v in query.items()), status_code=303)


@endpoint(summary="OAuth callback: the provider returns the browser here with a code and the state.",
          tags=("calendar",), include=False)
async def callback(request: Request) -> Response:
    name = _provider_name(request)
    state = request.query_params.get("state", "")
    if not (20 <= len(state) <= 200):
        raise ApiError(400, "invalid_state", "This link is not a calendar connection in progress.")
    nonce = request.cookies.get(oauth_cookie(request), "")[:100]
    taken = await run(request.app.state.pool, "take_oauth_state", state_hash=_state_hash(state),
                      browser_hash=_state_hash(nonce))
    if taken is None or taken["provider"] != name:
        raise ApiError(400, "invalid_state", "This connection attempt has expired or was already used; start again "
                                             "from your settings.")
    if request.query_params.get("error") or not request.query_params.get("code"):
        # The consultant said no (access_denied) or the provider could not ask them.
        return _back(calendar_error="denied", provider=name)
    provider = all_providers(request.app.state.settings)[name]
    key = request.app.state.secrets.data_key
    try:
        async with httpx.AsyncClient(timeout=request.app.state.settings.calendar_timeout) as http:
            tokens = await provider.exchange_code(http, request.query_params["code"][:4096], taken["code_verifier"])
            if tokens.scope and REQUIRED_SCOPE[name] not in tokens.scope:
                raise ProviderRefused(f"the calendar permission was not granted ({tokens.scope})")
            email = await provider.account_email(http, tokens.access_token)
    except ProviderUnavailable as exc:
        log.warning("%s token exchange unavailable: %s", name, exc)
        return _back(calendar_error="unavailable", provider=name)
    except (GrantRevoked, ProviderRefused, Unauthorized, CalendarError) as exc:
        log.warning("%s refused the token exchange: %s", name, exc)
        return _back(calendar_error="refused", provider=name)
    await run(request.app.state.pool, "store_calendar_connection", state_hash=_state_hash(state),
              account_email=(email or "")[:320] or None, scopes=(tokens.scope or provider.scopes)[:1000],
              access_encrypted=seal(key, tokens.access_token), refresh_encrypted=seal(key, tokens.refresh_token),
              expires_at=tokens.expires_at)
    return _back(done="calendar_connected", provider=name)


@endpoint(summary="Settings page: connect a calendar (to the provider's consent page).", tags=("pages",), auth="consultant", include=False)
async def page_connect(request: Request) -> Response:
    _, caller = signed_in(request)
    await form_with_csrf(request)
    name = _provider_name(request)
    try:
        url, nonce = await authorization_url(request, caller, name)
    except ApiError as exc:
        return _back(calendar_error="not_configured" if exc.code == "calendar_not_configured" else "busy",
                     provider=name)
    return _with_nonce(request, RedirectResponse(url, status_code=303), nonce)


@endpoint(summary="Settings page: disconnect a calendar.", tags=("pages",), auth="consultant", include=False)
async def page_disconnect(request: Request) -> Response:
    _, caller = signed_in(request)
    await form_with_csrf(request)
    name = _provider_name(request)
    try:
        await run(request.app.state.pool, "disconnect_calendar", caller, provider=name)
    except ApiError as exc:
        if exc.status != 404:
            raise
    return _back(done="calendar_disconnected", provider=name)


api_routes = [
    Route("/integrations", list_integrations, methods=["GET"], name="list_integrations"),
    Route("/integrations/{provider}/connect", connect, methods=["POST"], name="connect_integration"),
    Route("/integrations/{provider}", disconnect, methods=["DELETE"], name="disconnect_integration"),
]
dashboard_routes = [
    Route("/settings/calendar/{provider}/connect", page_connect, methods=["POST"], name="settings_calendar_connect"),
    Route("/settings/calendar/{provider}/disconnect", page_disconnect, methods=["POST"],
          name="settings_calendar_disconnect"),
]
# The provider sends the browser back here; the path is registered with Google and Microsoft.
site_routes = [Route("/integrations/{provider}/callback", callback, methods=["GET"], name="integration_callback")]

# Test: pytest tests/http/test_calendar_connect.py
