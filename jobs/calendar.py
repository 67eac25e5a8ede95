# jobs/calendar.py — calendar jobs: sync a session's event (and create its Meet/Teams meeting), refresh busy times, revoke a grant.
"""`sync_calendar_event` is queued by the database (trigger on sessions, app.sync_session_calendar) under
the queueing lock and lock `calendar:<event key>`: one waiting job per event, never two running at once.
It reconciles: it reads what the event should be now (confirmed or not, its times, whether a meeting is
wanted) and makes each connected calendar agree, so a job that runs late, twice, or after a newer change
does the right thing. Provider outages are retried with backoff; a revoked grant marks the connection and
is not retried (the session keeps its personal link, and its mail has already been released or will go
at the end of its bounded wait).

`refresh_calendar_busy` fetches one connection's free/busy for the booking horizon and replaces the cache;
the periodic `refresh_stale_calendar_busy` queues it for every connection older than the refresh
interval (platform setting calendar_busy_refresh_minutes)."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

import httpx
import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from app.adapters.calendar_tokens import CalendarAccess, unseal
from app.adapters.meetings import (
    EventSpec,
    GrantRevoked,
    ProviderRefused,
    ProviderUnavailable,
    all_providers,
    providers,
)
from app.config import Settings
from app.secrets import data_key
from app.sql import run
from jobs.app import app, pool
from jobs.email import ProviderBackoff

log = logging.getLogger("nakksha.jobs.calendar")

RETRY = ProviderBackoff(max_attempts=8, wait=5, exponential_wait=2, retry_exceptions={ProviderUnavailable})


def _context() -> tuple[Settings, str]:
    settings = Settings.from_env()
    return settings, data_key(settings)


@app.task(name="sync_calendar_event", queue="calendar", retry=RETRY)
async def sync_calendar_event(event_key: str) -> dict:
    db = await pool()
    settings, data_key = _context()
    plan = await run(db, "worker_calendar_plan", event_key=event_key)
    offered = providers(settings)
    existing = {e["provider"]: e for e in plan["events"]}
    done: dict[str, str] = {}
    unavailable: ProviderUnavailable | None = None
    async with httpx.AsyncClient(timeout=settings.calendar_timeout) as http:
        for connection in plan["connections"]:
            name = connection["provider"]
            provider = offered.get(name)
            if provider is None:  # connected once, no longer configured here
                continue
            access = CalendarAccess(db, provider, http, connection["id"], data_key)
            event = existing.get(name)
            try:
                done[name] = await _reconcile(db, access, plan, event)
            except GrantRevoked as exc:
                log.warning("calendar %s of %s revoked: %s", name, plan.get("consultant_id"), exc)
                done[name] = "revoked"
            except ProviderUnavailable as exc:
                log.warning("calendar %s unavailable for %s: %s", name, event_key, exc)
                unavailable = exc
            except ProviderRefused as exc:
                # Not worth retrying (a permission unticked at consent, a calendar gone): say so on the
                # connection, which stops mail waiting for its links, and go on with the other provider.
                log.warning("calendar %s refused %s: %s", name, event_key, exc)
                await run(db, "worker_mark_calendar_connection", connection_id=connection["id"], status="error",
                          error=f"{provider.label} refused: {exc}")
                done[name] = "refused"
    if unavailable is not None:
        raise unavailable  # the other providers' work is recorded; the retry redoes only what is missing
    return done


async def _reconcile(db, access: CalendarAccess, plan: dict, event: dict | None) -> str:
    name = access.provider.name
    if not plan["wanted"]:
        if event is None:
            return "absent"
        await access.call(access.provider.delete_event, event["event_id"])
        await run(db, "worker_calendar_event_deleted", event_key=plan["event_key"], provider=name)
        return "deleted"
    starts, ends = datetime.fromisoformat(plan["starts_at"]), datetime.fromisoformat(plan["ends_at"])
    with_meeting = plan["meeting_provider"] == name and not (event or {}).get("meeting_link")
    if (event and not with_meeting and datetime.fromisoformat(event["starts_at"]) == starts
            and datetime.fromisoformat(event["ends_at"]) == ends):
        return "unchanged"
    spec = EventSpec(key=plan["event_key"], summary=plan["summary"], description=plan["description"],
                     starts_at=starts, ends_at=ends, timezone=plan["timezone"], with_meeting=with_meeting)
    made = await access.call(access.provider.upsert_event, spec, event["event_id"] if event else None)
    await run(db, "worker_calendar_event_synced", event_key=plan["event_key"], provider=name, event_id=made.event_id,
              starts_at=starts, ends_at=ends, meeting_link=made.meeting_link, meeting_id=made.meeting_id,
              meeting_password=made.meeting_password)
    if made.meeting_pending:
        # Google is still setting the Meet up: the event is recorded, the next try patches it and reads the link.
        raise ProviderUnavailable("the meeting is still being created")
    return "updated" if event else "created"


@app.task(name="refresh_calendar_busy", queue="calendar", retry=RETRY)
async def refresh_calendar_busy(connection_id: str) -> int:
    db = await pool()
    settings, data_key = _context()
    window = await run(db, "worker_busy_window", connection_id=connection_id)
    provider = providers(settings).get((window or {}).get("provider", ""))
    if window is None or window["status"] != "connected" or provider is None:
        return 0
    async with httpx.AsyncClient(timeout=settings.calendar_timeout) as http:
        access = CalendarAccess(db, provider, http, connection_id, data_key)
        try:
            busy = await access.call(provider.busy, datetime.fromisoformat(window["from"]),
                                     datetime.fromisoformat(window["to"]), window["account_email"])
        except GrantRevoked as exc:
            log.warning("calendar connection %s revoked: %s", connection_id, exc)
            return 0
        except ProviderRefused as exc:
            await run(db, "worker_mark_calendar_connection", connection_id=connection_id, status="error",
                      error=f"{provider.label} refused the busy-time query: {exc}")
            return 0
    return await run(db, "worker_store_calendar_busy", connection_id=connection_id,
                     busy=[{"start": s.isoformat(), "end": e.isoformat()} for s, e in busy])


@app.periodic(cron="*/5 * * * *", periodic_id="refresh_stale_calendar_busy")
@app.task(name="refresh_stale_calendar_busy", queue="calendar", pass_context=True)
async def refresh_stale_calendar_busy(context: procrastinate.JobContext, timestamp: int) -> int:
    queued = 0
    for row in await run(await pool(), "worker_stale_calendar_connections"):
        try:
            await refresh_calendar_busy.configure(queueing_lock=f"busy:{row['id']}").defer_async(
                connection_id=str(row["id"]))
            queued += 1
        except AlreadyEnqueued:
            pass
    return queued


@app.task(name="revoke_calendar_grant", queue="calendar", retry=RETRY)
async def revoke_calendar_grant(provider: str, token_encrypted: str, consultant_id: str | None = None,
                                disconnected_at: str | None = None) -> None:
    settings, data_key = _context()
    p = all_providers(settings).get(provider)
    if p is None or not p.configured:
        return
    if consultant_id and disconnected_at:
        # Google revokes the whole grant to our client: reconnected since, the revocation would kill the new one.
        since = await run(await pool(), "worker_connected_since", consultant_id=uuid.UUID(consultant_id),
                          provider=provider)
        if since is not None and since > datetime.fromisoformat(disconnected_at):
            log.info("not revoking %s for %s: reconnected since", provider, consultant_id)
            return
    async with httpx.AsyncClient(timeout=settings.calendar_timeout) as http:
        await p.revoke(http, unseal(data_key, token_encrypted) or "")

# Test: pytest tests/jobs/test_calendar.py
