# tests/http/test_instant_bounds.py — every instant and date the API and the pages accept is within the years 1970–2200 (app/schemas.py), refused with a 422 naming the field otherwise; the tables refuse the rest; the pages survive rows stored before.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.http.helpers import auth, make_admin
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_booking_limits import fetch
from tests.http.test_pages import HTML, csrf_of
from tests.http.test_settings_pages import approved as approved_on_pages

AVAILABILITY = "/api/v1/consultants/me/availability"
SOON = (datetime.now(UTC) + timedelta(days=9)).replace(microsecond=0)
FAR = "9999-12-31T23:00:00Z"
# Each side of the range, in UTC: the local year of "2200-12-31T23:00-05:00" is 2200, its instant is in 2201.
OUT_OF_RANGE = [FAR, "9999-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "1969-12-31T23:00:00Z",
                "2200-12-31T23:00:00-05:00"]
IN_RANGE = ["2200-12-31T23:00:00Z", "1970-01-01T00:00:00Z"]


def at(hours: int) -> str:
    return (SOON + timedelta(hours=hours)).isoformat()


def refused(r, field: str) -> None:
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field, r.text


async def test_a_block_to_the_end_of_time_is_refused_and_the_availability_page_still_opens(client, db):
    # The attack, as reported: 201, then /dashboard/settings/availability answered 500 (OverflowError).
    me = await approved_on_pages(client, db)
    r = await client.post(f"{AVAILABILITY}/blocks", headers=me["headers"],
                          json={"starts_at": "2026-12-10T00:00:00Z", "ends_at": "9999-12-31T23:59:59Z"})
    refused(r, "ends_at")
    assert await fetch(db, "select 1 from app.availability_blocks") == []
    page = await client.get("/dashboard/settings/availability", headers=HTML)
    assert page.status_code == 200, page.text


async def test_a_one_off_slot_at_the_end_of_time_is_refused_and_stores_nothing(client, db):
    c = await approved_consultant(client, db)
    r = await client.post(f"{AVAILABILITY}/slots", headers=c["headers"],
                          json={"session_type": "personal", "starts_at": "9999-12-31T22:00:00Z", "ends_at": FAR})
    refused(r, "starts_at")
    assert await fetch(db, "select date from app.availability_slots") == []


@pytest.mark.parametrize("value", OUT_OF_RANGE)
async def test_every_instant_the_api_takes_is_bounded(client, db, value):
    c = await approved_consultant(client, db, rules=every_day())
    h = c["headers"]
    slot = (await client.post(f"{AVAILABILITY}/slots", headers=h,
                              json={"session_type": "personal", "starts_at": at(0), "ends_at": at(1)})).json()
    session = (await client.post("/api/v1/sessions", headers=h, json={
        "client": {"name": "Asha", "email": "asha@example.com"}, "session_type": "personal",
        "starts_at": at(30), "ends_at": at(31), "amount": "0"})).json()
    early = value < "2000"
    # (method, path, body or query, the field that is out of range)
    bodies = [
        ("post", f"{AVAILABILITY}/blocks", {"starts_at": value, "ends_at": at(2)} if early else
         {"starts_at": at(2), "ends_at": value}, "starts_at" if early else "ends_at"),
        ("post", f"{AVAILABILITY}/slots", {"session_type": "personal", "starts_at": value, "ends_at": at(3)},
         "starts_at"),
        ("patch", f"{AVAILABILITY}/slots/{slot['id']}", {"starts_at": value}, "starts_at"),
        ("patch", f"{AVAILABILITY}/slots/{slot['id']}", {"ends_at": value}, "ends_at"),
        ("post", "/api/v1/sessions", {"client": {"name": "A", "email": "a@example.com"}, "session_type": "personal",
                                      "starts_at": value, "ends_at": at(40)}, "starts_at"),
        ("post", f"/api/v1/sessions/{session['id']}/reschedule", {"starts_at": at(50), "ends_at": value}
         if not early else {"starts_at": value, "ends_at": at(50)}, "ends_at" if not early else "starts_at"),
        ("post", "/api/v1/quotations", {"client_name": "A", "client_email": "a@example.com", "quotation_name": "Q",
                                        "base_amount": "1", "expires_at": value}, "expires_at"),
    ]
    for method, path, body, field in bodies:
        refused(await getattr(client, method)(path, headers=h, json=body), field)
    for path in (f"{AVAILABILITY}/slots", "/api/v1/sessions", "/api/v1/sessions/calendar", "/api/v1/payments",
                 "/api/v1/quotations", f"/api/v1/public/consultants/{c['slug']}/slots"):
        for name in ("from", "to"):
            refused(await client.get(path, headers=h, params={name: value}), name)
    # Nothing was written by any of them.
    [row] = await fetch(db, "select (select count(*) from app.availability_blocks) as blocks, "
                                  "(select count(*) from app.sessions) as sessions, "
                                  "(select count(*) from app.quotations) as quotations")
    assert dict(row) == {"blocks": 0, "sessions": 1, "quotations": 0}


@pytest.mark.parametrize("value", IN_RANGE)
async def test_the_ends_of_the_range_are_accepted(client, db, value):
    c = await approved_consultant(client, db)
    ends = "2200-12-31T23:30:00Z" if value.startswith("2200") else "1970-01-02T00:00:00Z"
    r = await client.post(f"{AVAILABILITY}/blocks", headers=c["headers"], json={"starts_at": value, "ends_at": ends})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("value", ["9999-12-31", "1900-01-01", "0001-01-01"])
async def test_every_date_the_api_takes_is_bounded(client, db, value):
    c = await approved_consultant(client, db)
    rule = {"session_type": "personal", "weekday": 1, "start_time": "09:00", "end_time": "10:00", "slot_minutes": 60}
    for field in ("valid_from", "valid_until"):
        refused(await client.post(f"{AVAILABILITY}/rules", headers=c["headers"], json={**rule, field: value}), field)
    for path in ("/api/v1/dashboard/metrics", "/api/v1/quotations/stats"):
        r = await client.get(path, headers=c["headers"], params={"timeframe": "custom", "from": "2026-01-01",
                                                                 "to": value} if value > "2000" else
                             {"timeframe": "custom", "from": value, "to": "2026-01-01"})
        assert r.status_code == 422, (path, r.text)
    for month in ("9999-12", "0000-01", "1969-12", "2201-01"):
        refused(await client.get("/api/v1/sessions/calendar", headers=c["headers"], params={"month": month}), "month")
    assert await fetch(db, "select 1 from app.availability_rules") == []


async def test_an_admin_cannot_set_a_subscription_to_the_end_of_time(client, db):
    c = await approved_consultant(client, db)
    token = await make_admin(db, client)
    r = await client.patch(f"/api/v1/admin/consultants/{c['id']}/subscription", headers=auth(token),
                           json={"plan": "pro", "expires_at": FAR})
    refused(r, "expires_at")


@pytest.mark.parametrize("table, columns", [
    ("availability_blocks", {"starts_at": "2026-12-10T00:00:00Z", "ends_at": FAR}),
    ("availability_slots", {"session_type": "personal", "starts_at": "9999-12-31T22:00:00Z", "ends_at": FAR}),
    ("sessions", {"starts_at": "9999-12-31T22:00:00Z", "ends_at": FAR}),
    ("quotations", {"expires_at": FAR}),
    ("availability_rules", {"valid_until": "9999-12-31"}),
    ("consultants", {"subscription_expires_at": FAR}),
])
async def test_no_writer_stores_such_an_instant(client, db, table, columns):
    # Around the API (psql, a job, a future endpoint): the table's own check refuses it.
    c = await approved_consultant(client, db, price="0", rules=every_day())
    made = await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"]))
    assert made.status_code == 201
    conn = await db.connect("owner")
    try:
        if table in ("availability_blocks", "availability_slots"):
            names = ", ".join(columns)
            values = ", ".join(f"${i + 2}" for i in range(len(columns)))
            sql = f"insert into app.{table} (consultant_id, {names}) values ($1, {values})"
            args = [uuid.UUID(c["id"]), *(datetime.fromisoformat(v) if v.endswith("Z") else v
                                          for v in columns.values())]
        else:
            sets = ", ".join(f"{k} = ${i + 1}" for i, k in enumerate(columns))
            sql = f"update app.{table} set {sets}"
            args = [datetime.fromisoformat(v) if "T" in v else datetime.fromisoformat(v).date() for v in columns.values()]
        if table == "quotations":
            await conn.execute("insert into app.quotations (consultant_id, client_name, client_email, quotation_name, "
                               "base_amount) values ($1, 'A', 'a@example.com', 'Q', 1)", uuid.UUID(c["id"]))
        with pytest.raises(Exception) as caught:
            await conn.execute(sql, *args)
        assert getattr(caught.value, "sqlstate", None) == "23514", caught.value
    finally:
        await conn.close()


async def test_pages_refuse_dates_out_of_range_instead_of_failing(client, db):
    await approved_on_pages(client, db)
    shown = await client.get("/dashboard/settings/availability", headers=HTML)
    token = csrf_of(shown.text)
    forms = [("/dashboard/settings/availability/blocks", {"start_date": "2026-12-10", "end_date": "9999-12-31"}),
             ("/dashboard/settings/availability/blocks", {"start_date": "9999-12-31"}),
             ("/dashboard/settings/availability/slots", {"date": "9999-12-31", "start_time": "22:00",
                                                         "end_time": "23:00", "session_type": "personal"}),
             ("/dashboard/settings/availability/rules", {"weekday_1": "1", "session_type": "personal",
                                                         "start_time": "09:00", "end_time": "10:00",
                                                         "slot_minutes": "60", "valid_until": "9999-12-31"})]
    for path, data in forms:
        r = await client.post(path, data={"csrf_token": token, **data}, headers=HTML)
        assert r.status_code == 422 and "text/html" in r.headers["content-type"], (path, r.status_code, r.text[:300])
    for path, params in (("/dashboard/payments", {"from": "9999-12-31", "to": "9999-12-31"}),
                         ("/dashboard/payments", {"from": "0001-01-01"}),
                         ("/dashboard/sessions", {"from": "9999-12-31", "to": "9999-12-31"}),
                         ("/dashboard/sessions/calendar", {"month": "9999-12"}),
                         ("/dashboard/sessions/calendar", {"month": "0000-01"})):
        r = await client.get(path, params=params, headers=HTML)
        assert r.status_code == 422 and "text/html" in r.headers["content-type"], (path, params, r.status_code)
    form = await client.get("/dashboard/sessions/new", headers=HTML)
    r = await client.post("/dashboard/sessions/new", headers=HTML, data={
        "csrf_token": csrf_of(form.text), "client_mode": "new", "client_name": "A", "client_email": "a@example.com",
        "when": "adhoc", "session_type": "personal", "start_date": "9999-12-31", "start_time": "10:00",
        "duration": "60", "amount": "0", "payment_status": "pending"})
    assert r.status_code == 422, r.text[:300]
    assert await fetch(db, "select 1 from app.availability_blocks union all select 1 from app.sessions") == []


async def test_the_availability_page_shows_a_block_stored_before_the_bounds(client, db):
    # A row written before this release (or around every check) must not take the page down.
    me = await approved_on_pages(client, db)
    conn = await db.connect("owner")
    try:
        await conn.execute("alter table app.availability_blocks drop constraint availability_blocks_ends_at_range")
        await conn.execute("insert into app.availability_blocks (consultant_id, starts_at, ends_at, reason) "
                           "values ($1, '2026-12-10T00:00:00Z', '9999-12-31T23:59:59Z', 'forever')", uuid.UUID(me["id"]))
    finally:
        await conn.close()
    page = await client.get("/dashboard/settings/availability", headers=HTML)
    assert page.status_code == 200 and "forever" in page.text, page.text[:500]
    [block] = await fetch(db, "select id from app.availability_blocks")
    confirm = await client.get(f"/dashboard/settings/availability/blocks/{block['id']}/delete", headers=HTML)
    assert confirm.status_code == 200 and "forever" in confirm.text


async def test_the_reschedule_page_refuses_a_week_past_the_range(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    made = (await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    for value in ("9999-12-31T00:00:00Z", "9999-12-31T23:00:00-05:00"):
        r = await client.get(f"/booking/{token}/reschedule", params={"from": value}, headers=HTML)
        assert r.status_code == 422 and "text/html" in r.headers["content-type"], (value, r.status_code)

async def test_the_slot_lists_message_offers_only_what_it_accepts(client, db):
    # Reported: `from=garbage` said a plain date was allowed, and `from=2026-12-06` was then refused.
    c = await approved_consultant(client, db, rules=every_day())
    url = f"/api/v1/public/consultants/{c['slug']}/slots"
    messages = set()
    for value in ("garbage", "2026-12-06", "2026-12-06T10:00:00", "1700000000", "10:00"):
        r = await client.get(url, params={"from": value})
        refused(r, "from")
        messages.add(r.json()["error"]["message"])
    [message] = messages  # one message, whatever was sent
    assert "date-time with its time and offset" in message
    # Each example the message gives is accepted (and no plain date is offered).
    examples = [w.rstrip(",.") for w in message.split() if w[:4].isdigit() and "-" in w]
    assert examples == ["2027-01-31T09:30:00+05:30", "2027-01-31T04:00:00Z"], message
    for example in examples:
        assert (await client.get(url, params={"from": example})).status_code == 200
    doc = (await client.get("/api/v1/openapi.json")).json()
    op = doc["paths"]["/api/v1/public/consultants/{slug}/slots"]["get"]
    assert "a date alone is refused" in op["summary"] + op.get("description", "")
    [param] = [p for p in op["parameters"] if p["name"] == "from"]
    assert "time and offset" in str(param["schema"]) and "1970" in str(param["schema"])


# Test: pytest tests/http/test_instant_bounds.py
