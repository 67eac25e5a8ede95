# tests/http/test_schema_rules.py — each field type's documented pattern is exactly the server's rule: whatever matches is accepted, whatever does not is refused.
"""Schemathesis (tests/fuzz) checks this through the API a few examples at a time; here every shared field type
is held to its own JSON schema with many more draws, no database needed. "Accepted" means the type's
validator takes the text; "refused" means it raises. The instant's year in UTC is the one rule the pattern
cannot state (app/beyond_schema.py, EVERYWHERE): draws an offset pushes past 1970–2200 are left out."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from app.beyond_schema import BEYOND_SCHEMA, EVERYWHERE
from app.routes.profile import AccountNumber, BankName, Ifsc
from app.schemas import (
    ClientPhone,
    InstagramUrl,
    Instant,
    Money,
    Name,
    Percent,
    PlausibleDate,
    PlausibleMonth,
    SecureUrl,
    TeamsUrl,
    Url,
)

TYPES = {"Money": Money, "Percent": Percent, "ClientPhone": ClientPhone, "AccountNumber": AccountNumber,
         "Ifsc": Ifsc, "SecureUrl": SecureUrl, "Url": Url, "InstagramUrl": InstagramUrl, "TeamsUrl": TeamsUrl,
         "Instant": Instant, "PlausibleDate": PlausibleDate, "PlausibleMonth": PlausibleMonth, "Name": Name,
         "BankName": BankName}
FEW = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def string_pattern(kind) -> tuple[str, dict]:
    schema = TypeAdapter(kind).json_schema()
    branch = next(s for s in schema.get("anyOf", [schema]) if s.get("type") == "string")
    return branch["pattern"], branch


def accepts(kind, value) -> bool:
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError:
        return False
    return True


def utc_year_in_range(text: str) -> bool:
    if "T" not in text:
        return True
    return 1970 <= datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).year <= 2200


@pytest.mark.parametrize("name", sorted(TYPES))
@FEW
@given(data=st.data())
def test_what_the_pattern_allows_is_accepted(name, data):
    pattern, schema = string_pattern(TYPES[name])
    value = data.draw(st.from_regex(pattern, fullmatch=True).filter(
        lambda v: len(v) <= schema.get("maxLength", 10**6) and len(v) >= schema.get("minLength", 0)))
    if name in ("Instant", "PlausibleDate"):
        try:  # the pattern allows 31 February; format date(-time) does not
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return
    if name == "Instant" and not utc_year_in_range(value):
        return
    assert accepts(TYPES[name], value), (name, value)


@pytest.mark.parametrize("name", sorted(TYPES))
@FEW
@given(data=st.data())
def test_what_the_pattern_refuses_is_refused(name, data):
    pattern, schema = string_pattern(TYPES[name])
    # Near misses first: a matching value with one character changed, added or removed; then any text.
    good = st.from_regex(pattern, fullmatch=True)
    mutated = st.tuples(good, st.integers(0, 80), st.characters(), st.sampled_from("cir")).map(
        lambda t: (t[0][:t[1]] + t[2] + t[0][t[1] + 1:]) if t[3] == "c" else
                  (t[0][:t[1]] + t[2] + t[0][t[1]:]) if t[3] == "i" else (t[0][:t[1]] + t[0][t[1] + 1:]))
    value = data.draw(st.one_of(mutated, st.text(max_size=60)))
    if re.search(pattern, value) and len(value) <= schema.get("maxLength", 10**6):
        return  # still allowed
    assert not accepts(TYPES[name], value), (name, value)


def test_money_numbers_are_read_exactly():
    adapter = TypeAdapter(Money)
    assert str(adapter.validate_python(0.57)) == "0.57" and str(adapter.validate_python("1499.50")) == "1499.50"
    for refused in (5.123, "5.123", "1e3", " 5", True, -1, "99999999.991", 100000000):
        assert not accepts(Money, refused), refused


def test_every_rule_beyond_the_schema_is_written_for_people():
    for rules in (*BEYOND_SCHEMA.values(), EVERYWHERE):
        for rule in rules:
            # A code a program can match, and the status it comes with, in the words.
            assert re.fullmatch(r"[a-z_]+", rule.code) and re.search(r"\b4[0-9]{2}\b", rule.rule), rule

# Test: pytest tests/http/test_schema_rules.py
