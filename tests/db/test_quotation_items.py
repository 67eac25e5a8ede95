# tests/db/test_quotation_items.py — a quotation's lines in SQL: the total is their sum, checks per line, frozen once sent, RLS as the app role, the old single-amount body, and reloads counted once.
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg

from tests.db import factories
from tests.db.assertions import raises_sqlstate, visible_rows

LINES = [{"description": "Discovery workshop", "quantity": "2", "unit_price": "7500"},
         {"description": "Written plan", "quantity": 1.5, "unit_price": "3333.33"}]


async def create(conn: asyncpg.Connection, **body) -> dict:
    body = {"client_name": "Priya Shah", "client_email": "priya@example.com", "quotation_name": "Plan", **body}
    return json.loads(await conn.fetchval("select api.create_quotation($1::jsonb)", json.dumps(body)))


async def test_the_base_amount_is_the_sum_of_the_lines_and_the_discount_applies_to_it(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        q = await create(conn, items=LINES, discount_percentage="10")
        # 2 × 7500 + 1.5 × 3333.33 (4999.995 → 5000.00, half up) = 20000.00; less 10% = 18000.00
        assert [i["amount"] for i in q["items"]] == ["15000.00", "5000.00"]
        assert [i["quantity"] for i in q["items"]] == ["2", "1.5"]
        assert (q["base_amount"], q["final_amount"]) == ("20000.00", "18000.00")
        # Changing the lines moves the total; nothing else may.
        patched = json.loads(await conn.fetchval(
            "select api.update_quotation($1, $2::jsonb)", q["id"],
            json.dumps({"items": [{"description": "Only the workshop", "unit_price": "7500"}]})))
        assert [(i["description"], i["quantity"]) for i in patched["items"]] == [("Only the workshop", "1")]
        assert (patched["base_amount"], patched["final_amount"]) == ("7500.00", "6750.00")
        err = await raises_sqlstate(conn, "NK409", "update app.quotations set base_amount = 1 where id = $1", q["id"])
        assert err.message == "quotation_not_editable"
        # A line straight into the table counts too (the trigger, not the api function, keeps the sum).
        await conn.execute("insert into app.quotation_items (consultant_id, quotation_id, position, description, "
                           "quantity, unit_price) values ($1, $2, 2, 'Extra', 3, 100)", cid, q["id"])
        assert await conn.fetchval("select base_amount from app.quotations where id = $1", q["id"]) == Decimal("7800.00")
        await conn.execute("delete from app.quotation_items where quotation_id = $1 and position = 1", q["id"])
        assert await conn.fetchval("select base_amount from app.quotations where id = $1", q["id"]) == Decimal("300.00")


async def test_each_line_is_checked_and_the_rupee_minimum_is_the_totals(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        for line, constraint in (({"description": "X", "quantity": "0", "unit_price": "10"}, "quotation_items_quantity_positive"),
                                 ({"description": "X", "quantity": "-1", "unit_price": "10"}, "quotation_items_quantity_positive"),
                                 ({"description": "X", "unit_price": "-0.01"}, "quotation_items_unit_price_range"),
                                 ({"description": "x" * 501, "unit_price": "1"}, "quotation_items_description_length")):
            await raises_sqlstate(conn, "23514", "select api.create_quotation($1::jsonb)", json.dumps(
                {"client_name": "A", "client_email": "a@example.com", "quotation_name": "Q", "items": [line]}),
                constraint=constraint)
        for items, field in (([], "items"), ([{"unit_price": "1"}], "items.0"),
                             ([{"description": "A", "unit_price": "1"}, {"description": " "}], "items.1"),
                             ([{"description": "A", "unit_price": "1"}] * 101, "items")):
            err = await raises_sqlstate(conn, "NK422", "select api.create_quotation($1::jsonb)", json.dumps(
                {"client_name": "A", "client_email": "a@example.com", "quotation_name": "Q", "items": items}))
            assert err.hint == f"field:{field}", (items[:2], err.hint)
        # Lines of ₹0.50 are fine while the total is 0 or at least ₹1; a total of ₹0.50 is not payable.
        q = await create(conn, items=[{"description": "A", "unit_price": "0.50"}, {"description": "B", "unit_price": "0.60"}])
        assert q["final_amount"] == "1.10"
        await raises_sqlstate(conn, "23514", "select api.create_quotation($1::jsonb)", json.dumps(
            {"client_name": "A", "client_email": "a@example.com", "quotation_name": "Q",
             "items": [{"description": "A", "unit_price": "0.50"}]}), constraint="quotations_final_amount_payable")
        free = await create(conn, items=[{"description": "Intro call", "unit_price": "0"}])
        assert free["final_amount"] == "0.00"


async def test_an_old_single_amount_body_makes_one_line_named_after_the_quotation(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        q = await create(conn, quotation_name="Tax filing", base_amount="5000")
        assert q["items"] == [{"description": "Tax filing", "quantity": "1", "unit_price": "5000.00", "amount": "5000.00"}]
        p = json.loads(await conn.fetchval("select api.update_quotation($1, $2::jsonb)", q["id"],
                                           json.dumps({"quotation_name": "Tax filing FY26", "base_amount": "6000"})))
        assert [(i["description"], i["unit_price"]) for i in p["items"]] == [("Tax filing FY26", "6000.00")]
        assert p["base_amount"] == "6000.00"
        # A patch without lines or an amount leaves the lines alone.
        p = json.loads(await conn.fetchval("select api.update_quotation($1, $2::jsonb)", q["id"],
                                           json.dumps({"notes": "Fees as discussed."})))
        assert len(p["items"]) == 1 and p["base_amount"] == "6000.00"
        err = await raises_sqlstate(conn, "NK422", "select api.create_quotation($1::jsonb)", json.dumps(
            {"client_name": "A", "client_email": "a@example.com", "quotation_name": "Q"}))
        assert err.hint == "field:items"


async def test_lines_are_frozen_once_sent_and_copied_by_duplicate(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=cid) as conn:
        q = await create(conn, items=LINES)
        await conn.fetchval("select api.send_quotation($1, $2, 'sealed')", q["id"], b"\x01" * 32)
        for query in ("update app.quotation_items set unit_price = 1 where quotation_id = $1",
                      "delete from app.quotation_items where quotation_id = $1",
                      "insert into app.quotation_items (consultant_id, quotation_id, position, description, unit_price) "
                      f"values ('{cid}', $1, 9, 'Sneaked in', 1)"):
            err = await raises_sqlstate(conn, "NK409", query, q["id"])
            assert err.message == "quotation_not_editable"
        await raises_sqlstate(conn, "NK409", "select api.update_quotation($1, $2::jsonb)", q["id"],
                              json.dumps({"items": [{"description": "A", "unit_price": "1"}]}))
        copy = json.loads(await conn.fetchval("select api.duplicate_quotation($1)", q["id"]))
        assert [(i["description"], i["amount"]) for i in copy["items"]] == [("Discovery workshop", "15000.00"),
                                                                            ("Written plan", "5000.00")]
        assert copy["base_amount"] == "20000.00" and copy["status"] == "draft"
        # Deleting the draft copy deletes its lines.
        await conn.fetchval("select api.delete_quotation($1)", copy["id"])
        assert await conn.fetchval("select count(*) from app.quotation_items where quotation_id = $1", copy["id"]) == 0


async def test_the_app_role_sees_and_writes_only_its_own_lines(db):
    owner = await db.connect("owner")
    try:
        a, b = await factories.consultant(owner), await factories.consultant(owner)
        pending = await factories.consultant(owner, approved=False)
        qa = await factories.quotation(owner, a)
        await owner.execute("insert into app.quotation_items (consultant_id, quotation_id, position, description, "
                            "unit_price) values ($1, $2, 1, 'A line', 100)", a, qa)
        await factories.quotation(owner, pending)
    finally:
        await owner.close()
    async with db.as_caller("app", consultant_id=b) as conn:
        assert await visible_rows(conn, "select * from app.quotation_items") == []
        assert await conn.fetchval("select api.quotation_items_json($1)", qa) == "[]"
        # Not theirs to add to, change or delete (the policy hides the row; the check refuses the insert).
        await raises_sqlstate(conn, "42501", "insert into app.quotation_items (consultant_id, quotation_id, position, "
                              "description, unit_price) values ($1, $2, 2, 'Mine now', 1)", a, qa)
        assert await conn.execute("update app.quotation_items set unit_price = 1") == "UPDATE 0"
        assert await conn.execute("delete from app.quotation_items") == "DELETE 0"
        # A line of theirs cannot point at another consultant's quotation (the foreign key carries the tenant).
        await raises_sqlstate(conn, "23503", "insert into app.quotation_items (consultant_id, quotation_id, position, "
                              "description, unit_price) values ($1, $2, 2, 'Crossed', 1)", b, qa)
    async with db.as_caller("app", consultant_id=a) as conn:
        assert [r["description"] for r in await conn.fetch("select description from app.quotation_items")] == ["A line"]
        # Written columns are granted one by one: the computed amount and the id are not the app's to set.
        await raises_sqlstate(conn, "42501", "update app.quotation_items set consultant_id = consultant_id")
    async with db.as_caller("app", consultant_id=pending) as conn:
        assert await visible_rows(conn, "select * from app.quotation_items") == []
    async with db.as_caller("app") as conn:
        assert await visible_rows(conn, "select * from app.quotation_items") == []


async def test_a_reload_by_the_same_browser_within_ten_minutes_is_not_counted_again(db):
    owner = await db.connect("owner")
    try:
        cid = await factories.consultant(owner)
        qid = await factories.quotation(owner, cid, status="sent", sent_at=datetime.now(UTC),
                                        public_token_hash=b"\x07" * 32)
        iphone, laptop = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari", "Mozilla/5.0 (X11; Linux) Firefox"
        visitor = await db.connect("app")  # the public page's role, no caller: each opening its own transaction

        async def open_link(ua: str | None) -> None:
            await visitor.fetchval("select api.public_quotation($1, $2)", b"\x07" * 32, ua)

        for ua in (iphone, iphone, iphone, laptop, None, None, laptop):
            await open_link(ua)
        views = await owner.fetch("select user_agent from app.quotation_views where quotation_id = $1 order by viewed_at",
                                  qid)
        assert [v["user_agent"] for v in views] == [iphone, laptop, None]
        assert await owner.fetchval("select (view_count, status) from app.quotations where id = $1", qid) == (3, "viewed")
        # Ten minutes later the same browser counts again.
        await owner.execute("update app.quotation_views set viewed_at = viewed_at - interval '11 minutes' "
                            "where quotation_id = $1 and user_agent = $2", qid, iphone)
        await open_link(iphone)
        assert await owner.fetchval("select view_count from app.quotations where id = $1", qid) == 4
        await visitor.close()
    finally:
        await owner.close()

# Test: pytest tests/db/test_quotation_items.py
