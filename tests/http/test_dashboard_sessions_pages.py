# tests/http/test_dashboard_sessions_pages.py — the consultant's Sessions and Clients pages over HTTP: rendering, filters and paging, confirmations, actions in the database, CSRF, form errors, isolation.
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.static_files import static_url
from tests.http import helpers
from tests.http.helpers import signup_consultant
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_pages import HTML, PASSWORD, csrf_of, form, sign_in

IST = ZoneInfo("Asia/Kolkata")


async def consultant_on_pages(client, db, *, n=2, **kw) -> tuple[dict, list[dict], list[dict]]:
    """An approved consultant with n free, confirmed bookings, signed in on the pages (cookie session)."""
    c = await approved_consultant(client, db, price="0", rules=every_day(), **kw)
    free = await slots(client, c["slug"])
    made = []
    for i in range(n):
        r = await book(client, c["slug"], booking(free[i]["slot_id"], email=f"s{i}@example.com"))
        assert r.status_code == 201, r.text
        made.append(r.json())
    await page_sign_in(client, db, c)
    return c, made, free


async def page_sign_in(client, db, c: dict) -> None:
    """Sign in on the sign-in page as a consultant made through the API (its default password)."""
    c["email"] = (await fetch(db, "select email::text from app.consultants where id = $1", uuid.UUID(c["id"])))[0]
    client.cookies.clear()
    r = await sign_in(client, c["email"], helpers.PASSWORD)
    assert r.status_code == 303, r.text


async def post(client, path: str, data: dict, page: str | None = None):
    """Post a form the way a browser does: with the CSRF token of the page it is on."""
    token = await form(client, page or path)
    return await client.post(path, data={"csrf_token": token, **data}, headers=HTML)


async def fetch(db, sql: str, *args):
    conn = await db.connect("owner")
    try:
        return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


async def test_sessions_list_filters_keep_their_values_and_page(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=3)
    r = await client.get("/dashboard/sessions", headers=HTML)
    assert r.status_code == 200 and static_url("dashboard-sessions.css") in r.text
    for m in made:
        assert f'href="/dashboard/sessions/{m["session_id"]}"' in r.text
    assert "Priya Shah" in r.text and 'id="totals"' in r.text and "Confirmed: 3" in r.text and "<strong>3</strong> sessions" in r.text
    assert re.search(r"(IST|GMT\+5:30)</a>", r.text)  # times in the consultant's zone, zone shown
    # Filters keep their values; the search narrows to one client.
    day = datetime.fromisoformat(made[1]["starts_at"]).astimezone(IST).date().isoformat()
    r = await client.get("/dashboard/sessions", headers=HTML,
                         params={"q": "s1@example", "status": "confirmed", "from": day, "to": day, "sort": "starts_at"})
    assert r.status_code == 200
    assert made[1]["session_id"] in r.text and made[0]["session_id"] not in r.text
    assert 'value="s1@example"' in r.text and f'value="{day}"' in r.text
    assert '<option value="confirmed" selected>' in r.text and '<option value="starts_at" selected>' in r.text
    # Paging keeps the filters in its links.
    r = await client.get("/dashboard/sessions", headers=HTML, params={"per_page": 2, "sort": "starts_at"})
    assert "Showing 1–2 of 3 sessions" in r.text
    next_link = re.search(r'href="([^"]+)" rel="next"', r.text).group(1).replace("&amp;", "&")
    assert "sort=starts_at" in next_link and "page=2" in next_link and "per_page=2" in next_link
    second = await client.get(next_link, headers=HTML)
    assert made[2]["session_id"] in second.text and made[0]["session_id"] not in second.text
    # An invalid filter shows the form again with the message and what was chosen.
    bad = await client.get("/dashboard/sessions", headers=HTML, params={"status": "weird", "q": "kept"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text and 'value="kept"' in bad.text
    nothing = await client.get("/dashboard/sessions", headers=HTML, params={"status": "cancelled"})
    assert "No sessions match these filters" in nothing.text


async def test_an_empty_account_gets_helpful_empty_states(client, db):
    c = await approved_consultant(client, db)
    await page_sign_in(client, db, c)
    sessions = await client.get("/dashboard/sessions", headers=HTML)
    assert "No sessions yet" in sessions.text and f'href="/{c["slug"]}"' in sessions.text
    clients = await client.get("/dashboard/clients", headers=HTML)
    assert "No clients yet" in clients.text and 'href="/dashboard/clients/new"' in clients.text
    cal = await client.get("/dashboard/sessions/calendar", headers=HTML)
    assert cal.status_code == 200 and "Set your availability" in cal.text
    new = await client.get("/dashboard/sessions/new", headers=HTML)
    assert new.status_code == 200 and "You have no clients yet" in new.text


async def test_session_detail_and_calendar(client, db):
    c, made, free = await consultant_on_pages(client, db, n=1)
    sid = made[0]["session_id"]
    r = await client.get(f"/dashboard/sessions/{sid}", headers=HTML)
    assert r.status_code == 200
    for text in ("Priya Shah", "s0@example.com", "https://zoom.us/j/123", "Free",
                 f"/dashboard/sessions/{sid}/cancel", f"/dashboard/sessions/{sid}/reschedule"):
        assert text in r.text, text
    assert f"/dashboard/sessions/{sid}/complete" not in r.text  # not started yet
    start = datetime.fromisoformat(made[0]["starts_at"]).astimezone(IST)
    cal = await client.get("/dashboard/sessions/calendar", headers=HTML, params={"month": start.strftime("%Y-%m")})
    assert cal.status_code == 200 and start.strftime("%B %Y") in cal.text
    assert f'href="/dashboard/sessions/{sid}"' in cal.text and start.strftime("%I:%M %p IST") in cal.text
    assert "free slots" in cal.text and 'rel="prev"' in cal.text and 'rel="next"' in cal.text
    assert (await client.get("/dashboard/sessions/calendar?month=2027-13", headers=HTML)).status_code == 422


async def test_an_unapproved_consultant_is_sent_to_the_dashboard(client, db):
    account = await signup_consultant(client, password=PASSWORD)
    assert (await sign_in(client, account["consultant"]["email"])).status_code == 303
    some = uuid.uuid4()
    for path in ("/dashboard/sessions", "/dashboard/sessions/calendar", "/dashboard/sessions/new",
                 f"/dashboard/sessions/{some}", f"/dashboard/sessions/{some}/cancel", f"/dashboard/sessions/{some}/reschedule",
                 "/dashboard/clients", "/dashboard/clients/new", f"/dashboard/clients/{some}",
                 f"/dashboard/clients/{some}/export", f"/dashboard/clients/{some}/anonymise"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 303 and r.headers["location"] == "/dashboard", path
    client.cookies.clear()
    r = await client.get("/dashboard/sessions", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/auth/login?next=/dashboard/sessions"


async def test_another_consultants_sessions_and_clients_are_not_found(client, db):
    a, made, _ = await consultant_on_pages(client, db, n=1)
    sid = made[0]["session_id"]
    cid = (await client.get(f"/api/v1/sessions/{sid}", headers=a["headers"])).json()["client_id"]
    b = await approved_consultant(client, db)
    await page_sign_in(client, db, b)
    for path in (f"/dashboard/sessions/{sid}", f"/dashboard/sessions/{sid}/cancel", f"/dashboard/sessions/{sid}/reschedule",
                 f"/dashboard/clients/{cid}", f"/dashboard/clients/{cid}/export", f"/dashboard/clients/{cid}/anonymise"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 404 and "Page not found" in r.text, path
    token = await form(client, "/dashboard/sessions")
    for path, data in ((f"/dashboard/sessions/{sid}/cancel", {}), (f"/dashboard/sessions/{sid}/edit", {"notes": "x"}),
                       (f"/dashboard/clients/{cid}/anonymise", {"understood": "yes"}),
                       (f"/dashboard/clients/{cid}/deactivate", {}), (f"/dashboard/clients/{cid}/edit", {"name": "X"})):
        r = await client.post(path, data={"csrf_token": token, **data}, headers=HTML)
        assert r.status_code == 404, path
    row = await fetch(db, "select s.status, s.notes, c.name, c.is_active from app.sessions s join app.clients c "
                          "on c.id = s.client_id where s.id = $1", uuid.UUID(sid))
    assert tuple(row) == ("confirmed", None, "Priya Shah", True)


async def test_cancelling_a_paid_session_says_it_is_refunded_in_full_and_does_it(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    await page_sign_in(client, db, c)
    free = await slots(client, c["slug"])
    r = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client": {"name": "Walk In", "email": "walkin@example.com"}, "slot_id": free[0]["slot_id"],
        "payment_status": "paid", "payment_method": "cash"})
    sid = r.json()["id"]
    page = await client.get(f"/dashboard/sessions/{sid}/cancel", headers=HTML)
    assert page.status_code == 200 and "refunded in full: ₹1,499.50" in page.text and "cash" in page.text
    # A forged post does nothing.
    forged = await client.post(f"/dashboard/sessions/{sid}/cancel", data={"csrf_token": "x" * 32}, headers=HTML)
    assert forged.status_code == 403
    assert (await fetch(db, "select status from app.sessions where id = $1", uuid.UUID(sid)))["status"] == "confirmed"
    done = await client.post(f"/dashboard/sessions/{sid}/cancel", headers=HTML,
                             data={"csrf_token": csrf_of(page.text), "reason": "Unwell"})
    assert done.status_code == 303 and done.headers["location"] == f"/dashboard/sessions/{sid}?done=cancelled"
    row = await fetch(db, "select s.status, s.cancellation_reason, s.cancelled_by, r.amount from app.sessions s "
                          "join app.payment_transactions t on t.session_id = s.id "
                          "join app.payment_refunds r on r.transaction_id = t.id where s.id = $1", uuid.UUID(sid))
    assert (row["status"], row["cancellation_reason"], row["cancelled_by"], str(row["amount"])) == \
        ("returned", "Unwell", "consultant", "1499.50")  # cash: refunded at once, so cancelled and returned
    shown = await client.get(done.headers["location"], headers=HTML)
    assert 'role="status"' in shown.text and "Session cancelled" in shown.text
    assert f"/dashboard/sessions/{sid}/cancel" not in shown.text  # no more actions on a cancelled session
    again = await client.post(f"/dashboard/sessions/{sid}/cancel", headers=HTML, data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 409 and "cannot become cancelled" in again.text and 'role="alert"' in again.text


async def test_complete_no_show_and_confirm_through_their_confirmation_pages(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=2)
    first, second = (uuid.UUID(m["session_id"]) for m in made)
    early = await post(client, f"/dashboard/sessions/{first}/complete", {})
    assert early.status_code == 409 and "only after it starts" in early.text
    conn = await db.connect("owner")
    try:
        for sid, hours in ((first, 4), (second, 2)):
            await conn.execute("update app.sessions set starts_at = now() - make_interval(hours => $2), "
                               "ends_at = now() - make_interval(hours => $2 - 1) where id = $1", sid, hours)
    finally:
        await conn.close()
    detail = await client.get(f"/dashboard/sessions/{first}", headers=HTML)
    assert f"/dashboard/sessions/{first}/complete" in detail.text and f"/dashboard/sessions/{first}/no-show" in detail.text
    confirm_page = await client.get(f"/dashboard/sessions/{first}/complete", headers=HTML)
    assert "Mark this session completed?" in confirm_page.text
    r = await post(client, f"/dashboard/sessions/{first}/complete", {})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=completed")
    r = await post(client, f"/dashboard/sessions/{second}/no-show", {})
    assert r.status_code == 303
    rows = await fetch(db, "select (select status from app.sessions where id = $1) a, "
                           "(select status from app.sessions where id = $2) b", first, second)
    assert (rows["a"], rows["b"]) == ("completed", "no_show")
    assert "marked as a no-show" in (await client.get(r.headers["location"], headers=HTML)).text
    # A pending session can be confirmed once it is paid.
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.consultants set personal_session_price = 500 where id = $1", uuid.UUID(c["id"]))
        paid = await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"], email="p@example.com"))
        pid = uuid.UUID(paid.json()["session_id"])
        assert f"/dashboard/sessions/{pid}/confirm" not in (await client.get(f"/dashboard/sessions/{pid}", headers=HTML)).text
        await conn.execute("update app.sessions set payment_status = 'paid' where id = $1", pid)
    finally:
        await conn.close()
    assert f"/dashboard/sessions/{pid}/confirm" in (await client.get(f"/dashboard/sessions/{pid}", headers=HTML)).text
    r = await post(client, f"/dashboard/sessions/{pid}/confirm", {})
    assert r.status_code == 303
    assert (await fetch(db, "select status from app.sessions where id = $1", pid))["status"] == "confirmed"


async def test_rescheduling_to_a_slot_or_another_time_is_confirmed_first(client, db):
    c, made, free = await consultant_on_pages(client, db, n=1)
    sid = uuid.UUID(made[0]["session_id"])
    page = await client.get(f"/dashboard/sessions/{sid}/reschedule", headers=HTML)
    assert page.status_code == 200 and free[3]["slot_id"] in page.text and free[0]["slot_id"] not in page.text
    token = csrf_of(page.text)
    step = await client.post(f"/dashboard/sessions/{sid}/reschedule", headers=HTML,
                             data={"csrf_token": token, "when": "slot", "slot_id": free[3]["slot_id"]})
    assert step.status_code == 200 and "Move this session?" in step.text and 'name="confirm" value="yes"' in step.text
    assert (await fetch(db, "select slot_id from app.sessions where id = $1", sid))["slot_id"] == uuid.UUID(free[0]["slot_id"])
    done = await client.post(f"/dashboard/sessions/{sid}/reschedule", headers=HTML, data={
        "csrf_token": token, "when": "slot", "slot_id": free[3]["slot_id"], "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=rescheduled")
    row = await fetch(db, "select slot_id, reschedule_count from app.sessions where id = $1", sid)
    assert (row["slot_id"], row["reschedule_count"]) == (uuid.UUID(free[3]["slot_id"]), 1)
    # Another time, typed in the consultant's zone.
    day = (datetime.now(IST) + timedelta(days=40)).date()
    data = {"csrf_token": token, "when": "adhoc", "start_date": day.isoformat(), "start_time": "18:30", "duration": "45"}
    step = await client.post(f"/dashboard/sessions/{sid}/reschedule", headers=HTML, data=data)
    assert step.status_code == 200 and "06:30 PM IST" in step.text
    done = await client.post(f"/dashboard/sessions/{sid}/reschedule", headers=HTML, data={**data, "confirm": "yes"})
    assert done.status_code == 303
    row = await fetch(db, "select starts_at, ends_at, slot_id from app.sessions where id = $1", sid)
    assert row["starts_at"] == datetime(day.year, day.month, day.day, 18, 30, tzinfo=IST)
    assert row["ends_at"] - row["starts_at"] == timedelta(minutes=45) and row["slot_id"] is None
    missing = await client.post(f"/dashboard/sessions/{sid}/reschedule", headers=HTML,
                                data={"csrf_token": token, "when": "adhoc", "start_date": "", "duration": "45"})
    assert missing.status_code == 422 and 'role="alert"' in missing.text and 'value="45"' in missing.text


async def test_notes_and_meeting_details_are_saved_or_the_form_says_why_not(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=1)
    sid = made[0]["session_id"]
    ok = await post(client, f"/dashboard/sessions/{sid}/edit", {
        "consultant_notes": "Bring CV", "meeting_platform": "meet", "meeting_link": "https://meet.google.com/abc-defg-hij",
        "meeting_id": "", "meeting_password": "", "notes": ""}, page=f"/dashboard/sessions/{sid}")
    assert ok.status_code == 303 and ok.headers["location"].startswith(f"/dashboard/sessions/{sid}?done=saved")
    row = await fetch(db, "select consultant_notes, meeting_platform, meeting_link from app.sessions where id = $1",
                      uuid.UUID(sid))
    assert tuple(row) == ("Bring CV", "meet", "https://meet.google.com/abc-defg-hij")
    bad = await post(client, f"/dashboard/sessions/{sid}/edit", {"consultant_notes": "Changed",
                                                                 "meeting_link": "http://insecure.example"},
                     page=f"/dashboard/sessions/{sid}")
    assert bad.status_code == 422 and 'role="alert"' in bad.text and 'value="http://insecure.example"' in bad.text
    assert 'id="meeting_link" name="meeting_link"' in bad.text and 'aria-invalid="true"' in bad.text
    assert (await fetch(db, "select consultant_notes from app.sessions where id = $1", uuid.UUID(sid)))[0] == "Bring CV"


async def test_new_session_for_a_new_or_an_existing_client(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    await page_sign_in(client, db, c)
    free = await slots(client, c["slug"])
    page = await client.get("/dashboard/sessions/new", headers=HTML)
    assert page.status_code == 200 and free[0]["slot_id"] in page.text
    r = await post(client, "/dashboard/sessions/new", {
        "client_mode": "new", "client_name": "Walk In", "client_email": "walkin@example.com",
        "client_phone": "+91 90000 00001", "when": "slot", "slot_id": free[0]["slot_id"], "amount": "",
        "payment_status": "paid", "payment_method": "cash", "notes": "Met at the fair"})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=created"), r.text
    sid = uuid.UUID(r.headers["location"].split("/")[-1].split("?")[0])
    row = await fetch(db, "select s.status, s.payment_status, s.notes, s.amount, c.phone_encrypted, c.phone_hash, "
                          "(select gateway from app.payment_transactions where session_id = s.id) gateway "
                          "from app.sessions s join app.clients c on c.id = s.client_id where s.id = $1", sid)
    assert (row["status"], row["payment_status"], row["notes"], str(row["amount"]), row["gateway"]) == \
        ("confirmed", "paid", "Met at the fair", "1499.50", "cash")
    assert b"9000000001" not in bytes(row["phone_encrypted"]) and len(row["phone_hash"]) == 32
    cid = (await fetch(db, "select id from app.clients where email = 'walkin@example.com'"))["id"]
    # An existing client at another time, owed.
    day = (datetime.now(IST) + timedelta(days=45)).date().isoformat()
    r = await post(client, "/dashboard/sessions/new", {
        "client_mode": "existing", "client_id": str(cid), "when": "adhoc", "session_type": "personal",
        "start_date": day, "start_time": "19:00", "duration": "30", "amount": "800", "payment_status": "pending"})
    assert r.status_code == 303
    row = await fetch(db, "select amount, payment_status, duration_minutes from app.sessions "
                          "where client_id = $1 and slot_id is null", cid)
    assert (str(row["amount"]), row["payment_status"], row["duration_minutes"]) == ("800.00", "pending", 30)
    # Errors show the form again with what was typed.
    bad = await post(client, "/dashboard/sessions/new", {
        "client_mode": "new", "client_name": "No Method", "client_email": "nomethod@example.com", "when": "slot",
        "slot_id": free[1]["slot_id"], "payment_status": "paid", "payment_method": ""})
    assert bad.status_code == 422 and 'role="alert"' in bad.text and 'value="nomethod@example.com"' in bad.text
    bad_email = await post(client, "/dashboard/sessions/new", {
        "client_mode": "new", "client_name": "X", "client_email": "not-an-email", "when": "slot",
        "slot_id": free[1]["slot_id"], "payment_status": "pending"})
    assert bad_email.status_code == 422 and 'id="client_email" name="client_email" type="email" autocomplete="off" ' \
        'value="not-an-email" aria-invalid="true"' in bad_email.text
    clash = await post(client, "/dashboard/sessions/new", {
        "client_mode": "existing", "client_id": str(cid), "when": "adhoc", "session_type": "personal",
        "start_date": day, "start_time": "19:10", "duration": "30", "payment_status": "pending"})
    assert clash.status_code == 409 and "no longer free" in clash.text
    assert (await fetch(db, "select count(*) from app.sessions"))[0] == 2


async def test_clients_list_search_new_and_profile(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=2)
    new = await client.get("/dashboard/clients/new", headers=HTML)
    assert new.status_code == 200 and 'for="phone"' in new.text
    r = await post(client, "/dashboard/clients/new", {"name": "Ravi Iyer", "email": "Ravi@Example.com",
                                                      "phone": "+91-99887-76655", "notes": "Referred by Asha"})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=created")
    ravi = await fetch(db, "select id, email, phone_hash, notes from app.clients where email = 'ravi@example.com'")
    assert ravi["phone_hash"] is not None and ravi["notes"] == "Referred by Asha"
    dup = await post(client, "/dashboard/clients/new", {"name": "Again", "email": "ravi@example.com"})
    assert dup.status_code == 409 and 'role="alert"' in dup.text and 'value="Again"' in dup.text
    invalid = await post(client, "/dashboard/clients/new", {"name": "", "email": "x@example.com"})
    assert invalid.status_code == 422 and 'value="x@example.com"' in invalid.text
    listing = await client.get("/dashboard/clients", headers=HTML)
    assert listing.status_code == 200 and "Ravi Iyer" in listing.text and "s0@example.com" in listing.text
    assert "+919988776655" in listing.text  # the phone, decrypted for its consultant
    by_phone = await client.get("/dashboard/clients", headers=HTML, params={"q": "+91 99887 76655"})
    assert "Ravi Iyer" in by_phone.text and "s0@example.com" not in by_phone.text
    assert 'value="+91 99887 76655"' in by_phone.text
    paged = await client.get("/dashboard/clients", headers=HTML, params={"sort": "name", "page": "2"})
    assert paged.status_code == 200 and "no page 2" in paged.text
    none = await client.get("/dashboard/clients", headers=HTML, params={"q": "zzz"})
    assert "No clients match" in none.text
    # The profile of a client who booked: history and totals.
    booked = await fetch(db, "select id from app.clients where email = 's0@example.com'")
    profile = await client.get(f"/dashboard/clients/{booked['id']}", headers=HTML)
    assert profile.status_code == 200 and made[0]["session_id"] in profile.text and 'id="client-totals"' in profile.text
    assert "<dt>Sessions</dt><dd>1</dd>" in profile.text and "<dt>Repeat client</dt><dd>No</dd>" in profile.text


async def test_client_edit_export_deactivate_and_anonymise(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=1)
    cid = (await fetch(db, "select id from app.clients"))["id"]
    path = f"/dashboard/clients/{cid}"
    r = await post(client, f"{path}/edit", {"name": "Priya S. Shah", "email": "priya@example.com",
                                             "phone": "", "notes": "Prefers evenings"}, page=path)
    assert r.status_code == 303 and r.headers["location"] == f"{path}?done=saved"
    row = await fetch(db, "select name, email::text, phone_hash, notes from app.clients where id = $1", cid)
    assert tuple(row) == ("Priya S. Shah", "priya@example.com", None, "Prefers evenings")
    bad = await post(client, f"{path}/edit", {"name": "Priya", "email": "nope"}, page=path)
    assert bad.status_code == 422 and 'value="nope"' in bad.text and 'role="alert"' in bad.text
    export = await client.get(f"{path}/export", headers=HTML)
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    data = json.loads(export.text)
    assert data["client"]["email"] == "priya@example.com" and len(data["sessions"]) == 1
    # Deactivate: a confirmation page, then the client is hidden from the active list.
    confirm = await client.get(f"{path}/deactivate", headers=HTML)
    assert confirm.status_code == 200 and "Deactivate Priya S. Shah?" in confirm.text
    r = await client.post(f"{path}/deactivate", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"{path}?done=deactivated"
    assert (await fetch(db, "select is_active from app.clients where id = $1", cid))[0] is False
    assert "Priya S. Shah" not in (await client.get("/dashboard/clients", headers=HTML)).text
    assert "Priya S. Shah" in (await client.get("/dashboard/clients?active=false", headers=HTML)).text
    r = await post(client, f"{path}/reactivate", {}, page=path)
    assert r.status_code == 303 and (await fetch(db, "select is_active from app.clients where id = $1", cid))[0] is True
    # Anonymise: says it cannot be undone, needs the box ticked, refuses a forged form.
    confirm = await client.get(f"{path}/anonymise", headers=HTML)
    assert "cannot be undone" in confirm.text and 'id="anonymise-warning"' in confirm.text
    unticked = await client.post(f"{path}/anonymise", data={"csrf_token": csrf_of(confirm.text)}, headers=HTML)
    assert unticked.status_code == 422 and 'role="alert"' in unticked.text
    forged = await client.post(f"{path}/anonymise", data={"csrf_token": "f" * 32, "understood": "yes"}, headers=HTML)
    assert forged.status_code == 403
    assert (await fetch(db, "select anonymised_at from app.clients where id = $1", cid))[0] is None
    r = await client.post(f"{path}/anonymise", data={"csrf_token": csrf_of(confirm.text), "understood": "yes"},
                          headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"{path}?done=anonymised"
    row = await fetch(db, "select name, anonymised_at, notes from app.clients where id = $1", cid)
    assert row["name"] == "Anonymised client" and row["anonymised_at"] is not None and row["notes"] is None
    after = await client.get(r.headers["location"], headers=HTML)
    assert "Client anonymised" in after.text and f"{path}/edit" not in after.text


@pytest.mark.parametrize("path", ["/dashboard/sessions/new", "/dashboard/clients/new"])
async def test_create_forms_refuse_a_forged_token(client, db, path):
    c = await approved_consultant(client, db)
    await page_sign_in(client, db, c)
    await form(client, path)
    r = await client.post(path, data={"csrf_token": "x" * 32, "client_mode": "new", "name": "F", "email": "f@example.com"},
                          headers=HTML)
    assert r.status_code == 403
    assert (await fetch(db, "select count(*) from app.clients"))[0] == 0


async def test_the_home_counts_are_the_databases_totals_not_a_page(client, db):
    """Issue 17: "Coming up" showed the length of its page (never more than 8). The figure is the list's total; the
    list shows its page and links to all of them."""
    from tests.http.test_booking import lift_booking_limits

    c = await approved_consultant(client, db, price="0", rules=every_day())
    await lift_booking_limits(db)
    free = await slots(client, c["slug"], **{"from": (datetime.now().astimezone() + timedelta(days=2)).isoformat()})
    for i in range(11):
        r = await book(client, c["slug"], booking(free[i]["slot_id"], email=f"u{i}@example.com"))
        assert r.status_code == 201, r.text
    await page_sign_in(client, db, c)
    page = (await client.get("/dashboard", headers=HTML)).text
    coming = re.search(r'Coming up</h2><p class="stat">(\d+)</p>', page)
    assert coming and int(coming.group(1)) == 11, coming
    assert "See all 11 coming up" in page

# Test: pytest tests/http/test_dashboard_sessions_pages.py
