# app/images.py — checking an uploaded photo by its content and re-encoding it without metadata, off the event loop.
from __future__ import annotations

import asyncio
import io
import logging
import re
import struct
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import NamedTuple, TypeVar

from PIL import Image, ImageCms

from app.errors import ApiError

log = logging.getLogger("nakksha.images")

# Pillow warns (UserWarning, once per distinct text) about what it skips in a damaged file: an EXIF block of
# 2,700 distinct bogus tags put 5,500 raw lines on stderr from one upload, with no request id. Whatever Pillow
# skips, the upload is cleaned or refused here, so its warnings carry nothing an operator acts on. A filter,
# not catch_warnings (that swaps process-wide state, and decoding runs in several threads), put back in front on each
# clean: whoever resets or shadows the filters (a test runner does) does not bring the lines back.
_PIL_MODULES = r"PIL\."


def _quiet_pillow() -> None:
    first = warnings.filters[0] if warnings.filters else None
    if not (first and first[0] == "ignore" and getattr(first[3], "pattern", None) == _PIL_MODULES):
        warnings.filterwarnings("ignore", module=_PIL_MODULES)  # to the front (a copy further back is removed)

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2048
# The cap on decoded pixels, read from the header before anything is decoded. A profile photo is shown at
# most 2048 px on a side (4.2 MP); 16.8 MP (4096×4096) still takes a 12 MP phone photo (4032×3024) or a 4K
# screenshot as it is, while one decode costs at most 64 MB (RGBA) and a fraction of a second. Pillow's own
# default (89 MP, an error only at twice that) lets a 100 kB PNG of 6300×6300 cost 160 MB and over a second.
# Pillow's own check stays as it is, behind ours (it refuses at open only beyond twice its default).
MAX_PIXELS = 4096 * 4096
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
# What Pillow may call what we sniffed: a JPEG with an MPF index (a 3D camera's pair, a phone's burst) opens
# as MPO (Pillow's JPEG opener makes it one; MPO is no opener of its own); only its first image is ever
# decoded and kept.
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
# The walk follows libjpeg (jdmarker.c): from one marker to the next it skips what libjpeg's next_marker()
# skips (bytes that are not FF, stuffed FF 00, fill, restart markers), and a segment's length is what
# libjpeg consumes of it (or libjpeg fails). It accepts only the markers below, each in the one way
# libjpeg reads it, and refuses everything else, so the scans it counts are the scans libjpeg decodes:
# * a length below 2 (libjpeg reads an empty comment or APPn, and decodes every scan after it: the outside
#   check's 715 kB photo cost 52.7 s), or running past the end;
# * reserved (02-BF), JPG, JPGn, DHP, EXP, DNL, DAC and TEM markers: in a scan with restarts libjpeg's resync
#   discards a reserved one and reads on from the next marker, so a "body" could hide scans;
# * a second SOI, an EOI before the first scan (Pillow's own header parser reads on after it, in Python);
# * frames other than baseline, extended and progressive Huffman (lossless and arithmetic coding cost more
#   per block than counted; hierarchical and 12-bit ones neither libjpeg nor Pillow decode), a second frame,
#   components other than 1, 3 or 4 (Pillow's modes), a zero size, repeated component ids (libjpeg renames
#   them, so a scan would cover other blocks than counted), lengths that do not match their content, and
#   progression parameters libjpeg rejects.
_JPEG_FRAMES = {0xC0: False, 0xC1: False, 0xC2: True}  # SOF code: progressive?
_JPEG_SCAN, _JPEG_END = 0xDA, 0xD9
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # every SOFn, for _jpeg_frame to judge
_JPEG_SEGMENTS = frozenset({0xC4, 0xDB, 0xDD, *range(0xE0, 0xF0), 0xFE})  # DHT, DQT, DRI, APPn, COM
_JPEG_NAMES = {0x01: "TEM", 0xC8: "JPG", 0xCC: "DAC", 0xD8: "SOI", 0xDC: "DNL", 0xDE: "DHP", 0xDF: "EXP"}


class _Unreadable(NotAnImage):
    """A JPEG structure the walk does not follow (see above)."""

    def __init__(self, what: str):
        super().__init__(f"The image could not be read: {what}. Save it again from a photo app or editor as an "
                         "ordinary JPEG (or PNG or WebP) and upload that.")


class JpegMarker(NamedTuple):
    """A marker libjpeg acts on: its code, where it starts (at FF) and where its segment ends (for SOS, the
    scan's compressed data follows, up to the next marker)."""
    code: int
    start: int
    end: int


class JpegWalk(NamedTuple):
    work: int
    markers: list[JpegMarker]


def _jpeg_frame(code: int, body: bytes) -> tuple[bool, dict[int, int]]:
    """SOFn: whether it is progressive, and the blocks of each component (padded to whole MCUs)."""
    if code not in _JPEG_FRAMES:
        kind = "lossless" if code in (0xC3, 0xCB) else "arithmetic-coded" if code in (0xC9, 0xCA) else "hierarchical"
        raise _Unreadable(f"it is a {kind} JPEG, which is not supported")
    if len(body) < 6 or len(body) != 6 + 3 * body[5]:
        raise _Unreadable("its frame header is damaged")
    precision, height, width, count = body[0], int.from_bytes(body[1:3], "big"), int.from_bytes(body[3:5], "big"), body[5]
    if width * height > MAX_PIXELS:
        raise _too_large(width, height)
    if precision != 8:
        raise _Unreadable(f"it has {precision}-bit samples; only 8-bit JPEGs are supported")
    if count not in (1, 3, 4) or not width or not height:
        raise _Unreadable(f"it declares {count} colour components and {width}×{height} pixels")
    sampling = [(body[6 + 3 * i], body[7 + 3 * i] >> 4, body[7 + 3 * i] & 15) for i in range(count)]
    if any(not (1 <= h <= 4 and 1 <= v <= 4) for _, h, v in sampling) or len({cid for cid, _, _ in sampling}) != count:
        raise _Unreadable("its frame header is damaged")
    h_max, v_max = max(h for _, h, _ in sampling), max(v for _, _, v in sampling)
    mcus_across, mcus_down = -(-width // (8 * h_max)), -(-height // (8 * v_max))
    return _JPEG_FRAMES[code], {cid: mcus_across * h * mcus_down * v for cid, h, v in sampling}


def _jpeg_scan_work(frame: tuple[bool, dict[int, int]] | None, body: bytes) -> int:
    """SOS: the blocks the scan covers × (its band of coefficients + the fixed cost of a block)."""
    if frame is None:
        raise _Unreadable("a scan comes before its frame header")
    progressive, blocks = frame
    count = body[0] if body else 0
    if not 1 <= count <= 4 or len(body) != 4 + 2 * count:
        raise _Unreadable("a scan header is damaged")
    ids = body[1:1 + 2 * count:2]
    if len(set(ids)) != count or any(cid not in blocks for cid in ids):
        raise _Unreadable("a scan names colour components its frame does not have")
    first, last, ah, al = body[1 + 2 * count], body[2 + 2 * count], body[3 + 2 * count] >> 4, body[3 + 2 * count] & 15
    if progressive:  # libjpeg's checks (jdphuff.c): these stop the decode with an error
        if (last != 0 if first == 0 else (first > last or last > 63 or count != 1)) or al > 13 or (ah and al != ah - 1):
            raise _Unreadable("a scan's progression is damaged")
        band = last - first + 1
    else:
        band = 64  # libjpeg decodes every coefficient of a sequential scan whatever its header says
    return sum(blocks[cid] for cid in ids) * (band + JPEG_BLOCK_COST)


def walk_jpeg(data: bytes) -> JpegWalk:
    """Walk a JPEG's markers as libjpeg will, from SOI to its first EOI (a second image of an MPO is never
    decoded) or the end of the data, and return the scan work counted above and the markers libjpeg acts on.
    ImageTooComplex past any bound, ImageTooLarge past the pixel cap, NotAnImage (_Unreadable) for anything
    the walk does not follow: it never stops early where libjpeg would read on."""
    pos, scans, segments, junk, work = 2, 0, 0, 0, 0
    frame: tuple[bool, dict[int, int]] | None = None
    markers: list[JpegMarker] = []
    while (marker := _JPEG_MARKER.search(data, pos)) is not None:
        if scans == 0:  # before the first scan, bytes between markers are junk (after it, compressed data)
            junk += marker.start() - pos
            if junk > MAX_JPEG_HEADER_JUNK:
                raise ImageTooComplex(_TOO_COMPLEX.format("stray bytes between its markers"))
        start, code, pos = marker.start(), data[marker.start() + 1], marker.end()
        if code == _JPEG_END:
            if scans == 0:
                raise _Unreadable("it ends before its image data")
            markers.append(JpegMarker(code, start, pos))
            return JpegWalk(work, markers)
        if code not in _JPEG_SEGMENTS and code not in _JPEG_SOF and code != _JPEG_SCAN:
            name = _JPEG_NAMES.get(code, "JPGn" if 0xF0 <= code <= 0xFD else "reserved")
            raise _Unreadable(f"it holds a {name} marker (FF {code:02X}) at byte {start}")
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > len(data):
            raise _Unreadable(f"the marker at byte {start} has a length of {length}"
                              + (" running past the end of the file" if length >= 2 else ""))
        body, pos = data[pos + 2:pos + length], pos + length
        segments += 1
        if segments > MAX_JPEG_SEGMENTS:
            raise ImageTooComplex(_TOO_COMPLEX.format(f"more than {MAX_JPEG_SEGMENTS} markers"))
        if code in _JPEG_SOF:
            if frame is not None:  # hierarchical JPEG: libjpeg refuses it too
                raise _Unreadable("it has a second frame header")
            frame = _jpeg_frame(code, body)
        elif code == _JPEG_SCAN:
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise ImageTooComplex(_TOO_COMPLEX.format(f"more than {MAX_JPEG_SCANS} scans"))
            work += _jpeg_scan_work(frame, body)
            if work > MAX_JPEG_WORK:
                raise ImageTooComplex(_TOO_COMPLEX.format("its scans go over the picture too many times"))
        markers.append(JpegMarker(code, start, pos))
    if scans == 0:
        raise _Unreadable("it ends before its image data")
    return JpegWalk(work, markers)  # the data ends without EOI: libjpeg cannot read further either


def jpeg_work(data: bytes) -> int:
    """The scan work of a JPEG (walk_jpeg), refusing it past any bound."""
    return walk_jpeg(data).work


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


# EXIF orientation → the transposition that shows the picture upright (as ImageOps.exif_transpose does,
# without re-writing the EXIF block it would then keep: that re-encoding raised TypeError on a tag of an
# unexpected type, and the block is dropped here anyway).
_ORIENTATIONS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
                 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                 8: Image.Transpose.ROTATE_90}


def _upright(img: Image.Image) -> Image.Image:
    orientation = img.getexif().get(0x0112)
    method = _ORIENTATIONS.get(orientation) if isinstance(orientation, int) else None
    return img.transpose(method) if method is not None else img


_SRGB = ImageCms.createProfile("sRGB")


def _pixels_only(img: Image.Image) -> Image.Image:
    """What is saved: the pixels in sRGB and nothing else. Pillow writes back what it read (a JPEG's comment, an
    ICC profile with whatever bytes were appended to it), so the info is emptied, keeping only a palette's
    transparency. A colour profile is applied first (a phone's Display P3 photo keeps its colours); one
    LittleCMS cannot read is dropped and the pixels kept as they are."""
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "RGBA"):
        try:
            img = ImageCms.profileToProfile(img, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB, outputMode=img.mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    img.info = {"transparency": img.info["transparency"]} if "transparency" in img.info else {}
    return img


def clean_photo(data: bytes) -> tuple[bytes, str, str]:
    """Bound the work from the file's structure and its header (nothing decoded yet), then decode fully (a
    truncated or forged file fails here), apply the EXIF orientation, drop every other piece of metadata
    (camera, GPS), bound the size, and re-encode in the same format (only the first image of an animation or
    an MPO). CPU-bound: call it through `off_loop`, never on the event loop."""
    _quiet_pillow()
    fmt = sniff(data)
    if fmt is None:
        raise NotAnImage("Upload a JPEG, PNG or WebP image.")
    if fmt == "JPEG":
        jpeg_work(data)
    elif fmt == "PNG":
        _bound_png(data)
    try:
        with Image.open(io.BytesIO(data), formats=(fmt,)) as img:  # reads the header only
            if img.format not in OPENED_AS[fmt]:
                raise NotAnImage("The file's content does not match an image format.")
            if img.width * img.height > MAX_PIXELS:  # a decompression bomb is refused before decoding
                raise _too_large(img.width, img.height)
            _bound_exif(img)
            img.load()
            _bound_exif(img)  # a PNG's metadata after its image data is read by load()
            img = _upright(img)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            img = _pixels_only(img)
            out = io.BytesIO()
            img.save(out, format=fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
    except NotAnImage:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own check, at open, beyond twice its default
        raise ImageTooLarge(f"The image is too large. {_AT_MOST}") from exc
    except Exception as exc:  # hostile input reaches Pillow's parsers: whatever they raise is a refusal, not a 500
        if not isinstance(exc, (OSError, SyntaxError, ValueError, struct.error)):
            log.warning("image refused on %s from Pillow: %s", type(exc).__name__, exc)
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
