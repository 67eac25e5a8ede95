# app/schemas.py — field types shared by request schemas: normalised email, phone, names, ids, instants, timezones.
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.passwords import MAX_LENGTH as MAX_PASSWORD
from app.passwords import MIN_LENGTH as MIN_PASSWORD
from app.schema_links import (
    InstagramUrl,
    LinkedinUrl,
    MeetUrl,
    SecureUrl,
    TeamsUrl,
    TwitterUrl,
    Url,
    ZoomUrl,
    link,
)
from app.schema_money import (
    MAX_MONEY,
    MONEY_PATTERN,
    Amount,
    Money,
    Percent,
    PositiveMoney,
    Price,
    Quantity,
    SignedAmount,
    decimal_field,
)
from app.schemas_tz import is_iana_timezone

# Re-exported: request and answer models import every field type from here.
__all__ = ["MAX_MONEY", "MONEY_PATTERN", "Amount", "InstagramUrl", "LinkedinUrl", "MeetUrl", "Money", "Percent",
           "PositiveMoney", "Price", "Quantity", "SecureUrl", "SignedAmount", "TeamsUrl", "TwitterUrl", "Url", "ZoomUrl",
           "decimal_field", "link"]


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def canonical_email(value: str) -> str:
    """The one form an address is kept, counted and mailed in: lower case, the domain in its ASCII (IDNA) form, so
    `idn@exämple.org` and `IDN@xn--exmple-cua.org` are one address (one account, one mailbox allowance) and the
    mail to it can be sent. A local part outside ASCII would need SMTPUTF8 all the way to the recipient, which
    nothing here can promise: it is refused (ValueError) with a reason a person can act on."""
    value = value.strip()
    local, at, _ = value.rpartition("@")
    if at and not local.isascii():
        raise ValueError("must use only ASCII letters, digits and punctuation before the @ (an address with other "
                         "characters there cannot be mailed from here)")
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address ({exc})") from exc
    return checked.ascii_email.lower()


def normalise_phone(value: object) -> object:
    """A phone number as digits with an optional leading +: spaces, hyphens and brackets dropped."""
    return "".join(ch for ch in value if ch not in " -()") if isinstance(value, str) else value


# The one range of instants and dates the platform takes and stores: the years 1970 to 2200, an instant's year
# read in UTC. Years 1 and 9999 parse, but overflow once shifted to another zone or by a day's arithmetic (a 500
# on the next page showing them). The tables hold the same range (app.is_plausible_instant, db/functions/app/checks.sql).
FIRST_YEAR, LAST_YEAR = 1970, 2200
# RFC 3339 as the document states it, in the years 1970–2200: the server checks this very pattern, so a
# request the document allows is never refused for its spelling, nor the reverse (schemathesis, both ways).
DATE_PATTERN = r"(19[7-9][0-9]|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
INSTANT_PATTERN = (rf"^{DATE_PATTERN}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{{1,6}})?"
                   r"(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$")  # offsets as the world has them (PostgreSQL: ±15:59)


def plausible_year(value: datetime | date) -> datetime | date:
    """The value itself when it falls in the years 1970–2200 (an aware instant's year both as written and in UTC),
    else ValueError. For the pages' own date fields too, so every path has this one bound."""
    years = [value.year]  # as written: the document's pattern states this one
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            years.append(value.astimezone(UTC).year)  # and in UTC, what the tables hold
        except OverflowError:
            pass  # year 1 or 9999 pushed past what Python holds: out of range as written anyway
    if not all(FIRST_YEAR <= year <= LAST_YEAR for year in years):
        raise ValueError(f"must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def page_date(text: str) -> date:
    """A date typed in a page's form or filter (YYYY-MM-DD) in the same years; ValueError otherwise."""
    return plausible_year(date.fromisoformat(text.strip()))


def _plausible_month(value: str) -> str:
    # A "YYYY-MM" month within the same years (the calendar's page links its neighbours).
    if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise ValueError(f"must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def _iso_text(value: object) -> object:
    # Pydantic reads "0.5" or "1700000000" (even in strict mode) as a Unix timestamp, but the document says an
    # ISO 8601 date: refuse numbers, so what is accepted is what is documented (schemathesis).
    # The types below parse the text checked here leniently (Strict(False)): strict mode takes no str.
    if isinstance(value, int | float) or (isinstance(value, str) and not re.fullmatch(f"^{DATE_PATTERN}$", value)):
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD) in the years 1970–2200, like 2027-01-31")
    return value


INSTANT_TEXT = "an ISO 8601 date-time with its time and offset, like 2027-01-31T09:30:00+05:30 or 2027-01-31T04:00:00Z"


def _iso_instant_text(value: object) -> object:
    # An instant also needs its offset (or Z): the same message for every text refused, so what the message
    # offers is what is accepted (issue 16: `from=garbage` was told a plain date would do; it would not).
    if isinstance(value, int | float) or (isinstance(value, str) and not re.fullmatch(INSTANT_PATTERN, value)):
        raise ValueError(f"must be {INSTANT_TEXT}")
    return value


def _timezone(value: str) -> str:
    if not is_iana_timezone(value):
        raise ValueError("not an IANA time zone name (like Asia/Kolkata)")
    return value


# --- text the server trims: the document states the text as sent ---------------------------------------------
# Pydantic drops a Field's pattern and lengths from the schema when a BeforeValidator comes first, and a length
# checked after trimming is not the length the document can state. So these check the text as sent (its
# length, a non-space character: what JSON Schema says), then trim it: the document and the server agree
# exactly (schemathesis holds them to it both ways).
# The characters trimmed are JavaScript's whitespace and line terminators (ECMA-262 \s), which the document's
# patterns mean: Python's str.strip() also takes U+001C–U+001F and U+0085 and leaves U+FEFF, so a name of one
# BOM was kept while the document called it blank (an outside review found both).
SPACES = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NOT_SPACE = r"[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"


# What one line of text printed on a page, an email or a GST document may not hold: C0 and C1 controls (line breaks
# and tabs included), the line and paragraph separators, and the invisible characters that reorder or hide text
# (bidirectional marks, embeddings, overrides and isolates, the Arabic letter mark, zero-width space, word joiner and
# invisible operators, BOM, interlinear annotation, Hangul fillers that look blank; ZWJ/ZWNJ stay: Indic scripts
# need them). An outside
# review printed "Evil \u202eelif.exe" on an invoice, and C1 controls as empty boxes in its PDF.
UNPRINTABLE = (r"\x00-\x1f\x7f-\x9f\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
               r"\u2060-\u206f\u3164\uffa0\ufeff\ufff9-\ufffb\ufffe\uffff")
_UNPRINTABLE = re.compile(f"[{UNPRINTABLE}]")
# A character that is neither unprintable nor a space (NOT_SPACE's spaces that are not already unprintable).
_VISIBLE = rf"[^{UNPRINTABLE} \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"


def trimmed(max_length: int, min_length: int = 0, description: str | None = None) -> object:
    """One line of text of at most max_length characters as sent, with at least min_length left once trimmed, and
    nothing in it that cannot be printed (UNPRINTABLE)."""
    def check(value: object) -> object:
        if not isinstance(value, str):
            return value  # the str schema after this refuses it with the usual message
        if len(value) > max_length:
            raise PydanticCustomError("string_too_long", "Use at most {max} characters.", {"max": max_length})
        if _UNPRINTABLE.search(value):
            raise PydanticCustomError("string_unprintable", "Use one line of letters, digits, spaces and punctuation: "
                                      "this holds a line break, a control or a direction character.")
        value = value.strip(SPACES)
        if len(value) < min_length:
            raise PydanticCustomError("string_too_short", "Fill this in." if min_length == 1 else
                                      "Use at least {min} characters.", {"min": min_length})
        return value
    # One pattern states both rules: only printable characters (anchored), and at least min_length of them besides
    # spaces at the ends — a visible one, then min_length - 2 more, then a visible one.
    line = f"[^{UNPRINTABLE}]"
    schema: dict = {"type": "string", "maxLength": max_length, "pattern": f"^{line}*$"}
    if min_length:
        schema |= {"minLength": min_length, "pattern": f"^{line}*{_VISIBLE}{line}*$" if min_length == 1
                   else f"^{line}*{_VISIBLE}{line}{{{min_length - 2},}}{_VISIBLE}{line}*$"}
    if description:
        schema["description"] = description
    return Annotated[str, BeforeValidator(check), WithJsonSchema(schema)]


def matching(pattern: str, normalise, description: str, max_length: int) -> object:
    """Text as sent must match `pattern` (the document's); the server then keeps it normalised."""
    compiled = re.compile(pattern)

    def check(value: object) -> object:
        if isinstance(value, str):
            if len(value) > max_length or not compiled.fullmatch(value):
                raise PydanticCustomError("string_pattern_mismatch", description)
            return normalise(value)
        return value
    return Annotated[str, BeforeValidator(check),
                     WithJsonSchema({"type": "string", "maxLength": max_length, "pattern": pattern,
                                     "description": description})]


Email = Annotated[str, BeforeValidator(_strip), Field(min_length=3, max_length=254),
                  AfterValidator(canonical_email), WithJsonSchema({
                      "type": "string", "format": "email", "minLength": 3, "maxLength": 254,
                      "description": "An address that can receive mail: ASCII before the @ (RFC 5321), a public "
                                     "domain (not .test, .invalid, .local, .localhost, .onion or .arpa); kept in "
                                     "lower case, its domain in ASCII (IDNA) form."})]
Name = trimmed(100, 1)
# A client's name as the clients table keeps it (blank is no name: refused naming the field given).
ClientName = trimmed(200, 1)
Text = Annotated[str, Field(max_length=5000)]
ShortText = trimmed(200)
PhoneCountryCode = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{0,3}$")]
PhoneNumber = Annotated[str, Field(pattern=r"^[0-9]{6,14}$")]
# A client's phone as people write it: 6–15 digits, an optional leading +, with spaces, hyphens and brackets
# anywhere (kept as digits and the +).
PHONE_PATTERN = r"^[ ()-]*(\+[ ()-]*)?([0-9][ ()-]*){6,15}$"
ClientPhone = matching(PHONE_PATTERN, normalise_phone, "Use 6 to 15 digits, optionally a leading +; spaces, "
                                                       "hyphens and brackets are fine.", 40)
Password = Annotated[str, Field(min_length=1, max_length=1024)]  # one being checked: a longer one never matches


def _new_password_length(value: str) -> str:
    """A new password's length, as the document states it (minLength/maxLength) and with the code and words
    the strength check uses (422 weak_password); whether it is guessable is checked when it is hashed."""
    if not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise PydanticCustomError("weak_password", "Use at least {low} characters." if len(value) < MIN_PASSWORD
                                  else "Use at most {high} characters.", {"low": MIN_PASSWORD, "high": MAX_PASSWORD})
    return value


# A password being chosen: 10–128 characters (any script) in the document too; not common nor guessable from
# the person's own name or email (zxcvbn, app/passwords.py), which JSON Schema cannot say.
NewPassword = Annotated[str, AfterValidator(_new_password_length), WithJsonSchema(
    {"type": "string", "minLength": MIN_PASSWORD, "maxLength": MAX_PASSWORD,
     "description": "10–128 characters, not a common password nor guessable from your name or email "
                    "(422 weak_password)."})]
Token = Annotated[str, Field(min_length=10, max_length=200)]
# An id in a request: the hyphenated form the document's `format: uuid` means (RFC 9562). Pydantic alone also
# took {braces}, urn:uuid: and bare hex, which the document refuses (an outside review sent all three).
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _uuid_text(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(UUID_PATTERN, value):
        raise PydanticCustomError("uuid_parsing", "Give an id like 3f0b6c52-9d1e-4b7a-8c3d-2e5f6a7b8c9d.")
    return value


Id = Annotated[uuid.UUID, BeforeValidator(_uuid_text), WithJsonSchema({"type": "string", "format": "uuid"})]
# A wall-clock time in the consultant's own zone: HH:MM, seconds allowed. Not `format: time`, which is RFC 3339's
# time *with an offset*: the server took "20:00:00Z" and quietly dropped the Z (an outside review found it).
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


def _clock_text(value: object) -> object:
    # Text as the schema says, or a time without offset from Python; a number (pydantic reads 0 as midnight *UTC*)
    # reached a comparison with a local time and answered 500 (the API fuzz found it).
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if not isinstance(value, str) or not re.fullmatch(CLOCK_PATTERN, value):
        raise PydanticCustomError("time_parsing", "Give a local time like 09:30 (no offset: it is the "
                                                  "consultant's own time zone).")
    return value


LocalTime = Annotated[time, Strict(False), BeforeValidator(_clock_text), WithJsonSchema({
    "type": "string", "pattern": CLOCK_PATTERN, "examples": ["09:30"],
    "description": "A local time in the consultant's time zone, HH:MM (seconds allowed, no offset)."})]




# Money (Money, Price, PositiveMoney, Percent, Amount, SignedAmount) is in app/schema_money.py; links (Url,
# SecureUrl, the social and meeting-room links) in app/schema_links.py. Both are re-exported here.
Slug = Annotated[str, Field(min_length=3, max_length=60, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
# The names themselves are in the document once, as the component "Timezone" (an enum of every name
# is_iana_timezone accepts; app/openapi.py adds it), so a generated client offers a list, not free text.
Timezone = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_timezone),
                     WithJsonSchema({"x-component": "Timezone"})]


# An instant with its offset as ISO 8601 text (never a Unix timestamp), in the years 1970–2200: every instant a
# body, a query or a page takes. The document states the year as written (INSTANT_PATTERN); the server also
# holds the instant's year in UTC to it, which an offset can move across New Year 1970 or 2201
# (app/beyond_schema.py, EVERYWHERE).
Instant = Annotated[AwareDatetime, Strict(False), BeforeValidator(_iso_instant_text), AfterValidator(plausible_year),
                    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN,
                                    "description": f"ISO 8601 date-time with its time and offset (a date alone is "
                                                   f"refused), years {FIRST_YEAR}–{LAST_YEAR}"})]
# A calendar date in the same years (asyncpg sends 9999-12-31, date.max, as infinity).
PlausibleDate = Annotated[date, Strict(False), BeforeValidator(_iso_text), AfterValidator(plausible_year),
                          WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{DATE_PATTERN}$",
                                          "description": f"ISO 8601 date, years {FIRST_YEAR}–{LAST_YEAR}"})]
# A month (YYYY-MM) in the same years.
PlausibleMonth = Annotated[str, Field(pattern=r"^(19[7-9][0-9]|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])$"),
                           AfterValidator(_plausible_month)]


# --- in answers ---------------------------------------------------------------------------------------------
# Amount and SignedAmount (money in answers) are in app/schema_money.py.
Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="A local time, HH:MM.")]

# Test: pytest tests/http/test_profile.py
