# tests/http/test_email_templates.py — super admins override email templates: preview, save only what renders, reset; the worker sends the override.
from __future__ import annotations

import uuid

from tests.http.helpers import auth, make_admin
from tests.jobs.test_outbox import owner as outbox_owner
from tests.jobs.test_outbox import queue, run_worker

BASE = "/api/v1/admin/email-templates"
GOOD = {"subject": "Welcome aboard, {{ first_name }}!",
        "html_body": "<p>Namaste {{ first_name }}, your page /{{ slug }} is live.</p>",
        "text_body": "Namaste {{ first_name }}, your page /{{ slug }} is live."}


async def super_admin(db, client) -> dict:
    return auth(await make_admin(db, client, role="super_admin"))


async def test_only_super_admins_reach_the_templates(client, db):
    plain = auth(await make_admin(db, client, role="admin"))
    assert (await client.get(BASE, headers=plain)).status_code == 403
    assert (await client.put(f"{BASE}/account_approved", headers=plain, json=GOOD)).status_code == 403
    assert (await client.get(BASE)).status_code == 401
    h = await super_admin(db, client)
    listed = (await client.get(BASE, headers=h)).json()["items"]
    assert {i["email_type"] for i in listed} >= {"session_confirmation", "verify_email"}
    assert not any(i["overridden"] for i in listed)
    one = (await client.get(f"{BASE}/account_approved", headers=h)).json()
    assert "{{ first_name }}" in one["built_in"]["html_body"] and "extends" not in one["built_in"]["html_body"]
    assert one["override"] is None and one["sample_data"]["first_name"] == "Asha"
    assert (await client.get(f"{BASE}/no_such_type", headers=h)).status_code == 404


async def test_preview_renders_on_sample_data_without_saving(client, db):
    h = await super_admin(db, client)
    r = await client.post(f"{BASE}/session_confirmation/preview", headers=h, json={})
    assert r.status_code == 200 and "₹1,499.50" in r.json()["text"] and "10:00 AM IST" in r.json()["subject"]
    r = await client.post(f"{BASE}/account_approved/preview", headers=h, json=GOOD)
    assert r.json()["subject"] == "Welcome aboard, Asha!" and "your page /asha-verma is live" in r.json()["html"]
    assert "<!doctype html>" in r.json()["html"]  # inside the shared layout
    assert (await client.get(f"{BASE}/account_approved", headers=h)).json()["override"] is None


async def test_a_template_that_does_not_render_is_refused_on_save(client, db):
    h = await super_admin(db, client)
    for bad in ({**GOOD, "subject": "Hi {{ nobody_knows_me }}"},           # data the message does not carry
                {**GOOD, "html_body": "<p>{% if %}</p>"},                      # a syntax error
                {**GOOD, "text_body": "{{ ''.__class__.__mro__ }}"}):          # the sandbox refuses internals
        r = await client.put(f"{BASE}/account_approved", headers=h, json=bad)
        assert r.status_code == 422 and r.json()["error"]["code"] == "template_invalid", r.text
    assert (await client.get(f"{BASE}/account_approved", headers=h)).json()["override"] is None
    for bad in ({**GOOD, "subject": ""}, {"subject": "x"}, {**GOOD, "extra": 1}):
        assert (await client.put(f"{BASE}/account_approved", headers=h, json=bad)).status_code == 422


async def test_a_saved_override_is_what_the_worker_sends_until_reset(client, db):
    h = await super_admin(db, client)
    r = await client.put(f"{BASE}/account_approved", headers=h, json=GOOD)
    assert r.status_code == 200 and r.json()["subject"] == GOOD["subject"]
    conn = await outbox_owner(db)
    try:
        audit = await conn.fetchval("select count(*) from app.admin_audit_log where action = 'email_template_overridden'")
        assert audit == 1
        await queue(conn, "account_approved", {"first_name": "Meera", "slug": "meera-iyer"}, to="meera@example.com")
        await run_worker(db)
        sent = await conn.fetchrow("select subject, html_body, text_body from app.email_outbox")
        assert sent["subject"] == "Welcome aboard, Meera!"
        assert "your page /meera-iyer is live" in sent["text_body"] and "<!doctype html>" in sent["html_body"]
        # Reset: the built-in template again.
        assert (await client.delete(f"{BASE}/account_approved", headers=h)).status_code == 204
        assert (await client.delete(f"{BASE}/account_approved", headers=h)).status_code == 404
        await queue(conn, "account_approved", {"first_name": "Ravi", "slug": "ravi"}, to=f"r{uuid.uuid4().hex[:6]}@example.com")
        await run_worker(db)
        subjects = {r["subject"] for r in await conn.fetch("select subject from app.email_outbox")}
        assert "Your Nakksha account is approved" in subjects
    finally:
        await conn.close()


async def test_overridden_html_escapes_the_data_it_shows(client, db):
    h = await super_admin(db, client)
    await client.put(f"{BASE}/account_rejected", headers=h, json={
        "subject": "About your application", "html_body": "<p>{{ reason }}</p>", "text_body": "{{ reason }}"})
    conn = await outbox_owner(db)
    try:
        await queue(conn, "account_rejected", {"first_name": "X", "reason": "<script>alert(1)</script>"})
        await run_worker(db)
        html = await conn.fetchval("select html_body from app.email_outbox")
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    finally:
        await conn.close()



async def test_the_admin_editor_previews_refuses_broken_templates_saves_and_resets(client, db):
    from tests.http.test_admin_pages import admin_sign_in
    from tests.http.test_pages import HTML, csrf_of

    await admin_sign_in(client, db, role="super_admin")
    listing = await client.get("/admin/email-templates", headers=HTML)
    assert listing.status_code == 200 and "/admin/email-templates/session_confirmation" in listing.text
    page = await client.get("/admin/email-templates/account_approved", headers=HTML)
    assert page.status_code == 200 and "Built in" in page.text and "Your Nakksha account is approved" in page.text
    token = csrf_of(page.text)
    broken = await client.post("/admin/email-templates/account_approved", headers=HTML,
                               data={"csrf_token": token, "action": "save", **GOOD, "html_body": "{{ nope }}"})
    assert broken.status_code == 422 and "does not render" in broken.text and "{{ nope }}" in broken.text
    preview = await client.post("/admin/email-templates/account_approved", headers=HTML,
                                data={"csrf_token": token, "action": "preview", **GOOD})
    assert preview.status_code == 200 and "Welcome aboard, Asha!" in preview.text
    h = await super_admin(db, client)
    assert (await client.get(f"{BASE}/account_approved", headers=h)).json()["override"] is None  # a preview saves nothing
    saved = await client.post("/admin/email-templates/account_approved", headers=HTML,
                              data={"csrf_token": token, "action": "save", **GOOD})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=saved")
    assert (await client.get(f"{BASE}/account_approved", headers=h)).json()["override"]["subject"] == GOOD["subject"]
    frame = await client.get("/admin/email-templates/account_approved/frame", headers=HTML)
    assert "Welcome aboard" in frame.text or "your page /asha-verma is live" in frame.text
    assert frame.headers["content-security-policy"].startswith("sandbox")
    reset = await client.post("/admin/email-templates/account_approved", headers=HTML,
                              data={"csrf_token": token, "action": "reset"})
    assert reset.status_code == 303
    assert (await client.get(f"{BASE}/account_approved", headers=h)).json()["override"] is None
    forged = await client.post("/admin/email-templates/account_approved", headers=HTML,
                               data={"csrf_token": "forged" * 5, "action": "save", **GOOD})
    assert forged.status_code == 403


async def test_a_plain_admin_gets_a_403_page_for_the_editor(client, db):
    from tests.http.test_admin_pages import admin_sign_in
    from tests.http.test_pages import HTML

    await admin_sign_in(client, db, role="admin")
    r = await client.get("/admin/email-templates/account_approved", headers=HTML)
    assert r.status_code == 403 and "<h1>This page is for super admins</h1>" in r.text


async def test_an_override_must_render_for_sessions_without_optional_fields_too(client, db):
    h = await super_admin(db, client)
    needs_link = {"subject": "Soon: {{ title }}", "html_body": "<p><a href='{{ manage_url }}'>Manage</a></p>",
                  "text_body": "{{ manage_url }}"}
    r = await client.put(f"{BASE}/session_reminder", headers=h, json=needs_link)
    assert r.status_code == 422 and "manage_url" in r.json()["error"]["message"]
    r = await client.put(f"{BASE}/session_reminder", headers=h, json={**needs_link, "text_body": "{{ 1 / 0 }}",
                                                                        "html_body": "<p>x</p>"})
    assert r.status_code == 422
    optional = {"subject": "Soon: {{ title }}",
                "html_body": "<p>{% if manage_url is defined %}<a href='{{ manage_url }}'>Manage</a>{% endif %}</p>",
                "text_body": "{{ title }}{% if manage_url is defined %} {{ manage_url }}{% endif %}"}
    assert (await client.put(f"{BASE}/session_reminder", headers=h, json=optional)).status_code == 200

# Test: pytest tests/http/test_email_templates.py
