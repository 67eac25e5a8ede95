# tests/http/test_payouts.py — a consultant's balance and ledger over HTTP: a real paid booking (fake Razorpay) writes its entries once, a refund takes back its share of the commission, replays change nothing, other consultants see nothing.
from __future__ import annotations

import uuid

from tests.http.test_booking import approved_consultant
from tests.http.test_payments import WEBHOOK, app, deliver, paid_booking, razorpay_env, run_jobs, rzp  # noqa: F401  (Razorpay's fake)

BALANCE, LEDGER, TRANSFERS = "/api/v1/payouts/balance", "/api/v1/payouts/ledger", "/api/v1/payouts/transfers"
DOCUMENTS = "/api/v1/documents"


async def walk(client, url: str, headers: dict, limit: int) -> list[str]:
    """Every item's id of a keyset list, page after page through `next` (each full page but the last)."""
    ids: list[str] = []
    params: dict = {"limit": limit}
    while True:
        r = await client.get(url, headers=headers, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        ids += [i["id"] for i in page["items"]]
        if page["next"] is None:
            return ids
        assert len(page["items"]) == limit and page["next"] == page["items"][-1]["id"]
        params = {"limit": limit, "before": page["next"]}


async def test_a_paid_booking_is_owed_less_commission_and_a_refund_takes_its_share_back(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)  # ₹1,499.50 on the free plan: 10%, at least ₹10
    h = c["headers"]
    r = await client.get(BALANCE, headers=h)
    assert r.status_code == 200, r.text
    # No PAN on file: TDS at 5% (s.206AA), 74.98; unregistered for GST: no TCS.
    assert r.json() == {"due": "1247.58", "held": "0.00", "transferred": "0.00", "settled": "0.00",
                        "total": "1247.58", "collected": "1499.50", "refunded": "0.00", "commission": "149.95",
                        "commission_gst": "26.99", "tcs": "0.00", "tds": "74.98", "entries": 4}
    # The gateway's webhook for the same capture, twice: nothing is owed twice.
    for _ in range(2):
        assert (await deliver(client, "payment.captured", payment=payment)).status_code == 200
    assert (await client.get(BALANCE, headers=h)).json()["entries"] == 4
    # A refund of a third: the client's money back, and a third of the commission, its GST and the TDS with it.
    [listed] = (await client.get("/api/v1/payments", headers=h)).json()["items"]
    r = await client.post(f"/api/v1/payments/{listed['id']}/refund", headers=h, json={"amount": "499.83",
                                                                                         "reason": "Late start"})
    assert r.status_code == 201, r.text
    assert (await client.get(BALANCE, headers=h)).json()["refunded"] == "0.00"  # not until the gateway did it
    await run_jobs(db)
    after = (await client.get(BALANCE, headers=h)).json()
    assert (after["refunded"], after["commission"], after["commission_gst"], after["tds"]) == (
        "499.83", "99.97", "17.99", "49.99")
    assert after["total"] == after["due"] == "831.72"  # 1499.50 − 499.83 − 99.97 − 17.99 − 49.99
    page = (await client.get(LEDGER, headers=h, params={"limit": 4})).json()
    assert [i["kind"] for i in page["items"]] == ["tds_refund", "commission_gst_refund", "commission_refund", "refund"]
    assert page["items"][3]["amount"] == "-499.83" and page["items"][3]["session_id"] == b["session_id"]
    rest = (await client.get(LEDGER, headers=h, params={"before": page["next"]})).json()
    assert [i["kind"] for i in rest["items"]] == ["tds", "commission_gst", "commission", "captured"]
    assert rest["next"] is None


async def test_another_consultant_sees_none_of_it_and_strangers_are_refused(client, db, rzp):  # noqa: F811
    await paid_booking(client, db, rzp)
    other = await approved_consultant(client, db)
    assert (await client.get(BALANCE, headers=other["headers"])).json()["entries"] == 0
    assert (await client.get(LEDGER, headers=other["headers"])).json() == {"items": [], "next": None}
    r = await client.get(BALANCE)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    for bad in ({"limit": "0"}, {"limit": "201"}, {"before": "x"}, {"before": "-1"}):
        r = await client.get(LEDGER, headers=other["headers"], params=bad)
        assert r.status_code == 422 and r.json()["error"]["field"] in ("limit", "before"), (bad, r.text)


async def test_more_than_a_page_of_transfers_is_read_through_next_without_a_gap_or_a_repeat(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)
    owner = await db.connect("owner")
    try:
        # 205 failed attempts on the one payment (only one transfer that did not fail may stand per payment), three
        # to a creation time: the id orders a tie.
        await owner.execute("insert into app.route_transfers (consultant_id, payment_id, source, account_id, amount, "
                            "status, created_at) select t.consultant_id, t.id, 'order', 'acc_Page0000000001', 1, "
                            "'failed', now() - (g / 3) * interval '1 minute' from app.payment_transactions t, "
                            "generate_series(1, 205) g where t.gateway_payment_id = $1", payment["id"])
        expected = [str(r["id"]) for r in await owner.fetch(
            "select id from app.route_transfers order by created_at desc, id desc")]
    finally:
        await owner.close()
    h = c["headers"]
    assert len(expected) == 205
    for limit in (200, 50, 7):
        assert await walk(client, TRANSFERS, h, limit) == expected, limit
    assert (await client.get(TRANSFERS, headers=h)).json()["items"][0]["id"] == expected[0]  # 50 by default
    # A cursor that is not a transfer's id, or names none of this consultant's: 422 on `before`, not an empty page.
    other = await approved_consultant(client, db)
    for bad in ({"before": "x"}, {"before": "1"}, {"before": str(uuid.uuid4())}, {"limit": "201"}, {"limit": "0"}):
        r = await client.get(TRANSFERS, headers=h, params=bad)
        assert r.status_code == 422 and r.json()["error"]["field"] in ("limit", "before"), (bad, r.text)
    r = await client.get(TRANSFERS, headers=other["headers"], params={"before": expected[0]})
    assert r.status_code == 422 and r.json()["error"]["field"] == "before", r.text


async def test_each_keyset_list_refuses_a_cursor_it_does_not_hold(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)
    h = c["headers"]
    ledger = await walk(client, LEDGER, h, 1)
    documents = await walk(client, DOCUMENTS, h, 1)
    assert len(ledger) == 4 and len(set(ledger)) == 4 and len(documents) == len(set(documents)) >= 1
    other = await approved_consultant(client, db)
    for url, cursor in ((LEDGER, ledger[0]), (DOCUMENTS, documents[0]), (LEDGER, 2**61), (DOCUMENTS, uuid.uuid4())):
        r = await client.get(url, headers=other["headers"], params={"before": str(cursor)})
        assert r.status_code == 422, (url, r.text)
        assert r.json()["error"]["field"] == "before" and r.json()["error"]["code"] == "validation_error", r.text


async def test_a_forged_webhook_writes_no_entry(client, db, rzp):  # noqa: F811
    c, b, payment = await paid_booking(client, db, rzp)
    r = await client.post(WEBHOOK, content=b'{"event": "payment.captured"}',
                          headers={"content-type": "application/json", "x-razorpay-signature": "0" * 64})
    assert r.status_code in (400, 401)
    assert (await client.get(BALANCE, headers=c["headers"])).json()["entries"] == 4

# Test: pytest tests/http/test_payouts.py tests/http/test_payouts_pages.py
