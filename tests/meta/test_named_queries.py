# tests/meta/test_named_queries.py — the middle layer carries content: named reads are selects under the policies, and an endpoint's description is its query's.
"""Issue 17, part 4. A named query in app/queries is the readable SQL of a request: the consultant's reads select
from the RLS-protected tables with no `consultant_id = …` of their own (the policies say whose rows a caller
sees; tests/http/test_isolation.py shows no row leaks), and writes call the domain function. What a request does
is written once: an API endpoint that runs one named query no other endpoint runs takes its OpenAPI summary from
the query's description (`@endpoint(named=…)`)."""
from __future__ import annotations

import inspect
import re

import pytest

from app.openapi import doc_of, iter_routes
from app.routes import all_routes
from app.routes.clients import NewClient
from app.sql import bind, description, queries

# The consultant's and admins' reads that are selects under the policies (more join as domains move over).
POLICY_READS = ("list_sessions", "get_session", "list_clients", "get_client", "export_client", "list_payments",
                "get_payment", "list_quotations", "get_quotation", "calendar_connections", "get_my_availability",
                "public_plans", "admin_list_sessions", "list_my_slots", "my_one_off_slots")
RUNS = re.compile(r'\brun(?:_refusable|_shown)?\([^,]+,\s*"(\w+)"')


def api_endpoints() -> list[tuple[str, object, list[str]]]:
    out = []
    for path, route in iter_routes(all_routes(development=True)):
        meta = doc_of(route)
        if meta is None or not meta.include:
            continue
        source = inspect.getsource(inspect.unwrap(route.endpoint))
        out.append((path, meta, RUNS.findall(source)))
    return out


@pytest.mark.parametrize("name", POLICY_READS)
def test_a_policy_read_is_a_select_with_no_filter_of_its_own(name):
    sql = getattr(queries, name).sql
    assert re.search(r"\bselect\b", sql, re.I) and "api." + name + "(" not in sql, f"{name} still calls a function"
    assert "current_consultant_id" not in sql and "current_approved_consultant_id" not in sql, name
    if not name.startswith("admin_"):  # an admin's filter by consultant is a filter the admin chose
        assert not re.search(r"consultant_id\s*=", sql), f"{name} filters by consultant: the policies do that"


def test_every_named_query_has_a_description():
    names = [n for n in dir(queries) if not n.startswith("_") and callable(getattr(queries, n))
             and hasattr(getattr(queries, n), "sql")]
    assert len(names) > 100
    assert [n for n in names if not (getattr(queries, n).__doc__ or "").strip()] == []


def test_an_endpoint_running_one_query_of_its_own_is_described_by_it():
    endpoints = api_endpoints()
    runs: dict[str, int] = {}
    for _, _, names in endpoints:
        for n in names:
            runs[n] = runs.get(n, 0) + 1
    twice = [(path, names[0]) for path, meta, names in endpoints
             if len(names) == 1 and runs[names[0]] == 1 and meta.summary != description(names[0])]
    assert twice == [], f"endpoints describing again what their query says (use @endpoint(named=…)): {twice}"
    assert sum(1 for _, meta, names in endpoints if len(names) == 1 and meta.summary == description(names[0])) >= 60

def test_a_model_binds_the_fields_its_query_declares_and_keywords_win():
    body = NewClient(name="Asha Verma", email="asha@example.com", phone="+91 98765 43210", notes="first call")
    params = bind("create_client", (body,), {"phone_encrypted": b"x", "phone_hash": b"y", "notes": "kept"})
    # The model's `phone` is no parameter of the query (it arrives sealed, as phone_encrypted and phone_hash).
    assert params == {"name": "Asha Verma", "email": "asha@example.com", "notes": "kept", "phone_encrypted": b"x",
                      "phone_hash": b"y"}
    assert set(params) == set(queries.create_client.parameters)

# Test: pytest tests/meta/test_named_queries.py
