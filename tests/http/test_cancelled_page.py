# tests/http/test_cancelled_page.py — a paid booking cancelled through its manage link: the page says at once that the refund is under way (never "payment completed"), then that it is refunded, and offers "Book again".
from __future__ import annotations

import re

from tests.http.test_payments import app, paid_booking, razorpay_env, run_jobs, rzp  # noqa: F401  (Razorpay's fake)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_a_cancelled_paid_booking_shows_its_refund_at_once_then_done_and_book_again(client, db, rzp):  # noqa: F811
    c, b, _ = await paid_booking(client, db, rzp)
    token = b["manage_url"].rsplit("/", 1)[1]
    r = await client.post(f"/api/v1/public/bookings/{token}/cancel", json={})
    assert r.status_code == 200, r.text
    due = r.json()["refund_due"]["amount"]
    answer = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert [(x["amount"], x["status"]) for x in answer["refunds"]] == [(due, "pending")]
    page = text((await client.get(f"/booking/{token}?done=cancelled")).text)
    amount = f"₹{float(due):,.2f}"
    assert f"Your booking is cancelled. {amount} is being refunded" in page
    assert f"paid, refund of {amount} on its way" in page and "completed" not in page
    assert f'href="/{c["slug"]}"' in (await client.get(f"/booking/{token}")).text and "Book again with" in page
    # The gateway confirms: the same page now says it is refunded.
    await run_jobs(db)
    answer = (await client.get(f"/api/v1/public/bookings/{token}")).json()
    assert [x["status"] for x in answer["refunds"]] == ["processed"]
    page = text((await client.get(f"/booking/{token}?done=cancelled")).text)
    assert f"{amount} has been refunded" in page and "on its way" not in page
    # A session refunded in full can end as `returned`: the client reads what that means, not the word.
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.sessions set status = 'returned' where id = $1::uuid", answer["session_id"])
    finally:
        await conn.close()
    page = text((await client.get(f"/booking/{token}")).text)
    assert "Cancelled · refunded" in page and "Returned" not in page

# Test: pytest tests/http/test_cancelled_page.py
