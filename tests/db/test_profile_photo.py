# tests/db/test_profile_photo.py — which profile photo the database lets go when a new one is recorded (replaced_photo_url), and that two recordings at once are ordered by the row lock, each handing back the photo it really replaced.
from __future__ import annotations

import asyncio
import json

from tests.db import factories

SET = "select api.set_my_photo($1)::text"


async def as_consultant(conn, consultant, sql: str, *args):
    """In the caller's transaction (as the app sets the caller); the transaction is the caller's to end."""
    await conn.execute("select set_config('app.consultant_id', $1, true)", str(consultant))
    return json.loads(await conn.fetchval(sql, *args))


async def test_recording_a_photo_hands_back_the_one_it_replaced(db, owner):
    cid = await factories.consultant(owner)
    app = await db.connect("app")
    try:
        for url, replaced in (("/media/photos/a.png", None), ("/media/photos/b.png", "/media/photos/a.png"),
                              ("/media/photos/b.png", None)):  # the same photo again replaces nothing
            async with app.transaction():
                r = await as_consultant(app, cid, SET, url)
            assert r["profile_photo_url"] == url and r["replaced_photo_url"] == replaced
    finally:
        await app.close()


async def test_two_photos_recorded_at_once_are_ordered_and_the_second_replaces_the_first(db, owner):
    cid = await factories.consultant(owner, profile_photo_url="/media/photos/old.png")
    first, second = await db.connect("app"), await db.connect("app")
    try:
        one = first.transaction()
        await one.start()
        r1 = await as_consultant(first, cid, SET, "/media/photos/one.png")  # holds the row, not committed yet
        assert r1["replaced_photo_url"] == "/media/photos/old.png"

        async def record_two():
            async with second.transaction():
                return await as_consultant(second, cid, SET, "/media/photos/two.png")

        two = asyncio.create_task(record_two())
        pid = second.get_server_pid()
        while not await owner.fetchval("select exists (select from pg_locks where pid = $1 and not granted)", pid):
            assert not two.done(), await two  # the second must wait for the first, not read the old photo
            await asyncio.sleep(0.01)
        await one.commit()
        r2 = await two
        # Without the lock the second would have read 'old' (its snapshot) and the first's photo, the one it
        # replaced, would never be deleted; with it, it replaced 'one', and 'old' was the first's to delete.
        assert r2["replaced_photo_url"] == "/media/photos/one.png"
        assert await owner.fetchval("select profile_photo_url from app.consultants where id = $1", cid) \
            == "/media/photos/two.png"
    finally:
        await first.close()
        await second.close()

# Test: pytest tests/db/test_profile_photo.py
