# tests/db/conftest.py — fixtures shared by the SQL tests.
import pytest


@pytest.fixture
async def owner(db):
    """A connection as the table owner (bypasses RLS): for arranging rows and reading what really happened."""
    conn = await db.connect("owner")
    try:
        yield conn
    finally:
        await conn.close()

# Test: pytest tests/db/
