# tests/http/test_auth.py — consultant authentication end to end: signup, verification, login, tokens, refresh, logout, passwords.
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import time

import jwt
import pytest

import app.routes.auth as auth_routes
from app.auth import AUDIENCE, ISSUER
from app.sql import _init_connection
from jobs.app import connected
from tests.http.helpers import auth, make_admin, signup_consultant

PASSWORD = "correct horse battery 42"


async def owner(db):
    conn = await db.connect("owner")
    await _init_connection(conn)
    return conn


async def send_queued_mail(db) -> None:
    with connected(db.url("worker")) as job_app:
        async with job_app.open_async():
            await job_app.run_worker_async(queues=["emails"], wait=False, install_signal_handlers=False)


async def link_token(db, email_type: str, to: str) -> str:
    """Deliver the queued mail through the local outbox and read the token out of the link, as a person would."""
    await send_queued_mail(db)
    conn = await owner(db)
    try:
        text = await conn.fetchval(
            "select o.text_body from app.email_outbox o join app.email_logs l on l.id = o.email_log_id "
            "where l.email_type = $1 and o.to_email = $2 order by o.created_at desc limit 1", email_type, to)
    finally:
        await conn.close()
    assert text, f"no {email_type} mail to {to}"
    return re.search(r"token=([A-Za-z0-9_\-]+)", text).group(1)


# --- signup -------------------------------------------------------------------------------------------------

async def test_signup_creates_a_pending_consultant_with_tokens_and_a_verification_mail(client, db):
    r = await client.post("/api/v1/auth/signup", json={
        "email": "  Asha.Verma@Example.COM ", "password": PASSWORD, "first_name": "Asha", "last_name": "Verma",
        "phone_country_code": "+91", "phone_number": "9876543210"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    c = body["consultant"]
    assert (c["email"], c["approval_status"], c["slug"], c["is_email_verified"]) == (
        "asha.verma@example.com", "pending", "asha-verma", False)
    assert "password_hash" not in json.dumps(body)
    claims = jwt.decode(body["access_token"], os.environ["JWT_SECRET"], algorithms=["HS256"], audience=AUDIENCE)
    assert (claims["sub"], claims["role"], claims["email"], claims["consultantSlug"], claims["iss"]) == (
        c["id"], "consultant", "asha.verma@example.com", "asha-verma", ISSUER)
    assert claims["exp"] - claims["iat"] == 900
    conn = await owner(db)
    try:
        log = await conn.fetchrow("select email_type, status, template_data from app.email_logs")
        assert (log["email_type"], log["status"]) == ("verify_email", "queued")
        # The link's token is never stored in clear, not even in the mail log.
        assert "verify_url" not in log["template_data"] and "verify_url_encrypted" in log["template_data"]
        stored = await conn.fetchval("select password_hash from app.consultants")
        assert stored.startswith("$2b$") and PASSWORD not in stored
    finally:
        await conn.close()


async def test_duplicate_email_is_refused_whatever_its_case(client):
    await signup_consultant(client, email="dup@example.com")
    r = await client.post("/api/v1/auth/signup", json={
        "email": "DUP@example.com", "password": PASSWORD, "first_name": "X", "last_name": "Y",
        "phone_country_code": "+91", "phone_number": "9876543210"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "email_taken"
    assert r.json()["error"]["field"] == "email"


async def test_slugs_are_suggested_unique_and_url_safe(client):
    first = await signup_consultant(client, email="a1@example.com", first_name="Ravi", last_name="Kumar")
    second = await signup_consultant(client, email="a2@example.com", first_name="Ravi", last_name="Kumar")
    hindi = await signup_consultant(client, email="a3@example.com", first_name="रवि", last_name="कुमार")
    reserved = await signup_consultant(client, email="a4@example.com", first_name="Ad", last_name="Min")
    slugs = [first["consultant"]["slug"], second["consultant"]["slug"], hindi["consultant"]["slug"],
             reserved["consultant"]["slug"]]
    assert slugs[0] == "ravi-kumar" and slugs[1].startswith("ravi-kumar-") and slugs[2] == "consultant"
    assert slugs[3] == "ad-min" and len(set(slugs)) == 4
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)


@pytest.mark.parametrize("password, reason", [
    ("short1!", "at least 10"), ("password1234", "common"), ("aaaaaaaaaaaa", "guess"),
    ("x" * 129, "at most 128")])
async def test_weak_or_overlong_passwords_are_refused_clearly(client, password, reason):
    r = await client.post("/api/v1/auth/signup", json={
        "email": "weak@example.com", "password": password, "first_name": "Asha", "last_name": "Verma",
        "phone_country_code": "+91", "phone_number": "9876543210"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert (err["code"], err["field"]) == ("weak_password", "password") and reason in err["message"]


async def test_long_passwords_in_any_script_are_whole_not_truncated(client):
    # bcrypt alone reads 72 bytes: two passwords sharing their first 72 bytes would be equal.
    base = "पासवर्ड" * 12  # 84 characters, 252 bytes in UTF-8
    await signup_consultant(client, email="long@example.com", password=base + "-A")
    ok = await client.post("/api/v1/auth/login", json={"email": "long@example.com", "password": base + "-A"})
    near = await client.post("/api/v1/auth/login", json={"email": "long@example.com", "password": base + "-B"})
    assert ok.status_code == 200 and near.status_code == 401
    maximum = "".join(chr(0x0905 + (i * 7) % 40) for i in range(64)) + "ñ-" + "x7Q" * 20 + "zz"  # 128 characters
    assert (await client.post("/api/v1/auth/signup", json={
        "email": "max@example.com", "password": maximum, "first_name": "M", "last_name": "X",
        "phone_country_code": "+91", "phone_number": "9876543210"})).status_code == 201


@pytest.mark.parametrize("field, value", [
    ("email", "not-an-email"), ("email", "a@b"), ("phone_country_code", "91"), ("phone_number", "12ab"),
    ("first_name", ""), ("first_name", 5)])
async def test_bad_signup_fields_are_named(client, field, value):
    body = {"email": "f@example.com", "password": PASSWORD, "first_name": "A", "last_name": "B",
            "phone_country_code": "+91", "phone_number": "9876543210", field: value}
    r = await client.post("/api/v1/auth/signup", json=body)
    assert r.status_code == 422 and r.json()["error"]["field"] == field


# --- email verification -------------------------------------------------------------------------------------

async def test_verification_link_works_once_per_address(client, db):
    account = await signup_consultant(client, email="v@example.com")
    token = await link_token(db, "verify_email", "v@example.com")
    r = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert r.status_code == 200 and r.json()["consultant"]["is_email_verified"] is True
    again = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert again.status_code == 200  # clicking twice is harmless
    bogus = await client.post("/api/v1/auth/verify-email", json={"token": "ev_" + "x" * 43})
    assert bogus.status_code == 400 and bogus.json()["error"]["code"] == "invalid_token"
    resend = await client.post("/api/v1/auth/resend-verification", headers=auth(account["access_token"]))
    assert resend.status_code == 409 and resend.json()["error"]["code"] == "already_verified"


async def test_resent_verification_replaces_the_old_link_and_links_expire(client, db):
    account = await signup_consultant(client, email="r@example.com")
    old = await link_token(db, "verify_email", "r@example.com")
    r = await client.post("/api/v1/auth/resend-verification", headers=auth(account["access_token"]))
    assert r.status_code == 202
    new = await link_token(db, "verify_email", "r@example.com")
    assert new != old
    assert (await client.post("/api/v1/auth/verify-email", json={"token": old})).status_code == 400
    conn = await owner(db)
    try:
        await conn.execute("update app.one_time_tokens set expires_at = now() - interval '1 second', "
                           "created_at = now() - interval '2 days' where used_at is null")
    finally:
        await conn.close()
    expired = await client.post("/api/v1/auth/verify-email", json={"token": new})
    assert expired.status_code == 400 and "expired" in expired.json()["error"]["message"]


# --- login and access tokens --------------------------------------------------------------------------------

async def test_wrong_email_and_wrong_password_look_the_same(client, monkeypatch):
    await signup_consultant(client, email="same@example.com")
    checks = []
    real = auth_routes.verify_password

    def counting(password, hashed, pepper):
        checks.append(hashed)
        return real(password, hashed, pepper)

    monkeypatch.setattr(auth_routes, "verify_password", counting)
    wrong_pw = await client.post("/api/v1/auth/login", json={"email": "same@example.com", "password": "nope-nope-nope"})
    no_user = await client.post("/api/v1/auth/login", json={"email": "ghost@example.com", "password": "nope-nope-nope"})
    assert wrong_pw.status_code == no_user.status_code == 401
    assert wrong_pw.json() == no_user.json()
    # Both paths ran bcrypt once, with hashes of the same cost: the same work, so the same time.
    assert len(checks) == 2 and checks[0][:7] == checks[1][:7]
    ok = await client.post("/api/v1/auth/login", json={"email": "SAME@example.com", "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["consultant"]["email"] == "same@example.com"


def forge(claims: dict, key: str = None, algorithm: str = "HS256", headers: dict | None = None) -> str:
    return jwt.encode(claims, key or os.environ["JWT_SECRET"], algorithm=algorithm, headers=headers)


def unsigned(claims: dict) -> str:
    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


async def test_tampered_tokens_are_refused(client):
    account = await signup_consultant(client, email="t@example.com")
    good = jwt.decode(account["access_token"], os.environ["JWT_SECRET"], algorithms=["HS256"], audience=AUDIENCE)
    now = int(time.time())
    variants = {
        "alg none": unsigned(good),
        "other algorithm": forge(good, algorithm="HS512"),
        "bad signature": forge(good, key="not-the-secret-" + "y" * 40),
        "expired": forge({**good, "iat": now - 3600, "exp": now - 60}),
        "wrong audience": forge({**good, "aud": "someone-else"}),
        "wrong issuer": forge({**good, "iss": "evil"}),
        "no expiry": forge({k: v for k, v in good.items() if k != "exp"}),
        "odd role": forge({**good, "role": "root"}),
        "garbage": "not.a.jwt",
    }
    assert (await client.get("/api/v1/auth/me", headers=auth(account["access_token"]))).status_code == 200
    for name, token in variants.items():
        r = await client.get("/api/v1/auth/me", headers=auth(token))
        assert r.status_code == 401, name
        assert r.json()["error"]["code"] in ("invalid_token", "token_expired"), name
        assert r.headers["www-authenticate"].startswith("Bearer")
    # Manually signing a hand-edited HMAC with the right secret is exactly what a valid token is: check the
    # signature really covers the payload (flip one claim, keep the old signature).
    header, payload, signature = account["access_token"].split(".")
    changed = base64.urlsafe_b64encode(json.dumps({**good, "sub": "00000000-0000-0000-0000-000000000000"}).encode())
    spliced = f"{header}.{changed.rstrip(b'=').decode()}.{signature}"
    assert (await client.get("/api/v1/auth/me", headers=auth(spliced))).status_code == 401
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_the_slug_claim_never_authorises(client):
    a = await signup_consultant(client, email="slug-a@example.com", first_name="Alpha", last_name="One")
    await signup_consultant(client, email="slug-b@example.com", first_name="Beta", last_name="Two")
    claims = jwt.decode(a["access_token"], os.environ["JWT_SECRET"], algorithms=["HS256"], audience=AUDIENCE)
    token = forge({**claims, "consultantSlug": "beta-two"})
    me = await client.get("/api/v1/auth/me", headers=auth(token))
    assert me.json()["consultant"]["email"] == "slug-a@example.com"


async def test_an_admin_token_is_refused_on_consultant_endpoints(client, db):
    admin_token = await make_admin(db, client, "super_admin")
    r = await client.get("/api/v1/auth/me", headers=auth(admin_token))
    assert r.status_code == 403
    r = await client.post("/api/v1/auth/logout-all", headers=auth(admin_token))
    assert r.status_code == 403


# --- refresh, logout ------------------------------------------------------------------------------------------

async def refresh(client, token: str):
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


async def test_refresh_rotates_and_a_reused_token_ends_the_whole_family(client, db):
    account = await signup_consultant(client, email="rot@example.com")
    first = await refresh(client, account["refresh_token"])
    assert first.status_code == 200
    pair = first.json()
    assert pair["refresh_token"] != account["refresh_token"] and pair["consultant"]["email"] == "rot@example.com"
    assert (await client.get("/api/v1/auth/me", headers=auth(pair["access_token"]))).status_code == 200
    reused = await refresh(client, account["refresh_token"])
    assert reused.status_code == 401 and "already used" in reused.json()["error"]["message"]
    # The thief's replay killed the family: the legitimate newer token is dead too.
    assert (await refresh(client, pair["refresh_token"])).status_code == 401
    conn = await owner(db)
    try:
        reason = await conn.fetchval("select revoked_reason from app.refresh_token_families")
        tokens = await conn.fetch("select token_hash from app.refresh_tokens")
    finally:
        await conn.close()
    assert reason == "reuse_detected"
    stored = {bytes(t["token_hash"]) for t in tokens}
    assert hashlib.sha256(account["refresh_token"].encode()).digest() in stored
    assert not any(account["refresh_token"].encode() in s for s in stored)


async def test_concurrent_refreshes_with_one_token_let_exactly_one_through(client):
    account = await signup_consultant(client, email="race@example.com")
    answers = await asyncio.gather(*(refresh(client, account["refresh_token"]) for _ in range(8)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(200) == 1 and statuses.count(401) == 7


async def test_expired_refresh_tokens_and_junk_are_refused(client, db):
    account = await signup_consultant(client, email="exp@example.com")
    conn = await owner(db)
    try:
        await conn.execute("update app.refresh_tokens set issued_at = now() - interval '31 days', "
                           "expires_at = now() - interval '1 day'")
    finally:
        await conn.close()
    r = await refresh(client, account["refresh_token"])
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    assert (await refresh(client, "rt_" + "z" * 43)).status_code == 401
    assert (await refresh(client, "short")).status_code == 422


async def test_logout_ends_one_session_and_logout_all_ends_every_one(client):
    account = await signup_consultant(client, email="out@example.com")
    second = (await client.post("/api/v1/auth/login", json={"email": "out@example.com", "password": PASSWORD})).json()
    third = (await client.post("/api/v1/auth/login", json={"email": "out@example.com", "password": PASSWORD})).json()
    assert (await client.post("/api/v1/auth/logout", json={"refresh_token": account["refresh_token"]})).status_code == 204
    assert (await refresh(client, account["refresh_token"])).status_code == 401
    assert (await refresh(client, second["refresh_token"])).status_code == 200
    r = await client.post("/api/v1/auth/logout-all", headers=auth(third["access_token"]))
    assert r.status_code == 204
    assert (await refresh(client, third["refresh_token"])).status_code == 401
    # Logging out twice, or with an unknown token, is harmless.
    assert (await client.post("/api/v1/auth/logout", json={"refresh_token": account["refresh_token"]})).status_code == 204


async def me_status(client, access_token: str) -> tuple[int, str | None]:
    r = await client.get("/api/v1/auth/me", headers=auth(access_token))
    return r.status_code, (r.json().get("error") or {}).get("code")


async def test_logout_all_ends_access_tokens_at_once_not_in_fifteen_minutes(client):
    account = await signup_consultant(client, email="stale@example.com")
    laptop = (await client.post("/api/v1/auth/login", json={"email": "stale@example.com", "password": PASSWORD})).json()
    assert await me_status(client, laptop["access_token"]) == (200, None)
    r = await client.post("/api/v1/auth/logout-all", headers=auth(account["access_token"]))
    assert r.status_code == 204
    # Both the stolen laptop's token and the caller's own stop working now, not when they expire.
    assert await me_status(client, laptop["access_token"]) == (401, "invalid_token")
    assert await me_status(client, account["access_token"]) == (401, "invalid_token")
    again = (await client.post("/api/v1/auth/login", json={"email": "stale@example.com", "password": PASSWORD})).json()
    assert await me_status(client, again["access_token"]) == (200, None)
    fresh = await refresh(client, again["refresh_token"])
    assert await me_status(client, fresh.json()["access_token"]) == (200, None)


async def test_a_password_change_ends_other_access_tokens_and_the_new_pair_works(client):
    account = await signup_consultant(client, email="chg-tokens@example.com")
    other = (await client.post("/api/v1/auth/login", json={"email": "chg-tokens@example.com", "password": PASSWORD})).json()
    ok = await client.post("/api/v1/auth/change-password", headers=auth(account["access_token"]),
                           json={"current_password": PASSWORD, "new_password": "a brand new secret 9"})
    assert ok.status_code == 200
    assert await me_status(client, other["access_token"]) == (401, "invalid_token")
    assert await me_status(client, account["access_token"]) == (401, "invalid_token")
    assert await me_status(client, ok.json()["access_token"]) == (200, None)


async def test_a_password_reset_ends_access_tokens(client, db):
    account = await signup_consultant(client, email="reset-tokens@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "reset-tokens@example.com"})
    token = await link_token(db, "password_reset", "reset-tokens@example.com")
    assert (await client.post("/api/v1/auth/reset-password", json={"token": token, "password": "another fine password 7"})
            ).status_code == 204
    assert await me_status(client, account["access_token"]) == (401, "invalid_token")


async def test_an_access_token_of_another_epoch_is_refused(client, db):
    token = await make_admin(db, client, "super_admin")
    claims = jwt.decode(token, os.environ["JWT_SECRET"], algorithms=["HS256"], audience=AUDIENCE)
    assert (await client.get("/api/v1/admin/auth/me", headers=auth(token))).status_code == 200
    # An epoch the account never had (a token minted by someone holding the secret is out of scope; a
    # token with a tampered claim fails its signature): the check compares with the database, not the claim.
    ahead = forge({**claims, "ep": claims.get("ep", 0) + 1})
    assert (await client.get("/api/v1/admin/auth/me", headers=auth(ahead))).status_code == 401


# --- forgotten and changed passwords ------------------------------------------------------------------------

async def test_forgot_password_never_says_whether_an_account_exists(client, db):
    await signup_consultant(client, email="known@example.com")
    known = await client.post("/api/v1/auth/forgot-password", json={"email": "known@example.com"})
    unknown = await client.post("/api/v1/auth/forgot-password", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    conn = await owner(db)
    try:
        sent = await conn.fetch("select recipient_email::text from app.email_logs where email_type = 'password_reset'")
    finally:
        await conn.close()
    assert [r["recipient_email"] for r in sent] == ["known@example.com"]


async def test_reset_password_with_the_mailed_token_once_and_every_session_ends(client, db):
    account = await signup_consultant(client, email="reset@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "reset@example.com"})
    token = await link_token(db, "password_reset", "reset@example.com")
    weak = await client.post("/api/v1/auth/reset-password", json={"token": token, "password": "password"})
    assert weak.status_code == 422
    new_password = "another fine password 7"
    r = await client.post("/api/v1/auth/reset-password", json={"token": token, "password": new_password})
    assert r.status_code == 204
    assert (await client.post("/api/v1/auth/reset-password", json={"token": token, "password": new_password + "x"})
            ).status_code == 400
    assert (await refresh(client, account["refresh_token"])).status_code == 401
    assert (await client.post("/api/v1/auth/login", json={"email": "reset@example.com", "password": PASSWORD})
            ).status_code == 401
    assert (await client.post("/api/v1/auth/login", json={"email": "reset@example.com", "password": new_password})
            ).status_code == 200


async def test_reset_tokens_expire_after_an_hour(client, db):
    await signup_consultant(client, email="late@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "late@example.com"})
    token = await link_token(db, "password_reset", "late@example.com")
    conn = await owner(db)
    try:
        window = await conn.fetchval("select expires_at - created_at from app.one_time_tokens where purpose = 'password_reset'")
        await conn.execute("update app.one_time_tokens set created_at = now() - interval '2 hours', "
                           "expires_at = now() - interval '1 hour' where purpose = 'password_reset'")
    finally:
        await conn.close()
    assert window.total_seconds() == 3600
    r = await client.post("/api/v1/auth/reset-password", json={"token": token, "password": "another fine password 7"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_token"


async def test_change_password_checks_the_current_one_and_ends_other_sessions(client):
    account = await signup_consultant(client, email="chg@example.com")
    other = (await client.post("/api/v1/auth/login", json={"email": "chg@example.com", "password": PASSWORD})).json()
    headers = auth(account["access_token"])
    wrong = await client.post("/api/v1/auth/change-password", headers=headers,
                              json={"current_password": "not my password", "new_password": "a brand new secret 9"})
    assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "current_password"
    weak = await client.post("/api/v1/auth/change-password", headers=headers,
                             json={"current_password": PASSWORD, "new_password": "qwertyuiop"})
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "new_password"
    ok = await client.post("/api/v1/auth/change-password", headers=headers,
                           json={"current_password": PASSWORD, "new_password": "a brand new secret 9"})
    assert ok.status_code == 200
    assert (await refresh(client, other["refresh_token"])).status_code == 401
    assert (await refresh(client, account["refresh_token"])).status_code == 401
    assert (await refresh(client, ok.json()["refresh_token"])).status_code == 200


async def test_pending_consultants_keep_auth_and_profile_but_not_dashboard_data(client):
    account = await signup_consultant(client, email="gate@example.com")
    headers = auth(account["access_token"])
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/consultants/me", headers=headers)).status_code == 200



# Test: pytest tests/http/test_auth.py
