# tests/db/test_smoke_fixture.py — the per-test database is a migrated clone and isolated from other tests.
from tests.db import factories


async def test_fresh_database_is_migrated_and_empty(db):
    conn = await db.connect("owner")
    try:
        assert await conn.fetchval("select count(*) from app.consultants") == 0
        await factories.consultant(conn)
        assert await conn.fetchval("select count(*) from app.consultants") == 1
        assert await conn.fetchval("select api.migration_level()") is not None
    finally:
        await conn.close()

# Test: pytest tests/db/test_smoke_fixture.py
