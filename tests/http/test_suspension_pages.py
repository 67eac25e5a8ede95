# tests/http/test_suspension_pages.py — suspension over HTTP: the consultant is told why and how to reach support, reads their sessions and clients with every write action hidden and refused; the admin reviews an applicant's profile and suspends with the upcoming paid sessions cancelled and refunded.
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.db import factories
from tests.http.test_admin_pages import admin_sign_in, confirm_and_post
from tests.http.test_dashboard_sessions_pages import consultant_on_pages, fetch, page_sign_in
from tests.http.test_pages import HTML


async def suspend(db, cid: str, reason: str = "Two clients reported missed sessions.") -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.consultants set approval_status = 'suspended', rejection_reason = $2 "
                           "where id = $1", uuid.UUID(cid), reason)
    finally:
        await conn.close()


async def test_a_suspended_consultant_is_told_why_and_reads_without_writing(client, db):
    c, made, _ = await consultant_on_pages(client, db, n=1)
    sid = made[0]["session_id"]
    await suspend(db, c["id"])
    await page_sign_in(client, db, c)

    home = await client.get("/dashboard", headers=HTML)
    assert home.status_code == 200 and "Your account is suspended" in home.text
    assert "Two clients reported missed sessions." in home.text
    assert 'href="mailto:support@nakksha.in?subject=' in home.text and "1 confirmed session" in home.text
    assert 'href="/dashboard/sessions/calendar"' in home.text and 'href="/dashboard/quotations"' not in home.text

    listing = await client.get("/dashboard/sessions", headers=HTML)
    assert listing.status_code == 200 and f'href="/dashboard/sessions/{sid}"' in listing.text
    assert 'href="/dashboard/sessions/new"' not in listing.text and "suspended-banner" in listing.text
    detail = await client.get(f"/dashboard/sessions/{sid}", headers=HTML)
    assert detail.status_code == 200 and 'id="read-only-actions"' in detail.text
    assert f'action="/dashboard/sessions/{sid}/edit"' not in detail.text
    assert f'href="/dashboard/sessions/{sid}/cancel"' not in detail.text
    assert (await client.get("/dashboard/sessions/calendar", headers=HTML)).status_code == 200
    clients = await client.get("/dashboard/clients", headers=HTML)
    assert clients.status_code == 200 and 'href="/dashboard/clients/new"' not in clients.text
    client_id = (await fetch(db, "select client_id from app.sessions where id = $1", uuid.UUID(sid)))[0]
    profile = await client.get(f"/dashboard/clients/{client_id}", headers=HTML)
    assert profile.status_code == 200 and f'action="/dashboard/clients/{client_id}/edit"' not in profile.text

    # A write posted anyway (a page open from before) is refused by its guard, and nothing changes.
    token = client.cookies.get("nk_csrf") or ""
    for path in (f"/dashboard/sessions/{sid}/edit", f"/dashboard/sessions/{sid}/cancel", "/dashboard/clients/new"):
        r = await client.post(path, headers=HTML, data={"csrf_token": token, "notes": "changed", "reason": "x"})
        assert r.status_code == 303 and r.headers["location"] == "/dashboard", path
    row = await fetch(db, "select notes, status from app.sessions where id = $1", uuid.UUID(sid))
    assert row["notes"] != "changed" and row["status"] == "confirmed"
    for path in ("/dashboard/quotations", "/dashboard/payments", "/dashboard/sessions/new"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 303 and r.headers["location"] == "/dashboard", path
    # Over the API the write endpoints stay closed (reads: the next test).
    r = await client.patch(f"/api/v1/sessions/{sid}", headers=c["headers"], json={"notes": "x"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "consultant_not_approved"


async def test_the_admin_reviews_an_applicant_and_suspends_with_refunds(client, db):
    conn = await db.connect("owner")
    try:
        cid = await factories.consultant(conn, description="I help founders file GST.", consultancy_sector="Tax",
                                         experience_months=30, first_name="Meera", last_name="Iyer")
        client_id = await factories.client(conn, cid)
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        sid = await factories.session(conn, cid, client_id, starts_at=start)
        await factories.payment(conn, cid, session_id=sid, client_id=client_id)
        await conn.execute("update app.sessions set payment_status = 'paid' where id = $1", sid)
    finally:
        await conn.close()
    await admin_sign_in(client, db)
    page = await client.get(f"/admin/consultants/{cid}", headers=HTML)
    assert page.status_code == 200 and "Their page as prepared" in page.text
    assert "I help founders file GST." in page.text and "Tax" in page.text and "2 years, 6 months" in page.text
    assert 'id="setup-state"' in page.text and "(verified" in page.text and 'id="upcoming-paid-count">1 session' in page.text

    confirm, done = await confirm_and_post(client, f"/admin/consultants/{cid}/suspend",
                                           reason="Fraud report", cancel_upcoming="1")
    assert 'id="upcoming-paid"' in confirm.text and "Cancel this session and refund the client in full" in confirm.text and "₹1,499" in confirm.text
    assert done.status_code == 303 and done.headers["location"].endswith("?done=suspended_cancelled")
    row = await fetch(db, "select status, cancelled_by from app.sessions where id = $1", sid)
    assert (row["status"], row["cancelled_by"]) == ("cancelled", "system")
    refund = await fetch(db, "select r.amount, r.initiated_by from app.payment_refunds r join app.payment_transactions t "
                             "on t.id = r.transaction_id where t.session_id = $1", sid)
    assert (str(refund["amount"]), refund["initiated_by"]) == ("1499.00", "admin")
    after = await client.get(done.headers["location"], headers=HTML)
    assert "their upcoming paid sessions cancelled" in after.text
    # The notice promises no completed refund (issue 19: every one had failed): they are requested, and where
    # their state shows is linked; the list says each one's state.
    notice = after.text.split('id="done"')[1].split("</div>")[0]
    assert "refunded in full." not in notice and "being refunded in full" in notice
    assert "requested from the payment gateway" in notice and 'href="#refunds"' in notice
    assert 'id="refunds"' in after.text and "Requested</span> ₹1,499.00 to" in after.text and "failed</strong>" not in after.text
    # A refund the gateway then refuses shows as failed, with its reason, on the same page.
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.payment_refunds set status = 'failed', failure_reason = 'No captured payment "
                           "with that id.' where initiated_by = 'admin' and consultant_id = $1", cid)
    finally:
        await conn.close()
    later = await client.get(f"/admin/consultants/{cid}", headers=HTML)
    assert "<strong>1 failed</strong>" in later.text and "Failed</span> ₹1,499.00 to" in later.text
    assert "Gateway: No captured payment with that id." in later.text

async def test_over_the_api_a_suspension_signs_out_then_reads_are_open_and_writes_refused(client, db):
    # An outside review suspended a consultant and kept writing: a new page address, a higher price the next
    # client paid, weekly hours. Now the suspension ends every token, a new sign-in reads, and every write to the
    # page, prices or hours is refused with the reason (db/functions/app/suspension.sql).
    from tests.http.helpers import PASSWORD, auth, make_admin, mark_email_verified, signup_consultant

    account = await signup_consultant(client, email="held@example.com")
    cid = account["consultant"]["id"]
    await mark_email_verified(db, uuid.UUID(cid))
    admin = await make_admin(db, client)
    base = f"/api/v1/admin/consultants/{cid}"
    assert (await client.post(f"{base}/approve", headers=auth(admin))).status_code == 200
    old = auth(account["access_token"])
    assert (await client.get("/api/v1/auth/me", headers=old)).status_code == 200
    r = await client.post(f"{base}/suspend", headers=auth(admin), json={"reason": "Chargebacks"})
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/auth/me", headers=old)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token", "signed out everywhere"

    login = await client.post("/api/v1/auth/login", json={"email": "held@example.com", "password": PASSWORD})
    assert login.status_code == 200, login.text
    me = auth(login.json()["access_token"])
    # What the dashboard's pages let them read (sessions, calendar, clients); payments, quotations and figures
    # stay closed, as their pages are.
    for path in ("/api/v1/sessions", "/api/v1/clients", "/api/v1/sessions/calendar?month=2026-12"):
        r = await client.get(path, headers=me)
        assert r.status_code == 200, (path, r.text)
    before = (await client.get("/api/v1/consultants/me", headers=me)).json()
    for method, path, body in (
            ("PATCH", "/api/v1/consultants/me", {"slug": "asha-new"}),
            ("PATCH", "/api/v1/consultants/me", {"personal_session_price": "9999.00"}),
            ("PATCH", "/api/v1/consultants/me", {"description": "changed while suspended"}),
            ("POST", "/api/v1/consultants/me/availability/rules",
             {"weekday": 3, "start_time": "14:00", "end_time": "15:00", "session_type": "personal", "slot_minutes": 60})):
        r = await client.request(method, path, headers=me, json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "consultant_suspended", (path, body, r.text)
        assert "suspended" in r.json()["error"]["message"]
    after = (await client.get("/api/v1/consultants/me", headers=me)).json()
    assert after == before, "nothing changed"
    r = await client.post("/api/v1/sessions", headers=me, json={})
    assert r.status_code in (403, 422)


# Test: pytest tests/http/test_suspension_pages.py
