# app/ratelimit.py — rate limits on sensitive endpoints, counted in PostgreSQL so they hold across app processes.
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from starlette.requests import Request

from app.auth import client_network
from app.errors import ApiError
from app.sql import run


@dataclass(frozen=True)
class Limit:
    """`limit` requests per window; with `setting`, the platform setting of that name decides the number
    (a super admin tunes it on the settings page) and `limit` is only the fallback."""

    limit: int
    window_seconds: int
    setting: str | None = None


# action -> (per IP, per account). Generous for people, tight for scripts guessing passwords or mailing.
# Sign-in is not here: it counts failures only, per (account, IP), IP and account (api.begin_sign_in).
LIMITS: dict[str, tuple[Limit, Limit | None]] = {
    "signup": (Limit(10, 3600), None),
    "refresh": (Limit(120, 60), None),
    "forgot_password": (Limit(10, 3600), Limit(5, 3600)),
    "reset_password": (Limit(20, 3600), None),
    "verify_email": (Limit(30, 3600), None),
    "resend_verification": (Limit(10, 3600), Limit(5, 3600)),
    # Guessing the current password from a stolen session (changing it, exporting everything, deleting the
    # account: one budget for all three): a handful of tries per account.
    "current_password": (Limit(30, 3600), Limit(5, 900)),
    # Each upload may cost a decode: per account as the setting says; per IP only a ceiling for a NAT full
    # of consultants (signups are limited per IP as well).
    "photo_upload": (Limit(300, 3600), Limit(20, 3600, setting="photo_uploads_per_hour")),
}


def account_key(account: str) -> str:
    """How a bucket names an account: a hash of its address (as app_private.account_key in SQL), so the counters
    never hold an address an erasure would have to find."""
    return hashlib.sha256(("account:" + account.strip().lower()).encode()).hexdigest()


async def _hit(request: Request, bucket: str, limit: Limit) -> None:
    wait = await run(request.app.state.pool, "hit_rate_limit", bucket=bucket, limit=limit.limit,
                     window_seconds=limit.window_seconds, setting=limit.setting)
    if wait:
        raise ApiError(429, "rate_limited", "Too many attempts; wait a little and try again.", None,
                       {"Retry-After": str(wait)})


async def rate_limit(request: Request, action: str, account: str | None = None) -> None:
    """Count this request against the action's per-IP and per-account limits (each in its own short
    transaction, committed even when the request then fails: failed logins must count)."""
    per_ip, per_account = LIMITS[action]
    await _hit(request, f"{action}:ip:{client_network(request) or 'unknown'}", per_ip)
    if per_account is not None and account:
        await _hit(request, f"{action}:account:{account_key(account)}", per_account)

# Test: pytest tests/http/test_rate_limits.py tests/http/test_photo_uploads.py
