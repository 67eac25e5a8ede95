# tests/fuzz/test_abuse_uploads.py — the attack classes of issue 16's "work that blocks the event loop": image bombs in every accepted format, and hostile email templates (endless loops, huge output, memory, recursion, internals), each refused with a clear 4xx and nothing stored.
"""Photos: a header may claim any size; whatever it claims above the cap is refused from the header (413
image_too_large) before a pixel is decoded, in each format, whether Pillow's own bomb check fires at open
(beyond twice its default) or only ours does. Within the cap, a file built to cost far more than its pixels
(the progressive-JPEG scan bomb, refinement scans, marker, fill and chunk floods, inflating chunks, huge EXIF)
is refused from its structure (422 image_too_complex) before Pillow decodes it, while ordinary progressive
JPEGs at the cap pass; a file of several images (MPO, APNG, animated WebP) keeps its first. Scans hidden
behind a marker libjpeg reads past (a zero-length comment, a reserved marker in a scan with restarts) and
every JPEG structure where the walk and libjpeg could part are refused (415) before Pillow reads a byte, and
the walk is checked against libjpeg itself; a malformed file of any kind, and thousands of mutated ones, are
a 415 and never a 500. The per-account upload limit is one budget for the API and the settings page
together, and for quotation images: those take the same checks, and however many are uploaded to one draft,
one file is kept (the one it shows); photos uploaded at once leave the recorded one served and no other.

Templates: every hostile template is a 422 (template_invalid, template_too_large or template_too_slow) in
the error shape, on save as on preview, leaves no override behind, and the app keeps answering."""
from __future__ import annotations

import asyncio
import io
import struct
import zlib

import pytest
from PIL import Image

from app import images
from tests.fuzz.image_bombs import (
    EOI,
    ac_scan,
    chunk,
    dc_scan,
    encoded,
    exif,
    hidden_scans,
    iccp_bomb,
    jpeg_head,
    jpeg_with_fill,
    jpeg_with_markers,
    png_with,
    refinement_bomb,
    scan_bomb,
    segment,
)
from tests.http.helpers import PASSWORD, auth, make_admin, signup_consultant
from tests.http.test_booking import approved_consultant
from tests.http.test_image_uploads import attach, draft, stored
from tests.http.test_pages import HTML, csrf_of
from tests.http.test_photo_uploads import Gate, set_uploads_per_hour
from tests.http.test_settings_pages import pending

PHOTO = "/api/v1/consultants/me/photo"
ME = "/api/v1/consultants/me"
TEMPLATES = "/api/v1/admin/email-templates"


def small(fmt: str, mode: str = "RGB") -> bytearray:
    buf = io.BytesIO()
    Image.new(mode, (16, 16), (10, 20, 30) if mode == "RGB" else 0).save(buf, format=fmt)
    return bytearray(buf.getvalue())


def claiming(fmt: str, width: int, height: int) -> bytes:
    """A real 16×16 image whose header claims width×height (the bytes after it stay those of 16×16)."""
    data = small(fmt, "L" if fmt == "PNG" else "RGB")
    if fmt == "PNG":
        ihdr = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
        data[12:29] = ihdr
        data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    elif fmt == "JPEG":
        at = data.find(b"\xff\xc0")
        data[at + 5:at + 9] = struct.pack(">HH", height, width)
    else:  # WEBP (lossy): the VP8 frame's 14-bit sizes after its start code
        at = data.find(b"\x9d\x01\x2a")
        data[at + 3:at + 7] = struct.pack("<HH", width, height)
    return bytes(data)


BOMBS = {
    # Above our cap, below Pillow's own limit: only our check stands between them and a decode.
    "png-5000-square": claiming("PNG", 5000, 5000),
    "jpeg-5000-square": claiming("JPEG", 5000, 5000),
    "webp-5000-square": claiming("WEBP", 5000, 5000),
    "png-one-row-past-the-cap": claiming("PNG", images.MAX_PIXELS + 1, 1),
    # Far beyond: Pillow's own check fires at open; still a 413 in the same shape.
    "png-2-gigapixels": claiming("PNG", 2**31 - 1, 1),
    "jpeg-65500-square": claiming("JPEG", 65500, 65500),
    "webp-16383-square": claiming("WEBP", 16383, 16383),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
async def test_image_bombs_are_refused_from_the_header_in_every_format(client, name, monkeypatch):
    decoded = []
    real = images.clean_photo

    def watched(data: bytes):
        result = real(data)
        decoded.append(True)  # reached only when clean_photo returned an image
        return result

    monkeypatch.setattr("app.routes.profile.clean_photo", watched)
    headers = auth((await signup_consultant(client))["access_token"])
    r = await client.post(PHOTO, headers=headers, files={"photo": ("me.png", BOMBS[name], "image/png")})
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "image_too_large" and r.json()["error"]["field"] == "photo"
    assert decoded == []
    assert (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"] is None
    assert (await client.get("/healthz")).status_code == 200


def test_a_header_claiming_a_bomb_is_refused_without_decoding(monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for name, data in BOMBS.items():
        with pytest.raises(images.ImageTooLarge):
            images.clean_photo(data)
        assert name


async def test_the_api_and_the_settings_page_share_one_upload_budget(client, db):
    await set_uploads_per_hour(db, 2)
    me = await pending(client)
    data = bytes(small("PNG"))
    assert (await client.post(PHOTO, headers=me["headers"], files={"photo": ("a.png", data, "image/png")})).status_code == 200
    shown = await client.get("/dashboard/settings/profile", headers=HTML)
    page = await client.post("/dashboard/settings/profile/photo", headers=HTML, data={"csrf_token": csrf_of(shown.text)},
                             files={"photo": ("b.png", data, "image/png")})
    assert page.status_code == 303
    r = await client.post(PHOTO, headers=me["headers"], files={"photo": ("c.png", data, "image/png")})
    assert r.status_code == 429 and r.headers["retry-after"]


# --- decoding work within the pixel cap ----------------------------------------------------------------

# Each at or under the pixel cap; each cost seconds to minutes of CPU (or of Python holding the GIL) before.
STRUCTURE_BOMBS = {
    # The attacker's scan bomb, shorter: one AC scan repeated 300 times over 4096×4096 (27,000 took 56 s).
    "jpeg-repeated-scans": scan_bomb(300),
    # Under the scan count, over the work: refinement scans visit every coefficient of every block.
    "jpeg-refinement-scans": refinement_bomb(40),
    "jpeg-marker-flood": jpeg_with_markers(5000),
    "jpeg-fill-flood": jpeg_with_fill(5000),
    "png-chunk-flood": png_with(chunk(b"zzZz", b"") * 5000),
    "png-image-data-confetti": png_with(b"", (4096, 4096), idat_split=1),
    "png-inflating-chunks": png_with(iccp_bomb(20)),
}
METADATA_BOMBS = {
    "png-exif-65535-tags": png_with(chunk(b"eXIf", exif(65535))),
    "webp-exif-20000-tags": encoded("WEBP", exif=exif(20000)),
}


@pytest.mark.parametrize("name", sorted(STRUCTURE_BOMBS | METADATA_BOMBS))
async def test_images_costing_far_more_than_their_pixels_are_refused_422(client, name):
    headers = auth((await signup_consultant(client))["access_token"])
    data = (STRUCTURE_BOMBS | METADATA_BOMBS)[name]
    r = await client.post(PHOTO, headers=headers, files={"photo": ("me.jpg", data, "image/jpeg")})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "image_too_complex" and r.json()["error"]["field"] == "photo"
    assert (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"] is None


def test_structure_bombs_are_refused_before_pillow_reads_them(monkeypatch):
    from PIL import ImageFile

    def untouched(*args, **kwargs):
        raise AssertionError("Pillow read the file")

    monkeypatch.setattr(images.Image, "open", untouched)
    monkeypatch.setattr(ImageFile.ImageFile, "load", untouched)
    for name, data in STRUCTURE_BOMBS.items():
        with pytest.raises(images.ImageTooComplex):
            images.clean_photo(data)
        assert name


def test_metadata_bombs_are_refused_before_a_pixel_is_decoded(monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for data in METADATA_BOMBS.values():
        with pytest.raises(images.ImageTooComplex):
            images.clean_photo(data)


def test_the_work_of_a_scan_is_counted_from_its_blocks_and_band():
    # Grey 4096×4096: 262,144 blocks; the DC scan costs 1 + 32 a block, each AC scan 63 + 32.
    blocks = 4096 * 4096 // 64
    assert images.jpeg_work(scan_bomb(2)) == blocks * (1 + 32) + 2 * blocks * (63 + 32)
    assert images.jpeg_work(encoded("JPEG", (64, 48))) > 0
    with pytest.raises(images.ImageTooComplex):  # the scan count holds whatever the size
        images.jpeg_work(scan_bomb(images.MAX_JPEG_SCANS, 8, 8))
    assert images.jpeg_work(scan_bomb(images.MAX_JPEG_SCANS - 1, 8, 8)) > 0


@pytest.mark.parametrize("mode,options", [("RGB", {"subsampling": 0}), ("RGB", {"subsampling": 2}),
                                          ("CMYK", {}), ("L", {})])
def test_ordinary_progressive_jpegs_at_the_pixel_cap_are_within_the_bound(mode, options):
    gradient = Image.linear_gradient("L").resize((4096, 4096)).convert(mode)
    buf = io.BytesIO()
    gradient.save(buf, format="JPEG", quality=90, progressive=True, optimize=True, **options)
    assert images.jpeg_work(buf.getvalue()) <= images.MAX_JPEG_WORK * 0.7
    if mode == "CMYK":
        _, content_type, _ = images.clean_photo(buf.getvalue())
        assert content_type == "image/jpeg"


@pytest.mark.parametrize("fmt", ["MPO", "PNG", "WEBP"])
async def test_a_file_of_several_images_keeps_only_its_first(client, fmt):
    headers = auth((await signup_consultant(client))["access_token"])
    frames = [Image.new("RGB", (64, 48), colour) for colour in ((220, 20, 20), (20, 220, 20), (20, 20, 220))]
    buf = io.BytesIO()
    frames[0].save(buf, format=fmt, save_all=True, append_images=frames[1:], **({"lossless": True} if fmt == "WEBP" else {}))
    r = await client.post(PHOTO, headers=headers, files={"photo": ("me.img", buf.getvalue(), "image/jpeg")})
    assert r.status_code == 200, r.text
    stored = await client.get(r.json()["consultant"]["profile_photo_url"])
    with Image.open(io.BytesIO(stored.content)) as kept:
        assert getattr(kept, "n_frames", 1) == 1 and kept.format == ("JPEG" if fmt == "MPO" else fmt)
        red, green, blue = kept.convert("RGB").getpixel((32, 24))
        assert red > 180 and green < 60 and blue < 60


@pytest.mark.parametrize("name", sorted(BOMBS | STRUCTURE_BOMBS | METADATA_BOMBS))
async def test_every_image_bomb_is_refused_as_a_quotation_image_too_with_nothing_stored(client, db, app, name):
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    r = await attach(client, c, q["id"], (BOMBS | STRUCTURE_BOMBS | METADATA_BOMBS)[name])
    assert (r.status_code, r.json()["error"]["code"]) in ((413, "image_too_large"), (422, "image_too_complex")), r.text
    assert r.json()["error"]["field"] == "image"
    assert (await client.get(f"/api/v1/quotations/{q['id']}", headers=c["headers"])).json()["quotation_image_url"] is None
    assert stored(app, c) == set()


async def test_thirty_uploads_to_one_draft_keep_one_file_and_the_budget_holds(client, db, app):
    await set_uploads_per_hour(db, 30)
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    urls = [(await attach(client, c, q["id"], encoded("PNG", (40, 30 + i)))).json()["quotation_image_url"]
            for i in range(30)]
    assert (await attach(client, c, q["id"])).status_code == 429
    assert stored(app, c) == {urls[-1]}
    assert (await client.get(urls[0])).status_code == 404 and (await client.get(urls[-1])).status_code == 200


async def test_the_settings_page_refuses_the_scan_bomb_beside_the_field(client, db):
    await pending(client)
    shown = await client.get("/dashboard/settings/profile", headers=HTML)
    r = await client.post("/dashboard/settings/profile/photo", headers=HTML, data={"csrf_token": csrf_of(shown.text)},
                          files={"photo": ("me.jpg", STRUCTURE_BOMBS["jpeg-repeated-scans"], "image/jpeg")})
    assert r.status_code == 422 and "unusual way" in r.text
    assert '<p class="field-error" id="photo-photo-error">' in r.text


# --- where a walk of the markers and libjpeg could part ---------------------------------------------------

def _reserved(hidden: bytes, code: int = 0x02) -> bytes:
    """A reserved marker whose length seems to hold `hidden`, with the restart interval turned off first."""
    hidden = segment(0xDD, b"\x00\x00") + hidden
    return bytes([0xFF, code]) + struct.pack(">H", len(hidden) + 2) + hidden


# Each hides the scans after it from a walk that stops (or skips) where libjpeg reads on: the outside check's
# zero-length comment after the first scan made a 715 kB photo cost 52.7 s of CPU, accepted.
HIDING = {
    "comment-of-length-0": {"trick": b"\xff\xfe\x00\x00"},
    "comment-of-length-1": {"trick": b"\xff\xfe\x00\x01"},
    "app0-of-length-0": {"trick": b"\xff\xe0\x00\x00"},  # the APPn libjpeg reads itself (JFIF, Adobe)
    "app1-of-length-0": {"trick": b"\xff\xe1\x00\x00"},
    "app14-of-length-0": {"trick": b"\xff\xee\x00\x00"},
    "dnl-of-length-0": {"trick": b"\xff\xdc\x00\x00"},
    "comment-of-length-0-before-the-first-scan": {"trick": b"\xff\xfe\x00\x00", "where": "before the first scan"},
    # In a scan with restarts, libjpeg's resync discards a reserved marker and looks for the next marker:
    # the scans inside what seems to be its body are decoded.
    "reserved-marker-in-a-scan-with-restarts": {"wrap": _reserved, "restart_interval": 1},
}


def _decoded_mean(data: bytes) -> float:
    """Pillow and libjpeg alone (not clean_photo): the picture's mean grey."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return sum(img.getdata()) / (img.width * img.height)


@pytest.fixture
def pillow_untouched(monkeypatch):
    """clean_photo must refuse before Pillow reads a byte."""
    from PIL import ImageFile

    def untouched(*args, **kwargs):
        raise AssertionError("Pillow read the file")

    monkeypatch.setattr(images.Image, "open", untouched)
    monkeypatch.setattr(ImageFile.ImageFile, "load", untouched)


@pytest.mark.parametrize("name", sorted(HIDING))
def test_scans_hidden_behind_a_marker_libjpeg_reads_past_are_refused_before_pillow(name, monkeypatch):
    # The premise, on the real decoder: libjpeg reads past the trick (the hidden DC scan brightens the
    # picture from 128 to about 160), so the scans after it cost what they cost.
    plain, lifted = (hidden_scans(scans=0, width=256, height=256, lift=lift, **HIDING[name]) for lift in (0, 255))
    assert _decoded_mean(plain) == 128 and _decoded_mean(lifted) > 150
    bomb = hidden_scans(**HIDING[name])  # 150 scans more than the scan count allows
    monkeypatch.setattr(images.Image, "open", lambda *a, **k: pytest.fail("Pillow read the file"))
    with pytest.raises(images.NotAnImage):
        images.clean_photo(bomb)


@pytest.mark.parametrize("name", sorted(HIDING))
async def test_scans_hidden_behind_a_marker_are_refused_by_every_upload_with_nothing_stored(client, db, app, name):
    bomb = hidden_scans(**HIDING[name])
    headers = auth((await signup_consultant(client))["access_token"])
    r = await client.post(PHOTO, headers=headers, files={"photo": ("me.jpg", bomb, "image/jpeg")})
    assert r.status_code == 415, r.text
    assert r.json()["error"]["code"] == "unsupported_media_type" and r.json()["error"]["field"] == "photo"
    assert (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"] is None
    c = await approved_consultant(client, db)
    q = await draft(client, c)
    r = await attach(client, c, q["id"], bomb)
    assert r.status_code == 415 and r.json()["error"]["field"] == "image"
    assert stored(app, c) == set()


async def test_the_settings_page_refuses_hidden_scans_beside_the_field(client):
    await pending(client)
    shown = await client.get("/dashboard/settings/profile", headers=HTML)
    r = await client.post("/dashboard/settings/profile/photo", headers=HTML, data={"csrf_token": csrf_of(shown.text)},
                          files={"photo": ("me.jpg", hidden_scans(b"\xff\xfe\x00\x00"), "image/jpeg")})
    assert r.status_code == 415 and '<p class="field-error" id="photo-photo-error">' in r.text


def _jpeg(*parts: bytes, width: int = 64, height: int = 64) -> bytes:
    """A grey progressive JPEG with `parts` between its tables and its scans."""
    return jpeg_head(width, height) + b"".join(parts) + dc_scan(width, height) + ac_scan(width, height) + EOI


def _frame(code: int = 0xC2, precision: int = 8, width: int = 64, height: int = 64,
           components: tuple[tuple[int, int], ...] = ((1, 0x11),), extra: bytes = b"") -> bytes:
    """SOI, DQT, a frame of (id, sampling) components, the Huffman tables: a head for hand-made scans."""
    head = jpeg_head(width, height)
    sof = head.index(b"\xff\xc2")
    body = struct.pack(">BHHB", precision, height, width, len(components))
    body += b"".join(bytes([cid, sampling, 0]) for cid, sampling in components) + extra
    return head[:sof] + segment(code, body) + head[sof + 2 + int.from_bytes(head[sof + 2:sof + 4], "big"):]


def _scan(ids: tuple[int, ...], ss: int = 0, se: int = 0, ahal: int = 0, extra: bytes = b"") -> bytes:
    return segment(0xDA, bytes([len(ids)]) + b"".join(bytes([cid, 0]) for cid in ids) + bytes([ss, se, ahal])
                   + extra) + b"\x00" * 600


OK = _jpeg()
FIRST_SCAN = OK.index(b"\xff\xda")
# Structures libjpeg reads differently from a simple walk, or refuses only after decoding what came before,
# or whose cost the walk's model does not count: each refused from the walk, before Pillow reads a byte.
STRAY = {
    "segment-running-past-the-end": OK[:-2] + b"\xff\xfe\x10\x00" + b"x" * 100,
    "file-ending-inside-a-length": OK[:-2] + b"\xff\xfe\x00",
    "reserved-marker": _jpeg(b"\xff\x02\x00\x04ab"),
    "temporary-marker": _jpeg(b"\xff\x01"),
    "jpg-extension-marker": _jpeg(b"\xff\xf0\x00\x04ab"),
    "jpg-marker": _jpeg(b"\xff\xc8\x00\x04ab"),
    "hierarchical-progression": _jpeg(b"\xff\xde\x00\x04ab"),
    "expand-reference": _jpeg(b"\xff\xdf\x00\x03\x00"),
    "arithmetic-conditioning": _jpeg(b"\xff\xcc\x00\x04\x00\x10"),
    "number-of-lines": _jpeg(b"\xff\xdc\x00\x04\x00\x40"),
    "second-start-of-image": _jpeg(b"\xff\xd8"),
    "end-of-image-before-the-first-scan": OK[:FIRST_SCAN] + EOI + b"\xff\xfe\x00\x02" * 2000 + OK[FIRST_SCAN:],
    "lossless": _frame(0xC3) + _scan((1,), ss=1) + EOI,
    "arithmetic-sequential": _frame(0xC9) + _scan((1,), se=63) + EOI,
    "arithmetic-progressive": _frame(0xCA) + OK[FIRST_SCAN:],
    "arithmetic-lossless": _frame(0xCB) + _scan((1,), ss=1) + EOI,
    "differential-sequential": _frame(0xC5) + _scan((1,), se=63) + EOI,
    "differential-progressive": _frame(0xC6) + OK[FIRST_SCAN:],
    "12-bit": _frame(precision=12) + OK[FIRST_SCAN:],
    "two-components": _frame(components=((1, 0x11), (2, 0x11))) + _scan((1, 2)) + EOI,
    "five-components": _frame(components=tuple((i, 0x11) for i in range(1, 6))) + _scan((1, 2, 3, 4)) + EOI,
    "width-0": _frame(width=0) + OK[FIRST_SCAN:],
    "height-0": _frame(height=0) + OK[FIRST_SCAN:],
    "frame-longer-than-its-components": _frame(extra=b"\x00\x00\x00") + OK[FIRST_SCAN:],
    "duplicate-ids-in-the-frame": _frame(components=((1, 0x22), (1, 0x11), (2, 0x11))) + _scan((1,)) + EOI,
    "duplicate-ids-in-a-scan": _frame(components=((1, 0x11), (2, 0x11), (3, 0x11))) + _scan((1, 1)) + EOI,
    "scan-longer-than-its-components": _frame() + _scan((1,), extra=b"\x00\x00") + EOI,
    "ac-scan-of-two-components": _frame(components=((1, 0x11), (2, 0x11), (3, 0x11))) + _scan((1, 2), ss=1, se=63) + EOI,
    "band-start-after-its-end": _frame() + _scan((1,)) + _scan((1,), ss=9, se=5) + EOI,
    "band-past-63": _frame() + _scan((1,)) + _scan((1,), ss=1, se=64) + EOI,
    "dc-scan-with-a-band": _frame() + _scan((1,), ss=0, se=5) + EOI,
    "refinement-not-by-one-bit": _frame() + _scan((1,), ahal=0x02) + _scan((1,), ahal=0x20) + EOI,
    "approximation-past-13": _frame() + _scan((1,), ahal=0x0E) + EOI,
    "no-scan": OK[:FIRST_SCAN] + EOI,
}


@pytest.mark.parametrize("name", sorted(STRAY))
def test_structures_where_libjpeg_and_the_walk_could_part_are_refused_before_pillow(name, pillow_untouched):
    with pytest.raises(images.NotAnImage):
        images.clean_photo(STRAY[name])


def test_the_stray_structures_start_from_a_jpeg_that_passes():
    _, content_type, _ = images.clean_photo(OK)
    assert content_type == "image/jpeg"
    assert images.clean_photo(_frame() + _scan((1,)) + _scan((1,), ss=1, se=63) + EOI)[1] == "image/jpeg"


def test_the_stray_structures_refused_before_are_refused_still(pillow_untouched):
    for data in (_frame() + segment(0xDA, bytes([0, 0, 0, 0])) + OK[FIRST_SCAN:],  # a scan of no components
                 OK[:OK.index(b"\xff\xc2")] + OK[FIRST_SCAN:],  # a scan before any frame
                 _frame() + _scan((1,)) + _frame()[2:] + EOI):  # a second frame (hierarchical)
        with pytest.raises(images.NotAnImage):
            images.clean_photo(data)


# The walk against the real decoder: for any JPEG the walk accepts, libjpeg decodes the scans the walk
# counted and no other. The oracle is the decoder itself: the file rebuilt from only what the walk followed
# (SOI, its segments, each counted scan with its compressed data, EOI) decodes to the same pixels (or the
# same failure) as the file itself. The files are made of the pieces above and every trick of the hidden
# scans: hidden DC scans each lift the picture to their own brightness, so a scan libjpeg decoded and the
# walk did not count shows in the pixels.
SIDE = 32
_CODES_WITH_A_LENGTH = [0xFE, 0xE0, 0xE1, 0xE2, 0xEE, 0xED, 0xDC, 0xDD, 0xC4, 0xDB, 0x02, 0x45, 0xBF, 0xF0, 0xFD,
                        0xC8, 0xCC, 0xDE, 0xDF, 0xC3, 0xC9, 0xC0, 0xC2]


def _pieces():
    from hypothesis import strategies as st

    def seg(code, body):
        return bytes([0xFF, code]) + struct.pack(">H", len(body) + 2) + body

    text = st.binary(max_size=12) | st.sampled_from([b"\xff\xd9", b"\xff\xda", b"\xff\x00\xff\xd9", b"Exif\x00\x00"])
    return st.one_of(
        st.just(("scan", ac_scan(SIDE, SIDE))),
        st.integers(128, 255).map(lambda lift: ("scan", dc_scan(SIDE, SIDE, lift=lift))),
        st.just(("scan", dc_scan(SIDE, SIDE))),
        st.tuples(st.sampled_from([0xFE, 0xE0, 0xE1, 0xEE]), text).map(lambda t: ("bytes", seg(*t))),
        st.integers(0, 4).map(lambda n: ("bytes", seg(0xDD, struct.pack(">H", n)))),
        st.just(("bytes", jpeg_head(SIDE, SIDE)[2:][-48:])),  # tables again (the tail: DHTs)
        st.binary(min_size=1, max_size=6).map(lambda b: ("bytes", b)),  # junk, or markers by chance
        st.integers(1, 3).map(lambda n: ("bytes", b"\xff" * n)),
        st.sampled_from([b"\xff\x00", b"\xff\x01", b"\xff\xd8", EOI]).map(lambda b: ("bytes", b)),
        st.integers(0, 7).map(lambda n: ("bytes", bytes([0xFF, 0xD0 + n]))),
        st.tuples(st.sampled_from(_CODES_WITH_A_LENGTH), st.sampled_from([0, 1])).map(
            lambda t: ("bytes", bytes([0xFF, t[0], 0, t[1]]))),  # lengths below 2
        st.tuples(st.sampled_from(_CODES_WITH_A_LENGTH), st.integers(1, 3)).map(lambda t: ("wrap",) + t),
        st.integers(1, 40).map(lambda n: ("cut", n)),
    )


def _assemble(restart: int, pieces: list) -> bytes:
    """The head and first scan, then the pieces; ("wrap", code, k) makes a segment of the next k pieces."""
    out, rest = bytearray(jpeg_head(SIDE, SIDE, restart_interval=restart) + dc_scan(SIDE, SIDE)), list(pieces)

    def take(items: list) -> bytes:
        part = bytearray()
        while items:
            piece = items.pop(0)
            if piece[0] == "wrap":
                inner = take([items.pop(0) for _ in range(min(piece[2], len(items)))])
                part += bytes([0xFF, piece[1]]) + struct.pack(">H", (len(inner) + 2) & 0xFFFF) + inner
            elif piece[0] == "cut":
                return bytes(part[:-piece[1]] if len(part) > piece[1] else part)
            else:
                part += piece[1]
        return bytes(part)

    return bytes(out + take(rest))


def _outcome(data: bytes):
    """What libjpeg (through Pillow) makes of the file: its pixels, or the kind of its failure."""
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as img:
            img.load()
            return img.mode, img.size, img.tobytes()
    except Exception as exc:
        return "refused", type(exc).__name__


def rebuilt(data: bytes, walk) -> bytes:
    """Only what the walk followed: SOI, each marker's segment, each scan's compressed data."""
    out = bytearray(b"\xff\xd8")
    for here, following in zip(walk.markers, walk.markers[1:] + [None], strict=True):
        out += data[here.start:here.end]
        if here.code == 0xDA:
            out += data[here.end:following.start if following else len(data)]
    return bytes(out)


def _walk_or_none(data: bytes):
    try:
        return images.walk_jpeg(data)
    except images.NotAnImage:
        return None


def test_any_jpeg_the_walk_accepts_libjpeg_decodes_scan_for_scan(monkeypatch):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # a file ending early shows what was decoded
    accepted = []

    @settings(max_examples=1500, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from([0, 0, 1, 2]), st.lists(_pieces(), max_size=12))
    def property_(restart, pieces):
        data = _assemble(restart, pieces)
        walk = _walk_or_none(data)
        if walk is None:
            return
        accepted.append(sum(1 for m in walk.markers if m.code == 0xDA))
        assert _outcome(data) == _outcome(rebuilt(data, walk)), data.hex()

    property_()
    # The oracle has something to see: many accepted files, with scans after the first.
    assert len(accepted) > 300 and sum(1 for n in accepted if n > 2) > 100


def test_the_oracle_sees_scans_a_walk_stopping_early_would_miss():
    # The outside check's file, small: the walk refuses it; a walk that stopped at the empty comment (as the
    # one before did) would rebuild a file without the lifting scan, which libjpeg decodes differently.
    data = hidden_scans(b"\xff\xfe\x00\x00", scans=0, width=SIDE, height=SIDE, lift=200)
    assert _walk_or_none(data) is None
    cut = data.index(b"\xff\xfe\x00\x00")
    early = images.walk_jpeg(data[:cut])  # what a walk stopping there saw
    assert _outcome(rebuilt(data[:cut], early)) != _outcome(data)


# --- malformed files: a 415, never a 500 ---------------------------------------------------------------------

MALFORMED = {
    "nothing-after-the-first-marker": b"\xff\xd8\xff\x00hello",
    "temporary-marker-after-the-start": encoded("JPEG")[:2] + b"\xff\x01" + encoded("JPEG")[2:],
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_a_malformed_jpeg_is_a_415_from_the_api_and_the_settings_page(client, name):
    me = await pending(client)
    r = await client.post(PHOTO, headers=me["headers"], files={"photo": ("me.jpg", MALFORMED[name], "image/jpeg")})
    assert r.status_code == 415, r.text
    assert r.json()["error"]["code"] == "unsupported_media_type" and r.json()["error"]["field"] == "photo"
    shown = await client.get("/dashboard/settings/profile", headers=HTML)
    page = await client.post("/dashboard/settings/profile/photo", headers=HTML, data={"csrf_token": csrf_of(shown.text)},
                             files={"photo": ("me.jpg", MALFORMED[name], "image/jpeg")})
    assert page.status_code == 415 and '<p class="field-error" id="photo-photo-error">' in page.text


async def test_a_photo_whose_exif_holds_a_value_of_an_unexpected_type_is_turned_upright_and_kept(client):
    # Found by the mutations below: Pillow's exif_transpose re-wrote the EXIF block it kept, and a resolution
    # written as text (where a fraction belongs) raised TypeError there: a 500.
    tags = [struct.pack("<HHII", 0x0112, 3, 1, 6), struct.pack("<HHI4s", 0x011A, 2, 4, b"72\x00\x00")]
    block = b"II*\x00" + struct.pack("<IH", 8, len(tags)) + b"".join(tags) + struct.pack("<I", 0)
    photo = encoded("JPEG", (40, 20), exif=b"Exif\x00\x00" + block)
    headers = auth((await signup_consultant(client))["access_token"])
    r = await client.post(PHOTO, headers=headers, files={"photo": ("me.jpg", photo, "image/jpeg")})
    assert r.status_code == 200, r.text
    kept = await client.get(r.json()["consultant"]["profile_photo_url"])
    with Image.open(io.BytesIO(kept.content)) as img:
        assert img.size == (20, 40) and not img.getexif()  # turned upright, the metadata gone


def _seeds() -> dict[str, bytes]:
    """Small real files of every kind we take, with the parts Pillow parses in Python (EXIF, ICC, text,
    several frames, an MP index) for mutations to reach."""
    rgb = Image.linear_gradient("L").resize((40, 30)).convert("RGB")
    info = Image.Exif()
    info[0x0112] = 6
    info[0x010F] = "Camera"
    frames = [rgb, rgb.transpose(Image.Transpose.FLIP_LEFT_RIGHT), rgb.transpose(Image.Transpose.FLIP_TOP_BOTTOM)]

    def save(img, fmt, **options) -> bytes:
        buf = io.BytesIO()
        img.save(buf, format=fmt, **options)
        return buf.getvalue()

    return {
        "jpeg": save(rgb, "JPEG", exif=info, comment=b"hello"),
        "jpeg-progressive-cmyk": save(rgb.convert("CMYK"), "JPEG", progressive=True),
        "jpeg-grey-restarts": save(rgb.convert("L"), "JPEG", restart_marker_blocks=1),
        "mpo": save(frames[0], "MPO", save_all=True, append_images=frames[1:]),
        "png": save(rgb, "PNG", exif=info, pnginfo=_png_text()),
        "png-palette": save(rgb.convert("P"), "PNG", transparency=0),
        "apng": save(frames[0], "PNG", save_all=True, append_images=frames[1:]),
        "webp": save(rgb, "WEBP", exif=info),
        "webp-lossless": save(rgb.convert("RGBA"), "WEBP", lossless=True),
        "webp-animated": save(frames[0], "WEBP", save_all=True, append_images=frames[1:]),
    }


def _png_text():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "hello")
    text.add_text("Title", "a long title " * 20, zip=True)
    text.add_itxt("Author", "ॐ", lang="hi")
    return text


_INTERESTING = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xC0, 0xC2, 0xC4, 0xD0, 0xD8, 0xD9, 0xDA, 0xDB, 0xE0, 0xE1, 0xFE, 0xFF]
_SNIPPETS = [b"\xff\xfe\x00\x00", b"\xff\x01", b"\xff\xd9", b"\xff\xd8", b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00",
             b"\xff\xc2\x00\x0b\x08\x10\x00\x10\x00\x01\x01\x11\x00", b"\xff\xff\xff", b"\x00\x00\x00\x00",
             b"\x00\x00\x00\x00IEND\xaeB`\x82", b"\x00\x00\x00\x0dIHDR", b"acTL", b"fcTL", b"ANMF", b"VP8X", b"\xff\xff\xff\x7f"]


def _mutate(rng, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        at = rng.randrange(len(out) or 1)
        op = rng.randrange(8)
        if op == 0 and out:  # flip a bit
            out[at % len(out)] ^= 1 << rng.randrange(8)
        elif op == 1 and out:  # a byte parsers look for
            out[at % len(out)] = rng.choice(_INTERESTING)
        elif op == 2:  # a structure where it does not belong
            out[at:at] = rng.choice(_SNIPPETS)
        elif op == 3:  # cut a range out
            del out[at:at + rng.randrange(1, 64)]
        elif op == 4:  # repeat a range
            out[at:at] = out[at:at + rng.randrange(1, 256)] * rng.randrange(1, 4)
        elif op == 5:  # end early
            del out[at:]
        elif op == 6 and len(out) > at + 4:  # a length or size at an extreme
            out[at:at + rng.choice((2, 4))] = rng.choice((b"\x00\x00", b"\xff\xff", b"\x00\x01", b"\x7f\xff\xff\xff",
                                                          b"\x00\x00\x00\x00", b"\xff\xff\xff\xff"))
        else:  # random bytes
            out[at:at + 8] = rng.randbytes(rng.randrange(1, 9))
    return bytes(out)


def _fixed_png(data: bytes) -> bytes:
    """The PNG's chunk checksums made right again, so that a mutation reaches the parsers behind them."""
    out, pos = bytearray(data[:8]), 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        body = data[pos + 4:pos + 8 + length]
        out += data[pos:pos + 4] + body + struct.pack(">I", zlib.crc32(body))
        pos += 12 + length
    return bytes(out + data[pos:])


def test_thousands_of_mutated_images_are_cleaned_or_refused_never_another_error():
    import random

    rng, failures, outcomes = random.Random(16), [], {"cleaned": 0, "refused": 0}
    for name, data in _seeds().items():
        for i in range(300):
            sample = _mutate(rng, data)
            if name.startswith(("png", "apng")) and rng.random() < 0.7:
                sample = _fixed_png(sample)
            try:
                images.clean_photo(sample)
                outcomes["cleaned"] += 1
            except images.NotAnImage:
                outcomes["refused"] += 1
            except Exception as exc:  # what the upload would have answered 500 to
                failures.append(f"{name} #{i}: {type(exc).__name__}: {exc}")
    assert failures == [], f"{len(failures)} of 3000, e.g. " + "; ".join(failures[:5])
    assert outcomes["cleaned"] > 300 and outcomes["refused"] > 300  # the mutations reach both ends


# --- two photos at once -------------------------------------------------------------------------------------

def _photos_kept(app, consultant_id: str) -> set[str]:
    root = app.state.storage.root
    folder = root / "photos" / consultant_id
    return {f"/media/{p.relative_to(root).as_posix()}" for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


async def test_simultaneous_photo_uploads_leave_the_recorded_photo_served_and_no_other_file(client, db, app):
    await set_uploads_per_hour(db, 100)
    account = await signup_consultant(client)
    headers, cid = auth(account["access_token"]), account["consultant"]["id"]
    for round_ in range(5):
        answers = await asyncio.gather(*(
            client.post(PHOTO, headers=headers, files={"photo": ("me.png", encoded("PNG", (40, 30 + 3 * round_ + i)),
                                                                  "image/png")})
            for i in range(3)))
        assert [r.status_code for r in answers] == [200] * 3
        recorded = (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"]
        assert recorded in {r.json()["consultant"]["profile_photo_url"] for r in answers}
        assert (await client.get(recorded)).status_code == 200, f"round {round_}: the recorded photo was deleted"
        assert _photos_kept(app, cid) == {recorded}, f"round {round_}"


async def test_a_photo_stored_but_never_recorded_is_deleted_not_left_behind(client, app, monkeypatch):
    # Only the photo a recorded change replaced is deleted now, so a photo whose recording fails (here: the
    # account was deleted while it was being decoded) must be deleted by its own upload.
    from app.routes import profile

    gate = Gate(profile.clean_photo)
    monkeypatch.setattr(profile, "clean_photo", gate)
    account = await signup_consultant(client)
    headers, cid = auth(account["access_token"]), account["consultant"]["id"]
    uploading = asyncio.create_task(client.post(PHOTO, headers=headers,
                                                files={"photo": ("me.png", encoded("PNG", (40, 30)), "image/png")}))
    await gate.started.wait()
    try:
        gone = await client.request("DELETE", ME, headers=headers, json={"current_password": PASSWORD})
        assert gone.status_code == 204, gone.text
    finally:
        gate.release.set()
    r = await uploading
    assert r.status_code == 401, r.text
    assert gate.finished == 1 and _photos_kept(app, cid) == set()


# --- templates ------------------------------------------------------------------------------------------

NESTED = "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}"
HOSTILE = {
    # Time: loops that print nothing, and a macro that calls itself.
    "nested-loops": (NESTED, {"template_too_slow"}),
    "loop-over-a-long-string": ("{% set s = 'ab' * 100000 %}{% for x in s %}{% for y in s %}{% endfor %}{% endfor %}",
                                {"template_too_slow"}),
    "recursive-macro": ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", {"template_too_large"}),
    # Size: ranges, repetition, powers, memory, output.
    "range-billion": ("{% for i in range(10**9) %}{% endfor %}", {"template_too_large"}),
    "range-with-step": ("{{ range(0, 10**12, 1000) | list | length }}", {"template_too_large"}),
    "string-times": ("{{ 'x' * 10**9 }}", {"template_too_large"}),
    "list-times": ("{{ ([0] * 10**8) | length }}", {"template_too_large"}),
    "power": ("{{ 9 ** (10 ** 9) }}", {"template_too_large"}),
    "squaring-in-a-loop": ("{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}"
                           "{% endfor %}{{ ns.n }}", {"template_too_large"}),
    # (memory runs out after about a gigabyte of copying: on a busy machine the clock may run out first)
    "doubling-a-string": ("{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
                          "{% endfor %}{{ ns.s | length }}", {"template_too_large", "template_too_slow"}),
    "center-a-gigabyte": ("{{ 'x' | center(10**9) }}", {"template_too_large"}),
    "percent-width": ("{{ '%0999999999d' % 1 }}", {"template_too_large"}),
    "output": ("{% for i in range(1000) %}{% for j in range(1000) %}xy{% endfor %}{% endfor %}", {"template_too_large"}),
    "deep-parentheses": ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", {"template_too_large", "template_invalid"}),
    # Reach: Python's internals, and changing shared objects.
    "class-mro": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", {"template_invalid"}),
    "cycler-globals": ("{{ cycler.__init__.__globals__.os }}", {"template_invalid"}),
    "joiner-globals": ("{{ joiner.__init__.__globals__ }}", {"template_invalid"}),
    "lipsum-globals": ("{{ lipsum.__globals__['os'].popen('id').read() }}", {"template_invalid"}),
    "namespace-init": ("{{ namespace.__init__.__globals__ }}", {"template_invalid"}),
    "format-attribute": ("{{ '{0.__class__.__base__}'.format(1) }}", {"template_invalid"}),
    "format-filter": ("{{ '%s' | format(range.__globals__) }}", {"template_invalid"}),
    "self-context": ("{{ self._TemplateReference__context }}", {"template_invalid"}),
    "list-append": ("{% set l = [] %}{{ l.append(1) }}", {"template_invalid"}),
    "dict-update": ("{% set d = {} %}{{ d.update(a=1) }}", {"template_invalid"}),
    "filter-attr-internals": ("{{ (1).__class__ | attr('__subclasses__') }}", {"template_invalid"}),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_templates_are_refused_on_save_with_nothing_stored(client, db, name):
    source, codes = HOSTILE[name]
    h = auth(await make_admin(db, client, role="super_admin"))
    body = {"subject": "Hello", "html_body": "<p>Hello {{ first_name }}</p>", "text_body": source}
    r = await client.put(f"{TEMPLATES}/account_approved", headers=h, json=body)
    assert r.status_code == 422, r.text[:500]
    error = r.json()["error"]
    assert set(error) == {"code", "message", "field"} and error["code"] in codes, error
    assert error["field"] == "text_body"
    assert (await client.get(f"{TEMPLATES}/account_approved", headers=h)).json()["override"] is None
    # The renderer is ready for the next admin at once.
    ok = await client.post(f"{TEMPLATES}/account_approved/preview", headers=h, json={**body, "text_body": "fine"})
    assert ok.status_code == 200 and ok.json()["text"] == "fine"


async def test_a_template_source_over_the_size_limit_is_refused_before_rendering(client, db):
    h = auth(await make_admin(db, client, role="super_admin"))
    r = await client.put(f"{TEMPLATES}/account_approved", headers=h,
                         json={"subject": "Hello", "html_body": "x" * 200_001, "text_body": "x"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "html_body"


# --- what the stored file carries besides pixels -----------------------------------------------------------

def _exif_of_many_bogus_tags() -> bytes:
    """~2,700 distinct tags each claiming a 32 kB value: under the 64 kB EXIF bound, and each one a distinct
    Pillow warning ("Tag data larger than file") when the block is read."""
    blob = 32000
    count = (65000 - 6 - 8 - 2 - 4 - blob) // 12
    values_at = 8 + 2 + count * 12 + 4
    entries = b"".join(struct.pack(">HHII", 0x9000 + i, 7, blob, values_at) for i in range(count))
    return b"Exif\x00\x00" + b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", count) + entries + b"\x00" * 4 + b"A" * blob


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_no_comment_profile_or_metadata_survives_cleaning(fmt):
    # An outside check found a JPEG's comment and a PNG's ICC profile (with text appended to it) stored byte
    # for byte: Pillow writes back what it read. Only pixels may be stored, in sRGB.
    from PIL import ImageCms
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() + b"GPS 12.34N SECRET-IN-PROFILE"
    out = io.BytesIO()
    extra = {"comment": b"SECRET-IN-COMMENT"} if fmt == "JPEG" else {}
    Image.new("RGB", (32, 32), (200, 80, 20)).save(out, fmt, icc_profile=profile, **extra)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as original:  # the test file really carries both
        assert original.info["icc_profile"].endswith(b"SECRET-IN-PROFILE")
        assert fmt != "JPEG" or original.info["comment"] == b"SECRET-IN-COMMENT"
    cleaned, _, _ = images.clean_photo(data)
    assert b"SECRET" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as img:
        assert "icc_profile" not in img.info and "comment" not in img.info, img.info
        r, g, b = img.convert("RGB").getpixel((16, 16))
        assert abs(r - 200) < 12 and abs(g - 80) < 12 and abs(b - 20) < 12  # an sRGB profile leaves colours as they were


def test_a_palette_png_keeps_its_transparency():
    img = Image.new("P", (8, 8), 0)
    img.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    img.info["transparency"] = 0
    out = io.BytesIO()
    img.save(out, "PNG", transparency=0)
    cleaned, _, _ = images.clean_photo(out.getvalue())
    with Image.open(io.BytesIO(cleaned)) as back:
        assert back.info.get("transparency") == 0


def test_a_damaged_exif_block_puts_no_warning_lines_in_the_log():
    # 5,500 raw "UserWarning: Tag data larger than file" lines reached the server's stderr from one upload.
    import warnings

    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, "JPEG", exif=_exif_of_many_bogus_tags())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # as a server starts: nothing but the defaults before the first upload
        images.clean_photo(out.getvalue())
    assert [w for w in caught if "PIL" in w.filename] == []

# Test: pytest tests/fuzz/test_abuse_uploads.py
