# tests/http/test_image_uploads.py — quotation images under abuse (decoded off the event loop, one upload budget with photos, replaced files deleted, images gone with an anonymised client or a deleted account), and an upload cancelled by a shutdown answering 503.
from __future__ import annotations

import asyncio
import io
import uuid
from pathlib import Path

import pytest
from PIL import Image

from app import images
from app.adapters.storage import CloudinaryStorage, LocalStorage
from app.routes import profile, quotations
from tests.fuzz.image_bombs import scan_bomb
from tests.http import test_storage
from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant
from tests.http.test_photo_uploads import Gate
from tests.http.test_quotations import rows

cloudinary_fake = test_storage.cloudinary_fake  # the fake Cloudinary API on loopback

Q = "/api/v1/quotations"
PHOTO = "/api/v1/consultants/me/photo"


def png(colour: tuple[int, int, int] = (200, 80, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


async def draft(client, c, **body) -> dict:
    r = await client.post(Q, headers=c["headers"], json={
        "client_name": "Meera Iyer", "client_email": "meera@example.com", "quotation_name": "Brand strategy",
        "base_amount": "10000.00", **body})
    assert r.status_code == 201, r.text
    return r.json()


async def attach(client, c, qid: str, data: bytes | None = None):
    return await client.post(f"{Q}/{qid}/image", headers=c["headers"],
                             files={"image": ("plan.png", png() if data is None else data, "image/png")})


def stored(app, c) -> set[str]:
    """The files kept for the consultant's quotation images, as /media URLs."""
    root: Path = app.state.storage.root
    folder = root / "quotations" / c["id"]
    return {f"/media/{p.relative_to(root).as_posix()}" for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


class LoopSafeGate(Gate):
    """The photo tests' gate; called on the event loop (the broken build) it does not hold it, so the
    ordering assertions fail at once instead of the loop hanging for a minute."""

    def __call__(self, *args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return super().__call__(*args, **kwargs)
        self.on_loop.append(True)
        self.entered += 1
        self.started.set()
        try:
            return self.real(*args, **kwargs)
        finally:
            self.finished += 1


@pytest.fixture
async def gate(monkeypatch):
    g = LoopSafeGate(quotations.clean_photo)
    monkeypatch.setattr(quotations, "clean_photo", g)
    yield g
    g.release.set()


# --- off the event loop, one budget, bounded ----------------------------------------------------------------

async def test_healthz_is_answered_while_a_quotation_image_is_still_being_decoded(client, db, gate):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    uploading = asyncio.create_task(attach(client, c, q["id"]))
    await gate.started.wait()  # the upload is inside the decoder now
    assert (await client.get("/healthz")).status_code == 200
    assert (gate.entered, gate.finished) == (1, 0), "/healthz waited for the decoding: it held the event loop"
    assert not uploading.done()
    gate.release.set()
    r = await uploading
    assert r.status_code == 200, r.text
    assert gate.on_loop == [False]


async def test_a_full_decoder_queue_answers_503_busy_for_quotation_images_too(client, db, monkeypatch):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    monkeypatch.setattr(images, "_in_flight", images.MAX_IN_FLIGHT)  # every decoder slot taken
    r = await attach(client, c, q["id"])
    assert r.status_code == 503 and r.json()["error"]["code"] == "busy" and r.json()["error"]["field"] == "image"
    assert int(r.headers["retry-after"]) > 0
    assert (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["quotation_image_url"] is None


async def test_the_scan_bomb_is_refused_422_for_a_quotation_image(client, db):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    r = await attach(client, c, q["id"], scan_bomb(300))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "image_too_complex" and r.json()["error"]["field"] == "image"


async def test_the_21st_image_upload_in_an_hour_is_429_photos_and_quotation_images_together(client, db, app):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    codes = [(await client.post(PHOTO, headers=c["headers"], files={"photo": ("me.png", png(), "image/png")})).status_code
             for _ in range(10)]
    codes += [(await attach(client, c, q["id"])).status_code for _ in range(10)]
    assert codes == [200] * 20  # photo_uploads_per_hour is 20 by default
    r = await attach(client, c, q["id"])
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert 0 < int(r.headers["retry-after"]) <= 3600
    assert (await client.post(PHOTO, headers=c["headers"], files={"photo": ("me.png", png(), "image/png")})).status_code == 429
    # Twenty uploads to one draft left one file behind: the one it shows.
    assert stored(app, c) == {(await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["quotation_image_url"]}


async def test_the_api_declares_413_422_429_and_503_for_quotation_images(client):
    doc = (await client.get("/api/v1/openapi.json")).json()
    assert {"413", "422", "429", "503"} <= set(doc["paths"][f"{Q}/{{quotation_id}}/image"]["post"]["responses"])


# --- replaced and removed images leave storage ------------------------------------------------------------

async def test_a_replaced_image_is_deleted_from_storage(client, db, app):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    first = (await attach(client, c, q["id"], png((200, 0, 0)))).json()["quotation_image_url"]
    second = (await attach(client, c, q["id"], png((0, 200, 0)))).json()
    assert "forgotten_images" not in second
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second["quotation_image_url"])).status_code == 200
    assert stored(app, c) == {second["quotation_image_url"]}


async def test_an_image_removed_by_patch_or_with_its_draft_is_deleted(client, db, app):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    url = (await attach(client, c, q["id"])).json()["quotation_image_url"]
    r = await client.patch(f"{Q}/{q['id']}", headers=c["headers"], json={"quotation_image_url": None})
    assert r.status_code == 200 and "forgotten_images" not in r.json()
    assert (await client.get(url)).status_code == 404
    url = (await attach(client, c, q["id"])).json()["quotation_image_url"]
    r = await client.delete(f"{Q}/{q['id']}", headers=c["headers"])
    assert r.status_code == 200 and r.json() == {"id": q["id"], "deleted": True}
    assert (await client.get(url)).status_code == 404
    assert stored(app, c) == set()


async def test_an_image_a_copy_still_shows_is_kept_until_no_quotation_shows_it(client, db, app):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    url = (await attach(client, c, q["id"])).json()["quotation_image_url"]
    copy = (await client.post(f"{Q}/{q['id']}/duplicate", headers=c["headers"])).json()
    assert copy["quotation_image_url"] == url
    await attach(client, c, q["id"], png((0, 0, 200)))
    assert (await client.get(url)).status_code == 200  # the copy still shows it
    r = await client.delete(f"{Q}/{copy['id']}", headers=c["headers"])
    assert r.status_code == 200
    assert (await client.get(url)).status_code == 404


async def test_an_upload_to_a_draft_sent_meanwhile_keeps_no_file(client, db, app, gate):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    uploading = asyncio.create_task(attach(client, c, q["id"]))
    await gate.started.wait()
    assert (await client.post(f"{Q}/{q['id']}/send", headers=c["headers"])).status_code == 200
    gate.release.set()
    r = await uploading
    assert r.status_code == 409 and r.json()["error"]["code"] == "quotation_not_editable"
    assert stored(app, c) == set()


async def test_concurrent_uploads_to_one_draft_leave_exactly_the_file_it_shows(client, db, app):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    answers = await asyncio.gather(*(attach(client, c, q["id"], png((i * 40, 0, 0))) for i in range(5)))
    assert [r.status_code for r in answers] == [200] * 5
    shown = (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["quotation_image_url"]
    assert stored(app, c) == {shown}
    assert (await client.get(shown)).status_code == 200


async def test_copying_while_the_image_is_replaced_never_leaves_a_copy_without_its_file(client, db, app):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    await attach(client, c, q["id"])
    for round_ in range(4):
        await asyncio.gather(client.post(f"{Q}/{q['id']}/duplicate", headers=c["headers"]),
                             attach(client, c, q["id"], png((round_ * 50, 90, 0))))
    listed = (await client.get(Q, headers=c["headers"], params={"per_page": 100})).json()["items"]
    shown = {item["quotation_image_url"] for item in listed}
    for url in shown:
        assert (await client.get(url)).status_code == 200, url
    assert stored(app, c) == shown


# --- images go with an anonymised client and a deleted account --------------------------------------------

async def test_anonymising_a_client_deletes_their_quotation_images(client, db, app):
    c = await approved_consultant(client, db)
    made = await client.post("/api/v1/clients", headers=c["headers"], json={"name": "Anaya Rao", "email": "anaya@example.com"})
    client_id = made.json()["id"]
    sent = await draft(client, c, client_name=None, client_email=None, client_id=client_id)
    sent_url = (await attach(client, c, sent["id"], png((10, 10, 10)))).json()["quotation_image_url"]
    assert (await client.post(f"{Q}/{sent['id']}/send", headers=c["headers"])).status_code == 200
    # The same picture, copied onto a quotation for someone else, is the consultant's to keep showing.
    shared = await draft(client, c, client_name=None, client_email=None, client_id=client_id)
    shared_url = (await attach(client, c, shared["id"], png((20, 20, 20)))).json()["quotation_image_url"]
    other = (await client.post(f"{Q}/{shared['id']}/duplicate", headers=c["headers"])).json()
    r = await client.patch(f"{Q}/{other['id']}", headers=c["headers"],
                           json={"client_name": "Someone Else", "client_email": "else@example.com"})
    assert r.status_code == 200 and r.json()["quotation_image_url"] == shared_url

    r = await client.post(f"/api/v1/clients/{client_id}/anonymise", headers=c["headers"], json={})
    assert r.status_code == 200, r.text
    assert "forgotten_images" not in r.json()
    for q in (sent, shared):
        assert (await client.get(f"{Q}/{q['id']}", headers=c["headers"])).json()["quotation_image_url"] is None
    assert (await client.get(sent_url)).status_code == 404
    assert (await client.get(shared_url)).status_code == 200
    assert stored(app, c) == {shared_url}


async def test_deleting_the_account_deletes_every_quotation_image(client, db, app):
    c = await approved_consultant(client, db)
    kept_draft = await draft(client, c)
    draft_url = (await attach(client, c, kept_draft["id"])).json()["quotation_image_url"]
    sent = await draft(client, c)
    sent_url = (await attach(client, c, sent["id"], png((1, 2, 3)))).json()["quotation_image_url"]
    assert (await client.post(f"{Q}/{sent['id']}/send", headers=c["headers"])).status_code == 200
    photo = await client.post(PHOTO, headers=c["headers"], files={"photo": ("me.png", png(), "image/png")})
    photo_url = photo.json()["consultant"]["profile_photo_url"]

    r = await client.request("DELETE", "/api/v1/consultants/me", headers=c["headers"],
                             json={"current_password": PASSWORD})
    assert r.status_code == 204, r.text
    for url in (photo_url, draft_url, sent_url):
        assert (await client.get(url)).status_code == 404, url
    assert stored(app, c) == set()
    assert await rows(db, "select id from app.quotations where consultant_id = $1 and quotation_image_url is not null",
                      uuid.UUID(c["id"])) == []


# --- on Cloudinary ------------------------------------------------------------------------------------------

def test_cloudinary_urls_map_back_to_their_keys_and_no_other_url_does():
    store = CloudinaryStorage()
    assert store.key_of("https://res.cloudinary.com/demo/image/upload/v1712345/quotations/c/q/ab12.png") == "quotations/c/q/ab12.png"
    assert store.key_of("https://res.cloudinary.com/demo/image/upload/quotations/c/q/ab12.webp") == "quotations/c/q/ab12.webp"
    assert store.key_of("https://example.com/plans/house.png") is None
    local = LocalStorage(Path("/nonexistent"))
    assert local.key_of("/media/quotations/c/q/ab12.png") == "quotations/c/q/ab12.png"
    assert local.key_of("https://example.com/media/x.png") is None


async def test_cloudinary_deletes_a_key_and_pages_through_a_prefix(cloudinary_fake):
    store = CloudinaryStorage()
    await store.delete("quotations/c/q/ab12.png")
    [deleted] = [r for r in cloudinary_fake.requests if r["method"] == "DELETE"]
    assert b"quotations/c/q/ab12" in deleted["body"] + deleted["path"].encode()
    cloudinary_fake.requests.clear()
    cloudinary_fake.pages = [{"resources": [{"public_id": "quotations/c/1"}], "next_cursor": "page2"},
                             {"resources": [{"public_id": "quotations/c/2"}]}]
    await store.delete_prefix("quotations/c/")
    listings = [r["path"] for r in cloudinary_fake.requests if r["method"] == "GET"]
    assert len(listings) == 2 and "next_cursor=page2" in listings[1]
    deletes = b" ".join(r["body"] + r["path"].encode() for r in cloudinary_fake.requests if r["method"] == "DELETE")
    assert b"quotations/c/1" in deletes and b"quotations/c/2" in deletes


async def test_a_local_put_survives_a_delete_emptying_its_folder_between_mkdir_and_write(tmp_path, monkeypatch):
    # delete() removes a folder once empty: one doing so right after put() made the folder failed the write
    # with FileNotFoundError (a 500). Replayed deterministically: the first mkdir's folder is taken away.
    store = LocalStorage(tmp_path)
    await store.put("quotations/c/q/old.png", b"old", "image/png")
    real_mkdir, raced = Path.mkdir, []

    def mkdir_then_emptied(self, *args, **kwargs):
        real_mkdir(self, *args, **kwargs)
        if not raced and self.name == "q":
            raced.append(self)
            asyncio.run(store.delete("quotations/c/q/old.png"))  # the other request's delete, in between
            assert not self.exists()

    monkeypatch.setattr(Path, "mkdir", mkdir_then_emptied)
    url = await store.put("quotations/c/q/new.png", b"new", "image/png")
    assert raced and url == "/media/quotations/c/q/new.png"
    assert (tmp_path / "quotations/c/q/new.png").read_bytes() == b"new"
    assert not (tmp_path / "quotations/c/q/old.png").exists()


# --- a shutdown cancelling an upload ----------------------------------------------------------------------

async def test_an_upload_cancelled_by_the_shutdown_answers_503_not_a_logged_500(client, db, monkeypatch, caplog):
    # uvicorn cancels the requests still running once its graceful shutdown times out: an upload waiting for
    # the decoders answered a bare 500 and logged a CancelledError.
    held = Gate(profile.clean_photo)
    monkeypatch.setattr(profile, "clean_photo", held)
    c = await approved_consultant(client, db)
    uploading = asyncio.create_task(client.post(PHOTO, headers=c["headers"], files={"photo": ("me.png", png(), "image/png")}))
    await held.started.wait()
    uploading.cancel()
    try:
        r = await uploading
    finally:
        held.release.set()
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "shutting_down" and int(r.headers["retry-after"]) > 0
    assert not [rec for rec in caplog.records if rec.levelname == "ERROR"]
    for _ in range(200):  # the decoder finishes its bounded job and frees its slot
        if images._in_flight == 0:
            break
        await asyncio.sleep(0.05)
    assert images._in_flight == 0 and held.finished == 1

# Test: pytest tests/http/test_image_uploads.py
