# tests/http/test_api_walkthrough.py — docs/api.md's walk-through, run: every request on that page is sent in order and its answer held to the one shown.
"""The page's ```http blocks come in pairs: a request (method, path, headers, blank line, JSON body) and the
answer shown for it (status line, headers, blank line, a JSON body shortened to the fields discussed). Each
answer must have the status shown, every header shown, and every field shown, recursively, with the same JSON
type (a money string stays a string); `code`, `status`, `token_type`, `next_step` and `currency` must also have
the value shown. `{{name}}` in a request is a value from the story so far (`values` in the test)."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.beyond_schema import markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SECTION = re.compile(r"^## A walk through the API.*?(?=^## )", re.S | re.M)
BLOCK = re.compile(r"^```http\n(.*?)^```", re.S | re.M)
EXACT = ("code", "status", "approval_status", "token_type", "next_step", "currency")


def walkthrough() -> list[tuple[str, str]]:
    blocks = BLOCK.findall(SECTION.search(DOC.read_text()).group(0))
    assert blocks and len(blocks) % 2 == 0, "requests and answers come in pairs"
    pairs = list(zip(blocks[::2], blocks[1::2], strict=True))
    for request, answer in pairs:
        assert not request.startswith("HTTP/") and answer.startswith("HTTP/1.1 "), (request, answer)
    return pairs


def split(block: str) -> tuple[str, dict[str, str], str]:
    head, _, body = block.partition("\n\n")
    first, *lines = head.strip().splitlines()
    return first, dict(line.split(": ", 1) for line in lines), body.strip()


def same_shape(shown, got, where: str = "") -> list[str]:
    """Where `got` lacks what `shown` shows (or has it with another JSON type or, for EXACT keys, value)."""
    if isinstance(shown, dict):
        if not isinstance(got, dict):
            return [f"{where or 'body'}: an object was shown, got {got!r}"]
        out = []
        for key, value in shown.items():
            if key not in got:
                out.append(f"{where}.{key}: missing")
                continue
            if key in EXACT and not isinstance(value, dict) and got[key] != value:
                out.append(f"{where}.{key}: shown {value!r}, got {got[key]!r}")
            out += same_shape(value, got[key], f"{where}.{key}")
        return out
    if isinstance(shown, list):
        if not isinstance(got, list) or (shown and not got):
            return [f"{where}: a list with items was shown, got {got!r}"]
        return same_shape(shown[0], got[0], f"{where}[0]") if shown else []
    def kind(v):
        return ("null" if v is None else "bool" if isinstance(v, bool) else
                "number" if isinstance(v, int | float) else type(v).__name__)
    return [] if kind(shown) == kind(got) else [f"{where}: shown a {kind(shown)}, got {got!r}"]


async def approve(db, email: str) -> None:
    conn = await db.connect("owner")
    try:
        # What her mailed link and an admin would do (the page says so): her email confirmed, her account approved.
        await conn.execute("update app.consultants set is_email_verified = true, email_verified_at = now(), "
                           "approval_status = 'approved', approved_at = now(), published_at = now() where email = $1", email)
    finally:
        await conn.close()


async def test_every_example_on_the_page_answers_as_shown(client, db):
    tomorrow = datetime.now(ZoneInfo("Asia/Kolkata")).date() + timedelta(days=1)
    values = {"weekday": str(tomorrow.isoweekday()),
              "from": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
              "to": (datetime.now(UTC) + timedelta(days=7)).isoformat(timespec="seconds").replace("+00:00", "Z")}
    for request, answer in walkthrough():
        first, headers, body = split(request)
        for name, value in values.items():
            first, body = first.replace("{{" + name + "}}", value), body.replace("{{" + name + "}}", value)
            headers = {k: v.replace("{{" + name + "}}", value) for k, v in headers.items()}
        assert "{{" not in first + body + json.dumps(headers), f"an unknown placeholder in {request}"
        method, path = first.split(" ", 1)
        r = await client.request(method, path, headers=headers, content=body.encode() if body else None)
        status_line, shown_headers, shown_body = split(answer)
        assert r.status_code == int(status_line.split()[1]), (request, r.text)
        for name, value in shown_headers.items():
            assert r.headers.get(name) == value, (request, name, r.headers.get(name))
        got = r.json() if r.content else None
        problems = same_shape(json.loads(shown_body), got) if shown_body else []
        assert not problems, (request, problems, got)
        # The story's values, as a frontend would keep them.
        if path == "/api/v1/auth/signup":
            await approve(db, json.loads(body)["email"])
        if isinstance(got, dict) and "access_token" in got:
            values["access_token"] = got["access_token"]
        if "/slots" in path:
            values["slot_id"] = got["items"][0]["slot_id"]
    assert "slot_id" in values and "access_token" in values  # the story reached the booking


def test_the_pages_rules_table_is_the_one_list():
    assert markdown_table() in DOC.read_text()


@pytest.mark.parametrize("shown, got, wrong", [
    ({"amount": "1.00"}, {"amount": 1.0}, True),       # money must stay a string
    ({"code": "slot_taken"}, {"code": "slot_full"}, True),
    ({"items": [{"id": "x"}]}, {"items": []}, True),
    ({"a": {"b": 1}}, {"a": {"b": 2, "c": 3}}, False),  # numbers are compared by type only
])
def test_the_comparison_can_fail(shown, got, wrong):
    assert bool(same_shape(shown, got)) is wrong

# Test: pytest tests/http/test_api_walkthrough.py
