# tests/http/test_admin_api.py — admins over HTTP: their own auth, role separation, the consultants list, approval, subscriptions, the admins list.
from __future__ import annotations

import asyncio
import os
import re
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.endpoints import endpoint
from app.openapi import iter_routes
from app.passwords import hash_password
from app.sql import _init_connection
from tests.db import factories
from tests.http.helpers import auth, make_admin, mark_email_verified, signup_consultant

ADMIN_PASSWORD = "admin password 2026!"
CONSULTANTS = "/api/v1/admin/consultants"


async def owner(db) -> asyncpg.Connection:
    conn = await db.connect("owner")
    await _init_connection(conn)
    return conn


async def create_admin_row(db, email: str, role: str = "admin", password: str = ADMIN_PASSWORD) -> uuid.UUID:
    conn = await asyncpg.connect(db.admin_url)
    try:
        return await conn.fetchval("select api.create_admin($1, 'Test Admin', $2, $3)", email,
                                   hash_password(password, os.environ["PASSWORD_PEPPER"]), role)
    finally:
        await conn.close()


async def admin_login(client, email: str, password: str = ADMIN_PASSWORD):
    return await client.post("/api/v1/admin/auth/login", json={"email": email, "password": password})


async def admin_id_of(client, token: str) -> uuid.UUID:
    r = await client.get("/api/v1/admin/auth/me", headers=auth(token))
    assert r.status_code == 200, r.text
    return uuid.UUID(r.json()["admin"]["id"])


async def audit_rows(db, target_id) -> list[dict]:
    conn = await owner(db)
    try:
        rows = await conn.fetch("select admin_id, db_user, actor_label, action, target_type, details "
                                "from app.admin_audit_log where target_id = $1 order by id", target_id)
        return [dict(r) for r in rows]
    finally:
        await conn.close()


async def email_types(db, consultant_id) -> list[tuple[str, str]]:
    conn = await owner(db)
    try:
        rows = await conn.fetch("select email_type, recipient_email::text from app.email_logs "
                                "where consultant_id = $1 and email_type like 'account_%' order by queued_at, id",
                                consultant_id)
        return [(r[0], r[1]) for r in rows]
    finally:
        await conn.close()


def error_code(r) -> str:
    return r.json()["error"]["code"]


# --- admin auth ----------------------------------------------------------------------------------------------

async def test_admin_login_refresh_logout_and_me(client, db):
    admin_id = await create_admin_row(db, "boss@example.com", "super_admin")
    wrong = await admin_login(client, "boss@example.com", "not the password at all")
    unknown = await admin_login(client, "nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert error_code(wrong) == "invalid_credentials"

    r = await admin_login(client, "  BOSS@example.com ")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    assert body["admin"]["id"] == str(admin_id) and body["admin"]["role"] == "super_admin"
    assert "password_hash" not in r.text

    me = await client.get("/api/v1/admin/auth/me", headers=auth(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["admin"]["email"] == "boss@example.com"
    assert me.json()["admin"]["last_login_at"] is not None

    rotated = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["refresh_token"] != body["refresh_token"] and new["admin"]["id"] == str(admin_id)
    assert (await client.get("/api/v1/admin/auth/me", headers=auth(new["access_token"]))).status_code == 200
    # The old refresh token is spent: presenting it again ends the family, so the new one dies too.
    reused = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert reused.status_code == 401 and error_code(reused) == "invalid_refresh_token"
    assert (await client.post("/api/v1/admin/auth/refresh",
                              json={"refresh_token": new["refresh_token"]})).status_code == 401

    # Logout ends a fresh login's family.
    again = (await admin_login(client, "boss@example.com")).json()
    out = await client.post("/api/v1/admin/auth/logout", json={"refresh_token": again["refresh_token"]})
    assert out.status_code == 204
    assert (await client.post("/api/v1/admin/auth/refresh",
                              json={"refresh_token": again["refresh_token"]})).status_code == 401


async def test_admin_and_consultant_refresh_tokens_do_not_cross(client, db):
    await create_admin_row(db, "ops@example.com")
    admin = (await admin_login(client, "ops@example.com")).json()
    consultant = await signup_consultant(client)

    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": admin["refresh_token"]})
    assert r.status_code == 401 and error_code(r) == "invalid_refresh_token"
    r = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": consultant["refresh_token"]})
    assert r.status_code == 401 and error_code(r) == "invalid_refresh_token"
    # Logging out on the wrong side ends nothing either.
    assert (await client.post("/api/v1/admin/auth/logout",
                              json={"refresh_token": consultant["refresh_token"]})).status_code == 204
    assert (await client.post("/api/v1/auth/logout", json={"refresh_token": admin["refresh_token"]})).status_code == 204

    # The refused attempts spent nothing: each token still works on its own side.
    r = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": admin["refresh_token"]})
    assert r.status_code == 200 and "admin" in r.json() and not r.json().get("consultant")
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": consultant["refresh_token"]})
    assert r.status_code == 200 and r.json()["consultant"]["id"] == consultant["consultant"]["id"]


def admin_routes(app) -> list[tuple[str, str]]:
    """Every guarded admin route (all of /api/v1/admin/* but login, refresh and logout), with concrete ids."""
    out = []
    for path, route in iter_routes(app.routes):
        guarded = path.startswith("/api/v1/admin/") and not path.startswith("/api/v1/admin/auth/")
        if guarded or path == "/api/v1/admin/auth/me":
            for method in sorted((route.methods or set()) - {"HEAD"}):
                out.append((method, re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)))
    return out


async def test_tokens_only_open_their_own_side(client, app, db):
    consultant = await signup_consultant(client)
    conn = await owner(db)
    try:  # even an approved consultant is no admin
        await conn.execute("update app.consultants set approval_status = 'approved', approved_at = now(), published_at = now() where id = $1",
                           uuid.UUID(consultant["consultant"]["id"]))
    finally:
        await conn.close()
    admin = await make_admin(db, client, "super_admin")
    routes = admin_routes(app)
    assert len(routes) >= 10
    for method, path in routes:
        kwargs = {"json": {"reason": "x", "plan": "pro", "expires_at": None}} if method in ("POST", "PATCH") else {}
        r = await client.request(method, path, headers=auth(consultant["access_token"]), **kwargs)
        assert r.status_code == 403, (method, path, r.status_code)
        assert error_code(r) == "forbidden"
        r = await client.request(method, path, **kwargs)
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.headers["www-authenticate"].startswith("Bearer")
    for method, path in (("GET", "/api/v1/consultants/me"), ("GET", "/api/v1/auth/me"),
                         ("POST", "/api/v1/consultants/me/export")):
        r = await client.request(method, path, headers=auth(admin), json={"current_password": ADMIN_PASSWORD})
        assert r.status_code == 403 and error_code(r) == "forbidden", path
        assert (await client.request(method, path)).status_code == 401
    r = await client.patch("/api/v1/consultants/me", headers=auth(admin), json={"first_name": "Admin"})
    assert r.status_code == 403


# --- the consultants list ----------------------------------------------------------------------------------

async def seed_states(db) -> dict[str, uuid.UUID]:
    """Consultants in every state, with known creation times (pending ones out of order)."""
    conn = await owner(db)
    now = datetime.now(UTC)
    try:
        ids = {
            "pending_new": await factories.consultant(conn, approved=False, created_at=now - timedelta(hours=1)),
            "pending_old": await factories.consultant(conn, approved=False, created_at=now - timedelta(days=3)),
            "approved_old": await factories.consultant(conn, created_at=now - timedelta(days=10)),
            "approved_new": await factories.consultant(conn, created_at=now - timedelta(minutes=5)),
            "rejected": await factories.consultant(conn, approved=False, approval_status="rejected",
                                                   rejection_reason="incomplete", created_at=now - timedelta(days=2)),
            "suspended": await factories.consultant(conn, approval_status="suspended", created_at=now - timedelta(days=5)),
        }
        # A deleted (anonymised) account is not listed at all.
        await factories.consultant(conn, approved=False, deleted_at=now)
        return ids
    finally:
        await conn.close()


async def test_consultants_are_listed_pending_first_with_counts_and_a_status_filter(client, db):
    ids = await seed_states(db)
    token = await make_admin(db, client)
    r = await client.get(CONSULTANTS, headers=auth(token))
    assert r.status_code == 200, r.text
    body = r.json()
    order = [uuid.UUID(i["id"]) for i in body["items"]]
    # Pending first, oldest waiting at the top; then everyone else newest first.
    assert order == [ids["pending_old"], ids["pending_new"], ids["approved_new"], ids["rejected"],
                     ids["suspended"], ids["approved_old"]]
    assert body["counts"] == {"pending": 2, "approved": 2, "rejected": 1, "suspended": 1}
    assert body["total"] == 6 and body["page"] == 1
    first = body["items"][0]
    assert "is_email_verified" in first and first["approval_status"] == "pending"
    assert not {"password_hash", "bank_account_number_encrypted", "ifsc_code_encrypted"} & set(first)

    r = await client.get(CONSULTANTS, params={"status": "approved"}, headers=auth(token))
    assert [uuid.UUID(i["id"]) for i in r.json()["items"]] == [ids["approved_new"], ids["approved_old"]]
    assert r.json()["total"] == 2
    # The counts describe the whole (searched) population, not the filtered page.
    assert r.json()["counts"] == body["counts"]
    r = await client.get(CONSULTANTS, params={"status": "suspended"}, headers=auth(token))
    assert [uuid.UUID(i["id"]) for i in r.json()["items"]] == [ids["suspended"]]

    for bad in ({"status": "deleted"}, {"page": "0"}, {"per_page": "0"}, {"per_page": "101"}, {"page": "x"}):
        r = await client.get(CONSULTANTS, params=bad, headers=auth(token))
        assert r.status_code == 422, bad
    # A parameter the operation does not name is ignored, as across the API (docs/api.md, Paging).
    assert (await client.get(CONSULTANTS, params={"sort": "name"}, headers=auth(token))).status_code == 200


async def test_search_matches_name_email_or_slug_and_wildcards_literally(client, db):
    conn = await owner(db)
    try:
        ravi = await factories.consultant(conn, first_name="Ravi", last_name="Kumar", email="ravi_k@example.com",
                                          slug="ravi-coach")
        decoy = await factories.consultant(conn, first_name="Meera", last_name="Nair", email="ravixk@example.com",
                                           slug="meera-nair")
        pct = await factories.consultant(conn, first_name="Hundred", last_name="Percent", email="top%dog@example.com",
                                         slug="top-dog")
        other = await factories.consultant(conn, first_name="Zara", last_name="Shah", email="zara@example.com",
                                           slug="zara-talks")
    finally:
        await conn.close()
    token = await make_admin(db, client)

    async def search(q: str, **params) -> set[uuid.UUID]:
        r = await client.get(CONSULTANTS, params={"q": q, **params}, headers=auth(token))
        assert r.status_code == 200, r.text
        items = {uuid.UUID(i["id"]) for i in r.json()["items"]}
        assert r.json()["total"] == len(items)
        return items

    assert await search("ravi kumar") == {ravi}           # full name
    assert await search("KUMAR") == {ravi}                # case-insensitive
    assert await search("zara@example") == {other}        # email
    assert await search("talks") == {other}               # slug
    assert await search("ravi") == {ravi, decoy}          # both emails start with ravi
    # % and _ are characters to find, not wildcards.
    assert await search("ravi_k") == {ravi}
    assert await search("%") == {pct}
    assert await search("_") == {ravi}
    assert await search("\\") == set()
    assert await search("  ") == {ravi, decoy, pct, other}  # blank means no search
    assert await search("ravi", status="approved") == {ravi, decoy}
    r = await client.get(CONSULTANTS, params={"q": "zara"}, headers=auth(token))
    assert r.json()["counts"] == {"pending": 0, "approved": 1, "rejected": 0, "suspended": 0}


async def test_paging_walks_every_consultant_once(client, db):
    conn = await owner(db)
    now = datetime.now(UTC)
    try:
        created = {await factories.consultant(conn, created_at=now - timedelta(minutes=i)) for i in range(23)}
    finally:
        await conn.close()
    token = await make_admin(db, client)
    seen: list[uuid.UUID] = []
    for page in (1, 2, 3):
        r = await client.get(CONSULTANTS, params={"page": page, "per_page": 10}, headers=auth(token))
        body = r.json()
        assert body["total"] == 23 and body["page"] == page and body["per_page"] == 10
        assert len(body["items"]) == (10 if page < 3 else 3)
        seen += [uuid.UUID(i["id"]) for i in body["items"]]
    assert len(seen) == len(set(seen)) == 23 and set(seen) == created
    r = await client.get(CONSULTANTS, params={"page": 4, "per_page": 10}, headers=auth(token))
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 23
    # The default page size is 25.
    r = await client.get(CONSULTANTS, headers=auth(token))
    assert len(r.json()["items"]) == 23 and r.json()["per_page"] == 25


async def test_one_consultant_or_404(client, db):
    account = await signup_consultant(client, first_name="Kavya", last_name="Rao")
    token = await make_admin(db, client)
    cid = account["consultant"]["id"]
    r = await client.get(f"{CONSULTANTS}/{cid}", headers=auth(token))
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == cid and body["first_name"] == "Kavya" and body["approval_status"] == "pending"
    assert body["is_email_verified"] is False and body["audit"] == []
    assert "password_hash" not in r.text and "bank_account" not in r.text and "ifsc" not in r.text
    # Whether bank details are set is a step of the setup checklist; the details themselves never leave.
    assert {s["item"]: s["done"] for s in body["setup"]}["bank"] is False

    r = await client.get(f"{CONSULTANTS}/{uuid.uuid4()}", headers=auth(token))
    assert r.status_code == 404 and error_code(r) == "not_found"
    for bad in ("not-a-uuid", "1", f"{cid}x"):
        r = await client.get(f"{CONSULTANTS}/{bad}", headers=auth(token))
        assert r.status_code == 404, bad
        assert r.json()["error"]["code"] == "not_found"
    r = await client.post(f"{CONSULTANTS}/{uuid.uuid4()}/approve", headers=auth(token))
    assert r.status_code == 404 and error_code(r) == "not_found"


# --- approval ------------------------------------------------------------------------------------------------

async def test_approval_state_machine_audits_and_emails_each_step(client, db):
    account = await signup_consultant(client, email="flow@example.com")
    cid = uuid.UUID(account["consultant"]["id"])
    await mark_email_verified(db, cid)
    token = await make_admin(db, client)
    admin_id = await admin_id_of(client, token)
    base = f"{CONSULTANTS}/{cid}"

    r = await client.post(f"{base}/reactivate", headers=auth(token))
    assert r.status_code == 409 and error_code(r) == "invalid_transition"
    r = await client.post(f"{base}/suspend", headers=auth(token), json={"reason": "spam"})
    assert r.status_code == 409 and error_code(r) == "invalid_transition"

    r = await client.post(f"{base}/approve", headers=auth(token))
    assert r.status_code == 200, r.text
    assert r.json()["approval_status"] == "approved" and r.json()["approved_by"] == str(admin_id)
    assert r.json()["approved_at"] is not None
    r = await client.post(f"{base}/approve", headers=auth(token))
    assert r.status_code == 409 and error_code(r) == "invalid_transition"
    r = await client.post(f"{base}/reject", headers=auth(token), json={"reason": "late"})
    assert r.status_code == 409 and error_code(r) == "invalid_transition"

    r = await client.post(f"{base}/suspend", headers=auth(token), json={})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    r = await client.post(f"{base}/suspend", headers=auth(token), json={"reason": "   "})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    r = await client.post(f"{base}/suspend", headers=auth(token), json={"reason": "Chargebacks"})
    assert r.status_code == 200 and r.json()["approval_status"] == "suspended"
    assert r.json()["rejection_reason"] == "Chargebacks"
    r = await client.post(f"{base}/reactivate", headers=auth(token))
    assert r.status_code == 200 and r.json()["approval_status"] == "approved"

    audit = await audit_rows(db, cid)
    assert [a["action"] for a in audit] == ["consultant.approve", "consultant.suspend", "consultant.reactivate"]
    assert {a["admin_id"] for a in audit} == {admin_id}
    assert {a["db_user"] for a in audit} == {"nakksha_app"}
    assert all(a["target_type"] == "consultant" for a in audit)
    assert audit[1]["details"]["reason"] == "Chargebacks"
    assert (audit[1]["details"]["from"], audit[1]["details"]["to"]) == ("approved", "suspended")
    assert await email_types(db, cid) == [("account_approved", "flow@example.com"),
                                          ("account_suspended", "flow@example.com"),
                                          ("account_reactivated", "flow@example.com")]
    # The admin's view carries the history.
    detail = (await client.get(base, headers=auth(token))).json()
    assert [a["action"] for a in detail["audit"]] == ["consultant.reactivate", "consultant.suspend", "consultant.approve"]


async def test_rejection_needs_a_reason_and_can_be_reviewed(client, db):
    account = await signup_consultant(client, email="rej@example.com")
    cid = uuid.UUID(account["consultant"]["id"])
    await mark_email_verified(db, cid)
    token = await make_admin(db, client)
    base = f"{CONSULTANTS}/{cid}"
    for body in ({}, {"reason": ""}, {"reason": "  "}, {"reason": None}):
        r = await client.post(f"{base}/reject", headers=auth(token), json=body)
        assert r.status_code == 422, body
    assert await audit_rows(db, cid) == [] and await email_types(db, cid) == []

    r = await client.post(f"{base}/reject", headers=auth(token), json={"reason": "Profile incomplete"})
    assert r.status_code == 200 and r.json()["approval_status"] == "rejected"
    assert r.json()["rejection_reason"] == "Profile incomplete"
    for step, body in (("suspend", {"reason": "x"}), ("reactivate", None), ("reject", {"reason": "again"})):
        r = await client.post(f"{base}/{step}", headers=auth(token), json=body)
        assert r.status_code == 409 and error_code(r) == "invalid_transition", step
    # On review a rejected consultant may be approved; the reason is cleared.
    r = await client.post(f"{base}/approve", headers=auth(token))
    assert r.status_code == 200 and r.json()["approval_status"] == "approved" and r.json()["rejection_reason"] is None
    assert [a["action"] for a in await audit_rows(db, cid)] == ["consultant.reject", "consultant.approve"]
    assert [t for t, _ in await email_types(db, cid)] == ["account_rejected", "account_approved"]
    me = await client.get("/api/v1/consultants/me", headers=auth(account["access_token"]))
    assert me.json()["consultant"]["approval_status"] == "approved"


async def test_two_admins_approving_at_once_approve_once(client, db):
    account = await signup_consultant(client)
    cid = uuid.UUID(account["consultant"]["id"])
    await mark_email_verified(db, cid)
    first, second = await make_admin(db, client), await make_admin(db, client)
    answers = await asyncio.gather(*(client.post(f"{CONSULTANTS}/{cid}/approve", headers=auth(t))
                                     for t in (first, second, first, second)))
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409]
    assert [a["action"] for a in await audit_rows(db, cid)] == ["consultant.approve"]
    assert [t for t, _ in await email_types(db, cid)] == ["account_approved"]


async def test_an_unverified_email_cannot_be_approved_until_it_is_confirmed(client, db):
    from tests.http.test_auth import link_token

    account = await signup_consultant(client, email="unconfirmed@example.com")
    cid = uuid.UUID(account["consultant"]["id"])
    token = await make_admin(db, client)
    r = await client.post(f"{CONSULTANTS}/{cid}/approve", headers=auth(token))
    assert r.status_code == 409 and error_code(r) == "email_unverified"
    assert r.json()["error"]["message"] == ("unconfirmed@example.com has not confirmed their email address yet; "
                                            "approve them once they have (they can send themselves a new link).")
    assert await audit_rows(db, cid) == [] and await email_types(db, cid) == []
    assert (await client.get(f"{CONSULTANTS}/{cid}", headers=auth(token))).json()["approval_status"] == "pending"
    verify = await client.post("/api/v1/auth/verify-email",
                               json={"token": await link_token(db, "verify_email", "unconfirmed@example.com")})
    assert verify.status_code == 200
    r = await client.post(f"{CONSULTANTS}/{cid}/approve", headers=auth(token))
    assert r.status_code == 200 and r.json()["approval_status"] == "approved"


@endpoint(summary="Test probe for approved consultants.", auth="approved")
async def approved_probe(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def test_suspension_ends_sessions_and_closes_the_dashboard_but_not_the_profile(client, app, db):
    # First in the table: the /api/v1 mount would otherwise answer its 404 before an appended route is reached.
    app.router.routes.insert(0, Route("/api/v1/dashboard/_probe", approved_probe, methods=["GET"]))
    account = await signup_consultant(client, email="sus@example.com")
    cid = uuid.UUID(account["consultant"]["id"])
    await mark_email_verified(db, cid)
    second = (await client.post("/api/v1/auth/login",
                                json={"email": "sus@example.com", "password": "correct horse battery 42"})).json()
    headers = auth(account["access_token"])
    token = await make_admin(db, client)
    conn = await owner(db)
    try:
        await factories.client(conn, cid)
    finally:
        await conn.close()

    async def visible_clients() -> int:
        async with db.as_caller("app", consultant_id=cid) as c:
            return await c.fetchval("select count(*) from app.clients")

    r = await client.get("/api/v1/dashboard/_probe", headers=headers)
    assert r.status_code == 403 and error_code(r) == "consultant_not_approved"
    assert await visible_clients() == 0
    assert (await client.post(f"{CONSULTANTS}/{cid}/approve", headers=auth(token))).status_code == 200
    assert (await client.get("/api/v1/dashboard/_probe", headers=headers)).status_code == 200
    assert await visible_clients() == 1

    r = await client.post(f"{CONSULTANTS}/{cid}/suspend", headers=auth(token), json={"reason": "Abuse reports"})
    assert r.status_code == 200
    # Every refresh family is gone at once; the still-valid access token no longer opens the dashboard.
    for refresh in (account["refresh_token"], second["refresh_token"]):
        r = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
        assert r.status_code == 401 and error_code(r) == "invalid_refresh_token"
    # Every access token too (signed out everywhere, apps as well as browsers).
    r = await client.get("/api/v1/dashboard/_probe", headers=headers)
    assert r.status_code == 401 and error_code(r) == "invalid_token"
    # Signed in again: the dashboard's data stays closed and says why; the profile reads.
    again = (await client.post("/api/v1/auth/login",
                               json={"email": "sus@example.com", "password": "correct horse battery 42"})).json()
    headers = auth(again["access_token"])
    r = await client.get("/api/v1/dashboard/_probe", headers=headers)
    assert r.status_code == 403 and error_code(r) == "consultant_not_approved"
    assert "suspended" in r.json()["error"]["message"]
    assert await visible_clients() == 1  # read-only: still read (tests/db/test_rls.py: written, never)
    me = await client.get("/api/v1/consultants/me", headers=headers)
    assert me.status_code == 200 and me.json()["consultant"]["approval_status"] == "suspended"
    conn = await owner(db)
    try:
        reasons = await conn.fetch("select revoked_reason from app.refresh_token_families where consultant_id = $1", cid)
    finally:
        await conn.close()
    assert [r["revoked_reason"] for r in reasons if r["revoked_reason"]] == ["suspended", "suspended"]

    # Reactivated, the dashboard opens again (a new login is needed for a refresh token).
    assert (await client.post(f"{CONSULTANTS}/{cid}/reactivate", headers=auth(token))).status_code == 200
    assert (await client.get("/api/v1/dashboard/_probe", headers=headers)).status_code == 200
    assert await visible_clients() == 1


# --- subscriptions ---------------------------------------------------------------------------------------------

async def test_subscription_is_set_from_the_listed_plans_and_audited(client, db):
    account = await signup_consultant(client)
    cid = uuid.UUID(account["consultant"]["id"])
    token = await make_admin(db, client)
    admin_id = await admin_id_of(client, token)
    path = f"{CONSULTANTS}/{cid}/subscription"
    expires = "2027-03-31T23:59:59+05:30"
    r = await client.patch(path, headers=auth(token), json={"plan": "pro", "expires_at": expires})
    assert r.status_code == 200, r.text
    assert r.json()["subscription_plan"] == "pro"
    assert datetime.fromisoformat(r.json()["subscription_expires_at"]) == datetime.fromisoformat(expires)
    me = await client.get("/api/v1/consultants/me", headers=auth(account["access_token"]))
    assert me.json()["consultant"]["subscription_plan"] == "pro"

    r = await client.patch(path, headers=auth(token), json={"plan": "platinum", "expires_at": None})
    assert r.status_code == 422 and error_code(r) == "unknown_plan" and r.json()["error"]["field"] == "plan"
    r = await client.patch(path, headers=auth(token), json={"plan": "basic", "expires_at": "2027-03-31T23:59:59"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "expires_at"  # no offset: ambiguous
    r = await client.patch(path, headers=auth(token), json={"plan": "basic"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "expires_at"
    # A paid plan until a moment already past (a mistyped year) is refused, not a silent downgrade.
    r = await client.patch(path, headers=auth(token), json={"plan": "pro", "expires_at": "2020-01-01T00:00:00Z"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "expires_at", r.text
    me = await client.get("/api/v1/consultants/me", headers=auth(account["access_token"]))
    assert me.json()["consultant"]["subscription_plan"] == "pro"
    r = await client.patch(f"{CONSULTANTS}/{uuid.uuid4()}/subscription", headers=auth(token),
                           json={"plan": "basic", "expires_at": None})
    assert r.status_code == 404

    audit = await audit_rows(db, cid)
    assert len(audit) == 1
    assert (audit[0]["admin_id"], audit[0]["action"]) == (admin_id, "consultant.subscription")
    assert (audit[0]["details"]["from"], audit[0]["details"]["to"]) == ("free", "pro")

    r = await client.patch(path, headers=auth(token), json={"plan": "free", "expires_at": None})
    assert r.status_code == 200 and r.json()["subscription_plan"] == "free" and r.json()["subscription_expires_at"] is None


# --- admins (super admins) ---------------------------------------------------------------------------------------

async def test_super_admins_manage_admins_and_plain_admins_cannot(client, db):
    boss = await make_admin(db, client, "super_admin", email="boss@example.com")
    boss_id = await admin_id_of(client, boss)
    plain = await make_admin(db, client, "admin", email="plain@example.com")
    plain_id = await admin_id_of(client, plain)

    for method, path, body in (("GET", "/api/v1/admin/admins", None),
                               ("POST", "/api/v1/admin/admins", {"email": "x@example.com", "name": "X",
                                                                 "password": "another long secret 7"}),
                               ("POST", f"/api/v1/admin/admins/{boss_id}/deactivate", None)):
        r = await client.request(method, path, headers=auth(plain), json=body)
        assert r.status_code == 403 and error_code(r) == "super_admin_required", path

    r = await client.post("/api/v1/admin/admins", headers=auth(boss),
                          json={"email": " New.Admin@Example.com", "name": "Nisha", "password": "another long secret 7"})
    assert r.status_code == 201, r.text
    new_id = uuid.UUID(r.json()["id"])
    assert r.json()["email"] == "new.admin@example.com" and r.json()["role"] == "admin"
    assert (await admin_login(client, "new.admin@example.com", "another long secret 7")).status_code == 200
    r = await client.post("/api/v1/admin/admins", headers=auth(boss),
                          json={"email": "new.admin@example.com", "name": "Twin", "password": "another long secret 8"})
    assert r.status_code == 409 and error_code(r) == "email_taken"
    r = await client.post("/api/v1/admin/admins", headers=auth(boss),
                          json={"email": "weak@example.com", "name": "Weak", "password": "password"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "password"
    r = await client.post("/api/v1/admin/admins", headers=auth(boss),
                          json={"email": "root@example.com", "name": "Root", "password": "another long secret 7",
                                "role": "owner"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "role"

    listed = await client.get("/api/v1/admin/admins", headers=auth(boss))
    assert listed.status_code == 200
    emails = [a["email"] for a in listed.json()["items"]]
    assert emails == ["boss@example.com", "plain@example.com", "new.admin@example.com"]
    assert "password_hash" not in listed.text
    audit = await audit_rows(db, new_id)
    assert [(a["admin_id"], a["action"]) for a in audit] == [(boss_id, "admin.created")]

    r = await client.post(f"/api/v1/admin/admins/{boss_id}/deactivate", headers=auth(boss))
    assert r.status_code == 409 and error_code(r) == "cannot_deactivate_self"
    r = await client.post(f"/api/v1/admin/admins/{uuid.uuid4()}/deactivate", headers=auth(boss))
    assert r.status_code == 404
    assert (await admin_id_of(client, plain)) == plain_id


async def test_a_deactivated_admin_is_locked_out_at_once(client, db):
    boss = await make_admin(db, client, "super_admin")
    await create_admin_row(db, "leaver@example.com")
    leaver = (await admin_login(client, "leaver@example.com")).json()
    leaver_id = uuid.UUID(leaver["admin"]["id"])
    pending = await signup_consultant(client)
    assert (await client.get(CONSULTANTS, headers=auth(leaver["access_token"]))).status_code == 200

    r = await client.post(f"/api/v1/admin/admins/{leaver_id}/deactivate", headers=auth(boss))
    assert r.status_code == 200 and r.json()["is_active"] is False
    # The access token is still unexpired, yet refused on the very next request.
    for method, path in (("GET", "/api/v1/admin/auth/me"), ("GET", CONSULTANTS),
                         ("POST", f"{CONSULTANTS}/{pending['consultant']['id']}/approve")):
        r = await client.request(method, path, headers=auth(leaver["access_token"]))
        assert r.status_code == 401, path
    r = await client.post("/api/v1/admin/auth/refresh", json={"refresh_token": leaver["refresh_token"]})
    assert r.status_code == 401
    assert (await admin_login(client, "leaver@example.com")).status_code == 401
    r = await client.post(f"/api/v1/admin/admins/{leaver_id}/deactivate", headers=auth(boss))
    assert r.status_code == 404  # already inactive
    listed = {a["email"]: a for a in (await client.get("/api/v1/admin/admins", headers=auth(boss))).json()["items"]}
    assert listed["leaver@example.com"]["is_active"] is False
    assert [a["action"] for a in await audit_rows(db, leaver_id)] == ["admin.created", "admin.deactivated"]
    me = await client.get("/api/v1/consultants/me", headers=auth(pending["access_token"]))
    assert me.json()["consultant"]["approval_status"] == "pending"


# --- the same functions from psql ------------------------------------------------------------------------------

async def test_nakksha_admin_role_approves_as_a_named_admin(db):
    conn = await owner(db)
    try:
        cid = await factories.consultant(conn, approved=False, email="psql@example.com")
        other = await factories.consultant(conn, approved=False)
    finally:
        await conn.close()
    admin_id = await create_admin_row(db, "desk@example.com")
    await create_admin_row(db, "gone@example.com")
    su = await asyncpg.connect(db.admin_url)
    try:
        await su.execute("update app.admins set is_active = false where email = 'gone@example.com'")
    finally:
        await su.close()

    conn = await db.connect("admin")
    try:
        await _init_connection(conn)
        result = await conn.fetchval("select api.approve_consultant($1, 'Desk@Example.com')", cid)
        assert result["approval_status"] == "approved" and result["approved_by"] == str(admin_id)
        with pytest.raises(asyncpg.PostgresError) as info:
            await conn.fetchval("select api.approve_consultant($1, 'gone@example.com')", other)
        assert info.value.sqlstate == "NK404"
    finally:
        await conn.close()
    audit = await audit_rows(db, cid)
    assert len(audit) == 1
    assert (audit[0]["admin_id"], audit[0]["db_user"], audit[0]["action"]) == (admin_id, "nakksha_admin",
                                                                               "consultant.approve")
    assert await email_types(db, cid) == [("account_approved", "psql@example.com")]
    assert await audit_rows(db, other) == []


async def test_the_app_role_cannot_name_an_admin_to_act_as(db):
    conn = await owner(db)
    try:
        cid = await factories.consultant(conn, approved=False)
    finally:
        await conn.close()
    await create_admin_row(db, "boss@example.com", "super_admin")
    # The acting admin comes only from the transaction's caller setting, never from a parameter.
    for consultant_id in (None, cid):
        async with db.as_caller("app", consultant_id=consultant_id) as c:
            for sql, args in (("select api.approve_consultant($1)", (cid,)),
                              ("select api.approve_consultant($1, 'boss@example.com')", (cid,)),
                              ("select api.suspend_consultant($1, 'r', 'boss@example.com')", (cid,)),
                              ("select api.admin_list_consultants(null, null, 1, 10)", ())):
                with pytest.raises(asyncpg.PostgresError) as info:
                    async with c.transaction():  # a savepoint: the next call runs in a live transaction
                        await c.fetchval(sql, *args)
                assert info.value.sqlstate == "NK403", sql
    assert await audit_rows(db, cid) == []
    conn = await owner(db)
    try:
        assert await conn.fetchval("select approval_status from app.consultants where id = $1", cid) == "pending"
    finally:
        await conn.close()

# Test: pytest tests/http/test_admin_api.py
