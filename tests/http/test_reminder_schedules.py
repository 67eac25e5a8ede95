# tests/http/test_reminder_schedules.py — a consultant's client reminder schedule over HTTP: GET/PUT /api/v1/consultants/me/reminders (the schema's bounds, 403 plan_limit from SQL, null back to the platform's) and the settings page (the form on a plan with the feature, read-only with an upgrade link without it).
from __future__ import annotations

import uuid

from tests.db import factories
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML
from tests.http.test_settings_pages import approved, consultant_row, submit

URL = "/api/v1/consultants/me/reminders"


async def give_plan(db, cid: str, plan: str) -> None:
    conn = await db.connect("owner")
    try:
        await factories.set_plan(conn, uuid.UUID(cid), plan)
    finally:
        await conn.close()


async def test_the_api_saves_a_schedule_on_a_plan_that_includes_it(client, db):
    c = await approved_consultant(client, db)
    h = c["headers"]
    r = await client.get(URL, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() == {"minutes_before": None, "in_force": [1440], "platform_minutes_before": [1440],
                        "custom_reminders": False, "plan": "Free", "upgrade_plan": "Basic"}
    r = await client.put(URL, headers=h, json={"minutes_before": [60]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "plan_limit", r.text
    assert r.json()["error"]["field"] == "minutes_before" and "Basic does" in r.json()["error"]["message"]
    assert (await client.put(URL, headers=h, json={"minutes_before": None})).status_code == 200
    await give_plan(db, c["id"], "basic")
    r = await client.put(URL, headers=h, json={"minutes_before": [30, 2880]})
    assert r.status_code == 200, r.text
    assert r.json()["minutes_before"] == r.json()["in_force"] == [2880, 30]
    # What is not even a schedule is the schema's 422, naming the field.
    for bad in ([], [60, 60], [10], [10081], [1440, 120, 60, 30], ["60"], [60.5]):
        r = await client.put(URL, headers=h, json={"minutes_before": bad})
        assert r.status_code == 422 and r.json()["error"]["field"].startswith("minutes_before"), (bad, r.text)
    assert (await client.put(URL, headers=h, json={})).status_code == 422
    # A downgrade keeps it, unused.
    await give_plan(db, c["id"], "free")
    got = (await client.get(URL, headers=h)).json()
    assert (got["minutes_before"], got["in_force"], got["custom_reminders"]) == ([2880, 30], [1440], False)
    assert (await client.get(URL)).status_code == 401


async def test_the_page_saves_the_schedule_in_the_units_typed(client, db):
    me = await approved(client, db)
    await give_plan(db, me["id"], "basic")
    page = (await client.get("/dashboard/settings/reminders", headers=HTML)).text
    assert "1 day before the session starts" in page and "upgrade" not in page.lower()
    r = await submit(client, "/reminders", {"action": "save", "reminder_0_amount": "2", "reminder_0_unit": "days",
                                            "reminder_1_amount": "", "reminder_1_unit": "hours",
                                            "reminder_2_amount": "45", "reminder_2_unit": "minutes"})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/settings/reminders?done=reminders"
    assert (await consultant_row(db, me["id"]))["reminder_minutes_before"] == [2880, 45]
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Reminder schedule saved" in page and "2 days before the session starts" in page
    assert "45 minutes before the session starts" in page and "In use" in page
    # Out of bounds or twice the same: the form again, beside the row, with what was typed.
    r = await submit(client, "/reminders", {"action": "save", "reminder_0_amount": "8", "reminder_0_unit": "days",
                                            "reminder_1_amount": "60", "reminder_1_unit": "minutes",
                                            "reminder_2_amount": "1", "reminder_2_unit": "hours"})
    assert r.status_code == 422 and "Between 15 minutes and 7 days" in r.text and "already at that time" in r.text
    assert 'value="8"' in r.text
    # Back to the platform's.
    r = await submit(client, "/reminders", {"action": "platform"})
    assert r.status_code == 303 and (await consultant_row(db, me["id"]))["reminder_minutes_before"] is None


async def test_without_the_plan_the_page_is_read_only_and_names_the_plan_to_upgrade_to(client, db):
    me = await approved(client, db)
    page = (await client.get("/dashboard/settings/reminders", headers=HTML)).text
    assert "does not include your own reminder schedule; Basic does" in page
    assert 'href="/dashboard/plan"' in page and "<fieldset disabled" in page
    r = await submit(client, "/reminders", {"action": "save", "reminder_0_amount": "2", "reminder_0_unit": "hours"})
    assert r.status_code == 403 and "Upgrade your plan" in r.text
    # Saved on a plan, then downgraded: kept, shown as not in use.
    await give_plan(db, me["id"], "basic")
    await submit(client, "/reminders", {"action": "save", "reminder_0_amount": "3", "reminder_0_unit": "hours"})
    await give_plan(db, me["id"], "free")
    page = (await client.get("/dashboard/settings/reminders", headers=HTML)).text
    assert "Saved, not in use" in page and 'value="3"' in page and "kept but not in use" in page
    assert "1 day before the session starts" in page

# Test: pytest tests/http/test_reminder_schedules.py
