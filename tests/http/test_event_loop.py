# tests/http/test_event_loop.py — CPU-bound work outside photos and templates stays off the event loop too: the password policy check (zxcvbn, up to a fifth of a second on a crafted password).
from __future__ import annotations

import asyncio
import uuid

from app.routes import auth as auth_routes
from tests.http.helpers import PASSWORD
from tests.http.test_photo_uploads import Gate


async def test_healthz_is_answered_while_a_new_password_is_being_checked(client, monkeypatch):
    gate = Gate(auth_routes.check_policy)
    monkeypatch.setattr(auth_routes, "check_policy", gate)
    signing_up = asyncio.create_task(client.post("/api/v1/auth/signup", json={
        "email": f"c{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "first_name": "Asha",
        "last_name": "Verma", "phone_country_code": "+91", "phone_number": "9876543210"}))
    try:
        await gate.started.wait()
        assert (await client.get("/healthz")).status_code == 200
        assert (gate.entered, gate.finished) == (1, 0), "/healthz waited for the password check: it held the loop"
    finally:
        gate.release.set()
    assert (await signing_up).status_code == 201
    assert gate.on_loop == [False]

# Test: pytest tests/http/test_event_loop.py
