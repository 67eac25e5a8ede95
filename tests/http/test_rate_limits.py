# tests/http/test_rate_limits.py — rate limits: sign-in failures per (account, IP), per IP and per account (the owner is never locked out from elsewhere, races never overshoot), signup, forgot-password, across processes.
from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import httpx
import pytest

from app.routes import auth as auth_routes
from tests.http.conftest import make_app
from tests.http.helpers import PASSWORD, make_admin, signup_consultant
from tests.meta.test_cli import cli_env, free_port, wait_for

# Each test fills a bucket in a fixed window: keep it clear of a window's end (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("clear_of_window_edge")


def client_for(application, ip: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application, client=(ip, 40000)),
                             base_url="http://testserver")


LOGIN = {"consultant": "/api/v1/auth/login", "admin": "/api/v1/admin/auth/login"}
ADMIN_PASSWORD = "admin password 2026!"


async def account_of(kind: str, client, db, email: str) -> str:
    """A consultant or an admin with a known password; returns that password."""
    if kind == "consultant":
        await signup_consultant(client, email=email)
        return PASSWORD
    await make_admin(db, client, email=email, password=ADMIN_PASSWORD)
    return ADMIN_PASSWORD


async def set_limit(db, key: str, value: int) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.platform_settings set value = to_jsonb($2::integer) where key = $1", key, value)
    finally:
        await conn.close()


@pytest.mark.parametrize("kind", ["consultant", "admin"])
async def test_failures_from_one_address_do_not_lock_the_owner_out(kind, client, app, db):
    password = await account_of(kind, client, db, "victim@example.com")
    async with client_for(app, "203.0.113.66") as attacker:
        statuses = [(await attacker.post(LOGIN[kind], json={"email": "victim@example.com",
                                                             "password": f"guess {i} xx"})).status_code
                    for i in range(12)]
        # The attacker's address waits, even with the right password (a right guess looks like a refused one).
        right = await attacker.post(LOGIN[kind], json={"email": "victim@example.com", "password": password})
    assert statuses == [401] * 10 + [429, 429]
    assert right.status_code == 429 and right.json()["error"]["code"] == "rate_limited"
    assert 0 < int(right.headers["retry-after"]) <= 900
    # The owner, elsewhere, signs in at once.
    async with client_for(app, "198.51.100.20") as owner:
        r = await owner.post(LOGIN[kind], json={"email": "victim@example.com", "password": password})
    assert r.status_code == 200, r.text


async def test_the_sign_in_pages_share_the_buckets_and_the_owner_still_gets_in(client, app, db):
    from tests.http.test_pages import HTML, csrf_of

    await signup_consultant(client, email="page-victim@example.com")
    await make_admin(db, client, email="page-admin@example.com", password=ADMIN_PASSWORD)
    for path, email, password in (("/auth/login", "page-victim@example.com", PASSWORD),
                                  ("/admin/login", "page-admin@example.com", ADMIN_PASSWORD)):
        api = LOGIN["consultant" if path == "/auth/login" else "admin"]
        async with client_for(app, "203.0.113.67") as attacker:
            for i in range(10):
                assert (await attacker.post(api, json={"email": email, "password": f"guess {i} xx"})).status_code == 401
            token = csrf_of((await attacker.get(path, headers=HTML)).text)
            r = await attacker.post(path, headers=HTML, data={"csrf_token": token, "email": email, "password": password})
            assert r.status_code == 429 and "Too many attempts" in r.text, path
        async with client_for(app, "198.51.100.21") as owner:
            token = csrf_of((await owner.get(path, headers=HTML)).text)
            r = await owner.post(path, headers=HTML, data={"csrf_token": token, "email": email, "password": password})
            assert r.status_code == 303, (path, r.text)


async def test_successful_sign_ins_do_not_count_only_failures_do(client, app, db):
    await set_limit(db, "login_failures_per_account_ip", 3)
    await signup_consultant(client, email="often@example.com")
    async with client_for(app, "192.0.2.10") as c:
        ok = [(await c.post(LOGIN["consultant"], json={"email": "often@example.com", "password": PASSWORD})).status_code
              for _ in range(6)]
        bad = [(await c.post(LOGIN["consultant"], json={"email": "often@example.com", "password": "wrong wrong 1"})
                ).status_code for _ in range(4)]
    assert ok == [200] * 6 and bad == [401, 401, 401, 429]


async def test_one_address_guessing_many_accounts_is_limited_per_ip(client, app, db):
    await set_limit(db, "login_failures_per_ip", 5)
    async with client_for(app, "203.0.113.90") as sprayer:
        codes = [(await sprayer.post(LOGIN["consultant"], json={"email": f"user{i}@example.com",
                                                                 "password": "Summer2026!"})).status_code
                 for i in range(7)]
    assert codes == [401] * 5 + [429, 429]
    async with client_for(app, "203.0.113.91") as elsewhere:
        r = await elsewhere.post(LOGIN["consultant"], json={"email": "user0@example.com", "password": "Summer2026!"})
    assert r.status_code == 401


async def test_addresses_of_one_ipv6_64_guess_as_one_address(client, app, db):
    # One machine owns a whole /64: rotating through it must not buy a fresh (account, IP) or IP bucket each time.
    await signup_consultant(client, email="v6victim@example.com")
    statuses = []
    for i in range(12):
        async with client_for(app, f"2001:db8:aa:bb::{i + 1:x}") as attacker:
            statuses.append((await attacker.post(LOGIN["consultant"], json={
                "email": "v6victim@example.com", "password": f"guess {i} xx"})).status_code)
    assert statuses == [401] * 10 + [429, 429]
    async with client_for(app, "2001:db8:aa:bc::1") as owner:  # the neighbouring /64 is someone else
        r = await owner.post(LOGIN["consultant"], json={"email": "v6victim@example.com", "password": PASSWORD})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("kind", ["consultant", "admin"])
async def test_guessers_on_many_addresses_cannot_lock_the_owner_out_of_an_address_they_used(kind, client, app, db):
    # Twenty-one addresses filled the per-account ceiling and the owner, right password, was refused everywhere for
    # an hour (an outside check). An address the account signed in from before is not bound by the ceiling.
    password = await account_of(kind, client, db, "ceiling@example.com")
    async with client_for(app, "198.51.100.20") as home:
        assert (await home.post(LOGIN[kind], json={"email": "ceiling@example.com", "password": password})
                ).status_code == 200
    await set_limit(db, "login_failures_per_account", 20)
    for i in range(3):
        async with client_for(app, f"2001:db8:{i + 1}::1") as attacker:
            for j in range(10):
                await attacker.post(LOGIN[kind], json={"email": "ceiling@example.com", "password": f"guess {j}"})
    async with client_for(app, "203.0.113.200") as elsewhere:  # a new address: the ceiling holds (the trade-off)
        r = await elsewhere.post(LOGIN[kind], json={"email": "ceiling@example.com", "password": password})
    assert r.status_code == 429
    async with client_for(app, "198.51.100.20") as home:
        r = await home.post(LOGIN[kind], json={"email": "ceiling@example.com", "password": password})
    assert r.status_code == 200, r.text
    # Guessing from the owner's own address still meets that address's limit.
    async with client_for(app, "198.51.100.20") as home:
        codes = [(await home.post(LOGIN[kind], json={"email": "ceiling@example.com", "password": f"no {k}"})).status_code
                 for k in range(11)]
    assert codes == [401] * 10 + [429]


async def test_a_looser_ceiling_per_account_holds_against_many_addresses(client, app, db):
    await set_limit(db, "login_failures_per_account_ip", 3)
    await set_limit(db, "login_failures_per_account", 10)
    await signup_consultant(client, email="botnet-target@example.com")
    codes = []
    for i in range(11):
        async with client_for(app, f"10.0.0.{i}") as c:  # a botnet: a new address every time
            codes.append((await c.post(LOGIN["consultant"], json={"email": "botnet-target@example.com",
                                                                   "password": f"guess {i} xx"})).status_code)
    assert codes == [401] * 10 + [429]
    async with client_for(app, "10.9.9.9") as c:
        r = await c.post(LOGIN["consultant"], json={"email": "botnet-target@example.com", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) <= 3600


async def test_concurrent_wrong_passwords_from_one_address_never_exceed_the_bucket(client, app, monkeypatch):
    await signup_consultant(client, email="raced@example.com")
    checks = []
    real = auth_routes.verify_password

    def counting(password, hashed, pepper):
        checks.append(1)
        return real(password, hashed, pepper)

    monkeypatch.setattr(auth_routes, "verify_password", counting)
    async with client_for(app, "203.0.113.5") as c:
        answers = await asyncio.gather(*(c.post(LOGIN["consultant"], json={"email": "raced@example.com",
                                                                            "password": f"guess {i} xx"})
                                         for i in range(25)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [401] * 10 + [429] * 15
    assert len(checks) == 10  # the refused ones never reached bcrypt


async def test_unknown_and_known_accounts_are_throttled_alike(client, app):
    await signup_consultant(client, email="known@example.com")
    seen = {}
    for email, ip in (("known@example.com", "192.0.2.50"), ("unknown@example.com", "192.0.2.51")):
        async with client_for(app, ip) as c:
            answers = [await c.post(LOGIN["consultant"], json={"email": email, "password": "wrong wrong 1"})
                       for _ in range(11)]
        seen[email] = [(r.status_code, r.json()) for r in answers]
    assert seen["known@example.com"] == seen["unknown@example.com"]
    assert [s for s, _ in seen["known@example.com"]] == [401] * 10 + [429]


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
