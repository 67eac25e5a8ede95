# tests/faults/test_db_restart.py — PostgreSQL restarted under a booking load: the running app recovers by itself, /readyz tells the truth, no answer lies.
from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid

import httpx
import pytest

from app.routes import public
from app.sql import CommitOutcomeUnknown
from tests.faults.conftest import process_log, served
from tests.http.conftest import app, client  # noqa: F401
from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant, booking, every_day, lift_booking_limits
from tests.http.test_pages import sign_in

PUBLIC = "/api/v1/public/consultants"
CLIENTS = 6              # bookings in flight at once
BEFORE = 10              # answered bookings before the restart
DOWN_SECONDS = 2.5       # how long the database stays away
AFTER = 10               # bookings that must succeed after it is back
BUDGET = 60              # seconds the whole load may take (a bound on a hang, not a measurement)


async def all_slots(http: httpx.AsyncClient, slug: str, pages: int = 4) -> list[str]:
    """The free slots of the next few weeks (the list is paged a week at a time): the load burns one per
    attempt, failed ones included."""
    params, ids = {"type": "personal"}, []
    for _ in range(pages):
        r = await http.get(f"{PUBLIC}/{slug}/slots", params=params)
        assert r.status_code == 200, r.text
        ids += [s["slot_id"] for s in r.json()["items"]]
        if not r.json()["next"]:
            break
        params = {"type": "personal", **r.json()["next"]}
    return ids


async def test_a_database_restart_under_load_loses_no_answered_booking(dedicated_pg, tmp_path):
    db = dedicated_pg.create_database()
    with served(tmp_path, db.admin_url) as (base, proc):
        async with httpx.AsyncClient(base_url=base, timeout=20) as client, \
                httpx.AsyncClient(base_url=base, timeout=20) as browser:
            c = await approved_consultant(client, db, price="0", rules=every_day(start="06:00", end="22:00", minutes=30))
            await lift_booking_limits(db)  # a booking load from one address
            free = await all_slots(client, c["slug"])
            assert len(free) >= 3 * (BEFORE + AFTER + CLIENTS * 3), len(free)
            slots = iter(free)

            # The consultant's dashboard is open: its live stream LISTENs through the app's own connection.
            conn = await db.connect("owner")
            try:
                email = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
            finally:
                await conn.close()
            assert (await sign_in(browser, email, PASSWORD)).status_code == 303
            events: list[tuple[float, str]] = []

            async def watch() -> None:
                async with browser.stream("GET", "/dashboard/events", timeout=None) as r:
                    assert r.status_code == 200
                    with contextlib.suppress(httpx.TransportError):  # the app stopping at the end
                        async for line in r.aiter_lines():
                            events.append((time.monotonic(), line))

            watcher = asyncio.create_task(watch())
            while not events:  # the stream is open (it subscribes right after its first line)
                assert not watcher.done(), watcher
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)

            answers: list[dict] = []   # every booking: email, when sent and answered, status, body
            probes: list[tuple[float, float, int | str]] = []  # /readyz: sent, answered, status
            phase = {"stopped": None, "started": None, "done": False}
            counter = itertools.count()

            async def book_until_done() -> None:
                while not phase["done"]:
                    slot = next(slots)
                    mail = f"load{next(counter)}@example.com"
                    sent = time.monotonic()
                    try:
                        r = await client.post(f"{PUBLIC}/{c['slug']}/bookings", json=booking(slot, email=mail))
                        status, body = r.status_code, {**r.json(), "request_id": r.headers.get("x-request-id")}
                    except httpx.TransportError as exc:  # no answer at all: the client cannot know either way
                        status, body = "no answer", repr(exc)
                    answers.append({"email": mail, "sent": sent, "answered": time.monotonic(), "status": status,
                                    "body": body})
                    if status != 201:
                        await asyncio.sleep(0.05)

            async def probe_until_done() -> None:
                while not phase["done"]:
                    sent = time.monotonic()
                    try:
                        status = (await client.get("/readyz", timeout=10)).status_code
                    except httpx.TransportError as exc:
                        status = repr(exc)
                    probes.append((sent, time.monotonic(), status))
                    await asyncio.sleep(0.1)

            def succeeded(since: float = 0.0) -> int:
                return sum(1 for a in answers if a["status"] == 201 and a["sent"] >= since)

            async def until(condition, what: str) -> None:
                deadline = time.monotonic() + BUDGET
                while not condition():
                    assert time.monotonic() < deadline, f"{what}; answers: {[a['status'] for a in answers][-20:]}\n" \
                                                        + process_log(tmp_path, "serve")
                    await asyncio.sleep(0.05)

            workers = [asyncio.create_task(book_until_done()) for _ in range(CLIENTS)]
            workers.append(asyncio.create_task(probe_until_done()))
            try:
                await until(lambda: succeeded() >= BEFORE, "no bookings before the restart")
                await asyncio.to_thread(dedicated_pg.stop)
                phase["stopped"] = time.monotonic()
                await asyncio.sleep(DOWN_SECONDS)
                phase["started"] = time.monotonic()
                await asyncio.to_thread(dedicated_pg.start)
                await until(lambda: succeeded(phase["started"]) >= AFTER, "bookings did not succeed again")
            finally:
                phase["done"] = True
                await asyncio.gather(*workers, return_exceptions=True)

            # The same process served throughout: it recovered without a restart.
            assert proc.poll() is None
            # /readyz said so while the database was away, and says ready again.
            while_down = [s for sent, answered, s in probes if phase["stopped"] <= sent and answered <= phase["started"]]
            assert while_down and all(s == 503 for s in while_down), while_down
            assert (await client.get("/readyz")).status_code == 200
            # Errors were the outage's honest 503 (with Retry-After), never a 500 or a hang.
            errors = [a for a in answers if a["status"] != 201]
            assert errors, "the load never met the outage"
            assert {a["status"] for a in errors} <= {503, "no answer"}, \
                [(a["status"], a["body"]) for a in errors if a["status"] != 503] + [process_log(tmp_path, "serve")]
            assert all(a["body"]["error"]["code"] == "database_unavailable" for a in errors if a["status"] == 503)

            # Every 201 is in the database with the session it named; nothing answered otherwise is.
            conn = await db.connect("owner")
            try:
                stored = dict(await conn.fetch(
                    "select c.email::text, s.id::text from app.sessions s join app.clients c on c.id = s.client_id"))
            finally:
                await conn.close()
            confirmed = {a["email"]: a["body"]["session_id"] for a in answers if a["status"] == 201}
            refused = {a["email"] for a in answers if a["status"] != 201 and a["status"] != "no answer"}
            assert {e: stored.get(e) for e in confirmed} == confirmed
            lies = [a["body"].get("request_id") for a in answers if a["email"] in refused & stored.keys()]
            assert not lies, [line for line in process_log(tmp_path, "serve").splitlines() if any(i in line for i in lies)]
            assert set(stored) <= set(confirmed) | {a["email"] for a in answers if a["status"] == "no answer"}

            # The dashboard left open hears about a booking made after the restart (its LISTEN came back, or
            # the reconnection itself told the page to look again).
            booked = time.monotonic()  # the notification may well arrive before the answer does
            r = await client.post(f"{PUBLIC}/{c['slug']}/bookings", json=booking(next(slots), email="late@example.com"))
            assert r.status_code == 201, r.text
            deadline = time.monotonic() + 15
            while not any(at >= booked and line == "event: changed" for at, line in events):
                assert time.monotonic() < deadline and not watcher.done(), \
                    f"the live dashboard missed a booking after the restart: {events[-5:]}"
                await asyncio.sleep(0.1)
            watcher.cancel()



@pytest.mark.parametrize("committed", [True, False])
async def test_a_connection_lost_at_commit_answers_what_the_database_holds(client, db, monkeypatch, committed):  # noqa: F811
    """The race the restart above can hit, made certain: the connection dies with book_slot's COMMIT in flight.
    The app looks the booking up before answering: 201 if the COMMIT got through, 503 if it did not."""
    c = await approved_consultant(client, db, price="0", rules=every_day())
    free = await all_slots(client, c["slug"])
    real_run = public.run

    async def run(pool, name, *args, **params):
        if name == "book_slot":
            if committed:
                await real_run(pool, name, *args, **params)
            raise CommitOutcomeUnknown()
        return await real_run(pool, name, *args, **params)

    monkeypatch.setattr(public, "run", run)
    monkeypatch.setattr(public, "COMMIT_LOOKUP_SECONDS", 2)
    r = await client.post(f"{PUBLIC}/{c['slug']}/bookings", json=booking(free[0], email="cut@example.com"))
    conn = await db.connect("owner")
    try:
        stored = await conn.fetchval("select s.id::text from app.sessions s join app.clients c on c.id = s.client_id "
                                     "where c.email = 'cut@example.com'")
    finally:
        await conn.close()
    if committed:
        assert r.status_code == 201 and r.json()["session_id"] == stored, r.text
        assert r.json()["status"] == "confirmed" and r.json()["manage_url"]
    else:
        assert r.status_code == 503 and r.json()["error"]["code"] == "database_unavailable", r.text
        assert stored is None

# Test: pytest tests/faults/test_db_restart.py
