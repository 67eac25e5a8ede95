# app/schema_links.py — link field types (website, social, meeting rooms): one pattern both the document and the server check.
from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

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


def _host_in(*hosts: str):
    def check(value: str) -> str:
        match = _link(value, ("https",))
        host = match["host"].lower()
        if not any(host == h or host.endswith("." + h) for h in hosts):
            raise ValueError(f"must be a link on {' or '.join(hosts)}")
        return _canonical(match)
    return check


# --- links: the document's pattern is the check --------------------------------------------------------------
def _anycase(word: str) -> str:
    """A literal matched in any case, in a pattern every regex dialect reads alike ([Hh][Tt]…; no (?i))."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


# After the host: anything but whitespace, backslashes, control and invisible format characters (what _link
# refuses; a browser would drop or reinterpret them).
_REST = (r"[^\s\\\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
         r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_PORT = r"(0{0,4}[1-9]|0{0,3}[1-9][0-9]|0{0,2}[1-9][0-9]{2}|0?[1-9][0-9]{3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"


def link(schemes: tuple[str, ...], hosts: tuple[str, ...] = (), max_length: int = 500) -> object:
    """A link with one of `schemes` (on one of `hosts` or a subdomain of one, when given), stored with its scheme
    and host in lower case. Its pattern is both the document's and the server's check (_link explains the
    rules); when it fails, _link says why in words."""
    scheme = "(" + "|".join(_anycase(s) for s in schemes) + ")"
    host = (r"([A-Za-z0-9-]+\.)*(" + "|".join(_anycase(h) for h in hosts) + ")" if hosts
            else r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")
    pattern = rf"^{scheme}://{host}(:{_PORT})?([/?#]{_REST}*)?$"
    compiled = re.compile(pattern)
    on = f" on {' or '.join(hosts)}" if hosts else ""
    description = f"A {' or '.join(schemes)} link{on}, at most {max_length} characters."

    def check(value: object) -> object:
        if not isinstance(value, str):
            return value
        if len(value) > max_length:
            raise PydanticCustomError("string_too_long", "Use at most {max} characters.", {"max": max_length})
        if compiled.fullmatch(value) is None:
            if hosts:
                _host_in(*hosts)(value)  # raises with the reason
            else:
                _link(value, schemes)
            raise PydanticCustomError("url_parsing", description)  # what _link lets through, the pattern did not
        return _canonical(_LINK.fullmatch(value))  # type: ignore[arg-type]
    return Annotated[str, BeforeValidator(check),
                     WithJsonSchema({"type": "string", "maxLength": max_length, "pattern": pattern,
                                     "description": description})]


Url = link(("http", "https"))
SecureUrl = link(("https",))
InstagramUrl = link(("https",), ("instagram.com",))
LinkedinUrl = link(("https",), ("linkedin.com",))
TwitterUrl = link(("https",), ("twitter.com", "x.com"))
# A consultant's own meeting room, shown to clients as "Join on Zoom/Meet/Teams": on that provider, nowhere else.
ZoomUrl = link(("https",), ("zoom.us", "zoom.com", "zoomgov.com"))
MeetUrl = link(("https",), ("meet.google.com",))
TeamsUrl = link(("https",), ("teams.microsoft.com", "teams.live.com"))

# Test: pytest tests/http/test_schema_rules.py tests/http/test_profile.py
