# app/schemas.py — field types shared by request schemas: normalised email, phone, names, money, URLs, timezones.
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict

from app.schemas_tz import is_iana_timezone


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _email(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address ({exc})") from exc
    return value


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


def _plausible_year(value: datetime | date) -> datetime | date:
    # Years 1 and 9999 parse, but overflow once shifted to UTC or by a day's arithmetic (a 500 otherwise).
    if not 1970 <= value.year <= 2200:
        raise ValueError("must be between the years 1970 and 2200")
    return value


def _iso_text(value: object) -> object:
    # Pydantic reads "0.5" or "1700000000" (even in strict mode) as a Unix timestamp, but the document says an
    # ISO 8601 date or date-time: refuse numbers, so what is accepted is what is documented (schemathesis).
    # The types below parse the text checked here leniently (Strict(False)): strict mode takes no str.
    if isinstance(value, int | float) or (isinstance(value, str) and not re.match(r"\s*[0-9]{4}-", value)):
        raise ValueError("must be an ISO 8601 date or date-time, like 2027-01-31 or 2027-01-31T09:30:00+05:30")
    return value


def _iso_datetime_text(value: object) -> object:
    # A date-time needs its time: "2027-01-31" alone would quietly become midnight (a booking at 00:00).
    _iso_text(value)
    if isinstance(value, str) and not re.match(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]", value):
        raise ValueError("must be an ISO 8601 date-time with its time, like 2027-01-31T09:30:00+05:30")
    return value


def _utc_representable(value: datetime) -> datetime:
    # Years 1 and 9999 with an offset overflow once shifted to UTC (asyncpg does that on the way in): a 500
    # otherwise (found by review of the query filters).
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None
    return value


def _timezone(value: str) -> str:
    if not is_iana_timezone(value):
        raise ValueError("not an IANA time zone name (like Asia/Kolkata)")
    return value


Email = Annotated[str, BeforeValidator(_strip), Field(min_length=3, max_length=254, json_schema_extra={"format": "email"}),
                  AfterValidator(_email)]
Name = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=100)]
Text = Annotated[str, Field(max_length=5000)]
ShortText = Annotated[str, BeforeValidator(_strip), Field(max_length=200)]
PhoneCountryCode = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{0,3}$")]
PhoneNumber = Annotated[str, Field(pattern=r"^[0-9]{6,14}$")]
ClientPhone = Annotated[str, BeforeValidator(normalise_phone), Field(pattern=r"^\+?[0-9]{6,15}$")]
Password = Annotated[str, Field(min_length=1, max_length=1024)]
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


# An instant with its offset as ISO 8601 text, any year (query filters: never a Unix timestamp).
IsoInstant = Annotated[AwareDatetime, Strict(False), BeforeValidator(_iso_datetime_text),
                       AfterValidator(_utc_representable)]
# An instant with its offset, within years the database and date arithmetic handle.
Instant = Annotated[AwareDatetime, Strict(False), BeforeValidator(_iso_datetime_text), AfterValidator(_plausible_year)]
# A date-time, offset optional (read in the consultant's zone), within the same years.
LocalInstant = Annotated[datetime, Strict(False), BeforeValidator(_iso_datetime_text), AfterValidator(_plausible_year)]
# A calendar date in the same years (asyncpg sends 9999-12-31, date.max, as infinity).
PlausibleDate = Annotated[date, Strict(False), BeforeValidator(_iso_text), AfterValidator(_plausible_year)]

# Test: pytest tests/http/test_profile.py
