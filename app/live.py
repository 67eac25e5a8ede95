# app/live.py — live dashboard updates: one LISTEN connection per app process fans PostgreSQL notifications out to server-sent-event streams.
"""The database says when a consultant's figures change: the analytics mark trigger
(app.mark_analytics_dirty, db/functions/app/analytics.sql) runs pg_notify('nakksha_dashboard', consultant id)
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
        self.reconnecting: asyncio.Task | None = None
        self.closed = False

    def _deliver(self, _conn, _pid, _channel, payload: str) -> None:
        for queue in list(self.subscribers.get(payload, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    async def _ensure_listening(self) -> None:
        async with self.lock:
            if self.conn is not None and not self.conn.is_closed():
                return
            conn = await asyncpg.connect(self.url, timeout=5)
            try:
                await conn.add_listener(CHANNEL, self._deliver)
            except BaseException:
                # Connected but not listening: never keep it, or the hub would look alive and hear nothing.
                conn.terminate()
                raise
            conn.add_termination_listener(self._lost)
            self.conn = conn

    def _lost(self, conn) -> None:
        """The listening connection died (the database restarted, tests/faults/test_db_restart.py). Without
        this, open pages heard nothing until their next 20 s keep-alive noticed; now the hub reconnects at
        once, in the background, while anyone is subscribed."""
        if conn is not self.conn or self.closed or not self.subscribers or (
                self.reconnecting and not self.reconnecting.done()):
            return  # an older connection, shutting down, nobody listening, or already reconnecting
        self.reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = 0.2
        while not self.closed and self.subscribers:
            try:
                await self._ensure_listening()
            except Exception as exc:  # anything: a dead task would leave open pages deaf for good
                log.info("live updates: reconnecting in %.1f s: %s", delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            # Notifications sent while nobody listened are gone: tell every open page to look again.
            for consultant_id in list(self.subscribers):
                self._deliver(None, None, CHANNEL, consultant_id)
            return

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
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning("live updates: cannot listen: %s", exc)
            return False

    async def close(self) -> None:
        self.closed = True
        if self.reconnecting is not None:
            self.reconnecting.cancel()
        async with self.lock:  # a subscribe racing the shutdown finishes connecting first, then is closed here
            if self.conn is not None and not self.conn.is_closed():
                await self.conn.close()

# Test: pytest tests/e2e/test_dashboard_home.py
