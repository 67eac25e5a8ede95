# tests/fuzz/test_findings.py — what schemathesis found, pinned as plain tests so a regression fails every run, not one run in many.
from __future__ import annotations

import pytest

from tests.http.test_booking import PUBLIC, approved_consultant


async def test_quotation_stats_for_all_time_answers(client, db):
    """timeframe=all read a record it never assigned (a 500, SQLSTATE 55000), with or without dates."""
    c = await approved_consultant(client, db)
    for params in ({"timeframe": "all"}, {"timeframe": "all", "from": "2000-01-01", "to": "2000-01-01"}):
        r = await client.get("/api/v1/quotations/stats", headers=c["headers"], params=params)
        assert r.status_code == 200, r.text
        assert r.json()["timeframe"] == "all" and r.json()["sent"] == 0


async def test_405_lists_every_method_the_path_serves(client, db):
    """One path served by several routes (GET, PATCH, DELETE /consultants/me): Allow names them all."""
    c = await approved_consultant(client, db)
    r = await client.request("OPTIONS", "/api/v1/consultants/me", headers=c["headers"])
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert {m.strip() for m in r.headers["allow"].split(",")} >= {"GET", "PATCH", "DELETE"}


@pytest.mark.parametrize("value", ["0.5", "1700000000", "-1"])
async def test_dates_are_iso_text_not_unix_timestamps(client, db, value):
    """The document says date-time; pydantic alone reads a number (even as a string) as a Unix timestamp."""
    c = await approved_consultant(client, db)
    for url, headers in ((f"{PUBLIC}/{c['slug']}/slots", {}), ("/api/v1/sessions", c["headers"]),
                         ("/api/v1/payments", c["headers"])):
        r = await client.get(url, headers=headers, params={"to": value})
        assert r.status_code == 422 and r.json()["error"]["field"] == "to", (url, r.text)
    r = await client.post("/api/v1/consultants/me/availability/blocks", headers=c["headers"],
                          json={"starts_at": value, "ends_at": "2027-12-26T00:00:00Z"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "starts_at", r.text


async def test_a_malformed_upload_is_a_documented_400(client, db):
    c = await approved_consultant(client, db)
    files = [("x", (None, "1")), ("y", (None, "2")), ("z", (None, "3"))]
    r = await client.post("/api/v1/consultants/me/photo", headers=c["headers"], files=files)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    doc = (await client.get("/api/v1/openapi.json")).json()
    assert "400" in doc["paths"]["/api/v1/consultants/me/photo"]["post"]["responses"]
    for path in ("/api/v1/auth/change-password", "/api/v1/auth/verify-email", "/api/v1/auth/reset-password"):
        assert "429" in doc["paths"][path]["post"]["responses"], path  # rate-limited, so documented
    assert doc["components"]["schemas"]["NewClient"]["properties"]["email"]["format"] == "email"


async def test_bodies_still_take_iso_dates(client, db):
    c = await approved_consultant(client, db)
    r = await client.post("/api/v1/consultants/me/availability/blocks", headers=c["headers"],
                          json={"starts_at": "2027-12-24T00:00:00+05:30", "ends_at": "2027-12-26T00:00:00Z"})
    assert r.status_code == 201, r.text

@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+05:30", "9999-12-31T23:00:00-05:00"])
async def test_instants_that_overflow_in_utc_are_refused_not_a_500(client, db, value):
    """Found in review: valid ISO text whose year-1/9999 instant overflows once shifted to UTC (asyncpg's 22000)."""
    c = await approved_consultant(client, db)
    for url, headers in ((f"{PUBLIC}/{c['slug']}/slots", {}), ("/api/v1/sessions", c["headers"]),
                         ("/api/v1/payments", c["headers"])):
        for name in ("from", "to"):
            r = await client.get(url, headers=headers, params={name: value})
            assert r.status_code == 422 and r.json()["error"]["field"] == name, (url, name, r.text)


async def test_a_date_time_needs_its_time(client, db):
    """Found in review: "2027-12-24" alone as a date-time became midnight without a word."""
    c = await approved_consultant(client, db)
    r = await client.post("/api/v1/consultants/me/availability/blocks", headers=c["headers"],
                          json={"starts_at": "2027-12-24", "ends_at": "2027-12-26T00:00:00Z"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "starts_at", r.text
    r = await client.get("/api/v1/sessions", headers=c["headers"], params={"from": "2027-12-24"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "from", r.text


# Test: pytest tests/fuzz/test_findings.py
