# tests/http/test_payouts_pages.py — the Payouts page and its monthly statements (CSV), as a consultant signed in on the pages reads them (the local gateway's payment).
from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.http.test_dashboard_payments_pages import signed_in_consultant
from tests.http.test_pages import HTML

DOCUMENTS = "/api/v1/documents"


async def test_the_payouts_page_and_a_months_statement(client, db):
    """The page a consultant reads (signed in on the pages, the local gateway's payment), and the CSV for the
    month, in their zone, with the balance before and after; a suspended consultant still reads both."""
    c, b, tid = await signed_in_consultant(client, db)  # ₹1,499.50, free plan
    page = await client.get("/dashboard/payouts", headers=HTML)
    assert page.status_code == 200, page.text
    assert "₹1,247.58" in page.text and "Payment received" in page.text and "Nakksha commission" in page.text
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Kolkata")).strftime("%Y-%m")
    r = await client.get("/dashboard/payouts/statement.csv", params={"month": month}, headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert f'filename="nakksha-statement-{month}.csv"' in r.headers["content-disposition"]
    rows = [line.split(",") for line in r.text.strip().splitlines()]
    assert rows[1] == ["Opening balance", "0.00"] and rows[-1] == ["Closing balance", "1247.58"]
    assert [row[2] for row in rows[3:-1]] == ["Payment received", "Nakksha commission", "GST on commission",
                                           "Income-tax TDS (s.194-O)"]
    empty = await client.get("/dashboard/payouts/statement.csv", params={"month": "2021-01"}, headers=HTML)
    assert empty.text.strip().splitlines()[-1] == "Closing balance,0.00"
    for bad in ("2026-13", "26-01", "next", "1999-01"):
        r = await client.get("/dashboard/payouts/statement.csv", params={"month": bad}, headers=HTML)
        assert r.status_code == 422, bad
    assert (await client.get("/dashboard/payouts", params={"before": "x"}, headers=HTML)).status_code == 422
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.consultants set approval_status = 'suspended' where id = $1::uuid", c["id"])
    finally:
        await conn.close()
    assert "₹1,247.58" in (await client.get("/dashboard/payouts", headers=HTML)).text

async def test_the_monthly_gst_report_lists_each_document_with_its_taxes(client, db):
    c, b, tid = await signed_in_consultant(client, db)  # ₹1,499.50, unregistered: a receipt
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Kolkata")).strftime("%Y-%m")
    page = await client.get("/dashboard/payouts", headers=HTML)
    assert f"/dashboard/payouts/gst-report.csv?month={month}" in page.text and "RCT/" in page.text
    r = await client.get("/dashboard/payouts/gst-report.csv", params={"month": month}, headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert f'filename="nakksha-gst-{month}.csv"' in r.headers["content-disposition"]
    rows = [line.split(",") for line in r.text.strip().splitlines()]
    assert rows[0][:4] == ["Number", "Type", "Issued by", "Date"] and len(rows) == 3
    receipt = next(row for row in rows if row[1] == "Receipt")
    assert receipt[10:16] == ["1499.50", "0.00", "0.00", "0.00", "0.00", "1499.50"]
    # Each row adds up: taxable value + CGST + SGST + IGST + round off = total.
    assert all(sum(map(Decimal, row[10:15])) == Decimal(row[15]) for row in rows[1:])
    nk = next(row for row in rows if row[2].startswith("Nakksha"))
    assert nk[0].startswith("NK/") and nk[10] == "149.95" and nk[15] == "176.94"  # commission + 18% GST
    documents = (await client.get(DOCUMENTS, headers=c["headers"])).json()["items"]
    shown = await client.get(f"/dashboard/payouts/documents/{documents[0]['id']}", headers=HTML)
    assert shown.status_code == 200 and documents[0]["number"] in shown.text
    assert (await client.get("/dashboard/payouts/gst-report.csv", params={"month": "2026-13"},
                             headers=HTML)).status_code == 422
    empty = await client.get("/dashboard/payouts/gst-report.csv", params={"month": "2021-01"}, headers=HTML)
    assert len(empty.text.strip().splitlines()) == 1


async def test_the_payouts_page_pages_back_through_older_transfers(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    owner = await db.connect("owner")
    try:
        # 25 attempts on the one payment (failed ones may repeat), a minute apart: twenty to a page.
        await owner.execute("insert into app.route_transfers (consultant_id, payment_id, source, account_id, amount, "
                            "status, error, created_at) select t.consultant_id, t.id, 'order', 'acc_Page0000000001', "
                            "1, 'failed', 'attempt ' || g, now() - g * interval '1 minute' "
                            "from app.payment_transactions t, generate_series(1, 25) g where t.id = $1::uuid", tid)
    finally:
        await owner.close()
    first = await client.get("/dashboard/payouts", headers=HTML)
    assert first.status_code == 200 and first.text.count("Not sent") == 20
    link = re.search(r'href="(/dashboard/payouts\?transfers_before=[0-9a-f-]+)#transfers"', first.text)
    assert link, "no link to older transfers"
    older = await client.get(link.group(1), headers=HTML)
    assert older.status_code == 200 and older.text.count("Not sent") == 5 and "Older transfers" not in older.text
    bad = await client.get("/dashboard/payouts?transfers_before=nope", headers=HTML)
    assert bad.status_code == 422

# Test: pytest tests/http/test_payouts_pages.py
