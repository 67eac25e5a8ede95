# tests/fuzz/test_hostile_input.py — injection strings, Unicode edge cases and absurd numbers in every text and number field of the main endpoints: a clear 4xx or a faithful round trip.
"""For each field and each hostile value: the answer is never a 5xx; a 4xx is in the one error shape and
leaves the table it aimed at exactly as it was; a 2xx stores the value so that reading it back gives what
was sent, codepoint for codepoint for text and to the paisa for numbers. NUL can't be stored in PostgreSQL
text at all, so a NUL in any text field must be a 4xx."""
from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation

import asyncpg
import httpx
import pytest

from tests.http.helpers import auth, make_admin
from tests.http.test_booking import PUBLIC, approved_consultant, every_day, slots

TEXT = {
    "sql_quote": "'; drop table app.sessions; --",
    "sql_or": "' or '1'='1",
    "dollar_quotes": "$$; select pg_sleep(0); $$",
    "backslashes": "C:\\new\\table\\ \\x00 \\\\",
    "rtl_override": "abc\u202egnp.exe",
    "zero_width": "a\u200bb\u200cc\u200dd\ufeffe",
    "emoji": "👩‍👩‍👧‍👦 👍🏽 🏳️‍🌈 🇮🇳",
    "combining": "Z\u0335\u0321\u031ba\u0336l\u0337g\u0338o e\u0301",
    "ten_kb": "n" * 10_000,
    "ten_kb_emoji": "🙂" * 2_500,
}
NUL = "before\x00after"
# Raw JSON for each number: numbers, numbers as strings, and the tokens Python's json accepts but JSON does not.
NUMBERS = ["1e308", str(10**40), "-1", "0.001", "NaN", "Infinity", "-Infinity", '"NaN"', '"Infinity"', '"1e308"',
           '"0.001"', "12.5"]


def body_with(base: dict, field: str, raw: str) -> str:
    """`base` as JSON with `field` set to the raw JSON text `raw` (so NaN and Infinity go out as tokens)."""
    rest = json.dumps({k: v for k, v in base.items() if k != field})
    return (rest[:-1] + ", " if rest != "{}" else "{") + f"{json.dumps(field)}: {raw}}}"


async def table_state(db, *tables: str) -> list:
    conn = await asyncpg.connect(db.admin_url)
    try:
        return [await conn.fetchval(f"select count(*)::text || ':' || coalesce(md5(string_agg(t::text, e'\\n' "
                                    f"order by t::text)), '') from app.{table} t") for table in tables]
    finally:
        await conn.close()


def find(body, name: str):
    """The field `name` in a response body, at the top or one object down ({"consultant": {...}})."""
    if name in body:
        return body[name]
    for value in body.values():
        if isinstance(value, dict) and name in value:
            return value[name]
    raise KeyError(name)


def same_number(got, raw: str) -> bool:
    try:
        return Decimal(str(got)) == Decimal(raw.strip('"'))
    except InvalidOperation:
        return False


class Probe:
    """Sends hostile values at one endpoint and holds it to the rule; counts outcomes so a test can show
    that both branches (refused and stored) were exercised."""

    def __init__(self, client: httpx.AsyncClient, db, tables: tuple[str, ...]):
        self.client, self.db, self.tables = client, db, tables
        self.outcomes: dict[str, int] = {"refused": 0, "kept": 0}

    async def send(self, method: str, url: str, content: str, headers: dict, read, field: str, expected,
                   *, must_refuse: bool = False) -> httpx.Response:
        before = await table_state(self.db, *self.tables)
        r = await self.client.request(method, url, content=content.encode(),
                                      headers={**headers, "Content-Type": "application/json"})
        where = f"{method} {url} {field}={content[-80:]!r}"
        assert r.status_code < 500, f"{where}: {r.status_code} {r.text}"
        if r.status_code >= 400:
            error = r.json()["error"]
            assert set(error) >= {"code", "message", "field"} and error["code"] and error["message"], where
            assert await table_state(self.db, *self.tables) == before, f"{where}: refused but the table changed"
            self.outcomes["refused"] += 1
            return r
        assert not must_refuse, f"{where}: accepted {r.status_code} {r.text[:200]}"
        got = await read(r)
        if isinstance(expected, str) and not expected.startswith("raw:"):
            assert got == expected, f"{where}: stored {got!r}"
        else:
            assert same_number(got, expected.removeprefix("raw:")), f"{where}: stored {got!r}"
        self.outcomes["kept"] += 1
        return r

    async def text_and_numbers(self, method: str, url, base: dict, headers: dict, read, *,
                               text: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> None:
        """Every hostile text in each text field, NUL in each (must be refused), every number in each
        number field. `url` and `base` may be callables, for endpoints that need fresh ones per call."""
        for field in text:
            for value in [*TEXT.values(), NUL]:
                u = url() if callable(url) else url
                b = base() if callable(base) else base
                await self.send(method, u, json.dumps({**b, field: value}), headers,
                                lambda r, f=field: read(r, f), field, value, must_refuse=value == NUL)
        for field in numbers:
            for raw in NUMBERS:
                u = url() if callable(url) else url
                b = base() if callable(base) else base
                await self.send(method, u, body_with(b, field, raw), headers,
                                lambda r, f=field: read(r, f), field, "raw:" + raw)


def fresh_email() -> str:
    return f"h{uuid.uuid4().hex[:12]}@example.com"


async def test_signup_names(app, db):
    # Signups are limited per IP: each attempt comes from its own address, as from many visitors.
    count, outcomes = 0, {"refused": 0, "kept": 0}

    async def read(r, field):
        return find(r.json(), field)

    for field in ("first_name", "last_name"):
        for value in [*TEXT.values(), NUL]:
            count += 1
            transport = httpx.ASGITransport(app=app, client=(f"10.9.{count // 250}.{count % 250 + 1}", 4000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                probe = Probe(c, db, ("consultants",))
                body = {"email": fresh_email(), "password": "correct horse battery 42", "first_name": "Asha",
                        "last_name": "Verma", "phone_country_code": "+91", "phone_number": "9876543210"}
                r = await probe.send("POST", "/api/v1/auth/signup", json.dumps({**body, field: value}), {},
                                     lambda r, f=field: read(r, f), field, value, must_refuse=value == NUL)
                if r.status_code == 201:  # and the account reads back the same
                    me = await c.get("/api/v1/auth/me", headers=auth(r.json()["access_token"]))
                    assert find(me.json(), field) == value
                outcomes = {k: v + probe.outcomes[k] for k, v in outcomes.items()}
    assert outcomes["refused"] and outcomes["kept"]


async def test_profile_update(client, db):
    c = await approved_consultant(client, db)
    probe = Probe(client, db, ("consultants",))

    async def read(r, field):
        assert find(r.json(), field) == find((await client.get("/api/v1/consultants/me", headers=c["headers"])).json(), field)
        return find(r.json(), field)

    await probe.text_and_numbers(
        "PATCH", "/api/v1/consultants/me", {}, c["headers"], read,
        text=("first_name", "last_name", "consultancy_sector", "personal_session_title", "webinar_session_title",
              "description"),
        numbers=("personal_session_price", "webinar_session_price", "experience_months", "min_notice_minutes",
                 "max_days_ahead", "buffer_minutes", "hold_minutes"))
    assert probe.outcomes["refused"] and probe.outcomes["kept"]


async def test_public_booking(client, db):
    c = await approved_consultant(client, db, price="0", rules=every_day(start="00:00", end="23:00"),
                                  max_days_ahead=60)
    free = iter(await slots(client, c["slug"]))
    probe = Probe(client, db, ("sessions", "clients"))

    def base():
        return {"slot_id": next(free)["slot_id"], "session_type": "personal",
                "client": {"name": "Priya Shah", "email": fresh_email()}}

    async def read(r, field):
        session = (await client.get(f"/api/v1/sessions/{r.json()['session_id']}", headers=c["headers"])).json()
        if field == "notes":
            return session["notes"]
        return (await client.get(f"/api/v1/clients/{session['client_id']}", headers=c["headers"])).json()["name"]

    url = f"{PUBLIC}/{c['slug']}/bookings"
    await probe.text_and_numbers("POST", url, base, {}, read, text=("notes",))
    # The client's name is one level down.
    for value in [*TEXT.values(), NUL]:
        body = base()
        body["client"]["name"] = value
        await probe.send("POST", url, json.dumps(body), {}, lambda r: read(r, "name"), "client.name", value,
                         must_refuse=value == NUL)
    assert probe.outcomes["refused"] and probe.outcomes["kept"]


async def test_clients_create_and_update(client, db):
    c = await approved_consultant(client, db)
    h = c["headers"]
    probe = Probe(client, db, ("clients",))

    async def read(r, field):
        return (await client.get(f"/api/v1/clients/{r.json()['id']}", headers=h)).json()[field]

    await probe.text_and_numbers("POST", "/api/v1/clients", lambda: {"name": "Ravi", "email": fresh_email()}, h, read,
                                 text=("name", "notes"))
    made = await client.post("/api/v1/clients", headers=h, json={"name": "Ravi", "email": fresh_email()})
    await probe.text_and_numbers("PATCH", f"/api/v1/clients/{made.json()['id']}", {}, h, read, text=("name", "notes"))
    assert probe.outcomes["refused"] and probe.outcomes["kept"]


async def test_sessions_create_and_update(client, db):
    c = await approved_consultant(client, db)
    h = c["headers"]
    who = (await client.post("/api/v1/clients", headers=h, json={"name": "Ravi", "email": fresh_email()})).json()["id"]
    probe = Probe(client, db, ("sessions",))
    hour = iter(range(10_000))

    def base():
        n = next(hour)  # each session an hour of its own: no overlaps
        return {"client_id": who, "session_type": "personal",
                "starts_at": f"2028-{1 + n // 600:02d}-{1 + n // 24 % 25:02d}T{n % 24:02d}:00:00Z",
                "ends_at": f"2028-{1 + n // 600:02d}-{1 + n // 24 % 25:02d}T{n % 24:02d}:30:00Z"}

    async def read(r, field):
        return (await client.get(f"/api/v1/sessions/{r.json()['id']}", headers=h)).json()[field]

    await probe.text_and_numbers("POST", "/api/v1/sessions", base, h, read, text=("notes",), numbers=("amount",))
    made = await client.post("/api/v1/sessions", headers=h, json=base())
    assert made.status_code == 201, made.text
    await probe.text_and_numbers("PATCH", f"/api/v1/sessions/{made.json()['id']}", {}, h, read,
                                 text=("notes", "consultant_notes", "meeting_id", "meeting_password"))
    assert probe.outcomes["refused"] and probe.outcomes["kept"]


async def test_quotations_create_and_update(client, db):
    c = await approved_consultant(client, db)
    h = c["headers"]
    probe = Probe(client, db, ("quotations", "clients"))
    base = {"client_name": "Meera", "client_email": "meera@example.com", "quotation_name": "Plan",
            "base_amount": "1000"}

    async def read(r, field):
        return (await client.get(f"/api/v1/quotations/{r.json()['id']}", headers=h)).json()[field]

    fields = {"text": ("quotation_name", "description", "validity_period", "notes", "client_name"),
              "numbers": ("base_amount", "discount_percentage")}
    await probe.text_and_numbers("POST", "/api/v1/quotations", base, h, read, **fields)
    made = await client.post("/api/v1/quotations", headers=h, json=base)
    await probe.text_and_numbers("PATCH", f"/api/v1/quotations/{made.json()['id']}", {}, h, read, **fields)
    assert probe.outcomes["refused"] and probe.outcomes["kept"]


async def test_admin_settings(client, db):
    h = auth(await make_admin(db, client, role="super_admin"))
    probe = Probe(client, db, ("platform_settings",))

    async def read(r, field):
        settings = (await client.get("/api/v1/admin/settings", headers=h)).json()
        value = find(settings, field)
        return value["value"] if isinstance(value, dict) and "value" in value else value

    await probe.text_and_numbers("PUT", "/api/v1/admin/settings", {}, h, read, text=("platform_name",),
                                 numbers=("default_hold_minutes", "booking_horizon_days", "reminder_hours_before"))
    assert probe.outcomes["refused"] and probe.outcomes["kept"]


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
async def test_non_json_numbers_are_refused_in_the_one_error_shape(client, db, raw):
    """NaN and Infinity are not JSON (Python's json reads them anyway), 1e999 overflows a double."""
    c = await approved_consultant(client, db)
    r = await client.patch("/api/v1/consultants/me", headers={**c["headers"], "Content-Type": "application/json"},
                           content=f'{{"personal_session_price": {raw}}}'.encode())
    assert 400 <= r.status_code < 500 and r.json()["error"]["code"], r.text

# Test: pytest tests/fuzz/test_hostile_input.py
