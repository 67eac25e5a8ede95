# tests/fuzz/worlds.py — seeded worlds for the fuzz suites: a tenant with every kind of row, a super admin; each on its own database.
from __future__ import annotations

import uuid

import httpx

from tests.conftest import TestDatabase
from tests.http.conftest import make_app
from tests.http.helpers import PASSWORD, auth, make_admin, signup_consultant
from tests.http.test_booking import approved_consultant, book, booking, slots
from tests.http.test_isolation import tenant_with_everything


async def on_app(db: TestDatabase, seed):
    """Run `seed(client, db)` against a short-lived app on `db` (its own lifespan), return what it returns."""
    application = make_app(db)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await seed(c, db)


async def seed_consultant_world(client, db) -> dict:
    """An approved consultant with a client, sessions, a payment, a quotation (sent, so it has a public
    token), availability, a booking's manage token; plus a second consultant kept for the one operation
    that deletes its caller."""
    a = await tenant_with_everything(client, db)
    h = a["headers"]
    free = await slots(client, a["slug"])
    made = await book(client, a["slug"], booking(free[-1]["slot_id"], email="second@example.com"))
    assert made.status_code == 201, made.text
    manage_token = made.json()["manage_url"].rsplit("/", 1)[1]
    sent = await client.post("/api/v1/quotations", headers=h, json={
        "client_id": a["ids"]["client_id"], "quotation_name": "Sent one", "base_amount": "250"})
    assert sent.status_code == 201, sent.text
    r = await client.post(f"/api/v1/quotations/{sent.json()['id']}/send", headers=h)
    assert r.status_code == 200, r.text
    quotation_token = r.json()["public_url"].rsplit("/", 1)[1]
    doomed = await approved_consultant(client, db)
    return {"token": h["Authorization"].removeprefix("Bearer "),
            "doomed_token": doomed["headers"]["Authorization"].removeprefix("Bearer "),
            "parameters": {**a["ids"], "slug": a["slug"], "token": manage_token,
                           "quotation_token": quotation_token, "email_type": "session_booked",
                           "provider": "google"}}


async def seed_admin_world(client, db) -> dict:
    """A super admin, a second admin (to deactivate), a pending and an approved consultant."""
    token = await make_admin(db, client, role="super_admin")
    other = await client.post("/api/v1/admin/admins", headers=auth(token), json={
        "email": f"other{uuid.uuid4().hex[:6]}@example.com", "name": "Other Admin", "password": PASSWORD + "!x",
        "role": "admin"})
    assert other.status_code == 201, other.text
    pending = await signup_consultant(client)
    approved = await approved_consultant(client, db)
    return {"token": token,
            "parameters": {"consultant_id": approved["id"], "admin_id": other.json()["id"],
                           "pending_consultant_id": pending["consultant"]["id"], "email_type": "session_booked",
                           "slug": approved["slug"]}}


# Test: pytest tests/fuzz/test_schemathesis.py
