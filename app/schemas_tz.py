# app/schemas_tz.py — which time zone names are accepted: IANA names known to the tz database (zoneinfo).
from __future__ import annotations

import functools
import zoneinfo

from markupsafe import Markup, escape


@functools.lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    # Abbreviations ("EST") and POSIX strings carry no DST rules: only Area/Location names and UTC.
    return frozenset(n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/")))


def timezone_names() -> list[str]:
    """Every accepted name, sorted: the document's Timezone enum."""
    return list(_sorted_names())


@functools.lru_cache(maxsize=1)
def _sorted_names() -> tuple[str, ...]:
    return tuple(sorted({"UTC", *_names()}))


@functools.lru_cache(maxsize=1)
def timezone_options() -> Markup:
    """The `<option>` of every accepted name, rendered once: the booking page's time-zone list is the same 519
    names on every page, and escaping them one by one was most of that page's rendering time (issue 20)."""
    return Markup("".join(f'<option value="{escape(name)}"></option>' for name in _sorted_names()))


def is_iana_timezone(name: str) -> bool:
    return name == "UTC" or name in _names()

# Test: pytest tests/http/test_profile.py
