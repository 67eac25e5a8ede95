# tests/http/test_public_answers.py — what the public booking answers (the booking, the manage link, cancel, move) tell an anonymous visitor: nothing about the consultant's other dealings with an email.
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.http.test_booking import approved_consultant, book, booking, every_day, slots
from tests.http.test_payments import rzp  # noqa: F401  (the fake Razorpay: a paid page's holds make real orders)

POLICY = {"client_cutoff_hours": 0, "max_reschedules": 5, "refund_ladder": []}


def shape(answer: dict) -> dict:
    """Everything in an answer that does not depend on the booking itself (ids, times, links, names typed)."""
    varying = {"session_id", "starts_at", "ends_at", "hold_expires_at", "manage_url", "checkout", "payment", "client"}
    return {k: v for k, v in answer.items() if k not in varying}


async def test_the_booking_answer_does_not_tell_whether_an_email_is_already_a_client(client, db, rzp):  # noqa: F811
    # The attack: a booking (on a paid page a throwaway hold is enough), once with an address the consultant already
    # served and once with a fresh one. `is_repeat_client` answered true for the first and false for the second.
    c = await approved_consultant(client, db, price="0", rules=every_day(), cancellation_policy=POLICY)
    free = await slots(client, c["slug"])
    known = await book(client, c["slug"], booking(free[0]["slot_id"], email="known@example.com"))
    assert known.status_code == 201
    again = await book(client, c["slug"], booking(free[1]["slot_id"], email="known@example.com"))
    fresh = await book(client, c["slug"], booking(free[2]["slot_id"], email="fresh@example.com"))
    assert again.status_code == fresh.status_code == 201
    assert "is_repeat_client" not in again.json() and "is_repeat_client" not in fresh.json()
    assert shape(again.json()) == shape(fresh.json())
    # The manage link, a move and a cancellation through it answer the same way.
    token = again.json()["manage_url"].rsplit("/", 1)[1]
    views = [(await client.get(f"/api/v1/public/bookings/{token}")).json(),
             (await client.post(f"/api/v1/public/bookings/{token}/reschedule",
                                json={"slot_id": free[3]["slot_id"]})).json(),
             (await client.post(f"/api/v1/public/bookings/{token}/cancel", json={})).json()]
    assert all("is_repeat_client" not in v and "session_id" in v for v in views), views
    # The consultant still sees it on their own session views.
    mine = (await client.get(f"/api/v1/sessions/{again.json()['session_id']}", headers=c["headers"])).json()
    assert mine["is_repeat_client"] is True


async def test_a_paid_pages_hold_answers_alike_for_a_known_and_a_fresh_email(client, db, rzp):  # noqa: F811
    c = await approved_consultant(client, db, rules=every_day())
    start = datetime.now(UTC) + timedelta(hours=3)
    r = await client.post("/api/v1/sessions", headers=c["headers"], json={
        "client": {"name": "Known", "email": "served@example.com"}, "session_type": "personal",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "amount": "0"})
    assert r.status_code == 201, r.text
    free = await slots(client, c["slug"])
    served = await book(client, c["slug"], booking(free[-1]["slot_id"], email="served@example.com"))
    fresh = await book(client, c["slug"], booking(free[-2]["slot_id"], email="nobody@example.com"))
    assert served.status_code == fresh.status_code == 201, (served.text, fresh.text)
    assert shape(served.json()) == shape(fresh.json())
    assert "is_repeat_client" not in served.json()


# Test: pytest tests/http/test_public_answers.py
