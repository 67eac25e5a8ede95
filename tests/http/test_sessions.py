# tests/http/test_sessions.py — the consultant's sessions and clients over HTTP: lists, offline bookings, status actions, calendar, data rights, isolation.
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from tests.http.helpers import auth, signup_consultant
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots


async def consultant_with_bookings(client, db, n=3, **kw):
    c = await approved_consultant(client, db, price="0", rules=every_day(), **kw)
    free = await slots(client, c["slug"])
    made = []
    for i in range(n):
        r = await book(client, c["slug"], booking(free[i]["slot_id"], email=f"s{i}@example.com"))
        assert r.status_code == 201
        made.append(r.json())
    return c, made, free


async def test_lists_filter_sort_page_and_total(client, db):
    c, made, _ = await consultant_with_bookings(client, db, n=3)
    h = c["headers"]
    r = await client.get("/api/v1/sessions", headers=h, params={"sort": "starts_at", "per_page": 2})
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["totals"]["by_status"] == {"confirmed": 3}
    assert page["totals"]["count"] == 3  # sessions, not status groups
    assert [i["id"] for i in page["items"]] == [m["session_id"] for m in made[:2]]
    second = (await client.get("/api/v1/sessions", headers=h, params={"sort": "starts_at", "per_page": 2, "page": 2})).json()
    assert [i["id"] for i in second["items"]] == [made[2]["session_id"]]
    assert (await client.get("/api/v1/sessions", headers=h, params={"status": "cancelled"})).json()["total"] == 0
    found = (await client.get("/api/v1/sessions", headers=h, params={"q": "s1@example"})).json()
    assert [i["id"] for i in found["items"]] == [made[1]["session_id"]]
    assert (await client.get("/api/v1/sessions", headers=h, params={"status": "weird"})).status_code == 422


async def test_offline_booking_is_confirmed_and_paid_offline_money_is_recorded(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    r = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client": {"name": "Walk In", "email": "walkin@example.com", "phone": "+91 90000 00001"},
        "slot_id": free[0]["slot_id"], "payment_status": "paid", "payment_method": "cash"})
    assert r.status_code == 201, r.text
    s = r.json()
    assert (s["status"], s["payment_status"], s["booked_via"]) == ("confirmed", "paid", "consultant")
    start = datetime.fromisoformat(free[1]["starts_at"])
    adhoc = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client_id": s["client_id"], "session_type": "personal", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=30)).isoformat()})
    assert adhoc.status_code == 201 and adhoc.json()["payment_status"] == "pending"
    clash = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client_id": s["client_id"], "session_type": "personal", "starts_at": (start + timedelta(minutes=10)).isoformat(),
        "ends_at": (start + timedelta(minutes=40)).isoformat()})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "slot_taken"
    unpaid_method = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client_id": s["client_id"], "slot_id": free[2]["slot_id"], "payment_status": "paid"})
    assert unpaid_method.status_code == 422
    conn = await db.connect("owner")
    try:
        pay = await conn.fetchrow("select amount, gateway, status from app.payment_transactions")
        total = await conn.fetchval("select total_sessions from app.clients where email = 'walkin@example.com'")
    finally:
        await conn.close()
    assert (float(pay["amount"]), pay["gateway"], pay["status"]) == (1499.5, "cash", "completed")
    assert total == 2


async def test_status_actions_follow_the_lifecycle(client, db):
    c, made, _ = await consultant_with_bookings(client, db, n=2)
    h, sid = c["headers"], made[0]["session_id"]
    early = await client.post(f"/api/v1/sessions/{sid}/complete", headers=h, json={})
    assert early.status_code == 409 and early.json()["error"]["code"] == "session_not_started"
    r = await client.post(f"/api/v1/sessions/{sid}/cancel", headers=h, json={"reason": "Ill"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["cancelled_by"]) == ("cancelled", "consultant")
    again = await client.post(f"/api/v1/sessions/{sid}/cancel", headers=h, json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.sessions set starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' "
                           "where id = $1", uuid.UUID(made[1]["session_id"]))
    finally:
        await conn.close()
    done = await client.post(f"/api/v1/sessions/{made[1]['session_id']}/no-show", headers=h, json={})
    assert done.status_code == 200 and done.json()["status"] == "no_show"


async def test_pending_unpaid_sessions_confirm_only_when_paid(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    made = (await book(client, c["slug"], booking((await slots(client, c["slug"]))[0]["slot_id"]))).json()
    r = await client.post(f"/api/v1/sessions/{made['session_id']}/confirm", headers=c["headers"], json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "payment_required"


async def test_patch_notes_and_meeting_details(client, db):
    c, made, _ = await consultant_with_bookings(client, db, n=1)
    sid = made[0]["session_id"]
    r = await client.patch(f"/api/v1/sessions/{sid}", headers=c["headers"],
                           json={"consultant_notes": "Bring CV", "meeting_link": "https://meet.google.com/abc-defg-hij",
                                 "meeting_platform": "meet"})
    assert r.status_code == 200 and r.json()["consultant_notes"] == "Bring CV"
    bad = await client.patch(f"/api/v1/sessions/{sid}", headers=c["headers"], json={"meeting_link": "http://insecure.example"})
    assert bad.status_code == 422
    sneaky = await client.patch(f"/api/v1/sessions/{sid}", headers=c["headers"], json={"status": "completed"})
    assert sneaky.status_code == 422
    # The meeting's id and passcode are one printable line each (mails, invites and calendar events print them).
    for field in ("meeting_id", "meeting_password"):
        r = await client.patch(f"/api/v1/sessions/{sid}", headers=c["headers"], json={field: "123\nBCC: x"})
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
    r = await client.patch(f"/api/v1/sessions/{sid}", headers=c["headers"],
                           json={"meeting_id": " 845 1234 ", "meeting_password": "pa ss"})
    assert (r.json()["meeting_id"], r.json()["meeting_password"]) == ("845 1234", "pa ss")


async def test_consultant_reschedules_atomically(client, db):
    c, made, free = await consultant_with_bookings(client, db, n=1)
    target = free[5]
    r = await client.post(f"/api/v1/sessions/{made[0]['session_id']}/reschedule", headers=c["headers"],
                          json={"slot_id": target["slot_id"]})
    assert r.status_code == 200 and r.json()["slot_id"] == target["slot_id"]
    public = {s["slot_id"] for s in await slots(client, c["slug"])}
    assert free[0]["slot_id"] in public and target["slot_id"] not in public


async def test_calendar_month_is_the_consultants_local_month(client, db):
    c, made, _ = await consultant_with_bookings(client, db, n=1, timezone="America/New_York")
    start = datetime.fromisoformat(made[0]["starts_at"]).astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    r = await client.get("/api/v1/sessions/calendar", headers=c["headers"], params={"month": start.strftime("%Y-%m")})
    assert r.status_code == 200, r.text
    days = {d["date"]: d for d in r.json()["days"]}
    assert min(days) == start.strftime("%Y-%m-01") and len(days) in (28, 29, 30, 31)
    assert [s["id"] for s in days[start.strftime("%Y-%m-%d")]["sessions"]] == [made[0]["session_id"]]
    assert (await client.get("/api/v1/sessions/calendar", headers=c["headers"], params={"month": "2027-13"})).status_code == 422


async def test_clients_search_history_export_and_anonymise(client, db):
    c, made, _ = await consultant_with_bookings(client, db, n=2)
    h = c["headers"]
    new = await client.post("/api/v1/clients", headers=h, json={"name": "Ravi Iyer", "email": "Ravi@Example.com",
                                                               "phone": "+91-99887-76655"})
    assert new.status_code == 201 and new.json()["phone"] == "+919988776655"
    dup = await client.post("/api/v1/clients", headers=h, json={"name": "X", "email": "ravi@example.com"})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "client_exists"
    for q, expected in (("ravi", ["ravi@example.com"]), ("s0@", ["s0@example.com"]), ("+91 99887 76655", ["ravi@example.com"]),
                        ("9988776655", [])):
        r = await client.get("/api/v1/clients", headers=h, params={"q": q})
        assert [i["email"] for i in r.json()["items"]] == expected, q
    booked = (await client.get("/api/v1/clients", headers=h, params={"q": "s0@"})).json()["items"][0]
    profile = (await client.get(f"/api/v1/clients/{booked['id']}", headers=h)).json()
    assert profile["total_sessions"] == 1 and [s["id"] for s in profile["sessions"]] == [made[0]["session_id"]]
    export = (await client.get(f"/api/v1/clients/{booked['id']}/export", headers=h)).json()
    assert export["client"]["email"] == "s0@example.com" and len(export["sessions"]) == 1
    gone = await client.post(f"/api/v1/clients/{booked['id']}/anonymise", headers=h, json={})
    assert gone.status_code == 200 and gone.json()["name"] == "Anonymised client" and gone.json()["phone"] is None
    after = (await client.get(f"/api/v1/clients/{booked['id']}", headers=h)).json()
    assert after["email"].endswith("@anonymised.invalid") and len(after["sessions"]) == 1
    off = await client.post(f"/api/v1/clients/{new.json()['id']}/deactivate", headers=h, json={})
    assert off.json()["is_active"] is False
    active = (await client.get("/api/v1/clients", headers=h, params={"active": "true"})).json()["items"]
    assert new.json()["id"] not in {i["id"] for i in active}


async def test_another_consultant_reads_and_touches_nothing(client, db):
    a, made, _ = await consultant_with_bookings(client, db, n=1)
    b = await approved_consultant(client, db)
    sid = made[0]["session_id"]
    client_id = (await client.get(f"/api/v1/sessions/{sid}", headers=a["headers"])).json()["client_id"]
    probes = [("GET", f"/api/v1/sessions/{sid}", None), ("PATCH", f"/api/v1/sessions/{sid}", {"notes": "x"}),
              ("POST", f"/api/v1/sessions/{sid}/cancel", {}), ("POST", f"/api/v1/sessions/{sid}/reschedule",
                                                               {"starts_at": "2027-06-01T10:00:00Z", "ends_at": "2027-06-01T11:00:00Z"}),
              ("GET", f"/api/v1/clients/{client_id}", None), ("PATCH", f"/api/v1/clients/{client_id}", {"notes": "x"}),
              ("GET", f"/api/v1/clients/{client_id}/export", None), ("POST", f"/api/v1/clients/{client_id}/anonymise", {}),
              ("POST", f"/api/v1/clients/{client_id}/deactivate", {})]
    for method, path, body in probes:
        r = await client.request(method, path, headers=b["headers"], json=body)
        assert r.status_code == 404, f"{method} {path}: {r.status_code}"
    assert (await client.get("/api/v1/sessions", headers=b["headers"])).json()["total"] == 0
    book_into_a = await client.post("/api/v1/sessions", headers=b["headers"], json={"client_id": client_id,
                                    "session_type": "personal", "starts_at": "2027-06-01T10:00:00Z",
                                    "ends_at": "2027-06-01T11:00:00Z"})
    assert book_into_a.status_code == 404
    # A's data is intact.
    assert (await client.get(f"/api/v1/sessions/{sid}", headers=a["headers"])).json()["status"] == "confirmed"


async def test_pending_consultants_get_403_not_approved(client):
    pending = await signup_consultant(client)
    r = await client.get("/api/v1/sessions", headers=auth(pending["access_token"]))
    assert r.status_code == 403 and r.json()["error"]["code"] == "consultant_not_approved"


async def test_session_filters_by_type_dates_and_client(client, db):
    c, made, free = await consultant_with_bookings(client, db, n=3)
    h = c["headers"]
    starts = sorted(datetime.fromisoformat(m["starts_at"]) for m in made)
    window = {"from": starts[1].isoformat(), "to": (starts[2]).isoformat()}
    r = (await client.get("/api/v1/sessions", headers=h, params=window)).json()
    assert r["total"] == 1 and datetime.fromisoformat(r["items"][0]["starts_at"]) == starts[1]
    assert (await client.get("/api/v1/sessions", headers=h, params={"type": "webinar"})).json()["total"] == 0
    assert (await client.get("/api/v1/sessions", headers=h, params={"type": "personal"})).json()["total"] == 3
    one = (await client.get(f"/api/v1/sessions/{made[0]['session_id']}", headers=h)).json()
    by_client = (await client.get("/api/v1/sessions", headers=h, params={"client_id": one["client_id"]})).json()
    assert [i["id"] for i in by_client["items"]] == [made[0]["session_id"]]
    assert (await client.get("/api/v1/sessions", headers=h, params={"client_id": "nope"})).status_code == 422
    assert (await client.get("/api/v1/sessions", headers=h, params={"per_page": 101})).status_code == 422

# Test: pytest tests/http/test_sessions.py
