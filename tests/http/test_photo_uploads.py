# tests/http/test_photo_uploads.py — photo uploads under abuse: decoding off the event loop, the pixel cap read from the header, a bounded decoder queue, and the per-account upload limit (API and settings page).
from __future__ import annotations

import asyncio
import io
import threading

import httpx
import pytest
from PIL import Image, ImageFile

from app import images
from app.routes import profile
from tests.http.helpers import auth, signup_consultant
from tests.http.test_pages import HTML, csrf_of
from tests.http.test_settings_pages import pending

PHOTO = "/api/v1/consultants/me/photo"
ME = "/api/v1/consultants/me"


def png(size: tuple[int, int], mode: str = "L") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def bomb() -> bytes:
    """The attack: about a hundred kilobytes on the wire, 6300×6300 (39.7 million) pixels once decoded."""
    data = png((6300, 6300))
    assert len(data) < 200 * 1024
    return data


async def upload(client, headers, data: bytes):
    return await client.post(PHOTO, headers=headers, files={"photo": ("me.png", data, "image/png")})


async def set_uploads_per_hour(db, n: int) -> None:
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.platform_settings set value = to_jsonb($1::integer) "
                           "where key = 'photo_uploads_per_hour'", n)
    finally:
        await conn.close()


class Gate:
    """Stands in for CPU-bound work (the decoder here): tells the test (on its event loop) that the work
    started, then holds it until the test releases it. If the work ran on the event loop, the loop itself
    would wait here, so the bounded wait only keeps a broken build from hanging: the assertions fail instead."""

    def __init__(self, real):
        self.real, self.loop = real, asyncio.get_running_loop()
        self.started = asyncio.Event()
        self.entered = self.finished = 0
        self.release = threading.Event()
        self.on_loop: list[bool] = []

    def __call__(self, *args, **kwargs):
        try:
            asyncio.get_running_loop()
            self.on_loop.append(True)
        except RuntimeError:
            self.on_loop.append(False)
        self.entered += 1
        self.loop.call_soon_threadsafe(self.started.set)
        self.release.wait(timeout=60)
        try:
            return self.real(*args, **kwargs)
        finally:
            self.finished += 1


@pytest.fixture
async def gate(monkeypatch):
    g = Gate(profile.clean_photo)
    monkeypatch.setattr(profile, "clean_photo", g)
    yield g
    g.release.set()


async def test_healthz_is_answered_while_a_photo_is_still_being_decoded(client, gate):
    headers = auth((await signup_consultant(client))["access_token"])
    uploading = asyncio.create_task(upload(client, headers, png((64, 48), "RGB")))
    await gate.started.wait()  # the upload is inside the decoder now
    health = await client.get("/healthz")
    assert health.status_code == 200
    assert (gate.entered, gate.finished) == (1, 0), "/healthz waited for the decoding: it held the event loop"
    assert not uploading.done()
    gate.release.set()
    r = await uploading
    assert r.status_code == 200, r.text
    assert gate.on_loop == [False]  # decoded in a worker thread, not on the event loop


async def test_a_full_decoder_queue_answers_503_with_retry_after_and_then_drains(client, gate, monkeypatch):
    headers = auth((await signup_consultant(client))["access_token"])
    data = png((64, 48), "RGB")
    admitted, all_in = [0], asyncio.Event()

    async def counted(fn, body):  # each held upload reaches the decoders after its rate limit in the database
        admitted[0] += 1
        if admitted[0] == images.MAX_IN_FLIGHT:
            all_in.set()
        return await images.off_loop(fn, body)

    monkeypatch.setattr(profile, "off_loop", counted)
    held = [asyncio.create_task(upload(client, headers, data)) for _ in range(images.MAX_IN_FLIGHT)]
    await all_in.wait()
    # Every one of them is queued or decoding once the next request is refused; none has answered.
    r = await upload(client, headers, data)
    assert gate.finished == 0
    assert r.status_code == 503, r.text
    assert r.json()["error"] == {"code": "busy", "message": r.json()["error"]["message"], "field": "photo"}
    assert int(r.headers["retry-after"]) > 0
    assert not any(t.done() for t in held)
    gate.release.set()
    assert [x.status_code for x in await asyncio.gather(*held)] == [200] * images.MAX_IN_FLIGHT
    assert (await upload(client, headers, data)).status_code == 200  # the queue drained


async def test_the_6300_square_png_bomb_is_refused_413_in_the_error_shape(client):
    headers = auth((await signup_consultant(client))["access_token"])
    r = await upload(client, headers, bomb())
    assert r.status_code == 413, r.text
    error = r.json()["error"]
    assert error["code"] == "image_too_large" and error["field"] == "photo"
    assert "6300×6300" in error["message"]
    assert (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"] is None


def test_the_pixel_cap_is_checked_from_the_header_before_any_decoding(monkeypatch):
    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(images.ImageTooLarge):
        images.clean_photo(bomb())


def test_the_cap_is_a_few_megapixels_well_below_pillows_own():
    assert images.MAX_PIXELS <= 20_000_000 < 6300 * 6300
    assert images.MAX_PIXELS * 5 < Image.MAX_IMAGE_PIXELS


async def test_the_cap_is_exact_at_the_boundary(client):
    headers = auth((await signup_consultant(client))["access_token"])
    at_cap = await upload(client, headers, png((images.MAX_PIXELS // 2, 2), "1"))
    assert at_cap.status_code == 200, at_cap.text
    over = await upload(client, headers, png((images.MAX_PIXELS // 2 + 1, 2), "1"))
    assert over.status_code == 413 and over.json()["error"]["code"] == "image_too_large"


async def test_uploads_are_limited_per_account_with_retry_after_not_globally(client, db):
    await set_uploads_per_hour(db, 3)
    first = auth((await signup_consultant(client))["access_token"])
    second = auth((await signup_consultant(client))["access_token"])  # same client address as the first
    data = png((64, 48), "RGB")
    codes = [(await upload(client, first, data)).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    r = await upload(client, first, data)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert 0 < int(r.headers["retry-after"]) <= 3600
    # Refused attempts count too (each costs a decode): an account cannot probe for free.
    assert (await upload(client, first, b"not an image")).status_code == 429
    assert (await upload(client, second, data)).status_code == 200


async def test_concurrent_uploads_by_one_account_get_exactly_the_limit(client, db):
    await set_uploads_per_hour(db, 4)
    headers = auth((await signup_consultant(client))["access_token"])
    data = png((64, 48), "RGB")
    answers = await asyncio.gather(*(upload(client, headers, data) for _ in range(7)))
    assert sorted(r.status_code for r in answers) == [200] * 4 + [429] * 3


async def test_the_settings_page_upload_is_limited_too_with_the_error_beside_the_field(client, db):
    await set_uploads_per_hour(db, 1)
    await pending(client)
    data = png((64, 48), "RGB")

    async def post_photo() -> httpx.Response:
        shown = await client.get("/dashboard/settings/profile", headers=HTML)
        return await client.post("/dashboard/settings/profile/photo", headers=HTML,
                                 data={"csrf_token": csrf_of(shown.text)},
                                 files={"photo": ("me.png", data, "image/png")})

    assert (await post_photo()).status_code == 303
    r = await post_photo()
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert 'role="alert"' in r.text and "Save profile" in r.text  # the profile page again, the message by the field


async def test_the_settings_page_refuses_the_bomb_beside_the_field(client, db):
    await pending(client)
    shown = await client.get("/dashboard/settings/profile", headers=HTML)
    r = await client.post("/dashboard/settings/profile/photo", headers=HTML, data={"csrf_token": csrf_of(shown.text)},
                          files={"photo": ("me.png", bomb(), "image/png")})
    assert r.status_code == 413 and "megapixels" in r.text
    assert 'aria-describedby="photo-photo-error"' in r.text and '<p class="field-error" id="photo-photo-error">' in r.text


async def test_the_api_declares_429_and_503_for_uploads(client):
    doc = (await client.get("/api/v1/openapi.json")).json()
    assert {"413", "429", "503"} <= set(doc["paths"][PHOTO]["post"]["responses"])

# Test: pytest tests/http/test_photo_uploads.py
