# tests/http/test_guards.py — walks the route table: every guarded route refuses missing and wrong-role tokens, dashboard data needs approval.
from __future__ import annotations

import re
import uuid

import pytest

from app.openapi import doc_of, iter_routes
from tests.http.helpers import auth, make_admin, signup_consultant

# Dashboard data: readable only by approved consultants (the list; later routes join by prefix), and by a
# suspended one for what their pages still show (level "readable": GETs only, writes stay "approved").
DASHBOARD_PREFIXES = ("/api/v1/dashboard", "/api/v1/sessions", "/api/v1/clients", "/api/v1/quotations",
                      "/api/v1/payments")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def guarded_routes(app) -> list[tuple[str, str, str]]:
    """Every route but the pages (their guard answers with the sign-in page, not 401: test_page_isolation.py)."""
    out = []
    for path, route in iter_routes(app.routes):
        meta = doc_of(route)
        if meta and "pages" in meta.tags:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append((method, path, meta.auth if meta else "undeclared"))
    return out


def test_every_route_declares_its_guard_and_dashboard_data_needs_approval(app):
    routes = guarded_routes(app)
    assert not [r for r in routes if r[2] == "undeclared"]
    for method, path, level in routes:
        if path.startswith(DASHBOARD_PREFIXES):
            assert level in ("approved", "public") or (level == "readable" and method == "GET"), \
                f"{method} {path} must be for approved consultants"
        if path.startswith("/api/v1/admin/") and not path.startswith("/api/v1/admin/auth/"):
            assert level in ("admin", "super_admin"), f"{method} {path} must be for admins"


@pytest.fixture
async def tokens(client, db):
    pending = await signup_consultant(client)
    approved = await signup_consultant(client)
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.consultants set approval_status = 'approved', approved_at = now(), published_at = now() where id = $1",
                           uuid.UUID(approved["consultant"]["id"]))
    finally:
        await conn.close()
    return {"pending": pending["access_token"], "approved": approved["access_token"],
            "admin": await make_admin(db, client, "admin"), "super_admin": await make_admin(db, client, "super_admin")}


async def call(client, method: str, path: str, token: str | None):
    headers = auth(token) if token else {}
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return await client.request(method, concrete(path), headers=headers, **kwargs)


async def test_guards_hold_on_every_route(client, app, tokens):
    checked = 0
    for method, path, level in guarded_routes(app):
        if level == "public":
            continue
        checked += 1
        r = await call(client, method, path, None)
        assert r.status_code == 401, f"{method} {path} without a token: {r.status_code}"
        assert r.json()["error"]["code"] == "unauthorized"
        if level in ("consultant", "approved"):
            r = await call(client, method, path, tokens["super_admin"])
            assert r.status_code == 403, f"{method} {path} with an admin token: {r.status_code}"
        if level == "approved":
            r = await call(client, method, path, tokens["pending"])
            assert r.status_code == 403 and r.json()["error"]["code"] == "consultant_not_approved", f"{method} {path}"
        if level in ("admin", "super_admin"):
            r = await call(client, method, path, tokens["approved"])
            assert r.status_code == 403, f"{method} {path} with a consultant token: {r.status_code}"
        if level == "super_admin":
            r = await call(client, method, path, tokens["admin"])
            assert r.status_code == 403 and r.json()["error"]["code"] == "super_admin_required", f"{method} {path}"
    assert checked >= 20

# Test: pytest tests/http/test_guards.py
