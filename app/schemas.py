# app/schemas.py — field types shared by request schemas: normalised email, phone, names, money, URLs, timezones.
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.passwords import MAX_LENGTH as MAX_PASSWORD
from app.passwords import MIN_LENGTH as MIN_PASSWORD
from app.schemas_tz import is_iana_timezone


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


# What a browser (WHATWG URL) reads as the host is what we check: the scheme, `//`, then the authority up to the
# first `/`, `?` or `#`. Browsers also end it at a backslash, drop tabs and newlines anywhere and strip spaces
# and control characters around the link, and take `user:pass@` as user info; urlsplit does none of that (it
# read "https://evil.example\\@instagram.com/" as a link to instagram.com). So a link with any of those is
# refused outright, and the host must be plain ASCII (a percent sign or a look-alike letter is refused too).
_LINK = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)"
                   r"(?::(?P<port>[0-9]{1,5}))?(?P<rest>[/?#].*)?", re.S)


def _link(value: str, schemes: tuple[str, ...]) -> re.Match:
    if "\\" in value or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ValueError("must not contain spaces, backslashes or control characters")
    match = _LINK.fullmatch(value)
    if match is None:
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@", value):
            raise ValueError("must not carry a user name or password before the host (user@host)")
        raise ValueError("not a valid link: " + " or ".join(f"{s}://host/path" for s in schemes))
    if match["scheme"].lower() not in schemes:
        raise ValueError(f"the link must start with {' or '.join(s + '://' for s in schemes)}")
    if match["port"] is not None and not 0 < int(match["port"]) <= 65535:
        raise ValueError("has a port out of range")
    return match


def _canonical(match: re.Match) -> str:
    """The link as stored: scheme and host in lower case, as a browser reads them anyway (HTTPS://Instagram.com/x
    is https://instagram.com/x), so the table's checks and every later comparison see one spelling."""
    port = f":{match['port']}" if match["port"] is not None else ""
    return f"{match['scheme'].lower()}://{match['host'].lower()}{port}{match['rest'] or ''}"


def _https_url(value: str) -> str:
    return _canonical(_link(value, ("http", "https")))


def _secure_url(value: str) -> str:
    return _canonical(_link(value, ("https",)))


def _host_in(*hosts: str):
    def check(value: str) -> str:
        match = _link(value, ("https",))
        host = match["host"].lower()
        if not any(host == h or host.endswith("." + h) for h in hosts):
            raise ValueError(f"must be a link on {' or '.join(hosts)}")
        return _canonical(match)
    return check


def normalise_phone(value: object) -> object:
    """A phone number as digits with an optional leading +: spaces, hyphens and brackets dropped."""
    return "".join(ch for ch in value if ch not in " -()") if isinstance(value, str) else value


# The one range of instants and dates the platform takes and stores: the years 1970 to 2200, an instant's year
# read in UTC. Years 1 and 9999 parse, but overflow once shifted to another zone or by a day's arithmetic (a 500
# on the next page showing them). The tables hold the same range (app.is_plausible_instant, db/functions/app/checks.sql).
FIRST_YEAR, LAST_YEAR = 1970, 2200


def plausible_year(value: datetime | date) -> datetime | date:
    """The value itself when it falls in the years 1970–2200 (an aware instant's year in UTC), else ValueError.
    For the pages' own date fields too, so every path has this one bound."""
    year = value.year
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            year = value.astimezone(UTC).year
        except OverflowError:
            year = value.year  # year 1 or 9999 pushed past what Python holds: out of range either way
    if not FIRST_YEAR <= year <= LAST_YEAR:
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
    if isinstance(value, int | float) or (isinstance(value, str) and not re.match(r"\s*[0-9]{4}-", value)):
        raise ValueError("must be an ISO 8601 date, like 2027-01-31")
    return value


INSTANT_TEXT = "an ISO 8601 date-time with its time and offset, like 2027-01-31T09:30:00+05:30 or 2027-01-31T04:00:00Z"


def _iso_datetime_text(value: object) -> object:
    # A date-time needs its time: "2027-01-31" alone would quietly become midnight (a booking at 00:00). The
    # message says what is accepted, whatever was sent (a date alone is refused, so it never offers one).
    if isinstance(value, int | float) or (
            isinstance(value, str) and not re.match(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]", value)):
        raise ValueError("must be an ISO 8601 date-time with its time, like 2027-01-31T09:30:00+05:30")
    return value


def _iso_instant_text(value: object) -> object:
    # An instant also needs its offset (or Z): the same message for every text refused, so what the message
    # offers is what is accepted (issue 16: `from=garbage` was told a plain date would do; it would not).
    if isinstance(value, int | float) or (isinstance(value, str) and not re.fullmatch(
            r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9].*(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)\s*", value)):
        raise ValueError(f"must be {INSTANT_TEXT}")
    return value


def _timezone(value: str) -> str:
    if not is_iana_timezone(value):
        raise ValueError("not an IANA time zone name (like Asia/Kolkata)")
    return value


Email = Annotated[str, BeforeValidator(_strip), Field(min_length=3, max_length=254, json_schema_extra={"format": "email"}),
                  AfterValidator(canonical_email)]
Name = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=100)]
# A client's name as the clients table keeps it (blank is no name: refused naming the field given).
ClientName = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=5000)]
ShortText = Annotated[str, BeforeValidator(_strip), Field(max_length=200)]
PhoneCountryCode = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{0,3}$")]
PhoneNumber = Annotated[str, Field(pattern=r"^[0-9]{6,14}$")]
ClientPhone = Annotated[str, BeforeValidator(normalise_phone), Field(pattern=r"^\+?[0-9]{6,15}$")]
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
Money = Annotated[Decimal, Field(ge=0, le=Decimal("99999999.99"), max_digits=10, decimal_places=2)]
Url = Annotated[str, Field(max_length=500), AfterValidator(_https_url)]
SecureUrl = Annotated[str, Field(max_length=500, pattern=r"^[Hh][Tt][Tt][Pp][Ss]://"), AfterValidator(_secure_url)]
InstagramUrl = Annotated[str, Field(max_length=500), AfterValidator(_host_in("instagram.com"))]
LinkedinUrl = Annotated[str, Field(max_length=500), AfterValidator(_host_in("linkedin.com"))]
TwitterUrl = Annotated[str, Field(max_length=500), AfterValidator(_host_in("twitter.com", "x.com"))]
# A consultant's own meeting room, shown to clients as "Join on Zoom/Meet/Teams": on that provider, nowhere else.
ZoomUrl = Annotated[str, Field(max_length=500), AfterValidator(_host_in("zoom.us", "zoom.com", "zoomgov.com"))]
MeetUrl = Annotated[str, Field(max_length=500), AfterValidator(_host_in("meet.google.com"))]
TeamsUrl = Annotated[str, Field(max_length=500), AfterValidator(_host_in("teams.microsoft.com", "teams.live.com"))]
Slug = Annotated[str, Field(min_length=3, max_length=60, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Timezone = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_timezone)]


# An instant with its offset as ISO 8601 text (never a Unix timestamp), in the years 1970–2200 (UTC): every
# instant a body, a query or a page takes.
Instant = Annotated[AwareDatetime, Strict(False), BeforeValidator(_iso_instant_text), AfterValidator(plausible_year),
                    Field(description=f"ISO 8601 date-time with its time and offset (a date alone is refused), "
                                      f"years {FIRST_YEAR}–{LAST_YEAR}")]
# A date-time, offset optional (read in the consultant's zone), within the same years.
LocalInstant = Annotated[datetime, Strict(False), BeforeValidator(_iso_datetime_text), AfterValidator(plausible_year)]
# A calendar date in the same years (asyncpg sends 9999-12-31, date.max, as infinity).
PlausibleDate = Annotated[date, Strict(False), BeforeValidator(_iso_text), AfterValidator(plausible_year),
                          Field(description=f"ISO 8601 date, years {FIRST_YEAR}–{LAST_YEAR}")]
# A month (YYYY-MM) in the same years.
PlausibleMonth = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"), AfterValidator(_plausible_month)]


# --- in answers ------------------------------------------------------------------------------------------------
# An amount of money in an answer: rupees, at most two decimals (a JSON number today; docs/api.md).
Amount = Annotated[float, Field(ge=0, description="Rupees (INR), at most two decimals.")]
Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="A local time, HH:MM.")]

# Test: pytest tests/http/test_profile.py
