# tests/http/test_email_template_bounds.py — super admins' email templates are rendered bounded: in a child process killed on timeout, off the event loop, with range, size and output limits, at preview, at save and when the worker sends.
from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from app import template_sandbox
from app.email_samples import sample
from tests.http.helpers import auth, make_admin
from tests.jobs.test_outbox import owner as outbox_owner
from tests.jobs.test_outbox import queue, run_worker

BASE = "/api/v1/admin/email-templates"
GOOD = {"subject": "Welcome aboard, {{ first_name }}!",
        "html_body": "<p>Namaste {{ first_name }}, your page /{{ slug }} is live.</p>",
        "text_body": "Namaste {{ first_name }}, your page /{{ slug }} is live."}
# Three nested loops of a thousand: a billion steps that print nothing, so no output limit can stop them.
NEVER_ENDS = ("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
              "{% endfor %}{% endfor %}{% endfor %}")


async def super_admin(db, client) -> dict:
    return auth(await make_admin(db, client, role="super_admin"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_template_that_never_finishes_is_stopped_answered_422_and_its_process_killed(client, db):
    h = await super_admin(db, client)
    assert (await client.post(f"{BASE}/account_approved/preview", headers=h, json=GOOD)).status_code == 200
    pid = template_sandbox.RENDERER.pid
    assert pid is not None and alive(pid)
    r = await client.post(f"{BASE}/account_approved/preview", headers=h, json={**GOOD, "text_body": NEVER_ENDS})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "template_too_slow" and error["field"] == "text_body"
    assert "took too long" in error["message"]
    assert not alive(pid)  # killed and reaped, not left running
    again = await client.post(f"{BASE}/account_approved/preview", headers=h, json=GOOD)
    assert again.status_code == 200 and again.json()["subject"] == "Welcome aboard, Asha!"
    assert template_sandbox.RENDERER.pid not in (None, pid)


def test_the_renderer_has_no_secrets_and_bounded_memory():
    (rendered,) = template_sandbox.RENDERER.render("account_approved", [sample("account_approved")], GOOD)
    assert rendered.subject == "Welcome aboard, Asha!"
    pid = template_sandbox.RENDERER.pid
    environ, limits = Path(f"/proc/{pid}/environ").read_bytes(), Path(f"/proc/{pid}/limits").read_text()
    names = {entry.split(b"=", 1)[0].decode() for entry in environ.split(b"\0") if entry}
    # No database URL, no JWT_SECRET, PASSWORD_PEPPER or DATA_ENCRYPTION_KEY: only what Python needs.
    assert names <= {"PATH", "TZDIR", "PYTHONHOME", "PYTHONUTF8", "PYTHONDONTWRITEBYTECODE", "LANG"}, names
    address_space = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert str(template_sandbox.MEMORY_BYTES) in address_space


async def test_healthz_is_answered_while_a_template_is_being_rendered(client, db, monkeypatch):
    h = await super_admin(db, client)
    loop, started, release = asyncio.get_running_loop(), asyncio.Event(), threading.Event()
    state = {"finished": 0}
    real = template_sandbox.RENDERER.render

    def held(*args, **kwargs):
        loop.call_soon_threadsafe(started.set)
        release.wait(timeout=10)  # only keeps a broken build (rendering on the loop) from hanging
        try:
            return real(*args, **kwargs)
        finally:
            state["finished"] += 1

    monkeypatch.setattr(template_sandbox.RENDERER, "render", held)
    preview = asyncio.create_task(client.post(f"{BASE}/account_approved/preview", headers=h,
                                              json={**GOOD, "html_body": NEVER_ENDS}))
    try:
        await started.wait()
        assert (await client.get("/healthz")).status_code == 200
        assert state["finished"] == 0, "/healthz waited for the template: it was rendered on the event loop"
    finally:
        release.set()
    r = await preview
    assert r.status_code == 422 and r.json()["error"]["code"] == "template_too_slow"


@pytest.mark.parametrize("part, source", [
    ("html_body", "{% for i in range(10**9) %}x{% endfor %}"),           # a range past the limit
    ("text_body", "{{ 'x' * 10**9 }}"),                                 # a string a gigabyte long
    ("subject", "{{ 7 ** (10 ** 8) }}"),                                 # a number of millions of digits
    ("html_body", "{{ 'x' * 900000 }}{{ 'y' * 900000 }}"),              # output past the limit
    ("text_body", "{% for i in range(1000) %}" + "z" * 1001 + "{% endfor %}"),
], ids=["range", "string", "power", "output", "loop-output"])
async def test_templates_too_large_are_refused_422_naming_the_part(client, db, part, source):
    h = await super_admin(db, client)
    r = await client.post(f"{BASE}/account_approved/preview", headers=h, json={**GOOD, part: source})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "template_too_large" and error["field"] == part, error
    assert "too large" in error["message"]


async def test_internals_stay_out_of_reach(client, db):
    h = await super_admin(db, client)
    for source in ("{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}",
                   "{{ self._TemplateReference__context }}", "{{ [].append(1) }}",
                   "{{ lipsum.__globals__['os'] }}", "{{ range.__self__ }}"):
        r = await client.post(f"{BASE}/account_approved/preview", headers=h, json={**GOOD, "text_body": source})
        assert r.status_code == 422 and r.json()["error"]["code"] == "template_invalid", (source, r.text)


async def test_a_template_that_cannot_render_within_bounds_is_never_saved(client, db):
    h = await super_admin(db, client)
    for bad in ({**GOOD, "html_body": NEVER_ENDS}, {**GOOD, "text_body": "{{ 'x' * 10**9 }}"}):
        r = await client.put(f"{BASE}/account_approved", headers=h, json=bad)
        assert r.status_code == 422 and r.json()["error"]["code"] in ("template_too_slow", "template_too_large")
    assert (await client.get(f"{BASE}/account_approved", headers=h)).json()["override"] is None


async def test_the_editor_page_says_the_template_took_too_long_beside_the_form(client, db):
    from tests.http.test_admin_pages import admin_sign_in
    from tests.http.test_pages import HTML, csrf_of

    await admin_sign_in(client, db, role="super_admin")
    page = await client.get("/admin/email-templates/account_approved", headers=HTML)
    r = await client.post("/admin/email-templates/account_approved", headers=HTML,
                          data={"csrf_token": csrf_of(page.text), "action": "preview", **GOOD, "html_body": NEVER_ENDS})
    assert r.status_code == 422 and "took too long" in r.text and 'role="alert"' in r.text


async def test_the_worker_sends_the_built_in_message_when_a_stored_override_runs_away(client, db):
    """An override stored around the API (by psql, or before these bounds) that never finishes on real data
    is stopped in the worker too: the message goes out with the built-in template, and the worker is free."""
    conn = await outbox_owner(db)
    try:
        await conn.execute("insert into app.email_templates (email_type, subject, html_body, text_body) "
                           "values ('account_approved', 'Hi {{ first_name }}', $1, 'Hi')", NEVER_ENDS)
        await queue(conn, "account_approved", {"first_name": "Meera", "slug": "meera-iyer"}, to="meera@example.com")
        await run_worker(db)
        sent = await conn.fetchrow("select subject, text_body from app.email_outbox")
        assert sent["subject"] == "Your Nakksha account is approved"
        status = await conn.fetchval("select status from app.email_logs")
        assert status == "sent"
    finally:
        await conn.close()

# Test: pytest tests/http/test_email_template_bounds.py
