# app/images.py — checking an uploaded photo by its content and re-encoding it without metadata, off the event loop.
from __future__ import annotations

import asyncio
import io
import re
import struct
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from PIL import Image, ImageOps

from app.errors import ApiError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2048
# The cap on decoded pixels, read from the header before anything is decoded. A profile photo is shown at
# most 2048 px on a side (4.2 MP); 16.8 MP (4096×4096) still takes a 12 MP phone photo (4032×3024) or a 4K
# screenshot as it is, while one decode costs at most 64 MB (RGBA) and a fraction of a second. Pillow's own
# default (89 MP, an error only at twice that) lets a 100 kB PNG of 6300×6300 cost 160 MB and over a second.
# Pillow's own check stays as it is, behind ours (it refuses at open only beyond twice its default).
MAX_PIXELS = 4096 * 4096
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
# What Pillow may call what we sniffed: a JPEG with an MPF index (a phone's Ultra HDR photo, a 3D camera's
# pair) opens as MPO; only its first image is ever decoded and kept.
OPENED_AS = {"JPEG": ("JPEG", "MPO"), "PNG": ("PNG",), "WEBP": ("WEBP",)}

# Pixels are not the only cost. Before Pillow sees a byte, the file's structure is walked (in C where it is
# long: regular expressions over entropy-coded data) and refused with ImageTooComplex when decoding it would
# cost far more than its pixels. Measured on Pillow 13 / libjpeg-turbo 3.2 at the pixel cap:
# * JPEG: a progressive file repeats scans over the same blocks. Each scan costs about 30 ns per block it
#   covers plus about 1 ns per coefficient of its band (an AC refinement scan over 1-63: ~70 ns a block, 18 ms
#   for 4096×4096 grey), whatever its bytes say: one 30-byte scan of end-of-band runs costs 2 ms, so a 1 MB
#   file of 27,000 of them took 56 s. The work is counted per scan as blocks × (band + JPEG_BLOCK_COST) and
#   bounded at eight full sequential passes over a colour image at the pixel cap (libjpeg's own progressive
#   script, 10 scans, costs about three; a CMYK one about five), about half a second; and at MAX_JPEG_SCANS
#   scans whatever the image's size (encoders write about 10, mozjpeg a few more).
# * JPEG and PNG headers are parsed by Pillow in Python (a marker, a chunk, a stray byte at a time: 5 MB of
#   empty COM markers or PNG chunks took 2.5–3.4 s): their counts are bounded, and so are the chunks that
#   inflate (iCCP, zTXt, iTXt: up to 1 MB each) and the EXIF block read for the orientation (Python too).
# * WebP is parsed and decoded by libwebp in C (a million chunks: 0.05 s); only the first frame of an
#   animation is decoded, and a frame larger than its canvas is refused by libwebp.
MAX_JPEG_SCANS = 100
MAX_JPEG_SEGMENTS = 1000  # markers with a body (APPn, COM, DQT, DHT, SOF, SOS…); a camera's JPEG has ~20
MAX_JPEG_HEADER_JUNK = 1024  # fill or stray bytes before the first scan, which Pillow reads one by one
JPEG_BLOCK_COST = 32  # a block's fixed cost in a scan, in coefficients
MAX_JPEG_WORK = 8 * 3 * (MAX_PIXELS // 64) * (64 + JPEG_BLOCK_COST)
MAX_PNG_CHUNKS = 8192  # libpng writes image data in 8 kB chunks: a 5 MB file has ~640
MAX_PNG_OTHER_CHUNKS = 1024  # everything but image data (IDAT, fdAT): each parsed in Python
MAX_PNG_INFLATED_CHUNKS = 16  # iCCP, zTXt, iTXt
MAX_EXIF_BYTES = 64 * 1024  # what a JPEG's APP1 can hold; a PNG's or WebP's could otherwise hold megabytes

# Decoding runs in a small pool of threads, not processes: Pillow releases the GIL while it decodes, resizes
# and encodes, so threads run in parallel with the event loop and each other, and with the pixel cap above
# every job is short and always finishes (nothing to kill, unlike an admin's template: app/template_sandbox.py).
# A process pool would add a copy of every upload and its result across a pipe and a process per core for
# no gain. Two threads use the machine's cores; MAX_IN_FLIGHT bounds what waits (and the memory it holds):
# beyond it an upload is answered 503 at once instead of queueing without end.
DECODE_THREADS = 2
MAX_IN_FLIGHT = 8
_decoders = ThreadPoolExecutor(max_workers=DECODE_THREADS, thread_name_prefix="nakksha-photo")
_in_flight = 0
_in_flight_lock = threading.Lock()

T = TypeVar("T")
_AT_MOST = (f"Use one of at most {MAX_PIXELS / 1e6:.1f} megapixels (for example 4096×4096); "
            f"{MAX_SIDE} pixels a side is plenty.")


class NotAnImage(ValueError):
    pass


class ImageTooLarge(NotAnImage):
    pass


class ImageTooComplex(NotAnImage):
    """Within the pixel cap, but decoding it would cost far more than its pixels (see above)."""


class DecoderBusy(RuntimeError):
    """MAX_IN_FLIGHT photos are already being decoded or waiting in this process."""


def sniff(data: bytes) -> str | None:
    """The format from the first bytes (never from the file name or the declared type)."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _too_large(width: int, height: int) -> ImageTooLarge:
    return ImageTooLarge(f"The image is too large: {width}×{height} pixels. {_AT_MOST}")


_TOO_COMPLEX = ("The image is built in an unusual way that would take too long to read ({}). Save it again "
                "from a photo app or editor and upload that.")

# FF then a marker code: not stuffing (00), a restart marker (D0-D7, inside scans) or fill (FF).
_JPEG_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_JPEG_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})


def _jpeg_frame(code: int, body: bytes) -> tuple[bool, dict[int, int]]:
    """SOFn: whether it is progressive, and the blocks of each component (padded to whole MCUs)."""
    if len(body) < 6 or len(body) < 6 + 3 * body[5] or body[5] == 0:
        raise NotAnImage("The image could not be read.")
    height, width, count = int.from_bytes(body[1:3], "big"), int.from_bytes(body[3:5], "big"), body[5]
    if width * height > MAX_PIXELS:
        raise _too_large(width, height)
    sampling = [(body[6 + 3 * i], body[7 + 3 * i] >> 4, body[7 + 3 * i] & 15) for i in range(count)]
    if any(not (1 <= h <= 4 and 1 <= v <= 4) for _, h, v in sampling):
        raise NotAnImage("The image could not be read.")
    h_max, v_max = max(h for _, h, _ in sampling), max(v for _, _, v in sampling)
    mcus_across, mcus_down = -(-width // (8 * h_max)), -(-height // (8 * v_max))
    return code in _JPEG_PROGRESSIVE, {cid: mcus_across * h * mcus_down * v for cid, h, v in sampling}


def _jpeg_scan_work(frame: tuple[bool, dict[int, int]] | None, body: bytes) -> int:
    """SOS: the blocks the scan covers × (its band of coefficients + the fixed cost of a block)."""
    count = body[0] if body else 0
    if frame is None or not 1 <= count <= 4 or len(body) < 4 + 2 * count:
        raise NotAnImage("The image could not be read.")
    progressive, blocks = frame
    first, last = body[1 + 2 * count], body[2 + 2 * count]
    band = max(1, min(64, last - first + 1)) if progressive else 64
    try:
        covered = sum(blocks[cid] for cid in body[1:1 + 2 * count:2])
    except KeyError:
        raise NotAnImage("The image could not be read.") from None
    return covered * (band + JPEG_BLOCK_COST)


def jpeg_work(data: bytes) -> int:
    """Walk a JPEG's markers as libjpeg will (up to its first EOI: a second image of an MPO is never
    decoded) and return the scan work counted above; ImageTooComplex past any bound, ImageTooLarge past the
    pixel cap. A file that ends early stops the walk: Pillow then refuses it."""
    pos, scans, segments, junk, work = 2, 0, 0, 0, 0
    frame: tuple[bool, dict[int, int]] | None = None
    while (marker := _JPEG_MARKER.search(data, pos)) is not None:
        if scans == 0:  # before the first scan, bytes between markers are junk (after it, compressed data)
            junk += marker.start() - pos
            if junk > MAX_JPEG_HEADER_JUNK:
                raise ImageTooComplex(_TOO_COMPLEX.format("stray bytes between its markers"))
        code, pos = data[marker.start() + 1], marker.end()
        if code == 0xD9:  # EOI
            break
        if code in (0x01, 0xD8):  # markers without a body
            continue
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > len(data):
            break
        body, pos = data[pos + 2:pos + length], pos + length
        segments += 1
        if segments > MAX_JPEG_SEGMENTS:
            raise ImageTooComplex(_TOO_COMPLEX.format(f"more than {MAX_JPEG_SEGMENTS} markers"))
        if code in _JPEG_FRAMES:
            if frame is not None:  # hierarchical JPEG: libjpeg refuses it too
                raise NotAnImage("The image could not be read.")
            frame = _jpeg_frame(code, body)
        elif code == 0xDA:
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise ImageTooComplex(_TOO_COMPLEX.format(f"more than {MAX_JPEG_SCANS} scans"))
            work += _jpeg_scan_work(frame, body)
            if work > MAX_JPEG_WORK:
                raise ImageTooComplex(_TOO_COMPLEX.format("its scans go over the picture too many times"))
    return work


def _bound_png(data: bytes) -> None:
    """Walk a PNG's chunks (to IEND) and refuse floods of them before Pillow parses them one by one."""
    pos, chunks, other, inflated = 8, 0, 0, 0
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        chunks += 1
        if chunks > MAX_PNG_CHUNKS:
            raise ImageTooComplex(_TOO_COMPLEX.format(f"more than {MAX_PNG_CHUNKS} chunks"))
        if kind not in (b"IDAT", b"fdAT"):
            other += 1
            if other > MAX_PNG_OTHER_CHUNKS:
                raise ImageTooComplex(_TOO_COMPLEX.format(f"more than {MAX_PNG_OTHER_CHUNKS} metadata chunks"))
            if kind in (b"iCCP", b"zTXt", b"iTXt"):
                inflated += 1
                if inflated > MAX_PNG_INFLATED_CHUNKS:
                    raise ImageTooComplex(_TOO_COMPLEX.format("too many compressed metadata chunks"))
        if kind == b"IEND":
            break
        pos += 12 + length


def _bound_exif(img: Image.Image) -> None:
    """The EXIF block is parsed in Python to find the orientation: at most what a JPEG can carry."""
    exif, raw = img.info.get("exif") or b"", img.info.get("Raw profile type exif") or ""
    if len(exif) > MAX_EXIF_BYTES or len(raw) > 2 * MAX_EXIF_BYTES + 1024:  # hex text, with a short header
        raise ImageTooComplex(_TOO_COMPLEX.format("its EXIF metadata is too large"))


def clean_photo(data: bytes) -> tuple[bytes, str, str]:
    """Bound the work from the file's structure and its header (nothing decoded yet), then decode fully (a
    truncated or forged file fails here), apply the EXIF orientation, drop every other piece of metadata
    (camera, GPS), bound the size, and re-encode in the same format (only the first image of an animation or
    an MPO). CPU-bound: call it through `off_loop`, never on the event loop."""
    fmt = sniff(data)
    if fmt is None:
        raise NotAnImage("Upload a JPEG, PNG or WebP image.")
    if fmt == "JPEG":
        jpeg_work(data)
    elif fmt == "PNG":
        _bound_png(data)
    try:
        with Image.open(io.BytesIO(data), formats=OPENED_AS[fmt]) as img:  # reads the header only
            if img.format not in OPENED_AS[fmt]:
                raise NotAnImage("The file's content does not match an image format.")
            if img.width * img.height > MAX_PIXELS:  # a decompression bomb is refused before decoding
                raise _too_large(img.width, img.height)
            _bound_exif(img)
            img.load()
            _bound_exif(img)  # a PNG's metadata after its image data is read by load()
            img = ImageOps.exif_transpose(img)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, format=fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
    except NotAnImage:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own check, at open, beyond twice its default
        raise ImageTooLarge(f"The image is too large. {_AT_MOST}") from exc
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise NotAnImage("The image could not be read.") from exc
    content_type, ext = FORMATS[fmt]
    return out.getvalue(), content_type, ext


@contextmanager
def upload_errors(field: str) -> Iterator[None]:
    """What a refused image or a full decoder queue answers (the profile photo and a quotation's image)."""
    try:
        yield
    except ImageTooLarge as exc:
        raise ApiError(413, "image_too_large", str(exc), field) from exc
    except ImageTooComplex as exc:
        raise ApiError(422, "image_too_complex", str(exc), field) from exc
    except NotAnImage as exc:
        raise ApiError(415, "unsupported_media_type", str(exc), field) from exc
    except DecoderBusy as exc:
        raise ApiError(503, "busy", "Many images are being processed right now; try again in a few seconds.",
                       field, {"Retry-After": "5"}) from exc


def _release(_: Future) -> None:
    global _in_flight
    with _in_flight_lock:
        _in_flight -= 1


async def off_loop(fn: Callable[[bytes], T], data: bytes) -> T:
    """Run fn(data) in the decoder threads; the event loop keeps serving meanwhile. Raises DecoderBusy when
    MAX_IN_FLIGHT jobs are already running or queued. A job counts until its thread is done with it, even
    when the request that asked for it went away."""
    global _in_flight
    with _in_flight_lock:
        if _in_flight >= MAX_IN_FLIGHT:
            raise DecoderBusy
        _in_flight += 1
    try:
        job = _decoders.submit(fn, data)
    except BaseException:
        _release(None)  # type: ignore[arg-type]
        raise
    job.add_done_callback(_release)
    return await asyncio.wrap_future(job)

# Test: pytest tests/http/test_profile.py tests/http/test_photo_uploads.py tests/fuzz/test_abuse_uploads.py
