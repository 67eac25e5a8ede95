# tests/db/test_quotation_images.py — which uploaded quotation images the database lets go (forgotten_images) when one is replaced, removed, its draft deleted or its client anonymised, and what the guard lets change on a sent quotation.
from __future__ import annotations

import json
import uuid

from tests.db import factories
from tests.db.assertions import raises_sqlstate

IMG = "/media/quotations/{}/{}/{}.png"
SEND = "update app.quotations set status = 'sent', sent_at = now(), public_token_hash = $2 where id = $1"


def url(consultant, quotation) -> str:
    return IMG.format(consultant, quotation, uuid.uuid4().hex)


async def as_consultant(db, consultant, sql: str, *args):
    app = await db.connect("app")
    try:
        async with app.transaction():  # as the app sets the caller
            await app.execute("select set_config('app.consultant_id', $1, true)", str(consultant))
            return json.loads(await app.fetchval(sql, *args))
    finally:
        await app.close()


async def test_a_replaced_or_removed_image_is_forgotten_unless_another_quotation_shows_it(db, owner):
    cid = await factories.consultant(owner)
    qid = await factories.quotation(owner, cid)
    first, second = url(cid, qid), url(cid, qid)
    patch = "select api.update_quotation($1, $2::jsonb)::text"
    r = await as_consultant(db, cid, patch, qid, json.dumps({"quotation_image_url": first}))
    assert r["forgotten_images"] == []
    r = await as_consultant(db, cid, patch, qid, json.dumps({"quotation_image_url": second}))
    assert r["forgotten_images"] == [first] and r["quotation_image_url"] == second
    r = await as_consultant(db, cid, patch, qid, json.dumps({"notes": "unchanged image"}))
    assert r["forgotten_images"] == []

    copy = (await as_consultant(db, cid, "select api.duplicate_quotation($1)::text", qid))["id"]
    r = await as_consultant(db, cid, patch, qid, json.dumps({"quotation_image_url": None}))
    assert r["forgotten_images"] == []  # the copy still shows it
    r = await as_consultant(db, cid, "select api.delete_quotation($1)::text", uuid.UUID(copy))
    assert r["forgotten_images"] == [second]
    r = await as_consultant(db, cid, "select api.delete_quotation($1)::text", qid)
    assert r["forgotten_images"] == []


async def test_another_consultant_showing_the_same_url_does_not_keep_it(db, owner):
    mine, theirs = await factories.consultant(owner), await factories.consultant(owner)
    qid = await factories.quotation(owner, mine)
    shared = url(mine, qid)
    await owner.execute("update app.quotations set quotation_image_url = $1 where id = $2", shared, qid)
    await factories.quotation(owner, theirs, quotation_image_url=shared)  # typed in by someone else
    r = await as_consultant(db, mine, "select api.delete_quotation($1)::text", qid)
    assert r["forgotten_images"] == [shared]


async def test_anonymising_drops_the_images_of_their_quotations_sent_ones_too(db, owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid, email="anaya@example.com")
    sent = await factories.quotation(owner, cid, client_id=client)
    to_address = await factories.quotation(owner, cid, client_email="anaya@example.com")  # not linked yet
    other = await factories.quotation(owner, cid)
    images = {q: url(cid, q) for q in (sent, to_address, other)}
    for q, u in images.items():
        await owner.execute("update app.quotations set quotation_image_url = $1 where id = $2", u, q)
    await owner.execute(SEND, sent, uuid.uuid4().bytes * 2)

    r = await as_consultant(db, cid, "select api.anonymise_client($1, null)::text", client)
    assert sorted(r["forgotten_images"]) == sorted([images[sent], images[to_address]])
    left = dict(await owner.fetch("select id, quotation_image_url from app.quotations where consultant_id = $1", cid))
    assert left == {sent: None, to_address: None, other: images[other]}


async def test_a_sent_quotations_image_changes_only_by_erasure(db, owner):
    cid = await factories.consultant(owner)
    client = await factories.client(owner, cid)
    qid = await factories.quotation(owner, cid, client_id=client, quotation_image_url=url(cid, "q"))
    await owner.execute(SEND, qid, uuid.uuid4().bytes * 2)
    for value in (None, url(cid, "other")):
        await raises_sqlstate(owner, "NK409", "update app.quotations set quotation_image_url = $1 where id = $2",
                              value, qid)
    # Their client anonymised: the image may go, not change.
    await owner.execute("update app.clients set anonymised_at = now() where id = $1", client)
    await raises_sqlstate(owner, "NK409", "update app.quotations set quotation_image_url = $1 where id = $2",
                          url(cid, "other"), qid)
    await owner.execute("update app.quotations set quotation_image_url = null where id = $1", qid)

    # A deleted account's: the image may go, and nothing else with it.
    other = await factories.quotation(owner, cid, quotation_image_url=url(cid, "q2"))
    await owner.execute(SEND, other, uuid.uuid4().bytes * 2)
    await owner.execute("update app.consultants set deleted_at = now() where id = $1", cid)
    await raises_sqlstate(owner, "NK409", "update app.quotations set quotation_image_url = null, notes = 'x' "
                          "where id = $1", other)
    await owner.execute("update app.quotations set quotation_image_url = null where id = $1", other)
    assert await owner.fetchval("select count(*) from app.quotations where quotation_image_url is not null "
                                "and consultant_id = $1", cid) == 0

# Test: pytest tests/db/test_quotation_images.py
