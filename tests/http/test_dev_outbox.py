# tests/http/test_dev_outbox.py — the development outbox over HTTP: a booking's .ics lists and downloads as a calendar file; only the HTML preview may be framed, by this site alone, sandboxed; production has none of it and forbids framing.
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from urllib.parse import urlsplit

import httpx
import icalendar
import pytest

from app.config import Settings
from app.main import create_app
from tests.contract_check import contract_hook, contract_of_app
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.jobs.test_outbox import run_worker


def csp(response: httpx.Response) -> dict[str, str]:
    """The Content-Security-Policy as directive -> its value ('' for a bare directive such as sandbox)."""
    directives = [d.strip().split(None, 1) for d in response.headers["content-security-policy"].split(";") if d.strip()]
    return {d[0].lower(): (d[1] if len(d) > 1 else "") for d in directives}


def forbids_framing(response: httpx.Response) -> bool:
    return response.headers.get("x-frame-options") == "DENY" and csp(response).get("frame-ancestors") == "'none'"


async def mailed_booking(client: httpx.AsyncClient, db) -> tuple[dict, dict[str, uuid.UUID]]:
    """A free session booked through the API and its mail sent by a real worker to the local outbox: the
    booking, and the outbox ids of the client's confirmation and the consultant's notice."""
    c = await approved_consultant(client, db, rules=every_day(), price="0")
    free = await slots(client, c["slug"], type="personal")
    made = await book(client, c["slug"], booking(free[0]["slot_id"]))
    assert made.status_code == 201, made.text
    await run_worker(db)
    conn = await db.connect("owner")
    try:
        rows = await conn.fetch("select l.email_type, o.id from app.email_outbox o join app.email_logs l "
                                "on l.id = o.email_log_id where l.session_id = $1", uuid.UUID(made.json()["session_id"]))
    finally:
        await conn.close()
    return made.json(), {r["email_type"]: r["id"] for r in rows}


async def test_a_bookings_invitation_is_listed_and_downloads_as_a_calendar_file(client, db):
    made, ids = await mailed_booking(client, db)
    confirmation = ids["session_confirmation"]
    download = f"/dev/outbox/{confirmation}/attachments/0"

    page = await client.get(f"/dev/outbox/{confirmation}")
    assert page.status_code == 200
    assert f'href="{download}"' in page.text and ">invite.ics</a>" in page.text
    assert "text/calendar; charset=utf-8; method=REQUEST" in page.text
    listing = await client.get("/dev/outbox")
    assert listing.status_code == 200 and f'href="{download}"' in listing.text

    r = await client.get(download)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8; method=REQUEST"
    assert r.headers["content-disposition"] == 'attachment; filename="invite.ics"'
    assert r.headers["x-content-type-options"] == "nosniff"
    assert f"{len(r.content)} bytes" in page.text  # the size the page states is the size served
    assert r.content.startswith(b"BEGIN:VCALENDAR\r\n") and r.content.rstrip().endswith(b"END:VCALENDAR")
    [event] = icalendar.Calendar.from_ical(r.content).walk("VEVENT")
    assert event.decoded("dtstart") == datetime.fromisoformat(made["starts_at"])
    assert event.decoded("dtend") == datetime.fromisoformat(made["ends_at"])
    assert str(event["uid"]) == f"session-{made['session_id']}@nakksha.in"

    # The consultant's notice carries its own invitation (one); no message has an attachment past its last, or a
    # huge index.
    notice = await client.get(f"/dev/outbox/{ids['session_booked']}")
    assert notice.text.count("/attachments/") == 1 and ">invite.ics</a>" in notice.text
    for path in (f"/dev/outbox/{ids['session_booked']}/attachments/1", f"/dev/outbox/{confirmation}/attachments/1",
                 f"/dev/outbox/{confirmation}/attachments/99999999999", f"/dev/outbox/{uuid.uuid4()}/attachments/0",
                 "/dev/outbox/not-a-uuid/attachments/0", f"/dev/outbox/{confirmation}/attachments/-1"):
        assert (await client.get(path)).status_code == 404, path


async def test_only_the_html_preview_may_be_framed_and_only_by_this_site(client, db):
    made, ids = await mailed_booking(client, db)
    confirmation = ids["session_confirmation"]
    preview = await client.get(f"/dev/outbox/{confirmation}/html")
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert "is confirmed" in preview.text and urlsplit(made["manage_url"]).path in preview.text
    policy = csp(preview)
    assert policy["frame-ancestors"] == "'self'" and preview.headers["x-frame-options"] == "SAMEORIGIN"
    # No script at all: an opaque origin (sandbox with no allow-* token), nothing loads but inline styles and images.
    assert policy["sandbox"] == "" and policy["default-src"] == "'none'"
    assert "script-src" not in policy and "script-src-elem" not in policy
    assert policy["img-src"].split() == ["data:", "https:"] and policy["style-src"] == "'unsafe-inline'"
    assert policy["form-action"] == "'none'" and policy["base-uri"] == "'none'"
    # The page that frames it asks the browser for a sandbox with nothing allowed, too.
    page = await client.get(f"/dev/outbox/{confirmation}")
    assert f'sandbox="" src="/dev/outbox/{confirmation}/html"' in page.text

    # Every other answer, the outbox's own pages and downloads included, still forbids being framed.
    for path in ("/dev/outbox", f"/dev/outbox/{confirmation}", f"/dev/outbox/{confirmation}/attachments/0",
                 f"/dev/outbox/{uuid.uuid4()}/html", "/", "/healthz", "/auth/login", "/api/v1/consultants/me",
                 urlsplit(made["manage_url"]).path):
        r = await client.get(path)
        assert forbids_framing(r), (path, r.status_code, r.headers.get("x-frame-options"))


@pytest.fixture
async def production(db) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(Settings.from_env({}, env="production", database_url=db.admin_url))
    async with application.router.lifespan_context(application), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://testserver",
            event_hooks={"response": [contract_hook(contract_of_app(application.routes))]}) as c:
        yield c


async def test_production_has_no_outbox_preview_or_download_and_forbids_framing_everywhere(client, production, db):
    _, ids = await mailed_booking(client, db)  # mail is in the database; production shows none of it
    confirmation = ids["session_confirmation"]
    for path in ("/dev/outbox", f"/dev/outbox/{confirmation}", f"/dev/outbox/{confirmation}/html",
                 f"/dev/outbox/{confirmation}/attachments/0"):
        r = await production.get(path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", path
        assert forbids_framing(r), path
        assert "BEGIN:VCALENDAR" not in r.text and "is confirmed" not in r.text
    for path in ("/", "/healthz", "/auth/login", "/pricing", "/api/v1/consultants/me"):
        r = await production.get(path)
        assert forbids_framing(r), (path, r.status_code)

# Test: pytest tests/http/test_dev_outbox.py
