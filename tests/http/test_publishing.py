# tests/http/test_publishing.py — publishing over HTTP: approval leaves the page offline, the dashboard's checklist and Publish, the refusal naming what is missing, the public page and slots answering 404 until published, taking it offline.
from __future__ import annotations

import uuid

from tests.db import factories
from tests.http.helpers import auth, signup_consultant
from tests.http.test_booking import PUBLIC, approved_consultant
from tests.http.test_dashboard_sessions_pages import fetch, page_sign_in, post
from tests.http.test_pages import HTML


async def owner_execute(db, sql: str, *args) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


async def approved_not_published(client, db) -> dict:
    """As an admin's approval now leaves a consultant: approved, page offline, setup partly done."""
    c = await approved_consultant(client, db)
    await owner_execute(db, "update app.consultants set published_at = null where id = $1", uuid.UUID(c["id"]))
    return c


async def finish_setup(db, cid: str) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute(
            "update app.consultants set description = 'Tax for founders.', consultancy_sector = 'Tax', "
            "profile_photo_url = '/media/p.jpg', bank_account_number_encrypted = '\\x01'::bytea where id = $1",
            uuid.UUID(cid))
        await factories.availability_rule(conn, uuid.UUID(cid))
    finally:
        await conn.close()


async def test_an_approved_page_stays_offline_until_its_checklist_is_done_and_it_is_published(client, db):
    c = await approved_not_published(client, db)
    for path in (f"{PUBLIC}/{c['slug']}", f"{PUBLIC}/{c['slug']}/slots"):
        r = await client.get(path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", path
    assert (await client.get(f"/{c['slug']}", headers=HTML)).status_code == 404

    await page_sign_in(client, db, c)
    home = await client.get("/dashboard", headers=HTML)
    assert home.status_code == 200 and 'id="setup-checklist"' in home.text
    assert "Get your page ready" in home.text and "Clients cannot see" in home.text
    assert 'id="publish" disabled' in home.text and 'href="/dashboard/settings/bank"' in home.text
    # Posted anyway (another tab, an old page): refused, and the block says why.
    r = await post(client, "/dashboard/publish", {}, page="/dashboard")
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?refused=setup_incomplete#page-status"
    refused = await client.get("/dashboard?refused=setup_incomplete", headers=HTML)
    assert 'id="page-refusal"' in refused.text and "Finish the steps" in refused.text
    assert (await fetch(db, "select published_at from app.consultants where id = $1", uuid.UUID(c["id"])))[0] is None

    await finish_setup(db, c["id"])
    ready = await client.get("/dashboard", headers=HTML)
    assert "Your page is ready to publish" in ready.text and 'id="publish" disabled' not in ready.text
    r = await post(client, "/dashboard/publish", {}, page="/dashboard")
    assert r.headers["location"] == "/dashboard?done=published#page-status"
    live = await client.get("/dashboard?done=published", headers=HTML)
    assert "Your page is public" in live.text and "Your page is live." in live.text
    assert (await client.get(f"{PUBLIC}/{c['slug']}/slots")).status_code == 200
    assert (await client.get(f"/{c['slug']}", headers=HTML)).status_code == 200

    r = await post(client, "/dashboard/unpublish", {}, page="/dashboard")
    assert r.headers["location"] == "/dashboard?done=unpublished#page-status"
    assert (await client.get(f"{PUBLIC}/{c['slug']}")).status_code == 404
    assert "Your page is offline" in (await client.get("/dashboard?done=unpublished", headers=HTML)).text


async def test_publishing_needs_the_csrf_token_and_a_signed_in_consultant(client, db):
    r = await client.post("/dashboard/publish", headers=HTML, data={})
    assert r.status_code == 303 and r.headers["location"].startswith("/auth/login")
    c = await approved_not_published(client, db)
    await finish_setup(db, c["id"])
    await page_sign_in(client, db, c)
    forged = await client.post("/dashboard/publish", headers=HTML, data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert (await fetch(db, "select published_at from app.consultants where id = $1", uuid.UUID(c["id"])))[0] is None


async def test_the_settings_overview_shows_the_same_checklist(client, db):
    c = await approved_not_published(client, db)
    await page_sign_in(client, db, c)
    r = await client.get("/dashboard/settings", headers=HTML)
    assert r.status_code == 200 and "Set the price of a one-to-one session" in r.text
    assert "Describe what you do (a bio and your sector)" in r.text and "Publish your page from" in r.text

async def test_the_api_publishes_once_the_checklist_is_done(client, db):
    c = await approved_not_published(client, db)
    r = await client.get("/api/v1/consultants/me/page", headers=c["headers"])
    assert r.status_code == 200 and r.json()["is_published"] is False
    assert r.json()["missing"] == ["profile", "photo", "availability", "bank"]
    r = await client.post("/api/v1/consultants/me/page/publish", headers=c["headers"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "setup_incomplete"
    assert r.json()["error"]["message"] == ("Finish setting up before publishing: Describe what you do (a bio and your "
                                            "sector); Add a photo; Set your weekly hours; Add bank details for payouts.")
    await finish_setup(db, c["id"])
    r = await client.post("/api/v1/consultants/me/page/publish", headers=c["headers"])
    assert r.status_code == 200 and r.json()["is_published"] is True and r.json()["missing"] == []
    assert (await client.get(f"{PUBLIC}/{c['slug']}")).status_code == 200
    r = await client.post("/api/v1/consultants/me/page/unpublish", headers=c["headers"])
    assert r.status_code == 200 and r.json()["is_published"] is False and r.json()["published_at"] is None
    assert (await client.get(f"{PUBLIC}/{c['slug']}")).status_code == 404


async def test_a_pending_consultant_cannot_publish_over_the_api(client, db):
    account = await signup_consultant(client)
    r = await client.post("/api/v1/consultants/me/page/publish", headers=auth(account["access_token"]))
    assert r.status_code == 403 and r.json()["error"]["code"] == "consultant_not_approved"

# Test: pytest tests/http/test_publishing.py
