# tests/http/test_isolation.py — generated from the route table: consultant B, holding every id of consultant A, gets 404 on each route, never data.
from __future__ import annotations

import re
import uuid

from app.openapi import doc_of, iter_routes
from tests.db import factories
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots

# Which of A's ids goes into each path parameter. A route added later with a new id parameter fails
# the test until its id is listed here, so it cannot slip past the sweep.
BODY = {"POST": {}, "PUT": {}, "PATCH": {}}
# Path parameters that name a kind of thing, not a tenant's row (/integrations/{provider}): nothing to steal.
NOT_IDS = {"provider"}
# Valid bodies, so that the request reaches the ownership check (a 422 would prove nothing).
VALID_BODY = {
    "update_availability_rule": {"session_type": "personal", "weekday": 1, "start_time": "09:00", "end_time": "10:00",
                                 "slot_minutes": 60},
    "update_slot": {"is_available": True},
    "update_session": {"notes": "mine now"},
    "reschedule_session": {"starts_at": "2027-06-01T10:00:00Z", "ends_at": "2027-06-01T11:00:00Z"},
    "update_client": {"notes": "mine now"},
    "cancel_session": {"reason": "mine now"},
    "refund_payment": {"reason": "mine now"},
}


async def tenant_with_everything(client, db) -> dict:
    c = await approved_consultant(client, db, price="0", rules=every_day())
    free = await slots(client, c["slug"])
    made = (await book(client, c["slug"], booking(free[0]["slot_id"]))).json()
    h = c["headers"]
    session = (await client.get(f"/api/v1/sessions/{made['session_id']}", headers=h)).json()
    avail = (await client.get("/api/v1/consultants/me/availability", headers=h)).json()
    block = await client.post("/api/v1/consultants/me/availability/blocks", headers=h,
                              json={"starts_at": "2027-12-24T00:00:00Z", "ends_at": "2027-12-26T00:00:00Z"})
    blocks = block.json()["blocks"]
    paid = await client.post("/api/v1/sessions", headers=h, json={
        "client_id": session["client_id"], "session_type": "personal", "starts_at": "2027-07-01T10:00:00Z",
        "ends_at": "2027-07-01T11:00:00Z", "amount": "1499.50", "payment_status": "paid", "payment_method": "cash"})
    assert paid.status_code == 201, paid.text
    payment = (await client.get("/api/v1/payments", headers=h)).json()["items"][0]
    quotation = await client.post("/api/v1/quotations", headers=h, json={
        "client_id": session["client_id"], "quotation_name": "Mine", "base_amount": "100"})
    assert quotation.status_code == 201, quotation.text
    # A payment the platform collected (the quotation's, through the local gateway): its capture issues a GST
    # document of the consultant's.
    conn = await db.connect("owner")
    try:
        await factories.payment(conn, uuid.UUID(c["id"]), purpose="quotation", quotation_id=uuid.UUID(quotation.json()["id"]),
                                client_id=uuid.UUID(session["client_id"]), amount="100.00", gateway="local")
        document_id = str(await conn.fetchval("select id from app.tax_documents where consultant_id = $1 "
                                              "and issuer = 'consultant'", uuid.UUID(c["id"])))
    finally:
        await conn.close()
    return {**c, "ids": {"quotation_id": quotation.json()["id"], "session_id": made["session_id"], "client_id": session["client_id"],
                         "slot_id": free[1]["slot_id"], "rule_id": avail["rules"][0]["id"],
                         "block_id": blocks[0]["id"], "transaction_id": payment["id"], "document_id": document_id}}


async def test_another_consultant_gets_404_on_every_route_with_an_id(client, db, app):
    a = await tenant_with_everything(client, db)
    b = await approved_consultant(client, db)
    checked = []
    for path, route in iter_routes(app.routes):
        meta = doc_of(route)
        params = [p for p in re.findall(r"\{([^}:]+)(?::[^}]+)?\}", path) if p not in NOT_IDS]
        if not params or meta is None or meta.auth not in ("consultant", "approved") or "pages" in meta.tags:
            continue  # pages (signed in by cookie, not a bearer token): tests/http/test_page_isolation.py
        missing = [p for p in params if p not in a["ids"]]
        assert not missing, f"{path}: no id of consultant A for {missing}; add it to tenant_with_everything()"
        url = path
        for p in params:
            url = re.sub(r"\{" + p + r"(?::[^}]+)?\}", a["ids"][p], url)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            kwargs = {"json": VALID_BODY.get(route.name, BODY[method])} if method in BODY else {}
            r = await client.request(method, url, headers=b["headers"], **kwargs)
            assert r.status_code == 404, f"{method} {url} ({route.name}): {r.status_code} {r.text[:200]}"
            assert a["ids"]["session_id"] not in r.text
            checked.append((method, path))
    assert len(checked) >= 15
    # Nothing of A's changed.
    s = (await client.get(f"/api/v1/sessions/{a['ids']['session_id']}", headers=a["headers"])).json()
    assert s["status"] == "confirmed"
    p = (await client.get(f"/api/v1/payments/{a['ids']['transaction_id']}", headers=a["headers"])).json()
    assert p["status"] == "completed" and p["refunds"] == []


async def test_random_ids_are_404_for_their_owner_too(client, db, app):
    a = await tenant_with_everything(client, db)
    for path, route in iter_routes(app.routes):
        meta = doc_of(route)
        params = [p for p in re.findall(r"\{([^}:]+)(?::[^}]+)?\}", path) if p not in NOT_IDS]
        if not params or meta is None or meta.auth not in ("consultant", "approved") or "pages" in meta.tags:
            continue  # pages (signed in by cookie, not a bearer token): tests/http/test_page_isolation.py
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            kwargs = {"json": VALID_BODY.get(route.name, BODY[method])} if method in BODY else {}
            r = await client.request(method, url, headers=a["headers"], **kwargs)
            assert r.status_code == 404, f"{method} {url} ({route.name}): {r.status_code}"

# Test: pytest tests/http/test_isolation.py
