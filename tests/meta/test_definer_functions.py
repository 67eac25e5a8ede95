# tests/meta/test_definer_functions.py — the security definer allow-list: every function that bypasses row-level security is listed here with its reason.
"""Row-level security is the tenant boundary (issue 17): a consultant-scoped read or write runs as the app role
under the policies (security invoker), so forgetting a `consultant_id = …` filter cannot leak a row. A
`security definer` function bypasses the policies; it is allowed only where a caller must cross a boundary by
design (the public page and booking, token and login look-ups, webhooks, worker steps, admin actions spanning
tenants), and each says why in its `comment on function` ("Definer: …"). A new definer function fails here
until it is listed in BY_DESIGN with its reason. Those not yet reviewed are in definer_pending.txt, which only
shrinks: an entry that is no longer a definer function fails until it is removed."""
from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

OUR_SCHEMAS = ("api", "app", "app_private")
PENDING_FILE = Path(__file__).with_name("definer_pending.txt")

# schema.function -> why it must bypass the policies.
BY_DESIGN: dict[str, str] = {
    "app.current_approved_consultant_id": "policies call it: it reads the caller's own consultants row, which the "
                                          "consultants policy itself would filter (recursion)",
    "app.current_admin_is_active": "policies call it: it reads the admins row the admins policy protects (recursion)",
    "app.readable_consultants": "the tenant tables' read policies call it: it reads the consultants and admins rows "
                                "their own policies protect (recursion)",
}
TARGET = 40  # the bound on definer functions across db/functions, once the review is done


def pending() -> set[str]:
    return {line.strip() for line in PENDING_FILE.read_text().splitlines() if line.strip() and not line.startswith("#")}


@pytest.fixture
def definers(db) -> dict[str, str | None]:
    with psycopg.connect(db.url("owner")) as conn:
        rows = conn.execute("""
            select n.nspname || '.' || p.proname, obj_description(p.oid, 'pg_proc')
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where p.prosecdef and n.nspname = any(%s)""", (list(OUR_SCHEMAS),)).fetchall()
    return dict(rows)


def test_every_definer_function_is_listed_with_its_reason(definers):
    unlisted = sorted(set(definers) - set(BY_DESIGN) - pending())
    assert unlisted == [], (
        f"security definer functions nobody has said why about: {unlisted}. Make them security invoker (the "
        "policies bind them), or add each to BY_DESIGN with its reason and say it in its comment ('Definer: …').")


def test_the_lists_hold_only_definer_functions(definers):
    stale = sorted((set(BY_DESIGN) | pending()) - set(definers))
    assert stale == [], f"listed but no longer security definer (or gone): {stale}; take them off the lists"
    assert not set(BY_DESIGN) & pending(), "a function is both reviewed and pending"


def test_each_reviewed_definer_function_says_why_in_its_comment(definers):
    silent = sorted(name for name in BY_DESIGN if name in definers and "Definer:" not in (definers[name] or ""))
    assert silent == [], f"definer functions whose comment does not say why ('Definer: …'): {silent}"


def test_the_reviewed_list_stays_under_the_target():
    assert len(BY_DESIGN) < TARGET, f"{len(BY_DESIGN)} definer functions by design; the bound is {TARGET}"

# Test: pytest tests/meta/test_definer_functions.py
