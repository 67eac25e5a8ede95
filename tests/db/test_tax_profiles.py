# tests/db/test_tax_profiles.py — tax identifiers checked in SQL (GSTIN check character, PAN shape), a consultant's tax settings written through api.set_my_tax_profile under the policies, and the financial year.
from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime

import asyncpg
import pytest

from tests.db import factories
from tests.db.assertions import raises_sqlstate

ALPHABET = string.digits + string.ascii_uppercase


def check_character(first14: str) -> str:
    """docs/gst.md §7, written again in Python: Luhn mod 36, weights 1, 2, 1, 2, …"""
    total = 0
    for i, ch in enumerate(first14):
        p = ALPHABET.index(ch) * (1 if i % 2 == 0 else 2)
        total += p // 36 + p % 36
    return ALPHABET[(36 - total % 36) % 36]


def gstin(state: str = "29", pan: str = "ABCPK1234F", entity: str = "1") -> str:
    first = state + pan + entity + "Z"
    return first + check_character(first)


async def test_the_gstin_check_character_matches_the_rule_and_the_published_samples(owner):
    # The two samples docs/gst.md worked by hand.
    for known in ("27AAPFU0939F1ZV", "18AABCU9603R1ZM"):
        assert await owner.fetchval("select app.gstin_is_valid($1)", known) is True
    rng = random.Random(2126)
    for _ in range(300):
        first = (f"{rng.randint(1, 38):02d}" + "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
                 + rng.choice("ABCFGHJLPT") + rng.choice(string.ascii_uppercase)
                 + "".join(rng.choice(string.digits) for _ in range(4)) + rng.choice(string.ascii_uppercase)
                 + rng.choice("123456789ABC") + "Z")
        assert await owner.fetchval("select app.gstin_check_character($1)", first) == check_character(first)
        good = first + check_character(first)
        assert await owner.fetchval("select app.gstin_is_valid($1)", good) is True
        wrong = first + next(c for c in ALPHABET if c != check_character(first))
        assert await owner.fetchval("select app.gstin_is_valid($1)", wrong) is False
    # One mistyped character anywhere is caught (the check's purpose), and shapes are refused.
    sample = "27AAPFU0939F1ZV"
    for i in range(14):
        for c in "0A9Z":
            typo = sample[:i] + c + sample[i + 1:]
            if typo != sample and await owner.fetchval("select app.gstin_is_valid($1)", typo):
                # Mod 36 catches every single substitution: none may pass.
                pytest.fail(f"{typo} passed")
    for bad in ("27aapfu0939f1zv", "27AAPFU0939F1Z", "27AAPFU0939F0ZV", "2AAAPFU0939F1ZV", ""):
        assert await owner.fetchval("select app.gstin_is_valid($1)", bad) is False, bad


async def test_pan_shapes_and_the_financial_year(owner):
    for good in ("ABCPK1234F", "AAAHA0000A", "ZZZCZ9999Z"):
        assert await owner.fetchval("select app.pan_is_valid($1)", good) is True
    for bad in ("ABCXK1234F", "abcpk1234f", "ABCPK123F", "ABCPK12345", "ABCPK1234FF"):
        assert await owner.fetchval("select app.pan_is_valid($1)", bad) is False
    # 1 April in India, not in UTC: 31 March 19:00 UTC is already 1 April 00:30 IST.
    assert str(await owner.fetchval("select app.financial_year_start($1)",
                                    datetime(2027, 3, 31, 19, 0, tzinfo=UTC))) == "2027-04-01"
    assert str(await owner.fetchval("select app.financial_year_start($1)",
                                    datetime(2027, 3, 31, 18, 0, tzinfo=UTC))) == "2026-04-01"


async def set_profile(conn: asyncpg.Connection, profile: dict, pan: str | None = None):
    return json.loads(await conn.fetchval("select api.set_my_tax_profile($1, $2, $3, $4)", json.dumps(profile), pan,
                                          pan and b"ciphertext of " + pan.upper().encode(),
                                          pan and b"hash of " + pan.upper().encode()))


REGULAR = {"gst_scheme": "regular", "gstin": gstin(), "legal_name": "Kavya Rao Consulting",
           "address_line1": "12 MG Road", "city": "Bengaluru", "postal_code": "560001"}


async def test_a_consultant_sets_their_tax_profile_and_each_rule_is_a_422_naming_its_field(db, owner):
    c = await factories.consultant(owner)
    async with db.as_caller("app", consultant_id=c) as conn:
        fresh = json.loads(await conn.fetchval("select api.my_tax_profile()"))
        assert (fresh["gst_scheme"], fresh["document"], fresh["pan"], fresh["tds_basis_points"]) == (
            "unregistered", "receipt", None, 500)
        saved = await set_profile(conn, {**REGULAR, "gstin": REGULAR["gstin"].lower()}, "abcpk1234f")
        assert (saved["gstin"], saved["state_code"], saved["state_name"], saved["pan"], saved["pan_holder"],
                saved["document"], saved["tcs_basis_points"], saved["tds_basis_points"]) == (
            gstin(), "29", "Karnataka", "XXXXXX234F", "individual", "tax_invoice", 50, 10)
        # The PAN on file is kept when none is sent, and still has to be the GSTIN's.
        kept = await set_profile(conn, {**REGULAR, "gst_scheme": "composition"})
        assert (kept["pan"], kept["document"], kept["tcs_basis_points"]) == ("XXXXXX234F", "bill_of_supply", 0)
        cases = [
            ({**REGULAR, "gstin": gstin()[:-1] + ("A" if gstin()[-1] != "A" else "B")}, None, "gstin"),  # typo
            ({**REGULAR, "gstin": gstin(pan="ABCPK9999F")}, None, "gstin"),  # someone else's PAN
            ({**REGULAR, "gstin": gstin(state="27"), "state_code": "29"}, "ABCPK1234F", "state_code"),
            ({**REGULAR, "gstin": None}, None, "gstin"),
            ({"gst_scheme": "unregistered", "gstin": gstin()}, None, "gstin"),
            ({**REGULAR, "legal_name": None}, None, "legal_name"),
            ({**REGULAR, "postal_code": "060001"}, None, "postal_code"),
            ({**REGULAR, "gst_scheme": "sole"}, None, "gst_scheme"),
            ({"gst_scheme": "unregistered", "state_code": "99"}, None, "state_code"),
            ({"gst_scheme": "unregistered"}, "ABCXK1234F", "pan"),
            ({"gst_scheme": "composition", **{k: v for k, v in REGULAR.items() if k != "gst_scheme"},
              "lut_reference": "AD290326000123X", "lut_valid_until": "2027-03-31"}, None, "lut_reference"),
            ({**REGULAR, "lut_reference": "AD290326000123X"}, None, "lut_valid_until"),
            # A letter of undertaking is for one financial year (this one's or the next's 31 March), not forever.
            ({**REGULAR, "lut_reference": "AD290326000123X", "lut_valid_until": "2200-12-31"}, None, "lut_valid_until"),
            ({**REGULAR, "lut_reference": "AD290326000123X", "lut_valid_until": "2027-03-30"}, None, "lut_valid_until"),
            ({**REGULAR, "legal_name": "Kavya \u202eRao"}, None, "legal_name"),
            ({**REGULAR, "address_line1": "12 MG Road\nFloor 2"}, None, "address_line1"),
            ({**REGULAR, "gstin": gstin(state="99"), "state_code": "99"}, None, "gstin"),
        ]
        for profile, pan, field in cases:
            err = await raises_sqlstate(conn, "NK422", "select api.set_my_tax_profile($1, $2, $3)", json.dumps(profile),
                                        pan, pan and b"x")
            assert err.hint == f"field:{field}", (profile, pan, err.detail)
        after = json.loads(await conn.fetchval("select api.my_tax_profile()"))
        assert after["document"] == "bill_of_supply"  # nothing a refusal touched
        lut = await set_profile(conn, {**REGULAR, "lut_reference": "ad290326000123x", "lut_valid_until": "2027-03-31"})
        assert (lut["lut_reference"], lut["lut_valid_until"]) == ("AD290326000123X", "2027-03-31")
        # Unregistered with only a PAN and a State: the threshold applies to a person.
        plain = await set_profile(conn, {"gst_scheme": "unregistered", "state_code": "07"}, "AAAHA0000A")
        assert (plain["pan_holder"], plain["tds_threshold_applies"], plain["gstin"]) == ("huf", True, None)


async def test_a_pan_is_on_one_account_only(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    await factories.tax_profile(owner, a, pan="ABCPK1234F", pan_hash=b"hash of ABCPK1234F")
    async with db.as_caller("app", consultant_id=b) as conn:
        err = await raises_sqlstate(conn, "NK422", "select api.set_my_tax_profile($1, $2, $3, $4)",
                                    json.dumps({"gst_scheme": "unregistered"}), "ABCPK1234F", b"x", b"hash of ABCPK1234F")
        assert err.hint == "field:pan" and "another Nakksha account" in err.detail
        assert json.loads(await conn.fetchval("select api.my_tax_profile()"))["pan"] is None
        # Their own PAN is theirs, and saving again without one keeps it.
        await set_profile(conn, {"gst_scheme": "unregistered"}, "ABCPL1234F")
        assert (await set_profile(conn, {"gst_scheme": "unregistered", "state_code": "07"}))["pan"] == "XXXXXX234F"


async def test_the_policies_keep_each_profile_its_consultants(db, owner):
    a, b = await factories.consultant(owner), await factories.consultant(owner)
    pending = await factories.consultant(owner, approved=False)
    await factories.tax_profile(owner, b, gst_scheme="regular", gstin=gstin(pan="ABCPK1234F"), address_line1="x",
                                city="y", postal_code="560001")
    async with db.as_caller("app", consultant_id=a) as conn:
        assert await conn.fetchval("select count(*) from app.consultant_tax_profiles") == 0
        assert json.loads(await conn.fetchval("select api.tax_profile_json($1)", b))["gstin"] is None
        await raises_sqlstate(conn, "42501", "insert into app.consultant_tax_profiles (consultant_id) values ($1)", b)
        assert await conn.fetchval("update app.consultant_tax_profiles set legal_name = 'Mine' where consultant_id = $1 "
                                   "returning 1", b) is None
        # The ciphertext is theirs to write, never another consultant's to read, and no caller may set the
        # PAN's clear parts apart from a PAN.
        await raises_sqlstate(conn, "23514", "insert into app.consultant_tax_profiles (consultant_id, pan_last4) "
                              "values ($1, '234F')", a)
    async with db.as_caller("app", consultant_id=pending) as conn:
        await raises_sqlstate(conn, "NK403", "select api.set_my_tax_profile('{}', null, null)")
    async with db.as_caller("app") as conn:
        assert await conn.fetchval("select count(*) from app.consultant_tax_profiles") == 0
        assert len(json.loads(await conn.fetchval("select api.gst_states()"))["items"]) == 36  # the current ones, public

# Test: pytest tests/db/test_tax_profiles.py
