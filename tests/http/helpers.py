# tests/http/helpers.py — shared steps for HTTP tests: sign up a consultant, make an admin and log in, auth headers.
from __future__ import annotations

import os
import uuid

import asyncpg

from app.passwords import hash_password

PASSWORD = "correct horse battery 42"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def signup_consultant(client, *, email: str | None = None, password: str = PASSWORD, first_name: str = "Asha",
                            last_name: str = "Verma", phone_country_code: str = "+91",
                            phone_number: str = "9876543210") -> dict:
    """POST /api/v1/auth/signup; returns the 201 body (tokens and the pending consultant)."""
    r = await client.post("/api/v1/auth/signup", json={
        "email": email or f"c{uuid.uuid4().hex[:10]}@example.com", "password": password, "first_name": first_name,
        "last_name": last_name, "phone_country_code": phone_country_code, "phone_number": phone_number})
    assert r.status_code == 201, r.text
    return r.json()


async def mark_email_verified(db, consultant_id) -> None:
    """Arrange a consultant whose email is confirmed (approval needs it), as the owner would find it."""
    conn = await asyncpg.connect(db.url("owner"))
    try:
        await conn.execute("update app.consultants set is_email_verified = true, email_verified_at = now() "
                           "where id = $1", uuid.UUID(str(consultant_id)))
    finally:
        await conn.close()


async def make_admin(db, client, role: str = "admin", *, email: str | None = None,
                     password: str = "admin password 2026!") -> str:
    """Create an admin as the database owner, log in over HTTP, return the access token."""
    email = email or f"admin{uuid.uuid4().hex[:8]}@example.com"
    conn = await asyncpg.connect(db.admin_url)  # a database administrator (member of nakksha_admin)
    try:
        await conn.fetchval("select api.create_admin($1, 'Test Admin', $2, $3)", email,
                            hash_password(password, os.environ["PASSWORD_PEPPER"]), role)
    finally:
        await conn.close()
    r = await client.post("/api/v1/admin/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


async def reminders_due_now(db) -> int:
    """Make every confirmed session's reminders due now, as if their day had come: the every-minute sweep, run as
    the worker for each instant a waiting session's next reminder falls due (app.sessions.reminder_next_at,
    api.worker_queue_due_reminders), then the jobs it queued for later made runnable now. Returns how many it
    queued."""
    owner, worker = await db.connect("owner"), await db.connect("worker")
    queued = 0
    try:
        while True:
            first = await owner.fetchval(
                "select min(reminder_next_at) from app.sessions where status = 'confirmed' and starts_at > now() "
                "and reminder_next_at is not null")
            if first is None:
                break
            queued += await worker.fetchval("select api.worker_queue_due_reminders(100000, $1)", first)
        await owner.execute("update procrastinate_jobs set scheduled_at = now() "
                            "where task_name = 'send_session_reminder' and status = 'todo'")
    finally:
        await owner.close()
        await worker.close()
    return queued

# Test: pytest tests/http/
