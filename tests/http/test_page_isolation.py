# tests/http/test_page_isolation.py — generated from the route table: the server-rendered pages keep tenants and roles apart (another consultant's ids are 404, admin pages refuse consultants, the dashboard refuses admins).
"""The pages' counterpart of tests/http/test_isolation.py and test_guards.py. Every route under /dashboard and
/admin is found by walking the app's route table, so a page added later is swept without editing this file;
a new path parameter with no id listed here fails the sweep until one is added."""
from __future__ import annotations

import re
import uuid

import httpx

from app.emails import email_types
from app.openapi import doc_of, iter_routes
from tests.http.helpers import signup_consultant
from tests.http.test_admin_pages import admin_sign_in
from tests.http.test_isolation import tenant_with_everything
from tests.http.test_pages import HTML, sign_in

PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")
PASSWORD = "correct horse battery staple 42"
# Path parameters that name a kind of thing, not a tenant's row (/dashboard/settings/calendar/{provider}/…).
NOT_IDS = {"provider": "google"}
# Routes under /dashboard or /admin that need no signed-in subject, and why.
OPEN = {
    "/dashboard/settings/account/deleted": "shown after an account is deleted, when there is no session any more",
    "/admin/login": "the admin sign-in page itself",
    "/admin/logout": "signing out: clears this browser's cookie, shows nothing",
}
# A form that gets every page action past its own checks (confirmation ticked, a reason, a time), so a
# refusal proves the ownership check and not a missing field.
FORM = {"confirm": "yes", "understood": "yes", "reason": "mine now", "notes": "mine now", "action": "save",
        "when": "adhoc", "start_date": "2027-06-01", "start_time": "10:00", "duration": "60", "amount": "1",
        "name": "Mine Now", "email": "mine@example.com", "quotation_name": "Mine now", "base_amount": "100",
        "discount_percentage": "0", "subject": "x", "html_body": "<p>x</p>", "text_body": "x",
        "subscription_plan": "basic", "confirm_email": "nobody@example.com"}


def page_routes(app, prefix: str) -> list[tuple[str, str, list[str]]]:
    """(method, path, path parameters) of every page route under the prefix, HEAD left out."""
    out = []
    for path, route in iter_routes(app.routes):
        if path != prefix and not path.startswith(prefix + "/"):
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append((method, path, PARAM.findall(path)))
    return out


def concrete(path: str, ids: dict[str, str]) -> str:
    missing = [p for p in PARAM.findall(path) if p not in ids and p not in NOT_IDS]
    assert not missing, f"{path}: no id for {missing}; add one to the fixture of tests/http/test_page_isolation.py"
    return PARAM.sub(lambda m: ids.get(m.group(1)) or NOT_IDS[m.group(1)], path)


def browser(app) -> httpx.AsyncClient:
    """Another browser on the same app: its own cookie jar (the session cookie is one name for both roles)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def request(client, method: str, url: str) -> httpx.Response:
    if method == "POST":
        return await client.post(url, headers=HTML, data={**FORM, "csrf_token": client.cookies.get("nk_csrf", "")})
    return await client.request(method, url, headers=HTML)


async def snapshot(db, consultant_id: str) -> dict[str, str]:
    """A digest of every row of the consultant's: their account and each tenant table's rows (all of app's tables
    with a consultant_id), so any change made through another account shows."""
    conn = await db.connect("owner")
    try:
        tables = await conn.fetch("select c.table_name from information_schema.columns c "
                                  "join information_schema.tables t using (table_schema, table_name) "
                                  "where c.table_schema = 'app' and c.column_name = 'consultant_id' "
                                  "and t.table_type = 'BASE TABLE' order by 1")
        out = {"consultants": await conn.fetchval("select md5(t::text) from app.consultants t where id = $1",
                                                  uuid.UUID(consultant_id))}
        for (table,) in tables:
            out[table] = await conn.fetchval(
                f"select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') "
                f"from app.{table} t where consultant_id = $1", uuid.UUID(consultant_id))
        assert len(out) >= 8, out
        return out
    finally:
        await conn.close()


async def signed_in_consultant(app, client, db) -> tuple[httpx.AsyncClient, dict]:
    """An approved consultant signed in through the login page, in a browser of their own."""
    account = await signup_consultant(client, password=PASSWORD)
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.consultants set approval_status = 'approved', approved_at = now(), published_at = now() where id = $1",
                           uuid.UUID(account["consultant"]["id"]))
    finally:
        await conn.close()
    b = browser(app)
    r = await sign_in(b, account["consultant"]["email"], PASSWORD)
    assert r.status_code == 303 and (await b.get("/dashboard", headers=HTML)).status_code == 200
    return b, account["consultant"]


# Dashboard pages showing a tenant's business data: for approved consultants only (the rest of /dashboard, the
# home page with its approval screen and the settings, is for any signed-in consultant).
APPROVED_PAGES = ("/dashboard/sessions", "/dashboard/clients", "/dashboard/payments", "/dashboard/quotations",
                  "/dashboard/payouts")  # payouts: read-only, suspended consultants read it too


def test_every_page_declares_its_guard_in_its_endpoint(app):
    """One guard for the API and pages (issue 17): a page says who may open it in `endpoint(auth=…)`, which
    enforces it (app.web.guard_page), so no handler checks by hand and none can forget to."""
    wrong = []
    for method, path, _ in page_routes(app, "/dashboard") + page_routes(app, "/admin"):
        if path in OPEN:
            continue
        route = next(r for p, r in iter_routes(app.routes) if p == path)
        level = getattr(doc_of(route), "auth", "undeclared")
        # "readable": approved, or suspended and reading (the lists and details of sessions and clients).
        # The plan's cancel form: a suspended consultant may stop paying for their plan (the outside review).
        wanted = (("readable",) if (method, path) == ("POST", "/dashboard/plan/cancel")
                  else ("approved",) if path.startswith(("/dashboard/payments", "/dashboard/quotations"))
                  else ("approved", "readable") if method == "GET" and path.startswith(APPROVED_PAGES)
                  else ("approved",) if path.startswith(APPROVED_PAGES)
                  else ("consultant", "approved") if path.startswith("/dashboard") else ("admin", "super_admin"))
        if level not in wanted:
            wrong.append((method, path, level))
    assert wrong == [], f"pages whose endpoint(auth=…) does not say who may open them: {wrong}"


async def test_a_plain_admin_gets_a_403_page_from_a_super_admins_page_and_nobody_the_sign_in(client, db, app):
    async with browser(app) as nobody:
        r = await nobody.get("/admin/email-templates")
        assert r.status_code == 303 and r.headers["location"] == "/admin/login?next=/admin/email-templates"
    async with browser(app) as plain:
        await admin_sign_in(plain, db, role="admin")
        r = await plain.get("/admin/email-templates", headers=HTML)
        assert r.status_code == 403 and "<h1>This page is for super admins</h1>" in r.text


async def test_another_consultant_gets_404_on_every_dashboard_page_with_an_id(client, db, app):
    a = await tenant_with_everything(client, db)
    secrets = [*a["ids"].values(), "Priya Shah", "client@example.com"]
    before = await snapshot(db, a["id"])
    b, _ = await signed_in_consultant(app, client, db)
    checked = []
    try:
        for method, path, params in page_routes(app, "/dashboard"):
            if not [p for p in params if p not in NOT_IDS]:
                continue
            url = concrete(path, a["ids"])
            r = await request(b, method, url)
            if r.status_code != 404:
                # A delete that treats "not found" as "already gone" answers as it would for an id that never
                # existed: the same redirect, so the answer says nothing about A's rows.
                random = await request(b, method, concrete(path, {k: str(uuid.uuid4()) for k in a["ids"]}))
                assert method == "POST" and r.status_code == 303 and random.status_code == 303 \
                    and r.headers["location"] == random.headers["location"], \
                    f"{method} {url}: {r.status_code} {r.headers.get('location')} {r.text[:300]}"
            for secret in secrets:
                assert secret not in r.text, f"{method} {url} shows A's {secret}"
            checked.append((method, path))
    finally:
        await b.aclose()
    assert len(checked) >= 30, checked
    assert await snapshot(db, a["id"]) == before


async def test_another_consultants_ids_in_a_form_book_and_quote_nothing(client, db, app):
    """The ids a form carries (a client, a slot) are checked like those in the path: B cannot book A's client or
    A's slot, nor quote A's client, from B's own pages."""
    a = await tenant_with_everything(client, db)
    before = await snapshot(db, a["id"])
    b, b_consultant = await signed_in_consultant(app, client, db)
    when = {"when": "adhoc", "session_type": "personal", "start_date": "2027-08-02", "start_time": "10:00",
            "duration": "60", "payment_status": "pending", "amount": "0"}
    forms = [
        ("/dashboard/sessions/new", {**when, "client_mode": "existing", "client_id": a["ids"]["client_id"]}),
        ("/dashboard/sessions/new", {"when": "slot", "slot_id": a["ids"]["slot_id"], "client_mode": "new",
                                     "client_name": "Mine Now", "client_email": "mine@example.com",
                                     "payment_status": "pending", "amount": "0"}),
        ("/dashboard/quotations/new", {"client_id": a["ids"]["client_id"], "quotation_name": "Mine now",
                                       "base_amount": "100", "discount_percentage": "0"}),
    ]
    try:
        for path, data in forms:
            r = await b.post(path, headers=HTML, data={**data, "csrf_token": b.cookies.get("nk_csrf", "")})
            assert 400 <= r.status_code < 500, f"{path} with {data}: {r.status_code} {r.headers.get('location')}"
            assert "Priya Shah" not in r.text and "client@example.com" not in r.text
    finally:
        await b.aclose()
    assert await snapshot(db, a["id"]) == before
    mine = await snapshot(db, b_consultant["id"])
    assert mine["sessions"].startswith("0:") and mine["quotations"].startswith("0:"), mine


async def test_admin_pages_refuse_a_signed_in_consultant(client, db, app):
    a = await tenant_with_everything(client, db)
    admin = browser(app)
    try:
        await admin_sign_in(admin, db, "super_admin")
    finally:
        await admin.aclose()
    conn = await db.connect("owner")
    try:
        admin_id = str(await conn.fetchval("select id from app.admins order by created_at limit 1"))
        platform = await conn.fetchval("select md5(string_agg(t::text, '|' order by t::text)) from ("
                                       "select 'a', row(x.*)::text from app.admins x union all "
                                       "select 's', row(x.*)::text from app.platform_settings x union all "
                                       "select 'e', row(x.*)::text from app.email_templates x) t")
    finally:
        await conn.close()
    ids = {"consultant_id": a["id"], "admin_id": admin_id, "email_type": email_types()[0],
           "transfer_id": str(uuid.uuid4())}  # any transfer: the consultant is refused before it is looked up
    before = await snapshot(db, a["id"])
    c, _ = await signed_in_consultant(app, client, db)
    checked = []
    try:
        for method, path, _params in page_routes(app, "/admin"):
            if path in OPEN:
                continue
            url = concrete(path, ids)
            r = await request(c, method, url)
            assert r.status_code == 303 and r.headers["location"].startswith("/admin/login?next="), \
                f"{method} {url} as a consultant: {r.status_code} {r.text[:300]}"
            checked.append((method, path))
        # Still signed in as a consultant afterwards: nothing above signed them out or in as someone else.
        assert (await c.get("/dashboard", headers=HTML)).status_code == 200
    finally:
        await c.aclose()
    assert len(checked) >= 20, checked
    assert await snapshot(db, a["id"]) == before
    conn = await db.connect("owner")
    try:
        assert platform == await conn.fetchval(
            "select md5(string_agg(t::text, '|' order by t::text)) from ("
            "select 'a', row(x.*)::text from app.admins x union all "
            "select 's', row(x.*)::text from app.platform_settings x union all "
            "select 'e', row(x.*)::text from app.email_templates x) t")
    finally:
        await conn.close()


async def test_dashboard_pages_refuse_a_signed_in_admin(client, db, app):
    a = await tenant_with_everything(client, db)
    before = await snapshot(db, a["id"])
    admin = browser(app)
    checked = []
    try:
        await admin_sign_in(admin, db, "super_admin")
        for method, path, _params in page_routes(app, "/dashboard"):
            if path in OPEN:
                continue
            url = concrete(path, a["ids"])
            r = await request(admin, method, url)
            assert r.status_code == 303 and r.headers["location"].startswith("/auth/login?next="), \
                f"{method} {url} as an admin: {r.status_code} {r.text[:300]}"
            checked.append((method, path))
        # The admin's own session still works: refused, not signed out.
        assert (await admin.get("/admin", headers=HTML)).status_code == 200
    finally:
        await admin.aclose()
    assert len(checked) >= 50, checked
    assert await snapshot(db, a["id"]) == before

# Test: pytest tests/http/test_page_isolation.py
