# tests/http/test_admin_overview_pages.py — the admin's platform pages over HTTP: overview, platform sessions, one consultant's analytics, system, settings (super admins), and the chosen-dates period on the dashboard home.
from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from decimal import Decimal

from tests.db.test_daily_analytics import D
from tests.http.helpers import PASSWORD
from tests.http.test_admin_analytics import fixture_consultant
from tests.http.test_admin_pages import admin_sign_in, owner_fetch
from tests.http.test_pages import HTML, csrf_of, sign_in

PERIOD = {"timeframe": "custom", "from": D.isoformat(), "to": (D + timedelta(days=1)).isoformat()}


def cells(html: str) -> list[list[str]]:
    """Every table row's cell texts (tags dropped), to check figures without depending on markup."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows]


async def test_the_overview_shows_the_platform_for_a_period_and_explains_a_bad_one(client, db):
    c = await fixture_consultant(client, db)
    await admin_sign_in(client, db)
    r = await client.get("/admin/overview", headers=HTML, params=PERIOD)
    assert r.status_code == 200, r.text
    page = r.text
    assert "<h1>Platform overview</h1>" in page and "Chosen dates" in page
    assert "₹2,000.00" in page and "₹2,300.00 paid (₹2,300.00 sessions, ₹0.00 quotations) − ₹300.00 refunded" in page
    # The trend's table has each day of the period with its sessions and revenue (IST days).
    rows = cells(page)
    assert ["Tue 10 Nov 2026", "₹1,200.00", "3"] in rows and ["Wed 11 Nov 2026", "₹800.00", "1"] in rows
    assert "No one signed up from 10 Nov 2026 to 11 Nov 2026." in page  # an empty chart says what would show
    # Sessions by status, with links to the sessions page filtered the same way.
    assert 'href="/admin/sessions?status=cancelled"' in page and "Completed</a>: 1 (20.0%)" in page and "<title>Completed 1, 20.0%</title>" in page  # of 5: 1 to come, 1 cancelled, 1 no-show, 1 abandoned
    # The top consultant links to their analytics for the same period.
    assert f'/admin/consultants/{c["id"]}/analytics?timeframe=custom&amp;from={D.isoformat()}' in page
    # A period the database refuses: this month instead, with the reason beside the picker.
    for bad in ({"timeframe": "decade"}, {"timeframe": "custom", "from": "2026-02-01"},
                {"timeframe": "custom", "from": "2026-02-01", "to": "2026-01-01"}, {"timeframe": "custom", "from": "x"}):
        r = await client.get("/admin/overview", headers=HTML, params=bad)
        assert r.status_code == 422, (bad, r.status_code)
        assert 'role="alert" id="period-error"' in r.text and "Showing this month instead." in r.text, bad
        assert "This month" in r.text


async def test_one_consultants_analytics_match_what_they_see(client, db):
    c = await fixture_consultant(client, db)
    await admin_sign_in(client, db)
    mine = (await client.get("/api/v1/dashboard/metrics", headers=c["headers"], params=PERIOD)).json()
    r = await client.get(f"/admin/consultants/{c['id']}/analytics", headers=HTML, params=PERIOD)
    assert r.status_code == 200, r.text
    assert mine["total_revenue"] == "2000.00"
    assert "₹2,000.00" in r.text and f"{mine['total_sessions']}</dd>" in r.text
    assert f"{mine['completion_rate']}%" in r.text and "Revenue by source" in r.text
    assert f'href="/admin/sessions?consultant_id={c["id"]}"' in r.text
    # The consultant's page links here; an unknown consultant is a 404 page.
    detail = await client.get(f"/admin/consultants/{c['id']}", headers=HTML)
    assert f'href="/admin/consultants/{c["id"]}/analytics"' in detail.text
    missing = await client.get(f"/admin/consultants/{uuid.uuid4()}/analytics", headers=HTML)
    assert missing.status_code == 404


async def test_platform_sessions_filter_by_status_consultant_and_ist_dates(client, db):
    c = await fixture_consultant(client, db)
    await admin_sign_in(client, db)
    every = await client.get("/admin/sessions", headers=HTML)
    assert every.status_code == 200 and "5 sessions" in every.text
    # The form as a browser sends it, empty fields included.
    blank = await client.get("/admin/sessions", headers=HTML, params={"status": "", "from": "", "to": ""})
    assert blank.status_code == 200 and "5 sessions" in blank.text
    cancelled = await client.get("/admin/sessions", headers=HTML, params={"status": "cancelled"})
    assert "1 session<" in cancelled.text and "Cancelled" in cancelled.text
    # Dates are whole days in India: D's sessions start 00:10, 12:00, 15:00 and 23:00 IST (00:10 is the day
    # before in UTC), the next day's at 00:05.
    day = await client.get("/admin/sessions", headers=HTML, params={"from": D.isoformat(), "to": D.isoformat()})
    assert "4 sessions" in day.text, day.text
    theirs = await client.get("/admin/sessions", headers=HTML, params={"consultant_id": c["id"]})
    assert "5 sessions" in theirs.text and "Only " in theirs.text and "Show everyone" in theirs.text
    nobody = await client.get("/admin/sessions", headers=HTML, params={"consultant_id": str(uuid.uuid4())})
    assert "0 sessions" in nobody.text and "No sessions match these filters." in nobody.text
    empty_page = await client.get("/admin/sessions", headers=HTML, params={"page": 9})
    assert "There is nothing on this page." in empty_page.text
    # Filters that make no sense: the form as typed, the reason, no list.
    for bad, field in (({"status": "lost"}, "status"), ({"from": "31-12-2026"}, "from"),
                       ({"from": "2026-02-01", "to": "2026-01-01"}, "to"), ({"consultant_id": "x"}, "consultant_id"),
                       ({"page": "0"}, "page")):
        r = await client.get("/admin/sessions", headers=HTML, params=bad)
        assert r.status_code == 422, (bad, r.status_code)
        assert 'role="alert" id="form-error"' in r.text and "<h2 id=\"list-title\">" not in r.text, bad
        if field in ("status", "from", "to"):
            assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', r.text), bad


async def test_the_system_page_reports_queues_views_and_the_database(client, db):
    await fixture_consultant(client, db)
    await admin_sign_in(client, db)
    r = await client.get("/admin/system", headers=HTML)
    assert r.status_code == 200, r.text
    assert "analytics.consultant_dashboard_stats" in r.text and "Stale" not in r.text
    assert re.search(r"<td>emails</td><td>\d+</td>", r.text)  # mail waiting in the emails queue
    version = (await owner_fetch(db, "select current_setting('server_version') as v"))["v"]
    assert f"PostgreSQL {version}" in r.text and "MiB" in r.text
    # Views that missed two refreshes are flagged.
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.view_refreshes set refreshed_at = now() - interval '1 hour'")
    finally:
        await conn.close()
    assert "Stale" in (await client.get("/admin/system", headers=HTML)).text


async def test_the_system_page_warns_while_the_platform_s_gst_details_are_empty(client, db):
    """The outside review: with them empty, the platform's tax invoices (commission, plan charges) print no GSTIN."""
    await admin_sign_in(client, db)
    page = (await client.get("/admin/system", headers=HTML)).text
    assert "The platform's GST details are incomplete</strong> (no GSTIN, legal name" in page
    assert "A super admin sets them" in page
    conn = await db.connect("owner")
    try:
        for key, value in (("platform_gstin", "27AAACN1234F1Z5"), ("platform_legal_name", "Nakksha Technologies"),
                           ("platform_state_code", "27"), ("platform_address", "1 Example Road, Pune 411001")):
            await conn.execute("insert into app.platform_settings (key, value) values ($1, to_jsonb($2::text)) "
                               "on conflict (key) do update set value = excluded.value", key, value)
    finally:
        await conn.close()
    assert "GST details are incomplete" not in (await client.get("/admin/system", headers=HTML)).text


async def test_settings_are_for_super_admins_saved_checked_and_audited(client, db):
    await admin_sign_in(client, db)
    r = await client.get("/admin/settings", headers=HTML)
    assert r.status_code == 403 and "Only super admins" in r.text
    assert 'href="/admin/settings"' not in (await client.get("/admin", headers=HTML)).text
    client.cookies.clear()
    await admin_sign_in(client, db, role="super_admin")
    page = await client.get("/admin/settings", headers=HTML)
    assert page.status_code == 200 and 'href="/admin/settings"' in page.text
    assert re.search(r'id="default_hold_minutes"[^>]*min="5" max="120" value="15"', page.text)
    assert 'name="plan_code_3" aria-label="Plan 4 code" maxlength="30" value="enterprise"' in page.text
    token = csrf_of(page.text)
    fields = {"csrf_token": token, "platform_name": "Nakksha", "support_email": "support@nakksha.in",
              "default_hold_minutes": "15", "booking_horizon_days": "60", "reminder_hours_before": "24",
              "meeting_link_wait_seconds": "120", "calendar_busy_refresh_minutes": "15", "view_refresh_minutes": "5"}
    current = (await owner_fetch(db, "select jsonb_object_agg(key, value) as s from app.platform_settings"))["s"]
    current = json.loads(current)
    fields |= {k: str(current[k]) for k in fields if k in current and not isinstance(current[k], str)}
    plans = {}
    rows = (await owner_fetch(db, "select jsonb_agg(p order by p.position) as p from app.plans p"))["p"]
    for i, p in enumerate(json.loads(rows)):  # the plans as the form shows them, commission included
        plans |= {f"plan_code_{i}": p["code"], f"plan_name_{i}": p["name"], f"plan_price_{i}": str(p["price_monthly"]),
                  f"plan_commission_{i}": str(p["commission_percent"]), f"plan_minimum_{i}": str(p["commission_min"])}
    for i in (4, 5):
        plans |= {f"plan_{k}_{i}": "" for k in ("code", "name", "price", "commission", "minimum")}

    async def audits() -> int:
        return (await owner_fetch(db, "select count(*) as n from app.admin_audit_log where action = 'settings_updated'"))["n"]

    # Nothing changed: nothing saved, nothing audited.
    r = await client.post("/admin/settings", headers=HTML, data={**fields, **plans})
    assert r.status_code == 303 and r.headers["location"] == "/admin/settings?done=unchanged"
    assert await audits() == 0
    # A change and a new plan: only those are saved and audited.
    r = await client.post("/admin/settings", headers=HTML, data={
        **fields, **plans, "default_hold_minutes": "20", "plan_code_4": "team", "plan_name_4": "Team",
        "plan_price_4": "2,999"})
    assert r.status_code == 303 and r.headers["location"] == "/admin/settings?done=saved"
    after = json.loads((await owner_fetch(db, "select jsonb_object_agg(key, value) as s from app.platform_settings"))["s"])
    team = await owner_fetch(db, "select * from app.plans where code = 'team'")
    assert after["default_hold_minutes"] == 20 and (team["name"], team["price_monthly"], team["commission_percent"],
                                                    team["commission_min"]) == ("Team", 2999, 10, 10)
    # The commission of a plan, changed from the same table.
    r = await client.post("/admin/settings", headers=HTML, data={
        **fields, **plans, "default_hold_minutes": "20", "plan_code_4": "team", "plan_name_4": "Team",
        "plan_price_4": "2999", "plan_commission_4": "4.5", "plan_minimum_4": "5"})
    assert r.status_code == 303 and r.headers["location"] == "/admin/settings?done=saved"
    team = await owner_fetch(db, "select * from app.plans where code = 'team'")
    assert (team["commission_percent"], team["commission_min"]) == (Decimal("4.50"), Decimal("5.00"))
    changes = json.loads((await owner_fetch(db, "select details from app.admin_audit_log where action = "
                                                "'settings_updated' order by id limit 1"))["details"])["changes"]
    assert set(changes) == {"default_hold_minutes", "plans"}
    saved = await client.get("/admin/settings?done=saved", headers=HTML)
    assert "Settings saved." in saved.text and 'value="team"' in saved.text
    # Refused values: the form as typed, the reason at the field, nothing saved.
    for bad, field in (({"default_hold_minutes": "1000"}, "default_hold_minutes"),
                       ({"booking_horizon_days": "soon"}, "booking_horizon_days"),
                       ({"support_email": "nope"}, "support_email"), ({"platform_name": "  "}, "platform_name"),
                       ({"platform_gstin": "29AAPFU0939F1ZX"}, "platform_gstin"),
                       ({"platform_state_code": "99"}, "platform_state_code"),
                       ({"plan_code_0": "FREE"}, "plans"), ({"plan_price_1": "-5"}, "plans"),
                       ({"plan_price_1": "lots"}, "plans"), ({"plan_price_1": "1e400"}, "plans"),
                       ({"plan_price_1": "NaN"}, "plans"), ({"plan_price_1": "499.999"}, "plans"),
                       ({"plan_commission_1": "51"}, "plans"), ({"plan_minimum_1": "-1"}, "plans"),
                       ({"plan_code_0": "", "plan_name_0": "", "plan_price_0": "", "plan_commission_0": "",
                         "plan_minimum_0": ""}, "plans")):
        r = await client.post("/admin/settings", headers=HTML, data={**fields, **plans, **bad})
        assert r.status_code == 422, (bad, r.status_code)
        assert 'class="error-summary" role="alert"' in r.text and f'href="#{field}"' in r.text, bad
        summary = re.search(r'<div class="error-summary".*?</div>', r.text, re.S).group(0)
        assert "_" not in re.sub(r"<[^>]+>", "", summary), summary  # labels, never a setting's key
        assert re.search(rf'{field}[^>]*aria-invalid="true"' if field != "plans" else r'plan_code_0[^>]*aria-invalid',
                         r.text), bad
        assert f'value="{next(iter(bad.values()))}"' in r.text, bad
    # Every number out of its range is reported at once, in words, beside its field.
    r = await client.post("/admin/settings", headers=HTML, data={**fields, **plans, "default_hold_minutes": "1000",
                                                                 "booking_horizon_days": "soon"})
    assert r.status_code == 422
    assert re.findall(r'<p class="field-error" id="([^"]+)-error">', r.text) == ["default_hold_minutes",
                                                                              "booking_horizon_days"]
    assert "Days ahead clients can book: a whole number from 7 to 365." in r.text
    # Clearing every plan row is refused (there must be one), and a forged post does nothing.
    cleared = {k: "" for k in plans}
    assert (await client.post("/admin/settings", headers=HTML, data={**fields, **cleared})).status_code == 422
    r = await client.post("/admin/settings", headers=HTML, data={**fields, "csrf_token": "x" * 32,
                                                                 "default_hold_minutes": "30"})
    assert r.status_code == 403
    assert json.loads((await owner_fetch(db, "select value from app.platform_settings "
                                             "where key = 'default_hold_minutes'"))["value"]) == 20
    assert await audits() == 2  # the new plan, then its commission


async def test_the_dashboard_home_takes_chosen_dates(client, db):
    c = await fixture_consultant(client, db)
    email = (await owner_fetch(db, "select email from app.consultants where id = $1", uuid.UUID(c["id"])))["email"]
    assert (await sign_in(client, email, PASSWORD)).status_code == 303
    r = await client.get("/dashboard", headers=HTML, params=PERIOD)
    assert r.status_code == 200, r.text
    assert "Chosen dates" in r.text and "₹2,000.00" in r.text and f'value="{D.isoformat()}"' in r.text
    r = await client.get("/dashboard", headers=HTML, params={"timeframe": "year", "from": "", "to": ""})
    assert r.status_code == 200 and "This year" in r.text
    r = await client.get("/dashboard", headers=HTML, params={"timeframe": "custom"})
    assert r.status_code == 422 and "Showing this month instead." in r.text

# Test: pytest tests/http/test_admin_overview_pages.py
