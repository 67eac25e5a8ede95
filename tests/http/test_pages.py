# tests/http/test_pages.py — the server-rendered pages over HTTP: cookie sessions, CSRF, form errors, open redirects, HTML vs JSON errors.
from __future__ import annotations

import re
import uuid

import pytest

from app.static_files import static_url
from tests.http.helpers import signup_consultant
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots

HTML = {"accept": "text/html"}
PASSWORD = "correct horse battery staple 42"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


async def form(client, path: str) -> str:
    r = await client.get(path, headers=HTML)
    assert r.status_code == 200, r.text
    return csrf_of(r.text)


async def sign_in(client, email: str, password: str = PASSWORD, **extra):
    token = await form(client, "/auth/login")
    return await client.post("/auth/login", data={"csrf_token": token, "email": email, "password": password, **extra},
                             headers=HTML)


async def test_the_reschedule_page_pages_a_week_at_a_time_and_never_cuts_the_list(client, db):
    # It once asked for 30 days of slots and showed what came back, so past the page size the rest were
    # silently missing. Now it shows one week and links to the weeks around it, as far as the horizon goes.
    from datetime import datetime

    c = await approved_consultant(client, db, price="0", webinar_price="0", max_days_ahead=20,
                                  rules=every_day(start="06:00", end="22:00", minutes=30))
    free = await slots(client, c["slug"], type="personal")
    made = (await book(client, c["slug"], booking(free[-1]["slot_id"]))).json()
    token = made["manage_url"].rsplit("/", 1)[1]
    first = await client.get(f"/booking/{token}/reschedule", headers=HTML)
    assert first.status_code == 200 and "Earlier times" not in first.text
    later = re.search(r'href="(/booking/[^"]+/reschedule\?from=[^"]+)">Later times', first.text)
    assert later, first.text
    starts = re.findall(r'name="slot_id" value="([^"]+)"', first.text)
    assert 7 * 20 < len(starts) <= 8 * 32  # a week of half-hours, not 30 days' worth
    second = await client.get(later.group(1).replace("&amp;", "&"), headers=HTML)
    assert second.status_code == 200 and "Earlier times" in second.text
    more = re.findall(r'name="slot_id" value="([^"]+)"', second.text)
    assert more and not set(more) & set(starts)
    # Following "Later" reaches the horizon and stops there; every slot was on some page.
    seen, page = set(starts) | set(more), second
    while (nxt := re.search(r'href="(/booking/[^"]+/reschedule\?from=[^"]+)">Later times', page.text)):
        page = await client.get(nxt.group(1).replace("&amp;", "&"), headers=HTML)
        seen |= set(re.findall(r'name="slot_id" value="([^"]+)"', page.text))
    everything = {s["slot_id"] for s in await slots(client, c["slug"], type="personal",
                                                     to=datetime.fromisoformat(free[-1]["starts_at"]).isoformat())}
    assert everything - {made.get("slot_id")} <= seen | {free[-1]["slot_id"]}
    # And a time chosen there moves the booking.
    r = await client.post(f"/booking/{token}/reschedule", data={"csrf_token": csrf_of(second.text), "slot_id": more[0]},
                          headers=HTML)
    assert r.status_code == 303 and r.headers["location"].endswith("?done=rescheduled")


async def test_public_pages_render(client, db):
    for path in ("/", "/pricing", "/auth/login", "/auth/signup", "/auth/forgot-password"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        assert '<html lang="en-IN">' in r.text and static_url("app.css") in r.text
    pricing = (await client.get("/pricing", headers=HTML)).text
    assert "₹1,499.00" in pricing and "Enterprise" in pricing  # plans from platform settings, Indian format


async def test_a_form_without_its_csrf_token_is_refused_and_does_nothing(client, db):
    await form(client, "/auth/signup")  # the browser has a CSRF cookie...
    data = {"email": "forged@example.com", "password": PASSWORD, "first_name": "F", "last_name": "G",
            "phone_country_code": "+91", "phone_number": "9876543210"}
    for token in (None, "", "x" * 32):  # ...but the post carries none, an empty or a wrong token
        r = await client.post("/auth/signup", data={**data, **({"csrf_token": token} if token is not None else {})},
                              headers=HTML)
        assert r.status_code == 403 and "did not come from this site" in r.text
    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select count(*) from app.consultants where email = 'forged@example.com'") == 0
    finally:
        await conn.close()
    # A fresh browser (no CSRF cookie at all) is refused too.
    client.cookies.clear()
    r = await client.post("/auth/signup", data={**data, "csrf_token": "x" * 32}, headers=HTML)
    assert r.status_code == 403


async def test_signing_up_on_the_page_lands_on_the_approval_screen(client, db):
    token = await form(client, "/auth/signup")
    r = await client.post("/auth/signup", headers=HTML, data={
        "csrf_token": token, "email": "meera@example.com", "password": PASSWORD, "first_name": "Meera",
        "last_name": "Iyer", "phone_country_code": "+91", "phone_number": "9876543210"})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?welcome=1"
    cookie = r.headers["set-cookie"]
    assert "nk_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = await client.get("/dashboard?welcome=1", headers=HTML)
    assert home.status_code == 200 and "Awaiting approval" in home.text and "meera@example.com" in home.text
    assert "/dashboard/sessions" not in home.text  # nothing but the approval screen and settings


async def test_form_errors_show_the_form_again_without_the_password(client, db):
    token = await form(client, "/auth/signup")
    r = await client.post("/auth/signup", headers=HTML, data={
        "csrf_token": token, "email": "not-an-email", "password": "hunter2", "first_name": "A", "last_name": "B",
        "phone_country_code": "+91", "phone_number": "9876543210"})
    assert r.status_code == 422 and 'role="alert"' in r.text and 'value="not-an-email"' in r.text
    assert "hunter2" not in r.text
    r = await sign_in(client, "nobody@example.com", "wrong password here")
    assert r.status_code == 401 and "Wrong email or password." in r.text


async def test_sign_in_follows_a_local_next_only_and_sign_out_ends_the_session(client, db):
    account = await signup_consultant(client, password=PASSWORD)
    email, password = account["consultant"]["email"], PASSWORD
    client.cookies.clear()
    assert (await client.get("/dashboard", headers=HTML)).headers["location"] == "/auth/login?next=/dashboard"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = await sign_in(client, email, password, next=evil)
        assert r.status_code == 303 and r.headers["location"] == "/dashboard", evil
    r = await sign_in(client, email, password, next="/dashboard?x=1")
    assert r.headers["location"] == "/dashboard?x=1"
    assert (await client.get("/dashboard", headers=HTML)).status_code == 200
    page = await client.get("/dashboard", headers=HTML)
    out = await client.post("/auth/logout", data={"csrf_token": csrf_of(page.text)}, headers=HTML)
    assert out.status_code == 303
    assert (await client.get("/dashboard", headers=HTML)).status_code == 303


async def test_logging_out_everywhere_through_the_api_ends_page_sessions(client, db):
    account = await signup_consultant(client, password=PASSWORD)
    email, password = account["consultant"]["email"], PASSWORD
    r = await sign_in(client, email, password)
    assert r.status_code == 303
    assert (await client.get("/dashboard", headers=HTML)).status_code == 200
    out = await client.post("/api/v1/auth/logout-all", headers={"authorization": f"Bearer {account['access_token']}"})
    assert out.status_code in (200, 204)
    assert (await client.get("/dashboard", headers=HTML)).status_code == 303  # back to the sign-in page


async def test_errors_are_pages_for_browsers_and_json_for_the_api(client, db):
    page = await client.get("/no-such-consultant-here", headers=HTML)
    assert page.status_code == 404 and "Page not found" in page.text
    assert page.headers["content-type"].startswith("text/html")
    api = await client.get("/no-such-consultant-here")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    assert (await client.get("/api/v1/nope", headers=HTML)).json()["error"]["code"] == "not_found"
    assert (await client.get(f"/booking/mt_{uuid.uuid4().hex}", headers=HTML)).status_code == 404


async def test_the_consultant_page_and_manage_page_render(client, db):
    c = await approved_consultant(client, db, rules=every_day())
    page = await client.get(f"/{c['slug']}", headers=HTML)
    assert page.status_code == 200 and 'id="booking"' in page.text and "₹1,499.50" in page.text
    assert "checkout.razorpay.com" not in page.text  # the local gateway: no third-party script
    free = await slots(client, c["slug"])
    made = (await book(client, c["slug"], booking(free[0]["slot_id"]))).json()
    path = "/booking/" + made["manage_url"].rsplit("/", 1)[1]
    manage = await client.get(path, headers=HTML)
    assert manage.status_code == 200 and "Pending" in manage.text and "Pay ₹1,499.50" in manage.text
    cancel = await client.get(path + "/cancel", headers=HTML)
    assert "Nothing has been paid" in cancel.text
    r = await client.post(path + "/cancel", data={"csrf_token": csrf_of(cancel.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == path + "?done=cancelled"
    assert "Cancelled" in (await client.get(path, headers=HTML)).text


@pytest.mark.parametrize("slug", ["dashboard", "auth", "admin", "api", "static", "pricing"])
async def test_reserved_paths_are_not_consultant_pages(client, db, slug):
    r = await client.get(f"/{slug}", headers=HTML)
    assert r.status_code in (200, 303, 404) and 'id="booking"' not in r.text

# Test: pytest tests/http/test_pages.py


async def test_the_dashboard_home_shows_today_upcoming_and_payments(client, db):
    from datetime import UTC, datetime, timedelta

    from tests.http.helpers import PASSWORD as API_PASSWORD

    c = await approved_consultant(client, db)
    start = datetime.now(UTC) + timedelta(minutes=30)
    r = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client": {"name": "Rohan Mehta", "email": "rohan@example.com"}, "session_type": "personal",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "amount": "2500.00",
        "payment_status": "paid", "payment_method": "upi_direct"})
    assert r.status_code == 201, r.text
    conn = await db.connect("owner")
    try:
        email = await conn.fetchval("select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    finally:
        await conn.close()
    assert (await sign_in(client, email, API_PASSWORD)).status_code == 303
    home = await client.get("/dashboard", headers=HTML)
    assert home.status_code == 200 and "Rohan Mehta" in home.text and "₹2,500.00" in home.text
    assert "IST" in home.text  # times carry their zone
    assert "Awaiting approval" not in home.text
