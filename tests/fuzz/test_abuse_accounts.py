# tests/fuzz/test_abuse_accounts.py — attacks on accounts that must stay fixed: lockout from one address, stale access tokens, deletion or export with a stolen token, erasure that leaves traces.
from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.http.helpers import PASSWORD, auth, make_admin, signup_consultant
from tests.http.test_anonymise import personal_data_left
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots

LOGIN = {"consultant": "/api/v1/auth/login", "admin": "/api/v1/admin/auth/login"}
ADMIN_PASSWORD = "admin password 2026!"


def from_ip(app, ip: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url="http://testserver")


# --- lockout: a stranger hammering someone's account from one address --------------------------------------------

@pytest.mark.parametrize("kind", ["consultant", "admin"])
async def test_a_flood_of_guesses_from_one_address_never_locks_the_owner_out(kind, client, app, db):
    email = f"{kind}-target@example.com"
    if kind == "consultant":
        await signup_consultant(client, email=email)
        password = PASSWORD
    else:
        await make_admin(db, client, email=email, password=ADMIN_PASSWORD)
        password = ADMIN_PASSWORD
    async with from_ip(app, "203.0.113.200") as attacker:
        answers = await asyncio.gather(*(attacker.post(LOGIN[kind], json={"email": email, "password": f"guess {i:03}x"})
                                         for i in range(40)))
        # Forged forwarding headers change nothing without a trusted proxy in front.
        forged = [await attacker.post(LOGIN[kind], json={"email": email, "password": "one more guess"},
                                      headers={"X-Forwarded-For": f"10.8.0.{i}"}) for i in range(3)]
    codes = sorted(r.status_code for r in answers)
    assert codes.count(401) == 10 and codes.count(429) == 30
    assert [r.status_code for r in forged] == [429] * 3
    async with from_ip(app, "198.51.100.200") as owner:
        r = await owner.post(LOGIN[kind], json={"email": email, "password": password})
    assert r.status_code == 200, r.text


# --- a stolen access token outliving the owner's reaction ------------------------------------------------------------

async def test_a_stolen_access_token_dies_when_the_owner_logs_out_everywhere_or_changes_the_password(client):
    owner = await signup_consultant(client, email="robbed@example.com")
    stolen = (await client.post(LOGIN["consultant"], json={"email": "robbed@example.com", "password": PASSWORD})).json()
    h = auth(stolen["access_token"])
    assert (await client.get("/api/v1/consultants/me", headers=h)).status_code == 200
    assert (await client.post("/api/v1/auth/logout-all", headers=auth(owner["access_token"]))).status_code == 204
    for method, path in (("GET", "/api/v1/consultants/me"), ("PATCH", "/api/v1/consultants/me"),
                         ("POST", "/api/v1/auth/logout-all")):
        r = await client.request(method, path, headers=h, json={"first_name": "Thief"} if method == "PATCH" else None)
        assert r.status_code == 401, (method, path)
    # A token taken after the owner signed in again dies with the password change too.
    fresh = (await client.post(LOGIN["consultant"], json={"email": "robbed@example.com", "password": PASSWORD})).json()
    stolen = (await client.post(LOGIN["consultant"], json={"email": "robbed@example.com", "password": PASSWORD})).json()
    r = await client.post("/api/v1/auth/change-password", headers=auth(fresh["access_token"]),
                          json={"current_password": PASSWORD, "new_password": "a brand new secret 9"})
    assert r.status_code == 200
    assert (await client.get("/api/v1/consultants/me", headers=auth(stolen["access_token"]))).status_code == 401


# --- a stolen access token deleting or emptying the account -------------------------------------------------------------

@pytest.mark.parametrize("body", [None, {}, {"current_password": None}, {"current_password": ""},
                                  {"current_password": "x" * 129}, {"current_password": "not the password"},
                                  {"password": PASSWORD}, {"current_password": PASSWORD.upper()},
                                  {"current_password": PASSWORD + " "}, {"current_password": [PASSWORD]}])
async def test_a_bearer_token_alone_neither_deletes_nor_exports(client, db, body):
    c = await approved_consultant(client, db, rules=every_day())
    free = await slots(client, c["slug"])
    assert (await book(client, c["slug"], booking(free[0]["slot_id"]))).status_code == 201
    for method, path in (("DELETE", "/api/v1/consultants/me"), ("POST", "/api/v1/consultants/me/export")):
        r = await client.request(method, path, headers=c["headers"], json=body)
        assert r.status_code in (403, 415, 422), (method, body, r.status_code)
        assert "Priya" not in r.text and "client@example.com" not in r.text
    me = await client.get("/api/v1/consultants/me", headers=c["headers"])
    assert me.status_code == 200 and me.json()["consultant"]["slug"] == c["slug"]
    assert len(await slots(client, c["slug"])) == len(free) - 1  # the page and its booking are still there


# --- erasure that leaves traces: hostile names and addresses ------------------------------------------------------------

HOSTILE = [
    ("A.* (x)|[y]+", "regex.meta+tag_1@example.com", "+91 99000 11111"),       # regular-expression metacharacters
    ('Jo "JJ" O\'Neil \\ Jr', "o'neil.jj@example.com", "+91-99000-22222"),     # quotes and a backslash (JSON escaping)
    ("प्रिया शाह", "priya.devanagari@example.com", "9900033333"),               # another script
    ("Zoë  Ünal", "ZOE.UNAL@Example.COM", "+44 20 7946 0958"),                   # accents, odd spacing, case, abroad
    ("Bo", "bo@example.com", None),                                              # a very short name
]


@pytest.mark.parametrize(("name", "email", "phone"), HOSTILE)
async def test_anonymising_leaves_nothing_whatever_the_name(client, db, name, email, phone):
    c = await approved_consultant(client, db, price="0", rules=every_day())
    h = c["headers"]
    free = await slots(client, c["slug"])
    person = {"name": name, "email": email, **({"phone": phone} if phone else {})}
    made = await book(client, c["slug"], booking(free[0]["slot_id"], notes=f"I am {name}, {email}") | {"client": person})
    assert made.status_code == 201, made.text
    # A bystander whose name starts like the hostile one keeps theirs (a piece of a name is not the name).
    bystander = f"{name.split()[0]}berg Senior"
    assert (await book(client, c["slug"], booking(free[1]["slot_id"], email="bystander@example.com")
                       | {"client": {"name": bystander, "email": "bystander@example.com"}})).status_code == 201
    sid = made.json()["session_id"]
    assert (await client.patch(f"/api/v1/sessions/{sid}", headers=h,
                               json={"consultant_notes": f"{name.upper()} rang about {email.upper()}"})).status_code == 200
    assert (await client.post(f"/api/v1/sessions/{sid}/cancel", headers=h,
                              json={"reason": f"{name} asked; call {phone or email}"})).status_code == 200
    client_id = (await client.get(f"/api/v1/sessions/{sid}", headers=h)).json()["client_id"]
    r = await client.post(f"/api/v1/clients/{client_id}/anonymise", headers=h, json={})
    assert r.status_code == 200, r.text
    needles = [email, email.lower(), *([] if name == "Bo" else [name])]
    if phone:
        needles.append("".join(ch for ch in phone if ch.isdigit())[-10:])
    assert await personal_data_left(db, needles) == []
    clients = {c_["email"]: c_["name"] for c_ in (await client.get("/api/v1/clients", headers=h)).json()["items"]}
    assert clients["bystander@example.com"] == bystander

# Test: pytest tests/fuzz/test_abuse_accounts.py
