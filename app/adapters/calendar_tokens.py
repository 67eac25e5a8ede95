# app/adapters/calendar_tokens.py — a connected calendar's tokens: sealed at rest, kept fresh for each provider call.
"""Access tokens live about an hour. `CalendarAccess.call` runs one provider call with a token fresh enough
for it: a token near expiry is refreshed under a row lock on the connection (two jobs racing refresh it
once; Microsoft rotates refresh tokens, so the loser must read the winner's, not spend the old one), and a
401 on a token we believed valid refreshes once and retries once. These are worker steps: the pool is the
worker's (nakksha_worker), to which the connection's token functions are granted alone."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from app.adapters.meetings import GrantRevoked, Provider, Unauthorized
from app.crypto import decrypt_text, encrypt_text
from app.sql import call, transaction

TOKEN_PURPOSE = "calendar_token"
REFRESH_MARGIN = timedelta(seconds=90)


def seal(data_key: str, token: str | None) -> str | None:
    return encrypt_text(data_key, TOKEN_PURPOSE, token) if token else None


def unseal(data_key: str, blob: str | None) -> str | None:
    return decrypt_text(data_key, TOKEN_PURPOSE, blob) if blob else None


class CalendarAccess:
    """One connection's provider calls, each with a token fresh enough for it."""

    def __init__(self, db: asyncpg.Pool, provider: Provider, http: httpx.AsyncClient, connection_id: str,
                 data_key: str) -> None:
        self.db, self.provider, self.http, self.connection_id, self.data_key = db, provider, http, connection_id, data_key

    async def token(self, stale: str | None = None) -> str:
        """The access token; refreshed (once, under the connection's row lock) when it is about to expire or
        is the `stale` one the provider just refused."""
        revoked: str | None = None
        async with transaction(self.db) as conn:
            row = await call(conn, "worker_lock_calendar_connection", connection_id=self.connection_id)
            if row is None or row["status"] != "connected":
                raise GrantRevoked("the calendar is no longer connected")
            access = unseal(self.data_key, row["access_token_encrypted"])
            expires = datetime.fromisoformat(row["access_expires_at"])
            if access != stale and expires - datetime.now(UTC) > REFRESH_MARGIN:
                return access  # type: ignore[return-value]
            refresh = unseal(self.data_key, row["refresh_token_encrypted"])
            try:
                if not refresh:
                    raise GrantRevoked("no refresh token was granted")
                fresh = await self.provider.refresh(self.http, refresh)
            except GrantRevoked as exc:
                revoked = str(exc)
                await call(conn, "worker_mark_calendar_connection", connection_id=self.connection_id,
                           status="revoked", error=f"Access was withdrawn: {revoked}")
            else:
                await call(conn, "worker_store_calendar_tokens", connection_id=self.connection_id,
                           access_encrypted=seal(self.data_key, fresh.access_token),
                           refresh_encrypted=seal(self.data_key, fresh.refresh_token), expires_at=fresh.expires_at)
                return fresh.access_token
        raise GrantRevoked(revoked)

    async def call(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        token = await self.token()
        try:
            return await fn(self.http, token, *args)
        except Unauthorized:
            token = await self.token(stale=token)
        try:
            return await fn(self.http, token, *args)
        except Unauthorized as exc:
            # A brand-new token refused too: the grant no longer covers what we need.
            async with transaction(self.db) as conn:
                await call(conn, "worker_mark_calendar_connection", connection_id=self.connection_id,
                           status="revoked", error=f"{self.provider.label} refuses our access; connect again.")
            raise GrantRevoked(str(exc)) from exc

# Test: pytest tests/jobs/test_calendar.py tests/http/test_calendar_connect.py
