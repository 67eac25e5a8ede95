# tests/http/test_rate_limits.py — rate limits on signup, login, refresh and forgot-password hold per IP, per account, across processes.
from __future__ import annotations

import signal
import subprocess
import sys

import httpx

from tests.http.conftest import make_app
from tests.http.helpers import PASSWORD, signup_consultant
from tests.meta.test_cli import cli_env, free_port, wait_for


def client_for(application, ip: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application, client=(ip, 40000)),
                             base_url="http://testserver")


async def test_login_attempts_per_account_are_limited_whatever_the_ip(client, app):
    await signup_consultant(client, email="victim@example.com")
    statuses = []
    for i in range(12):
        async with client_for(app, f"10.0.0.{i}") as c:  # a botnet: a new address every time
            r = await c.post("/api/v1/auth/login", json={"email": "victim@example.com", "password": f"guess {i} x"})
            statuses.append(r.status_code)
            last = r
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    assert last.json()["error"]["code"] == "rate_limited"
    assert 0 < int(last.headers["retry-after"]) <= 900
    # Even the right password waits: the account is locked for the window, not just wrong guesses.
    async with client_for(app, "10.9.9.9") as c:
        r = await c.post("/api/v1/auth/login", json={"email": "victim@example.com", "password": PASSWORD})
    assert r.status_code == 429


async def test_signups_per_ip_are_limited_but_other_addresses_are_not(app):
    async with client_for(app, "203.0.113.7") as c:
        codes = []
        for i in range(11):
            r = await c.post("/api/v1/auth/signup", json={
                "email": f"bulk{i}@example.com", "password": PASSWORD, "first_name": "Bulk", "last_name": f"N{i}",
                "phone_country_code": "+91", "phone_number": "9876543210"})
            codes.append(r.status_code)
    assert codes == [201] * 10 + [429]
    async with client_for(app, "203.0.113.8") as c:
        await signup_consultant(c, email="someone-else@example.com")


async def test_forgot_password_is_limited_per_account_and_still_answers_alike(app, client):
    await signup_consultant(client, email="reset-me@example.com")
    codes = []
    for i in range(6):
        async with client_for(app, f"198.51.100.{i}") as c:
            codes.append((await c.post("/api/v1/auth/forgot-password", json={"email": "reset-me@example.com"})).status_code)
    assert codes == [202] * 5 + [429]
    # The limit is per address asked about, known or not, so it does not reveal which accounts exist.
    ghost = []
    for i in range(6):
        async with client_for(app, f"198.51.101.{i}") as c:
            ghost.append((await c.post("/api/v1/auth/forgot-password", json={"email": "ghost@example.com"})).status_code)
    assert ghost == codes


async def test_limits_are_shared_by_app_instances_through_the_database(db, client):
    await signup_consultant(client, email="shared@example.com")
    first, second = make_app(db), make_app(db)
    async with first.router.lifespan_context(first), second.router.lifespan_context(second):
        codes = []
        for i in range(11):
            async with client_for(first if i % 2 else second, "192.0.2.1") as c:
                r = await c.post("/api/v1/auth/login", json={"email": "shared@example.com", "password": "wrong wrong 1"})
                codes.append(r.status_code)
    assert codes == [401] * 10 + [429]


def test_limits_hold_across_two_server_processes(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--no-worker", "--port", str(p)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    try:
        for p in ports:
            wait_for(f"http://127.0.0.1:{p}/healthz")
        codes = []
        for i in range(11):
            r = httpx.post(f"http://127.0.0.1:{ports[i % 2]}/api/v1/auth/login",
                           json={"email": "nobody@example.com", "password": "wrong wrong 1"}, timeout=10)
            codes.append(r.status_code)
        assert codes == [401] * 10 + [429]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            proc.wait(timeout=30)


async def test_old_windows_are_pruned(db):
    conn = await db.connect("owner")
    try:
        await conn.execute("insert into app.rate_limit_hits values ('login:ip:x', now() - interval '2 days', 5), "
                           "('login:ip:y', now(), 1)")
        assert await conn.fetchval("select api.prune_rate_limits()") == 1
        assert await conn.fetchval("select array_agg(bucket) from app.rate_limit_hits") == ["login:ip:y"]
    finally:
        await conn.close()


async def test_guessing_the_current_password_is_limited_per_account(client, db):
    from tests.http.helpers import auth, signup_consultant

    account = await signup_consultant(client)
    h = auth(account["access_token"])
    answers = [(await client.post("/api/v1/auth/change-password", headers=h,
                                  json={"current_password": f"guess number {i}", "new_password": "x" * 12})).status_code
               for i in range(6)]
    assert answers[:5] == [400] * 5 and answers[5] == 429

# Test: pytest tests/http/test_rate_limits.py
