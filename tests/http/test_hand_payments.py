# tests/http/test_hand_payments.py — POST /api/v1/admin/payouts/failed/{transfer_id}/hand-payment and the form on /admin/payouts: a hand payment recorded once, every refusal leaving the database as it was, a double submit, the ledger's sums after, and what the consultant sees.
from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from tests.db.test_ledger import pay
from tests.http.helpers import PASSWORD as HELPER_PASSWORD
from tests.http.helpers import make_admin
from tests.http.test_admin_pages import admin_sign_in
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML, csrf_of, sign_in

PAYOUTS = "/api/v1/admin/payouts"


def url(transfer_id) -> str:
    return f"/api/v1/admin/payouts/failed/{transfer_id}/hand-payment"


async def flagged(client, db) -> tuple[dict, uuid.UUID]:
    """An approved consultant (signed in) with a captured payment of 1000.00 (882.00 due) whose transfer was refused."""
    c = await approved_consultant(client, db)
    owner = await db.connect("owner")
    try:
        paid = await pay(owner, uuid.UUID(c["id"]), "1000.00")
    finally:
        await owner.close()
    worker = await db.connect("worker")
    try:
        await worker.execute("select api.worker_refuse_transfer($1, 'acc_RefusedAccnt01', 882, 'refund_started')",
                             paid)
    finally:
        await worker.close()
    return c, await snapshot(db, "select id from app.route_transfers where payment_id = $1", paid)


async def snapshot(db, sql: str = "", *args):
    """The rows a hand payment writes, or one value."""
    owner = await db.connect("owner")
    try:
        if sql:
            return await owner.fetchval(sql, *args)
        return (await owner.fetchval("select count(*) from app.hand_payments"),
                await owner.fetchval("select count(*) from app.ledger_entries where kind = 'hand_payment'"),
                await owner.fetchval("select count(*) from app.admin_audit_log where action = 'payout.hand_payment'"),
                [tuple(r) for r in await owner.fetch("select bucket, sum(amount) from app.ledger_entries "
                                                     "group by bucket order by bucket")])
    finally:
        await owner.close()


async def test_an_admin_records_a_hand_payment_and_the_flag_clears(client, db):
    c, tid = await flagged(client, db)
    admin = {"authorization": f"Bearer {await make_admin(db, client)}"}
    [row] = (await client.get(PAYOUTS, headers=admin)).json()["failed_transfers"]
    assert (row["transfer_id"], row["due"], row["paid_by_hand"]) == (str(tid), "882.00", "0.00")
    today = date.today().isoformat()
    r = await client.post(url(tid), headers=admin, json={"amount": "800.00", "reference": "hdfcn12345678901",
                                                        "paid_on": today, "note": "NEFT"})
    assert r.status_code == 200, r.text
    assert (r.json()["reference"], r.json()["still_due"], r.json()["replayed"]) == ("HDFCN12345678901", "82.00", False)
    [row] = (await client.get(PAYOUTS, headers=admin)).json()["failed_transfers"]
    assert (row["due"], row["paid_by_hand"]) == ("82.00", "800.00")
    r = await client.post(url(tid), headers=admin, json={"reference": "HDFCN12345678902", "paid_on": today})
    assert r.status_code == 200 and r.json()["amount"] == "82.00"
    view = (await client.get(PAYOUTS, headers=admin)).json()
    assert view["failed_transfers"] == []
    assert [h["amount"] for h in view["hand_payments"]] == ["82.00", "800.00"]
    assert view["balances"]["due"] == "0.00" and view["balances"]["settled"] == "882.00"
    # The consultant's balance and transfers: settled, paid by bank transfer with the references.
    bal = (await client.get("/api/v1/payouts/balance", headers=c["headers"])).json()
    assert (bal["due"], bal["settled"]) == ("0.00", "882.00")
    [t] = (await client.get("/api/v1/payouts/transfers", headers=c["headers"])).json()["items"]
    assert [h["reference"] for h in t["hand_payments"]] == ["HDFCN12345678901", "HDFCN12345678902"]
    ledger = (await client.get("/api/v1/payouts/ledger", headers=c["headers"])).json()["items"]
    assert {e["kind"] for e in ledger} >= {"hand_payment"}


async def test_every_refusal_leaves_the_database_as_it_was(client, db):
    c, tid = await flagged(client, db)
    other, other_tid = await flagged(client, db)
    token = await make_admin(db, client)
    admin = {"authorization": f"Bearer {token}"}
    today = date.today().isoformat()
    good = {"reference": "UTR12345678", "paid_on": today}
    assert (await client.post(url(other_tid), headers=admin, json={**good, "amount": "1.00"})).status_code == 200
    before = await snapshot(db)
    json_type = {**admin, "content-type": "application/json"}
    cases = [
        (json_type, b'{"reference": "UTR1234', 400, "malformed_json"),
        (json_type, b'[]', 400, "malformed_json"),
        (admin, {"paid_on": today}, 422, "missing_field"),
        (admin, {"reference": "UTR12345678"}, 422, "missing_field"),
        (admin, {**good, "amount": True}, 422, "validation_error"),
        (admin, {**good, "amount": "12.345"}, 422, "validation_error"),
        (admin, {**good, "amount": "-5.00"}, 422, "validation_error"),
        (admin, {**good, "reference": 12345678}, 422, "validation_error"),
        (admin, {**good, "reference": "UT"}, 422, "validation_error"),
        (admin, {**good, "reference": "UTR 1234 5678"}, 422, "validation_error"),
        (admin, {**good, "paid_on": "06/12/2026"}, 422, "validation_error"),
        (admin, {**good, "note": "x" * 501}, 422, "validation_error"),
        (admin, {**good, "surprise": 1}, 422, "unknown_field"),
        (admin, {**good, "amount": "882.01"}, 422, "amount_exceeds_due"),
        (admin, {**good, "paid_on": (date.today() + timedelta(days=2)).isoformat()}, 422, "paid_on_in_future"),
        (admin, {**good, "paid_on": "2023-12-31"}, 422, "invalid_paid_on"),
    ]
    for headers, body, status, code in cases:
        kwargs = {"content": body} if isinstance(body, bytes) else {"json": body}
        r = await client.post(url(tid), headers=headers, **kwargs)
        assert r.status_code == status, (body, r.text)
        assert "error" in r.json() and (code is None or r.json()["error"]["code"] == code), (body, r.text)
    # Unknown and foreign ids; a consultant's token; no token.
    assert (await client.post(url(uuid.uuid4()), headers=admin, json=good)).json()["error"]["code"] == "not_found"
    assert (await client.post("/api/v1/admin/payouts/failed/nope/hand-payment", headers=admin,
                              json=good)).status_code == 404
    r = await client.post(url(tid), headers=c["headers"], json=good)
    assert r.status_code in (401, 403) and "error" in r.json()
    r = await client.post(url(other_tid), headers=other["headers"], json=good)
    assert r.status_code in (401, 403) and "error" in r.json()
    assert (await client.post(url(tid), json=good)).status_code == 401
    assert await snapshot(db) == before
    # The other consultant's reference is theirs alone; the same reference again on theirs with another amount, a
    # mistake (409); the same submission again, the one recorded.
    r = await client.post(url(other_tid), headers=admin, json={**good, "amount": "2.00"})
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["field"]) == (409, "duplicate_reference",
                                                                                      "reference")
    r = await client.post(url(other_tid), headers=admin, json={**good, "amount": "1.00"})
    assert (r.status_code, r.json()["replayed"]) == (200, True)
    assert await snapshot(db) == before


async def test_a_double_submit_records_once_and_the_ledger_sums_agree(client, db):
    c, tid = await flagged(client, db)
    admin = {"authorization": f"Bearer {await make_admin(db, client)}"}
    body = {"reference": "UTRDOUBLE0001", "paid_on": date.today().isoformat()}
    answers = await asyncio.gather(*(client.post(url(tid), headers=admin, json=body) for _ in range(4)))
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert sorted(a.json()["replayed"] for a in answers) == [False, True, True, True]
    count, entries, audits, buckets = await snapshot(db)
    assert (count, entries, audits) == (1, 2, 1)
    sums = dict(buckets)
    assert sums["due"] == 0 and sums["settled"] == 882
    # A run of the daily reconciliation finds nothing to report on it (Razorpay never had the transfer).
    from tests.jobs.test_payout_reconciliation import reconcile
    assert (await reconcile(db))["open"] == 0
    assert (await client.get(PAYOUTS, headers=admin)).json()["mismatches"] == []
    r = await client.post(url(tid), headers=admin, json={**body, "reference": "UTRDOUBLE0002"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "nothing_due")


async def test_the_payouts_page_records_a_hand_payment_from_its_form(client, db):
    c, tid = await flagged(client, db)
    await admin_sign_in(client, db)
    page = await client.get("/admin/payouts", headers=HTML)
    assert page.status_code == 200 and "Record a hand payment" in page.text and "₹882.00" in page.text
    assert "<title>Payouts" in page.text and "<title>Payouts<section" not in page.text
    token = csrf_of(page.text)
    path = f"/admin/payouts/failed/{tid}/hand-payment"
    bad = await client.post(path, headers=HTML, data={"csrf_token": token, "amount": "900.00",
                                                      "reference": "UTRFORM00001", "paid_on": date.today().isoformat()})
    assert bad.status_code == 422 and "At most 882.00" in bad.text and 'aria-invalid="true"' in bad.text
    assert await snapshot(db, "select count(*) from app.hand_payments") == 0
    missing = await client.post(path, headers=HTML, data={"csrf_token": token, "amount": "", "reference": "",
                                                          "paid_on": date.today().isoformat()})
    assert missing.status_code == 422
    forged = await client.post(path, headers=HTML, data={"amount": "", "reference": "UTRFORM00001",
                                                         "paid_on": date.today().isoformat()})
    assert forged.status_code == 403
    ok = await client.post(path, headers=HTML, data={"csrf_token": token, "amount": "", "reference": "UTRFORM00001",
                                                     "paid_on": date.today().isoformat(), "note": "Paid from ICICI"})
    assert ok.status_code == 303 and ok.headers["location"] == "/admin/payouts?done=hand_payment"
    page = await client.get(ok.headers["location"], headers=HTML)
    assert "Hand payment recorded" in page.text and "UTRFORM00001" in page.text
    assert "Record a hand payment" not in page.text
    # Submitted again (a second admin, a resubmit): the row is gone, and the refusal is said at the section's top.
    again = await client.post(path, headers=HTML, data={"csrf_token": token, "amount": "", "reference": "UTRFORM00002",
                                                        "paid_on": date.today().isoformat()})
    assert again.status_code == 409 and 'id="hp-error"' in again.text, again.text
    # The consultant's Payouts page says it was paid by bank transfer, with the reference.
    email = await snapshot(db, "select email::text from app.consultants where id = $1", uuid.UUID(c["id"]))
    assert (await sign_in(client, email, HELPER_PASSWORD)).status_code == 303
    mine = await client.get("/dashboard/payouts", headers=HTML)
    assert mine.status_code == 200, mine.text
    assert "Paid by bank transfer" in mine.text and "UTRFORM00001" in mine.text
    assert "Paid into your bank by bank transfer" in mine.text  # the ledger's entry

# Test: pytest tests/http/test_hand_payments.py
