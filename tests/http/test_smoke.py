# tests/http/test_smoke.py — the app starts on a fresh database and answers health checks.


async def test_healthz_and_readyz(client, db):
    from tests.http.test_health import live_worker

    await live_worker(db)
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ready"

# Test: pytest tests/http/test_smoke.py
