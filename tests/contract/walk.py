# tests/contract/walk.py — walk.ts's steps with the Python client openapi-python-client generates from the served document, run against a live server.
"""python walk.py BASE_URL SLUG EMAIL PASSWORD, with the generated package `nakksha_client` on PYTHONPATH (never
committed: tests/meta/test_generated_clients.py generates it from GET /api/v1/openapi.json on every run).

The public side reads the consultant's page, lists free personal slots, books the first (a paid booking answers
with a checkout) and reads the booking back through its manage link; the consultant's side signs in, lists
sessions (a paged envelope) and reads the booked one. Every answer must parse into the generated model and every
parsed field must have its annotated type (the generated client itself checks little: a string where the document
says number, or a fallback to the raw dict where a nested model did not parse, would pass unnoticed), so an answer
that stops matching the document fails here. Amounts are display values, never computed on: numbers today,
two-decimal strings ("1499.50") once the document says so. Prints a JSON summary for the test to check."""
from __future__ import annotations

import datetime
import enum
import json
import sys
import types
import typing
import uuid
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import nakksha_client.models
from nakksha_client import AuthenticatedClient, Client
from nakksha_client.api.auth import login
from nakksha_client.api.public import book_slot, public_booking, public_consultant, public_slots
from nakksha_client.api.sessions import get_session, list_sessions
from nakksha_client.models import (
    BookingBody,
    BookingBodySessionType,
    Checkout,
    CheckoutBooking,
    CheckoutBookingStatus,
    ClientIn,
    ListSessionsSort,
    LoginBody,
    NewBooking,
    NewBookingNextStep,
    PublicConsultant,
    PublicSlotPage,
    PublicSlotsType,
    Session,
    SessionPage,
    SessionStatus,
    Timezone,
    Tokens,
)
from nakksha_client.types import Response, Unset

VISITOR = {"name": "Priya Shah", "email": f"priya.{uuid.uuid4().hex[:8]}@example.com", "phone": "+91 98765 43210",
           "timezone": "Asia/Kolkata"}
IST = datetime.timedelta(hours=5, minutes=30)
T = TypeVar("T")


def show_amount(amount: float | str, currency: str) -> str:
    """An amount as a page shows it, whatever its JSON form."""
    return f"₹{amount}" if currency == "INR" else f"{currency} {amount}"


def mismatches(value: Any, hint: Any, where: str) -> list[str]:
    """Where `value` is not of the generated annotation `hint` (recursing into models, lists and dicts)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return []
    if origin in (typing.Union, types.UnionType):
        arms = [mismatches(value, arm, where) for arm in args]
        return [] if any(not m for m in arms) else [f"{where}: {value!r} is none of {hint}"]
    if origin is typing.Literal:  # a `const` (token_type: "bearer")
        return [] if value in args else [f"{where}: {value!r} is not one of {args}"]
    if hint is type(None):
        return [] if value is None else [f"{where}: {value!r} is not null"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        return [p for i, v in enumerate(value) for p in mismatches(v, args[0], f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        return [p for k, v in value.items() for p in mismatches(v, args[1], f"{where}.{k}")]
    if hint is float:  # a JSON number: 1499 and 1499.5 alike
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not a number"]
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not an integer"]
    if not isinstance(value, hint):
        return [f"{where}: {value!r} is not a {getattr(hint, '__name__', hint)}"]
    if hasattr(hint, "__attrs_attrs__"):  # a generated model: each field against its annotation
        hints = typing.get_type_hints(hint, globalns=vars(sys.modules[hint.__module__]),
                                      localns=vars(nakksha_client.models))
        return [p for a in hint.__attrs_attrs__ for p in mismatches(getattr(value, a.name), hints[a.name],
                                                                    f"{where}.{a.name}")]
    assert isinstance(value, str | bool | datetime.date | uuid.UUID | enum.Enum | Unset), (where, hint)
    return []


def expect(answer: Response[Any], model: type[T], status: int = 200) -> T:
    """The parsed body of an answer with this status, of this model and every field of its type."""
    assert answer.status_code == status, f"{answer.status_code}: {answer.content[:500]!r}"
    parsed = answer.parsed
    assert isinstance(parsed, model), f"answered {type(parsed).__name__}, not {model.__name__}"
    problems = mismatches(parsed, model, model.__name__)
    assert not problems, "the answer does not match the generated model:\n" + "\n".join(problems)
    return parsed


def walk(base_url: str, slug: str, email: str, password: str) -> dict:
    timeout = httpx.Timeout(15)
    site = Client(base_url=base_url, timeout=timeout, raise_on_unexpected_status=True)

    # The public page: who, what, at what price.
    page = expect(public_consultant.sync_detailed(slug, client=site), PublicConsultant)
    assert page.slug == slug and page.first_name and page.currency == "INR"
    price = show_amount(page.personal_session_price, page.currency)

    # Free personal slots, with local times in the visitor's zone.
    slots = expect(public_slots.sync_detailed(slug, client=site, type_=PublicSlotsType.PERSONAL,
                                              tz=Timezone(VISITOR["timezone"])), PublicSlotPage)
    assert slots.tz == VISITOR["timezone"] and slots.from_ < slots.to
    free = [s for s in slots.items if s.remaining > 0]
    assert free, "no free slot"
    first = free[0]
    assert first.session_type == "personal" and first.starts_at < first.ends_at
    assert isinstance(first.starts_at_local, datetime.datetime) and first.starts_at_local.utcoffset() == IST
    assert first.starts_at_local == first.starts_at

    # Book it (a new Idempotency-Key per booking); a paid booking answers with what Checkout needs.
    body = BookingBody(slot_id=first.slot_id, session_type=BookingBodySessionType.PERSONAL,
                       client=ClientIn(name=VISITOR["name"], email=VISITOR["email"], phone=VISITOR["phone"]),
                       timezone=Timezone(VISITOR["timezone"]))
    booked = expect(book_slot.sync_detailed(slug, client=site, body=body, idempotency_key=str(uuid.uuid4())),
                    NewBooking, status=201)
    assert booked.starts_at == first.starts_at and booked.consultant.slug == slug
    assert booked.next_step == NewBookingNextStep.PAY and booked.payable
    assert isinstance(booked.checkout, Checkout) and booked.checkout.order_id and booked.checkout.currency == "INR"
    assert show_amount(booked.amount, booked.currency) == price

    # Read it back through the manage link.
    token = urlsplit(booked.manage_url).path.rsplit("/", 1)[-1]
    managed = expect(public_booking.sync_detailed(token, client=site), CheckoutBooking)
    assert managed.session_id == booked.session_id and managed.status == CheckoutBookingStatus.PENDING
    assert isinstance(managed.checkout, Checkout) and managed.checkout.order_id == booked.checkout.order_id
    assert managed.client is not None and managed.client.name == VISITOR["name"]

    # The consultant signs in and finds the booking in their sessions.
    tokens = expect(login.sync_detailed(client=site, body=LoginBody(email=email, password=password)), Tokens)
    dashboard = AuthenticatedClient(base_url=base_url, token=tokens.access_token, timeout=timeout,
                                    raise_on_unexpected_status=True)
    listed = expect(list_sessions.sync_detailed(client=dashboard, page=1, per_page=25,
                                                sort=ListSessionsSort("-starts_at")), SessionPage)
    assert listed.page == 1 and listed.per_page == 25 and listed.total >= 1
    assert booked.session_id in [s.id for s in listed.items]
    one = expect(get_session.sync_detailed(str(booked.session_id), client=dashboard), Session)
    assert one.id == booked.session_id and one.status == SessionStatus.PENDING
    assert one.client is not None and one.client.email == VISITOR["email"]
    assert show_amount(one.amount, one.currency) == price

    return {"session_id": str(one.id), "order_id": booked.checkout.order_id, "price": price,
            "listed": listed.total, "status": one.status.value}


def main(argv: list[str]) -> int:
    base_url, slug, email, password = argv
    print(json.dumps(walk(base_url, slug, email, password)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

# Test: pytest tests/meta/test_generated_clients.py
