# app/schemas_tz.py — which time zone names are accepted: IANA names known to the tz database (zoneinfo).
from __future__ import annotations

import functools
import zoneinfo


@functools.lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    # Abbreviations ("EST") and POSIX strings carry no DST rules: only Area/Location names and UTC.
    return frozenset(n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/")))


def timezone_names() -> list[str]:
    """Every accepted name, sorted: the document's Timezone enum."""
    return sorted({"UTC", *_names()})


def is_iana_timezone(name: str) -> bool:
    return name == "UTC" or name in _names()

# Test: pytest tests/http/test_profile.py
