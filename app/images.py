# app/images.py — checking an uploaded photo by its content and re-encoding it without metadata, off the event loop.
from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2048
# The cap on decoded pixels, read from the header before anything is decoded. A profile photo is shown at
# most 2048 px on a side (4.2 MP); 16.8 MP (4096×4096) still takes a 12 MP phone photo (4032×3024) or a 4K
# screenshot as it is, while one decode costs at most 64 MB (RGBA) and a fraction of a second. Pillow's own
# default (89 MP, an error only at twice that) lets a 100 kB PNG of 6300×6300 cost 160 MB and over a second.
# Pillow's own check stays as it is, behind ours (it refuses at open only beyond twice its default).
MAX_PIXELS = 4096 * 4096
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}

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


def clean_photo(data: bytes) -> tuple[bytes, str, str]:
    """Decode fully (a truncated or forged file fails here), apply the EXIF orientation, drop every other
    piece of metadata (camera, GPS), bound the size, and re-encode in the same format. CPU-bound: call it
    through `off_loop`, never on the event loop."""
    fmt = sniff(data)
    if fmt is None:
        raise NotAnImage("Upload a JPEG, PNG or WebP image.")
    try:
        with Image.open(io.BytesIO(data)) as img:  # reads the header only
            if img.format != fmt:
                raise NotAnImage("The file's content does not match an image format.")
            if img.width * img.height > MAX_PIXELS:  # a decompression bomb is refused before decoding
                raise ImageTooLarge(f"The image is too large: {img.width}×{img.height} pixels. {_AT_MOST}")
            img.load()
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
    except (OSError, SyntaxError, ValueError) as exc:
        raise NotAnImage("The image could not be read.") from exc
    content_type, ext = FORMATS[fmt]
    return out.getvalue(), content_type, ext


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
