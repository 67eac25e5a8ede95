# tests/meta/test_definer_functions.py — the security definer allow-list: every function that bypasses row-level security is listed here with its reason.
"""Row-level security is the tenant boundary (issue 17): a consultant-scoped read or write runs as the app role
under the policies (security invoker), so forgetting a `consultant_id = …` filter cannot leak a row. A
`security definer` function bypasses the policies; it is allowed only where a caller must cross a boundary by
design (the public page and booking, token and login look-ups, webhooks, worker steps, admin actions spanning
tenants), and each says why in its `comment on function` ("Definer: …"). A new definer function fails here
until it is listed in BY_DESIGN with its reason, and the list may only shrink (CEILING).

Issue 17 aimed at well under 40 (from 184). The review ended at 73 (72 since issue 20 made the two retired policy
helpers invoker and the read policies' caller check definer): the rest cross one of the boundaries above
or write columns tests/db/test_rls.py's sweep keeps from the app role (a session's status and times, money, the
slug), and turning those into policies would mean granting the app role the very columns the sweep forbids."""
from __future__ import annotations

import psycopg
import pytest

OUR_SCHEMAS = ("api", "app", "app_private")

# schema.function -> why it must bypass the policies.
BY_DESIGN: dict[str, str] = {
    "app.current_approved_consultant_id": "policies call it: it reads the caller's own consultants row, which the "
                                          "consultants policy itself would filter (recursion)",
    "app.acts_as_admin": "the admin read policies call it: it reads the admins row the admins policy protects "
                         "(recursion)",
    "app.current_reading_consultant_id": "every read policy calls it: it reads the caller's own consultants row; "
                                         "past that row's own policy it costs a third less (issue 20)",
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

# The boundaries the issue names, each one reason for many functions (their comments say it: "Definer: …").
PUBLIC = ("the public page and booking: an anonymous visitor reads or books a published consultant's page by "
          "slug, across tenants, and writes what no web role may (seats, holds, payments, counters)")
TOKEN = ("a visitor holding a link's token: the row is found by the token's hash with no signed-in caller, and "
         "its status changes are the function's alone")
LOGIN = "sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes"
WEBHOOK = "a provider's verified webhook: no caller, any tenant's payment or email, recorded once per event"
ADMIN_ACTION = ("an admin action across tenants: checks the acting admin and writes the audit log (no write policy "
                "names an admin role)")

for _kind, _names in ((PUBLIC, (
        "api.book_slot", "api.booking_quote", "api.confirm_payment", "api.hit_rate_limit", "api.payment_order",
        "api.public_consultant", "api.public_slots", "api.record_payment_failure", "api.release_idempotency_key",
)), (TOKEN, (
        "api.public_accept_quotation", "api.public_booking", "api.public_cancel_booking", "api.public_quotation",
        "api.public_quotation_peek", "api.public_reject_quotation", "api.public_reschedule_booking",
        "api.request_password_reset", "api.resend_verification", "api.reset_password",
        "api.store_calendar_connection", "api.take_oauth_state", "api.verify_email",
)), (LOGIN, (
        "api.admin_access", "api.admin_credentials", "api.begin_sign_in", "api.change_my_password",
        "api.consultant_access", "api.consultant_credentials", "api.forgive_sign_in", "api.my_password_hash",
        "api.revoke_my_sessions", "api.revoke_refresh_family", "api.rotate_refresh_token", "api.signup_consultant",
        "api.start_admin_session", "api.start_consultant_session", "api.web_session_subject",
)), (WEBHOOK, (
        "api.handle_payment_webhook", "api.handle_resend_webhook",
)), (ADMIN_ACTION, (
        "api.admin_reset_email_template", "api.admin_set_email_template", "api.admin_set_subscription",
        "api.admin_update_settings", "api.approve_consultant", "api.create_admin", "api.deactivate_admin",
        "api.reactivate_consultant", "api.reject_consultant", "api.suspend_consultant",
))):
    BY_DESIGN.update(dict.fromkeys(_names, _kind))
# A consultant's own writes to columns no web role may write directly (tests/db/test_rls.py's sweep keeps the
# grants away from the app role): the function is the only way those columns change, and acts on the caller only.
BY_DESIGN.update({
    "api.anonymise_client": "erases a client everywhere it is held, including webhook events, idempotency keys "
                            "and the outbox, which no web role reaches",
    "api.begin_calendar_connection": "stores the OAuth state and PKCE verifier, which no web role reads",
    "api.create_session": "writes a session's times, status and payment, which no web role may write directly "
                          "(the overlap and seat rules hold only through it)",
    "api.delete_my_account": "closes the account across tables no web role writes (tokens, refunds, sessions' "
                             "status)",
    "api.disconnect_calendar": "forgets the encrypted calendar grant, which no web role reads or writes",
    "api.export_my_data": "includes the caller's own sign-in history from the refresh-token families, which no "
                          "web role reads",
    "api.refund_payment": "records a refund against a payment (money columns no web role may write)",
    "api.reschedule_session": "moves a session's times, which no web role may write directly (seats, overlap, "
                              "reminders follow)",
    "api.send_quotation": "moves a quotation to sent and sets its public token, which no web role may write "
                          "directly",
    "api.set_session_status": "changes a session's status and refunds it, which no web role may write directly",
    "api.update_my_profile": "writes the slug and the hold time, which no web role may write directly (the slug "
                             "is the public page's address)",
})

# Trigger functions that write what no web role may (seat counts, client totals, refund totals, reminder jobs) but
# are security invoker: each fires only on writes no web role is granted, so it runs as the table owner, inside
# the definer function whose write fired it, or as nakksha_worker (a worker step's write), whose grants cover it.
# test_owner_only_triggers_cannot_be_fired_by_a_web_role keeps that true: a grant that lets a web role fire one
# must make it definer (and list it above) first.
OWNER_ONLY_TRIGGERS = ("app.apply_refund_totals", "app.guard_refund", "app.derive_session_times",
                       "app.refresh_client_amount_paid", "app.refresh_client_session_totals",
                       "app.queue_session_reminder", "app.sync_session_calendar", "app.sync_slot_seats")
# The admin role holds copies of the app role's grants; listed in its own right all the same. (A foreign key's
# cascade runs as the role whose delete caused it: sessions.slot_id's SET NULL on a deleted slot fires
# app.sync_slot_seats as the app role, which then changes nothing, since a slot with seats taken cannot be deleted.)
WEB_ROLES = ("nakksha_app", "nakksha_app_admin", "nakksha_admin")
# The count the review ended at (184 before issue 17): it may only go down.
CEILING = 72
# Who may call each kind: the worker's two are the worker role's alone; an admin action is the app's (for the admin
# pages) and, for those the psql administrators use, theirs; every other one the app's alone, but for the two a
# worker step also calls (nakksha_app_admin holds copies of the app role's grants, so it is not counted).
WORKER_ONLY = ("api.refresh_views", "api.cancel_runaway_analyst_queries")
ALSO_THE_WORKERS = ("api.confirm_payment", "api.hit_rate_limit")  # reconciliation; the reminder's mailbox limit


@pytest.fixture
def definers(db) -> dict[str, str | None]:
    with psycopg.connect(db.url("owner")) as conn:
        rows = conn.execute("""
            select n.nspname || '.' || p.proname, obj_description(p.oid, 'pg_proc')
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where p.prosecdef and n.nspname = any(%s)""", (list(OUR_SCHEMAS),)).fetchall()
    return dict(rows)


def test_every_definer_function_is_listed_with_its_reason(definers):
    unlisted = sorted(set(definers) - set(BY_DESIGN))
    assert unlisted == [], (
        f"security definer functions nobody has said why about: {unlisted}. Make them security invoker (the "
        "policies bind them), or add each to BY_DESIGN with its reason and say it in its comment ('Definer: …').")


def test_the_lists_hold_only_definer_functions(definers):
    stale = sorted(set(BY_DESIGN) - set(definers))
    assert stale == [], f"listed but no longer security definer (or gone): {stale}; take them off the list"


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


def test_the_reviewed_list_only_shrinks():
    assert len(BY_DESIGN) <= CEILING, f"{len(BY_DESIGN)} definer functions by design; the ceiling is {CEILING}"


def test_each_definer_function_is_granted_to_the_roles_that_need_it_and_no_other(db):
    with psycopg.connect(db.url("owner")) as conn:
        rows = conn.execute("""
            select n.nspname || '.' || p.proname,
                   array(select r.rolname from pg_roles r
                         where r.rolname in ('nakksha_app', 'nakksha_worker', 'nakksha_admin', 'nakksha_analyst',
                                             'nakksha_owner')
                           and has_function_privilege(r.oid, p.oid, 'execute') order by 1)
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where p.prosecdef and n.nspname = 'api'""").fetchall()
    wrong = {}
    for name, roles in rows:
        callers = set(roles) - {"nakksha_owner"}
        if name in WORKER_ONLY:
            allowed = {"nakksha_worker"}
        elif BY_DESIGN.get(name) == ADMIN_ACTION:
            allowed = {"nakksha_app", "nakksha_admin"}
        else:
            allowed = {"nakksha_app"} | ({"nakksha_worker"} if name in ALSO_THE_WORKERS else set())
        if not callers <= allowed or not callers:
            wrong[name] = sorted(callers)
    assert wrong == {}, f"definer functions granted to other roles than their kind's: {wrong}"

# Test: pytest tests/meta/test_definer_functions.py
