# tests/jobs/test_payout_reconciliation.py — the daily payouts reconciliation against the fake Razorpay: agreement lists nothing, each disagreement (amount, reversals, a transfer Razorpay no longer has, the ledger) is listed for admins until a later run finds it agreeing; and the admin payouts view and page.
from __future__ import annotations

from jobs.app import connected
from tests.http.helpers import make_admin
from tests.http.test_admin_pages import admin_sign_in
from tests.http.test_pages import HTML
from tests.http.test_payments import VERIFY, app, owner, pending_booking, razorpay_env, rzp, signed  # noqa: F401
from tests.jobs.test_route_transfers import activated_consultant, fetch, release_due_now, sweep


async def reconcile(db) -> dict:
    from jobs.payments import gateway
    from jobs.route_transfers import reconcile as run_reconciliation

    with connected(db.url("worker")):
        return await run_reconciliation(gateway())


async def transferred_booking(client, db, rzp) -> tuple[dict, str]:  # noqa: F811
    c, _ = await activated_consultant(client, db, rzp)
    _, b = await pending_booking(client, db, consultant=c)
    payment = rzp.pay(b["checkout"]["order_id"])
    assert (await client.post(VERIFY, json=signed(b["checkout"]["order_id"], payment["id"]))).status_code == 200
    await sweep(db)
    [t] = await fetch(db, "select * from app.route_transfers")
    return c, t["razorpay_transfer_id"]


async def test_disagreements_are_listed_until_they_agree_again(client, db, rzp):  # noqa: F811
    c, trf = await transferred_booking(client, db, rzp)
    assert (await reconcile(db))["open"] == 0
    token = await make_admin(db, client)
    admin = {"authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/admin/payouts", headers=admin)).json()["mismatches"] == []
    # Razorpay reports another amount: listed, with both sides.
    rzp.transfers[trf]["amount"] -= 100
    counts = await reconcile(db)
    assert counts["open"] == 1
    [m] = (await client.get("/api/v1/admin/payouts", headers=admin)).json()["mismatches"]
    assert (m["kind"], m["ours"], m["theirs"]) == ("amount", 132256, 132156)
    system = (await client.get("/api/v1/admin/system", headers=admin)).json()
    assert [x["kind"] for x in system["payout_mismatches"]] == ["amount"]
    await reconcile(db)  # seen again: still one, not two
    assert len((await client.get("/api/v1/admin/payouts", headers=admin)).json()["mismatches"]) == 1
    rzp.transfers[trf]["amount"] += 100
    await reconcile(db)
    assert (await client.get("/api/v1/admin/payouts", headers=admin)).json()["mismatches"] == []
    # A transfer Razorpay no longer knows, and a settlement the sweep had not seen yet (recorded, not a mismatch).
    gone = rzp.transfers.pop(trf)
    await reconcile(db)
    [m] = (await client.get("/api/v1/admin/payouts", headers=admin)).json()["mismatches"]
    assert m["kind"] == "missing_at_razorpay" and m["theirs"] is None
    rzp.transfers[trf] = gone
    await release_due_now(db)
    await sweep(db)
    rzp.settle(trf)
    await reconcile(db)
    assert (await client.get("/api/v1/admin/payouts", headers=admin)).json()["mismatches"] == []
    [t] = await fetch(db, "select * from app.route_transfers")
    assert t["settled_at"] is not None
    # Our record says more was reversed than Razorpay (and the ledger) do.
    conn = await owner(db)
    try:
        await conn.execute("update app.route_transfers set amount_reversed = 10")
    finally:
        await conn.close()
    await reconcile(db)
    kinds = {m["kind"] for m in (await client.get("/api/v1/admin/payouts", headers=admin)).json()["mismatches"]}
    assert kinds == {"reversed", "ledger"}


async def test_the_admin_payouts_page_shows_what_needs_a_person(client, db, rzp):  # noqa: F811
    c, trf = await transferred_booking(client, db, rzp)
    conn = await owner(db)
    try:
        await conn.execute("insert into app.payout_accounts (consultant_id, contact_name, beneficiary_name, status, "
                           "last_error) select id, 'Ravi Kumar', 'Ravi Kumar', 'failed', 'The PAN does not match the "
                           "name.' from app.consultants where id <> $1::uuid limit 1", c["id"])
    finally:
        await conn.close()
    rzp.transfers[trf]["amount"] -= 1
    await reconcile(db)
    r = await client.get("/api/v1/admin/payouts", headers=c["headers"])
    assert r.status_code in (401, 403) and "error" in r.json()  # a consultant's token is no admin's
    await admin_sign_in(client, db)
    page = await client.get("/admin/payouts", headers=HTML)
    assert page.status_code == 200, page.text
    assert "Reconciliation mismatches" in page.text and "amount" in page.text and "₹1,322.56" in page.text
    system = await client.get("/admin/system", headers=HTML)
    assert "The payouts reconciliation found 1 disagreement" in system.text

# Test: pytest tests/jobs/test_payout_reconciliation.py
