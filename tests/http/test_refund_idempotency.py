# tests/http/test_refund_idempotency.py — a refund asked twice is made once: the API's Idempotency-Key and the dashboard confirm form's one-time key.
"""Found from outside: the refund confirm form posted twice made two refunds, and POST /payments/{id}/refund with the
same Idempotency-Key twice answered 201 twice with two refunds (the header was ignored). Now the key is claimed in
the refund's own transaction (db/functions/refunds.sql): the same request again answers the first answer, another
request with the key is refused 422, and requests without a key are refunds each, as before."""
from __future__ import annotations

import asyncio
import re
from decimal import Decimal

from tests.http.test_dashboard_payments_pages import signed_in_consultant
from tests.http.test_pages import HTML, csrf_of
from tests.http.test_payments import state


def refund_url(tid: str) -> str:
    return f"/api/v1/payments/{tid}/refund"


def keyed(c: dict, key: str) -> dict:
    return {**c["headers"], "Idempotency-Key": key}


async def test_the_same_key_twice_refunds_once_and_answers_the_first_answer(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    first = await client.post(refund_url(tid), headers=keyed(c, "k-1"), json={"amount": "1.00", "reason": "x"})
    again = await client.post(refund_url(tid), headers=keyed(c, "k-1"), json={"amount": "1.00", "reason": "x"})
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.headers.get("idempotent-replayed") == "true" and "idempotent-replayed" not in first.headers
    assert again.json() == first.json()
    assert [r["amount"] for r in (await state(db, b["session_id"]))["refunds"]] == [Decimal("1.00")]
    # The same amount written another way is the same request; another key is another refund.
    same = await client.post(refund_url(tid), headers=keyed(c, "k-1"), json={"amount": 1, "reason": "x"})
    assert same.status_code == 201 and same.headers.get("idempotent-replayed") == "true"
    other = await client.post(refund_url(tid), headers=keyed(c, "k-2"), json={"amount": "1.00", "reason": "x"})
    assert other.status_code == 201 and "idempotent-replayed" not in other.headers
    assert len((await state(db, b["session_id"]))["refunds"]) == 2


async def test_the_same_key_with_another_request_is_refused_and_changes_nothing(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    assert (await client.post(refund_url(tid), headers=keyed(c, "k"), json={"amount": "1.00", "reason": "x"})
            ).status_code == 201
    for body in ({"amount": "2.00", "reason": "x"}, {"amount": "1.00", "reason": "y"}, {"reason": "x"}):
        r = await client.post(refund_url(tid), headers=keyed(c, "k"), json=body)
        assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused", (body, r.text)
    assert len((await state(db, b["session_id"]))["refunds"]) == 1
    bad = await client.post(refund_url(tid), headers=keyed(c, "\x7f"), json={"amount": "1.00", "reason": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_idempotency_key"


async def test_without_a_key_each_request_is_a_refund(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    for _ in range(2):
        r = await client.post(refund_url(tid), headers=c["headers"], json={"amount": "1.00", "reason": "x"})
        assert r.status_code == 201 and "idempotent-replayed" not in r.headers
    assert len((await state(db, b["session_id"]))["refunds"]) == 2


async def test_a_full_refund_retried_is_answered_as_it_was_not_refused_as_too_much(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    first = await client.post(refund_url(tid), headers=keyed(c, "all"), json={"reason": "Called off"})
    again = await client.post(refund_url(tid), headers=keyed(c, "all"), json={"reason": "Called off"})
    assert (first.status_code, again.status_code) == (201, 201) and again.json() == first.json()
    assert first.json()["refundable"] == "0.00"
    assert len((await state(db, b["session_id"]))["refunds"]) == 1


async def test_the_same_key_sent_at_once_refunds_once(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    answers = await asyncio.gather(*(client.post(refund_url(tid), headers=keyed(c, "race"),
                                                 json={"amount": "10.00", "reason": "x"}) for _ in range(4)))
    assert [r.status_code for r in answers] == [201] * 4, [r.text for r in answers]
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == 3
    assert len({r.text for r in answers}) == 1
    assert [r["amount"] for r in (await state(db, b["session_id"]))["refunds"]] == [Decimal("10.00")]


async def confirm_form(client, tid: str, amount: str, reason: str) -> dict:
    """The confirm step's form, as the page renders it (its hidden fields, the one-time key among them)."""
    token = csrf_of((await client.get(f"/dashboard/payments/{tid}", headers=HTML)).text)
    review = await client.post(f"/dashboard/payments/{tid}/refund", headers=HTML,
                               data={"csrf_token": token, "amount": amount, "reason": reason})
    assert review.status_code == 200, review.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', review.text))
    assert fields["confirm"] == "yes" and len(fields["idempotency_key"]) >= 20
    return fields


async def test_the_dashboard_confirmation_posted_twice_refunds_once(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    form = await confirm_form(client, tid, "500", "Started late")
    url = f"/dashboard/payments/{tid}/refund"
    answers = [await client.post(url, headers=HTML, data=form) for _ in range(2)]
    answers += await asyncio.gather(*(client.post(url, headers=HTML, data=form) for _ in range(2)))
    assert [(r.status_code, r.headers["location"].endswith("?done=refund")) for r in answers] == [(303, True)] * 4
    assert [r["amount"] for r in (await state(db, b["session_id"]))["refunds"]] == [Decimal("500.00")]
    # A new confirmation is a new key: a second refund, as asked.
    again = await confirm_form(client, tid, "500", "Started late")
    assert again["idempotency_key"] != form["idempotency_key"]
    assert (await client.post(url, headers=HTML, data=again)).status_code == 303
    assert len((await state(db, b["session_id"]))["refunds"]) == 2


async def test_the_dashboard_full_refund_posted_twice_answers_done_not_too_much(client, db):
    c, b, tid = await signed_in_consultant(client, db)
    form = await confirm_form(client, tid, "", "Cannot make it")
    url = f"/dashboard/payments/{tid}/refund"
    answers = await asyncio.gather(*(client.post(url, headers=HTML, data=form) for _ in range(2)))
    assert [r.status_code for r in answers] == [303, 303], [r.text[:300] for r in answers]
    assert [r["amount"] for r in (await state(db, b["session_id"]))["refunds"]] == [Decimal("1499.50")]
    # The key answers only its own request: the form's amount changed is refused, nothing refunded.
    r = await client.post(url, headers=HTML, data={**form, "amount": "1.00"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert len((await state(db, b["session_id"]))["refunds"]) == 1


def test_the_key_check_and_the_documented_pattern_are_one_rule():
    """The OpenAPI header (both endpoints) and the check agree on every edge: the check used to take " k", which the
    documented pattern refuses (HTTP trims a header's edges: " k" and "k" are one key on the wire)."""
    import re

    import pytest

    from app.errors import ApiError
    from app.routes.payments import REFUND_KEY
    from app.routes.public import IDEMPOTENCY_KEY
    from app.validation import idempotency_key

    assert REFUND_KEY["schema"] == IDEMPOTENCY_KEY["schema"]
    pattern = IDEMPOTENCY_KEY["schema"]["pattern"]
    for good in ("k", "a b", "~!", "a" * 200):
        assert idempotency_key(good) == good and re.search(pattern, good)
    for bad in (" k", "k ", "", "a" * 201, "\x7f", "é", "a\tb"):
        with pytest.raises(ApiError):
            idempotency_key(bad)
        assert not (re.search(pattern, bad) and len(bad) <= 200), bad

# Test: pytest tests/http/test_refund_idempotency.py
