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
    "app.acts_as_admin": "the admin read policies call it: it reads the admins row the admins policy protects "
                         "(recursion)",
    # Retired helpers the baseline migration's policies call (a fresh database migrates step by step); no current
    # policy does (test_migrations.py).
    "app.current_admin_is_active": "retired; the baseline's admin policies called it (reads the protected admins row)",
    "app.readable_consultants": "retired; the baseline's tenant policies called it (reads protected rows)",
    # Triggers that fire on the app role's own writes and keep what it may not write, or count what it may not see.
    "app.mark_analytics_dirty": "fires on the app role's client writes; writes app.analytics_dirty (no web role may)",
    "app.mark_all_analytics_dirty": "fires on a consultant's own timezone change; writes app.analytics_dirty",
    "app.count_clients": "fires on the app role's client writes; keeps app.consultant_client_counts (read-only to it)",
    "app.rederive_local_times": "fires on a consultant's own timezone change; rewrites slots' and sessions' local "
                                "columns (not the app role's to write)",
    "app.check_availability_rule": "a limit counts every rule and slot of the consultant, whatever the writer sees",
    "app.check_slot_budget": "a limit counts every rule and slot of the consultant, whatever the writer sees",
    "app.rematerialise_my_slots": "re-derives the caller's slots through app_private, which no web role reaches; no "
                                  "argument, so it acts on the caller only",
    # Worker steps are security invoker under nakksha_worker's own grants and policies, but for these two, which
    # need the owner's own powers (granted to the worker role alone).
    "api.refresh_views": "REFRESH MATERIALIZED VIEW takes the view's owner; worker role only",
    "api.cancel_runaway_analyst_queries": "signalling another role's backends takes the owner's pg_signal_backend "
                                          "(and membership of nakksha_analyst); worker role only",
}

# Trigger functions that write what no web role may (seat counts, client totals, refund totals, reminder jobs) but
# are security invoker: each fires only on writes no web role is granted, so it runs as the table owner, inside
# the definer function whose write fired it, or as nakksha_worker (a worker step's write), whose grants cover it. test_owner_only_triggers_cannot_be_fired_by_a_web_role keeps
# that true: a grant that lets a web role fire one must make it definer (and list it above) first.
OWNER_ONLY_TRIGGERS = ("app.apply_refund_totals", "app.guard_refund", "app.derive_session_times",
                       "app.refresh_client_amount_paid", "app.refresh_client_session_totals",
                       "app.schedule_session_reminder", "app.sync_session_calendar", "app.sync_slot_seats")
# The admin role holds copies of the app role's grants; listed in its own right all the same. (A foreign key's
# cascade runs as the role whose delete caused it: sessions.slot_id's SET NULL on a deleted slot fires
# app.sync_slot_seats as the app role, which then changes nothing, since a slot with seats taken cannot be deleted.)
WEB_ROLES = ("nakksha_app", "nakksha_app_admin", "nakksha_admin")
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


def test_owner_only_triggers_cannot_be_fired_by_a_web_role(db):
    # tgtype bits: 4 insert, 8 delete, 16 update; an UPDATE OF trigger fires only on its columns (tgattr).
    with psycopg.connect(db.url("owner")) as conn:
        firable = conn.execute("""
            select n.nspname || '.' || p.proname, c.relname, r.role, p.prosecdef
            from pg_trigger t
            join pg_proc p on p.oid = t.tgfoid join pg_namespace n on n.oid = p.pronamespace
            join pg_class c on c.oid = t.tgrelid
            cross join unnest(%s::text[]) r(role)
            where n.nspname || '.' || p.proname = any(%s) and not t.tgisinternal
              and (p.prosecdef
                   or (t.tgtype & 4 <> 0 and has_any_column_privilege(r.role, c.oid, 'INSERT'))
                   or (t.tgtype & 8 <> 0 and has_table_privilege(r.role, c.oid, 'DELETE'))
                   or (t.tgtype & 16 <> 0 and case when cardinality(t.tgattr::int2[]) = 0
                                                  then has_any_column_privilege(r.role, c.oid, 'UPDATE')
                                                  else exists (select 1 from unnest(t.tgattr::int2[]) k
                                                               where has_column_privilege(r.role, c.oid, k, 'UPDATE'))
                                             end))""", (list(WEB_ROLES), list(OWNER_ONLY_TRIGGERS))).fetchall()
        found = {row[0] for row in conn.execute(
            "select distinct n.nspname || '.' || p.proname from pg_trigger t join pg_proc p on p.oid = t.tgfoid "
            "join pg_namespace n on n.oid = p.pronamespace where not t.tgisinternal")}
    assert set(OWNER_ONLY_TRIGGERS) <= found, "an owner-only trigger function no trigger uses: take it off the list"
    assert firable == [], f"(function, table, role, definer) a web role can fire or that is definer: {firable}"


def test_the_reviewed_list_stays_under_the_target():
    assert len(BY_DESIGN) < TARGET, f"{len(BY_DESIGN)} definer functions by design; the bound is {TARGET}"

# Test: pytest tests/meta/test_definer_functions.py
