# tests/db/test_invoker_reads.py — consultant reads and writes run as security invoker: the RLS policies, not a filter in the function, decide whose rows they see and touch.
"""Issue 17: row-level security is the tenant boundary. These reads carry no `consultant_id = …` of their own
(the named reads of app/queries, quotation_stats), or keep one only for their definer callers:
run as the app role for consultant A, they must show A's rows and never B's, and the functions must be invoker
(a definer function runs as the table owner, whom the policies do not bind)."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.db import factories
from tests.db.assertions import named, named_refused, raises_sqlstate

INVOKER_READS = ("api.quotation_stats", "api.quotation_json",
                 "api.my_quotation", "api.availability_json",
                 "api.caller_consultant_id", "api.period_bounds", "api.dashboard_metrics", "api.dashboard_charts",
                 "api.dashboard_metrics_for", "api.dashboard_charts_for", "api.compute_daily_analytics", "api.live_day",
                 "api.create_quotation", "api.update_quotation", "api.delete_quotation", "api.duplicate_quotation",
                 "api.quotation_client", "api.unreferenced_quotation_images",
                 "api.create_availability_rule", "api.update_availability_rule", "api.delete_availability_rule",
                 "api.create_availability_block", "api.delete_availability_block", "api.create_slot",
                 "api.update_slot", "api.delete_slot", "api.get_my_account", "api.consultant_json", "api.admin_json")


async def as_consultant(db, consultant, sql: str, *args):
    app = await db.connect("app")
    try:
        async with app.transaction():  # as the app sets the caller
            await app.execute("select set_config('app.consultant_id', $1, true)", str(consultant))
            value = await app.fetchval(sql, *args)
            return json.loads(value) if isinstance(value, str) else value
    finally:
        await app.close()


@pytest.fixture
async def two(owner):
    """Consultants A and B, each with a draft and a sent quotation, a slot, a weekly rule and a block."""
    ids = {}
    for name in ("a", "b"):
        cid = await factories.consultant(owner)
        draft = await factories.quotation(owner, cid, quotation_name=f"{name} draft")
        sent = await factories.quotation(owner, cid, quotation_name=f"{name} sent")
        await owner.execute("update app.quotations set status = 'sent', sent_at = now(), public_token_hash = $2 "
                            "where id = $1", sent, uuid.uuid4().bytes + uuid.uuid4().bytes)
        slot = await factories.slot(owner, cid)
        rule = await factories.availability_rule(owner, cid)
        await factories.availability_block(owner, cid, starts_at=datetime.now(UTC) + timedelta(days=3))
        ids[name] = {"id": cid, "quotations": {draft, sent}, "slot": slot, "rule": rule}
    return ids


async def test_the_converted_reads_are_security_invoker(owner):
    rows = await owner.fetch("select n.nspname || '.' || p.proname as name, p.prosecdef from pg_proc p "
                             "join pg_namespace n on n.oid = p.pronamespace where n.nspname || '.' || p.proname = any($1)",
                             list(INVOKER_READS))
    assert {r["name"] for r in rows} == set(INVOKER_READS)
    assert [r["name"] for r in rows if r["prosecdef"]] == []


async def test_quotation_reads_show_the_caller_their_own_and_nothing_of_another(db, two):
    a, b = two["a"], two["b"]
    async with db.as_caller("app", consultant_id=a["id"]) as conn:
        listed = await named(conn, "list_quotations", status=None, q=None, date_from=None, date_to=None, page=1,
                             per_page=50)
        assert {uuid.UUID(q["id"]) for q in listed["items"]} == a["quotations"] and listed["total"] == 2
        for theirs in b["quotations"]:
            await named_refused(conn, "NK404", "get_quotation", quotation_id=theirs)
        mine = next(iter(a["quotations"]))
        assert uuid.UUID((await named(conn, "get_quotation", quotation_id=mine))["id"]) == mine
    stats = await as_consultant(db, a["id"], "select api.quotation_stats('all', null, null)")
    assert stats["sent"] == 1, stats


async def test_quotation_writes_reach_the_callers_own_and_nothing_of_another(db, owner, two):
    a, b = two["a"], two["b"]
    draft_b = await owner.fetchval("select id from app.quotations where id = any($1) and status = 'draft'",
                                   list(b["quotations"]))
    before = dict(await owner.fetchrow("select * from app.quotations where id = $1", draft_b))
    for sql, args in (("select api.update_quotation($1, $2)", (draft_b, json.dumps({"notes": "mine now"}))),
                      ("select api.delete_quotation($1)", (draft_b,)),
                      ("select api.duplicate_quotation($1)", (draft_b,))):
        await raises_sqlstate_as(db, a["id"], "NK404", sql, *args)
    assert dict(await owner.fetchrow("select * from app.quotations where id = $1", draft_b)) == before
    # A client id of B's is no client of A's: the policy hides it, so it is 404, not a link to B's client.
    theirs = await owner.fetchval("insert into app.clients (consultant_id, name, email) values ($1, 'B client', "
                                  "'bclient@example.com') returning id", b["id"])
    await raises_sqlstate_as(db, a["id"], "NK404", "select api.create_quotation($1)",
                             json.dumps({"client_id": str(theirs), "quotation_name": "x", "base_amount": "10"}))
    made = await as_consultant(db, a["id"], "select api.create_quotation($1)", json.dumps(
        {"client_name": "New", "client_email": "new@example.com", "quotation_name": "Plan", "base_amount": "100"}))
    assert await owner.fetchval("select consultant_id from app.quotations where id = $1", uuid.UUID(made["id"])) == a["id"]


async def test_availability_reads_show_the_caller_their_own_and_nothing_of_another(db, two):
    a, b = two["a"], two["b"]
    async with db.as_caller("app", consultant_id=a["id"]) as conn:
        slots = await named(conn, "list_my_slots", from_=None, to_=None, session_type=None)
    assert [uuid.UUID(s["id"]) for s in slots] == [a["slot"]]
    async with db.as_caller("app", consultant_id=a["id"]) as conn:
        availability = await named(conn, "get_my_availability")
    assert [uuid.UUID(r["id"]) for r in availability["rules"]] == [a["rule"]] and len(availability["blocks"]) == 1
    # Asked for B's by id, the invoker helper still answers from A's rows only: the policy, not the argument.
    theirs = await as_consultant(db, a["id"], "select api.availability_json($1)", b["id"])
    assert theirs["rules"] == [] and theirs["blocks"] == [] and theirs["timezone"] is None


async def test_availability_writes_reach_the_callers_own_and_nothing_of_another(db, owner, two):
    """B's slot, rule and block by id are 404 to A and stay as they were, and A cannot re-derive B's slots."""
    a, b = two["a"], two["b"]

    async def b_state():
        return [dict(r) for r in await owner.fetch(
            "select 'slot' k, id, starts_at::text v from app.availability_slots where consultant_id = $1 union all "
            "select 'rule', id, start_time::text from app.availability_rules where consultant_id = $1 union all "
            "select 'block', id, starts_at::text from app.availability_blocks where consultant_id = $1 order by 1, 2",
            b["id"])]

    before = await b_state()
    block_b = await owner.fetchval("select id from app.availability_blocks where consultant_id = $1", b["id"])
    later = datetime.now(UTC) + timedelta(days=9)
    for sql, args in (("select api.update_slot($1, $2, $3, null, null)", (b["slot"], later, later + timedelta(hours=1))),
                      ("select api.delete_slot($1)", (b["slot"],)),
                      ("select api.update_availability_rule($1, 'personal', 2, '10:00', '12:00', 60, 1, null, null, "
                       "true)", (b["rule"],)),
                      ("select api.delete_availability_rule($1)", (b["rule"],)),
                      ("select api.delete_availability_block($1)", (block_b,))):
        await raises_sqlstate_as(db, a["id"], "NK404", sql, *args)
    # The re-derivation of slots is reached only through app.rematerialise_my_slots, which takes no consultant.
    await raises_sqlstate_as(db, a["id"], "42501", "select app_private.rematerialise_slots($1)", b["id"])
    await as_consultant(db, a["id"], "select app.rematerialise_my_slots()")
    assert await b_state() == before
    # A's own writes land on A's rows, named by the policies, not by an argument.
    made = await as_consultant(db, a["id"], "select api.create_availability_rule('personal', 3, '09:00', '10:00', 30, "
                               "1, null, null)")
    assert await owner.fetchval("select consultant_id from app.availability_rules where id = $1",
                                uuid.UUID(made["created_id"])) == a["id"]
    assert await owner.fetchval("select count(*) from app.availability_slots where rule_id = $1",
                                uuid.UUID(made["created_id"])) > 0


async def test_the_own_account_read_shows_the_caller_and_nothing_of_another(db, owner, two):
    a, b = two["a"], two["b"]
    mine = await as_consultant(db, a["id"], "select api.get_my_account()")
    assert mine["id"] == str(a["id"]) and "password_hash" not in mine and "token_epoch" not in mine
    # The JSON helper asked for B's account, as A: the policy hides B's row.
    assert await as_consultant(db, a["id"], "select api.consultant_json($1)", b["id"]) is None


async def test_an_admin_id_beside_a_consultant_id_does_not_widen_the_consultants_reads(db, owner, two):
    # The app sets one caller per transaction; a stray admin id beside a consultant's (an impersonation feature,
    # a set_config in the wrong place) made the policy-only reads cover every tenant (the outside check).
    boss = await factories.admin(owner)
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true), set_config('app.admin_id', $2, true)",
                              str(two["a"]["id"]), str(boss))
            listed = await named(app, "list_quotations", status=None, q=None, date_from=None, date_to=None, page=1,
                                 per_page=50)
            slots = await named(app, "list_my_slots", from_=None, to_=None, session_type=None)
            owners = {r["consultant_id"] for r in await app.fetch("select consultant_id from app.sessions")}
    finally:
        await app.close()
    assert {uuid.UUID(q["id"]) for q in listed["items"]} == two["a"]["quotations"]
    assert [uuid.UUID(s["id"]) for s in slots] == [two["a"]["slot"]]
    assert owners <= {two["a"]["id"]}


async def test_an_unknown_or_deleted_caller_is_401_not_an_empty_answer(db, owner, two):
    async with db.as_caller("app", consultant_id=uuid.uuid4()) as conn:
        await named_refused(conn, "NK401", "list_my_slots", from_=None, to_=None, session_type=None)
    await owner.execute("update app.consultants set deleted_at = now() where id = $1", two["a"]["id"])
    async with db.as_caller("app", consultant_id=two["a"]["id"]) as conn:
        await named_refused(conn, "NK401", "get_my_availability")


async def test_calendar_connections_read_as_the_caller_and_their_tokens_stay_out_of_reach(db, owner, two):
    a, b = two["a"], two["b"]
    for cid, provider in ((a["id"], "google"), (b["id"], "microsoft")):
        await owner.execute("insert into app.calendar_connections (consultant_id, provider, access_token_encrypted, "
                            "access_expires_at) values ($1, $2, 'secret-token', now() + interval '1 hour')", cid, provider)
    async with db.as_caller("app", consultant_id=a["id"]) as conn:
        listed = await named(conn, "calendar_connections")
    assert [c["provider"] for c in listed] == ["google"] and "secret-token" not in json.dumps(listed)
    await raises_sqlstate_as(db, a["id"], "42501", "select access_token_encrypted from app.calendar_connections")


PAGE = {"page": 1, "per_page": 25}
CONSULTANT_READS = {  # the named reads of app/queries a consultant's pages run, with arguments
    "list_sessions": {"status": None, "session_type": None, "from_": None, "to_": None, "client_id": None, "q": None,
                      "sort": None, **PAGE},
    "get_session": {"session_id": uuid.uuid4()},
    "list_clients": {"q": None, "phone_hash": None, "active": None, "sort": None, **PAGE},
    "get_client": {"client_id": uuid.uuid4()},
    "export_client": {"client_id": uuid.uuid4()},
    "list_payments": {"status": None, "from_": None, "to_": None, **PAGE},
    "get_payment": {"transaction_id": uuid.uuid4()},
    "list_quotations": {"status": None, "q": None, "date_from": None, "date_to": None, **PAGE},
    "get_quotation": {"quotation_id": uuid.uuid4()},
}
OWN_ACCOUNT_READS = {"calendar_connections": {}, "get_my_availability": {},
                     "list_my_slots": {"from_": None, "to_": None, "session_type": None},
                     "my_one_off_slots": {"from_": datetime.now(UTC), "to_": datetime.now(UTC) + timedelta(days=7)}}


async def test_the_named_reads_refuse_an_admin_and_an_unapproved_consultant_rather_than_answer(db, owner, two):
    """The admin role's policies show every tenant, and an unapproved consultant's show nothing: a consultant's read
    run for either says so (403, or 401 for the own-account reads) instead of answering across tenants or empty.
    The endpoints' guards refuse first; this holds beneath them (the outside review found the reads answering an
    admin every tenant's clients)."""
    boss = await factories.admin(owner)
    pending = await factories.consultant(owner, approved=False)
    for who in ({"admin_id": boss}, {"consultant_id": pending}):
        async with db.as_caller("app", **who) as conn:
            for name, params in CONSULTANT_READS.items():
                err = await named_refused(conn, "NK403", name, **params)
                assert err.message == "consultant_not_approved", (name, who)
    async with db.as_caller("app", admin_id=boss) as conn:
        for name, params in OWN_ACCOUNT_READS.items():
            await named_refused(conn, "NK401", name, **params)
    async with db.as_caller("app", consultant_id=two["a"]["id"]) as conn:
        await named_refused(conn, "NK403", "admin_list_sessions", status=None, consultant_id=None, date_from=None,
                            date_to=None, **PAGE)


async def raises_sqlstate_as(db, consultant, sqlstate: str, sql: str, *args) -> None:
    app = await db.connect("app")
    try:
        async with app.transaction():
            await app.execute("select set_config('app.consultant_id', $1, true)", str(consultant))
            await raises_sqlstate(app, sqlstate, sql, *args)
    finally:
        await app.close()

# Test: pytest tests/db/test_invoker_reads.py
