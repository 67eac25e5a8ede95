# tests/http/test_calendar_connect.py — connecting Google/Microsoft: OAuth connect and callback against a fake authorisation server, tokens, refresh races, revocation, disconnect.
from __future__ import annotations

import asyncio
import uuid
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from app.adapters.calendar_tokens import CalendarAccess, unseal
from app.adapters.meetings import GrantRevoked, all_providers
from app.config import Settings
from app.sql import create_pool
from tests.calendar_fixtures import connect, fetch
from tests.http.helpers import signup_consultant
from tests.http.test_booking import approved_consultant


@pytest.fixture
def app(calendar_app):
    """This module's app talks to the fake Google and Microsoft."""
    return calendar_app


async def connections(db) -> list:
    return await fetch(db, "select * from app.calendar_connections order by provider")


async def start(client, consultant, provider="google") -> str:
    r = await client.post(f"/api/v1/integrations/{provider}/connect", headers=consultant["headers"])
    assert r.status_code == 200, r.text
    return r.json()["authorization_url"]


def path_of(url: str) -> str:
    u = urlparse(url)
    return f"{u.path}?{u.query}"


async def test_connecting_google_stores_the_grant_encrypted_and_shows_it(client, db, cal):
    c = await approved_consultant(client, db)
    r = await client.get("/api/v1/integrations", headers=c["headers"])
    assert [(i["provider"], i["configured"], i["status"]) for i in r.json()["integrations"]] == [
        ("google", True, "not_connected"), ("microsoft", True, "not_connected")]
    url = await start(client, c)
    q = parse_qs(urlparse(url).query)
    assert q["code_challenge_method"] == ["S256"] and q["access_type"] == ["offline"]
    assert q["redirect_uri"] == ["http://127.0.0.1:8000/integrations/google/callback"]
    r = await client.get(path_of(cal.consent(url)))
    assert r.status_code == 303 and r.headers["location"].startswith("/dashboard/settings/meetings?done=calendar_connected")
    [row] = await connections(db)
    assert row["status"] == "connected" and row["account_email"] == "asha@gmail.example"
    # Stored encrypted: neither token appears in the row, and both decrypt to what the provider issued.
    issued_access = next(iter(cal.access))
    assert issued_access not in str(dict(row))
    key = Settings.from_env()
    assert unseal("test-data-key", row["access_token_encrypted"]) == issued_access
    assert unseal("test-data-key", row["refresh_token_encrypted"]).startswith("rt-") and key
    r = await client.get("/api/v1/integrations", headers=c["headers"])
    google = r.json()["integrations"][0]
    assert google["status"] == "connected" and google["account_email"] == "asha@gmail.example"
    assert "token" not in str(r.json())
    # Connecting fetches busy times at once.
    jobs = await fetch(db, "select task_name from procrastinate_jobs where queue_name = 'calendar'")
    assert [j["task_name"] for j in jobs] == ["refresh_calendar_busy"]


async def test_a_state_works_once_and_only_for_its_provider(client, db, cal):
    c = await approved_consultant(client, db)
    back = path_of(cal.consent(await start(client, c)))
    assert (await client.get(back)).status_code == 303
    replay = await client.get(back)
    assert replay.status_code == 400 and replay.json()["error"]["code"] == "invalid_state"
    # A state for Google presented at Microsoft's callback is refused (and used up).
    back = cal.consent(await start(client, c))
    r = await client.get(path_of(back).replace("/google/", "/microsoft/"))
    assert r.status_code == 400
    for bad in ("", "?state=short", "?state=" + "x" * 300, "?state=" + "y" * 40 + "&code=abc"):
        r = await client.get("/integrations/google/callback" + bad)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_state"
    assert (await client.get("/integrations/yahoo/callback?state=" + "y" * 40)).status_code == 404
    assert len(await connections(db)) == 1


async def test_a_consent_link_finishes_only_in_the_browser_that_started_it(client, app, db, cal):
    """An attacker starts a connection and sends the consent link to a victim: the victim's browser lacks
    the attacker's cookie, so the victim's calendar is not attached to the attacker's account."""
    attacker = await approved_consultant(client, db)
    back = path_of(cal.consent(await start(client, attacker)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as victim:
        r = await victim.get(back)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_state"
    assert await connections(db) == []


async def test_a_grant_without_the_calendar_permission_is_refused(client, db, cal):
    c = await approved_consultant(client, db)
    cal.granted_scope = "openid email"  # the consultant unticked the calendar boxes
    r = await client.get(path_of(cal.consent(await start(client, c))))
    assert r.status_code == 303 and "calendar_error=refused" in r.headers["location"]
    assert await connections(db) == []


async def test_consent_refused_or_a_bad_code_connects_nothing(client, db, cal):
    c = await approved_consultant(client, db)
    r = await client.get(path_of(cal.consent(await start(client, c), allow=False)))
    assert r.status_code == 303 and "calendar_error=denied" in r.headers["location"]
    # A forged code (or one whose PKCE verifier does not match) is refused by the provider.
    url = await start(client, c)
    state = parse_qs(urlparse(url).query)["state"][0]
    r = await client.get(f"/integrations/google/callback?state={state}&code=forged-code")
    assert r.status_code == 303 and "calendar_error=refused" in r.headers["location"]
    # The provider being down is said as such.
    url = await start(client, c, "microsoft")
    cal.failures = ["down"]
    r = await client.get(path_of(cal.consent(url)))
    assert r.status_code == 303 and "calendar_error=unavailable" in r.headers["location"]
    assert await connections(db) == []


async def test_connect_needs_a_signed_in_consultant_and_a_known_configured_provider(client, db, cal, monkeypatch):
    assert (await client.post("/api/v1/integrations/google/connect")).status_code == 401
    pending = await signup_consultant(client)  # not approved yet: may still prepare their settings
    r = await client.post("/api/v1/integrations/google/connect",
                          headers={"authorization": f"Bearer {pending['access_token']}"})
    assert r.status_code == 200
    c = await approved_consultant(client, db)
    r = await client.post("/api/v1/integrations/yahoo/connect", headers=c["headers"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    client._transport.app.state.settings = Settings.from_env({}, env="test")  # nothing configured
    r = await client.post("/api/v1/integrations/google/connect", headers=c["headers"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "calendar_not_configured"
    r = await client.get("/api/v1/integrations", headers=c["headers"])
    assert {i["configured"] for i in r.json()["integrations"]} == {False}


async def test_too_many_attempts_in_flight_are_refused(client, db, cal):
    c = await approved_consultant(client, db)
    for _ in range(10):
        await start(client, c)
    r = await client.post("/api/v1/integrations/google/connect", headers=c["headers"])
    assert r.status_code == 429


async def test_disconnect_forgets_the_grant_and_revokes_it_at_the_provider(client, db, cal):
    from tests.http.test_payments import run_jobs
    c = await approved_consultant(client, db)
    await connect(client, c, cal)
    other = await approved_consultant(client, db)
    assert (await client.delete("/api/v1/integrations/google", headers=other["headers"])).status_code == 404
    r = await client.delete("/api/v1/integrations/google", headers=c["headers"])
    assert r.status_code == 200 and r.json() == {"provider": "google", "status": "not_connected"}
    assert await connections(db) == []
    assert (await client.delete("/api/v1/integrations/google", headers=c["headers"])).status_code == 404
    await run_jobs(db, queues=("calendar",))
    [revoke] = cal.calls("POST", "/google/revoke")
    assert revoke["body"]["token"].startswith("rt-") and cal.revoked_grants
    # Disconnected and connected again before the revocation ran: the new grant is left alone.
    await connect(client, c, cal)
    assert (await client.delete("/api/v1/integrations/google", headers=c["headers"])).status_code == 200
    await connect(client, c, cal)
    await run_jobs(db, queues=("calendar",))
    assert len(cal.calls("POST", "/google/revoke")) == 1
    [row] = await connections(db)
    assert row["status"] == "connected"


@pytest.fixture
async def worker_pool(db):
    """The worker's pool: token refreshes are worker steps, granted to nakksha_worker alone."""
    pool = await create_pool(db.url("worker"), min_size=0, max_size=6)
    yield pool
    await pool.close()


def access_for(db_pool, cal, connection_id: str, provider: str, http: httpx.AsyncClient) -> CalendarAccess:
    return CalendarAccess(db_pool, all_providers(Settings.from_env(cal.env()))[provider], http, connection_id,
                          "test-data-key")


async def test_racing_refreshes_spend_a_rotating_refresh_token_once(client, db, cal, worker_pool):
    """Microsoft rotates refresh tokens: two jobs refreshing at once with the same one would leave one of
    them with invalid_grant. Under the row lock the second reads the first one's new token."""
    c = await approved_consultant(client, db)
    await connect(client, c, cal, "microsoft")
    [row] = await connections(db)
    cal.expire_access_tokens()
    await fetch(db, "update app.calendar_connections set access_expires_at = now() - interval '1 minute'")
    cal.refresh_delay = 0.3
    async with httpx.AsyncClient(timeout=5) as http:
        tokens = await asyncio.gather(*(access_for(worker_pool, cal, str(row["id"]), "microsoft", http).token()
                                        for _ in range(5)))
    assert cal.refreshes == 1 and len(set(tokens)) == 1
    [row] = await connections(db)
    assert row["status"] == "connected" and unseal("test-data-key", row["access_token_encrypted"]) == tokens[0]


async def test_a_refused_token_is_refreshed_once_and_a_revoked_grant_marks_the_connection(client, db, cal,
                                                                                            worker_pool):
    c = await approved_consultant(client, db)
    await connect(client, c, cal)
    [row] = await connections(db)
    provider = all_providers(Settings.from_env(cal.env()))["google"]
    async with httpx.AsyncClient(timeout=5) as http:
        access = access_for(worker_pool, cal, str(row["id"]), "google", http)
        # The provider stops accepting the access token early (it looks valid to us): one refresh, then success.
        cal.expire_access_tokens()
        assert await access.call(provider.account_email) == "asha@gmail.example"
        assert cal.refreshes == 1
        # The consultant removes our access at Google: the refresh is refused and the connection says so.
        cal.revoke_all("google")
        try:
            await access.call(provider.account_email)
            raise AssertionError("a revoked grant must not be used")
        except GrantRevoked:
            pass
    [row] = await connections(db)
    assert row["status"] == "revoked" and "withdrawn" in row["last_error"]
    r = await client.get("/api/v1/integrations", headers=c["headers"])
    assert r.json()["integrations"][0]["status"] == "revoked"
    # Connecting again repairs it.
    await connect(client, c, cal)
    [row] = await connections(db)
    assert row["status"] == "connected" and row["last_error"] is None


async def test_another_consultant_cannot_finish_or_see_a_connection(client, db, cal):
    a = await approved_consultant(client, db)
    b = await approved_consultant(client, db)
    await connect(client, a, cal)
    r = await client.get("/api/v1/integrations", headers=b["headers"])
    assert {i["status"] for i in r.json()["integrations"]} == {"not_connected"}
    rows = await connections(db)
    assert [str(r["consultant_id"]) for r in rows] == [a["id"]]
    # The app role reads no token table directly.
    conn = await db.connect("app")
    try:
        for table in ("calendar_connections", "oauth_states", "calendar_busy"):
            try:
                await conn.fetch(f"select * from app.{table}")
                raise AssertionError(f"app role read app.{table}")
            except Exception as exc:  # noqa: BLE001
                assert getattr(exc, "sqlstate", "") == "42501", exc
    finally:
        await conn.close()
    assert uuid.UUID(a["id"])

# Test: pytest tests/http/test_calendar_connect.py
