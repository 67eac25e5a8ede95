# app/live.py — live dashboard updates: one LISTEN connection per app process fans PostgreSQL notifications out to server-sent-event streams.
"""The database says when a consultant's figures change: the analytics mark trigger (migration
20261124102100, function in db/functions/analytics.sql) runs pg_notify('nakksha_dashboard', consultant id)
in the writing transaction, so a notification arrives only once the booking or payment has committed
(and one per transaction, however many rows it wrote). This process holds one dedicated connection
LISTENing (opened on the first subscriber, reopened after a lost connection) and hands each notification
to the queues of that consultant's open pages. Through PgBouncer in transaction mode LISTEN does not
work: this connection must go straight to PostgreSQL (it uses the app's direct URL)."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

import asyncpg

log = logging.getLogger("nakksha.live")

CHANNEL = "nakksha_dashboard"


class Hub:
    def __init__(self, url: str) -> None:
        self.url = url
        self.subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self.conn: asyncpg.Connection | None = None
        self.lock = asyncio.Lock()

    def _deliver(self, _conn, _pid, _channel, payload: str) -> None:
        for queue in list(self.subscribers.get(payload, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    async def _ensure_listening(self) -> None:
        async with self.lock:
            if self.conn is not None and not self.conn.is_closed():
                return
            self.conn = await asyncpg.connect(self.url, timeout=5)
            await self.conn.add_listener(CHANNEL, self._deliver)

    @contextlib.asynccontextmanager
    async def subscribe(self, consultant_id: str):
        queue: asyncio.Queue = asyncio.Queue(maxsize=8)  # a slow page misses repeats, not the fact of a change
        await self._ensure_listening()
        self.subscribers[consultant_id].add(queue)
        try:
            yield queue
        finally:
            self.subscribers[consultant_id].discard(queue)
            if not self.subscribers[consultant_id]:
                del self.subscribers[consultant_id]

    async def healthy(self) -> bool:
        """Reopen the listening connection if it was lost (a restarted database)."""
        try:
            await self._ensure_listening()
            return True
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            log.warning("live updates: cannot listen: %s", exc)
            return False

    async def close(self) -> None:
        if self.conn is not None and not self.conn.is_closed():
            await self.conn.close()

# Test: pytest tests/e2e/test_dashboard_home.py
