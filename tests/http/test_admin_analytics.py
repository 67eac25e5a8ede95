# tests/http/test_admin_analytics.py — the admins' platform API: analytics, one consultant's metrics, platform sessions, system health, settings (super admins, checked and audited).
from __future__ import annotations

import uuid
from datetime import timedelta

from tests.db.test_daily_analytics import D, build_fixture
from tests.http.helpers import auth, make_admin
from tests.http.test_booking import approved_consultant

A = "/api/v1/admin"


async def fixture_consultant(client, db) -> dict:
    c = await approved_consultant(client, db)
    conn = await db.connect("owner")
    try:
        await build_fixture(conn, uuid.UUID(c["id"]))
        await conn.fetchval("select api.refresh_daily_analytics()")
        await conn.fetchval("select api.refresh_views()")
    finally:
        await conn.close()
    return c


async def test_platform_analytics_and_one_consultant_as_they_see_it(client, db):
    c = await fixture_consultant(client, db)
    await approved_consultant(client, db)  # a second one, with nothing
    h = auth(await make_admin(db, client))
    period = {"timeframe": "custom", "from": D.isoformat(), "to": (D + timedelta(days=1)).isoformat()}
    r = await client.get(f"{A}/analytics", headers=h, params=period)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["revenue"] == {"gross": "2300.00", "refunded": "300.00", "net": "2000.00", "sessions": "2300.00",
                            "quotations": "0.00"}
    assert a["sessions"] == {"total": 4, "pending": 1, "completed": 1, "cancelled": 1, "abandoned": 1, "no_show": 1}
    assert a["consultants"]["approved"] == 2
    assert [t["consultant_id"] for t in a["top_consultants"]] == [c["id"]] and a["top_consultants"][0]["revenue"] == "2000.00"
    mine = (await client.get("/api/v1/dashboard/metrics", headers=c["headers"], params=period)).json()
    theirs = (await client.get(f"{A}/consultants/{c['id']}/analytics", headers=h, params=period)).json()
    assert theirs == mine
    assert (await client.get(f"{A}/consultants/{uuid.uuid4()}/analytics", headers=h)).status_code == 404
    # Consultants are not admins.
    for path in ("/analytics", f"/consultants/{c['id']}/analytics", "/sessions", "/system", "/settings"):
        assert (await client.get(A + path, headers=c["headers"])).status_code in (401, 403), path


async def test_platform_sessions_filter_and_page(client, db):
    c = await fixture_consultant(client, db)
    h = auth(await make_admin(db, client))
    every = (await client.get(f"{A}/sessions", headers=h, params={"per_page": 2})).json()
    assert every["total"] == 5 and len(every["items"]) == 2 and every["items"][0]["consultant_id"] == c["id"]
    cancelled = (await client.get(f"{A}/sessions", headers=h, params={"status": "cancelled"})).json()
    assert cancelled["total"] == 1 and cancelled["items"][0]["status"] == "cancelled"
    other = (await client.get(f"{A}/sessions", headers=h, params={"consultant_id": str(uuid.uuid4())})).json()
    assert other["total"] == 0
    for bad in ({"status": "lost"}, {"from": "0001-01-01T00:00:00+00:00"}, {"per_page": 1000}, {"consultant_id": "x"}):
        assert (await client.get(f"{A}/sessions", headers=h, params=bad)).status_code in (400, 422), bad


async def test_the_system_page_reports_queues_views_and_the_database(client, db):
    await fixture_consultant(client, db)
    h = auth(await make_admin(db, client))
    s = (await client.get(f"{A}/system", headers=h)).json()
    assert any(j["queue"] == "emails" and j["status"] == "todo" for j in s["jobs"])
    [view] = s["materialized_views"]
    assert view["view"] == "analytics.consultant_dashboard_stats" and view["age_seconds"] < 120
    assert s["database"]["size_bytes"] > 0 and s["database"]["version"].startswith("18")
    assert s["database"]["migration"] >= "20261124102200" and s["analytics_backlog"] == 0


async def test_settings_are_for_super_admins_checked_and_audited(client, db):
    admin = auth(await make_admin(db, client))
    assert (await client.get(f"{A}/settings", headers=admin)).status_code == 403
    assert (await client.put(f"{A}/settings", headers=admin, json={"default_hold_minutes": 20})).status_code == 403
    boss = auth(await make_admin(db, client, role="super_admin"))
    settings = (await client.get(f"{A}/settings", headers=boss)).json()
    assert settings["default_hold_minutes"]["value"] == 15 and "description" in settings["plans"]
    r = await client.put(f"{A}/settings", headers=boss, json={"default_hold_minutes": 20, "platform_name": " Nakksha India "})
    assert r.status_code == 200, r.text
    assert r.json()["default_hold_minutes"]["value"] == 20 and r.json()["platform_name"]["value"] == "Nakksha India"
    for bad in ({"default_hold_minutes": 1000}, {"default_hold_minutes": "20"}, {"default_hold_minutes": 2.5},
                {"support_email": "nope"}, {"plans": []}, {"plans": [{"code": "X", "name": "", "price_monthly": -1}]},
                {"plans": [{"code": "big", "name": "Big", "price_monthly": 10 ** 40}]},
                {"plans": [{"code": "odd", "name": "Odd", "price_monthly": 1.001}]},
                {"colour": "blue"}, {}):
        r = await client.put(f"{A}/settings", headers=boss, json=bad)
        assert r.status_code == 422, (bad, r.text)
    for not_an_object in ([], "x"):  # as on every JSON endpoint: the body must be an object
        r = await client.put(f"{A}/settings", headers=boss, json=not_an_object)
        assert (r.status_code, r.json()["error"]["code"]) == (400, "malformed_json"), r.text
    r = await client.put(f"{A}/settings", headers={**boss, "content-type": "application/json"}, content=b"{")
    assert r.status_code == 400
    after = (await client.get(f"{A}/settings", headers=boss)).json()
    assert after["default_hold_minutes"]["value"] == 20 and "colour" not in after  # the refused changes left nothing
    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select count(*) from app.admin_audit_log where action = 'settings_updated'") == 1
    finally:
        await conn.close()

# Test: pytest tests/http/test_admin_analytics.py
