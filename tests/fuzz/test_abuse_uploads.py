# tests/fuzz/test_abuse_uploads.py — the attack classes of issue 16's "work that blocks the event loop": image bombs in every accepted format, and hostile email templates (endless loops, huge output, memory, recursion, internals), each refused with a clear 4xx and nothing stored.
"""Photos: a header may claim any size; whatever it claims above the cap is refused from the header (413
image_too_large) before a pixel is decoded, in each format, whether Pillow's own bomb check fires at open
(beyond twice its default) or only ours does. Within the cap, a file built to cost far more than its pixels
(the progressive-JPEG scan bomb, refinement scans, marker, fill and chunk floods, inflating chunks, huge EXIF)
is refused from its structure (422 image_too_complex) before Pillow decodes it, while ordinary progressive
JPEGs at the cap pass; a file of several images (MPO, APNG, animated WebP) keeps its first. The per-account
upload limit is one budget for the API and the settings page together, and for quotation images: those take
the same checks, and however many are uploaded to one draft, one file is kept (the one it shows).

Templates: every hostile template is a 422 (template_invalid, template_too_large or template_too_slow) in
the error shape, on save as on preview, leaves no override behind, and the app keeps answering."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from app import images
from tests.fuzz.image_bombs import (
    chunk,
    encoded,
    exif,
    iccp_bomb,
    jpeg_with_fill,
    jpeg_with_markers,
    png_with,
    refinement_bomb,
    scan_bomb,
)
from tests.http.helpers import auth, make_admin, signup_consultant
from tests.http.test_booking import approved_consultant
from tests.http.test_image_uploads import attach, draft, stored
from tests.http.test_pages import HTML, csrf_of
from tests.http.test_photo_uploads import set_uploads_per_hour
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

# Test: pytest tests/fuzz/test_abuse_uploads.py
