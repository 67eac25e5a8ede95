# tests/http/test_admin_pages.py — the admin pages over HTTP: sign-in and out, role separation, the consultants list, each approval action behind its confirmation, subscriptions, the admins list for super admins.
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.http.helpers import make_admin, mark_email_verified, signup_consultant
from tests.http.test_pages import HTML, csrf_of, form, sign_in

ADMIN_PASSWORD = "admin password 2026!"


async def admin_sign_in(client, db, role: str = "admin", email: str | None = None, **extra):
    """An admin with a known password, signed in through /admin/login; returns the email."""
    email = email or f"admin{uuid.uuid4().hex[:8]}@example.com"
    await make_admin(db, client, role=role, email=email, password=ADMIN_PASSWORD)
    token = await form(client, "/admin/login")
    r = await client.post("/admin/login", headers=HTML,
                          data={"csrf_token": token, "email": email, "password": ADMIN_PASSWORD, **extra})
    assert r.status_code == 303, r.text
    return email


async def owner_fetch(db, sql: str, *args):
    conn = await db.connect("owner")
    try:
        return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


async def consultant_row(db, consultant_id) -> dict:
    return dict(await owner_fetch(db, "select approval_status, rejection_reason, approved_by, subscription_plan, "
                                      "subscription_expires_at from app.consultants where id = $1",
                                  uuid.UUID(str(consultant_id))))


async def set_status(db, consultant_id, status: str) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.consultants set approval_status = $2, approved_at = now() where id = $1",
                           uuid.UUID(str(consultant_id)), status)
    finally:
        await conn.close()


async def new_consultant(client, **kwargs) -> dict:
    return (await signup_consultant(client, **kwargs))["consultant"]


async def confirm_and_post(client, path: str, **data):
    """The confirmation page, then its form posted (with the page's CSRF token)."""
    page = await client.get(path, headers=HTML)
    assert page.status_code == 200, page.text
    return page, await client.post(path, headers=HTML, data={"csrf_token": csrf_of(page.text), **data})


# --- sign in and out, role separation ---------------------------------------------------------------------------

async def test_admin_signs_in_to_a_safe_next_and_signs_out(client, db):
    email = f"admin{uuid.uuid4().hex[:8]}@example.com"
    await make_admin(db, client, email=email, password=ADMIN_PASSWORD)
    assert (await client.get("/admin", headers=HTML)).headers["location"] == "/admin/login?next=/admin"
    page = await client.get("/admin/login?next=/admin/admins", headers=HTML)
    assert page.status_code == 200 and "Admin sign in" in page.text and 'value="/admin/admins"' in page.text
    token = csrf_of(page.text)
    wrong = await client.post("/admin/login", headers=HTML,
                              data={"csrf_token": token, "email": email, "password": "not my password at all"})
    assert wrong.status_code == 401 and "Wrong email or password." in wrong.text
    assert "not my password at all" not in wrong.text and f'value="{email}"' in wrong.text
    for evil in ("https://evil.example/", "//evil.example/x"):
        r = await client.post("/admin/login", headers=HTML,
                              data={"csrf_token": token, "email": email, "password": ADMIN_PASSWORD, "next": evil})
        assert r.status_code == 303 and r.headers["location"] == "/admin", evil
    r = await client.post("/admin/login", headers=HTML,
                          data={"csrf_token": token, "email": email, "password": ADMIN_PASSWORD, "next": "/admin?q=x"})
    assert r.headers["location"] == "/admin?q=x"
    assert "nk_session=" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
    home = await client.get("/admin", headers=HTML)
    assert home.status_code == 200 and "<h1>Consultants</h1>" in home.text and 'action="/admin/logout"' in home.text
    # Signed in, the sign-in page moves on.
    assert (await client.get("/admin/login", headers=HTML)).headers["location"] == "/admin"
    # Signing out needs the form's token; then the session's family is revoked and the pages closed.
    assert (await client.post("/admin/logout", headers=HTML, data={"csrf_token": "x" * 32})).status_code == 403
    assert (await client.get("/admin", headers=HTML)).status_code == 200
    out = await client.post("/admin/logout", headers=HTML, data={"csrf_token": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/admin/login?signed_out=1"
    assert (await client.get("/admin", headers=HTML)).status_code == 303
    revoked = await owner_fetch(db, "select count(*) filter (where f.revoked_at is not null) as n "
                                    "from app.refresh_token_families f join app.admins a on a.id = f.admin_id "
                                    "where a.email = $1", email)
    assert revoked["n"] == 1  # this browser's family only (the API's and the other logins' stay)
    page = await client.get("/admin/login?signed_out=1", headers=HTML)
    assert "You are signed out" in page.text


async def test_a_consultant_cannot_open_admin_pages_nor_an_admin_the_dashboard(client, db):
    password = "correct horse battery staple 42"
    c = await new_consultant(client, password=password)
    assert (await sign_in(client, c["email"], password)).status_code == 303
    assert (await client.get("/dashboard", headers=HTML)).status_code == 200
    for path in ("/admin", f"/admin/consultants/{c['id']}", f"/admin/consultants/{c['id']}/approve", "/admin/admins"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/login?next="), path
    # Not even by posting an action with a valid CSRF token.
    token = csrf_of((await client.get("/admin/login", headers=HTML)).text)
    r = await client.post(f"/admin/consultants/{c['id']}/approve", headers=HTML, data={"csrf_token": token})
    assert r.status_code == 303 and (await consultant_row(db, c["id"]))["approval_status"] == "pending"
    # A consultant's password does not open the admin pages either.
    r = await client.post("/admin/login", headers=HTML, data={"csrf_token": token, "email": c["email"],
                                                              "password": password})
    assert r.status_code == 401
    client.cookies.clear()
    await admin_sign_in(client, db)
    r = await client.get("/dashboard", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/auth/login?next=/dashboard"


# --- the consultants list and detail ----------------------------------------------------------------------------

async def test_the_list_puts_pending_first_with_counts_filters_search_and_empty_states(client, db):
    first = await new_consultant(client, first_name="Anita", last_name="Rao")
    approved = await new_consultant(client, first_name="Bharat", last_name="Shah")
    second = await new_consultant(client, first_name="Chitra", last_name="Nair")
    await set_status(db, approved["id"], "approved")
    await admin_sign_in(client, db)
    page = (await client.get("/admin", headers=HTML)).text
    assert page.index("Anita Rao") < page.index("Chitra Nair") < page.index("Bharat Shah")
    assert 'Pending <span class="count">2</span>' in page and 'All <span class="count">3</span>' in page
    assert "2 applications are waiting for review" in page
    assert f'href="/admin/consultants/{first["id"]}"' in page and "Pending review" in page
    only = (await client.get("/admin?status=approved", headers=HTML)).text
    assert "Bharat Shah" in only and "Anita Rao" not in only and "Approved consultants" in only
    found = (await client.get("/admin", params={"q": second["email"]}, headers=HTML)).text
    assert "Chitra Nair" in found and "Anita Rao" not in found and "Showing 1–1 of 1." in found
    none = await client.get("/admin", params={"q": "nobody-like-this"}, headers=HTML)
    assert none.status_code == 200 and "No consultant matches “nobody-like-this”" in none.text
    assert "No consultant matches “zz” among the pending ones" in (
        await client.get("/admin?status=pending&q=zz", headers=HTML)).text
    assert "No suspended consultants." in (await client.get("/admin?status=suspended", headers=HTML)).text
    paged = (await client.get("/admin?per_page=1&page=2", headers=HTML)).text
    assert "Chitra Nair" in paged and "Page 2 of 3" in paged and 'href="/admin?per_page=1"' in paged
    bad = await client.get("/admin?status=everyone", headers=HTML)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")


async def test_the_detail_page_shows_the_account_and_unknown_ids_are_404(client, db):
    c = await new_consultant(client, first_name="Deepa", last_name="Menon", phone_number="9876543210")
    await admin_sign_in(client, db)
    page = await client.get(f"/admin/consultants/{c['id']}", headers=HTML)
    assert page.status_code == 200
    for text in ("Deepa Menon", c["email"], "+91 98765 43210", "Email not verified", "Pending review", "IST",
                 f'href="/admin/consultants/{c["id"]}/reject"',
                 "No admin has acted on this account yet.", "₹1,499.00 a month"):
        assert text in page.text, text
    assert "/suspend" not in page.text and "/reactivate" not in page.text
    missing = await client.get(f"/admin/consultants/{uuid.uuid4()}", headers=HTML)
    assert missing.status_code == 404 and "No such consultant." in missing.text


# --- approval actions ------------------------------------------------------------------------------------------

async def test_an_unverified_consultant_is_not_offered_approval_and_the_page_says_why(client, db):
    c = await new_consultant(client, first_name="Hema", last_name="Iyer")
    await admin_sign_in(client, db)
    path = f"/admin/consultants/{c['id']}/approve"
    detail = (await client.get(f"/admin/consultants/{c['id']}", headers=HTML)).text
    assert "Email not verified" in detail and f'href="{path}"' not in detail
    assert "You can approve them once they have." in detail and f'{c["id"]}/reject"' in detail
    page = await client.get(path, headers=HTML)
    assert page.status_code == 200 and "Yes, approve" not in page.text
    assert "has not confirmed their email address yet" in page.text
    # A post all the same (a stale tab, a forged form with this browser's token): the database refuses.
    r = await client.post(path, headers=HTML, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 409 and "has not confirmed their email address yet" in r.text
    assert (await consultant_row(db, c["id"]))["approval_status"] == "pending"
    await mark_email_verified(db, c["id"])
    detail = (await client.get(f"/admin/consultants/{c['id']}", headers=HTML)).text
    assert "Email verified" in detail and f'href="{path}"' in detail


async def test_approving_goes_through_a_confirmation_and_twice_is_a_clear_error(client, db):
    c = await new_consultant(client, first_name="Esha", last_name="Kapoor")
    await mark_email_verified(db, c["id"])
    await admin_sign_in(client, db)
    path = f"/admin/consultants/{c['id']}/approve"
    page, done = await confirm_and_post(client, path)
    assert "Approve Esha Kapoor?" in page.text and "Yes, approve" in page.text
    assert done.status_code == 303 and done.headers["location"] == f"/admin/consultants/{c['id']}?done=approved"
    row = await consultant_row(db, c["id"])
    assert row["approval_status"] == "approved" and row["approved_by"] is not None
    detail = (await client.get(done.headers["location"], headers=HTML)).text
    assert 'role="status"' in detail and "Approved.</strong>" in detail and "by You" in detail
    # Approval does not publish: the page is not public until the consultant publishes it.
    assert f'href="/{c["slug"]}"' not in detail and "not public: not published yet" in detail
    assert f'{c["id"]}/suspend' in detail
    # Approving again: the database refuses, the page says so and nothing changes.
    again = await client.post(path, headers=HTML, data={"csrf_token": csrf_of(detail)})
    assert again.status_code == 409 and "This could not be done." in again.text
    assert "cannot be approved" in again.text and 'role="alert"' in again.text
    assert (await consultant_row(db, c["id"]))["approval_status"] == "approved"


async def test_an_action_posted_without_the_csrf_token_is_refused_and_does_nothing(client, db):
    c = await new_consultant(client)
    await admin_sign_in(client, db)
    await client.get(f"/admin/consultants/{c['id']}/approve", headers=HTML)  # this browser has a CSRF cookie
    for data in ({}, {"csrf_token": ""}, {"csrf_token": "forged-token-forged-token"}):
        r = await client.post(f"/admin/consultants/{c['id']}/approve", headers=HTML, data=data)
        assert r.status_code == 403 and "did not come from this site" in r.text
    assert (await consultant_row(db, c["id"]))["approval_status"] == "pending"


async def test_rejecting_needs_a_reason_and_then_records_it(client, db):
    c = await new_consultant(client, first_name="Farah", last_name="Khan")
    await mark_email_verified(db, c["id"])
    await admin_sign_in(client, db)
    path = f"/admin/consultants/{c['id']}/reject"
    page = await client.get(path, headers=HTML)
    assert "Reject Farah Khan’s application?" in page.text and 'id="reason"' in page.text
    token = csrf_of(page.text)
    for reason in ("", "   "):  # the schema refuses an empty one, the database a blank one
        r = await client.post(path, headers=HTML, data={"csrf_token": token, "reason": reason})
        assert r.status_code == 422 and 'role="alert"' in r.text and 'aria-invalid="true"' in r.text, reason
        assert "Reject application" in r.text  # the form again, not an error page
    assert (await consultant_row(db, c["id"]))["approval_status"] == "pending"
    r = await client.post(path, headers=HTML, data={"csrf_token": token, "reason": "Profile incomplete"})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=rejected")
    row = await consultant_row(db, c["id"])
    assert row["approval_status"] == "rejected" and row["rejection_reason"] == "Profile incomplete"
    detail = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Rejected.</strong>" in detail and "Profile incomplete" in detail
    assert f'{c["id"]}/approve' in detail  # a rejected consultant may be approved on review


async def test_suspending_with_a_reason_and_reactivating(client, db):
    c = await new_consultant(client, first_name="Gita", last_name="Das")
    await set_status(db, c["id"], "approved")
    await admin_sign_in(client, db)
    base = f"/admin/consultants/{c['id']}"
    page = await client.get(base + "/suspend", headers=HTML)
    r = await client.post(base + "/suspend", headers=HTML, data={"csrf_token": csrf_of(page.text), "reason": ""})
    assert r.status_code == 422 and "Write the reason before you suspend: Gita is told it." in r.text
    _, r = await confirm_and_post(client, base + "/suspend", reason="Complaints from clients")
    assert r.status_code == 303 and r.headers["location"] == base + "?done=suspended"
    row = await consultant_row(db, c["id"])
    assert row["approval_status"] == "suspended" and row["rejection_reason"] == "Complaints from clients"
    detail = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Suspended.</strong>" in detail and "Suspended because" in detail and base + "/reactivate" in detail
    page, r = await confirm_and_post(client, base + "/reactivate")
    assert "Reactivate Gita Das?" in page.text
    assert r.status_code == 303 and r.headers["location"] == base + "?done=reactivated"
    row = await consultant_row(db, c["id"])
    assert row["approval_status"] == "approved" and row["rejection_reason"] is None
    detail = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Reactivated.</strong>" in detail and "Suspended" in detail  # the history keeps the suspension


# --- subscription ---------------------------------------------------------------------------------------------

async def test_setting_the_plan_and_expiry_goes_through_a_confirmation(client, db):
    c = await new_consultant(client, first_name="Hema", last_name="Pillai")
    await admin_sign_in(client, db)
    base = f"/admin/consultants/{c['id']}"
    detail = (await client.get(base, headers=HTML)).text
    assert 'name="plan"' in detail and 'name="expires_on"' in detail and 'type="date"' in detail
    confirm = await client.get(base + "/subscription", params={"plan": "pro", "expires_on": "2027-03-31"},
                               headers=HTML)
    assert confirm.status_code == 200 and "Change Hema Pillai’s subscription?" in confirm.text
    assert "Pro" in confirm.text and "₹1,499.00 a month" in confirm.text
    assert "Wed, 31 Mar 2027, 11:59 PM IST" in confirm.text
    r = await client.post(base + "/subscription", headers=HTML,
                          data={"csrf_token": csrf_of(confirm.text), "plan": "pro", "expires_on": "2027-03-31"})
    assert r.status_code == 303 and r.headers["location"] == base + "?done=subscription"
    row = await consultant_row(db, c["id"])
    assert row["subscription_plan"] == "pro"
    assert row["subscription_expires_at"] == datetime(2027, 3, 31, 18, 29, 59, tzinfo=UTC)
    done = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Subscription saved.</strong> Pro, valid until Wed, 31 Mar 2027, 11:59 PM IST" in done
    assert "Subscription changed" in done and 'value="2027-03-31"' in done
    # No date is no expiry; a date in the past is said before saving.
    past = await client.get(base + "/subscription", params={"plan": "basic", "expires_on": "2020-01-01"},
                            headers=HTML)
    assert "That date has passed" in past.text
    r = await client.post(base + "/subscription", headers=HTML,
                          data={"csrf_token": csrf_of(done), "plan": "basic", "expires_on": ""})
    assert r.status_code == 303
    row = await consultant_row(db, c["id"])
    assert row["subscription_plan"] == "basic" and row["subscription_expires_at"] is None


async def test_a_bad_plan_or_date_shows_the_form_again_with_the_error(client, db):
    c = await new_consultant(client)
    await admin_sign_in(client, db)
    base = f"/admin/consultants/{c['id']}"
    bad_date = await client.get(base + "/subscription", params={"plan": "pro", "expires_on": "31-31-2027"},
                                headers=HTML)
    assert bad_date.status_code == 422 and 'role="alert"' in bad_date.text and "Expiry: enter a date" in bad_date.text
    assert 'id="expires_on" name="expires_on" type="date" value="31-31-2027" aria-invalid="true"' in bad_date.text
    unknown = await client.post(base + "/subscription", headers=HTML,
                                data={"csrf_token": csrf_of(bad_date.text), "plan": "platinum", "expires_on": ""})
    assert unknown.status_code == 422 and "No such plan." in unknown.text
    assert (await consultant_row(db, c["id"]))["subscription_plan"] == "free"


async def test_signing_up_counts_as_the_first_sign_in(client, db):
    """Sign-up signs the consultant in, so the admin reviewing them sees that sign-in, not "Never"."""
    before = datetime.now(UTC)
    token = await form(client, "/auth/signup")
    r = await client.post("/auth/signup", headers=HTML, data={
        "csrf_token": token, "email": "nisha@example.com", "password": "correct horse battery staple 42",
        "first_name": "Nisha", "last_name": "Rao", "phone_country_code": "+91", "phone_number": "9876543210"})
    assert r.status_code == 303
    api = await signup_consultant(client)  # the API's sign-up signs in the same way
    conn = await db.connect("owner")
    try:
        rows = await conn.fetch("select id, last_login_at from app.consultants where email in ($1, $2)",
                                "nisha@example.com", api["consultant"]["email"])
    finally:
        await conn.close()
    assert len(rows) == 2 and all(row["last_login_at"] and row["last_login_at"] >= before for row in rows)
    client.cookies.clear()
    await admin_sign_in(client, db)
    page = (await client.get(f"/admin/consultants/{rows[0]['id']}", headers=HTML)).text
    last = page.split("<dt>Last sign-in</dt>")[1].split("</dd>")[0]
    assert "Never" not in last and str(datetime.now(UTC).year) in last


# --- admins ---------------------------------------------------------------------------------------------------

async def test_a_plain_admin_is_refused_the_admins_pages(client, db):
    other = await make_admin(db, client, email="other.admin@example.com")
    assert other
    await admin_sign_in(client, db, role="admin")
    home = await client.get("/admin", headers=HTML)
    assert 'href="/admin/admins"' not in home.text
    for path in ("/admin/admins", f"/admin/admins/{uuid.uuid4()}/deactivate"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 403 and "<h1>Only super admins manage admins</h1>" in r.text, path
    # Every refused page names what it refuses in its heading, and says what this admin can do instead.
    for path, heading in (("/admin/settings", "Only super admins change platform settings"),
                          ("/admin/email-templates", "This page is for super admins")):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 403 and f"<h1>{heading}</h1>" in r.text, path
        assert "manage admins" not in r.text and "an admin. Only a super admin adds or deactivates admins" in r.text
        assert "An admin approves, rejects, suspends and reactivates consultants" in r.text
    r = await client.post("/admin/admins", headers=HTML, data={
        "csrf_token": csrf_of(home.text), "name": "Sneaky", "email": "sneaky@example.com",
        "password": "a long and unusual passphrase 2026", "role": "super_admin"})
    assert r.status_code == 403
    assert await owner_fetch(db, "select 1 from app.admins where email = 'sneaky@example.com'") is None


async def test_a_super_admin_adds_and_deactivates_admins(client, db):
    me = await admin_sign_in(client, db, role="super_admin")
    page = await client.get("/admin/admins", headers=HTML)
    assert page.status_code == 200 and me in page.text and "You are the only admin so far" in page.text
    assert 'href="/admin/admins"' in page.text  # in the navigation for super admins
    token = csrf_of(page.text)
    weak = await client.post("/admin/admins", headers=HTML, data={
        "csrf_token": token, "name": "Isha Rao", "email": "isha@example.com", "password": "password", "role": "admin"})
    assert weak.status_code == 422 and 'value="isha@example.com"' in weak.text and 'value="password"' not in weak.text
    r = await client.post("/admin/admins", headers=HTML, data={
        "csrf_token": token, "name": "Isha Rao", "email": "isha@example.com",
        "password": "a long and unusual passphrase 2026", "role": "admin"})
    assert r.status_code == 303 and r.headers["location"] == "/admin/admins?done=created"
    row = await owner_fetch(db, "select id, role, is_active from app.admins where email = 'isha@example.com'")
    assert row["role"] == "admin" and row["is_active"]
    listed = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Admin added.</strong>" in listed and "Isha Rao" in listed
    assert f'/admin/admins/{row["id"]}/deactivate' in listed
    again = await client.post("/admin/admins", headers=HTML, data={
        "csrf_token": token, "name": "Isha Again", "email": "isha@example.com",
        "password": "another long passphrase 2027", "role": "admin"})
    assert again.status_code == 409 and "An admin with this email already exists." in again.text
    page, r = await confirm_and_post(client, f"/admin/admins/{row['id']}/deactivate")
    assert "Deactivate Isha Rao?" in page.text and "Deactivate admin" in page.text
    assert r.status_code == 303 and r.headers["location"] == "/admin/admins?done=deactivated"
    assert not (await owner_fetch(db, "select is_active from app.admins where id = $1", row["id"]))["is_active"]
    listed = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Admin deactivated.</strong>" in listed and "Deactivated" in listed
    # Yourself: no link, and the database refuses it anyway.
    my_id = (await owner_fetch(db, "select id from app.admins where email = $1", me))["id"]
    assert f"/admin/admins/{my_id}/deactivate" not in listed
    r = await client.post(f"/admin/admins/{my_id}/deactivate", headers=HTML, data={"csrf_token": token})
    assert r.status_code == 409 and "You cannot deactivate yourself." in r.text


async def test_a_new_admin_signs_in_with_the_password_set_for_them(client, db):
    await admin_sign_in(client, db, role="super_admin")
    token = await form(client, "/admin/admins")
    r = await client.post("/admin/admins", headers=HTML, data={
        "csrf_token": token, "name": "Jaya Sen", "email": "Jaya@Example.com",
        "password": "a long and unusual passphrase 2026", "role": "super_admin"})
    assert r.status_code == 303
    client.cookies.clear()
    token = await form(client, "/admin/login")
    r = await client.post("/admin/login", headers=HTML, data={
        "csrf_token": token, "email": "jaya@example.com", "password": "a long and unusual passphrase 2026"})
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    assert (await client.get("/admin/admins", headers=HTML)).status_code == 200

# Test: pytest tests/http/test_admin_pages.py
