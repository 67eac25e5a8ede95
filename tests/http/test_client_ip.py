# tests/http/test_client_ip.py — which address a request comes from: the peer, or X-Forwarded-For only behind a trusted proxy.
from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import psycopg
import pytest

from app.config import Settings
from tests.http.conftest import make_app
from tests.http.helpers import PASSWORD, signup_consultant
from tests.meta.test_cli import NAKKSHA, cli_env, free_port, wait_for

LOGIN = "/api/v1/auth/login"


def client_for(application, ip: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application, client=(ip, 40000)),
                             base_url="http://testserver")


async def session_ips(db, email: str) -> list[str]:
    conn = await db.connect("owner")
    try:
        rows = await conn.fetch("select host(f.ip) from app.refresh_token_families f join app.consultants c "
                                "on c.id = f.consultant_id where c.email = $1 order by f.created_at", email)
    finally:
        await conn.close()
    return [r[0] for r in rows]


async def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, app, db):
    await signup_consultant(client, email="spoof@example.com")
    codes = []
    async with client_for(app, "203.0.113.70") as attacker:
        for i in range(11):  # a new forged address every time, from one real one
            r = await attacker.post(LOGIN, json={"email": "spoof@example.com", "password": f"guess {i} xx"},
                                    headers={"X-Forwarded-For": f"10.1.0.{i}"})
            codes.append(r.status_code)
    assert codes == [401] * 10 + [429]
    async with client_for(app, "198.51.100.30") as owner:
        r = await owner.post(LOGIN, json={"email": "spoof@example.com", "password": PASSWORD},
                             headers={"X-Forwarded-For": "203.0.113.70"})
    assert r.status_code == 200
    assert (await session_ips(db, "spoof@example.com"))[-1] == "198.51.100.30"


async def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(db):
    application = make_app(db, trusted_proxies=Settings.parse_trusted_proxies("10.0.0.0/24, 192.0.2.1"))
    async with application.router.lifespan_context(application), client_for(application, "10.0.0.5") as proxy:
        await signup_consultant(proxy, email="behind@example.com")
        codes = []
        for i in range(11):
            # The attacker forges a leftmost hop each time; the proxies append the address they really saw.
            r = await proxy.post(LOGIN, json={"email": "behind@example.com", "password": f"guess {i} xx"},
                                 headers={"X-Forwarded-For": f"6.6.6.{i}, 203.0.113.80, 192.0.2.1"})
            codes.append(r.status_code)
        assert codes == [401] * 10 + [429]
        # The owner comes through the same proxies from another address and signs in.
        r = await proxy.post(LOGIN, json={"email": "behind@example.com", "password": PASSWORD},
                             headers={"X-Forwarded-For": "198.51.100.31"})
        assert r.status_code == 200, r.text
    assert (await session_ips(db, "behind@example.com"))[-1] == "198.51.100.31"

    # A peer that is not a trusted proxy is the client, whatever it forwards.
    async with application.router.lifespan_context(application), client_for(application, "203.0.113.81") as direct:
        await direct.post(LOGIN, json={"email": "behind@example.com", "password": PASSWORD},
                          headers={"X-Forwarded-For": "198.51.100.32"})
    assert (await session_ips(db, "behind@example.com"))[-1] == "203.0.113.81"


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("10.0.0.5", None, "10.0.0.5"),                                   # a trusted proxy that forwarded nothing
    ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.5", "1.1.1.1, 198.51.100.1", "198.51.100.1"),            # the leftmost hop is the client's word only
    ("10.0.0.5", "198.51.100.1, 10.0.0.9", "198.51.100.1"),           # a chain of trusted proxies
    ("10.0.0.5", "10.0.0.7, 10.0.0.9", "10.0.0.7"),                   # every hop trusted: the farthest one
    ("10.0.0.5", "not-an-address, 10.0.0.9", "10.0.0.9"),             # garbage: the nearest address we can vouch for
    ("10.0.0.5", "garbage", "10.0.0.5"),
    ("10.0.0.5", " 2001:db8::1 ", "2001:db8::1"),
    ("10.0.0.5", "198.51.100.1:4321", "198.51.100.1"),               # a hop with its port (some balancers)
    ("10.0.0.5", "[2001:db8::5]:443", "2001:db8::5"),
    ("10.0.0.5", "[2001:db8::5], 10.0.0.9:80", "2001:db8::5"),
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),                   # an untrusted peer's header is ignored
    ("testclient", "198.51.100.1", None),                             # a peer that is no address (schemathesis)
])
def test_client_address_rule(peer, forwarded, expected):
    from app.auth import forwarded_client

    trusted = Settings.parse_trusted_proxies("10.0.0.0/24")
    assert forwarded_client(peer, [forwarded] if forwarded else [], trusted) == expected


def test_a_bad_trusted_proxies_setting_is_refused_naming_the_variable():
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings.from_env({"TRUSTED_PROXIES": "10.0.0.0/24, proxy.internal"})
    assert Settings.from_env({}).trusted_proxies == ()


def test_cors_origins_refuses_a_wildcard_naming_the_variable(tmp_path):
    # CORS_ORIGINS=* started silently and answered any origin with itself plus credentials (an outside check).
    for bad in ("*", "https://app.example, *", "https://*.example", "app.example", "https://app.example/path"):
        with pytest.raises(ValueError, match="CORS_ORIGINS"):
            Settings.from_env({"CORS_ORIGINS": bad})
    assert Settings.from_env({"CORS_ORIGINS": "https://app.example, http://localhost:5173"}).cors_origins == (
        "https://app.example", "http://localhost:5173")
    env = {**cli_env(tmp_path, None), "CORS_ORIGINS": "*"}
    done = subprocess.run([*NAKKSHA, "serve", "--no-worker", "--port", str(free_port())], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "CORS_ORIGINS" in done.stderr and "Traceback" not in done.stderr


def test_the_server_does_not_take_the_client_from_headers_by_itself(db, tmp_path):
    """uvicorn's own proxy-header handling trusted loopback peers by default: a local caller could then forge
    X-Forwarded-For and dodge every per-IP limit. `nakksha serve` leaves the address to TRUSTED_PROXIES."""
    with psycopg.connect(db.url("owner")) as conn:
        conn.execute("update app.platform_settings set value = '5' where key = 'login_failures_per_ip'")
    env = cli_env(tmp_path, db.admin_url)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--no-worker", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        # One address guessing at many accounts, claiming a new address each time.
        codes = [httpx.post(f"http://127.0.0.1:{port}{LOGIN}", json={"email": f"user{i}@example.com",
                                                                      "password": "wrong wrong 1"},
                            headers={"X-Forwarded-For": f"10.2.0.{i}"}, timeout=10).status_code for i in range(6)]
        assert codes == [401] * 5 + [429]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)

async def test_a_peer_that_names_no_address_can_still_sign_in(db):
    # Schemathesis's transport names its peer "testclient" (a server on a Unix socket names none): every sign-in
    # was a 400, the text cast to inet beside an AND the planner ran first. Now no address is just no address.
    application = make_app(db)
    async with application.router.lifespan_context(application), client_for(application, "203.0.113.90") as first:
        account = await signup_consultant(first, email="peerless@example.com")
    assert account["access_token"]
    async with application.router.lifespan_context(application), client_for(application, "testclient") as named:
        wrong = await named.post(LOGIN, json={"email": "peerless@example.com", "password": "not-the-password"})
        right = await named.post(LOGIN, json={"email": "peerless@example.com", "password": PASSWORD})
    assert (wrong.status_code, right.status_code) == (401, 200), (wrong.text, right.text)
    assert (await session_ips(db, "peerless@example.com"))[-1] is None


# Test: pytest tests/http/test_client_ip.py
